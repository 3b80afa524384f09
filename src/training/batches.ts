/**
 * The data a model trains on, and its mini-batches.
 *
 *   X_B[r, :] = X[order[start + r], :],   y_B[r] = y[order[start + r]]     for r = 0 … count−1
 *
 * X: n×d (one example per row), y: n labels, order: a permutation of 0…n−1 (the epoch's order).
 * A BatchSource hands out these batches; the plain one (GatheredBatches) copies the rows with
 * gatherRows into one buffer allocated once (a short last batch is a view of its first rows), so
 * the data set itself is never copied. A faster source may be plugged in with registerBatchSource.
 */
import { gatherRows, Matrix, ShapeError, zeros } from "../core/matrix";

/** Examples X (n×d, one per row) with their labels y (length n). MNIST's Dataset fits this. */
export interface LabelledData {
  readonly X: Matrix;
  readonly y: ArrayLike<number>;
}

/** A set must have a Matrix X, one label per row, and at least one row. */
export function checkData(data: LabelledData, what: string): void {
  if (!data || !(data.X instanceof Matrix)) throw new TypeError(`train: ${what}.X must be a Matrix`);
  if (!data.y || typeof data.y.length !== "number") throw new TypeError(`train: ${what}.y must be an array of labels`);
  if (data.X.rows !== data.y.length) {
    throw new ShapeError(
      `train: ${what}.X is ${data.X.shape} but ${what}.y has ${data.y.length} labels (one per row needed)`,
    );
  }
  if (data.X.rows === 0) throw new RangeError(`train: ${what} has no examples`);
}

/** Mini-batches of one data set, in the order given at each call. */
export interface BatchSource {
  /** The batch of rows order[start … start+count) (valid until the next call). */
  batch(order: Int32Array, start: number, count: number): LabelledData;
  /** The next batch will be rows order[start … start+count): a source may start gathering it now. */
  prefetch?(order: Int32Array, start: number, count: number): void;
  /** Training has ended (or stopped early): finish any gathering still under way. */
  finish?(): void;
}

/** Makes a source for (X, y) and batches of at most B rows, or returns null to leave it to the plain one. */
export type BatchSourceMaker = (X: Matrix, y: ArrayLike<number>, B: number) => BatchSource | null;

let registered: BatchSourceMaker | null = null;

/** Registers a faster way to gather mini-batches (null: back to the plain GatheredBatches). */
export function registerBatchSource(maker: BatchSourceMaker | null): void {
  registered = maker;
}

/**
 * The batches train() uses: the data itself for full batches in the given order; otherwise the
 * registered source if there is one and it takes these data, else GatheredBatches.
 */
export function batchSource(data: LabelledData, B: number, shuffle: boolean): BatchSource {
  if (B === data.X.rows && !shuffle) return { batch: () => data };
  return registered?.(data.X, data.y, B) ?? new GatheredBatches(data.X, data.y, B);
}

type Labels =
  Float64Array | Float32Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array;

/** A label buffer of length m, of the same typed-array kind as y when y is one (Uint8Array for MNIST). */
export function labelBuffer(y: ArrayLike<number>, m: number): Labels {
  const ctor = (y as { constructor?: unknown }).constructor;
  if (ArrayBuffer.isView(y) && typeof ctor === "function" && !(y instanceof DataView)) {
    return new (ctor as new (n: number) => Labels)(m);
  }
  return new Float64Array(m);
}

/** out[r] = y[idx[r]]. */
export function gatherLabels(y: ArrayLike<number>, idx: ArrayLike<number>, out: Labels): Labels {
  for (let r = 0; r < idx.length; r++) out[r] = y[idx[r]];
  return out;
}

/**
 * The plain source: X_B = gatherRows(X, order[start … start+count)) into a B×d buffer made once
 * (or the one given), y_B into a label buffer of y's kind; a short batch uses views of their first rows.
 */
export class GatheredBatches implements BatchSource {
  private readonly full: LabelledData & { y: Labels };
  private short: (LabelledData & { y: Labels }) | null = null;

  constructor(
    private readonly X: Matrix,
    private readonly y: ArrayLike<number>,
    B: number,
    Xb: Matrix = zeros(B, X.cols, X.dtype),
  ) {
    if (Xb.rows !== B || Xb.cols !== X.cols)
      throw new ShapeError(`GatheredBatches: the buffer is ${Xb.shape} but batches are ${B}×${X.cols}`);
    this.full = { X: Xb, y: labelBuffer(y, B) };
  }

  batch(order: Int32Array, start: number, count: number): LabelledData {
    const into = count === this.full.X.rows ? this.full : this.shortOf(count);
    const idx = order.subarray(start, start + count);
    gatherRows(this.X, idx, into.X);
    gatherLabels(this.y, idx, into.y);
    return into;
  }

  /** Views of the first m rows of the buffers (made once: only the last batch of an epoch is short). */
  private shortOf(m: number): LabelledData & { y: Labels } {
    if (this.short?.X.rows !== m) {
      const Xb = this.full.X;
      this.short = { X: new Matrix(m, Xb.cols, Xb.data.subarray(0, m * Xb.cols)), y: this.full.y.subarray(0, m) };
    }
    return this.short;
  }
}
