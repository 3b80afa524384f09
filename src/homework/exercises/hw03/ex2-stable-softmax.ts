/**
 * Homework 03, hw03-ex2 · A softmax that does not overflow (split from the homework's single spec file; see
 * ./index.ts).
 */
import { fromArrays, Matrix, randn, transpose, zeros } from "../../../core/matrix";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";
import { mapRows } from "./common";
import { softmaxCases } from "../logitCases";

// hw03-ex2 · stable softmax

export function stableSoftmaxRef(Z: Matrix): Matrix {
  return sm.softmax(Z, zeros(Z.rows, Z.cols, "float64"));
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW03_EX2 = exercise({
  id: "hw03-ex2",
  writes: ["softmax"],
  title: "A softmax that does not overflow",
  reference: stableSoftmaxRef,
  cases: (rng) => softmaxCases(rng, { edge: { points: 2 } }),
  hidden: (rng) => [
    { name: "edge case: one row, one class", args: [fromArrays([[42]])], points: 1 },
    {
      name: "ties: a row of equal large logits",
      args: [
        fromArrays([
          [800, 800, 800, 800],
          [1, 1, -5, 2],
        ]),
      ],
      points: 1,
    },
    { name: "random 6×10 with logits of size 500", args: [randn(6, 10, rng, 500)], points: 1 },
  ],
  mistakes: [
    {
      hint: "No max subtraction: e^{1000} overflows to ∞ and ∞/∞ is NaN. Subtract each row's largest logit before exp; it cancels in the fraction.",
      answer: (Z: Matrix) =>
        mapRows(Z, (z) => {
          const e = z.map(Math.exp);
          const s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        }),
    },
    {
      hint: "You subtracted the largest logit of the WHOLE matrix; a row whose logits are all far below it (−1000 when another row has 1000) underflows to 0/0. Subtract each row's own maximum m_i.",
      answer: (Z: Matrix) => {
        const m = Math.max(...Array.from(Z.data));
        return mapRows(Z, (z) => {
          const e = z.map((v) => Math.exp(v - m));
          const s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        });
      },
    },
    {
      hint: "Subtracting the row MINIMUM does not help: the largest exponent is then max − min, which still overflows. Subtract the row maximum so every exponent is ≤ 0.",
      answer: (Z: Matrix) =>
        mapRows(Z, (z) => {
          const m = Math.min(...z);
          const e = z.map((v) => Math.exp(v - m));
          const s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        }),
    },
    {
      hint: "Each row must sum to 1: normalise e^{z_ik − m_i} by the sum over the classes k of that ROW, not over the column.",
      answer: (Z: Matrix) => transpose(stableSoftmaxRef(transpose(Z))),
    },
  ],
});
