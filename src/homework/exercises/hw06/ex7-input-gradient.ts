/**
 * Homework 06 · exercise 7, with room to think (master: notebooks/homework-masters/06-backpropagation.ipynb).
 *
 *   hw06-ex7  inputGradient(net, X, y, act)   ∂L/∂X, n×d: the mean loss's sensitivity to every pixel of every input
 *             Z1 = X W1ᵀ + b1 ⇒ ∂L/∂X = (∂L/∂Z1) W1 = (1/n) Δ1 W1,  Δ1 = (Δ2 W2) ⊙ f'(Z1),  Δ2 = P − Y
 *
 * Not given in the task: the student derives it one layer further than backprop needs and checks it with
 * central differences (the look cell of the master does that with the student's numericalGradient).
 */
import * as d from "../../../index";
import { exercise } from "../../check";
import { deltasRef, forwardRef, Net, randomNet } from "./common";

/** ∂L/∂X = (1/n) Δ1 W1 with Δ1 from the course's forward pass and deltas.   X: n×d → n×d. */
export function inputGradientRef(net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName): d.Matrix {
  const fw = forwardRef(net, X, act);
  const { D1 } = deltasRef(net, fw, y, act);
  return d.scale(d.matmul(D1, net.W1), 1 / X.rows);
}

type Sizes = { n: number; dIn: number; h: number; K: number };
function data(rng: d.Rng, s: Sizes): [Net, d.Matrix, Int32Array] {
  const y = new Int32Array(s.n);
  for (let i = 0; i < s.n; i++) y[i] = rng.int(s.K);
  return [randomNet(rng, s), d.randn(s.n, s.dIn, rng), y];
}

exercise({
  id: "hw06-ex7",
  title: "One layer further: the gradient with respect to the input",
  reference: inputGradientRef,
  tolerance: 1e-8,
  cases: (rng) => [
    {
      name: "one example, 4 inputs, 3 hidden (sigmoid), 2 classes",
      args: [...data(rng, { n: 1, dIn: 4, h: 3, K: 2 }), "sigmoid"],
      points: 1,
    },
    {
      name: "5 examples, 6 inputs, 5 hidden (ReLU), 3 classes",
      args: [...data(rng, { n: 5, dIn: 6, h: 5, K: 3 }), "relu"],
      points: 1,
    },
    {
      name: "8 examples, 10 inputs, 7 hidden (tanh), 4 classes",
      args: [...data(rng, { n: 8, dIn: 10, h: 7, K: 4 }), "tanh"],
      points: 1,
    },
  ],
  hidden: (rng) => [
    {
      name: "20 examples, 12 inputs, 9 hidden (ReLU), 5 classes",
      args: [...data(rng, { n: 20, dIn: 12, h: 9, K: 5 }), "relu"],
      points: 1,
    },
    {
      name: "3 examples, 2 inputs, 6 hidden (sigmoid), 3 classes",
      args: [...data(rng, { n: 3, dIn: 2, h: 6, K: 3 }), "sigmoid"],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "Missing the factor 1/n: L is the MEAN loss, so ∂L/∂X = (1/n) Δ1 W1 — the same 1/n as in the weight gradients.",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName) =>
        d.scale(inputGradientRef(net, X, y, act), X.rows),
    },
    {
      hint: "You went from Δ2 straight to the input, (1/n)(Δ2 W2) W1, and skipped the hidden layer's activation: Δ1 = (Δ2 W2) ⊙ f'(Z1) comes first.",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName) => {
        const fw = forwardRef(net, X, act);
        const { D2 } = deltasRef(net, fw, y, act);
        return d.scale(d.matmul(d.matmul(D2, net.W2), net.W1), 1 / X.rows);
      },
    },
  ],
});

/** The id this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement.) */
export const HW06_EX7 = "hw06-ex7";
