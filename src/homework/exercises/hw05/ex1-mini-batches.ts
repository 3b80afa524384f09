/** Homework 05, hw05-ex1 · One epoch of mini-batches (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { compareBatches, miniBatchesRef } from "./common";

// ex1 · mini-batches

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW05_EX1 = exercise({
  id: "hw05-ex1",
  title: "One epoch of mini-batches",
  reference: miniBatchesRef,
  compare: compareBatches,
  cases: () => [
    { name: "n = 7, B = 3, in order (seed null)", args: [7, 3, null], points: 1 },
    { name: "n = 10, B = 4, shuffled with seed 5", args: [10, 4, 5], points: 1 },
    { name: "n = 12, B = 12: one batch holding everything, seed 2", args: [12, 12, 2], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "B larger than n (one short batch)", args: [3, 10, 1 + rng.int(1000)], points: 1 },
    { name: "B = 1 (plain SGD)", args: [5, 1, 1 + rng.int(1000)], points: 1 },
    { name: "random n and B, shuffled", args: [20 + rng.int(30), 2 + rng.int(9), 1 + rng.int(1000)], points: 1 },
  ],
  mistakes: [
    {
      hint: "The last, shorter batch is missing: when B does not divide n, the n mod B examples left over still form a final batch (otherwise some images are never seen in an epoch).",
      answer: (n: number, B: number, seed: number | null) => miniBatchesRef(n, B, seed).filter((b) => b.length === B),
    },
    {
      hint: "The batches are in the original order although a seed was given: shuffle first with order = d.rng(seed).permutation(n), then cut the order into consecutive runs of B.",
      answer: (n: number, B: number, _seed: number | null) => miniBatchesRef(n, B, null),
    },
    {
      hint: "Batches overlap or skip an index: batch k holds positions kB, kB+1, …, kB+B−1 of the order (slice(kB, kB + B) — the end is exclusive).",
      answer: (n: number, B: number, seed: number | null) => {
        const order = seed === null ? Array.from({ length: n }, (_, i) => i) : Array.from(d.rng(seed).permutation(n));
        const out: number[][] = [];
        for (let s = 0; s < n; s += B) out.push(order.slice(s, s + B + 1));
        return out;
      },
    },
  ],
});
