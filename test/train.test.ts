// The training loop: batching, determinism, evaluations, stopping rules and divergence.
import { test } from "node:test";
import assert from "node:assert/strict";
import { argmaxRows, fromArrays, Matrix, zeros } from "../src/core/matrix";
import { Model, Param } from "../src/core/model";
import { Rng } from "../src/core/random";
import { linearDecay, Optimizer, sgd } from "../src/optim/index";
import { DivergenceError, Evaluation, LabelledData, train } from "../src/training/train";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import "../src/engine/index"; // the engine's batch loader (two buffers in turn for Uint8Array / Int32Array labels)

/** Least squares L(w) = (1/2n) Σ_i (x_i·w − y_i)², ∂L/∂w = (1/n) Σ_i (x_i·w − y_i) x_i. Records every batch. */
class LeastSquares implements Model {
  readonly w: Matrix;
  readonly params: Param[];
  /** Column 0 of every batch row (the tests store the example's index there) and the batch's labels. */
  batches: { ids: number[]; y: number[]; X: Matrix }[] = [];
  nanAt = -1;
  calls = 0;
  constructor(d: number) {
    this.w = zeros(1, d);
    this.params = [{ name: "w", value: this.w, grad: zeros(1, d) }];
  }
  private residuals(X: Matrix, y: ArrayLike<number>): Float64Array {
    const r = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let j = 0; j < X.cols; j++) s += X.get(i, j) * this.w.data[j];
      r[i] = s - y[i];
    }
    return r;
  }
  loss(X: Matrix, y: ArrayLike<number>): number {
    const r = this.residuals(X, y);
    let s = 0;
    for (const v of r) s += v * v;
    return s / (2 * X.rows);
  }
  lossAndGradient(X: Matrix, y: ArrayLike<number>): number {
    this.calls++;
    this.batches.push({ ids: Array.from({ length: X.rows }, (_, i) => X.get(i, 0)), y: Array.from(y), X });
    const r = this.residuals(X, y);
    const g = this.params[0].grad.data;
    g.fill(0);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) g[j] += (r[i] * X.get(i, j)) / X.rows;
    if (this.calls === this.nanAt) return NaN;
    return this.loss(X, y);
  }
  predictProba(): Matrix {
    throw new Error("not a classifier");
  }
  predict(): Int32Array {
    throw new Error("not a classifier");
  }
}

/** n examples: x_i = (i, 1, u_i), y_i = 100 + i (so a row's label says which row it is). */
function indexed(n: number): LabelledData {
  const rng = new Rng(5);
  const rows: number[][] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    rows.push([i, 1, rng.uniform()]);
    y[i] = 100 + i;
  }
  return { X: fromArrays(rows), y };
}

/** A well-conditioned regression problem: y = x·w* exactly, features ~ U[−1, 1]. */
function regression(n: number, seed: number): LabelledData {
  const rng = new Rng(seed);
  const wStar = [0.5, -1, 2];
  const rows: number[][] = [];
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1), rng.uniformIn(-1, 1)];
    rows.push(x);
    y[i] = x[0] * wStar[0] + x[1] * wStar[1] + x[2] * wStar[2];
  }
  return { X: fromArrays(rows), y };
}

function epochsOf(model: LeastSquares, n: number): number[][] {
  // split the recorded batches into epochs by counting examples
  const out: number[][] = [];
  let cur: number[] = [];
  for (const b of model.batches) {
    cur.push(...b.ids);
    if (cur.length === n) {
      out.push(cur);
      cur = [];
    }
  }
  assert.equal(cur.length, 0, "an epoch was cut short");
  return out;
}

for (const [B, shuffle] of [
  [1, false],
  [3, false],
  [3, true],
  [7, true],
  [10, true],
  [10, false],
] as [number, boolean][]) {
  test(`batch size ${B}, ${shuffle ? "shuffled" : "in order"}: every example exactly once per epoch, labels travel with rows`, async () => {
    const n = 10;
    const data = indexed(n);
    const model = new LeastSquares(3);
    const res = await train(model, data, {
      optimizer: sgd(1e-4),
      epochs: 3,
      batchSize: B,
      shuffle,
      rng: new Rng(1),
      evaluateAtStart: false,
    });
    assert.equal(res.iterations, 3 * Math.ceil(n / B));
    assert.equal(res.epochs, 3);
    assert.equal(res.stoppedBecause, "epochs");
    const sizes = model.batches.map((b) => b.ids.length);
    const expected = [];
    for (let e = 0; e < 3; e++) for (let s = 0; s < n; s += B) expected.push(Math.min(B, n - s));
    assert.deepEqual(sizes, expected);
    for (const b of model.batches) b.ids.forEach((id, r) => assert.equal(b.y[r], 100 + id, "label of the row"));
    const epochs = epochsOf(model, n);
    assert.equal(epochs.length, 3);
    for (const ids of epochs)
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
    if (!shuffle)
      for (const ids of epochs)
        assert.deepEqual(
          ids,
          Array.from({ length: n }, (_, i) => i),
        );
    else if (B < n) assert.notDeepEqual(epochs[0], epochs[1], "a new order every epoch");
  });
}

