/** Homework 05: code shared by its exercises (see ./index.ts). */
import * as d from "../../../index";

// ---------------------------------------------------------------------------------------------
// Shared references (the course's own code; the notebook asks students to write the same).

/** One epoch's mini-batches: order = 0…n−1 (seed null) or d.rng(seed).permutation(n); cut into runs of B. */
export function miniBatchesRef(n: number, batchSize: number, seed: number | null): number[][] {
  const order = seed === null ? Array.from({ length: n }, (_, i) => i) : Array.from(d.rng(seed).permutation(n));
  const out: number[][] = [];
  for (let s = 0; s < n; s += batchSize) out.push(order.slice(s, s + batchSize));
  return out;
}

/**
 * The settings of one SGD run. Epoch e (0, 1, …) uses the batches miniBatches(n, B, seed === null ? null : seed + e).
 */
export interface SgdRun {
  batchSize: number;
  eta: number;
  epochs: number;
  seed: number | null;
}

/** Mini-batch SGD on a zero-initialised 10-class softmax regression: θ ← θ − η·∂L/∂θ, L the batch MEAN. */
export function trainSoftmaxSgdRef(data: d.Dataset, run: SgdRun): d.SoftmaxRegression {
  const model = new d.SoftmaxRegression({ inputs: data.X.cols, classes: 10, dtype: data.X.dtype });
  for (let e = 0; e < run.epochs; e++) {
    for (const idx of miniBatchesRef(data.y.length, run.batchSize, run.seed === null ? null : run.seed + e)) {
      const batch = d.subset(data, idx);
      model.lossAndGradient(batch.X, batch.y);
      for (const p of model.params)
        for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= run.eta * p.grad.data[i];
    }
  }
  return model;
}

export const testAccuracy = (model: d.Model, test: d.Dataset): number => d.accuracy(model.predict(test.X), test.y);

/** The experiments' data: `nTrain` training images from `offset`, `nTest` test images from offset/5. */
export function experimentData(offset = 0, nTrain = 3000, nTest = 1000): { train: d.Dataset; test: d.Dataset } {
  const m = d.loadMnist();
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  return {
    train: d.subset(m.train, range(offset, nTrain)),
    test: d.subset(m.test, range(Math.floor(offset / 5), nTest)),
  };
}

/** One row of the batch-size experiment: the run's settings and its trained model (the evidence). */
export interface BatchRow {
  batchSize: number;
  eta: number;
  steps: number;
  model: d.SoftmaxRegression;
}

/** The four runs, in this order: (B, η) = (1, 0.01), (10, 0.1), (100, 1), (100, 0.1); one epoch each, seed 1. */
export const BATCH_RUNS: readonly [number, number][] = [
  [1, 0.01],
  [10, 0.1],
  [100, 1],
  [100, 0.1],
];

export function batchSizeExperimentRef(train: d.Dataset, _test: d.Dataset): BatchRow[] {
  return BATCH_RUNS.map(([B, eta]) => ({
    batchSize: B,
    eta,
    steps: Math.ceil(train.y.length / B),
    model: trainSoftmaxSgdRef(train, { batchSize: B, eta, epochs: 1, seed: 1 }),
  }));
}

/** The two trained models (the evidence the check measures on held-out images). */
export function sortedVsShuffledRef(
  train: d.Dataset,
  _test: d.Dataset,
): { sorted: d.SoftmaxRegression; shuffled: d.SoftmaxRegression } {
  const run = { batchSize: 10, eta: 0.1, epochs: 1 };
  return {
    sorted: trainSoftmaxSgdRef(d.sortByClass(train), { ...run, seed: null }),
    shuffled: trainSoftmaxSgdRef(train, { ...run, seed: 1 }),
  };
}

/** The model trained on the ten images (the evidence the check measures on held-out images). */
export function onePerClassRef(train: d.Dataset, _test: d.Dataset, seed: number): d.SoftmaxRegression {
  const ten = d.perClass(train, 1, seed);
  return trainSoftmaxSgdRef(ten, { batchSize: 10, eta: 0.1, epochs: 300, seed: null });
}

// ---------------------------------------------------------------------------------------------
// Evidence: an experiment hands in its trained model(s); the check measures them itself.

/** What a self-reported number gets (0 points) in an experiment that asks for the trained model. */
export const NOT_EVIDENCE =
  "A number alone is not evidence: return the trained model (the d.SoftmaxRegression your trainSoftmaxSgd returns). The check measures it itself, on held-out test images your function never sees.";

let heldOutCache: d.Dataset | null = null;
/** The held-out images a handed-in model is measured on: MNIST test images 2000…2999 (no case passes them). */
export function heldOut(): d.Dataset {
  if (!heldOutCache)
    heldOutCache = d.subset(
      d.loadMnist().test,
      Array.from({ length: 1000 }, (_, i) => 2000 + i),
    );
  return heldOutCache;
}

const isMatrixLike = (v: unknown): v is { rows: number; cols: number; data: ArrayLike<number> } => {
  const m = v as { rows?: unknown; cols?: unknown; data?: unknown } | null;
  return (
    !!m &&
    typeof m === "object" &&
    typeof m.rows === "number" &&
    typeof m.cols === "number" &&
    ArrayBuffer.isView(m.data)
  );
};

/**
 * A handed-in 10-class softmax regression's accuracy on the held-out images (acc = mean over i of
 * [argmax_k (x_i Wᵀ + b)_k = y_i], W 10×784, b 1×10), or a message saying why `got` is not such a model.
 */
