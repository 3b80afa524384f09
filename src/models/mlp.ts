/**
 * A multi-layer perceptron: any layer sizes n_0 (inputs) … n_L (classes), an activation f per hidden
 * layer, softmax + cross-entropy on the output layer. One example per row throughout.
 *
 *   layer l = 1 … L:   W^l: n_l × n_{l−1} (stored out×in),   b^l: 1 × n_l
 *   forward:   A^0 = X (n × n_0)
 *              Z^l = A^{l−1} (W^l)ᵀ + b^l                       (matmulNT)
 *              A^l = f_l(Z^l) for l < L,   A^L = softmax(Z^L) = P
 *   loss (seed 001, eq. (2)):  L = (1/n) Σ_i −ln P[i, y_i]  +  (α/2) Σ_l ‖W^l‖²_F
 *              the mean cross-entropy plus an L2 penalty on the weights only (never the biases),
 *              so ∂L/∂W^l gets an extra α W^l.
 *   backward (row i of Δ^l is δ^l for example i, δ^l = ∂ℓ_i/∂z^l):
 *              Δ^L = P − Y                                       (Y = one-hot labels)
 *              Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f_l'(Z^l)                (matmul; per example δ^l = (W^{l+1})ᵀ δ^{l+1} ⊙ f'(z^l))
 *              ∂L/∂W^l = (1/n) (Δ^l)ᵀ A^{l−1} + α W^l            (matmulTN)
 *              ∂L/∂b^l = (1/n) Σ_i Δ^l[i, :]
 *
 * The network of seed 001 is `new MLP({ sizes: [784, 256, 10], activations: ["relu"], outputBias: false,
 * l2: 1e-6, init: "scaled0.1", biasInit: "normal", rng: rng(1127) })`.
 *
 * Buffers for Z, A, Δ and f'(Z) are kept per batch size and reused, so a training loop with a fixed
 * batch size allocates nothing per step once warmed up. A cache returned by `forward` therefore stays
 * valid only until the next forward pass with the same number of rows.
 *
 * Speed: the methods below are written formula by formula (that is the code to read). A float32
 * network runs the same formulas on the fused kernels of src/engine/ (product + bias in one
 * WebAssembly call, softmax + cross-entropy + Δ^L in one pass, …; see "Fast path" at the end of the
 * class), fewer passes over memory and so faster (npm run bench); tests hold both paths equal. `fast: false` (or `model.fast = false`)
 * runs the readable code; float64 networks (gradient checks) always do. float32 parameters and their
 * gradients live inside the WebAssembly memory (src/engine/resident.ts), so neither path copies them
 * into it at every step; to everything else they are ordinary Float32Arrays.
 */
import { Activation, ActivationName, getActivation, relu, sigmoid, tanh } from "./activations";
import { argmaxRows, DType, Matrix, matmul, matmulNT, matmulTN, ShapeError, zeros } from "../core/matrix";
import { assertFiniteMatrix } from "../core/finite";
import { Model, Param } from "../core/model";
import { Rng } from "../core/random";
import { InitScheme, initWeights } from "./init";
import { checkClassLabels, logSumExp, softmax, softmaxMinusOneHot } from "./softmax";
import { FusedActivation, fusedActivationBackward, fusedBiasActivation, fusedBiasGradient } from "../engine/fusedLayer";
import { linearForward, reluBackwardProduct, weightGradient } from "../engine/fusedProducts";
import { fusedSoftmaxCrossEntropy } from "../engine/fusedSoftmax";
import { fusedSumOfSquares } from "../engine/fusedUpdates";
import { batchBuffer, residentCopy } from "../engine/resident";

export interface MLPOptions {
  /** [n_0, n_1, …, n_L]: inputs, hidden layer widths, classes. At least two entries. */
  sizes: number[];
  /** One activation per hidden layer (sizes.length − 2 of them), or a single one used for every hidden layer. */
  activations: (ActivationName | Activation)[];
  /** Whether the output layer has a bias b^L (default true; seed 001's network has none). */
  outputBias?: boolean;
  /** α ≥ 0 of the penalty (α/2) Σ_l ‖W^l‖² (default 0). */
  l2?: number;
  /** How the weights start (default "scaled0.1", i.e. 0.1·N(0,1)). */
  init?: InitScheme;
  /** How the biases start (default "zeros"; seed 001 uses "normal"). */
  biasInit?: InitScheme;
  /** Seeded generator for the initialisation (required unless every scheme is "zeros"). */
  rng?: Rng;
  /** Number type of all parameters and accepted inputs (default "float32"; use "float64" for gradient checks). */
  dtype?: DType;
  /**
   * Run float32 networks on the fused kernels (default true). The numbers are the same up to float
   * rounding; false runs the readable formula-by-formula code. float64 networks always run the readable code.
   */
  fast?: boolean;
}