test("mini-batches are gathered into buffers reused from step to step", async () => {
  const model = new LeastSquares(3);
  await train(model, indexed(10), { optimizer: sgd(1e-4), epochs: 2, batchSize: 3, shuffle: true, rng: new Rng(2) });
  const full = model.batches.filter((b) => b.X.rows === 3).map((b) => b.X);
  const last = model.batches.filter((b) => b.X.rows === 1).map((b) => b.X);
  assert.ok(full.length === 6 && full.every((X) => X === full[0]), "one buffer for full batches");
  assert.ok(last.length === 2 && last[0] === last[1], "one buffer for the short last batch");
});

for (const kind of ["Uint8Array", "Int32Array", "Float64Array", "number[]"] as const) {
  test(`labels as ${kind}: every row travels with its label, batch buffers made once, the short batch a view of a buffer's first rows`, async () => {
    const n = 23;
    const base = indexed(n);
    const labels = Array.from({ length: n }, (_, i) => (7 * i) % 200); // distinct, fit in a byte
    const y =
      kind === "Uint8Array"
        ? Uint8Array.from(labels)
        : kind === "Int32Array"
          ? Int32Array.from(labels)
          : kind === "Float64Array"
            ? Float64Array.from(labels)
            : labels;
    const model = new LeastSquares(3);
    await train(
      model,
      { X: base.X, y },
      { optimizer: sgd(1e-5), epochs: 2, batchSize: 5, shuffle: true, rng: new Rng(4), evaluateAtStart: false },
    );
    assert.equal(model.batches.length, 2 * 5);
    for (const b of model.batches)
      b.ids.forEach((id, r) => assert.equal(b.y[r], labels[id], `row ${id} came with label ${b.y[r]}`));
    for (const ids of epochsOf(model, n))
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
    const full = model.batches.filter((b) => b.X.rows === 5).map((b) => b.X);
    const short = model.batches.filter((b) => b.X.rows === 3).map((b) => b.X);
    // Uint8Array / Int32Array labels: two buffers in turn (the next batch is gathered during the step); others: one
    const buffers = kind === "Uint8Array" || kind === "Int32Array" ? 2 : 1;
    assert.equal(new Set(full).size, buffers, "the same matrices every step");
    assert.ok(new Set(short).size <= buffers, "the same short matrices every time");
    for (const s of short) {
      assert.equal(s.data.buffer, full[0].data.buffer, "the short batch shares the full batches' memory");
      assert.ok(
        full.some((X) => X.data.byteOffset === s.data.byteOffset),
        "and starts where a full batch does",
      );
    }
  });
}

test("shuffling is deterministic for a seed and differs between seeds", async () => {
  const orders = async (seed: number) => {
    const model = new LeastSquares(3);
    const res = await train(model, indexed(12), {
      optimizer: sgd(1e-3),
      epochs: 2,
      batchSize: 4,
      shuffle: true,
      rng: new Rng(seed),
    });
    return {
      ids: model.batches.flatMap((b) => b.ids),
      w: Array.from(model.w.data),
      losses: res.history.map((h) => h.loss),
    };
  };
  const a = await orders(7);
  const b = await orders(7);
  const c = await orders(8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.ids, c.ids);
});

