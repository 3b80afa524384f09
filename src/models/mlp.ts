/**
 * A multi-layer perceptron: any layer sizes n_0 (inputs) … n_L (classes), an activation f per hidden
 * layer, softmax + cross-entropy on the output layer. One example per row throughout.
 *
 *   layer l = 1 … L:   W^l: n_l × n_{l−1} (stored out×in),   b^l: 1 × n_l
 *   forward:   A^0 = X (n × n_0)
 *              Z^l = A^{l−1} (W^l)ᵀ + b^l                       (matmulNT, addRowVector)
 *              A^l = f_l(Z^l) for l < L,   A^L = softmax(Z^L) = P
 *   loss (seed 001, eq. (2)):  L = (1/n) Σ_i −ln P[i, y_i]  +  (α/2) Σ_l ‖W^l‖²_F
 *              the mean cross-entropy plus an L2 penalty on the weights only (never the biases),
 *              so ∂L/∂W^l gets an extra α W^l.
 *   backward (row i of Δ^l is δ^l for example i, δ^l = ∂ℓ_i/∂z^l):
 *              Δ^L = P − Y                                       (Y = one-hot labels)
 *              Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f_l'(Z^l)                (matmul; per example δ^l = (W^{l+1})ᵀ δ^{l+1} ⊙
 *              f'(z^l))
 *              ∂L/∂W^l = (1/n) (Δ^l)ᵀ A^{l−1} + α W^l            (matmulTN)
 *              ∂L/∂b^l = (1/n) Σ_i Δ^l[i, :]                     (sumRows)
 *
 * The network of seed 001 is `new MLP({ sizes: [784, 256, 10], activations: ["relu"], outputBias: false,
 * l2: 1e-6, init: "scaled0.1", biasInit: "normal", rng: rng(1127) })`.
 *
 * Buffers for Z, A, Δ and f'(Z) are kept per batch size and reused, so a training loop with a fixed
 * batch size allocates nothing per step once warmed up. A cache returned by `forward` therefore stays
 * valid only until the next forward pass with the same number of rows.
 *
 * Speed: this file is the code to read. For a float32 network with `fast` on, a faster backend may run
 * forward, backward and lossAndGradient through the fast-path hook (MLP.fastPath, src/core/fastPath.ts):
 * the same formulas in fewer passes over memory; tests hold both equal. `fast: false` (or
 * `model.fast = false`) runs this code; float64 networks (gradient checks) always do.
 */
import { Activation, applyActivation, applyActivationDerivative, getActivation } from "./activations";
import { allocCopy, allocMatrix } from "../core/alloc";
import { BatchBuffers } from "../core/batchBuffers";
import { FastPathHook } from "../core/fastPath";
import {
  addRowVector,
  argmaxRows,
  DType,
  hadamard,
  Matrix,
  matmul,
  matmulNT,
  matmulTN,
  scale,
  ShapeError,
  sumOfSquares,
  sumRows,
  zeros,
  zipWith,
} from "../core/matrix";
import { Model, Param } from "../core/model";
import { assertFiniteMatrix } from "../core/finite";
import { initWeights } from "./init";
import { BatchSpec, checkBatch } from "./checkBatch";
import { logSumExp, softmax, softmaxMinusOneHot } from "./softmax";
import { checkMLPOptions, MLPOptions } from "./mlpOptions";
import type { Layer, MLPCache } from "./mlpTypes";

export type { Layer, MLPCache } from "./mlpTypes";
export type { MLPOptions } from "./mlpOptions";

/** What a fast path may run in place of the readable code; each keeps the contract of the method of that name. */
export interface MLPFastPath {
  /** Every Z^l and A^l into c (c.A[0] = X). */
  forward(net: MLP, c: MLPCache): void;
  /** After c.Delta[L] = Δ^L = P − Y: every Δ^l into c and every gradient into layer.gradW / gradB. */
  backward(net: MLP, c: MLPCache): void;
  /** forward + backward on c (c.A[0] = X, labels checked); returns L. May skip storing Z^l (then c.keptZ = false). */
  lossAndGradient(net: MLP, c: MLPCache, y: ArrayLike<number>): number;
}

/** Rows per chunk when `loss` / `predictProba` walk through a large data set. */
const CHUNK = 2048;
/** How many batch sizes keep their buffers at once. */
const KEEP_BUFFERS = 3;

/**
 * The multi-layer perceptron of the formulas above: `new MLP({ sizes, activations, … })`, trained through
 * `lossAndGradient` and `params`.
 */
export class MLP implements Model {
  /** Where a faster backend registers its MLPFastPath (registerFastPath(MLP, impl)). */
  static readonly fastPath = new FastPathHook<MLPFastPath>("MLP");
  readonly sizes: readonly number[];
  readonly layers: Layer[] = [];
  readonly params: Param[] = [];
  readonly l2: number;
  readonly dtype: DType;
  /** Use the fast path for a float32 network (see MLPOptions.fast); may be switched at any time. */
  fast: boolean;
  /** The caches of the last KEEP_BUFFERS batch sizes (an evicted one is never reused: a caller may hold it). */
  private readonly buffers = new BatchBuffers((n) => this.newCache(n), KEEP_BUFFERS);
  private last: MLPCache | null = null;
  private readonly batchSpec: BatchSpec;

