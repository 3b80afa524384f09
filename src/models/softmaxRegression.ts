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
 * Speed: this file is the code to read. For a float32 model with `fast` on, a faster backend may run
 * `logits` and `lossAndGradient` through the fast-path hook (SoftmaxRegression.fastPath,
 * src/core/fastPath.ts): the same formulas in fewer passes over memory; tests hold both equal.
 * `fast: false` (or `model.fast = false`) runs this code; float64 models always do.
 */
import { allocCopy, allocMatrix, releaseMatrix } from "../core/alloc";
import { BatchBuffers } from "../core/batchBuffers";
import { FastPathHook } from "../core/fastPath";
import {
  addRowVector,
  argmaxRows,
  DType,
  Matrix,
  matmulNT,
  matmulTN,
  scale,
  ShapeError,
  sumRows,
  zeros,
} from "../core/matrix";
import { Model, Param } from "../core/model";
import { assertFiniteMatrix } from "../core/finite";
import { Rng } from "../core/random";
import { BatchSpec, checkBatch } from "./checkBatch";
import { InitScheme, initWeights } from "./init";
import { checkClassLabels, crossEntropy, crossEntropyPerExample, softmax, softmaxMinusOneHot } from "./softmax";

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
  /** Let a float32 model use the fast path when one is registered (default true; same numbers up to float rounding). */
  fast?: boolean;
}

/** What a fast path may run in place of the readable code; each keeps the contract of the method of that name. */
export interface SoftmaxRegressionFastPath {
  /** Z = X Wᵀ + b (X checked), into out when given. */
  logits(model: SoftmaxRegression, X: Matrix, out?: Matrix): Matrix;
  /** The mean loss L of the batch (X, y checked, n ≥ 1), ∂L/∂W and ∂L/∂b into the params' grads; Z: an n×K scratch. */
  lossAndGradient(model: SoftmaxRegression, X: Matrix, y: ArrayLike<number>, Z: Matrix): number;
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
  /** Where a faster backend registers its SoftmaxRegressionFastPath (registerFastPath(SoftmaxRegression, impl)). */
  static readonly fastPath = new FastPathHook<SoftmaxRegressionFastPath>("SoftmaxRegression");
  readonly inputs: number;
  readonly classes: number;
  readonly dtype: DType;
  /** K×d weights, a row per class. */
  readonly W: Matrix;
  /** 1×K biases. */
  readonly b: Matrix;
  readonly params: Param[];
  /** Use the fast path for a float32 model (see SoftmaxRegressionOptions.fast); may be switched at any time. */
  fast: boolean;
  /** Z (then Δ) for the last batch size, reused so training does not allocate per step. */
  private readonly buffers = new BatchBuffers(
    (n) => allocMatrix(n, this.classes, this.dtype, "batch"),
    1,
    releaseMatrix,
  );
  private readonly batchSpec: BatchSpec;

  constructor(options: SoftmaxRegressionOptions) {
    const { inputs, classes } = options;
    if (!Number.isInteger(inputs) || inputs <= 0)
      throw new Error(`SoftmaxRegression: inputs must be a positive integer, got ${inputs}`);
    if (!Number.isInteger(classes) || classes < 2)
      throw new Error(`SoftmaxRegression: classes must be an integer ≥ 2, got ${classes}`);
    this.inputs = inputs;
    this.classes = classes;
    this.dtype = options.dtype ?? "float32";
    this.fast = options.fast ?? true;
    this.W = allocCopy(initWeights(classes, inputs, options.init ?? "zeros", options.rng, this.dtype), "parameters");
    this.b = allocCopy(initWeights(1, classes, options.biasInit ?? "zeros", options.rng, this.dtype), "parameters");
    this.params = [
      { name: "W", value: this.W, grad: allocMatrix(classes, inputs, this.dtype, "parameters") },
      { name: "b", value: this.b, grad: allocMatrix(1, classes, this.dtype, "parameters") },
    ];
    this.batchSpec = {
      model: "SoftmaxRegression",
      noun: "model",
      inputs,
      classes,
      dtype: this.dtype,
      firstWeights: `W is ${this.W.shape}`,
    };
  }

  /** True when `logits` and `lossAndGradient` run on a registered fast path (float32, `fast`, one registered). */
  get usesFastPath(): boolean {
    return this.fastPath() !== null;
  }

  private fastPath(): SoftmaxRegressionFastPath | null {
    return this.fast && this.dtype === "float32" ? SoftmaxRegression.fastPath.impl : null;
  }

  private checkInputs(op: string, X: Matrix, y?: ArrayLike<number>): void {
    checkBatch(op, this.batchSpec, X, y);
  }

  /** Z = X Wᵀ + b.  X: n×d → Z: n×K. */
  logits(X: Matrix, out?: Matrix): Matrix {
    this.checkInputs("logits", X);
    const fast = this.fastPath();
    if (fast) return fast.logits(this, X, out);
    const Z = matmulNT(X, this.W, out); // X Wᵀ
    return addRowVector(Z, this.b, Z); //  + b
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
    assertFiniteMatrix(X, "X", "SoftmaxRegression.energy");
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
    if (x.length !== d)
      throw new ShapeError(`SoftmaxRegression.exampleGradient: x has ${x.length} entries but the model takes ${d}`);
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
    const Z = this.buffers.get(n);
    const fast = this.fastPath();
    if (fast) return fast.lossAndGradient(this, X, y, Z);
    const [gW, gb] = [this.params[0].grad, this.params[1].grad];
    this.logits(X, Z); // Z = X Wᵀ + b
    const L = crossEntropy(Z, y); // L = (1/n) Σ_i −ln P[i, y_i]
    const Delta = softmaxMinusOneHot(softmax(Z, Z), y, Z); // Δ = P − Y (in Z's place)
    scale(matmulTN(Delta, X, gW), 1 / n, gW); // ∂L/∂W = (1/n) Δᵀ X
    scale(sumRows(Delta, gb), 1 / n, gb); // ∂L/∂b = (1/n) Σ_i Δ[i,:]
    return L;
  }
}