test("evaluations: at the start, every n iterations and at the end; loss is the mean of the mini-batch losses", async () => {
  const model = new LeastSquares(3);
  const data = regression(10, 3);
  const res = await train(model, data, {
    optimizer: sgd(0.1),
    epochs: 2,
    batchSize: 3,
    shuffle: false,
    evaluateEvery: 3,
  });
  // 4 batches per epoch (3, 3, 3, 1), 8 iterations: evaluations at 0, 3, 6 and the end (8)
  assert.deepEqual(
    res.history.map((h) => h.iteration),
    [0, 3, 6, 8],
  );
  assert.deepEqual(
    res.history.map((h) => h.epoch),
    [0, 0.9, 1.6, 2],
  );
  assert.equal(res.history[0].learningRate, 0.1);
  assert.ok(res.history.every((h, i) => i === 0 || h.seconds >= res.history[i - 1].seconds));
  // recompute the window means from the batches the model saw (losses before each step, weighted by size)
  const replay = new LeastSquares(3);
  const opt = sgd(0.1);
  let sum = 0;
  let count = 0;
  const means: number[] = [];
  let it = 0;
  for (let e = 0; e < 2; e++) {
    for (let s = 0; s < 10; s += 3) {
      const idx = Array.from({ length: Math.min(3, 10 - s) }, (_, r) => s + r);
      const X = fromArrays(idx.map((i) => Array.from(data.X.row(i))));
      const y = idx.map((i) => data.y[i]);
      const l = replay.lossAndGradient(X, y);
      opt.step(replay.params);
      sum += l * idx.length;
      count += idx.length;
      it++;
      if (it % 3 === 0 || it === 8) {
        means.push(sum / count);
        sum = count = 0;
      }
    }
  }
  res.history
    .slice(1)
    .forEach((h, i) => assert.ok(Math.abs(h.loss - means[i]) < 1e-12, `evaluation ${i + 1}: ${h.loss} vs ${means[i]}`));
  assert.deepEqual(Array.from(model.w.data), Array.from(replay.w.data), "same parameters as the replay");
});

test("stops when the loss changes by less than the tolerance", async () => {
  const model = new LeastSquares(3);
  const data = regression(40, 4);
  const tol = 1e-4;
  const res = await train(model, data, {
    optimizer: sgd(0.3),
    epochs: 1000,
    batchSize: "full",
    shuffle: false,
    tolerance: tol,
    evaluateEvery: 5,
  });
  assert.equal(res.stoppedBecause, "tolerance");
  assert.ok(res.iterations < 5000, `stopped early (${res.iterations} iterations)`);
  const h = res.history;
  const diffs = h.slice(1).map((e, i) => Math.abs(e.loss - h[i].loss));
  assert.ok(diffs[diffs.length - 1] < tol, "the last change is below the tolerance");
  assert.ok(
    diffs.slice(0, -1).every((d) => d >= tol),
    "no earlier change was",
  );
});

test("stops at maxIterations, inside an epoch", async () => {
  const model = new LeastSquares(3);
  const res = await train(model, indexed(10), {
    optimizer: sgd(1e-4),
    epochs: 5,
    maxIterations: 7,
    batchSize: 3,
    shuffle: true,
    rng: new Rng(3),
  });
  assert.equal(res.stoppedBecause, "maxIterations");
  assert.equal(res.iterations, 7);
  assert.equal(model.calls, 7);
  assert.equal(res.epochs, 1.9); // epoch 1: 3+3+3+1, then 3+3+3
  assert.equal(res.history[res.history.length - 1].iteration, 7, "a final evaluation");
  const only = await train(new LeastSquares(3), indexed(10), {
    optimizer: sgd(1e-4),
    maxIterations: 25,
    batchSize: 2,
    shuffle: false,
  });
  assert.equal(only.iterations, 25, "maxIterations alone runs as many epochs as needed");
  assert.equal(only.epochs, 5);
});

test("stopWhen stops at the first evaluation that satisfies it", async () => {
  const model = new LeastSquares(3);
  const res = await train(model, regression(30, 6), {
    optimizer: sgd(0.2),
    epochs: 500,
    batchSize: 5,
    shuffle: true,
    rng: new Rng(9),
    evaluateEvery: 2,
    stopWhen: (ev) => ev.loss < 0.01,
  });
  assert.equal(res.stoppedBecause, "stopWhen");
  const h = res.history;
  assert.ok(h[h.length - 1].loss < 0.01);
  assert.ok(h.slice(0, -1).every((e) => e.loss >= 0.01));
});

test("a NaN loss throws a DivergenceError naming the iteration, the loss and the learning rate", async () => {
  const model = new LeastSquares(3);
  model.nanAt = 5;
  await assert.rejects(
    train(model, indexed(10), { optimizer: sgd(0.125), epochs: 3, batchSize: 4, shuffle: false }),
    (e: Error) =>
      e instanceof DivergenceError &&
      /iteration 5\b/.test(e.message) &&
      /NaN/.test(e.message) &&
      /η = 0\.125/.test(e.message) &&
      /epoch 2/.test(e.message),
  );
});

