/**
 * Homework 03, hw03-ex4 · Cross-entropy via log-sum-exp (split from the homework's single spec file; see ./index.ts).
 */
import { fromArrays, Matrix, randn, zeros } from "../../../core/matrix";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";
import { labels } from "./common";
import { crossEntropyCases } from "../logitCases";

// hw03-ex4 · cross-entropy through log-sum-exp

export function crossEntropyRef(Z: Matrix, y: number[]): number {
  return sm.crossEntropy(Z, y);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW03_EX4 = exercise({
  id: "hw03-ex4",
  writes: ["crossEntropy"],
  title: "Cross-entropy via log-sum-exp",
  reference: crossEntropyRef,
  tolerance: 1e-9,
  cases: (rng) =>
    crossEntropyCases(rng, { edge: { name: "edge case: logits ±1000, the right class far below", points: 2 } }),
  hidden: (rng) => [
    { name: "edge case: one example", args: [fromArrays([[0.5, -0.25, 2, 1]]), [3]], points: 1 },
    {
      name: "random 20×10 with logits of size 300, class 9 absent",
      args: [randn(20, 10, rng, 300), labels(rng, 20, 9)],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "You summed −ln s_k over ALL classes k; the cross-entropy of example i takes only its label's term, −ln s_{i, y_i} = LSE(z_i) − z_{i, y_i}.",
      answer: (Z: Matrix) => {
        let s = 0;
        for (let i = 0; i < Z.rows; i++) for (let k = 0; k < Z.cols; k++) s += sm.logSumExp(Z.row(i)) - Z.get(i, k);
        return s / Z.rows;
      },
    },
    {
      hint: "Computed as −ln(softmax): a probability of e^{−2000} is 0 in floating point and −ln 0 = ∞. Use −ln s_y = LSE(z) − z_y, which stays finite.",
      answer: (Z: Matrix, y: number[]) => {
        const S = sm.softmax(Z, zeros(Z.rows, Z.cols, "float64"));
        let s = 0;
        for (let i = 0; i < Z.rows; i++) s -= Math.log(S.get(i, y[i]));
        return s / Z.rows;
      },
    },
    {
      hint: "Off by one class: the loss of example i uses the logit of its own label, z_{i, y_i} (column y_i, counting from 0).",
      answer: (Z: Matrix, y: number[]) => {
        let s = 0;
        for (let i = 0; i < Z.rows; i++) s += sm.logSumExp(Z.row(i)) - Z.get(i, (y[i] + 1) % Z.cols);
        return s / Z.rows;
      },
    },
    {
      hint: "This is the sum over the batch; the loss here is the MEAN over the n examples (divide by n), so that its size does not grow with the batch.",
      answer: (Z: Matrix, y: number[]) => {
        let s = 0;
        for (let i = 0; i < Z.rows; i++) s += sm.logSumExp(Z.row(i)) - Z.get(i, y[i]);
        return s;
      },
    },
  ],
});
