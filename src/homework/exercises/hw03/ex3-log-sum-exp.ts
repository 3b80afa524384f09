/** Homework 03, hw03-ex3 · Log-sum-exp (split from the homework's single spec file; see ./index.ts). */
import { randn } from "../../../core/matrix";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";

// hw03-ex3 · log-sum-exp

export function logSumExpRef(z: number[]): number {
  return sm.logSumExp(z);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW03_EX3 = exercise({
  id: "hw03-ex3",
  writes: ["logSumExp"],
  title: "Log-sum-exp",
  reference: logSumExpRef,
  tolerance: 1e-9,
  cases: (rng) => [
    { name: "hand case: z = (0, ln 3) → ln 4", args: [[0, Math.log(3)]], points: 1 },
    { name: "random K = 10", args: [Array.from(randn(1, 10, rng).data)], points: 1 },
    { name: "edge case: z = (1000, 1000)", args: [[1000, 1000]], points: 1 },
    { name: "edge case: z = (−1000, −1001, −1002)", args: [[-1000, -1001, -1002]], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one logit", args: [[-7.5]], points: 1 },
    { name: "random K = 10 with logits of size 800", args: [Array.from(randn(1, 10, rng, 800).data)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Computed as ln Σ e^{z_k} directly: e^{1000} overflows (ln ∞ = ∞) and e^{−1000} underflows (ln 0 = −∞). Use LSE(z) = m + ln Σ e^{z_k − m} with m = max z.",
      answer: (z: number[]) => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)),
    },
    {
      hint: "You subtracted m = max z inside the exponentials but forgot to add it back: LSE(z) = m + ln Σ_k e^{z_k − m}.",
      answer: (z: number[]) => {
        const m = Math.max(...z);
        return Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      },
    },
  ],
});