  constructor(options: MLPOptions) {
    const { sizes, acts, l2 } = checkMLPOptions(options);
    this.sizes = sizes.slice();
    this.l2 = l2;
    this.dtype = options.dtype ?? "float32";
    this.fast = options.fast ?? true;
    const L = sizes.length - 1;
    for (let l = 1; l <= L; l++) {
      const W = allocCopy(
        initWeights(sizes[l], sizes[l - 1], options.init ?? "scaled0.1", options.rng, this.dtype),
        "parameters",
      );
      const hasBias = l < L || (options.outputBias ?? true);
      const b = hasBias
        ? allocCopy(initWeights(1, sizes[l], options.biasInit ?? "zeros", options.rng, this.dtype), "parameters")
        : null;
      const gradW = allocMatrix(W.rows, W.cols, this.dtype, "parameters");
      const gradB = b ? allocMatrix(1, b.cols, this.dtype, "parameters") : null;
      const activation = l < L ? getActivation(acts.length === 1 ? acts[0] : acts[l - 1]) : "softmax";
      this.layers.push({ W, b, activation, gradW, gradB });
      this.params.push({ name: `W${l}`, value: W, grad: gradW });
      if (b && gradB) this.params.push({ name: `b${l}`, value: b, grad: gradB });
    }
    this.batchSpec = {
      model: "MLP",
      noun: "network",
      inputs: sizes[0],
      classes: sizes[L],
      dtype: this.dtype,
      firstWeights: `W1 is ${this.layers[0].W.shape}`,
    };
  }

  /** L, the number of weight layers. */
  get depth(): number {
    return this.layers.length;
  }

  /** Σ_l (n_l · n_{l−1} + [bias] n_l): 784-15-10 with both biases gives 11,935. */
  parameterCount(): number {
    return this.params.reduce((count, p) => count + p.value.data.length, 0);
  }

  /** (α/2) Σ_l ‖W^l‖²_F, the L2 penalty (weights only). */
  penalty(): number {
    return this.l2 === 0 ? 0 : (this.l2 / 2) * this.layers.reduce((s, { W }) => s + sumOfSquares(W), 0);
  }

  /** True when forward / backward / lossAndGradient run on a registered fast path (float32, `fast`, one registered). */
  get usesFastPath(): boolean {
    return this.fastPath() !== null;
  }

  private fastPath(): MLPFastPath | null {
    return this.fast && this.dtype === "float32" ? MLP.fastPath.impl : null;
  }

  /** The forward pass, keeping Z^l and A^l (A^0 = X, A^L = P = softmax(Z^L)).  X: n × n_0. */
  forward(X: Matrix): MLPCache {
    this.checkInputs("forward", X);
    const c = this.startPass(X);
    const fast = this.fastPath();
    if (fast) fast.forward(this, c);
    else
      for (let l = 1; l <= this.depth; l++) {
        const { W, b, activation } = this.layers[l - 1];
        matmulNT(c.A[l - 1], W, c.Z[l]); // Z^l = A^{l−1} (W^l)ᵀ
        if (b) addRowVector(c.Z[l], b, c.Z[l]); //      + b^l
        if (activation === "softmax")
          softmax(c.Z[l], c.A[l]); // A^L = softmax(Z^L)
        else applyActivation(activation, c.Z[l], c.A[l]); // A^l = f(Z^l)
      }
    return c;
  }

  /**
   * The backward pass after `forward(X)`: fills cache.Delta and every p.grad, and returns the params.
   * Δ^L = P − Y;  Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f'(Z^l);  ∂L/∂W^l = (1/n)(Δ^l)ᵀ A^{l−1} + αW^l;  ∂L/∂b^l = (1/n) Σ_i
   * Δ^l[i,:].
   */
  backward(cache: MLPCache, y: ArrayLike<number>): Param[] {
    const n = cache.n;
    if (y.length !== n)
      throw new ShapeError(`MLP.backward: the cache holds ${n} examples but y has ${y.length} labels`);
    const { Z, A, Delta, Fprime } = cache;
    softmaxMinusOneHot(A[this.depth], y, Delta[this.depth]); // Δ^L = P − Y (checks the labels)
    const fast = this.fastPath();
    if (fast) fast.backward(this, cache);
    else
      for (let l = this.depth; l >= 1; l--) {
        const { W, gradW, gradB } = this.layers[l - 1];
        // ∂L/∂W^l = (1/n)(Δ^l)ᵀA^{l−1} + αW^l
        zipWith(matmulTN(Delta[l], A[l - 1], gradW), W, (g, w) => g / n + this.l2 * w, gradW);
        if (gradB) scale(sumRows(Delta[l], gradB), 1 / n, gradB); // ∂L/∂b^l = (1/n) Σ_i Δ^l[i,:]
        if (l > 1) {
          // f'(Z^{l−1})
          applyActivationDerivative(this.layers[l - 2].activation as Activation, Z[l - 1], Fprime[l - 1]);
          hadamard(matmul(Delta[l], W, Delta[l - 1]), Fprime[l - 1], Delta[l - 1]); // Δ^{l−1} = (Δ^l W^l) ⊙ f'(Z^{l−1})
        }
      }
    return this.params;
  }

