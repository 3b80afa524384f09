/** Homework 02, hw02-ex5 · The mini-batch gradient (split from the homework's single spec file; see ./index.ts). */
import { fromArrays, Matrix, randn } from "../../../core/matrix";
import { Rng } from "../../../core/random";
import * as descent from "../../../calculus/descent";
import { exercise } from "../../check";
import { Vec } from "./common";

// hw02-ex5 · the mini-batch gradient

export function miniBatchGradientRef(G: Matrix, batch: number[]): Vec {
  return descent.miniBatchGradient(G, batch);
}

export function perExampleGradients(rng: Rng, n: number): Matrix {
  // rows ∇C_xᵢ of the least-squares line fit of notebook 02 at v = (0, 0): (−t x, −t) for t = 2x − 1 + noise
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.uniformIn(-1, 1);
    const t = 2 * x - 1 + 0.5 * rng.normal();
    rows.push([-t * x, -t]);
  }
  return fromArrays(rows);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW02_EX5 = exercise({
  id: "hw02-ex5",
  writes: ["miniBatchGradient"],
  title: "The mini-batch gradient",
  reference: miniBatchGradientRef,
  cases: (rng) => [
    {
      name: "hand case: rows 0 and 2 of a 3×2 matrix",
      args: [
        fromArrays([
          [1, 2],
          [10, 20],
          [3, 4],
        ]),
        [0, 2],
      ],
      points: 1,
    },
    {
      name: "line fit, n = 50, a batch of 10",
      args: [perExampleGradients(rng, 50), Array.from(rng.sample(50, 10))],
      points: 1,
    },
    { name: "random 30×4, a batch of 7", args: [randn(30, 4, rng), Array.from(rng.sample(30, 7))], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: a batch of one example", args: [randn(8, 3, rng), [5]], points: 1 },
    {
      name: "line fit, n = 200, a batch of 32",
      args: [perExampleGradients(rng, 200), Array.from(rng.sample(200, 32))],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "Divide by the batch size m, not by n (the number of rows of G): the mini-batch gradient is the MEAN over the batch, (1/m) Σ_{i∈batch} ∇C_xᵢ.",
      answer: (G: Matrix, batch: number[]) => {
        const g = new Array<number>(G.cols).fill(0);
        for (const i of batch) for (let j = 0; j < G.cols; j++) g[j] += G.get(i, j);
        return g.map((s) => s / G.rows);
      },
    },
    {
      hint: "You averaged ALL the rows of G (the full gradient ∇C); the mini-batch gradient averages only the rows listed in `batch`.",
      answer: (G: Matrix) => {
        const g = new Array<number>(G.cols).fill(0);
        for (let i = 0; i < G.rows; i++) for (let j = 0; j < G.cols; j++) g[j] += G.get(i, j);
        return g.map((s) => s / G.rows);
      },
    },
    {
      hint: "You averaged the rows 0…m−1 (the first m examples) instead of the rows whose indices are listed in `batch`: use G[batch[r], :].",
      answer: (G: Matrix, batch: number[]) => {
        const g = new Array<number>(G.cols).fill(0);
        for (let r = 0; r < batch.length; r++) for (let j = 0; j < G.cols; j++) g[j] += G.get(r, j);
        return g.map((s) => s / batch.length);
      },
    },
  ],
});
