/**
 * Homework 04, hw04-ex1 · The gradient for one example (split from the homework's single spec file; see ./index.ts).
 */
import { copy, Matrix, matmulNT, randn, rowVector, zeros } from "../../../core/matrix";
import { exactEnergyGradient, notesCaseGradient } from "../../../chapters/notesAlgorithm";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";
import { Gradient, mnistPart, params } from "./common";

// hw04-ex1 · one example

export function exampleGradientRef(W: Matrix, b: Matrix, x: ArrayLike<number>, y: number): Gradient {
  return exactEnergyGradient({ W, b }, rowVector(x), [y]);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW04_EX1 = exercise({
  id: "hw04-ex1",
  writes: ["exactEnergyGradient", "notesCaseGradient"],
  title: "The gradient for one example",
  reference: exampleGradientRef,
  cases: (rng) => {
    const [W, b] = params(rng, 4, 6);
    return [
      {
        name: "hand case: W = 0, b = 0, x = (1, 2), y = 0, K = 2",
        args: [zeros(2, 2), zeros(1, 2), [1, 2], 0],
        points: 1,
      },
      { name: "random K = 4, d = 6, y = 2", args: [W, b, Array.from(randn(1, 6, rng).data), 2], points: 2 },
      {
        name: "an MNIST image, K = 10, random small W",
        args: [...params(rng, 10, 784, 0.01), Array.from(mnistPart(0, 1).X.data), mnistPart(0, 1).y[0]],
        points: 1,
      },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: the last class, y = K − 1", args: [...params(rng, 5, 3), [0.5, -1, 2], 4], points: 1 },
    {
      name: "edge case: large logits (a saturated softmax)",
      args: [...params(rng, 3, 4, 200), Array.from(randn(1, 4, rng).data), 1],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "These are the notes' case formulas as printed (x_k(1 − p_j) for j = y, −(1 − p_j) and −p_j for b): their signs are wrong. From −ln p_y = −z_y + ln Σ_m e^{z_m}: ∂E/∂w_{j,k} = (p_j − 1{y=j}) x_k and ∂E/∂b_j = p_j − 1{y=j}.",
      answer: (W: Matrix, b: Matrix, x: ArrayLike<number>, y: number) => notesCaseGradient({ W, b }, x, y),
    },
    {
      hint: "The one-hot term is missing: the derivative of −z_y adds −1 to row y. ∂E/∂W = (p − e_y) xᵀ, not p xᵀ.",
      answer: (W: Matrix, b: Matrix, x: ArrayLike<number>) => {
        const P = sm.softmax(addBias(matmulNT(rowVector(x), W), b));
        const dW = zeros(W.rows, W.cols);
        for (let j = 0; j < W.rows; j++) for (let k = 0; k < W.cols; k++) dW.set(j, k, P.data[j] * x[k]);
        return { dW, db: copy(P, "float64") };
      },
    },
  ],
});

export function addBias(Z: Matrix, b: Matrix): Matrix {
  const out = copy(Z, "float64");
  for (let i = 0; i < out.rows; i++) for (let j = 0; j < out.cols; j++) out.data[i * out.cols + j] += b.data[j];
  return out;
}
