/**
 * Where the long-lived float32 arrays come from: model parameters and gradients, a model's per-batch
 * buffers, a loaded data set.
 *
 *   allocFloat32(n, use) = n zeros in a Float32Array
 *
 * By default that is `new Float32Array(n)`. A faster backend may register an allocator that places
 * such arrays where its kernels work on them in place (setFloat32Allocator); to everyone else they
 * stay ordinary Float32Arrays with the same numbers. float64 arrays (gradient checks) always are plain.
 */
import { DType, Matrix, zeros } from "./matrix";

/** What an array is for: the allocator may treat them differently (e.g. refuse large batch buffers). */
export type ArrayUse = "parameters" | "batch" | "data";

export interface Float32Allocator {
  readonly name: string;
  /** n zeros for `use`, or null to let the caller use `new Float32Array(n)`. */
  alloc(n: number, use: ArrayUse): Float32Array | null;
  /** Takes back an array it made (the caller drops it); arrays it did not make are ignored. */
  release(a: Float32Array): void;
}

let allocator: Float32Allocator | null = null;

/** Installs the allocator of long-lived float32 arrays (null restores `new Float32Array`). */
export function setFloat32Allocator(a: Float32Allocator | null): void {
  allocator = a;
}

/** The name of the allocator in use ("plain" for `new Float32Array`). */
export function float32AllocatorName(): string {
  return allocator ? allocator.name : "plain";
}

/** n zeros for `use`, from the installed allocator or `new Float32Array(n)`. */
export function allocFloat32(n: number, use: ArrayUse): Float32Array {
  return allocator?.alloc(n, use) ?? new Float32Array(n);
}

/** Gives an array from allocFloat32 back; it must not be used afterwards. */
export function releaseFloat32(a: Float32Array): void {
  allocator?.release(a);
}

/** Where long-lived byte arrays (a loaded data set's pixels) come from; see setByteAllocator. */
export interface ByteAllocator {
  readonly name: string;
  /** n zero bytes for `use`, or null to let the caller use `new Uint8Array(n)`. */
  alloc(n: number, use: ArrayUse): Uint8Array | null;
}

let byteAllocator: ByteAllocator | null = null;

/**
 * Installs the allocator of long-lived byte arrays (null restores `new Uint8Array`). A backend may place
 * them where its threads read them (so that a worker thread can gather batches of pixels).
 */
export function setByteAllocator(a: ByteAllocator | null): void {
  byteAllocator = a;
}

/** n zero bytes for `use` (a data set's pixels: "data"), from the installed allocator or `new Uint8Array(n)`. */
export function allocBytes(n: number, use: ArrayUse): Uint8Array {
  return byteAllocator?.alloc(n, use) ?? new Uint8Array(n);
}

/** A zero rows×cols matrix; float32 data comes from allocFloat32(·, use). */
export function allocMatrix(rows: number, cols: number, dtype: DType, use: ArrayUse): Matrix {
  return dtype === "float32" ? new Matrix(rows, cols, allocFloat32(rows * cols, use)) : zeros(rows, cols, dtype);
}

/** A copy of M with the same dtype, allocated as allocMatrix does. */
export function allocCopy(M: Matrix, use: ArrayUse): Matrix {
  const C = allocMatrix(M.rows, M.cols, M.dtype, use);
  C.data.set(M.data);
  return C;
}

/** Gives a matrix from allocMatrix / allocCopy back (no-op for float64); it must not be used afterwards. */
export function releaseMatrix(M: Matrix): void {
  if (M.data instanceof Float32Array) releaseFloat32(M.data);
}
