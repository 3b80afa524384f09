/**
 * Mini-batch gathering into preallocated buffers: no allocation per step.
 *
 *   Xb[r, :] = X[order[start + r], :],   yb[r] = y[order[start + r]]     for r = 0 … count−1
 *
 * X: N×d, Xb: B×d with B ≥ count (only the first `count` rows are written), y: N labels, yb: ≥ count.
 * Returns a Matrix view of the first `count` rows of Xb (shares Xb's memory) and the labels as a view.
 *
 * Speed: the rows of a shuffled batch are scattered over the data set (188 MB for MNIST), so the time
 * goes into waiting for main memory. Before copying a group of rows, one number of every 64-byte
 * line of them is read, a line of each row in turn: those misses are independent and overlap, and the
 * copy then finds the rows in the cache (a batch of 128 MNIST rows: about 25 % faster than copying
 * row after row).
 */
import { Matrix, ShapeError } from "../matrix";

/** Rows whose lines are read ahead at a time (128 MNIST rows: 400 KB, which the caches hold). */
const AHEAD_ROWS = 128;
/** Where the lines read ahead are summed, so the reads are not optimised away. */
let touched = 0;

/** Reads X[order[t], p] for every line p of the rows order[t0 … t1), a line of each row in turn. */
function touchLines(src: ArrayLike<number>, order: ArrayLike<number>, t0: number, t1: number, d: number, line: number): void {
  let sum = 0;
  for (let p = 0; p < d; p += line) for (let t = t0; t < t1; t++) sum += src[order[t] * d + p];
  touched += sum;
}

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
  }
  const line = src instanceof Float32Array ? 16 : 8; // numbers per 64-byte line
  for (let r0 = 0; r0 < count; r0 += AHEAD_ROWS) {
    const r1 = Math.min(count, r0 + AHEAD_ROWS);
    touchLines(src, order, start + r0, start + r1, d, line);
    for (let r = r0; r < r1; r++) {
      const i = order[start + r];
      dst.set(src.subarray(i * d, i * d + d), r * d);
      yb[r] = y[i];
    }
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
