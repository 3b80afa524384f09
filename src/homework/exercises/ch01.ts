/**
 * Homework 01 · the perceptron (master: notebooks/homework-masters/01-perceptron.ipynb).
 *
 *   hw01-ex1  decideWithThreshold(X, w, t)     output_i = 1 if w·x_i ≥ t, else 0          X: n×d → n labels
 *   hw01-ex2  decideWithBias(X, w, b)          output_i = H(w·x_i + b), H(0) = 1           X: n×d → n labels
 *   hw01-ex3  perceptronStep(w, b, x, y, eta)  ŷ = H(w·x + b); w ← w + η(y − ŷ)x; b ← b + η(y − ŷ)
 *   hw01-ex4  trainPerceptron(X, y, maxEpochs) passes in order from w = 0, b = 0, η = 1 until a pass
 *                                              makes no mistake (the stopping test) or maxEpochs passes
 *
 * References are the course's own src/models/perceptron.ts.
 */
import { fromArrays, Matrix, randn } from "../../core/matrix";
import { Rng } from "../../core/random";
import * as perceptron from "../../models/perceptron";
import { linearlySeparable, xorData } from "../../data/toyData";
import { exercise, exerciseIds } from "../check";

// ---------------------------------------------------------------------------------------------
// Data for the cases

/** The game-night evenings of notebook 01, in the slide's order: x = (cheap?, available?, interested?). */
export const GAME_NIGHT: number[][] = [
  [1, 1, 1],
  [1, 0, 0],
  [1, 1, 0],
  [1, 0, 1],
  [0, 1, 1],
  [0, 0, 0],
  [0, 0, 1],
  [0, 1, 0],
];
const gameNight = (): Matrix => fromArrays(GAME_NIGHT);
const W_GAME = [1, 6, 3];

/** A random n×d matrix of small integers (so ties w·x = t happen). */
function integerMatrix(rng: Rng, n: number, d: number, lo = -3, hi = 3): Matrix {
  const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => lo + rng.int(hi - lo + 1)));
  return fromArrays(rows);
}
const integerVector = (rng: Rng, d: number, lo = -3, hi = 3): number[] => Array.from({ length: d }, () => lo + rng.int(hi - lo + 1));

const rowsOf = (X: Matrix): number[][] => Array.from({ length: X.rows }, (_, i) => Array.from(X.row(i)));
const dot = (w: ArrayLike<number>, x: ArrayLike<number>): number => {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += w[j] * x[j];
  return s;
};

// ---------------------------------------------------------------------------------------------
// hw01-ex1 · the decision with a threshold

export function decideWithThresholdRef(X: Matrix, w: number[], t: number): number[] {
  return Array.from(perceptron.decideWithThreshold(X, w, t));
}

