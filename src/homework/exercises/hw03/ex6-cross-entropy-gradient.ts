/**
 * Homework 03, hw03-ex6 · The gradient of the cross-entropy with respect to the logits (split from the homework's
 * single spec file; see ./index.ts).
 */
import { fromArrays, Matrix, randn, zeros } from "../../../core/matrix";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";
import { labels } from "./common";
import { crossEntropyCases } from "../logitCases";

// hw03-ex6 · the gradient of the mean cross-entropy with respect to the logits

export function crossEntropyGradientRef(Z: Matrix, y: number[]): Matrix {
  const D = sm.softmaxMinusOneHot(sm.softmax(Z, zeros(Z.rows, Z.cols, "float64")), y);
  for (let i = 0; i < D.data.length; i++) D.data[i] /= Z.rows;
  return D;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW03_EX6 = exercise({
  id: "hw03-ex6",
  writes: ["softmaxMinusOneHot"],
  title: "The gradient of the cross-entropy with respect to the logits",
  reference: crossEntropyGradientRef,
  cases: (rng) => crossEntropyCases(rng),
  hidden: (rng) => [
    { name: "edge case: one example", args: [fromArrays([[0.5, -0.25, 2, 1]]), [0]], points: 1 },
    { name: "random 15×10, class 9 absent", args: [randn(15, 10, rng, 3), labels(rng, 15, 9)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Off by one class: subtract 1 in column y_i of row i (Y = oneHot(y, K)), not in column y_i ± 1.",
      answer: (Z: Matrix, y: number[]) =>
        crossEntropyGradientRef(
          Z,
          y.map((v) => (v + 1) % Z.cols),
        ),
    },
    {
      hint: "Only the right class's entry is there: every class gets the gradient s_k − 1{k = y_i}, the wrong classes s_k (pushing their logits down), not only the column y_i.",
      answer: (Z: Matrix, y: number[]) => {
        const S = sm.softmax(Z, zeros(Z.rows, Z.cols, "float64"));
        const G = zeros(Z.rows, Z.cols, "float64");
        y.forEach((v, i) => G.set(i, v, (S.get(i, v) - 1) / Z.rows));
        return G;
      },
    },
  ],
});
