/**
 * Mini-batch gathering into preallocated buffers: no allocation per step.
 *
 *   Xb[r, :] = X[order[start + r], :],   yb[r] = y[order[start + r]]     for r = 0 … count−1
 *
 * X: N×d, Xb: B×d with B ≥ count (only the first `count` rows are written), y: N labels, yb: ≥ count.
 * Returns a Matrix view of the first `count` rows of Xb (shares Xb's memory) and the labels as a view.
 */
import { Matrix, ShapeError } from "../matrix";

export function gatherBatchInto(
  X: Matrix, y: ArrayLike<number>, order: ArrayLike<number>, start: number, count: number, Xb: Matrix, yb: Uint8Array | Int32Array,
): { X: Matrix; y: Uint8Array | Int32Array } {
  const op = "gatherBatchInto";
  if (y.length !== X.rows) throw new ShapeError(`${op}: X is ${X.shape} but y has ${y.length} labels`);
  if (Xb.cols !== X.cols) throw new ShapeError(`${op}: X is ${X.shape} but the buffer Xb is ${Xb.shape} (columns differ)`);
  if (X.dtype !== Xb.dtype) throw new ShapeError(`${op}: X is ${X.dtype} but Xb is ${Xb.dtype}`);
  if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0 && start + count <= order.length)) {
    throw new RangeError(`${op}: rows ${start}…${start + count - 1} are outside the order of length ${order.length}`);
  }
  if (count > Xb.rows || count > yb.length) throw new ShapeError(`${op}: a batch of ${count} does not fit Xb (${Xb.shape}) / yb (${yb.length})`);
  const d = X.cols, src = X.data, dst = Xb.data;
  for (let r = 0; r < count; r++) {
    const i = order[start + r];
    if (!(i >= 0 && i < X.rows && Number.isInteger(i))) throw new RangeError(`${op}: order[${start + r}] = ${i} is not a row of X (0…${X.rows - 1})`);
    dst.set(src.subarray(i * d, i * d + d), r * d);
    yb[r] = y[i];
  }
  return { X: new Matrix(count, d, dst.subarray(0, count * d)), y: yb.subarray(0, count) };
}

/** Reference: element by element. */
export function gatherBatchIntoReference(
  X: Matrix, y: ArrayLike<number>, order: ArrayLike<number>, start: number, count: number, Xb: Matrix, yb: Uint8Array | Int32Array,
): { X: Matrix; y: Uint8Array | Int32Array } {
  for (let r = 0; r < count; r++) {
    const i = order[start + r];
    for (let j = 0; j < X.cols; j++) Xb.set(r, j, X.get(i, j));
    yb[r] = y[i];
  }
  return { X: new Matrix(count, X.cols, Xb.data.subarray(0, count * X.cols)), y: yb.subarray(0, count) };
}