export function heldOutAccuracy(got: unknown, what: string): number | string {
  if (typeof got === "number") return `${what}: ${NOT_EVIDENCE}`;
  const m = got as { W?: unknown; b?: unknown } | null;
  if (!m || typeof m !== "object" || !isMatrixLike(m.W) || !isMatrixLike(m.b)) {
    return `${what}: expected the trained model (a d.SoftmaxRegression, with its W and b), got ${JSON.stringify(got)?.slice(0, 80)}`;
  }
  const data = heldOut();
  if (m.W.rows !== 10 || m.W.cols !== data.X.cols || m.b.data.length !== 10)
    return `${what}: the model's W is ${m.W.rows}×${m.W.cols} and b has ${m.b.data.length} entries; expected W 10×${data.X.cols} and b 1×10`;
  const model = new d.SoftmaxRegression({ inputs: m.W.cols, classes: m.W.rows, dtype: data.X.dtype }); // 10×784
  model.W.data.set(m.W.data);
  model.b.data.set(m.b.data);
  if (!Array.from(model.W.data).every(Number.isFinite) || !Array.from(model.b.data).every(Number.isFinite))
    return `${what}: the model's W or b holds NaN or ±∞ (the steps blew up)`;
  return testAccuracy(model, data);
}

/** A handed-in model's held-out accuracy must match the reference run's within 3 points (same data, same seed). */
export function sameRun(acc: number, ref: number, what: string): string | null {
  if (Math.abs(acc - ref) <= 0.03) return null;
  return `${what}: your model scores ${pct(acc)} on the held-out images; the run the task describes scores ${pct(ref)} there. Check the run's settings (B, η, epochs, seed) and the data it trains on.`;
}

export function confidentMistakesRef(P: d.Matrix, y: ArrayLike<number>, k: number): d.Mistake[][] {
  return d.mostConfidentMistakes(P, y, k);
}

// ---------------------------------------------------------------------------------------------
// Small helpers for the messages.

export const isNum = (v: unknown): v is number => typeof v === "number";
export const fmt = (v: number) => (Number.isFinite(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v));
export const list = (a: ArrayLike<number>, max = 8) =>
  `[${Array.from(a).slice(0, max).map(fmt).join(", ")}${a.length > max ? ", …" : ""}]`;
export const pct = (a: number) => `${(100 * a).toFixed(1)}%`;

export function isArrayLikeOfNumbers(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) return true;
  return Array.isArray(v) && v.every(isNum);
}

/** Compare two lists of batches: same count, same sizes, same indices. */
export function compareBatches(got: unknown, expected: unknown): string | null {
  const exp = expected as number[][];
  if (!Array.isArray(got)) return `expected an array of ${exp.length} batches (arrays of indices), got ${typeof got}`;
  if (got.length !== exp.length) {
    const sizes = (b: unknown[]) => b.map((x) => (isArrayLikeOfNumbers(x) ? x.length : "?")).join(", ");
    return `expected ${exp.length} batches (sizes ${sizes(exp)}), got ${got.length} (sizes ${sizes(got)})`;
  }
  for (let b = 0; b < exp.length; b++) {
    const g = got[b];
    if (!isArrayLikeOfNumbers(g)) return `batch ${b} is not an array of numbers`;
    if (g.length !== exp[b].length)
      return `batch ${b}: expected ${exp[b].length} indices ${list(exp[b])}, got ${g.length} ${list(g)}`;
    for (let i = 0; i < g.length; i++) {
      if (g[i] !== exp[b][i])
        return `batch ${b}, position ${i}: expected index ${exp[b][i]}, got ${g[i]} (batch ${b}: expected ${list(exp[b])}, got ${list(g)})`;
    }
  }
  return null;
}

export function compareMistakes(got: unknown, expected: unknown): string | null {
  const exp = expected as d.Mistake[][];
  if (!Array.isArray(got)) return `expected an array of ${exp.length} lists (one per true class), got ${typeof got}`;
  if (got.length !== exp.length)
    return `expected ${exp.length} lists (one per true class 0…${exp.length - 1}), got ${got.length}`;
  for (let c = 0; c < exp.length; c++) {
    const g = got[c] as d.Mistake[];
    const e = exp[c];
    if (!Array.isArray(g)) return `class ${c}: expected an array of mistakes, got ${typeof g}`;
    const show = (ms: d.Mistake[]) =>
      `[${ms
        .slice(0, 4)
        .map((m) => (m && typeof m === "object" ? `#${m.index}→${m.predicted} ${fmt(m.score)}` : String(m)))
        .join(", ")}${ms.length > 4 ? ", …" : ""}]`;
    if (g.length !== e.length)
      return `class ${c}: expected ${e.length} mistakes ${show(e)}, got ${g.length} ${show(g)}`;
    for (let r = 0; r < e.length; r++) {
      const m = g[r];
      const ok =
        m &&
        typeof m === "object" &&
        m.index === e[r].index &&
        m.label === e[r].label &&
        m.predicted === e[r].predicted &&
        isNum(m.score) &&
        Math.abs(m.score - e[r].score) <= 1e-9;
      if (!ok)
        return `class ${c}, rank ${r}: expected ${JSON.stringify(e[r])}, got ${JSON.stringify(m)}; class ${c} expected ${show(e)}, got ${show(g)}`;
    }
  }
  return null;
}