/** One layer l: Z^l = A^{l−1} (W^l)ᵀ + b^l, then f (hidden) or softmax (output). */
export interface Layer {
  readonly W: Matrix;
  readonly b: Matrix | null;
  /** The hidden activation, or "softmax" for the output layer. */
  readonly activation: Activation | "softmax";
}

/** What the forward pass keeps for backprop. Index l = 1 … L is layer l; A[0] = X; Z[0] and Delta[0] are unused (empty). */
export interface MLPCache {
  readonly n: number;
  readonly Z: Matrix[];
  readonly A: Matrix[];
  /** Filled by `backward`: Delta[l] = Δ^l (n × n_l). */
  readonly Delta: Matrix[];
  /** Scratch for f'(Z^l). */
  readonly Fprime: Matrix[];
}

/** Rows per chunk when `loss` / `predictProba` walk through a large data set. */
const CHUNK = 2048;
/** How many batch sizes keep their buffers at once. */
const KEEP_BUFFERS = 3;

export class MLP implements Model {
  readonly sizes: readonly number[];
  readonly layers: Layer[];
  readonly params: Param[];
  readonly l2: number;
  readonly dtype: DType;
  /** Use the fused kernels for a float32 network (see MLPOptions.fast); may be switched at any time. */
  fast: boolean;
  private readonly buffers = new Map<number, MLPCache>();
  private last: MLPCache | null = null;
  /** False after a fused lossAndGradient, which does not store Z^l of ReLU layers (see forwardFused). */
  private lastKeptZ = true;
  /** The gradient buffers of W^l and b^l (null when there is no bias), per layer (0-based). */
  private readonly gradOf: { W: Matrix; b: Matrix | null }[] = [];

