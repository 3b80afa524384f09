/**
 * The checks a model runs on a batch before its math: X holds one example of `inputs` numbers per
 * row, in the model's number type; y, when given, holds one label in 0…K−1 per row. The errors name
 * the method, the shapes and the offending label.
 */
import { DType, Matrix, ShapeError } from "../core/matrix";
import { checkClassLabels } from "./softmax";

/**
 * What the checks compare a batch with, e.g. { model: "MLP", noun: "network", inputs: 784, classes: 10, dtype:
 * "float32", firstWeights: "W1 is 256×784" }.
 */
export interface BatchSpec {
  readonly model: string;
  readonly noun: string;
  readonly inputs: number;
  readonly classes: number;
  readonly dtype: DType;
  /** Named in the message about a wrong number of columns. */
  readonly firstWeights: string;
}

export function checkBatch(op: string, spec: BatchSpec, X: Matrix, y?: ArrayLike<number>): void {
  const where = `${spec.model}.${op}`;
  if (X.cols !== spec.inputs) {
    throw new ShapeError(
      `${where}: X is ${X.shape} but the ${spec.noun} takes ${spec.inputs} inputs per row (${spec.firstWeights})`,
    );
  }
  if (X.dtype !== spec.dtype) {
    throw new ShapeError(
      `${where}: X is ${X.dtype} but the ${spec.noun} is ${spec.dtype} (create it with dtype: "${X.dtype}", or convert X with copy(X, "${spec.dtype}"))`,
    );
  }
  if (y !== undefined) {
    if (y.length !== X.rows) throw new ShapeError(`${where}: X has ${X.rows} rows but y has ${y.length} labels`);
    checkClassLabels(where, y, spec.classes);
  }
}
