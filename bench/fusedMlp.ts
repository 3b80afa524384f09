/**
 * The notes' network (784-256-10, ReLU hidden layer with bias, softmax output without bias, mean
 * cross-entropy + (α/2)Σ‖W‖²) written with the fused kernels of src/engine/, as the benchmark's
 * "fused" rows. It takes its parameters from an MLP so both compute the same numbers; run.ts checks that.
 *
 *   A¹ = relu(X W¹ᵀ + b¹)                    linearForward (product, bias and ReLU in one wasm call)
 *   Z² = A¹ W²ᵀ,  P = softmax(Z²)            linearForward + fusedSoftmaxCrossEntropy (also Δ² = (P − Y)/n)
 *   ∂W² = Δ²ᵀ A¹ + αW²                        weightGradient (product and L2 term in one wasm call)
 *   Δ¹ = (Δ² W²) ⊙ [A¹ > 0]                   reluBackwardProduct (product and mask in one wasm call)
 *   ∂W¹ = Δ¹ᵀ X + αW¹,  ∂b¹ = Σ_i Δ¹[i,:]     weightGradient, fusedBiasGradient
 */
import { Matrix, zeros } from "../src/core/matrix";
import { Param } from "../src/core/model";
import { fusedBiasGradient } from "../src/engine/fusedLayer";
import { linearForward, reluBackwardProduct, weightGradient } from "../src/engine/fusedProducts";
import { fusedSoftmaxCrossEntropy } from "../src/engine/fusedSoftmax";
import { fusedSumOfSquares } from "../src/engine/fusedUpdates";

export class FusedMlp {
  private bufs = new Map<number, { A1: Matrix; Z2: Matrix; D2: Matrix; D1: Matrix }>();
  constructor(readonly W1: Param, readonly b1: Param, readonly W2: Param, readonly l2: number) {}

  get params(): Param[] {
    return [this.W1, this.b1, this.W2];
  }

  private buffers(n: number) {
    let b = this.bufs.get(n);
    if (!b) {
      const H = this.W1.value.rows, K = this.W2.value.rows;
      b = { A1: zeros(n, H, "float32"), Z2: zeros(n, K, "float32"), D2: zeros(n, K, "float32"), D1: zeros(n, H, "float32") };
      this.bufs.set(n, b);
    }
    return b;
  }

  lossAndGradient(X: Matrix, y: ArrayLike<number>): number {
    const n = X.rows;
    const { A1, Z2, D2, D1 } = this.buffers(n);
    const W1 = this.W1.value, W2 = this.W2.value;
    linearForward(X, W1, this.b1.value, "relu", A1);
    linearForward(A1, W2, null, "identity", Z2);
    const ce = fusedSoftmaxCrossEntropy(Z2, y, null, D2, 1 / n) / n;
    weightGradient(D2, A1, 1, this.l2, W2, this.W2.grad);
    reluBackwardProduct(D2, W2, A1, D1);
    weightGradient(D1, X, 1, this.l2, W1, this.W1.grad);
    fusedBiasGradient(D1, 1, this.b1.grad);
    return ce + (this.l2 / 2) * (fusedSumOfSquares(W1.data) + fusedSumOfSquares(W2.data));
  }
}

/**
 * Softmax regression (Z = X Wᵀ + b, P = softmax(Z), mean cross-entropy) on the fused kernels, for the
 * benchmark's softmax row; takes W and b (and their gradient buffers) from a SoftmaxRegression.
 */
export class FusedSoftmaxRegression {
  private bufs = new Map<number, { Z: Matrix; D: Matrix }>();
  constructor(readonly W: Param, readonly b: Param) {}

  get params(): Param[] {
    return [this.W, this.b];
  }

  lossAndGradient(X: Matrix, y: ArrayLike<number>): number {
    const n = X.rows;
    let buf = this.bufs.get(n);
    if (!buf) {
      const K = this.W.value.rows;
      buf = { Z: zeros(n, K, "float32"), D: zeros(n, K, "float32") };
      this.bufs.set(n, buf);
    }
    linearForward(X, this.W.value, this.b.value, "identity", buf.Z); // Z = X Wᵀ + b
    const ce = fusedSoftmaxCrossEntropy(buf.Z, y, null, buf.D, 1 / n) / n; // Δ = (P − Y)/n
    weightGradient(buf.D, X, 1, 0, this.W.value, this.W.grad); // ∂L/∂W = Δᵀ X
    fusedBiasGradient(buf.D, 1, this.b.grad); // ∂L/∂b = Σ_i Δ[i,:]
    return ce;
  }
}
