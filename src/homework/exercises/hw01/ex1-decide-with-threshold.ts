/**
 * Homework 01, hw01-ex1 · Game night: the decision with a threshold (split from the homework's single spec file; see
 * ./index.ts).
 */
import { fromArrays, Matrix } from "../../../core/matrix";
import * as perceptron from "../../../models/perceptron";
import { exercise } from "../../check";
import { W_GAME, dot, gameNight, integerMatrix, integerVector, rowsOf } from "./common";

// hw01-ex1 · the decision with a threshold

export function decideWithThresholdRef(X: Matrix, w: number[], t: number): number[] {
  return Array.from(perceptron.decideWithThreshold(X, w, t));
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW01_EX1 = exercise({
  id: "hw01-ex1",
  writes: ["decideWithThreshold"],
  title: "Game night: the decision with a threshold",
  reference: decideWithThresholdRef,
  cases: (rng) => [
    { name: "game night, w = (1, 6, 3), t = 9", args: [gameNight(), W_GAME, 9], points: 1 },
    {
      name: "game night, w = (1, 6, 3), t = 7 (a tie: w·x = 7 on evening 3)",
      args: [gameNight(), W_GAME, 7],
      points: 1,
    },
    { name: "random 6×4 integers, t = 2", args: [integerMatrix(rng, 6, 4), integerVector(rng, 4), 2], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example exactly at the threshold", args: [fromArrays([[2, 1]]), [1, 1], 3], points: 1 },
    {
      name: "random 10×5 integers with ties, t = 0",
      args: [integerMatrix(rng, 10, 5, -1, 1), integerVector(rng, 5, -1, 1), 0],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "A tie w·x = t must give 1 (go): the rule is w·x ≥ t, not w·x > t.",
      answer: (X: Matrix, w: number[], t: number) => rowsOf(X).map((x) => (dot(w, x) > t ? 1 : 0)),
    },
    {
      hint: "The comparison is the wrong way round: output 1 when the weighted sum reaches the threshold, w·x ≥ t.",
      answer: (X: Matrix, w: number[], t: number) => rowsOf(X).map((x) => (dot(w, x) <= t ? 1 : 0)),
    },
  ],
});
