/**
 * Softmax regression: one layer of K neurons with biases, a softmax on top (the handwritten notes
 * "Neural network for MNIST", seed 000).
 *
 *   W: K×d, row j is neuron j's weight vector w_j;  b: 1×K.
 *   forward, one example x (length d):  z = W x + b,  p = softmax(z),  prediction argmax_j p_j
 *   forward, a batch X (n×d, one example per row):  Z = X Wᵀ + b   (n×K)
 *
 *   energy of the notes, eq. (1) — a SUM over the n examples:
 *       E(W, b) = −Σ_i Σ_j 1{y_i = j} ln p_j(x_i) = Σ_i −ln p_{y_i}(x_i)
 *   `loss` / `lossAndGradient` (the Model interface) use the MEAN, L = E / n, so the step size does
 *   not depend on the batch size.
 *
 *   gradient, one example (x, y), with e_y the one-hot vector of y:
 *       ∂E/∂W = (p − e_y) xᵀ   (K×d, an outer product),   ∂E/∂b = p − e_y
 *   i.e. ∂E/∂w_{j,k} = (p_j − 1) x_k if j = y and p_j x_k if j ≠ y.
 *   vectorised over a batch, Δ = P − Y (n×K):
 *       ∂L/∂W = (1/n) Δᵀ X,   ∂L/∂b = (1/n) Σ_i Δ[i,:]
 *
 * Speed: the methods are written formula by formula. A float32 model runs `logits` and
 * `lossAndGradient` on the fused kernels of src/engine/ (product + bias in one WebAssembly call,
 * softmax + cross-entropy + Δ in one pass; see "Fast path" at the end of the class); tests hold both
 * paths equal. `fast: false` (or `model.fast = false`) runs the readable code; float64 always does.
 * float32 W, b and their gradients live inside the WebAssembly memory (src/engine/resident.ts), so
 * products and SGD use them in place; to everything else they are ordinary Float32Arrays.
 */
import { argmaxRows, DType, Matrix, matmulNT, matmulTN, ShapeError, zeros } from "../core/matrix";
import { assertFiniteMatrix } from "../core/finite";
import { Model, Param } from "../core/model";
import { Rng } from "../core/random";
import { InitScheme, initWeights } from "./init";
import { checkClassLabels, crossEntropy, crossEntropyPerExample, logSumExp, softmax, softmaxMinusOneHot } from "./softmax";
import { fusedBiasGradient } from "../engine/fusedLayer";
import { linearForward, weightGradient } from "../engine/fusedProducts";
import { fusedSoftmaxCrossEntropy } from "../engine/fusedSoftmax";
import { batchBuffer, releaseResident, residentCopy } from "../engine/resident";

export interface SoftmaxRegressionOptions {
  /** d, the length of an input (784 for MNIST). */
  inputs: number;
  /** K, the number of classes (10 for MNIST). */
  classes: number;
  /** Needed for random initialisations. */
  rng?: Rng;
  /** How W starts (default "zeros", which works for this convex problem). */
  init?: InitScheme;
  /** How b starts (default "zeros"). */
  biasInit?: InitScheme;
  /** Number type of W, b and the inputs it accepts (default "float32", like loadMnist). */
  dtype?: DType;
  /**
   * Run a float32 model on the fused kernels (default true). Same numbers up to float rounding; false
   * runs the readable formula-by-formula code. float64 models always run the readable code.
   */
  fast?: boolean;
}

/** One example's forward and backward pass, written out as in the notes. */
export interface ExampleGradient {
  /** −ln p_y(x) */
  loss: number;
  /** p = softmax(W x + b), length K */
  p: Float64Array;
  /** ∂E/∂W = (p − e_y) xᵀ, K×d */
  dW: Matrix;
  /** ∂E/∂b = p − e_y, 1×K */
  db: Matrix;
}

export class SoftmaxRegression implements Model {
  readonly inputs: number;
  readonly classes: number;
  readonly dtype: DType;
  /** K×d weights, a row per class. */
  readonly W: Matrix;
  /** 1×K biases. */
  readonly b: Matrix;
  readonly params: Param[];
  /** Use the fused kernels for a float32 model (see SoftmaxRegressionOptions.fast); may be switched at any time. */
  fast: boolean;
  /** Z (then Δ) for the last batch size, reused so training does not allocate per step. */
  private Zbuf: Matrix | null = null;
  /** The fast path's Δ, for the last batch size. */
  private Dbuf: Matrix | null = null;

