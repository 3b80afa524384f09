/**
 * Homework 04, hw04-ex2 · The energy's gradient, example by example (split from the homework's single spec file; see
 * ./index.ts).
 */
import { Matrix, randn, zeros } from "../../../core/matrix";
import { exactEnergyGradient, notesDerivationWeightGradient } from "../../../chapters/notesAlgorithm";
import { exercise } from "../../check";
import { Gradient, Labels, labels, mnistPart, params, scaled } from "./common";

// hw04-ex2 · the energy's gradient, summed over the examples

export function energyGradientRef(W: Matrix, b: Matrix, X: Matrix, y: Labels): Gradient {
  return exactEnergyGradient({ W, b }, X, y);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW04_EX2 = exercise({
  id: "hw04-ex2",
  writes: ["exactEnergyGradient", "notesDerivationWeightGradient"],
  title: "The energy's gradient, example by example",
  reference: energyGradientRef,
  cases: (rng) => {
    const m = mnistPart(100, 20);
    return [
      {
        name: "hand case: W = 0, b = 0, 2 examples, K = 2",
        args: [zeros(2, 2), zeros(1, 2), new Matrix(2, 2, new Float64Array([1, 0, 0, 1])), [0, 0]],
        points: 1,
      },
      {
        name: "random K = 3, d = 5, n = 6",
        args: [...params(rng, 3, 5), randn(6, 5, rng), labels(rng, 6, 3)],
        points: 2,
      },
      { name: "20 MNIST images, K = 10, random small W", args: [...params(rng, 10, 784, 0.01), m.X, m.y], points: 1 },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: one example", args: [...params(rng, 4, 3), randn(1, 3, rng), [3]], points: 1 },
    {
      name: "a class absent from the batch (K = 6, labels 0…4)",
      args: [...params(rng, 6, 4), randn(9, 4, rng), labels(rng, 9, 5)],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "This is the last line of the notes' derivation, −Σ_{i: y_i = j} x_i (1 − p_j(x_i)): it keeps only the examples of class j. Every example's normaliser contains e^{z_j}, so every example contributes p_j(x_i) x_i; the sum runs over ALL i: Σ_i (p_j(x_i) − 1{y_i = j}) x_i.",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => ({
        dW: notesDerivationWeightGradient({ W, b }, X, y),
        db: exactEnergyGradient({ W, b }, X, y).db,
      }),
    },
    {
      hint: "You divided by n: that is the gradient of the mean loss L = E/n. Here we want the notes' energy E, a SUM over the examples (no 1/n).",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => scaled(exactEnergyGradient({ W, b }, X, y), 1 / X.rows),
    },
    {
      hint: "The gradient of the LAST example only: ∂E/∂W is a sum, so add each example's (p − e_y) xᵀ to a running total (start from zeros) instead of overwriting it.",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) =>
        exactEnergyGradient({ W, b }, new Matrix(1, X.cols, Float64Array.from(X.row(X.rows - 1))), [y[y.length - 1]]),
    },
  ],
});
