/**
 * Images kept as their bytes: a Matrix whose numbers are
 *
 *   X[i, j] = b[i·cols + j] / 255        (b: one byte 0…255 per pixel, row-major, n×d)
 *
 * rounded to X's dtype (float32 unless asked otherwise) exactly as a float array filled with b/255 holds
 * them, so every result is the same as with the float array.
 *
 * Why a Matrix subclass of bytes and not a float array: MNIST's 60,000 training images are 47 MB as
 * bytes but 188 MB as float32, and a class server runs one kernel per student. Why a subclass (and not
 * a separate type): the notebooks and every function that takes a data set keep working unchanged.
 *
 * What reads the bytes, with no float copy of the whole set: get, row (a new float row, not a view),
 * rowBlock (a new float block), gatherRowsInto (and so gatherRows, copy, the training batches, the
 * engine's batch gather) and src/data's helpers (subset, takeFirst, meanImage, centring …).
 * Anything else that reads `data` (a product of the whole set, a loop over X.data, a write) gets a float
 * array made on first use and kept — the float view, materialised once, with the same numbers. From
 * then on that array holds the matrix's values: set and writes to data go there and get/row/
 * gatherRowsInto read it, so the bytes and the floats can never disagree silently (isMaterialised
 * says whether it happened; the memory saving is then gone for this matrix).
 */
import { allocFloat32 } from "./alloc";
import { DType, FloatArray, Matrix } from "./matrix";

/** The 256 values b/255 in float32 and in float64 (a table read is faster than a division). */
const SCALED = { float32: new Float32Array(256), float64: new Float64Array(256) };
for (let b = 0; b < 256; b++) SCALED.float32[b] = SCALED.float64[b] = b / 255;

/** The pixel value of byte b in dtype: b/255 rounded to float32 (or float64). */
export function pixelValue(b: number, dtype: DType = "float32"): number {
  return SCALED[dtype][b];
}

/** out[r·d + j] = t[b[order[start + r]·d + j]] for r < count, j < d: rows of bytes looked up in t (float32 out). */
function gatherBytesF32(
  b: Uint8Array,
  d: number,
  order: ArrayLike<number>,
  start: number,
  count: number,
  out: Float32Array,
  t: Float32Array,
): void {
  for (let r = 0; r < count; r++) {
    const src = order[start + r] * d,
      dst = r * d;
    for (let j = 0; j < d; j++) out[dst + j] = t[b[src + j]];
  }
}

/** The same into a float64 array (t: the float32 or the float64 table, as X's dtype says). */
function gatherBytesF64(
  b: Uint8Array,
  d: number,
  order: ArrayLike<number>,
  start: number,
  count: number,
  out: Float64Array,
  t: Float32Array | Float64Array,
): void {
  for (let r = 0; r < count; r++) {
    const src = order[start + r] * d,
      dst = r * d;
    for (let j = 0; j < d; j++) out[dst + j] = t[b[src + j]];
  }
}

/** An n×d matrix of images stored as bytes, X[i, j] = b[i·d + j]/255 (see the file's comment). */
export class PixelMatrix extends Matrix {
  /** The pixels, one byte each, row-major (shared, not copied: do not change them). */
  readonly bytes: Uint8Array;
  private readonly type: DType;
  private readonly table: Float32Array | Float64Array;
  private floats: FloatArray | null = null;

  constructor(rows: number, cols: number, bytes: Uint8Array, dtype: DType = "float32") {
    if (!(bytes instanceof Uint8Array)) throw new TypeError("PixelMatrix: bytes must be a Uint8Array");
    // Matrix checks the shape against bytes.length; `data` is then redefined as the float view below.
    super(rows, cols, bytes as unknown as FloatArray);
    this.bytes = bytes;
    this.type = dtype;
    this.table = SCALED[dtype];
    Object.defineProperty(this, "data", { get: () => this.materialise(), enumerable: true, configurable: true });
  }

  override get dtype(): DType {
    return this.type;
  }

  /** Whether `data` has been asked for (the float array exists and holds the values). */
  isMaterialised(): boolean {
    return this.floats !== null;
  }

  /** Whether the float array (if made) still holds b/255 in rows row0 … row1−1 (default: all; true without one). */
  floatsMatchBytes(row0 = 0, row1 = this.rows): boolean {
    const f = this.floats;
    if (!f) return true;
    const b = this.bytes,
      t = this.table;
    for (let k = row0 * this.cols; k < row1 * this.cols; k++) if (f[k] !== t[b[k]]) return false;
    return true;
  }

  /** The float array of all values (made on first use: n·d floats, from the core allocator for float32). */
  private materialise(): FloatArray {
    if (!this.floats) {
      const n = this.bytes.length;
      const f = this.type === "float32" ? allocFloat32(n, "data") : new Float64Array(n);
      const b = this.bytes,
        t = this.table;
      for (let k = 0; k < n; k++) f[k] = t[b[k]];
      this.floats = f;
      // From now on `data` is a plain property: a loop reading X.data[k] pays for no getter call per element.
      Object.defineProperty(this, "data", { value: f, enumerable: true, writable: false, configurable: false });
    }
    return this.floats;
  }

  override get(i: number, j: number): number {
    const k = i * this.cols + j;
    return this.floats ? this.floats[k] : this.table[this.bytes[k]];
  }

  override set(i: number, j: number, v: number): void {
    this.materialise()[i * this.cols + j] = v;
  }

  /** Row i as a new float array (a copy: writing to it does not change X); a view once the float array exists. */
  override row(i: number): FloatArray {
    if (this.floats) return super.row(i);
    if (i < 0 || i >= this.rows) throw new RangeError(`Matrix.row: row ${i} outside 0…${this.rows - 1}`);
    const out = this.type === "float32" ? new Float32Array(this.cols) : new Float64Array(this.cols);
    this.gatherRowsInto([i], 0, 1, out);
    return out;
  }

  /** Rows first … first+count−1 as a new float matrix. */
  override rowBlock(first: number, count: number): Matrix {
    if (this.floats) return super.rowBlock(first, count);
    if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 0 && first + count <= this.rows))
      throw new RangeError(`Matrix.rowBlock: rows ${first}…${first + count - 1} are outside 0…${this.rows - 1}`);
    const n = count * this.cols;
    const out = this.type === "float32" ? new Float32Array(n) : new Float64Array(n);
    const b = this.bytes.subarray(first * this.cols, first * this.cols + n),
      t = this.table;
    for (let k = 0; k < n; k++) out[k] = t[b[k]];
    return new Matrix(count, this.cols, out);
  }

  /** out[r·d + j] = X[order[start + r], j] for r < count, converted from the bytes (or read from the floats). */
  override gatherRowsInto(order: ArrayLike<number>, start: number, count: number, out: FloatArray): void {
    if (this.floats) return super.gatherRowsInto(order, start, count, out);
    // one loop per output type, so that each stays monomorphic (the hot path of every mini-batch)
    if (out instanceof Float32Array) gatherBytesF32(this.bytes, this.cols, order, start, count, out, SCALED.float32);
    else gatherBytesF64(this.bytes, this.cols, order, start, count, out, this.table);
  }

  override toString(): string {
    return `Matrix ${this.shape} ${this.dtype} (bytes/255)`;
  }
}
