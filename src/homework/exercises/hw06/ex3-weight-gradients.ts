/**
 * Homework 06, hw06-ex3 · Weight gradients as products of deltas and activations (split from the homework's single spec
 * file; see ./index.ts).
 */
import * as d from "../../../index";
import { exercise } from "../../check";
import { Deltas, Forward, Net, S, data, forwardRef, mlpBackward, weightGradientsRef } from "./common";

// ex3 · weight gradients

export function gradArgs(c: { net: Net; X: d.Matrix; y: Int32Array }, a: d.ActivationName): unknown[] {
  const { dl } = mlpBackward(c.net, c.X, c.y, a);
  return [c.X, forwardRef(c.net, c.X, a), dl];
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW06_EX3 = exercise({
  id: "hw06-ex3",
  title: "Weight gradients as products of deltas and activations",
  reference: weightGradientsRef,
  cases: (rng: d.Rng) => [
    { name: "n = 4, d = 3, h = 5, K = 3, ReLU", args: gradArgs(data(rng, S(4, 3, 5, 3)), "relu"), points: 1 },
    { name: "n = 8, d = 6, h = 4, K = 2, tanh", args: gradArgs(data(rng, S(8, 6, 4, 2)), "tanh"), points: 1 },
    {
      name: "a class absent from the batch (K = 5, labels 1 and 3 only)",
      args: gradArgs(data(rng, S(6, 4, 3, 5), { only: [1, 3] }), "relu"),
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    {
      name: "one example: each gradient is one outer product",
      args: gradArgs(data(rng, S(1, 4, 3, 3)), "sigmoid"),
      points: 1,
    },
    { name: "a single hidden unit", args: gradArgs(data(rng, S(5, 3, 1, 3)), "relu"), points: 1 },
  ],
  mistakes: [
    {
      hint: "W2's gradient uses Z1; it must use A1 = f(Z1), the hidden layer's OUTPUT, which is what W2 multiplies.",
      answer: (X: d.Matrix, fw: Forward, dl: Deltas) => ({
        ...weightGradientsRef(X, fw, dl),
        W2: d.scale(d.matmulTN(dl.D2, fw.Z1), 1 / X.rows),
      }),
    },
    {
      hint: "The bias gradients are not averaged: ∂L/∂b = (1/n) Σ_i Δ[i,:], with the same 1/n as the weights.",
      answer: (X: d.Matrix, fw: Forward, dl: Deltas) => ({
        ...weightGradientsRef(X, fw, dl),
        b1: d.sumRows(dl.D1),
        b2: d.sumRows(dl.D2),
      }),
    },
  ],
});
