/**
 * Homework 05 · softmax regression experiments (notebooks/homework-masters/05-softmax-experiments.ipynb).
 *
 *   hw05-ex1  miniBatches(n, B, seed)              the index lists of one epoch (shuffled or in order)
 *   hw05-ex2  trainSoftmaxSgd(data, run)           mini-batch SGD on softmax regression, mean gradient
 *   hw05-ex3  batchSizeExperiment(train, test)     B = 1, 10, 100 on the same budget of images (bars)
 *   hw05-ex4  sortedVsShuffled(train, test)        class-sorted stream vs shuffled (a margin)
 *   hw05-ex5  onePerClass(train, test, seed)       ten training images (a bar)
 *   hw05-ex6  confidentMistakes(P, y, k)           the k most confident mistakes of each true class
 *
 * The experiments (ex3-ex5) run on small MNIST subsets so a check takes well under a second:
 * 3,000 training images and 1,000 test images. Their bars were set from the reference over several
 * subsets and seeds (see each exercise) with a margin, and still fail the usual mistakes.
 */
import * as d from "../../index";
import { exercise, exerciseIds } from "../check";
import { isMatrixLike } from "../values";

// ---------------------------------------------------------------------------------------------
// Shared references (the course's own code; the notebook asks students to write the same).

/** One epoch's mini-batches: order = 0…n−1 (seed null) or d.rng(seed).permutation(n); cut into runs of B. */
export function miniBatchesRef(n: number, batchSize: number, seed: number | null): number[][] {
  const order = seed === null ? Array.from({ length: n }, (_, i) => i) : Array.from(d.rng(seed).permutation(n));
  const out: number[][] = [];
  for (let s = 0; s < n; s += batchSize) out.push(order.slice(s, s + batchSize));
  return out;
}

/** The settings of one SGD run. Epoch e (0, 1, …) uses the batches miniBatches(n, B, seed === null ? null : seed + e). */
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
      for (const p of model.params) for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= run.eta * p.grad.data[i];
    }
  }
  return model;
}

const testAccuracy = (model: d.Model, test: d.Dataset): number => d.accuracy(model.predict(test.X), test.y);

/** The experiments' data: `nTrain` training images from `offset`, `nTest` test images from offset/5. */
export function experimentData(offset = 0, nTrain = 3000, nTest = 1000): { train: d.Dataset; test: d.Dataset } {
  const m = d.loadMnist();
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  return { train: d.subset(m.train, range(offset, nTrain)), test: d.subset(m.test, range(Math.floor(offset / 5), nTest)) };
}

/** One row of the batch-size experiment. */
export interface BatchRow {
  batchSize: number;
  eta: number;
  steps: number;
  accuracy: number;
}

/** The four runs, in this order: (B, η) = (1, 0.01), (10, 0.1), (100, 1), (100, 0.1); one epoch each, seed 1. */
export const BATCH_RUNS: readonly [number, number][] = [
  [1, 0.01],
  [10, 0.1],
  [100, 1],
  [100, 0.1],
];

export function batchSizeExperimentRef(train: d.Dataset, test: d.Dataset): BatchRow[] {
  return BATCH_RUNS.map(([B, eta]) => ({
    batchSize: B,
    eta,
    steps: Math.ceil(train.y.length / B),
    accuracy: testAccuracy(trainSoftmaxSgdRef(train, { batchSize: B, eta, epochs: 1, seed: 1 }), test),
  }));
}

export function sortedVsShuffledRef(train: d.Dataset, test: d.Dataset): { sorted: number; shuffled: number } {
  const run = { batchSize: 10, eta: 0.1, epochs: 1 };
  return {
    sorted: testAccuracy(trainSoftmaxSgdRef(d.sortByClass(train), { ...run, seed: null }), test),
    shuffled: testAccuracy(trainSoftmaxSgdRef(train, { ...run, seed: 1 }), test),
  };
}

export function onePerClassRef(train: d.Dataset, test: d.Dataset, seed: number): number {
  const ten = d.perClass(train, 1, seed);
  return testAccuracy(trainSoftmaxSgdRef(ten, { batchSize: 10, eta: 0.1, epochs: 300, seed: null }), test);
}

export function confidentMistakesRef(P: d.Matrix, y: ArrayLike<number>, k: number): d.Mistake[][] {
  return d.mostConfidentMistakes(P, y, k);
}

