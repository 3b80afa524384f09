/**
 * Bad numbers caught where they enter: a NaN or ±∞ in a data matrix is reported with its row, its
 * column and its value ("train: data.X[12, 300] is NaN") instead of flowing on into losses that stay
 * NaN, probabilities of 1/K and predictions of class 0.
 *
 * One pass over the numbers; for x finite, x − x = 0, and for NaN or ±∞ it is NaN.
 */
import { Matrix } from "./matrix";

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
      `${where}: ${matrix}[${row}, ${col}] is ${value} — every input must be a finite number ` +
        `(look for a missing value, or a division by zero where the data was prepared)`,
    );
    this.name = "NonFiniteError";
  }
}

/** The flat index of the first entry of `a` that is NaN or ±∞, or −1. */
export function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) return i; // NaN − NaN, ∞ − ∞: NaN
  }
  return -1;
}

/** Throws a NonFiniteError naming M[i, j] for the first entry of M (rows × cols) that is NaN or ±∞. */
export function assertFiniteMatrix(M: Matrix, name: string, where: string): void {
  const k = firstNonFinite(M.data);
  if (k < 0) return;
  const i = Math.floor(k / M.cols);
  throw new NonFiniteError(name, i, k - i * M.cols, M.data[k], where);
}