test("a learning rate that is far too large diverges to an infinite loss and is reported (explosion check off)", async () => {
  const model = new LeastSquares(3);
  let err: unknown;
  try {
    await train(model, regression(20, 1), {
      optimizer: sgd(50),
      maxIterations: 5000,
      batchSize: "full",
      shuffle: false,
      divergence: "off",
    });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof DivergenceError, `expected a DivergenceError, got ${String(err)}`);
  assert.ok(!Number.isFinite(err.loss));
  assert.equal(err.learningRate, 50);
  assert.ok(err.iteration > 1 && err.iteration < 5000);
  assert.match(err.message, new RegExp(`iteration ${err.iteration}\\b.*(Infinity|NaN).*η = 50`));
});

test("with the explosion check on (the default), the same run stops earlier, at a finite loss 10× above the first", async () => {
  const model = new LeastSquares(3);
  const data = regression(20, 1);
  const first = model.loss(data.X, data.y); // w = 0: the loss of the first (full) batch
  const err = await train(model, data, {
    optimizer: sgd(50),
    maxIterations: 5000,
    batchSize: "full",
    shuffle: false,
  }).catch((e: unknown) => e);
  assert.ok(err instanceof DivergenceError, `expected a DivergenceError, got ${String(err)}`);
  assert.ok(Number.isFinite(err.loss) && err.loss > 10 * first, `finite and above 10 × ${first}: ${err.loss}`);
  assert.equal(err.learningRate, 50);
  assert.equal(model.calls, err.iteration);
  assert.match(
    err.message,
    new RegExp(
      `iteration ${err.iteration}\\b.*above 10 · max\\(first loss, ln K\\) = .* for 50 iterations in a row.*η = 50\\.`,
    ),
  );
  // a smaller factor or window stops it sooner
  const sooner = await train(new LeastSquares(3), regression(20, 1), {
    optimizer: sgd(50),
    maxIterations: 5000,
    batchSize: "full",
    shuffle: false,
    divergenceWindow: 5,
  }).catch((e: unknown) => e);
  assert.ok(sooner instanceof DivergenceError);
  assert.equal(sooner.iteration, err.iteration - 45);
});

test("a NaN loss before any step is not blamed on the learning rate", async () => {
  const model = new LeastSquares(3);
  model.nanAt = 1;
  await assert.rejects(
    train(model, indexed(10), {
      optimizer: sgd(0.125),
      epochs: 1,
      batchSize: 4,
      shuffle: false,
      evaluateAtStart: false,
    }),
    (e: Error) =>
      e instanceof DivergenceError && /iteration 1 \(epoch 1\).*NaN before any step.*not used yet/.test(e.message),
  );
});

test("the η named is the one of the last step taken, with a schedule that changes it every step", async () => {
  const model = new LeastSquares(3);
  model.nanAt = 4;
  const err = await train(model, indexed(10), {
    optimizer: sgd(linearDecay(0.4, 4, 0.1)),
    epochs: 1,
    batchSize: 2,
    shuffle: false,
    evaluateAtStart: false,
  }).catch((e: unknown) => e);
  // steps 1, 2, 3 used η = 0.4, 0.325, 0.25; the NaN came at iteration 4
  assert.ok(err instanceof DivergenceError);
  assert.equal(err.learningRate, 0.25);
});

test("onEvaluate's promise is awaited before training goes on", async () => {
  const model = new LeastSquares(3);
  const log: string[] = [];
  const orig = model.lossAndGradient.bind(model);
  model.lossAndGradient = (X, y) => {
    log.push("step");
    return orig(X, y);
  };
  await train(model, indexed(6), {
    optimizer: sgd(1e-4),
    epochs: 1,
    batchSize: 2,
    shuffle: false,
    evaluateEvery: 1,
    onEvaluate: async (ev: Evaluation) => {
      log.push(`eval ${ev.iteration} start`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`eval ${ev.iteration} end`);
    },
  });
  assert.deepEqual(log, [
    "eval 0 start",
    "eval 0 end",
    "step",
    "eval 1 start",
    "eval 1 end",
    "step",
    "eval 2 start",
    "eval 2 end",
    "step",
    "eval 3 start",
    "eval 3 end",
  ]);
});

