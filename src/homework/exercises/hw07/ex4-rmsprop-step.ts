/**
 * Homework 07, hw07-ex4 · The element-wise RMSprop step (split from the homework's single spec file; see ./index.ts).
 */
import * as d from "../../../index";
import { exercise } from "../../check";
import { NotesHyper, rmspropStepRef } from "./common";

// ex4 · element-wise RMSprop

export const ELEMENTWISE: NotesHyper = { eta: 1e-3, gamma: 0.9, eps: 1e-8 };

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW07_EX4 = exercise({
  id: "hw07-ex4",
  writes: ["rmsprop"],
  title: "The element-wise RMSprop step",
  reference: rmspropStepRef,
  cases: (rng: d.Rng) => [
    {
      name: "hand case: θ = [[1, 2]], g = [[3, −4]], r = 0 (the first step), η = 0.001, γ = 0.9",
      args: [d.fromArrays([[1, 2]]), d.fromArrays([[3, -4]]), d.zeros(1, 2), ELEMENTWISE],
      points: 1,
    },
    {
      name: "a 3×4 group with r from earlier steps",
      args: [d.randn(3, 4, rng), d.randn(3, 4, rng), d.map(d.randn(3, 4, rng), (v) => v * v), ELEMENTWISE],
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    {
      name: "entries of very different sizes (1e-3 … 10): each gets its own step",
      args: [
        d.randn(2, 3, rng),
        d.fromArrays([
          [1e-3, 10, -0.5],
          [2, -1e-2, 0.3],
        ]),
        d.fromArrays([
          [1e-6, 50, 0.2],
          [3, 1e-4, 0.1],
        ]),
        { eta: 0.01, gamma: 0.99, eps: 1e-8 },
      ],
      points: 1,
    },
    {
      name: "one entry, ε = 0.1 (ε matters)",
      args: [d.randn(1, 1, rng), d.fromArrays([[0.02]]), d.fromArrays([[1e-4]]), { eta: 0.1, gamma: 0.9, eps: 0.1 }],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "One accumulator for the whole group (the notes' variant, r ← γr + (1−γ)‖g‖²): the element-wise method keeps one r per weight, r_i ← γ r_i + (1−γ) g_i².",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const n2 = d.sumOfSquares(g);
        const rr = d.map(r, (v) => hp.gamma * v + (1 - hp.gamma) * n2);
        return {
          theta: d.zipWith(
            t,
            d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / (Math.sqrt(ri) + hp.eps)),
            (a, b) => a - b,
          ),
          r: rr,
        };
      },
    },
    {
      hint: "ε is under the square root, √(r + ε); element-wise RMSprop adds it outside, g/(√r + ε).",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const rr = d.zipWith(r, g, (ri, gi) => hp.gamma * ri + (1 - hp.gamma) * gi * gi);
        return {
          theta: d.zipWith(
            t,
            d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / Math.sqrt(ri + hp.eps)),
            (a, b) => a - b,
          ),
          r: rr,
        };
      },
    },
    {
      hint: "Wrong sign: the step goes uphill. Descent subtracts, θ ← θ − η·g/(√r + ε).",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const { r: rr } = rmspropStepRef(t, g, r, hp);
        return {
          theta: d.zipWith(
            t,
            d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / (Math.sqrt(ri) + hp.eps)),
            (a, b) => a + b,
          ),
          r: rr,
        };
      },
    },
    {
      hint: "The step is divided by r instead of √r: r is a mean of SQUARED gradients, so its square root has the gradient's units and the step η·g/√r is about η in size.",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const rr = d.zipWith(r, g, (ri, gi) => hp.gamma * ri + (1 - hp.gamma) * gi * gi);
        return {
          theta: d.zipWith(
            t,
            d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / (ri + hp.eps)),
            (a, b) => a - b,
          ),
          r: rr,
        };
      },
    },
  ],
});
