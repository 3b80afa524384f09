/**
 * Homework 05, hw05-ex6 · The most confident mistakes of each class (split from the homework's single spec file; see
 * ./index.ts).
 */
import * as d from "../../../index";
import { exercise } from "../../check";
import { compareMistakes, confidentMistakesRef } from "./common";

// ex6 · the most confident mistakes

/** n×K probabilities from random logits (scaled so some predictions are confident). */
export function randomProbabilities(rng: d.Rng, n: number, K: number, scale = 2): d.Matrix {
  return d.softmax(d.randn(n, K, rng, scale));
}

export function randomLabels(rng: d.Rng, n: number, K: number): Int32Array {
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(K);
  return y;
}

/** A hand case: 6 examples, 3 classes; class 2 has no mistakes; two mistakes of class 0 tie. */
export function handCase(): [d.Matrix, Int32Array, number] {
  const P = d.fromArrays([
    [0.2, 0.7, 0.1], // y 0 → 1, 0.7
    [0.1, 0.1, 0.8], // y 0 → 2, 0.8
    [0.6, 0.3, 0.1], // y 0 correct
    [0.5, 0.4, 0.1], // y 1 → 0, 0.5
    [0.2, 0.1, 0.7], // y 0 → 2, 0.7 (ties with example 0)
    [0.1, 0.2, 0.7], // y 2 correct
  ]);
  return [P, Int32Array.from([0, 0, 0, 1, 0, 2]), 10];
}

/** Wrong variants for the hints. */
export function mistakesVariant(
  P: d.Matrix,
  y: ArrayLike<number>,
  k: number,
  change: "ascending" | "all" | "byPredicted" | "trueScore",
): d.Mistake[][] {
  const K = P.cols;
  const byClass: d.Mistake[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < P.rows; i++) {
    const row = Array.from(P.row(i));
    const predicted = row.indexOf(Math.max(...row));
    const label = y[i];
    if (predicted === label && change !== "all") continue;
    const score = change === "trueScore" ? row[label] : row[predicted];
    byClass[change === "byPredicted" ? predicted : label].push({ index: i, label, predicted, score });
  }
  for (const l of byClass) {
    l.sort((a, b) => (change === "ascending" ? a.score - b.score : b.score - a.score) || a.index - b.index);
    l.length = Math.min(l.length, k);
  }
  return byClass;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW05_EX6 = exercise({
  id: "hw05-ex6",
  writes: ["mostConfidentMistakes"],
  title: "The most confident mistakes of each class",
  reference: confidentMistakesRef,
  compare: compareMistakes,
  cases: (rng: d.Rng) => [
    { name: "hand case: 6 examples, 3 classes, a tie, a class without mistakes", args: handCase(), points: 1 },
    {
      name: "k = 2 on 40 random examples, 4 classes",
      args: [randomProbabilities(rng, 40, 4), randomLabels(rng, 40, 4), 2],
      points: 1,
    },
    {
      name: "k larger than the number of mistakes (80 examples, 5 classes, k = 50)",
      args: [randomProbabilities(rng, 80, 5), randomLabels(rng, 80, 5), 50],
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    {
      name: "k = 3 on 200 random examples, 10 classes",
      args: [randomProbabilities(rng, 200, 10, 3), randomLabels(rng, 200, 10), 3],
      points: 1,
    },
    {
      name: "one example, classified correctly (every list empty)",
      args: [d.fromArrays([[0.1, 0.9]]), Int32Array.from([1]), 5],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "The lists are sorted from least to most confident: the most confident mistake (highest score) comes first.",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "ascending"),
    },
    {
      hint: "Correctly classified examples are in the lists: keep only the examples with ŷ ≠ y.",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "all"),
    },
    {
      hint: "The mistakes are grouped by the PREDICTED class: list c must hold the mistakes on images whose TRUE class is c.",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "byPredicted"),
    },
    {
      hint: "The score is the probability of the true class; the confidence of a prediction is the probability of the PREDICTED class, P[i, ŷ_i] = max_j P[i, j].",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "trueScore"),
    },
  ],
});
