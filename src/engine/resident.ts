/**
 * Model parameters that live inside the WebAssembly memory.
 *
 *   residentCopy(M) = a matrix with M's shape and numbers whose data array is resident (WasmGemm.alloc)
 *
 * The products (src/engine/wasmGemm.ts) and the update kernels (fusedSgdStep, fusedSumOfSquares) use
 * a resident array where it is instead of copying it into the wasm memory and back at every step. A
 * resident array is an ordinary Float32Array to everyone else (it views a SharedArrayBuffer). Only
 * float32 matrices are made resident, and only when the fast wasm products run (otherwise, or when
 * the resident budget is used up, M itself is returned: same numbers, copied per product as before).
 */
import { DType, Matrix, zeros } from "../core/matrix";
import { defaultGemmKernel } from "./wasmGemm";

/** M (float32, r×c) copied into the wasm memory; M itself when it is float64 or there is no wasm engine. */
export function residentCopy(M: Matrix): Matrix {
  if (!(M.data instanceof Float32Array)) return M;
  const e = defaultGemmKernel().engine;
  const data = e ? e.alloc(M.data.length) : null;
  if (!data) return M;
  data.set(M.data);
  return new Matrix(M.rows, M.cols, data);
}

/**
 * A zero float32 rows×cols matrix in the wasm memory (a data set that stays for the whole session, e.g.
 * MNIST's images), or an ordinary one when there is no wasm engine or no room left. It is allocated
 * there directly, without a second copy of its size.
 */
export function residentMatrix(rows: number, cols: number): Matrix {
  const e = defaultGemmKernel().engine;
  const data = e ? e.alloc(rows * cols) : null;
  return data ? new Matrix(rows, cols, data) : zeros(rows, cols, "float32");
}

/** Gives the memory of a matrix made by residentCopy / batchBuffer back to the wasm engine (no-op otherwise). */
export function releaseResident(M: Matrix): void {
  const e = defaultGemmKernel().engine;
  if (e && M.data instanceof Float32Array) e.free(M.data);
}

/** Largest batch buffer (bytes) that `batchBuffer` makes resident: batch buffers are made per training run. */
const BATCH_BUFFER_MAX = 4 << 20;

/**
 * A zero rows×cols buffer for gathered mini-batches: resident (products read it in place) when it is
 * float32 and at most 4 MiB, an ordinary matrix otherwise.
 */
export function batchBuffer(rows: number, cols: number, dtype: DType): Matrix {
  const M = zeros(rows, cols, dtype);
  return dtype === "float32" && rows * cols * 4 <= BATCH_BUFFER_MAX ? residentCopy(M) : M;
}
