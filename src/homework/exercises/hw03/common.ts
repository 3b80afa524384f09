/** Homework 03: code shared by its exercises (see ./index.ts). */
import { Matrix, zeros } from "../../../core/matrix";
import { Rng } from "../../../core/random";

// ---------------------------------------------------------------------------------------------
export const labels = (rng: Rng, n: number, K: number): number[] => Array.from({ length: n }, () => rng.int(K));

/** Row-wise map over an n×K matrix: f gets row i as a plain array and returns the new row. */
export function mapRows(Z: Matrix, f: (z: number[], i: number) => number[]): Matrix {
  const out = zeros(Z.rows, Z.cols, "float64");
  for (let i = 0; i < Z.rows; i++) out.data.set(f(Array.from(Z.row(i)), i), i * Z.cols);
  return out;
}