// ---------------------------------------------------------------------------------------------
// Small helpers for the messages.

const isNum = (v: unknown): v is number => typeof v === "number";
const fmt = (v: number) => (Number.isFinite(v) ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v));
const list = (a: ArrayLike<number>, max = 8) => `[${Array.from(a).slice(0, max).map(fmt).join(", ")}${a.length > max ? ", …" : ""}]`;
const pct = (a: number) => `${(100 * a).toFixed(1)}%`;

function isArrayLikeOfNumbers(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v)) return true;
  return Array.isArray(v) && v.every(isNum);
}

/** Compare two lists of batches: same count, same sizes, same indices. */
function compareBatches(got: unknown, expected: unknown): string | null {
  const exp = expected as number[][];
  if (!Array.isArray(got)) return `expected an array of ${exp.length} batches (arrays of indices), got ${typeof got}`;
  if (got.length !== exp.length) {
    const sizes = (b: unknown[]) => b.map((x) => (isArrayLikeOfNumbers(x) ? x.length : "?")).join(", ");
    return `expected ${exp.length} batches (sizes ${sizes(exp)}), got ${got.length} (sizes ${sizes(got)})`;
  }
  for (let b = 0; b < exp.length; b++) {
    const g = got[b];
    if (!isArrayLikeOfNumbers(g)) return `batch ${b} is not an array of numbers`;
    if (g.length !== exp[b].length) return `batch ${b}: expected ${exp[b].length} indices ${list(exp[b])}, got ${g.length} ${list(g)}`;
    for (let i = 0; i < g.length; i++) {
      if (g[i] !== exp[b][i]) return `batch ${b}, position ${i}: expected index ${exp[b][i]}, got ${g[i]} (batch ${b}: expected ${list(exp[b])}, got ${list(g)})`;
    }
  }
  return null;
}

