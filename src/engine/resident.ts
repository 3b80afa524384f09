/**
 * Arrays that live inside the WebAssembly memory ("resident"), where the products
 * (src/engine/wasmGemm.ts) and the update kernels (fusedSgdStep, fusedSumOfSquares) use them in place
 * instead of copying them into the wasm memory and back at every step. A resident array is an
 * ordinary Float32Array to everyone else (it views a SharedArrayBuffer).
 *
 * `residentAllocator` is what src/engine/index.ts registers as the core's float32 allocator
 * (src/core/alloc.ts): model parameters, gradients, small batch buffers and loaded data sets come from
 * it. Only float32 arrays are made resident, and only when the wasm engine runs (otherwise, or when
 * the resident budget is used up, ordinary arrays are used: same numbers, copied per product).
 */
import { ByteAllocator, Float32Allocator } from "../core/alloc";
import { DType, Matrix, zeros } from "../core/matrix";
import { defaultGemmKernel } from "./wasmGemm";

/** Largest batch buffer (bytes) made resident: batch buffers are made per training run. */
const BATCH_BUFFER_MAX = 4 << 20;

/**
 * The core's float32 allocator on the wasm memory: null (an ordinary array) without a wasm engine, past the budget, or
 * for a batch buffer over 4 MiB.
 */
export const residentAllocator: Float32Allocator = {
  name: "wasm-resident",
  alloc(n, use) {
    const e = defaultGemmKernel().engine;
    if (!e || (use === "batch" && n * 4 > BATCH_BUFFER_MAX)) return null;
    return e.alloc(n);
  },
  release(a) {
    defaultGemmKernel().engine?.free(a);
  },
};

/**
 * The core's byte allocator on the wasm memory (a data set's pixels, read by the worker threads' batch
 * gather): n bytes viewing a resident block of ⌈n/4⌉ floats; null without a wasm engine or past the budget.
 * Like a resident data set's float32 array, the block is not given back (views of it may outlive the
 * array returned here, e.g. loadMnist's pixels after the IDX header): loadMnist caches its data sets.
 */
export const residentByteAllocator: ByteAllocator = {
  name: "wasm-resident",
  alloc(n, use) {
    const e = defaultGemmKernel().engine;
    if (!e || (use === "batch" && n > BATCH_BUFFER_MAX)) return null;
    const block = e.alloc(Math.ceil(n / 4));
    if (!block) return null;
    return new Uint8Array(block.buffer, block.byteOffset, n);
  },
};

/** M (float32, r×c) copied into the wasm memory; M itself when it is float64 or there is no wasm engine. */
export function residentCopy(M: Matrix): Matrix {
  if (!(M.data instanceof Float32Array)) return M;
  const data = residentAllocator.alloc(M.data.length, "parameters");
  if (!data) return M;
  data.set(M.data);
  return new Matrix(M.rows, M.cols, data);
}

/**
 * A zero rows×cols buffer for gathered mini-batches: resident when it is float32 and at most 4 MiB, an ordinary matrix
 * otherwise.
 */
export function batchBuffer(rows: number, cols: number, dtype: DType): Matrix {
  const data = dtype === "float32" ? residentAllocator.alloc(rows * cols, "batch") : null;
  return data ? new Matrix(rows, cols, data) : zeros(rows, cols, dtype);
}
