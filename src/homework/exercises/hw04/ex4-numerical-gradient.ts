/**
 * Homework 04, hw04-ex4 · Central differences for a gradient check (split from the homework's single spec file; see
 * ./index.ts).
 */
import { Matrix, matmulNT, randn } from "../../../core/matrix";
import { Rng } from "../../../core/random";
import { centralDifferences } from "../../../calculus/gradcheck";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";
import { portable } from "../../wire";
import { labels, params } from "./common";
import { addBias } from "./ex1-example-gradient";

// hw04-ex4 · central differences on a matrix, for a gradient check

export type MatrixLoss = (M: Matrix) => number;

export function numericalGradientRef(loss: MatrixLoss, M: Matrix, entries: number[], h: number): number[] {
  return Array.from(centralDifferences(() => loss(M), M, entries, h));
}

/** What is compared: the differences and the matrix after the call (it must be unchanged). */
export const gradientAndMatrix = (returned: unknown, args: unknown[]): unknown => ({ g: returned, M: args[1] });

/** The mean cross-entropy of softmax regression as a function of W (X, b, y fixed). */
export function softmaxLossOfW(rng: Rng, K: number, d: number, n: number): { loss: MatrixLoss; W: Matrix } {
  const [W, b] = params(rng, K, d);
  const X = randn(n, d, rng);
  const y = labels(rng, n, K);
  return { loss: portable((M: Matrix) => sm.crossEntropy(addBias(matmulNT(X, M), b), y), { X, b, y, addBias }), W };
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW04_EX4 = exercise({
  id: "hw04-ex4",
  writes: ["centralDifferences"],
  title: "Central differences for a gradient check",
  reference: numericalGradientRef,
  output: gradientAndMatrix,
  tolerance: 1e-7,
  cases: (rng) => {
    const s = softmaxLossOfW(rng, 3, 4, 5);
    return [
      {
        name: "hand case: loss = Σ M², entries 0 and 3 of a 2×2 M, h = 1e-3",
        args: [
          (M: Matrix) => Array.from(M.data).reduce((a, v) => a + v * v, 0),
          new Matrix(2, 2, new Float64Array([1, -2, 0.5, 3])),
          [0, 3],
          1e-3,
        ],
        points: 1,
      },
      {
        name: "softmax regression loss of W (3×4), entries 0, 5, 11, h = 1e-3",
        args: [s.loss, s.W, [0, 5, 11], 1e-3],
        points: 2,
      },
      {
        name: "loss = Σ exp(M) of a random 3×3 M, all entries, h = 1e-2",
        args: [
          (M: Matrix) => Array.from(M.data).reduce((a, v) => a + Math.exp(v), 0),
          randn(3, 3, rng),
          [0, 1, 2, 3, 4, 5, 6, 7, 8],
          1e-2,
        ],
        points: 1,
      },
    ];
  },
  hidden: (rng) => {
    const s = softmaxLossOfW(rng, 4, 6, 8);
    return [
      {
        name: "edge case: one entry of a 1×1 M, loss = M³, h = 1e-2",
        args: [(M: Matrix) => M.data[0] ** 3, new Matrix(1, 1, new Float64Array([1.5])), [0], 1e-2],
        points: 1,
      },
      {
        name: "softmax regression loss of W (4×6), 6 entries, h = 1e-3",
        args: [s.loss, s.W, [0, 3, 7, 12, 18, 23], 1e-3],
        points: 1,
      },
    ];
  },
  mistakes: [
    {
      hint: "These are one-sided (backward) differences (L(M) − L(M − h e_t))/h, off by O(h). The task asks for central differences (L(M + h e_t) − L(M − h e_t))/2h.",
      answer: (loss: MatrixLoss, M: Matrix, entries: number[], h: number) =>
        entries.map((t) => {
          const keep = M.data[t];
          const L0 = loss(M);
          M.data[t] = keep - h;
          const down = loss(M);
          M.data[t] = keep;
          return (L0 - down) / h;
        }),
    },
    {
      hint: "These are one-sided forward differences (L(M + h e_t) − L(M))/h, off by O(h). Use central differences (L(M + h e_t) − L(M − h e_t))/2h.",
      answer: (loss: MatrixLoss, M: Matrix, entries: number[], h: number) =>
        entries.map((t) => {
          const keep = M.data[t];
          const L0 = loss(M);
          M.data[t] = keep + h;
          const up = loss(M);
          M.data[t] = keep;
          return (up - L0) / h;
        }),
    },
    {
      hint: "M must be restored exactly after each entry (M.data[t] = its old value): otherwise later entries are measured at a moved point, and the matrix you were given comes back changed.",
      answer: (loss: MatrixLoss, M: Matrix, entries: number[], h: number) =>
        entries.map((t) => {
          M.data[t] += h;
          const up = loss(M);
          M.data[t] -= 2 * h;
          const down = loss(M);
          return (up - down) / (2 * h);
        }),
    },
    {
      hint: "Divided by h instead of 2h: the two evaluations are 2h apart, so the quotient is (L(M + h e_t) − L(M − h e_t))/2h. Your values are twice too large.",
      answer: (loss: MatrixLoss, M: Matrix, entries: number[], h: number) =>
        numericalGradientRef(loss, M, entries, h).map((v) => 2 * v),
    },
  ],
});
