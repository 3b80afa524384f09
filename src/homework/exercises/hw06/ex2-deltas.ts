/** Homework 06, hw06-ex2 · The delta recursion (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { Deltas, Forward, Net, S, data, deltasRef, forwardRef } from "./common";
import { act } from "./common";

// ex2 · deltas

/** Args of a delta case: net, fw (from the reference forward pass), y, act. */
export function deltaArgs(c: { net: Net; X: d.Matrix; y: Int32Array }, a: d.ActivationName): unknown[] {
  return [c.net, forwardRef(c.net, c.X, a), c.y, a];
}

export const deltasFrom = (
  net: Net,
  fw: Forward,
  y: ArrayLike<number>,
  a: d.ActivationName,
  change: "noFprime" | "fprimeOfA" | "divideN",
): Deltas => {
  const D2 = d.sub(fw.P, d.oneHot(y, fw.P.cols));
  const back = d.matmul(D2, net.W2);
  const D1 = change === "noFprime" ? back : d.hadamard(back, d.map(change === "fprimeOfA" ? fw.A1 : fw.Z1, act(a).df));
  if (change === "divideN") return { D2: d.scale(D2, 1 / y.length), D1: d.scale(D1, 1 / y.length) };
  return { D2, D1 };
};

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW06_EX2 = exercise({
  id: "hw06-ex2",
  title: "The delta recursion",
  reference: deltasRef,
  cases: (rng: d.Rng) => [
    { name: "n = 4, d = 3, h = 5, K = 3, ReLU", args: deltaArgs(data(rng, S(4, 3, 5, 3)), "relu"), points: 1 },
    {
      name: "n = 5, d = 4, h = 3, K = 3 (W2 square), sigmoid",
      args: deltaArgs(data(rng, S(5, 4, 3, 3)), "sigmoid"),
      points: 1,
    },
    {
      name: "a class absent from the batch (labels only 0 and 2 of K = 4), tanh",
      args: deltaArgs(data(rng, S(6, 3, 4, 4), { only: [0, 2] }), "tanh"),
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    { name: "one example, ReLU", args: deltaArgs(data(rng, S(1, 5, 4, 3)), "relu"), points: 1 },
    { name: "a single hidden unit, sigmoid", args: deltaArgs(data(rng, S(7, 3, 1, 4)), "sigmoid"), points: 1 },
  ],
  mistakes: [
    {
      hint: "f'(Z1) is missing: the error sent back through W2 must be multiplied element-wise by the slope of the hidden activation, Δ1 = (Δ2 W2) ⊙ f'(Z1).",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) =>
        deltasFrom(net, fw, y, a, "noFprime"),
    },
    {
      hint: "The slope is taken at A1 instead of Z1: use f'(Z1), the derivative at the weighted input (for ReLU the two happen to agree, for sigmoid and tanh they do not).",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) =>
        deltasFrom(net, fw, y, a, "fprimeOfA"),
    },
    {
      hint: "The deltas are divided by n: Δ2 = P − Y is per example, the 1/n of the mean belongs to the weight gradients (exercise 3), not to the deltas.",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) =>
        deltasFrom(net, fw, y, a, "divideN"),
    },
    {
      hint: "W2 is transposed: Δ2 is n×K and W2 is K×h, so Δ2 W2 (n×h) already has the hidden layer's shape; Δ2 W2ᵀ only fits by accident when K = h.",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) => {
        const D2 = d.sub(fw.P, d.oneHot(y, fw.P.cols));
        return { D2, D1: d.hadamard(d.matmulNT(D2, net.W2), d.map(fw.Z1, act(a).df)) };
      },
    },
  ],
});
