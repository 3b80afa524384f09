/** Homework 03, hw03-ex5 · The softmax Jacobian (split from the homework's single spec file; see ./index.ts). */
import { Matrix, randn, zeros } from "../../../core/matrix";
import { Rng } from "../../../core/random";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";

// hw03-ex5 · the softmax Jacobian

export function softmaxJacobianRef(s: number[]): Matrix {
  return sm.softmaxJacobian(s);
}

export const probabilities = (rng: Rng, K: number, scale = 1): number[] =>
  Array.from(sm.softmax(randn(1, K, rng, scale)).data);

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW03_EX5 = exercise({
  id: "hw03-ex5",
  writes: ["softmaxJacobian"],
  title: "The softmax Jacobian",
  reference: softmaxJacobianRef,
  cases: (rng) => [
    { name: "hand case: s = (0.5, 0.25, 0.25)", args: [[0.5, 0.25, 0.25]], points: 1 },
    { name: "random K = 4", args: [probabilities(rng, 4)], points: 1 },
    { name: "random K = 10", args: [probabilities(rng, 10, 2)], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: a one-hot s (a saturated softmax)", args: [[0, 1, 0]], points: 1 },
    { name: "random K = 7", args: [probabilities(rng, 7, 3)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Only the diagonal s_i(1 − s_i) is filled in: every s_i depends on every z_j through the sum in the denominator, so the off-diagonal entries are −s_i s_j.",
      answer: (s: number[]) => {
        const J = zeros(s.length, s.length, "float64");
        s.forEach((v, i) => J.set(i, i, v * (1 - v)));
        return J;
      },
    },
    {
      hint: "Off the diagonal the sign is wrong: ∂s_i/∂z_j = −s_i s_j for i ≠ j (raising another logit lowers s_i), so each row of J sums to 0.",
      answer: (s: number[]) => {
        const J = zeros(s.length, s.length, "float64");
        for (let i = 0; i < s.length; i++)
          for (let j = 0; j < s.length; j++) J.set(i, j, i === j ? s[i] * (1 - s[i]) : s[i] * s[j]);
        return J;
      },
    },
    {
      hint: "The identity term lost its factor s_i: ∂s_i/∂z_j = s_i·1{i=j} − s_i s_j, i.e. J = diag(s) − s sᵀ, whose diagonal is s_i − s_i² (you have 1 − s_i²).",
      answer: (s: number[]) => {
        const J = zeros(s.length, s.length, "float64");
        for (let i = 0; i < s.length; i++)
          for (let j = 0; j < s.length; j++) J.set(i, j, (i === j ? 1 : 0) - s[i] * s[j]);
        return J;
      },
    },
  ],
});