function compareMistakes(got: unknown, expected: unknown): string | null {
  const exp = expected as d.Mistake[][];
  if (!Array.isArray(got)) return `expected an array of ${exp.length} lists (one per true class), got ${typeof got}`;
  if (got.length !== exp.length) return `expected ${exp.length} lists (one per true class 0…${exp.length - 1}), got ${got.length}`;
  for (let c = 0; c < exp.length; c++) {
    const g = got[c] as d.Mistake[];
    const e = exp[c];
    if (!Array.isArray(g)) return `class ${c}: expected an array of mistakes, got ${typeof g}`;
    const show = (ms: d.Mistake[]) => `[${ms.slice(0, 4).map((m) => (m && typeof m === "object" ? `#${m.index}→${m.predicted} ${fmt(m.score)}` : String(m))).join(", ")}${ms.length > 4 ? ", …" : ""}]`;
    if (g.length !== e.length) return `class ${c}: expected ${e.length} mistakes ${show(e)}, got ${g.length} ${show(g)}`;
    for (let r = 0; r < e.length; r++) {
      const m = g[r];
      const ok = m && typeof m === "object" && m.index === e[r].index && m.label === e[r].label && m.predicted === e[r].predicted && isNum(m.score) && Math.abs(m.score - e[r].score) <= 1e-9;
      if (!ok) return `class ${c}, rank ${r}: expected ${JSON.stringify(e[r])}, got ${JSON.stringify(m)}; class ${c} expected ${show(e)}, got ${show(g)}`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// ex1 · mini-batches

exercise({
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

// ---------------------------------------------------------------------------------------------
// ex2 · mini-batch SGD

function smallData(nExamples: number, offset: number): d.Dataset {
  const m = d.loadMnist();
  return d.subset(m.train, Array.from({ length: nExamples }, (_, i) => offset + i));
}

/** A wrong trainer built from the reference with one change. */
function trainVariant(data: d.Dataset, run: SgdRun, change: "sum" | "sameOrder" | "dropLast" | "plusSign"): d.SoftmaxRegression {
  const model = new d.SoftmaxRegression({ inputs: data.X.cols, classes: 10, dtype: data.X.dtype });
  for (let e = 0; e < run.epochs; e++) {
    const seed = run.seed === null ? null : change === "sameOrder" ? run.seed : run.seed + e;
    for (const idx of miniBatchesRef(data.y.length, run.batchSize, seed)) {
      if (change === "dropLast" && idx.length < run.batchSize) continue;
      const batch = d.subset(data, idx);
      model.lossAndGradient(batch.X, batch.y);
      const step = change === "sum" ? run.eta * idx.length : change === "plusSign" ? -run.eta : run.eta;
      for (const p of model.params) for (let i = 0; i < p.value.data.length; i++) p.value.data[i] -= step * p.grad.data[i];
    }
  }
  return model;
}

exercise({
  id: "hw05-ex2",
  title: "Mini-batch SGD for softmax regression",
  reference: trainSoftmaxSgdRef,
  // compare the trained parameters W (10×784) and b (1×10), float32 rounding allowed
  output: (model: unknown) => {
    const m = model as { W?: unknown; b?: unknown } | null;
    return m && typeof m === "object" && isMatrixLike(m.W) && isMatrixLike(m.b) ? { W: m.W, b: m.b } : model;
  },
  tolerance: 1e-4,
  cases: () => [
    { name: "40 images, B = 10, η = 0.1, 1 epoch, in order", args: [smallData(40, 0), { batchSize: 10, eta: 0.1, epochs: 1, seed: null }], points: 1 },
    { name: "50 images, B = 8 (a short last batch), η = 0.1, 2 epochs, seed 3", args: [smallData(50, 100), { batchSize: 8, eta: 0.1, epochs: 2, seed: 3 }], points: 2 },
    { name: "edge case: one example, B = 10, η = 0.5, 5 epochs, seed 1", args: [smallData(1, 7), { batchSize: 10, eta: 0.5, epochs: 5, seed: 1 }], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "60 images, B = 7, η = 0.05, 3 epochs, random seed", args: [smallData(60, 1000 + rng.int(5000)), { batchSize: 7, eta: 0.05, epochs: 3, seed: 1 + rng.int(1000) }], points: 1 },
    { name: "30 images, B = 1, η = 0.01, 1 epoch, random seed", args: [smallData(30, 8000 + rng.int(5000)), { batchSize: 1, eta: 0.01, epochs: 1, seed: 1 + rng.int(1000) }], points: 1 },
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

// ---------------------------------------------------------------------------------------------
// ex3 · batch sizes on the same budget (bars)
//
// Reference over three subsets (offsets 0, 5000, 20000): B=1 η=0.01: 0.86 0.81 0.85; B=10 η=0.1:
// 0.86 0.80 0.85; B=100 η=1: 0.78 0.77 0.75; B=100 η=0.1: 0.76 0.70 0.76.

function checkBatchRows(got: unknown, args: unknown[]): string | null {
  const train = args[0] as d.Dataset;
  if (!Array.isArray(got)) return `expected an array of ${BATCH_RUNS.length} rows { batchSize, eta, steps, accuracy }, got ${typeof got}`;
  if (got.length !== BATCH_RUNS.length) return `expected ${BATCH_RUNS.length} rows, one per run (B, η) = ${BATCH_RUNS.map(([B, e]) => `(${B}, ${e})`).join(", ")}, got ${got.length}`;
  const n = train.y.length;
  for (let r = 0; r < BATCH_RUNS.length; r++) {
    const [B, eta] = BATCH_RUNS[r];
    const row = got[r] as Partial<BatchRow>;
    if (!row || row.batchSize !== B || row.eta !== eta) return `row ${r}: expected batchSize ${B} and eta ${eta} (the runs in the order of the task), got ${JSON.stringify(row)}`;
    if (!isNum(row.accuracy) || !(row.accuracy >= 0 && row.accuracy <= 1)) return `row ${r} (B = ${B}): accuracy must be a fraction in [0, 1], got ${row?.accuracy}`;
    if (row.steps !== Math.ceil(n / B)) {
      return `row ${r} (B = ${B}): one epoch of ${n} images takes ⌈${n}/${B}⌉ = ${Math.ceil(n / B)} steps, got ${row.steps}. Every run gets the same budget of images (one epoch), not the same number of steps.`;
    }
  }
  return null;
}

exercise({
  id: "hw05-ex3",
  title: "Batch sizes 1, 10 and 100 on the same budget",
  compare: (got: unknown, _expected: unknown, args: unknown[]) => {
    const shape = checkBatchRows(got, args);
    if (shape) return shape;
    const rows = got as BatchRow[];
    const bars: [number, number][] = [
      [0, 0.78],
      [1, 0.78],
      [2, 0.7],
      [3, 0.65],
    ];
    for (const [r, bar] of bars) {
      if (rows[r].accuracy < bar) {
        return `B = ${rows[r].batchSize}, η = ${rows[r].eta}: test accuracy ${pct(rows[r].accuracy)} is below the bar ${pct(bar)}. ` +
          (rows[r].accuracy < 0.2 ? "That is near chance (10%): is the update's sign right, and did you train on `train` (shuffled, seed 1) and measure on `test`?" : "Check the run's settings (one epoch, seed 1, η as in the task) and that you measure on the test images.");
      }
    }
    const gap = rows[1].accuracy - rows[3].accuracy;
    if (gap < 0.04) {
      return `with the same η = 0.1, B = 100 should end clearly below B = 10 (it takes 10 times fewer steps): expected a gap of at least 4 points, got ${(100 * gap).toFixed(1)} (B = 10: ${pct(rows[1].accuracy)}, B = 100: ${pct(rows[3].accuracy)}). Did both runs really use η = 0.1?`;
    }
    return null;
  },
  cases: () => {
    const { train, test } = experimentData(0);
    return [{ name: "3,000 training images (first block), 1,000 test images: rows, budgets and bars", args: [train, test], points: 3 }];
  },
  hidden: () => {
    const { train, test } = experimentData(20000);
    return [{ name: "another 3,000 training images and 1,000 test images", args: [train, test], points: 1 }];
  },
});

// ---------------------------------------------------------------------------------------------
// ex4 · sorted vs shuffled (a margin). Reference: shuffled 0.86 / 0.80 / 0.85, sorted 0.09 / 0.10 / 0.13.

exercise({
  id: "hw05-ex4",
  title: "Sorted by class versus shuffled",
  compare: (got: unknown) => {
    const g = got as { sorted?: unknown; shuffled?: unknown } | null;
    if (!g || !isNum(g.sorted) || !isNum(g.shuffled)) return `expected { sorted: number, shuffled: number } (two test accuracies), got ${JSON.stringify(got)}`;
    for (const k of ["sorted", "shuffled"] as const) if (!((g[k] as number) >= 0 && (g[k] as number) <= 1)) return `${k}: an accuracy is a fraction in [0, 1], got ${g[k]}`;
    const sorted = g.sorted;
    const shuffled = g.shuffled;
    if (shuffled < 0.78) return `the shuffled run reaches ${pct(shuffled)} on the test images; the bar is 78% (B = 10, η = 0.1, one epoch, seed 1). Is it really shuffled and trained for a whole epoch?`;
    if (sorted > 0.35) {
      return `the sorted run reaches ${pct(sorted)}, far more than a class-sorted stream can: the bar says at most 35%. Did you sort the training data (d.sortByClass) and walk through it IN ORDER (seed null)? Shuffling after sorting undoes the sort.`;
    }
    if (shuffled - sorted < 0.4) return `shuffled should beat sorted by at least 40 points, got ${(100 * (shuffled - sorted)).toFixed(1)} (shuffled ${pct(shuffled)}, sorted ${pct(sorted)})`;
    return null;
  },
  cases: () => {
    const { train, test } = experimentData(0);
    return [{ name: "3,000 training images, 1,000 test images: shuffled beats sorted by 40 points", args: [train, test], points: 2 }];
  },
  hidden: () => {
    const { train, test } = experimentData(5000);
    return [{ name: "another 3,000 training images", args: [train, test], points: 1 }];
  },
});

// ---------------------------------------------------------------------------------------------
// ex5 · one image per class. Reference over seeds 1…15 (1,000 test images): 0.32 … 0.50.

exercise({
  id: "hw05-ex5",
  title: "Ten training images",
  compare: (got: unknown) => {
    if (!isNum(got) || !(got >= 0 && got <= 1)) return `expected one test accuracy (a fraction in [0, 1]), got ${JSON.stringify(got)}`;
    if (got === 1) return "100% is the TRAINING accuracy on the ten images (they are learned perfectly); the task asks for the accuracy on the test images.";
    if (got < 0.25) return `test accuracy ${pct(got)} is below the bar 25% (chance is 10%). Trained for 300 steps with η = 0.1 on d.perClass(train, 1, seed)?`;
    if (got > 0.65) return `test accuracy ${pct(got)} is above 65%: ten images cannot teach that much. Did you train on only the ten images d.perClass(train, 1, seed)?`;
    return null;
  },
  cases: () => {
    const { train, test } = experimentData(0);
    return [{ name: "ten images drawn with seed 5, 1,000 test images: between 25% and 65%", args: [train, test, 5], points: 2 }];
  },
  hidden: (rng: d.Rng) => {
    const { train, test } = experimentData(0);
    return [{ name: "ten images drawn with another seed", args: [train, test, 100 + rng.int(1000)], points: 1 }];
  },
});

// ---------------------------------------------------------------------------------------------
// ex6 · the most confident mistakes

/** n×K probabilities from random logits (scaled so some predictions are confident). */
function randomProbabilities(rng: d.Rng, n: number, K: number, scale = 2): d.Matrix {
  return d.softmax(d.randn(n, K, rng, scale));
}

function randomLabels(rng: d.Rng, n: number, K: number): Int32Array {
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(K);
  return y;
}

/** A hand case: 6 examples, 3 classes; class 2 has no mistakes; two mistakes of class 0 tie. */
function handCase(): [d.Matrix, Int32Array, number] {
  const P = d.fromArrays([
    [0.2, 0.7, 0.1], // y 0 → 1, 0.7
    [0.1, 0.1, 0.8], // y 0 → 2, 0.8
    [0.6, 0.3, 0.1], // y 0 correct
    [0.5, 0.4, 0.1], // y 1 → 0, 0.5
    [0.2, 0.1, 0.7], // y 0 → 2, 0.7 (ties with example 0)
    [0.1, 0.2, 0.7], // y 2 correct
  ]);
  return [P, Int32Array.from([0, 0, 0, 1, 0, 2]), 10];
}

/** Wrong variants for the hints. */
function mistakesVariant(P: d.Matrix, y: ArrayLike<number>, k: number, change: "ascending" | "all" | "byPredicted" | "trueScore"): d.Mistake[][] {
  const K = P.cols;
  const byClass: d.Mistake[][] = Array.from({ length: K }, () => []);
  for (let i = 0; i < P.rows; i++) {
    const row = Array.from(P.row(i));
    const predicted = row.indexOf(Math.max(...row));
    const label = y[i];
    if (predicted === label && change !== "all") continue;
    const score = change === "trueScore" ? row[label] : row[predicted];
    byClass[change === "byPredicted" ? predicted : label].push({ index: i, label, predicted, score });
  }
  for (const l of byClass) {
    l.sort((a, b) => (change === "ascending" ? a.score - b.score : b.score - a.score) || a.index - b.index);
    l.length = Math.min(l.length, k);
  }
  return byClass;
}

exercise({
  id: "hw05-ex6",
  title: "The most confident mistakes of each class",
  reference: confidentMistakesRef,
  compare: compareMistakes,
  cases: (rng: d.Rng) => [
    { name: "hand case: 6 examples, 3 classes, a tie, a class without mistakes", args: handCase(), points: 1 },
    { name: "k = 2 on 40 random examples, 4 classes", args: [randomProbabilities(rng, 40, 4), randomLabels(rng, 40, 4), 2], points: 1 },
    { name: "k larger than the number of mistakes (80 examples, 5 classes, k = 50)", args: [randomProbabilities(rng, 80, 5), randomLabels(rng, 80, 5), 50], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "k = 3 on 200 random examples, 10 classes", args: [randomProbabilities(rng, 200, 10, 3), randomLabels(rng, 200, 10), 3], points: 1 },
    { name: "one example, classified correctly (every list empty)", args: [d.fromArrays([[0.1, 0.9]]), Int32Array.from([1]), 5], points: 1 },
  ],
  mistakes: [
    {
      hint: "The lists are sorted from least to most confident: the most confident mistake (highest score) comes first.",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "ascending"),
    },
    {
      hint: "Correctly classified examples are in the lists: keep only the examples with ŷ ≠ y.",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "all"),
    },
    {
      hint: "The mistakes are grouped by the PREDICTED class: list c must hold the mistakes on images whose TRUE class is c.",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "byPredicted"),
    },
    {
      hint: "The score is the probability of the true class; the confidence of a prediction is the probability of the PREDICTED class, P[i, ŷ_i] = max_j P[i, j].",
      answer: (P: d.Matrix, y: ArrayLike<number>, k: number) => mistakesVariant(P, y, k, "trueScore"),
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see test/lastStatement.test.ts.) */
export const HW05_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw05-"));