exercise({
  id: "hw01-ex1",
  title: "Game night: the decision with a threshold",
  reference: decideWithThresholdRef,
  cases: (rng) => [
    { name: "game night, w = (1, 6, 3), t = 9", args: [gameNight(), W_GAME, 9], points: 1 },
    { name: "game night, w = (1, 6, 3), t = 7 (a tie: w·x = 7 on evening 3)", args: [gameNight(), W_GAME, 7], points: 1 },
    { name: "random 6×4 integers, t = 2", args: [integerMatrix(rng, 6, 4), integerVector(rng, 4), 2], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example exactly at the threshold", args: [fromArrays([[2, 1]]), [1, 1], 3], points: 1 },
    { name: "random 10×5 integers with ties, t = 0", args: [integerMatrix(rng, 10, 5, -1, 1), integerVector(rng, 5, -1, 1), 0], points: 1 },
  ],
  mistakes: [
    {
      hint: "A tie w·x = t must give 1 (go): the rule is w·x ≥ t, not w·x > t.",
      answer: (X: Matrix, w: number[], t: number) => rowsOf(X).map((x) => (dot(w, x) > t ? 1 : 0)),
    },
    {
      hint: "The comparison is the wrong way round: output 1 when the weighted sum reaches the threshold, w·x ≥ t.",
      answer: (X: Matrix, w: number[], t: number) => rowsOf(X).map((x) => (dot(w, x) <= t ? 1 : 0)),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw01-ex2 · the same decision with a bias and the step function

export function decideWithBiasRef(X: Matrix, w: number[], b: number): number[] {
  return Array.from(perceptron.decideWithBias(X, w, b));
}

exercise({
  id: "hw01-ex2",
  title: "From a threshold to a bias: H(w·x + b)",
  reference: decideWithBiasRef,
  cases: (rng) => [
    { name: "game night, w = (1, 6, 3), b = −9", args: [gameNight(), W_GAME, -9], points: 1 },
    { name: "game night, w = (1, 6, 3), b = −7 (H(0) on evening 3)", args: [gameNight(), W_GAME, -7], points: 1 },
    { name: "random 6×3 reals, b = 0.5", args: [randn(6, 3, rng), Array.from(randn(1, 3, rng).data), 0.5], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example with w·x + b = 0", args: [fromArrays([[1, -1]]), [2, 1], -1], points: 1 },
    { name: "random 12×4 integers with ties, b = 1", args: [integerMatrix(rng, 12, 4, -1, 1), integerVector(rng, 4, -1, 1), 1], points: 1 },
  ],
  mistakes: [
    {
      hint: "The bias is b = −t, so the rule is H(w·x + b) = 1 when w·x ≥ −b; you compared w·x with b itself (the threshold and the bias have opposite signs).",
      answer: (X: Matrix, w: number[], b: number) => rowsOf(X).map((x) => (dot(w, x) >= b ? 1 : 0)),
    },
    {
      hint: "H(0) must be 1: the step is H(z) = 1 for z ≥ 0 (a tie w·x = t means go). You used z > 0.",
      answer: (X: Matrix, w: number[], b: number) => rowsOf(X).map((x) => (dot(w, x) + b > 0 ? 1 : 0)),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw01-ex3 · one step of Rosenblatt's rule

export interface PerceptronStep {
  w: number[];
  b: number;
  /** true when the example was misclassified (and the weights changed). */
  mistake: boolean;
}

export function perceptronStepRef(w: number[], b: number, x: number[], y: number, eta: number): PerceptronStep {
  const yHat = dot(w, x) + b >= 0 ? 1 : 0;
  const err = y - yHat;
  return { w: w.map((wj, j) => wj + eta * err * x[j]), b: b + eta * err, mistake: err !== 0 };
}

exercise({
  id: "hw01-ex3",
  title: "One step of the perceptron rule",
  reference: perceptronStepRef,
  cases: (rng) => [
    { name: "hand case: says 0, should say 1", args: [[0.5, -1], -0.5, [1, 1], 1, 1], points: 1 },
    { name: "hand case: says 1, should say 0 (η = 0.5)", args: [[1, 2], 0, [1, 0.5], 0, 0.5], points: 1 },
    { name: "hand case: already right, nothing changes", args: [[1, 2], -1, [1, 1], 1, 1], points: 1 },
    { name: "random d = 5, η = 0.1", args: [integerVector(rng, 5), -1, integerVector(rng, 5), 0, 0.1], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: w·x + b = 0 with label 0 (H(0) = 1 is a mistake)", args: [[1, -1], 0, [2, 2], 0, 1], points: 1 },
    { name: "random d = 8, η = 0.25", args: [integerVector(rng, 8), 2, integerVector(rng, 8), 1, 0.25], points: 1 },
  ],
  mistakes: [
    {
      hint: "Wrong sign: the error is y − ŷ, so when the unit said 0 but should have said 1 the weights move TOWARDS x (w ← w + ηx).",
      answer: (w: number[], b: number, x: number[], y: number, eta: number) => {
        const yHat = dot(w, x) + b >= 0 ? 1 : 0;
        const err = yHat - y;
        return { w: w.map((wj, j) => wj + eta * err * x[j]), b: b + eta * err, mistake: err !== 0 };
      },
    },
    {
      hint: "The bias must be updated too: b ← b + η(y − ŷ), as if it were the weight of an input that is always 1.",
      answer: (w: number[], b: number, x: number[], y: number, eta: number) => {
        const yHat = dot(w, x) + b >= 0 ? 1 : 0;
        const err = y - yHat;
        return { w: w.map((wj, j) => wj + eta * err * x[j]), b, mistake: err !== 0 };
      },
    },
    {
      hint: "The rule changes the weights only on a mistake: the step is η(y − ŷ)x, which is 0 when ŷ = y. You moved by ηyx every time.",
      answer: (w: number[], b: number, x: number[], y: number, eta: number) => {
        const yHat = dot(w, x) + b >= 0 ? 1 : 0;
        return { w: w.map((wj, j) => wj + eta * y * x[j]), b: b + eta * y, mistake: yHat !== y };
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
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

function separable(rng: Rng, n: number, margin: number): [Matrix, number[]] {
  const s = linearlySeparable({ n, rng, margin });
  return [s.X, Array.from(s.y)];
}

const AND: [Matrix, number[]] = [fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]]), [0, 0, 0, 1]];
const OR: [Matrix, number[]] = [fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]]), [0, 1, 1, 1]];

/** A loop written by a student: `stop(mistakes, epoch)` decides when to stop; returns the same fields as the reference. */
function studentLoop(
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

exercise({
  id: "hw01-ex4",
  title: "Training: passes until one makes no mistake",
  reference: trainPerceptronRef,
  cases: (rng) => [
    { name: "AND gate, 4 examples", args: [...AND, 100], points: 1 },
    { name: "OR gate, 4 examples", args: [...OR, 100], points: 1 },
    { name: "40 separable points, margin 0.1", args: [...separable(rng, 40, 0.1), 1000], points: 2 },
    { name: "XOR corners: never separable, stops at maxEpochs = 25", args: [xorData().X, Array.from(xorData().y), 25], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example with label 1 (right from the start)", args: [fromArrays([[0.3, -0.7]]), [1], 10], points: 1 },
    { name: "60 separable points, margin 0.05", args: [...separable(rng, 60, 0.05), 1000], points: 1 },
    { name: "random labels on 12 points, maxEpochs = 7", args: [randn(12, 3, rng), Array.from({ length: 12 }, () => rng.int(2)), 7], points: 1 },
  ],
  mistakes: [
    {
      hint: "The stopping test is right, but the pass that made no mistake is a pass too: count it in `epochs` (a run that is right from the start makes 1 pass).",
      answer: (X: Matrix, y: number[], maxEpochs: number) => studentLoop(X, y, maxEpochs, { countCleanPass: false }),
    },
    {
      hint: "The stopping test looks only at the last example of the pass. Stop when the WHOLE pass made no mistake: count the mistakes of the pass and stop when the count is 0.",
      answer: (X: Matrix, y: number[], maxEpochs: number) => studentLoop(X, y, maxEpochs, { countCleanPass: true, stopAfterLastCorrect: true }),
    },
    {
      hint: "The loop never stops early: after a pass without mistakes the weights cannot change any more, so stop there (and report the number of passes made, not maxEpochs).",
      answer: (X: Matrix, y: number[], maxEpochs: number) => studentLoop(X, y, maxEpochs, { neverStop: true }),
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see test/lastStatement.test.ts.) */
export const HW01_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw01-"));
