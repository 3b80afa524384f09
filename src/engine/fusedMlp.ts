/**
 * The MLP's fast path (src/models/mlp.ts): the same formulas on the fused kernels, in fewer passes
 * over memory. Registered for float32 networks by src/engine/index.ts; test/mlp.test.ts holds it equal
 * to the readable code.
 *
 *   forward:   Z^l = A^{l−1}(W^l)ᵀ + b^l      linearForward: product and bias in one call
 *              A^l = f(Z^l)                   fusedBiasActivation (f inlined), or f per element for other activations
 *              A^L = softmax(Z^L)
 *   backward:  ∂L/∂W^l = (1/n)(Δ^l)ᵀ A^{l−1} + αW^l     weightGradient: product, 1/n and αW in one call
 *              ∂L/∂b^l = (1/n) Σ_i Δ^l[i,:]             fusedBiasGradient
 *              Δ^{l−1} = (Δ^l W^l) ⊙ f'(Z^{l−1})        ReLU: reluBackwardProduct (product and mask [A > 0] in one
 *              call);
 *                                                      sigmoid, tanh: matmul, then fusedActivationBackward (f' from A)
 *   lossAndGradient: the forward pass up to Z^L, where a ReLU layer goes straight to
 *              A^l = max(0, A^{l−1}(W^l)ᵀ + b^l) in one call without storing Z^l (backprop only needs
 *              [Z^l > 0] = [A^l > 0]); then one pass over the logits for P = softmax(Z^L),
 *              Σ_i −ln P[i, y_i] and Δ^L = P − Y (fusedSoftmaxCrossEntropy); the backward pass; the
 *              penalty (α/2) Σ_l ‖W^l‖² with fusedSumOfSquares.
 */
import { Activation, relu, sigmoid, tanh } from "../models/activations";
import { matmul } from "../core/matrix";
import { softmax } from "../models/softmax";
import { MLP, MLPCache, MLPFastPath } from "../models/mlp";
import { FusedActivation, fusedActivationBackward, fusedBiasActivation, fusedBiasGradient } from "./fusedLayer";
import { linearForward, reluBackwardProduct, weightGradient } from "./fusedProducts";
import { fusedSoftmaxCrossEntropy } from "./fusedSoftmax";
import { fusedSumOfSquares } from "./fusedUpdates";

/** The fused kernels' name for an activation they inline (the library's own relu, sigmoid, tanh), else null. */
function fusedName(act: Activation): FusedActivation | null {
  return act === relu ? "relu" : act === sigmoid ? "sigmoid" : act === tanh ? "tanh" : null;
}

/**
 * The forward pass into c (c.A[0] = X). `forTraining` (lossAndGradient, whose cache nobody else sees):
 * ReLU layers skip Z^l, and the softmax is left to the fused loss.
 */
function forwardFused(net: MLP, c: MLPCache, forTraining: boolean): void {
  for (let l = 1; l <= net.depth; l++) {
    const { W, b, activation } = net.layers[l - 1];
    if (forTraining && activation === relu) {
      linearForward(c.A[l - 1], W, b, "relu", c.A[l]); // A^l = max(0, A^{l−1} (W^l)ᵀ + b^l)
      c.keptZ = false;
      continue;
    }
    linearForward(c.A[l - 1], W, b, "identity", c.Z[l]); // Z^l = A^{l−1} (W^l)ᵀ + b^l
    if (activation === "softmax") {
      if (!forTraining) softmax(c.Z[l], c.A[l]); // A^L = P
    } else {
      const f = fusedName(activation);
      if (f !== null)
        fusedBiasActivation(c.Z[l], null, f, c.A[l]); // A^l = f(Z^l)
      else {
        const z = c.Z[l].data;
        const a = c.A[l].data;
        for (let i = 0; i < z.length; i++) a[i] = activation.f(z[i]);
      }
    }
  }
}

/** The backward pass, after c.Delta[L] = Δ^L = P − Y. */
function backwardFused(net: MLP, c: MLPCache): void {
  const n = c.n;
  for (let l = net.depth; l >= 1; l--) {
    const { W, gradW, gradB } = net.layers[l - 1];
    const D = c.Delta[l];
    weightGradient(D, c.A[l - 1], 1 / n, net.l2, W, gradW); // ∂L/∂W^l = (1/n)(Δ^l)ᵀA^{l−1} + αW^l
    if (gradB) fusedBiasGradient(D, 1 / n, gradB); // ∂L/∂b^l = (1/n) Σ_i Δ^l[i,:]
    if (l > 1) {
      const act = net.layers[l - 2].activation as Activation;
      const f = fusedName(act);
      const Dprev = c.Delta[l - 1];
      if (f === "relu")
        reluBackwardProduct(D, W, c.A[l - 1], Dprev); // (Δ^l W^l) ⊙ [A^{l−1} > 0]
      else {
        matmul(D, W, Dprev); // Δ^l W^l
        if (f !== null)
          fusedActivationBackward(Dprev, c.Z[l - 1], c.A[l - 1], f); // ⊙ f'(Z^{l−1})
        else {
          const z = c.Z[l - 1].data;
          const d = Dprev.data;
          for (let i = 0; i < z.length; i++) d[i] *= act.df(z[i]);
        }
      }
    }
  }
}

export const fusedMlp: MLPFastPath = {
  forward: (net, c) => forwardFused(net, c, false),
  backward: backwardFused,
  lossAndGradient(net, c, y) {
    const L = net.depth;
    forwardFused(net, c, true);
    const ce = fusedSoftmaxCrossEntropy(c.Z[L], y, c.A[L], c.Delta[L], 1) / c.n; // P, Δ^L = P − Y, mean −ln P[i, y_i]
    backwardFused(net, c);
    let squares = 0;
    if (net.l2 !== 0) for (const { W } of net.layers) squares += fusedSumOfSquares(W.data);
    return ce + (net.l2 / 2) * squares;
  },
};
