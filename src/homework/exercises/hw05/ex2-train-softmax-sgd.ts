/**
 * Homework 05, hw05-ex2 · Mini-batch SGD for softmax regression (split from the homework's single spec file; see
 * ./index.ts).
 */
import * as d from "../../../index";
import { exercise } from "../../check";
import { isMatrixLike } from "../../values";
import { SgdRun, miniBatchesRef, trainSoftmaxSgdRef } from "./common";

// ex2 · mini-batch SGD

export function smallData(nExamples: number, offset: number): d.Dataset {
  const m = d.loadMnist();
  return d.subset(
    m.train,
    Array.from({ length: nExamples }, (_, i) => offset + i),
  );
}

/** A wrong trainer built from the reference with one change. */
export function trainVariant(
  data: d.Dataset,
  run: SgdRun,
  change: "sum" | "sameOrder" | "dropLast" | "plusSign",
): d.SoftmaxRegression {
  const model = new d.SoftmaxRegression({ inputs: data.X.cols, classes: 10, dtype: data.X.dtype });
  for (let e = 0; e < run.epochs; e++) {
    const seed = run.seed === null ? null : change === "sameOrder" ? run.seed : run.seed + e;
    for (const idx of miniBatchesRef(data.y.length, run.batchSize, seed)) {
      if (change === "dropLast" && idx.length < run.batchSize) continue;
      const batch = d.subset(data, idx);
      model.lossAndGradient(batch.X, batch.y);
      const step = change === "sum" ? run.eta * idx.length : change === "plusSign" ? -run.eta : run.eta;
      for (const p of model.params)
        for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= step * p.grad.data[i];
    }
  }
  return model;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW05_EX2 = exercise({
  id: "hw05-ex2",
  timeLimit: 120,
  title: "Mini-batch SGD for softmax regression",
  reference: trainSoftmaxSgdRef,
  // compare the trained parameters W (10×784) and b (1×10), float32 rounding allowed
  output: (model: unknown) => {
    const m = model as { W?: unknown; b?: unknown } | null;
    return m && typeof m === "object" && isMatrixLike(m.W) && isMatrixLike(m.b) ? { W: m.W, b: m.b } : model;
  },
  tolerance: 1e-4,
  cases: () => [
    {
      name: "40 images, B = 10, η = 0.1, 1 epoch, in order",
      args: [smallData(40, 0), { batchSize: 10, eta: 0.1, epochs: 1, seed: null }],
      points: 1,
    },
    {
      name: "50 images, B = 8 (a short last batch), η = 0.1, 2 epochs, seed 3",
      args: [smallData(50, 100), { batchSize: 8, eta: 0.1, epochs: 2, seed: 3 }],
      points: 2,
    },
    {
      name: "edge case: one example, B = 10, η = 0.5, 5 epochs, seed 1",
      args: [smallData(1, 7), { batchSize: 10, eta: 0.5, epochs: 5, seed: 1 }],
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    {
      name: "60 images, B = 7, η = 0.05, 3 epochs, random seed",
      args: [smallData(60, 1000 + rng.int(5000)), { batchSize: 7, eta: 0.05, epochs: 3, seed: 1 + rng.int(1000) }],
      points: 1,
    },
    {
      name: "30 images, B = 1, η = 0.01, 1 epoch, random seed",
      args: [smallData(30, 8000 + rng.int(5000)), { batchSize: 1, eta: 0.01, epochs: 1, seed: 1 + rng.int(1000) }],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "The step is B times too large: model.lossAndGradient already returns the gradient of the batch MEAN, so the update is θ ← θ − η·grad (do not multiply by the batch size, and do not sum per-example gradients).",
      answer: (data: d.Dataset, run: SgdRun) => trainVariant(data, run, "sum"),
    },
    {
      hint: "Every epoch uses the same order: epoch e must use miniBatches(n, B, seed + e), a fresh shuffle per epoch.",
      answer: (data: d.Dataset, run: SgdRun) => trainVariant(data, run, "sameOrder"),
    },
    {
      hint: "The short last batch is skipped: train on every batch miniBatches returns, including the final shorter one.",
      answer: (data: d.Dataset, run: SgdRun) => trainVariant(data, run, "dropLast"),
    },
    {
      hint: "Wrong sign: gradient DEscent subtracts, θ ← θ − η·∂L/∂θ.",
      answer: (data: d.Dataset, run: SgdRun) => trainVariant(data, run, "plusSign"),
    },
  ],
});
