/**
 * Homework 03 · exercise 7, with room to think (master: notebooks/homework-masters/03-softmax.ipynb).
 *
 *   hw03-ex7  smoothedGradient(Z, y, eps)   ∂L/∂Z of the mean cross-entropy against smoothed targets
 *             T = (1 − ε)Y + ε/K:  L = (1/n) Σ_i −Σ_k T[i,k] ln softmax(Z)[i,k],  ∂L/∂Z = (softmax(Z) − T)/n     n×K →
 *             n×K
 *
 * The student derives the formula (the task gives only L) and checks it with central differences.
 */
import { Matrix, randn, zeros } from "../../../core/matrix";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";
import { crossEntropyCases } from "../logitCases";
import { labels } from "./common";

/** T = (1 − ε)·oneHot(y, K) + ε/K, n×K: every row sums to 1, the true class gets 1 − ε + ε/K. */
export function smoothedTargets(y: number[], K: number, eps: number): Matrix {
  const T = zeros(y.length, K, "float64");
  for (let i = 0; i < y.length; i++) for (let k = 0; k < K; k++) T.set(i, k, (k === y[i] ? 1 - eps : 0) + eps / K);
  return T;
}

/** ∂L/∂Z = (S − T)/n with S = softmax(Z) row by row (max-subtracted).   Z: n×K, y: n labels. */
export function smoothedGradientRef(Z: Matrix, y: number[], eps: number): Matrix {
  const S = sm.softmax(Z, zeros(Z.rows, Z.cols, "float64"));
  const T = smoothedTargets(y, Z.cols, eps);
  const G = zeros(Z.rows, Z.cols, "float64");
  for (let t = 0; t < G.data.length; t++) G.data[t] = (S.data[t] - T.data[t]) / Z.rows;
  return G;
}

exercise({
  id: "hw03-ex7",
  writes: ["softmaxMinusOneHot"],
  title: "Derive it yourself: the gradient with smoothed labels",
  reference: smoothedGradientRef,
  // the cross-entropy's visible cases (logitCases.ts), each with its ε
  cases: (rng) =>
    crossEntropyCases(rng).map((c, i) => {
      const eps = [0.1, 0.2, 0.1][i];
      return { ...c, name: `${c.name}, ε = ${eps}`, args: [...c.args, eps] };
    }),
  hidden: (rng) => [
    { name: "edge case: ε = 0 (plain one-hot targets)", args: [randn(4, 3, rng), labels(rng, 4, 3), 0], points: 1 },
    { name: "random 12×10, ε = 0.05", args: [randn(12, 10, rng, 3), labels(rng, 12, 10), 0.05], points: 1 },
  ],
  mistakes: [
    {
      hint: "You used the one-hot targets Y: that is the gradient without smoothing. With T = (1 − ε)Y + ε/K the same derivation gives (softmax(Z) − T)/n — the targets enter linearly.",
      answer: (Z: Matrix, y: number[]) => smoothedGradientRef(Z, y, 0),
    },
    {
      hint: "You spread ε over the K − 1 wrong classes only (true class 1 − ε): a common convention, but not this exercise's T = (1 − ε)Y + ε/K, which gives every class ε/K, the true one included (1 − ε + ε/K).",
      answer: (Z: Matrix, y: number[], eps: number) => {
        const G = smoothedGradientRef(Z, y, 0);
        for (let i = 0; i < Z.rows; i++)
          for (let k = 0; k < Z.cols; k++) G.set(i, k, G.get(i, k) + (k === y[i] ? eps : -eps / (Z.cols - 1)) / Z.rows);
        return G;
      },
    },
    {
      hint: "Missing the factor 1/n: L is the MEAN over the n examples, so each row of the gradient is divided by n.",
      answer: (Z: Matrix, y: number[], eps: number) => {
        const G = smoothedGradientRef(Z, y, eps);
        for (let t = 0; t < G.data.length; t++) G.data[t] *= Z.rows;
        return G;
      },
    },
  ],
});

/** The id this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement.) */
export const HW03_EX7 = "hw03-ex7";
