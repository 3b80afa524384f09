/**
 * Homework 01, hw01-ex4 · Training: passes until one makes no mistake (split from the homework's single spec file; see
 * ./index.ts).
 */
import { fromArrays, Matrix, randn } from "../../../core/matrix";
import { Rng } from "../../../core/random";
import * as perceptron from "../../../models/perceptron";
import { linearlySeparable, xorData } from "../../../data/toyData";
import { exercise } from "../../check";
import { perceptronStepRef } from "./ex3-perceptron-step";

// hw01-ex4 · the training loop and its stopping test

export interface PerceptronRun {
  w: number[];
  b: number;
  /** Passes made, counting the final pass without mistakes. */
  epochs: number;
  /** true when a whole pass made no mistake. */
  converged: boolean;
}

export function trainPerceptronRef(X: Matrix, y: number[], maxEpochs: number): PerceptronRun {
  const r = perceptron.trainPerceptron(X, y, { maxEpochs, rate: 1 });
  return { w: Array.from(r.w), b: r.b, epochs: r.epochs, converged: r.converged };
}

export function separable(rng: Rng, n: number, margin: number): [Matrix, number[]] {
  const s = linearlySeparable({ n, rng, margin });
  return [s.X, Array.from(s.y)];
}

export const AND: [Matrix, number[]] = [
  fromArrays([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]),
  [0, 0, 0, 1],
];
export const OR: [Matrix, number[]] = [
  fromArrays([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]),
  [0, 1, 1, 1],
];

/**
 * A loop written by a student: `stop(mistakes, epoch)` decides when to stop; returns the same fields as the reference.
 */
export function studentLoop(
  X: Matrix,
  y: number[],
  maxEpochs: number,
  o: { countCleanPass?: boolean; stopAfterLastCorrect?: boolean; neverStop?: boolean },
): PerceptronRun {
  const d = X.cols;
  let w = new Array<number>(d).fill(0);
  let b = 0;
  let epochs = 0;
  let converged = false;
  for (let e = 0; e < maxEpochs; e++) {
    let mistakes = 0;
    let lastWrong = false;
    for (let i = 0; i < X.rows; i++) {
      const s = perceptronStepRef(w, b, Array.from(X.row(i)), y[i], 1);
      w = s.w;
      b = s.b;
      if (s.mistake) mistakes++;
      lastWrong = s.mistake;
    }
    epochs++;
    if (o.neverStop) {
      converged = mistakes === 0;
      continue;
    }
    if (o.stopAfterLastCorrect ? !lastWrong : mistakes === 0) {
      converged = true;
      if (!o.countCleanPass) epochs--;
      break;
    }
  }
  return { w, b, epochs, converged };
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW01_EX4 = exercise({
  id: "hw01-ex4",
  writes: ["trainPerceptron"],
  title: "Training: passes until one makes no mistake",
  reference: trainPerceptronRef,
  cases: (rng) => [
    { name: "AND gate, 4 examples", args: [...AND, 100], points: 1 },
    { name: "OR gate, 4 examples", args: [...OR, 100], points: 1 },
    { name: "40 separable points, margin 0.1", args: [...separable(rng, 40, 0.1), 1000], points: 2 },
    {
      name: "XOR corners: never separable, stops at maxEpochs = 25",
      args: [xorData().X, Array.from(xorData().y), 25],
      points: 1,
    },
  ],
  hidden: (rng) => [
    {
      name: "edge case: one example with label 1 (right from the start)",
      args: [fromArrays([[0.3, -0.7]]), [1], 10],
      points: 1,
    },
    { name: "60 separable points, margin 0.05", args: [...separable(rng, 60, 0.05), 1000], points: 1 },
    {
      name: "random labels on 12 points, maxEpochs = 7",
      args: [randn(12, 3, rng), Array.from({ length: 12 }, () => rng.int(2)), 7],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "The stopping test is right, but the pass that made no mistake is a pass too: count it in `epochs` (a run that is right from the start makes 1 pass).",
      answer: (X: Matrix, y: number[], maxEpochs: number) => studentLoop(X, y, maxEpochs, { countCleanPass: false }),
    },
    {
      hint: "The stopping test looks only at the last example of the pass. Stop when the WHOLE pass made no mistake: count the mistakes of the pass and stop when the count is 0.",
      answer: (X: Matrix, y: number[], maxEpochs: number) =>
        studentLoop(X, y, maxEpochs, { countCleanPass: true, stopAfterLastCorrect: true }),
    },
    {
      hint: "The loop never stops early: after a pass without mistakes the weights cannot change any more, so stop there (and report the number of passes made, not maxEpochs).",
      answer: (X: Matrix, y: number[], maxEpochs: number) => studentLoop(X, y, maxEpochs, { neverStop: true }),
    },
  ],
});
