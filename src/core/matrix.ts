/**
 * Row-major matrices on typed arrays.
 *
 * A Matrix is `rows × cols` numbers stored row after row in one Float32Array or Float64Array:
 * entry (i, j) lives at data[i·cols + j]. A data set of n images is an n×784 matrix (one image per
 * row); a layer's weights W are out×in, so the layer computes Z = X·Wᵀ + b.
 *
 * Every operation checks shapes and throws a ShapeError that names the operation and both shapes.
 * Functions take an optional `out` so hot loops can reuse preallocated buffers.
 */
import { FloatArray, gemm, GemmOp } from "./gemm";
import { Rng } from "./random";

export type { FloatArray } from "./gemm";
export type DType = "float32" | "float64";

/** A shape mismatch, named with the operation and the shapes involved. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ShapeError";
  }
}

export class Matrix<A extends FloatArray = FloatArray> {
  constructor(
    public readonly rows: number,
    public readonly cols: number,
    public readonly data: A,
  ) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`Matrix: rows and cols must be non-negative integers, got ${rows}×${cols}`);
    }
    if (data.length !== rows * cols) {
      throw new ShapeError(`Matrix: a ${rows}×${cols} matrix needs ${rows * cols} numbers, got ${data.length}`);
    }
  }

  get dtype(): DType {
    return this.data instanceof Float32Array ? "float32" : "float64";
  }

  /** "rows×cols", for messages. */
  get shape(): string {
    return `${this.rows}×${this.cols}`;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** Row i as a view (no copy). */
  row(i: number): A {
    if (i < 0 || i >= this.rows) throw new RangeError(`Matrix.row: row ${i} outside 0…${this.rows - 1}`);
    return this.data.subarray(i * this.cols, (i + 1) * this.cols) as A;
  }

  /**
   * Rows first … first+count−1 as a count×cols matrix: a view (no copy) of a float matrix; a subclass that
   * stores its numbers otherwise (PixelMatrix: bytes) returns them converted, in a new array.
   */
  rowBlock(first: number, count: number): Matrix {
    checkRowRange("Matrix.rowBlock", this, first, count);
    return new Matrix(count, this.cols, this.data.subarray(first * this.cols, (first + count) * this.cols));
  }

  /**
   * out[r·cols + j] = A[order[start + r], j] for r < count: rows copied into a float array (row-major),
   * e.g. a mini-batch. The indices must be rows of A (the callers check them).
   */
  gatherRowsInto(order: ArrayLike<number>, start: number, count: number, out: FloatArray): void {
    const n = this.cols;
    for (let r = 0; r < count; r++) {
      const i = order[start + r];
      out.set(this.data.subarray(i * n, (i + 1) * n), r * n);
    }
  }

  /** Nested plain arrays, for printing small matrices. */
  toArrays(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  toString(): string {
    return `Matrix ${this.shape} ${this.dtype}`;
  }
}

function checkRowRange(op: string, A: Matrix, first: number, count: number): void {
  if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 0 && first + count <= A.rows))
    throw new RangeError(`${op}: rows ${first}…${first + count - 1} are outside 0…${A.rows - 1} (A is ${A.shape})`);
}

function alloc(dtype: DType, n: number): FloatArray {
  return dtype === "float32" ? new Float32Array(n) : new Float64Array(n);
}

/** A rows×cols matrix of zeros. */
export function zeros(rows: number, cols: number, dtype: DType = "float64"): Matrix {
  return new Matrix(rows, cols, alloc(dtype, rows * cols));
}

/** A zero matrix with A's shape and dtype. */
export function zerosLike(A: Matrix): Matrix {
  return zeros(A.rows, A.cols, A.dtype);
}

/** A deep copy (optionally converted to another dtype). */
export function copy(A: Matrix, dtype: DType = A.dtype): Matrix {
  const C = zeros(A.rows, A.cols, dtype);
  A.gatherRowsInto(identity(A.rows), 0, A.rows, C.data);
  return C;
}

