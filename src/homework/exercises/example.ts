/**
 * Homework 00 · a two-exercise example (master: test/notebooks/homework-example.ipynb). It is the
 * template for writing exercises and what the framework's own tests grade.
 *
 *   hw00-ex1  meanSquaredError(yhat, y)   L = (1/n) Σᵢ (ŷᵢ − yᵢ)²
 *   hw00-ex2  softmaxRows(Z)              S_ij = exp(Z_ij − m_i) / Σ_k exp(Z_ik − m_i),  m_i = max_k Z_ik
 */
import { Matrix, randn } from "../../core/matrix";
import { Rng } from "../../core/random";
import { softmax } from "../../models/softmax";
import { exercise, exerciseIds } from "../check";
import { softmaxCases } from "./logitCases";

/** L = (1/n) Σᵢ (ŷᵢ − yᵢ)², ŷ and y of length n. */
export function meanSquaredErrorRef(yhat: Float64Array, y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (yhat[i] - y[i]) ** 2;
  return s / y.length;
}

function randomVector(rng: Rng, n: number): Float64Array {
  return rng.fillNormal(new Float64Array(n));
}

exercise({
  id: "hw00-ex1",
  title: "Mean squared error",
  reference: meanSquaredErrorRef,
  cases: (rng) => [
    {
      name: "hand case: ŷ = (1, 2, 3), y = (1, 2, 5)",
      args: [new Float64Array([1, 2, 3]), new Float64Array([1, 2, 5])],
      points: 1,
    },
    { name: "random n = 8", args: [randomVector(rng, 8), randomVector(rng, 8)], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example", args: [new Float64Array([0.5]), new Float64Array([-1.5])], points: 1 },
    { name: "random n = 50", args: [randomVector(rng, 50), randomVector(rng, 50)], points: 1 },
  ],
  mistakes: [
    {
      hint: "This is the square of the mean error, (1/n Σ (ŷᵢ − yᵢ))², not the mean of the squared errors: square each difference before summing.",
      answer: (yhat: Float64Array, y: Float64Array) => {
        let s = 0;
        for (let i = 0; i < y.length; i++) s += yhat[i] - y[i];
        return (s / y.length) ** 2;
      },
    },
  ],
});

exercise({
  id: "hw00-ex2",
  writes: ["softmax"],
  title: "Softmax of each row",
  reference: (Z: Matrix) => softmax(Z),
  cases: (rng) => softmaxCases(rng, { hand: { name: "hand case: 2×3" } }),
  hidden: (rng) => [
    { name: "edge case: one row", args: [randn(1, 6, rng)], points: 1 },
    { name: "random 4×7 with large logits", args: [randn(4, 7, rng, 300)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Each column sums to 1 instead of each row: the softmax of row i normalises over the classes k of that row (Σ_k S_ik = 1).",
      answer: (Z: Matrix) => {
        const S = new Matrix(Z.rows, Z.cols, new Float64Array(Z.rows * Z.cols));
        for (let j = 0; j < Z.cols; j++) {
          let m = -Infinity;
          for (let i = 0; i < Z.rows; i++) m = Math.max(m, Z.get(i, j));
          let s = 0;
          for (let i = 0; i < Z.rows; i++) s += Math.exp(Z.get(i, j) - m);
          for (let i = 0; i < Z.rows; i++) S.set(i, j, Math.exp(Z.get(i, j) - m) / s);
        }
        return S;
      },
    },
  ],
});

/**
 * The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW00_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw00-"));