test("the schedule's epoch hook gets each epoch's mean mini-batch loss", async () => {
  const calls: [number, number][] = [];
  const inner = sgd(0.05);
  const spy: Optimizer = {
    name: "spy",
    get learningRate() {
      return inner.learningRate;
    },
    step: (p) => inner.step(p),
    endEpoch: (e, l) => {
      calls.push([e, l]);
    },
    reset: () => inner.reset(),
  };
  const model = new LeastSquares(3);
  const losses: number[] = [];
  const orig = model.lossAndGradient.bind(model);
  model.lossAndGradient = (X, y) => {
    const l = orig(X, y);
    losses.push(l * X.rows);
    return l;
  };
  await train(model, regression(10, 2), { optimizer: spy, epochs: 3, batchSize: 4, shuffle: true, rng: new Rng(4) });
  assert.deepEqual(
    calls.map((c) => c[0]),
    [1, 2, 3],
  );
  for (let e = 0; e < 3; e++) {
    const mean = (losses[3 * e] + losses[3 * e + 1] + losses[3 * e + 2]) / 10;
    assert.ok(Math.abs(calls[e][1] - mean) < 1e-12, `epoch ${e + 1}`);
  }
});

test("evaluation sets: accuracy and loss of the final model, on a fixed subset when asked", async () => {
  const rng = new Rng(11);
  const n = 60;
  const d = 4;
  const X = zeros(n, d, "float32");
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < d; j++) X.data[i * d + j] = rng.normal() + (j === y[i] ? 3 : 0);
  }
  const data = { X, y };
  const model = new SoftmaxRegression({ inputs: d, classes: 3 });
  let rowsSeen = 0;
  const orig = model.predictProba.bind(model);
  model.predictProba = (A: Matrix) => {
    rowsSeen = Math.max(rowsSeen, A.rows);
    return orig(A);
  };
  const res = await train(model, data, {
    optimizer: sgd(0.5),
    epochs: 5,
    batchSize: 6,
    shuffle: true,
    rng: new Rng(1),
    evaluate: { train: data, test: data },
  });
  const last = res.history[res.history.length - 1];
  const P = orig(X);
  const pred = argmaxRows(P);
  let correct = 0;
  let ce = 0;
  for (let i = 0; i < n; i++) {
    if (pred[i] === y[i]) correct++;
    ce -= Math.log(P.get(i, y[i]));
  }
  assert.equal(last.trainAccuracy, correct / n);
  assert.equal(last.testAccuracy, correct / n);
  assert.ok(Math.abs(last.trainLoss! - ce / n) < 1e-9);
  assert.ok(last.trainAccuracy! > 0.9, `separable data learnt (${last.trainAccuracy})`);
  assert.ok(res.history[0].trainAccuracy! < last.trainAccuracy!);
  assert.equal(rowsSeen, n);
  // a subset of 20 examples: predictProba never sees more than 20 rows
  rowsSeen = 0;
  const sub = await train(model, data, {
    optimizer: sgd(0.1),
    epochs: 1,
    batchSize: 6,
    shuffle: false,
    evaluate: { test: data },
    evaluateSubset: 20,
  });
  assert.equal(rowsSeen, 20);
  assert.ok(
    sub.history.every((h) => Number.isInteger(h.testAccuracy! * 20)),
    "accuracy over 20 examples",
  );
});

test("bad options and data are reported clearly", async () => {
  const data = indexed(10);
  const model = new LeastSquares(3);
  const base = { optimizer: sgd(0.1), shuffle: false } as const;
  await assert.rejects(train(model, data, { ...base, batchSize: 0 }), /batchSize.*1 to n = 10.*0/);
  await assert.rejects(train(model, data, { ...base, batchSize: 11 }), /batchSize.*11/);
  await assert.rejects(train(model, data, { ...base, batchSize: 2.5 }), /batchSize/);
  await assert.rejects(train(model, data, { optimizer: sgd(0.1), batchSize: 2, shuffle: true }), /shuffle.*rng/);
  await assert.rejects(
    train(model, { X: data.X, y: new Float64Array(9) }, { ...base, batchSize: 2 }),
    /10×3.*9 labels/,
  );
  await assert.rejects(train(model, data, { ...base, batchSize: 2, epochs: 0 }), /epochs/);
  await assert.rejects(
    train(model, data, { ...base, batchSize: 2, evaluate: { test: { X: zeros(4, 2), y: [0, 0, 0, 0] } } }),
    /evaluate\.test.*4×2.*10×3/,
  );
  assert.equal(model.calls, 0, "nothing trained");
});