  constructor(options: MLPOptions) {
    const sizes = options.sizes;
    if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
      throw new Error(`MLP: sizes must list at least two positive integers (inputs … classes), got [${String(sizes)}]`);
    }
    if (sizes[sizes.length - 1] < 2) throw new Error(`MLP: the output layer needs at least 2 classes, got sizes [${sizes}]`);
    const hidden = sizes.length - 2;
    const acts = options.activations ?? [];
    if (!(acts.length === hidden || (acts.length === 1 && hidden >= 1) || (hidden === 0 && acts.length === 0))) {
      throw new Error(`MLP: sizes [${sizes}] have ${hidden} hidden layer(s) but ${acts.length} activations were given (give ${hidden}, or 1 for all)`);
    }
    const l2 = options.l2 ?? 0;
    if (!(l2 >= 0 && Number.isFinite(l2))) throw new Error(`MLP: l2 must be a finite number ≥ 0, got ${l2}`);
    this.sizes = sizes.slice();
    this.l2 = l2;
    this.dtype = options.dtype ?? "float32";
    this.fast = options.fast ?? true;
    const outputBias = options.outputBias ?? true;
    const init = options.init ?? "scaled0.1";
    const biasInit = options.biasInit ?? "zeros";
    this.layers = [];
    this.params = [];
    const L = sizes.length - 1;
    for (let l = 1; l <= L; l++) {
      // float32 parameters and gradients live in the wasm memory (residentCopy): no copies per step
      const W = residentCopy(initWeights(sizes[l], sizes[l - 1], init, options.rng, this.dtype));
      const hasBias = l < L || outputBias;
      const b = hasBias ? residentCopy(initWeights(1, sizes[l], biasInit, options.rng, this.dtype)) : null;
      const activation = l < L ? getActivation(acts.length === 1 ? acts[0] : acts[l - 1]) : "softmax";
      this.layers.push({ W, b, activation });
      const gW = residentCopy(zeros(W.rows, W.cols, this.dtype));
      this.params.push({ name: `W${l}`, value: W, grad: gW });
      let gb: Matrix | null = null;
      if (b) {
        gb = residentCopy(zeros(1, b.cols, this.dtype));
        this.params.push({ name: `b${l}`, value: b, grad: gb });
      }
      this.gradOf.push({ W: gW, b: gb });
    }
  }

  /** L, the number of weight layers. */
  get depth(): number {
    return this.layers.length;
  }

  /** Σ_l (n_l · n_{l−1} + [bias] n_l): 784-15-10 with both biases gives 11,935. */
  parameterCount(): number {
    let count = 0;
    for (const p of this.params) count += p.value.data.length;
    return count;
  }

  /** (α/2) Σ_l ‖W^l‖²_F, the L2 penalty (weights only). */
  penalty(): number {
    if (this.l2 === 0) return 0;
    let s = 0;
    for (const { W } of this.layers) for (let i = 0; i < W.data.length; i++) s += W.data[i] * W.data[i];
    return (this.l2 / 2) * s;
  }

  private checkInputs(op: string, X: Matrix, y?: ArrayLike<number>): void {
    if (X.cols !== this.sizes[0]) {
      throw new ShapeError(`MLP.${op}: X is ${X.shape} but the network takes ${this.sizes[0]} inputs per row (W1 is ${this.layers[0].W.shape})`);
    }
    if (X.dtype !== this.dtype) {
      throw new ShapeError(`MLP.${op}: X is ${X.dtype} but the network is ${this.dtype} (create it with dtype: "${X.dtype}", or convert X with copy(X, "${this.dtype}"))`);
    }
    if (y !== undefined) {
      if (y.length !== X.rows) throw new ShapeError(`MLP.${op}: X has ${X.rows} rows but y has ${y.length} labels`);
      checkClassLabels(`MLP.${op}`, y, this.sizes[this.sizes.length - 1]);
    }
  }

  private cacheFor(n: number): MLPCache {
    let c = this.buffers.get(n);
    if (c) {
      this.buffers.delete(n); // re-insert: most recently used last
      this.buffers.set(n, c);
      return c;
    }
    const empty = zeros(0, 0, this.dtype);
    const Z: Matrix[] = [empty];
    const A: Matrix[] = [empty];
    const Delta: Matrix[] = [empty];
    const Fprime: Matrix[] = [empty];
    // float32 buffers of mini-batch size live in the wasm memory too (batchBuffer), so the products
    // read and write them in place. An evicted cache is only dropped, never handed to another array:
    // a caller may still hold it (a cache from `forward`), and reusing its memory would change it.
    for (let l = 1; l < this.sizes.length; l++) {
      const m = this.sizes[l];
      Z.push(batchBuffer(n, m, this.dtype));
      A.push(batchBuffer(n, m, this.dtype));
      Delta.push(batchBuffer(n, m, this.dtype));
      Fprime.push(l < this.sizes.length - 1 ? batchBuffer(n, m, this.dtype) : empty);
    }
    c = { n, Z, A, Delta, Fprime };
    this.buffers.set(n, c);
    if (this.buffers.size > KEEP_BUFFERS) this.buffers.delete(this.buffers.keys().next().value as number);
    return c;
  }

  /** The forward pass, keeping Z^l and A^l (A^0 = X, A^L = P = softmax(Z^L)).  X: n × n_0. */
  forward(X: Matrix): MLPCache {
    this.checkInputs("forward", X);
    const c = this.cacheFor(X.rows);
    c.A[0] = X;
    if (this.usesFusedKernels) return this.forwardFused(c, false); // the same formulas, fused (see the end)
    for (let l = 1; l <= this.depth; l++) {
      const { W, b, activation } = this.layers[l - 1];
      const Z = matmulNT(c.A[l - 1], W, c.Z[l]); // Z^l = A^{l−1} (W^l)ᵀ
      if (b) {
        const m = Z.cols;
        for (let i = 0; i < Z.rows; i++) for (let j = 0; j < m; j++) Z.data[i * m + j] += b.data[j]; // + b^l
      }
      if (activation === "softmax") softmax(Z, c.A[l]);
      else {
        const f = activation.f;
        const z = Z.data;
        const a = c.A[l].data;
        for (let i = 0; i < z.length; i++) a[i] = f(z[i]); // A^l = f(Z^l)
      }
    }
    this.last = c;
    this.lastKeptZ = true;
    return c;
  }

  /**
   * The backward pass after `forward(X)`: fills cache.Delta and every p.grad, and returns the params.
   * Δ^L = P − Y;  Δ^l = (Δ^{l+1} W^{l+1}) ⊙ f'(Z^l);  ∂L/∂W^l = (1/n)(Δ^l)ᵀ A^{l−1} + αW^l;  ∂L/∂b^l = (1/n) Σ_i Δ^l[i,:].
   */
  backward(cache: MLPCache, y: ArrayLike<number>): Param[] {
    const L = this.depth;
    const n = cache.n;
    if (y.length !== n) throw new ShapeError(`MLP.backward: the cache holds ${n} examples but y has ${y.length} labels`);
    softmaxMinusOneHot(cache.A[L], y, cache.Delta[L]); // Δ^L = P − Y (checks the labels)
    if (this.usesFusedKernels) return this.backwardFused(cache); // the same formulas, fused (see the end)
    for (let l = L; l >= 1; l--) {
      const { W } = this.layers[l - 1];
      const D = cache.Delta[l];
      const g = this.gradOf[l - 1];
      // ∂L/∂W^l = (1/n) (Δ^l)ᵀ A^{l−1} + α W^l
      matmulTN(D, cache.A[l - 1], g.W);
      for (let i = 0; i < g.W.data.length; i++) g.W.data[i] = g.W.data[i] / n + this.l2 * W.data[i];
      // ∂L/∂b^l = (1/n) Σ_i Δ^l[i,:]
      if (g.b) {
        const gb = g.b.data;
        const m = D.cols;
        gb.fill(0);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) gb[j] += D.data[i * m + j];
        for (let j = 0; j < m; j++) gb[j] /= n;
      }
      if (l > 1) {
        // Δ^{l−1} = (Δ^l W^l) ⊙ f'(Z^{l−1})
        const act = this.layers[l - 2].activation as Activation;
        const Dprev = matmul(D, W, cache.Delta[l - 1]);
        const z = cache.Z[l - 1].data;
        const fp = cache.Fprime[l - 1].data;
        const df = act.df;
        for (let i = 0; i < z.length; i++) fp[i] = df(z[i]);
        for (let i = 0; i < fp.length; i++) Dprev.data[i] *= fp[i];
      }
    }
    return this.params;
  }

  /** Forward + backward on a batch: returns L = mean cross-entropy + (α/2) Σ‖W‖², grads in p.grad. */
  lossAndGradient(X: Matrix, y: ArrayLike<number>): number {
    this.checkInputs("lossAndGradient", X, y);
    if (X.rows === 0) throw new ShapeError("MLP.lossAndGradient: X has no rows");
    if (this.usesFusedKernels) return this.lossAndGradientFused(X, y); // the same formulas, fused (see the end)
    const c = this.forward(X);
    const ce = this.sumCrossEntropy(c.Z[this.depth], y, 0) / X.rows;
    this.backward(c, y);
    return ce + this.penalty();
  }

  /** Σ_i (LSE(z_i) − z_{i, y_{offset+i}}) over the rows of the logits Z^L. */
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
      const view = new Matrix(rows, X.cols, X.data.subarray(start * X.cols, (start + rows) * X.cols));
      visit(this.forward(view), start);
    }
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
    if (!this.last) return [];
    if (!this.lastKeptZ) {
      throw new Error("MLP.kinkInputs: the last pass was a fast lossAndGradient, which does not keep the ReLU inputs Z; call forward(X) or loss(X, y) first");
    }
    const out: Matrix[] = [];
    this.layers.forEach((layer, i) => {
      if (layer.activation !== "softmax" && (layer.activation.name === "relu" || layer.activation.name === "heaviside")) out.push(this.last!.Z[i + 1]);
    });
    return out;
  }

  // ───────────────────────── Fast path: the same formulas on the fused kernels ─────────────────────────
  // Used for float32 networks while `fast` is true. Every line computes what the readable code above
  // computes (tests hold the two equal); the difference is how many passes over memory it takes.

  /** True when forward / backward / lossAndGradient run on the fused kernels (float32 and `fast`). */
  get usesFusedKernels(): boolean {
    return this.fast && this.dtype === "float32";
  }

  /**
   * The forward pass on the fused kernels, into the cache c (c.A[0] = X already):
   *   Z^l = A^{l−1}(W^l)ᵀ + b^l      linearForward: product and bias in one call
   *   A^l = f(Z^l)                   fusedBiasActivation (f inlined), or f per element for other activations
   *   A^L = softmax(Z^L)
   * `forTraining` (lossAndGradient, whose cache nobody else sees): a ReLU layer goes straight to
   * A^l = max(0, A^{l−1}(W^l)ᵀ + b^l) in one call without storing Z^l (backprop only needs [Z^l > 0] =
   * [A^l > 0]), and the softmax is left to the fused loss. Otherwise every Z^l is kept, as in the readable path.
   */
  private forwardFused(c: MLPCache, forTraining: boolean): MLPCache {
    let keptZ = true;
    for (let l = 1; l <= this.depth; l++) {
      const { W, b, activation } = this.layers[l - 1];
      if (forTraining && activation === relu) {
        linearForward(c.A[l - 1], W, b, "relu", c.A[l]); // A^l = max(0, A^{l−1} (W^l)ᵀ + b^l)
        keptZ = false;
        continue;
      }
      linearForward(c.A[l - 1], W, b, "identity", c.Z[l]); // Z^l = A^{l−1} (W^l)ᵀ + b^l
      if (activation === "softmax") {
        if (!forTraining) softmax(c.Z[l], c.A[l]); // A^L = P
      } else {
        const f = fusedName(activation);
        if (f !== null) fusedBiasActivation(c.Z[l], null, f, c.A[l]); // A^l = f(Z^l)
        else {
          const z = c.Z[l].data;
          const a = c.A[l].data;
          for (let i = 0; i < z.length; i++) a[i] = activation.f(z[i]);
        }
      }
    }
    this.last = c;
    this.lastKeptZ = keptZ;
    return c;
  }

  /**
   * The backward pass on the fused kernels, after cache.Delta[L] = Δ^L = P − Y:
   *   ∂L/∂W^l = (1/n)(Δ^l)ᵀ A^{l−1} + αW^l     weightGradient: product, 1/n and αW in one call
   *   ∂L/∂b^l = (1/n) Σ_i Δ^l[i,:]             fusedBiasGradient
   *   Δ^{l−1} = (Δ^l W^l) ⊙ f'(Z^{l−1})        ReLU: reluBackwardProduct (product and mask [A > 0] in one call);
   *                                           sigmoid, tanh: matmul, then fusedActivationBackward (f' from A)
   */
  private backwardFused(cache: MLPCache): Param[] {
    const n = cache.n;
    for (let l = this.depth; l >= 1; l--) {
      const { W } = this.layers[l - 1];
      const D = cache.Delta[l];
      const g = this.gradOf[l - 1];
      weightGradient(D, cache.A[l - 1], 1 / n, this.l2, W, g.W); // ∂L/∂W^l = (1/n)(Δ^l)ᵀA^{l−1} + αW^l
      if (g.b) fusedBiasGradient(D, 1 / n, g.b); // ∂L/∂b^l = (1/n) Σ_i Δ^l[i,:]
      if (l > 1) {
        const act = this.layers[l - 2].activation as Activation;
        const f = fusedName(act);
        const Dprev = cache.Delta[l - 1];
        if (f === "relu") reluBackwardProduct(D, W, cache.A[l - 1], Dprev); // (Δ^l W^l) ⊙ [A^{l−1} > 0]
        else {
          matmul(D, W, Dprev); // Δ^l W^l
          if (f !== null) fusedActivationBackward(Dprev, cache.Z[l - 1], cache.A[l - 1], f); // ⊙ f'(Z^{l−1})
          else {
            const z = cache.Z[l - 1].data;
            const d = Dprev.data;
            for (let i = 0; i < z.length; i++) d[i] *= act.df(z[i]);
          }
        }
      }
    }
    return this.params;
  }

  /**
   * lossAndGradient on the fused kernels: the forward pass up to Z^L, then one pass over the logits for
   * P = softmax(Z^L), Σ_i −ln P[i, y_i] and Δ^L = P − Y (fusedSoftmaxCrossEntropy), then backwardFused;
   * the penalty (α/2) Σ_l ‖W^l‖² with fusedSumOfSquares.
   */
  private lossAndGradientFused(X: Matrix, y: ArrayLike<number>): number {
    const c = this.cacheFor(X.rows);
    c.A[0] = X;
    const L = this.depth;
    this.forwardFused(c, true);
    const ce = fusedSoftmaxCrossEntropy(c.Z[L], y, c.A[L], c.Delta[L], 1) / X.rows; // P, Δ^L = P − Y, mean −ln P[i, y_i]
    this.backwardFused(c);
    let squares = 0;
    if (this.l2 !== 0) for (const { W } of this.layers) squares += fusedSumOfSquares(W.data);
    return ce + (this.l2 / 2) * squares;
  }
}

/** The fused kernels' name for an activation they inline (the library's own relu, sigmoid, tanh), else null. */
function fusedName(act: Activation): FusedActivation | null {
  return act === relu ? "relu" : act === sigmoid ? "sigmoid" : act === tanh ? "tanh" : null;
}
