/**
 * What every trainable model in Descent offers, so optimisers and the training loop work with any
 * of them (softmax regression, multi-layer perceptrons, …).
 */
import { Matrix } from "./matrix";

/** A parameter group (a weight matrix or a bias row) and the buffer its gradient is written to. */
export interface Param {
  /** Name as in the notes: "W1", "b1", "W", "b", … */
  readonly name: string;
  /** The values θ, updated in place by optimisers. */
  readonly value: Matrix;
  /** ∂loss/∂θ, same shape as value, filled by `lossAndGradient`. */
  readonly grad: Matrix;
}

export interface Model {
  /** Every parameter group, in a fixed order. */
  readonly params: Param[];
  /**
   * Forward and backward pass on a batch X (n×d, one example per row) with labels y (length n):
   * returns the mean loss over the batch (plus any penalty) and writes ∂loss/∂θ into every p.grad.
   */
  lossAndGradient(X: Matrix, y: ArrayLike<number>): number;
  /** The same mean loss, without gradients. */
  loss(X: Matrix, y: ArrayLike<number>): number;
  /** Class probabilities, n×K (each row sums to 1). */
  predictProba(X: Matrix): Matrix;
  /** The predicted class of each row: argmax of the probabilities. */
  predict(X: Matrix): Int32Array;
}
