/** Homework 06, hw06-ex1 · The forward pass (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { Net, S, act, data, forwardRef } from "./common";

// ex1 · forward

export const applyF = (name: d.ActivationName, Z: d.Matrix) => d.map(Z, act(name).f);

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW06_EX1 = exercise({
  id: "hw06-ex1",
  title: "The forward pass",
  reference: forwardRef,
  cases: (rng: d.Rng) => {
    const a = data(rng, S(4, 3, 5, 3));
    const b = data(rng, S(6, 5, 2, 4));
    return [
      { name: "n = 4, d = 3, h = 5, K = 3, ReLU", args: [a.net, a.X, "relu"], points: 1 },
      { name: "n = 6, d = 5, h = 2, K = 4, tanh", args: [b.net, b.X, "tanh"], points: 1 },
    ];
  },
  hidden: (rng: d.Rng) => {
    const big = data(rng, S(5, 4, 6, 3), { scale: 300 });
    const one = data(rng, S(1, 7, 1, 2));
    return [
      { name: "huge weights: logits in the hundreds, ReLU", args: [big.net, big.X, "relu"], points: 1 },
      { name: "one example, a single hidden unit, sigmoid", args: [one.net, one.X, "sigmoid"], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "The biases are missing: Z1 = X W1ᵀ + b1 adds b1 to every row (and Z2 likewise adds b2).",
      answer: (net: Net, X: d.Matrix, a: d.ActivationName) => {
        const Z1 = d.matmulNT(X, net.W1);
        const A1 = applyF(a, Z1);
        const Z2 = d.matmulNT(A1, net.W2);
        return { Z1, A1, Z2, P: d.softmax(Z2) };
      },
    },
    {
      hint: "The activation is applied to the output layer too: the output layer has no f, P = softmax(Z2) with Z2 = A1 W2ᵀ + b2.",
      answer: (net: Net, X: d.Matrix, a: d.ActivationName) => {
        const Z1 = d.addRowVector(d.matmulNT(X, net.W1), net.b1);
        const A1 = applyF(a, Z1);
        const Z2 = d.addRowVector(d.matmulNT(A1, net.W2), net.b2);
        return { Z1, A1, Z2, P: d.softmax(applyF(a, Z2)) };
      },
    },
    {
      hint: "Z2 is computed from Z1 instead of A1 = f(Z1): the second layer sees the hidden ACTIVATIONS.",
      answer: (net: Net, X: d.Matrix, a: d.ActivationName) => {
        const Z1 = d.addRowVector(d.matmulNT(X, net.W1), net.b1);
        const A1 = applyF(a, Z1);
        const Z2 = d.addRowVector(d.matmulNT(Z1, net.W2), net.b2);
        return { Z1, A1, Z2, P: d.softmax(Z2) };
      },
    },
  ],
});
