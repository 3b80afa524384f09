/**
 * Mini-batch gathering into preallocated buffers: no allocation per step.
 *
 *   Xb[r, :] = X[order[start + r], :],   yb[r] = y[order[start + r]]     for r = 0 … count−1
 *
 * X: N×d, Xb: B×d with B ≥ count (only the first `count` rows are written), y: N labels, yb: ≥ count.
 * Returns a Matrix view of the first `count` rows of Xb (shares Xb's memory) and the labels as a view.
 *
 * Speed: the rows of a shuffled batch are scattered over the data set (MNIST: 47 MB of bytes, or 188 MB
 * as float32), so the time goes into waiting for main memory. Before copying a group of rows, one number
 * of every 64-byte line of them is read, a line of each row in turn: those misses are independent and
 * overlap, and the copy then finds the rows in the cache (a batch of 128 MNIST rows: about 25 % faster
 * than copying row after row). Byte pixels (a PixelMatrix, as loadMnist returns) are converted to
 * byte/255 as their rows are copied: by a worker during the step when the bytes are resident (loadMnist's,
 * with the engine, are) and the batch float32, else on the caller's thread.
 */
import { Matrix, ShapeError } from "../core/matrix";
import { PixelMatrix } from "../core/pixelMatrix";
import { batchBuffer } from "./resident";
import { defaultGemmKernel } from "./wasmGemm";

/** Rows whose lines are read ahead at a time (128 MNIST rows: 400 KB, which the caches hold). */
const AHEAD_ROWS = 128;
/** Where the lines read ahead are summed, so the reads are not optimised away. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- written, never read: a sink for the reads
let touched = 0;

/** Reads X[order[t], p] for every line p of the rows order[t0 … t1), a line of each row in turn. */
function touchLines(
  src: ArrayLike<number>,
  order: ArrayLike<number>,
  t0: number,
  t1: number,
  d: number,
  line: number,
): void {
  let sum = 0;
  for (let p = 0; p < d; p += line) for (let t = t0; t < t1; t++) sum += src[order[t] * d + p];
  touched += sum;
}

/** The checks of a gather (shapes, the range of `order`, every index), and yb[r] = y[order[start + r]]. */
function gatherLabels(
  op: string,
  X: Matrix,
  y: ArrayLike<number>,
  order: ArrayLike<number>,
  start: number,
  count: number,
  Xb: Matrix,
  yb: Uint8Array | Int32Array,
): void {
  if (y.length !== X.rows) throw new ShapeError(`${op}: X is ${X.shape} but y has ${y.length} labels`);
  if (Xb.cols !== X.cols)
    throw new ShapeError(`${op}: X is ${X.shape} but the buffer Xb is ${Xb.shape} (columns differ)`);
  if (X.dtype !== Xb.dtype) throw new ShapeError(`${op}: X is ${X.dtype} but Xb is ${Xb.dtype}`);
  if (!(
    Number.isInteger(start) &&
    Number.isInteger(count) &&
    start >= 0 &&
    count >= 0 &&
    start + count <= order.length
  )) {
    throw new RangeError(`${op}: rows ${start}…${start + count - 1} are outside the order of length ${order.length}`);
  }
  if (count > Xb.rows || count > yb.length)
    throw new ShapeError(`${op}: a batch of ${count} does not fit Xb (${Xb.shape}) / yb (${yb.length})`);
  for (let r = 0; r < count; r++) {
    const i = order[start + r];
    if (!(i >= 0 && i < X.rows && Number.isInteger(i)))
      throw new RangeError(`${op}: order[${start + r}] = ${i} is not a row of X (0…${X.rows - 1})`);
    yb[r] = y[i];
  }
}

/** The bytes of a PixelMatrix whose float view was not made (gathered and converted per batch), else null. */
function pixelBytes(X: Matrix): Uint8Array | null {
  return X instanceof PixelMatrix && !X.isMaterialised() ? X.bytes : null;
}

/** Xb[r, :] = X[order[start + r], :] for r < count (indices checked), reading the lines of each group of rows ahead. */
function copyRows(X: Matrix, order: ArrayLike<number>, start: number, count: number, Xb: Matrix): void {
  const d = X.cols,
    dst = Xb.data;
  if (pixelBytes(X)) {
    // pixels: X_B = bytes / 255, row by row (PixelMatrix.gatherRowsInto; a row is 13 lines, not 49)
    X.gatherRowsInto(order, start, count, dst);
    return;
  }
  const src = X.data;
  const line = src instanceof Float32Array ? 16 : 8; // numbers per 64-byte line
  for (let r0 = 0; r0 < count; r0 += AHEAD_ROWS) {
    const r1 = Math.min(count, r0 + AHEAD_ROWS);
    touchLines(src, order, start + r0, start + r1, d, line);
    for (let r = r0; r < r1; r++) {
      const i = order[start + r];
      dst.set(src.subarray(i * d, i * d + d), r * d);
    }
  }
}

/** The gather of the file's comment, element by element: the reference the loader is tested against. */
export function gatherBatchReference(
  X: Matrix,
  y: ArrayLike<number>,
  order: ArrayLike<number>,
  start: number,
  count: number,
  Xb: Matrix,
  yb: Uint8Array | Int32Array,
): { X: Matrix; y: Uint8Array | Int32Array } {
  for (let r = 0; r < count; r++) {
    const i = order[start + r];
    for (let j = 0; j < X.cols; j++) Xb.set(r, j, X.get(i, j));
    yb[r] = y[i];
  }
  return { X: new Matrix(count, X.cols, Xb.data.subarray(0, count * X.cols)), y: yb.subarray(0, count) };
}

