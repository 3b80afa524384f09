/**
 * Homework 01, hw01-ex2 · From a threshold to a bias: H(w·x + b) (split from the homework's single spec file; see
 * ./index.ts).
 */
import { fromArrays, Matrix, randn } from "../../../core/matrix";
import * as perceptron from "../../../models/perceptron";
import { exercise } from "../../check";
import { W_GAME, dot, gameNight, integerMatrix, integerVector, rowsOf } from "./common";

// hw01-ex2 · the same decision with a bias and the step function

export function decideWithBiasRef(X: Matrix, w: number[], b: number): number[] {
  return Array.from(perceptron.decideWithBias(X, w, b));
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW01_EX2 = exercise({
  id: "hw01-ex2",
  writes: ["decideWithBias"],
  title: "From a threshold to a bias: H(w·x + b)",
  reference: decideWithBiasRef,
  cases: (rng) => [
    { name: "game night, w = (1, 6, 3), b = −9", args: [gameNight(), W_GAME, -9], points: 1 },
    { name: "game night, w = (1, 6, 3), b = −7 (H(0) on evening 3)", args: [gameNight(), W_GAME, -7], points: 1 },
    { name: "random 6×3 reals, b = 0.5", args: [randn(6, 3, rng), Array.from(randn(1, 3, rng).data), 0.5], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example with w·x + b = 0", args: [fromArrays([[1, -1]]), [2, 1], -1], points: 1 },
    {
      name: "random 12×4 integers with ties, b = 1",
      args: [integerMatrix(rng, 12, 4, -1, 1), integerVector(rng, 4, -1, 1), 1],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "The bias is b = −t, so the rule is H(w·x + b) = 1 when w·x ≥ −b; you compared w·x with b itself (the threshold and the bias have opposite signs).",
      answer: (X: Matrix, w: number[], b: number) => rowsOf(X).map((x) => (dot(w, x) >= b ? 1 : 0)),
    },
    {
      hint: "H(0) must be 1: the step is H(z) = 1 for z ≥ 0 (a tie w·x = t means go). You used z > 0.",
      answer: (X: Matrix, w: number[], b: number) => rowsOf(X).map((x) => (dot(w, x) + b > 0 ? 1 : 0)),
    },
  ],
});
