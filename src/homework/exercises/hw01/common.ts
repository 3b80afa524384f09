/** Homework 01: code shared by its exercises (see ./index.ts). */
import { fromArrays, Matrix } from "../../../core/matrix";
import { Rng } from "../../../core/random";

// ---------------------------------------------------------------------------------------------
// Data for the cases

/** The game-night evenings of notebook 01, in the slide's order: x = (cheap?, available?, interested?). */
export const GAME_NIGHT: number[][] = [
  [1, 1, 1],
  [1, 0, 0],
  [1, 1, 0],
  [1, 0, 1],
  [0, 1, 1],
  [0, 0, 0],
  [0, 0, 1],
  [0, 1, 0],
];
export const gameNight = (): Matrix => fromArrays(GAME_NIGHT);
export const W_GAME = [1, 6, 3];

/** A random n×d matrix of small integers (so ties w·x = t happen). */
export function integerMatrix(rng: Rng, n: number, d: number, lo = -3, hi = 3): Matrix {
  const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => lo + rng.int(hi - lo + 1)));
  return fromArrays(rows);
}
export const integerVector = (rng: Rng, d: number, lo = -3, hi = 3): number[] =>
  Array.from({ length: d }, () => lo + rng.int(hi - lo + 1));

export const rowsOf = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.row(i)));
export const dot = (w: ArrayLike<number>, x: ArrayLike<number>): number => {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += w[j] * x[j];
  return s;
};