/**
 * Mini-batches for a training loop, gathered into two preallocated buffers in turn, so the next batch
 * can be gathered while the model trains on the current one:
 *
 *   const loader = new BatchLoader(X, y, B);
 *   for each batch (start, count):  const { X: Xb, y: yb } = loader.batch(order, start, count);
 *                                   loader.prefetch(order, start + count, nextCount);   // the next one
 *                                   model.lossAndGradient(Xb, yb);
 *                                   optimizer.step(model.params);
 *
 * `prefetch` hands the copy to the worker threads of the wasm engine when the data set and the buffers
 * live in the wasm memory (loadMnist's bytes and float32 data do): they copy (or convert) it in chunks of 16 rows
 * whenever
 * they have no product job to do, so it fills the gaps of the step. Otherwise it copies right away. `batch`
 * returns the prefetched batch when it is the one asked for (waiting for the copy) and gathers any
 * other batch on the spot. The batches are the same either way (gatherBatchReference's). A returned batch
 * stays valid until `batch` is called again (prefetch fills the other buffer). Labels are copied on
 * this thread.
 */
export class BatchLoader {
  private readonly Xb: Matrix[];
  private readonly yb: (Uint8Array | Int32Array)[];
  /** Per buffer, the batches handed out, by row count (made once: no allocation per step). */
  private readonly views: Map<number, { X: Matrix; y: Uint8Array | Int32Array }>[] = [new Map(), new Map()];
  private current = 0;
  /** The batch in the other buffer (or being gathered into it), if any. */
  private ahead: { order: ArrayLike<number>; start: number; count: number; async: boolean } | null = null;

  constructor(
    readonly X: Matrix,
    readonly y: ArrayLike<number>,
    readonly batchSize: number,
  ) {
    if (!(Number.isInteger(batchSize) && batchSize >= 1))
      throw new RangeError(`BatchLoader: the batch size must be a whole number ≥ 1, got ${batchSize}`);
    if (y.length !== X.rows) throw new ShapeError(`BatchLoader: X is ${X.shape} but y has ${y.length} labels`);
    const labels = () => (y instanceof Uint8Array ? new Uint8Array(batchSize) : new Int32Array(batchSize));
    this.Xb = [batchBuffer(batchSize, X.cols, X.dtype), batchBuffer(batchSize, X.cols, X.dtype)];
    this.yb = [labels(), labels()];
  }

  /** The batch of rows order[start … start+count) (views of one buffer). */
  batch(order: ArrayLike<number>, start: number, count: number): { X: Matrix; y: Uint8Array | Int32Array } {
    const a = this.ahead;
    this.ahead = null;
    if (a && a.order === order && a.start === start && a.count === count) {
      if (a.async) defaultGemmKernel().engine?.gatherRowsWait();
      this.current = 1 - this.current;
      return this.view(this.current, count);
    }
    if (a?.async) defaultGemmKernel().engine?.gatherRowsWait(); // a batch nobody asked for: let it finish
    const Xb = this.Xb[this.current];
    gatherLabels("BatchLoader.batch", this.X, this.y, order, start, count, Xb, this.yb[this.current]);
    copyRows(this.X, order, start, count, Xb);
    return this.view(this.current, count);
  }

  /** The first `count` rows of buffer b and their labels. */
  private view(b: number, count: number): { X: Matrix; y: Uint8Array | Int32Array } {
    let v = this.views[b].get(count);
    if (!v) {
      v = {
        X: new Matrix(count, this.X.cols, this.Xb[b].data.subarray(0, count * this.X.cols)),
        y: this.yb[b].subarray(0, count),
      };
      this.views[b].set(count, v);
    }
    return v;
  }

  /** Starts gathering rows order[start … start+count) into the other buffer (nothing when count is 0). */
  prefetch(order: ArrayLike<number>, start: number, count: number): void {
    if (this.ahead?.async) defaultGemmKernel().engine?.gatherRowsWait();
    this.ahead = null;
    if (count <= 0) return;
    const next = 1 - this.current;
    const Xb = this.Xb[next],
      yb = this.yb[next];
    gatherLabels("BatchLoader.prefetch", this.X, this.y, order, start, count, Xb, yb);
    const e = defaultGemmKernel().engine;
    const bytes = pixelBytes(this.X);
    const async =
      !!e &&
      Xb.data instanceof Float32Array &&
      (bytes
        ? this.X.dtype === "float32" && e.gatherRowsAsync(bytes, this.X.cols, order, start, count, Xb.data)
        : this.X.data instanceof Float32Array &&
          e.gatherRowsAsync(this.X.data, this.X.cols, order, start, count, Xb.data));
    if (!async) copyRows(this.X, order, start, count, Xb); // here and now
    this.ahead = { order, start, count, async };
  }

  /** Waits for a gather still running (call when the loop ends early). */
  finish(): void {
    if (this.ahead?.async) defaultGemmKernel().engine?.gatherRowsWait();
    this.ahead = null;
  }
}
