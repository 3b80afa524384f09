/**
 * The engine's part in training, registered with the hooks that src/optim and src/training define:
 *
 *   update kernels (src/optim/updateKernels.ts)   fusedSgdStep, fusedRmspropStep, fusedSumOfSquares:
 *                                                 WebAssembly SIMD loops on parameters resident in
 *                                                 the wasm memory, plain loops otherwise
 *   batch source (src/training/batches.ts)        a BatchLoader for labels in a Uint8Array or
 *                                                 Int32Array (MNIST's): two buffers in turn, the next
 *                                                 batch gathered on a worker during the step; other
 *                                                 labels: the plain gather into a resident buffer
 *
 * Imported for its effect by src/engine/index.ts. (The file ends in a declaration, not a call: the
 * notebook kernel, tslab, rewrites the last expression statement of every file it compiles.)
 */
import { Matrix } from "../core/matrix";
import { registerUpdateKernels } from "../optim/updateKernels";
import { BatchSource, GatheredBatches, registerBatchSource } from "../training/batches";
import { fusedRmspropStep, fusedSgdStep, fusedSumOfSquares } from "./fusedUpdates";
import { BatchLoader } from "./gatherBatch";
import { batchBuffer } from "./resident";

registerUpdateKernels({ sgdStep: fusedSgdStep, rmspropStep: fusedRmspropStep, sumOfSquares: fusedSumOfSquares });
registerBatchSource(engineBatches);

/** Batches of (X, y), B rows at most: a BatchLoader for byte or int32 labels, else gathered into a resident buffer. */
function engineBatches(X: Matrix, y: ArrayLike<number>, B: number): BatchSource {
  if (y instanceof Uint8Array || y instanceof Int32Array) return new BatchLoader(X, y, B);
  return new GatheredBatches(X, y, B, batchBuffer(B, X.cols, X.dtype));
}
