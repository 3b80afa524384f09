// The hooks through which faster code plugs into optimisers and training (src/optim/updateKernels.ts,
// src/training/batches.ts): used when registered, bypassed by fast: false, and the plain code otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromArrays, Matrix, rowVector } from "../src/core/matrix";
import { Param } from "../src/core/model";
import { rng } from "../src/core/random";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { rmsprop, rmspropNotes, sgd } from "../src/optim/index";
import { registerUpdateKernels, Vec } from "../src/optim/updateKernels";
import { BatchSource, GatheredBatches, LabelledData, registerBatchSource } from "../src/training/batches";
import { train } from "../src/training/train";

const param = (v: number[], g: number[]): Param => ({ name: "w", value: rowVector(v), grad: rowVector(g) });

test("update kernels: a registered kernel replaces the plain loop unless fast: false; null forgets it", () => {
  const calls: string[] = [];
  registerUpdateKernels({
    sgdStep: (θ: Vec, g: ArrayLike<number>, η: number) => {
      calls.push(`sgd ${η}`);
      for (let i = 0; i < θ.length; i++) θ[i] -= η * g[i];
    },
    sumOfSquares: (g: ArrayLike<number>) => {
      calls.push("‖g‖²");
      return Array.from(g).reduce((a, v) => a + v * v, 0);
    },
  });
  try {
    const p = param([1, 2], [1, 1]);
    sgd(0.5).step([p]);
    assert.deepEqual(Array.from(p.value.data), [0.5, 1.5]);
    assert.deepEqual(calls, ["sgd 0.5"]);
    sgd(0.5, { fast: false }).step([p]);
    assert.deepEqual(calls, ["sgd 0.5"], "fast: false runs the plain loop");
    rmspropNotes({ eta: 0.5 }).step([p]);
    assert.deepEqual(calls.slice(1), ["‖g‖²", `sgd ${0.5 / Math.sqrt(0.99 + 0.01 * 2 + 1e-3)}`]);
    rmsprop(0.1).step([p]); // no rmspropStep registered: the plain loop
    assert.equal(calls.length, 3);
  } finally {
    registerUpdateKernels(null);
  }
  sgd(0.5).step([param([0], [1])]);
  assert.equal(calls.length, 3, "forgotten");
});

test("batch source: train uses a registered source for its batches and tells it when training ends", async () => {
  const X = fromArrays(Array.from({ length: 12 }, (_, i) => [i / 12, 1 - i / 12]));
  const y = Int32Array.from({ length: 12 }, (_, i) => i % 2);
  const log: string[] = [];
  registerBatchSource((Xs: Matrix, ys: ArrayLike<number>, B: number): BatchSource => {
    const plain = new GatheredBatches(Xs, ys, B);
    return {
      batch(order: Int32Array, start: number, count: number): LabelledData {
        log.push(`batch ${start}+${count}`);
        return plain.batch(order, start, count);
      },
      prefetch: (_o: Int32Array, start: number, count: number) => void log.push(`next ${start}+${count}`),
      finish: () => void log.push("finish"),
    };
  });
  try {
    const a = new SoftmaxRegression({ inputs: 2, classes: 2, dtype: "float64" });
    await train(a, { X, y }, { optimizer: sgd(0.1), batchSize: 5, shuffle: true, rng: rng(1), evaluateAtStart: false });
    assert.deepEqual(log, ["batch 0+5", "next 5+5", "batch 5+5", "next 10+2", "batch 10+2", "finish"]);
    // the same numbers as the plain source
    registerBatchSource(null);
    const b = new SoftmaxRegression({ inputs: 2, classes: 2, dtype: "float64" });
    await train(b, { X, y }, { optimizer: sgd(0.1), batchSize: 5, shuffle: true, rng: rng(1), evaluateAtStart: false });
    assert.deepEqual(Array.from(a.W.data), Array.from(b.W.data));
    // a full batch in the given order is the data itself: no source is asked
    log.length = 0;
    registerBatchSource(() => {
      throw new Error("not asked for a full batch in order");
    });
    await train(b, { X, y }, { optimizer: sgd(0.1), batchSize: "full", shuffle: false, maxIterations: 2 });
  } finally {
    registerBatchSource(null);
  }
});
