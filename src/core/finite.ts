/**
 * Bad numbers caught where they enter: a NaN or ±∞ in a data matrix is reported with its row, its
 * column and its value ("train: data.X[12, 300] is NaN") instead of flowing on into losses that stay
 * NaN, probabilities of 1/K and predictions of class 0.
 *
 * One pass over the numbers: for x finite, x·0 = 0 and x − x = 0; for NaN or ±∞ both are NaN.
 */
import { Matrix } from "./matrix";
import { PixelMatrix } from "./pixelMatrix";

/** A matrix entry that is NaN or ±∞, with where it was found. */
export class NonFiniteError extends RangeError {
  constructor(
    /** The matrix as the caller names it, e.g. "X" or "evaluate.test.X". */
    public readonly matrix: string,
    public readonly row: number,
    public readonly col: number,
    public readonly value: number,
    where: string,
  ) {
    super(
      `${where}: ${matrix}[${row}, ${col}] is ${value} — every input must be a finite number (look for a missing value, or a division by zero where the data was prepared)`,
    );
    this.name = "NonFiniteError";
  }
}

/** Entries screened at a time by firstNonFinite. */
const BLOCK = 1024;

/**
 * The flat index of the first entry of `a` that is NaN or ±∞, or −1. Blocks of 1024 entries are
 * screened with Σ x·0 (0 when every x is finite, NaN otherwise; four running sums and no branch per
 * entry, about four times faster than testing each entry), and only a block that fails is searched.
 */
export function firstNonFinite(a: ArrayLike<number>): number {
  const n = a.length;
  let i = 0;
  for (; i + BLOCK <= n; i += BLOCK) {
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let j = i; j < i + BLOCK; j += 4) {
      s0 += a[j] * 0;
      s1 += a[j + 1] * 0;
      s2 += a[j + 2] * 0;
      s3 += a[j + 3] * 0;
    }
    if (s0 + s1 + s2 + s3 !== 0) break; // a NaN or ±∞ in this block
  }
  for (; i < n; i++) {
    const v = a[i];
    if (v - v !== 0) return i; // NaN − NaN, ∞ − ∞: NaN
  }
  return -1;
}

/** Throws a NonFiniteError naming M[i, j] for the first entry of M (rows × cols) that is NaN or ±∞. */
export function assertFiniteMatrix(M: Matrix, name: string, where: string): void {
  if (M instanceof PixelMatrix && !M.isMaterialised()) return; // bytes / 255: finite by construction
  const k = firstNonFinite(M.data);
  if (k < 0) return;
  const i = Math.floor(k / M.cols);
  throw new NonFiniteError(name, i, k - i * M.cols, M.data[k], where);
}