  constructor(options: SoftmaxRegressionOptions) {
    const { inputs, classes } = options;
    if (!Number.isInteger(inputs) || inputs <= 0) throw new Error(`SoftmaxRegression: inputs must be a positive integer, got ${inputs}`);
    if (!Number.isInteger(classes) || classes < 2) throw new Error(`SoftmaxRegression: classes must be an integer ≥ 2, got ${classes}`);
    this.inputs = inputs;
    this.classes = classes;
    this.dtype = options.dtype ?? "float32";
    this.fast = options.fast ?? true;
    // float32 parameters and gradients live in the wasm memory (residentCopy): no copies per step
    this.W = residentCopy(initWeights(classes, inputs, options.init ?? "zeros", options.rng, this.dtype));
    this.b = residentCopy(initWeights(1, classes, options.biasInit ?? "zeros", options.rng, this.dtype));
    this.params = [
      { name: "W", value: this.W, grad: residentCopy(zeros(classes, inputs, this.dtype)) },
      { name: "b", value: this.b, grad: residentCopy(zeros(1, classes, this.dtype)) },
    ];
  }

  private checkInputs(op: string, X: Matrix, y?: ArrayLike<number>): void {
    if (X.cols !== this.inputs) {
      throw new ShapeError(`SoftmaxRegression.${op}: X is ${X.shape} but the model takes ${this.inputs} inputs per row (W is ${this.W.shape})`);
    }
    if (X.dtype !== this.dtype) {
      throw new ShapeError(`SoftmaxRegression.${op}: X is ${X.dtype} but the model is ${this.dtype} (create it with dtype: "${X.dtype}", or convert X with copy(X, "${this.dtype}"))`);
    }
    if (y !== undefined) {
      if (y.length !== X.rows) throw new ShapeError(`SoftmaxRegression.${op}: X has ${X.rows} rows but y has ${y.length} labels`);
      checkClassLabels(`SoftmaxRegression.${op}`, y, this.classes);
    }
  }

