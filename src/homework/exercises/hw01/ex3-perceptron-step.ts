/**
 * Homework 01, hw01-ex3 · One step of the perceptron rule (split from the homework's single spec file; see ./index.ts).
 */
import { exercise } from "../../check";
import { dot, integerVector } from "./common";

// hw01-ex3 · one step of Rosenblatt's rule

export interface PerceptronStep {
  w: number[];
  b: number;
  /** true when the example was misclassified (and the weights changed). */
  mistake: boolean;
}

export function perceptronStepRef(w: number[], b: number, x: number[], y: number, eta: number): PerceptronStep {
  const yHat = dot(w, x) + b >= 0 ? 1 : 0;
  const err = y - yHat;
  return { w: w.map((wj, j) => wj + eta * err * x[j]), b: b + eta * err, mistake: err !== 0 };
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW01_EX3 = exercise({
  id: "hw01-ex3",
  title: "One step of the perceptron rule",
  reference: perceptronStepRef,
  cases: (rng) => [
    { name: "hand case: says 0, should say 1", args: [[0.5, -1], -0.5, [1, 1], 1, 1], points: 1 },
    { name: "hand case: says 1, should say 0 (η = 0.5)", args: [[1, 2], 0, [1, 0.5], 0, 0.5], points: 1 },
    { name: "hand case: already right, nothing changes", args: [[1, 2], -1, [1, 1], 1, 1], points: 1 },
    { name: "random d = 5, η = 0.1", args: [integerVector(rng, 5), -1, integerVector(rng, 5), 0, 0.1], points: 1 },
  ],
  hidden: (rng) => [
    {
      name: "edge case: w·x + b = 0 with label 0 (H(0) = 1 is a mistake)",
      args: [[1, -1], 0, [2, 2], 0, 1],
      points: 1,
    },
    { name: "random d = 8, η = 0.25", args: [integerVector(rng, 8), 2, integerVector(rng, 8), 1, 0.25], points: 1 },
  ],
  mistakes: [
    {
      hint: "Wrong sign: the error is y − ŷ, so when the unit said 0 but should have said 1 the weights move TOWARDS x (w ← w + ηx).",
      answer: (w: number[], b: number, x: number[], y: number, eta: number) => {
        const yHat = dot(w, x) + b >= 0 ? 1 : 0;
        const err = yHat - y;
        return { w: w.map((wj, j) => wj + eta * err * x[j]), b: b + eta * err, mistake: err !== 0 };
      },
    },
    {
      hint: "The bias must be updated too: b ← b + η(y − ŷ), as if it were the weight of an input that is always 1.",
      answer: (w: number[], b: number, x: number[], y: number, eta: number) => {
        const yHat = dot(w, x) + b >= 0 ? 1 : 0;
        const err = y - yHat;
        return { w: w.map((wj, j) => wj + eta * err * x[j]), b, mistake: err !== 0 };
      },
    },
    {
      hint: "The rule changes the weights only on a mistake: the step is η(y − ŷ)x, which is 0 when ŷ = y. You moved by ηyx every time.",
      answer: (w: number[], b: number, x: number[], y: number, eta: number) => {
        const yHat = dot(w, x) + b >= 0 ? 1 : 0;
        return { w: w.map((wj, j) => wj + eta * y * x[j]), b: b + eta * y, mistake: yHat !== y };
      },
    },
  ],
});