  /** Forward + backward on a batch: returns L = mean cross-entropy + (α/2) Σ‖W‖², grads in p.grad. */
  lossAndGradient(X: Matrix, y: ArrayLike<number>): number {
    this.checkInputs("lossAndGradient", X, y);
    if (X.rows === 0) throw new ShapeError("MLP.lossAndGradient: X has no rows");
    const fast = this.fastPath();
    if (fast) return fast.lossAndGradient(this, this.startPass(X), y);
    const c = this.forward(X);
    const ce = this.sumCrossEntropy(c.Z[this.depth], y, 0) / X.rows; // (1/n) Σ_i −ln P[i, y_i]
    this.backward(c, y);
    return ce + this.penalty();
  }

  /** L = (1/n) Σ_i −ln P[i, y_i] + (α/2) Σ_l ‖W^l‖²_F, without gradients. */
  loss(X: Matrix, y: ArrayLike<number>): number {
    this.checkInputs("loss", X, y);
    assertFiniteMatrix(X, "X", "MLP.loss");
    if (X.rows === 0) throw new ShapeError("MLP.loss: X has no rows");
    let s = 0;
    this.chunked(X, (c, start) => (s += this.sumCrossEntropy(c.Z[this.depth], y, start)));
    return s / X.rows + this.penalty();
  }

  /** P = A^L, n × n_L (a new matrix). */
  predictProba(X: Matrix): Matrix {
    this.checkInputs("predictProba", X);
    assertFiniteMatrix(X, "X", "MLP.predictProba");
    const K = this.sizes[this.sizes.length - 1];
    const P = zeros(X.rows, K, this.dtype);
    this.chunked(X, (c, start) => P.data.set(c.A[this.depth].data, start * K));
    return P;
  }

  /** ŷ_i = argmax_k P[i, k]. */
  predict(X: Matrix): Int32Array {
    assertFiniteMatrix(X, "X", "MLP.predict");
    return argmaxRows(this.predictProba(X));
  }

  /**
   * The inputs Z^l of every ReLU (or Heaviside) layer in the most recent forward pass — where the
   * activation has a kink at 0. Gradient checks use it to flag false alarms.
   */
  kinkInputs(): Matrix[] {
    const last = this.last;
    if (!last) return [];
    if (!last.keptZ) {
      throw new Error(
        "MLP.kinkInputs: the last pass was a fast lossAndGradient, which does not keep the ReLU inputs Z; call forward(X) or loss(X, y) first",
      );
    }
    const kinked = (f: Activation | "softmax") => f !== "softmax" && (f.name === "relu" || f.name === "heaviside");
    return this.layers.flatMap((layer, i) => (kinked(layer.activation) ? [last.Z[i + 1]] : []));
  }

  /** Σ_i (LSE(z_i) − z_{i, y_{offset+i}}) = Σ_i −ln P[i, y_{offset+i}] over the rows of the logits Z^L. */
  private sumCrossEntropy(Z: Matrix, y: ArrayLike<number>, offset: number): number {
    const K = Z.cols;
    let s = 0;
    for (let i = 0; i < Z.rows; i++) s += logSumExp(Z.data, i * K, K) - Z.data[i * K + y[offset + i]];
    return s;
  }

  /** Runs `visit` on the forward pass of X in chunks of rows (bounded memory for 60,000 images). */
  private chunked(X: Matrix, visit: (c: MLPCache, start: number) => void): void {
    for (let start = 0; start < X.rows; start += CHUNK) {
      const rows = Math.min(CHUNK, X.rows - start);
      visit(this.forward(X.rowBlock(start, rows)), start);
    }
  }

  private checkInputs(op: string, X: Matrix, y?: ArrayLike<number>): void {
    checkBatch(op, this.batchSpec, X, y);
  }

  /** Starts a pass on X: the buffers for X.rows examples, with A[0] = X, remembered as the latest pass. */
  private startPass(X: Matrix): MLPCache {
    const c = this.buffers.get(X.rows);
    c.A[0] = X;
    c.keptZ = true;
    return (this.last = c);
  }

  /** Z^l, A^l, Δ^l (and f'(Z^l) for hidden layers) for a batch of n examples. */
  private newCache(n: number): MLPCache {
    const empty = zeros(0, 0, this.dtype);
    const batch = (m: number) => allocMatrix(n, m, this.dtype, "batch");
    const c: MLPCache = { n, keptZ: true, Z: [empty], A: [empty], Delta: [empty], Fprime: [empty] };
    for (let l = 1; l <= this.depth; l++) {
      const m = this.sizes[l];
      c.Z.push(batch(m));
      c.A.push(batch(m));
      c.Delta.push(batch(m));
      c.Fprime.push(l < this.depth ? batch(m) : empty);
    }
    return c;
  }
}