  /** Z = X Wᵀ + b.  X: n×d → Z: n×K. */
  logits(X: Matrix, out?: Matrix): Matrix {
    this.checkInputs("logits", X);
    if (this.usesFusedKernels) return linearForward(X, this.W, this.b, "identity", out); // product and + b in one call
    const Z = matmulNT(X, this.W, out);
    const K = this.classes;
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < K; j++) Z.data[i * K + j] += this.b.data[j];
    return Z;
  }

  /** P = softmax(X Wᵀ + b), n×K. */
  predictProba(X: Matrix): Matrix {
    assertFiniteMatrix(X, "X", "SoftmaxRegression.predictProba");
    return softmax(this.logits(X));
  }

  /** ŷ_i = argmax_j z_ij (softmax does not change the order). */
  predict(X: Matrix): Int32Array {
    assertFiniteMatrix(X, "X", "SoftmaxRegression.predict");
    return argmaxRows(this.logits(X));
  }

  /** The notes' energy E(W, b) = Σ_i −ln p_{y_i}(x_i), a sum over the rows of X. */
  energy(X: Matrix, y: ArrayLike<number>): number {
    this.checkInputs("energy", X, y);
    const l = crossEntropyPerExample(this.logits(X), y);
    let E = 0;
    for (let i = 0; i < l.length; i++) E += l[i];
    return E;
  }

  /** L = E / n, the mean cross-entropy. */
  loss(X: Matrix, y: ArrayLike<number>): number {
    this.checkInputs("loss", X, y);
    assertFiniteMatrix(X, "X", "SoftmaxRegression.loss");
    return crossEntropy(this.logits(X), y);
  }

  /**
   * One example, as in the notes' pseudo-code: z = W x + b, p = softmax(z),
   * ∂E/∂W = (p − e_y) xᵀ, ∂E/∂b = p − e_y.  x: length d, y: a label.  (Plain loops, for teaching.)
   */
  exampleGradient(x: ArrayLike<number>, y: number): ExampleGradient {
    const d = this.inputs;
    const K = this.classes;
    if (x.length !== d) throw new ShapeError(`SoftmaxRegression.exampleGradient: x has ${x.length} entries but the model takes ${d}`);
    checkClassLabels("SoftmaxRegression.exampleGradient", [y], K);
    // z = W x + b
    const z = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      let zj = this.b.data[j];
      for (let k = 0; k < d; k++) zj += this.W.data[j * d + k] * x[k];
      z[j] = zj;
    }
    // p = softmax(z)
    const p = softmax(new Matrix(1, K, z)).data as Float64Array;
    const loss = crossEntropy(new Matrix(1, K, z), [y]);
    // δ = p − e_y;  ∂E/∂W = δ xᵀ;  ∂E/∂b = δ
    const dW = zeros(K, d, this.dtype);
    const db = zeros(1, K, this.dtype);
    for (let j = 0; j < K; j++) {
      const delta = p[j] - (j === y ? 1 : 0);
      db.data[j] = delta;
      for (let k = 0; k < d; k++) dW.data[j * d + k] = delta * x[k];
    }
    return { loss, p, dW, db };
  }

  /**
   * Vectorised over the batch: Z = X Wᵀ + b, P = softmax(Z), Δ = P − Y,
   * ∂L/∂W = (1/n) Δᵀ X → params[0].grad, ∂L/∂b = (1/n) Σ_i Δ[i,:] → params[1].grad.  Returns L = E/n.
   */
  lossAndGradient(X: Matrix, y: ArrayLike<number>): number {
    this.checkInputs("lossAndGradient", X, y);
    const n = X.rows;
    if (n === 0) throw new ShapeError("SoftmaxRegression.lossAndGradient: X has no rows");
    if (!this.Zbuf || this.Zbuf.rows !== n) this.Zbuf = rebuffer(this.Zbuf, n, this.classes, this.dtype);
    if (this.usesFusedKernels) return this.lossAndGradientFused(X, y, this.Zbuf); // the same formulas, fused (see below)
    const Z = this.logits(X, this.Zbuf);
    const K = this.classes;
    let E = 0; // Σ_i LSE(z_i) − z_{i,y_i}, without allocating
    for (let i = 0; i < n; i++) E += logSumExp(Z.data, i * K, K) - Z.data[i * K + y[i]];
    const L = E / n;
    const Delta = softmaxMinusOneHot(softmax(Z, Z), y, Z);
    const [gW, gb] = [this.params[0].grad, this.params[1].grad];
    matmulTN(Delta, X, gW);
    for (let i = 0; i < gW.data.length; i++) gW.data[i] /= n;
    gb.data.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < K; j++) gb.data[j] += Delta.data[i * K + j];
    for (let j = 0; j < K; j++) gb.data[j] /= n;
    return L;
  }

  // ───────────────────────── Fast path: the same formulas on the fused kernels ─────────────────────────

  /** True when `logits` and `lossAndGradient` run on the fused kernels (float32 and `fast`). */
  get usesFusedKernels(): boolean {
    return this.fast && this.dtype === "float32";
  }

  /**
   * lossAndGradient in four calls:
   *   Z = X Wᵀ + b                                   linearForward (product and bias together)
   *   L = (1/n) Σ_i −ln P[i, y_i],  Δ = (P − Y)/n    fusedSoftmaxCrossEntropy (one pass over Z)
   *   ∂L/∂W = Δᵀ X                                   weightGradient
   *   ∂L/∂b = Σ_i Δ[i,:]                             fusedBiasGradient
   * (The 1/n is folded into Δ, so the two gradients need no further scaling.)
   */
  private lossAndGradientFused(X: Matrix, y: ArrayLike<number>, Z: Matrix): number {
    const n = X.rows;
    if (!this.Dbuf || this.Dbuf.rows !== n) this.Dbuf = rebuffer(this.Dbuf, n, this.classes, this.dtype);
    const Delta = this.Dbuf;
    linearForward(X, this.W, this.b, "identity", Z); // Z = X Wᵀ + b
    const L = fusedSoftmaxCrossEntropy(Z, y, null, Delta, 1 / n) / n; // Δ = (P − Y)/n
    weightGradient(Delta, X, 1, 0, this.W, this.params[0].grad); // ∂L/∂W = Δᵀ X
    fusedBiasGradient(Delta, 1, this.params[1].grad); // ∂L/∂b = Σ_i Δ[i,:]
    return L;
  }
}

/** A new n×K batch buffer (resident in the wasm memory when small, see batchBuffer), giving the old one back. */
function rebuffer(old: Matrix | null, n: number, K: number, dtype: DType): Matrix {
  if (old) releaseResident(old);
  return batchBuffer(n, K, dtype);
}
