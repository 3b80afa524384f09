/**
 * Visible cases that more than one exercise checks on: logits Z (n×K) for a row-wise softmax (hw00-ex2,
 * hw03-ex2) and logits with labels y (n labels in 0..K−1) for the cross-entropy and its gradients (hw03-ex4,
 * hw03-ex6; hw03-ex7 adds its ε to each). Each list is a hand case, a random one from the exercise's Rng and
 * an edge case with logits ±1000 (where e^{z} overflows); an exercise may give a case its own name and points.
 */
import { fromArrays, Matrix, randn } from "../../core/matrix";
import { Rng } from "../../core/random";
import { Case } from "../check";
import { labels } from "./hw03/common";

/** An exercise's own name and points for a shared case (its arguments stay the shared ones). */
export type CaseLabel = Partial<Pick<Case, "name" | "points">>;

/** The labels of each case of a shared list, by the case's key. */
export type CaseLabels = Partial<Record<"hand" | "random" | "edge", CaseLabel>>;

/** The hand case's logits, 2×3: rows (1, 2, 3) and (0, 0, 0). */
const handLogits = (): Matrix =>
  fromArrays([
    [1, 2, 3],
    [0, 0, 0],
  ]);

/** Softmax cases, Z n×K: hand 2×3, random 5×4, logits ±1000 (2×3, row maxima 1000 and −1000). */
export function softmaxCases(rng: Rng, own: CaseLabels = {}): Case[] {
  return [
    { name: "hand case: rows (1, 2, 3) and (0, 0, 0)", args: [handLogits()], points: 1, ...own.hand },
    { name: "random 5×4", args: [randn(5, 4, rng)], points: 1, ...own.random },
    {
      name: "edge case: logits ±1000",
      args: [
        fromArrays([
          [1000, 999, -1000],
          [-1000, -1001, -1002],
        ]),
      ],
      points: 1,
      ...own.edge,
    },
  ];
}

/** Cross-entropy cases, (Z n×K, y n labels): hand 2×3, random 6×5, logits ±1000 (2×3, labels 1 and 2). */
export function crossEntropyCases(rng: Rng, own: CaseLabels = {}): Case[] {
  return [
    { name: "hand case: 2 examples, 3 classes", args: [handLogits(), [2, 0]], points: 1, ...own.hand },
    { name: "random 6×5", args: [randn(6, 5, rng), labels(rng, 6, 5)], points: 1, ...own.random },
    {
      name: "edge case: logits ±1000",
      args: [
        fromArrays([
          [1000, -1000, 0],
          [-1000, 1000, 999],
        ]),
        [1, 2],
      ],
      points: 1,
      ...own.edge,
    },
  ];
}
