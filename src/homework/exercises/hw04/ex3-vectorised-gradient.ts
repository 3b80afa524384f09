/** Homework 04, hw04-ex3 · The gradient, vectorised (split from the homework's single spec file; see ./index.ts). */
import { Matrix, randn, zeros } from "../../../core/matrix";
import { exactEnergyGradient } from "../../../chapters/notesAlgorithm";
import { exercise } from "../../check";
import { Gradient, Labels, labels, mnistPart, params, scaled } from "./common";

// hw04-ex3 · vectorised, mean over the batch

export function vectorisedGradientRef(W: Matrix, b: Matrix, X: Matrix, y: Labels): Gradient {
  return scaled(exactEnergyGradient({ W, b }, X, y), 1 / X.rows);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW04_EX3 = exercise({
  id: "hw04-ex3",
  writes: ["exactEnergyGradient"],
  title: "The gradient, vectorised",
  reference: vectorisedGradientRef,
  cases: (rng) => {
    const m = mnistPart(200, 50);
    return [
      {
        name: "random K = 3, d = 5, n = 6",
        args: [...params(rng, 3, 5), randn(6, 5, rng), labels(rng, 6, 3)],
        points: 1,
      },
      {
        name: "random K = 4, d = 7, n = 4 (n = K: watch the axes)",
        args: [...params(rng, 4, 7), randn(4, 7, rng), labels(rng, 4, 4)],
        points: 1,
      },
      { name: "50 MNIST images, K = 10, random small W", args: [...params(rng, 10, 784, 0.01), m.X, m.y], points: 2 },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: one example", args: [...params(rng, 4, 3), randn(1, 3, rng), [2]], points: 1 },
    {
      name: "large logits and a class absent (K = 5, labels 0…3)",
      args: [...params(rng, 5, 6, 100), randn(8, 6, rng), labels(rng, 8, 4)],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "Missing 1/n: (P − Y)ᵀX is the gradient of the SUM E; the mean loss L = E/n has ∂L/∂W = (1/n)(P − Y)ᵀX (and the same 1/n for b).",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => exactEnergyGradient({ W, b }, X, y),
    },
    {
      hint: "Wrong sign: the gradient is (1/n)(P − Y)ᵀX. (Y − P)ᵀX points uphill's opposite; a descent step with it would increase the loss.",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => scaled(exactEnergyGradient({ W, b }, X, y), -1 / X.rows),
    },
    {
      hint: "∂L/∂b must sum (P − Y) over the EXAMPLES (down each column: 1ᵀ(P − Y)/n, a 1×K row), not over the classes of each row (every row of P − Y sums to 0).",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => {
        const g = vectorisedGradientRef(W, b, X, y);
        return { dW: g.dW, db: zeros(1, W.rows) };
      },
    },
  ],
});