/** The row numbers 0 … n−1 (for copies done row by row). */
function identity(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/** A matrix from nested arrays [[a11, a12, …], [a21, …], …]; every row must have the same length. */
export function fromArrays(rowsIn: ArrayLike<ArrayLike<number>>, dtype: DType = "float64"): Matrix {
  const rows = rowsIn.length;
  const cols = rows > 0 ? rowsIn[0].length : 0;
  const M = zeros(rows, cols, dtype);
  for (let i = 0; i < rows; i++) {
    if (rowsIn[i].length !== cols) {
      throw new ShapeError(`fromArrays: row ${i} has ${rowsIn[i].length} entries, row 0 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) M.data[i * cols + j] = rowsIn[i][j];
  }
  return M;
}

/** A 1×n row vector. */
export function rowVector(v: ArrayLike<number>, dtype: DType = "float64"): Matrix {
  const M = zeros(1, v.length, dtype);
  for (let j = 0; j < v.length; j++) M.data[j] = v[j];
  return M;
}

/** A rows×cols matrix of independent N(0, σ²) entries from a seeded generator. */
export function randn(rows: number, cols: number, rng: Rng, sigma = 1, dtype: DType = "float64"): Matrix {
  const M = zeros(rows, cols, dtype);
  rng.fillNormal(M.data, 0, sigma);
  return M;
}

function outFor(op: string, rows: number, cols: number, dtype: DType, out?: Matrix): Matrix {
  if (!out) return zeros(rows, cols, dtype);
  if (out.rows !== rows || out.cols !== cols) {
    throw new ShapeError(`${op}: out is ${out.shape} but the result is ${rows}×${cols}`);
  }
  return out;
}

function sameDtype(op: string, A: Matrix, B: Matrix): void {
  if (A.dtype !== B.dtype) throw new ShapeError(`${op}: A is ${A.dtype} but B is ${B.dtype}`);
}

function product(op: GemmOp, name: string, A: Matrix, B: Matrix, out?: Matrix): Matrix {
  sameDtype(name, A, B);
  // op(A) is m×k, op(B) is k×n
  const [m, kA] = op === "TN" ? [A.cols, A.rows] : [A.rows, A.cols];
  const [kB, n] = op === "NT" ? [B.cols, B.rows] : [B.rows, B.cols];
  if (kA !== kB) {
    const what =
      op === "NN" ? "A.cols must equal B.rows" : op === "TN" ? "A.rows must equal B.rows" : "A.cols must equal B.cols";
    throw new ShapeError(`${name}: A is ${A.shape} and B is ${B.shape} (${what})`);
  }
  const C = outFor(name, m, n, A.dtype, out);
  if (C === A || C === B) throw new ShapeError(`${name}: out must not be one of the operands`);
  gemm(op, m, n, kA, A.data, B.data, C.data);
  return C;
}

/** C = A·B.   A: m×k, B: k×n → C: m×n. */
export function matmul(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  return product("NN", "matmul", A, B, out);
}

/** C = Aᵀ·B.  A: k×m, B: k×n → C: m×n (no transpose is built). */
export function matmulTN(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  return product("TN", "matmulTN", A, B, out);
}

/** C = A·Bᵀ.  A: m×k, B: n×k → C: m×n (no transpose is built). */
export function matmulNT(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  return product("NT", "matmulNT", A, B, out);
}

/** Aᵀ as a new matrix (for teaching and small examples; the products never need it). */
export function transpose(A: Matrix): Matrix {
  const T = zeros(A.cols, A.rows, A.dtype);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) T.data[j * A.rows + i] = A.data[i * A.cols + j];
  return T;
}

/** u vᵀ: the outer product of u (m) and v (n), an m × n matrix. */
export function outerProduct(u: ArrayLike<number>, v: ArrayLike<number>, dtype: DType = "float64"): Matrix {
  const M = zeros(u.length, v.length, dtype);
  for (let i = 0; i < u.length; i++) for (let l = 0; l < v.length; l++) M.data[i * v.length + l] = u[i] * v[l];
  return M;
}

/** Broadcast add of a row vector: C[i,j] = A[i,j] + v[j].  A: m×n, v: length n (or 1×n). */
export function addRowVector(A: Matrix, v: Matrix | ArrayLike<number>, out?: Matrix): Matrix {
  const vd: ArrayLike<number> = v instanceof Matrix ? v.data : v;
  if (v instanceof Matrix && v.rows !== 1) throw new ShapeError(`addRowVector: v must be 1×${A.cols}, got ${v.shape}`);
  if (vd.length !== A.cols) throw new ShapeError(`addRowVector: A is ${A.shape} but v has ${vd.length} entries`);
  const C = outFor("addRowVector", A.rows, A.cols, A.dtype, out);
  const n = A.cols;
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < n; j++) C.data[i * n + j] = A.data[i * n + j] + vd[j];
  return C;
}

/** Element-wise map: C[i,j] = f(A[i,j]). */
export function map(A: Matrix, f: (x: number) => number, out?: Matrix): Matrix {
  const C = outFor("map", A.rows, A.cols, A.dtype, out);
  for (let i = 0; i < A.data.length; i++) C.data[i] = f(A.data[i]);
  return C;
}

function sameShape(op: string, A: Matrix, B: Matrix): void {
  if (A.rows !== B.rows || A.cols !== B.cols) throw new ShapeError(`${op}: A is ${A.shape} but B is ${B.shape}`);
}

/** Element-wise combination: C[i,j] = f(A[i,j], B[i,j]). */
export function zipWith(A: Matrix, B: Matrix, f: (a: number, b: number) => number, out?: Matrix): Matrix {
  sameShape("zipWith", A, B);
  const C = outFor("zipWith", A.rows, A.cols, A.dtype, out);
  for (let i = 0; i < A.data.length; i++) C.data[i] = f(A.data[i], B.data[i]);
  return C;
}

/** C = A + B. */
export function add(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  sameShape("add", A, B);
  const C = outFor("add", A.rows, A.cols, A.dtype, out);
  for (let i = 0; i < A.data.length; i++) C.data[i] = A.data[i] + B.data[i];
  return C;
}

/** C = A − B. */
export function sub(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  sameShape("sub", A, B);
  const C = outFor("sub", A.rows, A.cols, A.dtype, out);
  for (let i = 0; i < A.data.length; i++) C.data[i] = A.data[i] - B.data[i];
  return C;
}

/** C = A ⊙ B (Hadamard, element-wise product). */
export function hadamard(A: Matrix, B: Matrix, out?: Matrix): Matrix {
  sameShape("hadamard", A, B);
  const C = outFor("hadamard", A.rows, A.cols, A.dtype, out);
  for (let i = 0; i < A.data.length; i++) C.data[i] = A.data[i] * B.data[i];
  return C;
}

/** C = s·A. */
export function scale(A: Matrix, s: number, out?: Matrix): Matrix {
  const C = outFor("scale", A.rows, A.cols, A.dtype, out);
  for (let i = 0; i < A.data.length; i++) C.data[i] = s * A.data[i];
  return C;
}

/** Column sums, a 1×n row: s[j] = Σ_i A[i,j] (summing over the rows axis, e.g. ∂E/∂b = Σ_n δ_n). */
export function sumRows(A: Matrix, out?: Matrix): Matrix {
  const C = outFor("sumRows", 1, A.cols, A.dtype, out);
  C.data.fill(0);
  const n = A.cols;
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < n; j++) C.data[j] += A.data[i * n + j];
  return C;
}

/** Row sums, an m×1 column: s[i] = Σ_j A[i,j]. */
export function sumCols(A: Matrix, out?: Matrix): Matrix {
  const C = outFor("sumCols", A.rows, 1, A.dtype, out);
  const n = A.cols;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A.data[i * n + j];
    C.data[i] = s;
  }
  return C;
}

/** Σ_ij A[i,j]. */
export function sum(A: Matrix): number {
  let s = 0;
  for (let i = 0; i < A.data.length; i++) s += A.data[i];
  return s;
}

/** ‖A‖²_F = Σ_ij A[i,j]². */
export function sumOfSquares(A: Matrix): number {
  let s = 0;
  for (let i = 0; i < A.data.length; i++) s += A.data[i] * A.data[i];
  return s;
}

/** Per-row argmax: k[i] = argmax_j A[i,j] (first index on ties). */
export function argmaxRows(A: Matrix): Int32Array {
  const k = new Int32Array(A.rows);
  const n = A.cols;
  for (let i = 0; i < A.rows; i++) {
    let best = 0;
    let bv = A.data[i * n];
    for (let j = 1; j < n; j++) {
      const v = A.data[i * n + j];
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    k[i] = best;
  }
  return k;
}

/** The rows of A listed in `idx`, gathered into a new (or preallocated) matrix: C[r,:] = A[idx[r],:]. */
export function gatherRows(A: Matrix, idx: ArrayLike<number>, out?: Matrix): Matrix {
  const C = outFor("gatherRows", idx.length, A.cols, A.dtype, out);
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r];
    if (!(i >= 0 && i < A.rows))
      throw new RangeError(`gatherRows: index ${i} at position ${r} is outside 0…${A.rows - 1}`);
  }
  A.gatherRowsInto(idx, 0, idx.length, C.data);
  return C;
}

/** Largest |A[i,j] − B[i,j]|. */
export function maxAbsDiff(A: Matrix, B: Matrix): number {
  sameShape("maxAbsDiff", A, B);
  let m = 0;
  for (let i = 0; i < A.data.length; i++) m = Math.max(m, Math.abs(A.data[i] - B.data[i]));
  return m;
}
