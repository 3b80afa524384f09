/** Homework 06, hw06-ex4 · The loss (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { Net, S, data, forwardRef, meanLossRef } from "./common";

// ex4 · the mean cross-entropy, stably

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW06_EX4 = exercise({
  id: "hw06-ex4",
  title: "The loss",
  reference: meanLossRef,
  cases: (rng: d.Rng) => {
    const a = data(rng, S(5, 3, 4, 3));
    const b = data(rng, S(9, 4, 6, 5));
    return [
      { name: "n = 5, K = 3, ReLU", args: [a.net, a.X, a.y, "relu"], points: 1 },
      { name: "n = 9, K = 5, tanh", args: [b.net, b.X, b.y, "tanh"], points: 1 },
    ];
  },
  hidden: (rng: d.Rng) => {
    const big = data(rng, S(4, 4, 5, 3), { scale: 200 });
    const one = data(rng, S(1, 3, 1, 2));
    return [
      { name: "huge logits (±1000s): needs log-sum-exp", args: [big.net, big.X, big.y, "relu"], points: 1 },
      { name: "one example, a single hidden unit", args: [one.net, one.X, one.y, "sigmoid"], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "The loss is a sum over the examples; the course's L is the MEAN, (1/n) Σ_i −ln P[i, y_i].",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName) =>
        meanLossRef(net, X, y, a) * y.length,
    },
    {
      hint: "ln P is computed as ln(softmax(z)) after exp: with logits in the hundreds P[i,y] underflows to 0 when z_{i,y} is far below the row's largest logit (−ln 0 = ∞), and exp of a logit above about 709 overflows to ∞ (∞/∞ = NaN). Use −ln P[i,y] = LSE(z_i) − z_{i,y} with LSE(z) = m + ln Σ_j exp(z_j − m), m = max_j z_j.",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName) => {
        const Z2 = forwardRef(net, X, a).Z2;
        let s = 0;
        for (let i = 0; i < Z2.rows; i++) {
          const z = Array.from(Z2.row(i));
          const e = z.map(Math.exp);
          s -= Math.log(e[y[i]] / e.reduce((u, v) => u + v, 0));
        }
        return s / y.length;
      },
    },
  ],
});
