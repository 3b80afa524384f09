/**
 * Softmax regression's fast path (src/models/softmaxRegression.ts): the same formulas on the fused
 * kernels. Registered for float32 models by src/engine/index.ts; test/softmaxRegression.test.ts holds
 * it equal to the readable code.
 *
 *   logits:           Z = X Wᵀ + b                                   linearForward (product and bias together)
 *   lossAndGradient:  Z = X Wᵀ + b                                   linearForward
 *                     L = (1/n) Σ_i −ln P[i, y_i],  Δ = (P − Y)/n    fusedSoftmaxCrossEntropy (one pass over Z)
 *                     ∂L/∂W = Δᵀ X                                   weightGradient
 *                     ∂L/∂b = Σ_i Δ[i,:]                             fusedBiasGradient
 * (The 1/n is folded into Δ, so the two gradients need no further scaling.)
 */
import { allocMatrix, releaseMatrix } from "../core/alloc";
import { BatchBuffers } from "../core/batchBuffers";
import { Matrix } from "../core/matrix";
import { SoftmaxRegression, SoftmaxRegressionFastPath } from "../models/softmaxRegression";
import { fusedBiasGradient } from "./fusedLayer";
import { linearForward, weightGradient } from "./fusedProducts";
import { fusedSoftmaxCrossEntropy } from "./fusedSoftmax";

/** Each model's Δ buffer, for its last batch size (the model's own buffer holds Z). */
const deltas = new WeakMap<SoftmaxRegression, BatchBuffers<Matrix>>();

function deltaBuffer(model: SoftmaxRegression, n: number): Matrix {
  let b = deltas.get(model);
  if (!b)
    deltas.set(
      model,
      (b = new BatchBuffers((rows) => allocMatrix(rows, model.classes, model.dtype, "batch"), 1, releaseMatrix)),
    );
  return b.get(n);
}

export const fusedSoftmaxRegression: SoftmaxRegressionFastPath = {
  logits: (model, X, out) => linearForward(X, model.W, model.b, "identity", out), // product and + b in one call
  lossAndGradient(model, X, y, Z) {
    const n = X.rows;
    const Delta = deltaBuffer(model, n);
    linearForward(X, model.W, model.b, "identity", Z); // Z = X Wᵀ + b
    const L = fusedSoftmaxCrossEntropy(Z, y, null, Delta, 1 / n) / n; // Δ = (P − Y)/n
    weightGradient(Delta, X, 1, 0, model.W, model.params[0].grad); // ∂L/∂W = Δᵀ X
    fusedBiasGradient(Delta, 1, model.params[1].grad); // ∂L/∂b = Σ_i Δ[i,:]
    return L;
  },
};
