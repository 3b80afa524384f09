/**
 * Homework 04, hw04-ex5 · Train on a small MNIST subset (split from the homework's single spec file; see ./index.ts).
 */
import { argmaxRows, copy, Matrix, matmulNT, zeros } from "../../../core/matrix";
import { NotesParams } from "../../../chapters/notesAlgorithm";
import { loadMnist, subset, Dataset } from "../../../data/mnist";
import { exercise } from "../../check";
import { fmt } from "../../values";
import { mnistPart } from "./common";
import { addBias } from "./ex1-example-gradient";
import { vectorisedGradientRef } from "./ex3-vectorised-gradient";

// hw04-ex5 · a short training run: a bar on the test images, and the weights of the run the task
// describes (the check recomputes it), so any other way over the bar does not count

/** The bar of hw04-ex5: accuracy on MNIST test images 0…999 after training on 2,000 images. */
export const TRAIN_BAR = { accuracy: 0.8, testImages: 1000, trainImages: 2000 };

/**
 * The reference run: W = 0, b = 0; for each epoch, batches of B rows in order (0…B−1, B…2B−1, …);
 * each step W ← W − η ∂L/∂W, b ← b − η ∂L/∂b with the batch's mean-loss gradient.
 */
export function trainSoftmaxRef(train: Dataset, epochs: number, eta: number, batchSize: number): NotesParams {
  const K = 10;
  const W = zeros(K, train.X.cols);
  const b = zeros(1, K);
  for (let e = 0; e < epochs; e++) {
    for (let s = 0; s < train.X.rows; s += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, train.X.rows - s) }, (_, i) => s + i);
      const batch = subset(train, idx);
      const g = vectorisedGradientRef(W, b, batch.X, batch.y);
      for (let i = 0; i < W.data.length; i++) W.data[i] -= eta * g.dW.data[i];
      for (let j = 0; j < K; j++) b.data[j] -= eta * g.db.data[j];
    }
  }
  return { W, b };
}

export let testPart: Dataset | null = null;
/** MNIST test images 0…999, float64. */
export function barTestSet(): Dataset {
  if (!testPart) {
    const t = subset(
      loadMnist().test,
      Array.from({ length: TRAIN_BAR.testImages }, (_, i) => i),
    );
    testPart = { X: copy(t.X, "float64"), y: t.y };
  }
  return testPart;
}

/** Accuracy of z = W x + b on the bar's test images, or a message naming what is wrong with the result. */
export function barAccuracy(got: unknown): number | string {
  if (typeof got !== "object" || got === null || !("W" in got) || !("b" in got))
    return "return { W, b }: the trained W (10×784) and b (1×10)";
  const { W, b } = got as { W: unknown; b: unknown };
  if (!(W instanceof Matrix) || W.rows !== 10 || W.cols !== 784)
    return `W must be a 10×784 Matrix, got ${W instanceof Matrix ? W.shape : typeof W}`;
  if (!(b instanceof Matrix) || b.rows !== 1 || b.cols !== 10)
    return `b must be a 1×10 Matrix, got ${b instanceof Matrix ? b.shape : typeof b}`;
  if (!Array.from(W.data).every(Number.isFinite) || !Array.from(b.data).every(Number.isFinite))
    return "W or b holds NaN or ±∞: the steps blew up (a step size too large, or an overflowing softmax)";
  const test = barTestSet();
  const pred = argmaxRows(addBias(matmulNT(test.X, copy(W, "float64")), b));
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === test.y[i]) right++;
  return right / pred.length;
}

/**
 * The check recomputes the run the task describes (W = 0, b = 0, batches in order, W ← W − η ∂L/∂W):
 * the handed-in W and b must be that run's, max |W − W_ref| ≤ 1e-3 · max(1, max |W_ref|) and the same
 * for b, not merely any model over the bar.
 */
export function sameWeights(got: NotesParams, ref: NotesParams, acc: number): string | null {
  for (const k of ["W", "b"] as const) {
    const g = got[k].data;
    const e = ref[k].data;
    let scale = 1;
    for (let i = 0; i < e.length; i++) scale = Math.max(scale, Math.abs(e[i]));
    let worst = 0;
    let at = 0;
    for (let i = 0; i < e.length; i++) {
      const diff = Math.abs(g[i] - e[i]);
      if (!(diff <= worst)) {
        worst = diff;
        at = i;
      }
    }
    if (!(worst <= 1e-3 * scale)) {
      return `your ${k} reaches test accuracy ${fmt(acc)}, but it is not the ${k} of the run the task describes (the check recomputes it): entry ${at} is ${fmt(g[at])}, expected ${fmt(e[at])}. Start from W = 0, b = 0, take the batches in order (0…B−1, B…2B−1, …, the last one may be shorter), ⌈n/B⌉ steps per epoch, each W ← W − η ∂L/∂W and b ← b − η ∂L/∂b with the batch's mean gradient.`;
    }
  }
  return null;
}

export function trainingData(offset: number): Dataset {
  const part = mnistPart(offset, TRAIN_BAR.trainImages);
  return { X: part.X, y: Uint8Array.from(part.y) };
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW04_EX5 = exercise({
  id: "hw04-ex5",
  timeLimit: 120,
  title: "Train on a small MNIST subset",
  // The reference reaches 0.84-0.86 on such subsets (see test/homework-ch01-04.test.ts); the bar leaves a margin.
  cases: () => [
    {
      name: `2,000 training images, 5 epochs, η = 0.5, B = 50: test accuracy ≥ ${TRAIN_BAR.accuracy}`,
      args: [trainingData(0), 5, 0.5, 50],
      points: 3,
    },
  ],
  hidden: () => [
    {
      name: `another 2,000 training images, 3 epochs, η = 0.5, B = 20: test accuracy ≥ ${TRAIN_BAR.accuracy}`,
      args: [trainingData(30000), 3, 0.5, 20],
      points: 2,
    },
  ],
  reference: trainSoftmaxRef,
  compare: (got, expected) => {
    const acc = barAccuracy(got);
    if (typeof acc === "string") return acc;
    if (acc >= TRAIN_BAR.accuracy) return sameWeights(got as NotesParams, expected as NotesParams, acc);
    const what = `test accuracy ${fmt(acc)} is below the bar ${TRAIN_BAR.accuracy}`;
    if (acc < 0.2)
      return `${what}: no better than guessing. Did you step against the gradient (W ← W − η∂L/∂W), update W and b in place or assign the new values, and use every batch?`;
    return `${what}. Check that each step uses the batch's MEAN gradient (1/B)(P − Y)ᵀX, that you make ⌈n/B⌉ steps per epoch (the last batch may be shorter), and that b is updated too`;
  },
});
