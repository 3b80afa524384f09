/** Homework 03, hw03-ex1 · One-hot labels (split from the homework's single spec file; see ./index.ts). */
import { Matrix, zeros } from "../../../core/matrix";
import * as sm from "../../../models/softmax";
import { exercise } from "../../check";
import { labels } from "./common";

// hw03-ex1 · one-hot labels

export function oneHotRef(y: number[], K: number): Matrix {
  return sm.oneHot(y, K);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW03_EX1 = exercise({
  id: "hw03-ex1",
  writes: ["oneHot"],
  title: "One-hot labels",
  reference: oneHotRef,
  cases: (rng) => [
    { name: "hand case: y = (2, 0, 1), K = 3", args: [[2, 0, 1], 3], points: 1 },
    { name: "random: 8 labels, K = 10", args: [labels(rng, 8, 10), 10], points: 1 },
    { name: "a class absent from the batch: y = (0, 3, 3, 1), K = 10", args: [[0, 3, 3, 1], 10], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one label, the last class (y = 9, K = 10)", args: [[9], 10], points: 1 },
    { name: "random: 25 labels in 0…4, K = 7", args: [labels(rng, 25, 5), 7], points: 1 },
  ],
  mistakes: [
    {
      hint: "The number of columns is K, given as an argument, not max(y) + 1: a class absent from the batch still needs its column (of zeros).",
      answer: (y: number[]) => sm.oneHot(y, Math.max(...y) + 1),
    },
    {
      hint: "Off by one class: label k goes in column k (labels count from 0), so Y[i, y_i] = 1, not Y[i, y_i − 1] or Y[i, y_i + 1].",
      answer: (y: number[], K: number) => {
        const Y = zeros(y.length, K, "float64");
        y.forEach((v, i) => {
          if (v >= 1) Y.data[i * K + v - 1] = 1;
        });
        return Y;
      },
    },
  ],
});
