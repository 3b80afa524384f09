/**
 * Homework 04 · the softmax-regression gradient (master: notebooks/homework-masters/04-softmax-regression.ipynb).
 *
 * Model of the handwritten notes: W (K×d, row j = w_j), b (1×K), z = W x + b, p = softmax(z),
 * energy E = Σ_i −ln p_{y_i}(x_i) (a SUM), mean loss L = E / n.
 *
 *   hw04-ex1  exampleGradient(W, b, x, y)            one example: ∂E/∂W = (p − e_y) xᵀ (K×d), ∂E/∂b = p − e_y (1×K)
 *   hw04-ex2  energyGradient(W, b, X, y)             per-example sum: ∂E/∂w_j = Σ_i (p_j(x_i) − 1{y_i=j}) x_i
 *   hw04-ex3  vectorisedGradient(W, b, X, y)         ∂L/∂W = (1/n)(P − Y)ᵀX, ∂L/∂b = (1/n) 1ᵀ(P − Y)
 *   hw04-ex4  numericalGradient(loss, M, entries, h) central differences at chosen entries of M (restored after)
 *   hw04-ex5  trainSoftmax(train, epochs, eta, B)    mini-batch gradient descent; bar: test accuracy on an MNIST subset
 *   hw04-ex6  centre(train, test)                    both sets minus the TRAINING mean image μ = (1/n) Σ_i x_i (1×d)
 *
 * References: src/chapters/notesAlgorithm.ts (exactEnergyGradient, and the notes' printed formulas as
 * known mistakes), src/calculus/gradcheck.ts (centralDifferences), src/models/softmax.ts.
 */
import { addRowVector, argmaxRows, copy, fromArrays, map, Matrix, matmulNT, randn, rowVector, scale, sum, sumRows, zeros } from "../../core/matrix";
import { Rng } from "../../core/random";
import { centralDifferences } from "../../calculus/gradcheck";
import { exactEnergyGradient, notesCaseGradient, notesDerivationWeightGradient, NotesParams } from "../../chapters/notesAlgorithm";
import { loadMnist, subset, Dataset } from "../../data/mnist";
import * as sm from "../../models/softmax";
import { exercise, exerciseIds } from "../check";
import { fmt } from "../values";

type Labels = ArrayLike<number>;
interface Gradient {
  dW: Matrix;
  db: Matrix;
}

const labels = (rng: Rng, n: number, K: number): number[] => Array.from({ length: n }, () => rng.int(K));
const params = (rng: Rng, K: number, d: number, scale = 0.5): [Matrix, Matrix] => [randn(K, d, rng, scale), randn(1, K, rng, scale)];

function scaled(g: Gradient, s: number): Gradient {
  const f = (M: Matrix) => {
    const C = copy(M, "float64");
    for (let i = 0; i < C.data.length; i++) C.data[i] *= s;
    return C;
  };
  return { dW: f(g.dW), db: f(g.db) };
}

/** A few MNIST images (float64, pixels in [0, 1]) and their labels, from `offset`. */
function mnistPart(offset: number, n: number): { X: Matrix; y: number[] } {
  const part = subset(loadMnist().train, Array.from({ length: n }, (_, i) => offset + i));
  return { X: copy(part.X, "float64"), y: Array.from(part.y) };
}

// ---------------------------------------------------------------------------------------------
// hw04-ex1 · one example

export function exampleGradientRef(W: Matrix, b: Matrix, x: ArrayLike<number>, y: number): Gradient {
  return exactEnergyGradient({ W, b }, rowVector(x), [y]);
}

exercise({
  id: "hw04-ex1",
  title: "The gradient for one example",
  reference: exampleGradientRef,
  cases: (rng) => {
    const [W, b] = params(rng, 4, 6);
    return [
      { name: "hand case: W = 0, b = 0, x = (1, 2), y = 0, K = 2", args: [zeros(2, 2), zeros(1, 2), [1, 2], 0], points: 1 },
      { name: "random K = 4, d = 6, y = 2", args: [W, b, Array.from(randn(1, 6, rng).data), 2], points: 2 },
      { name: "an MNIST image, K = 10, random small W", args: [...params(rng, 10, 784, 0.01), Array.from(mnistPart(0, 1).X.data), mnistPart(0, 1).y[0]], points: 1 },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: the last class, y = K − 1", args: [...params(rng, 5, 3), [0.5, -1, 2], 4], points: 1 },
    { name: "edge case: large logits (a saturated softmax)", args: [...params(rng, 3, 4, 200), Array.from(randn(1, 4, rng).data), 1], points: 1 },
  ],
  mistakes: [
    {
      hint: "These are the notes' case formulas as printed (x_k(1 − p_j) for j = y, −(1 − p_j) and −p_j for b): their signs are wrong. From −ln p_y = −z_y + ln Σ_m e^{z_m}: ∂E/∂w_{j,k} = (p_j − 1{y=j}) x_k and ∂E/∂b_j = p_j − 1{y=j}.",
      answer: (W: Matrix, b: Matrix, x: ArrayLike<number>, y: number) => notesCaseGradient({ W, b }, x, y),
    },
    {
      hint: "The one-hot term is missing: the derivative of −z_y adds −1 to row y. ∂E/∂W = (p − e_y) xᵀ, not p xᵀ.",
      answer: (W: Matrix, b: Matrix, x: ArrayLike<number>) => {
        const P = sm.softmax(addBias(matmulNT(rowVector(x), W), b));
        const dW = zeros(W.rows, W.cols);
        for (let j = 0; j < W.rows; j++) for (let k = 0; k < W.cols; k++) dW.set(j, k, P.data[j] * x[k]);
        return { dW, db: copy(P, "float64") };
      },
    },
  ],
});

function addBias(Z: Matrix, b: Matrix): Matrix {
  const out = copy(Z, "float64");
  for (let i = 0; i < out.rows; i++) for (let j = 0; j < out.cols; j++) out.data[i * out.cols + j] += b.data[j];
  return out;
}

// ---------------------------------------------------------------------------------------------
// hw04-ex2 · the energy's gradient, summed over the examples

export function energyGradientRef(W: Matrix, b: Matrix, X: Matrix, y: Labels): Gradient {
  return exactEnergyGradient({ W, b }, X, y);
}

exercise({
  id: "hw04-ex2",
  title: "The energy's gradient, example by example",
  reference: energyGradientRef,
  cases: (rng) => {
    const m = mnistPart(100, 20);
    return [
      { name: "hand case: W = 0, b = 0, 2 examples, K = 2", args: [zeros(2, 2), zeros(1, 2), new Matrix(2, 2, new Float64Array([1, 0, 0, 1])), [0, 0]], points: 1 },
      { name: "random K = 3, d = 5, n = 6", args: [...params(rng, 3, 5), randn(6, 5, rng), labels(rng, 6, 3)], points: 2 },
      { name: "20 MNIST images, K = 10, random small W", args: [...params(rng, 10, 784, 0.01), m.X, m.y], points: 1 },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: one example", args: [...params(rng, 4, 3), randn(1, 3, rng), [3]], points: 1 },
    { name: "a class absent from the batch (K = 6, labels 0…4)", args: [...params(rng, 6, 4), randn(9, 4, rng), labels(rng, 9, 5)], points: 1 },
  ],
  mistakes: [
    {
      hint: "This is the last line of the notes' derivation, −Σ_{i: y_i = j} x_i (1 − p_j(x_i)): it keeps only the examples of class j. Every example's normaliser contains e^{z_j}, so every example contributes p_j(x_i) x_i; the sum runs over ALL i: Σ_i (p_j(x_i) − 1{y_i = j}) x_i.",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => ({ dW: notesDerivationWeightGradient({ W, b }, X, y), db: exactEnergyGradient({ W, b }, X, y).db }),
    },
    {
      hint: "You divided by n: that is the gradient of the mean loss L = E/n. Here we want the notes' energy E, a SUM over the examples (no 1/n).",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => scaled(exactEnergyGradient({ W, b }, X, y), 1 / X.rows),
    },
    {
      hint: "The gradient of the LAST example only: ∂E/∂W is a sum, so add each example's (p − e_y) xᵀ to a running total (start from zeros) instead of overwriting it.",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => exactEnergyGradient({ W, b }, new Matrix(1, X.cols, Float64Array.from(X.row(X.rows - 1))), [y[y.length - 1]]),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw04-ex3 · vectorised, mean over the batch

export function vectorisedGradientRef(W: Matrix, b: Matrix, X: Matrix, y: Labels): Gradient {
  return scaled(exactEnergyGradient({ W, b }, X, y), 1 / X.rows);
}

exercise({
  id: "hw04-ex3",
  title: "The gradient, vectorised",
  reference: vectorisedGradientRef,
  cases: (rng) => {
    const m = mnistPart(200, 50);
    return [
      { name: "random K = 3, d = 5, n = 6", args: [...params(rng, 3, 5), randn(6, 5, rng), labels(rng, 6, 3)], points: 1 },
      { name: "random K = 4, d = 7, n = 4 (n = K: watch the axes)", args: [...params(rng, 4, 7), randn(4, 7, rng), labels(rng, 4, 4)], points: 1 },
      { name: "50 MNIST images, K = 10, random small W", args: [...params(rng, 10, 784, 0.01), m.X, m.y], points: 2 },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: one example", args: [...params(rng, 4, 3), randn(1, 3, rng), [2]], points: 1 },
    { name: "large logits and a class absent (K = 5, labels 0…3)", args: [...params(rng, 5, 6, 100), randn(8, 6, rng), labels(rng, 8, 4)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Missing 1/n: (P − Y)ᵀX is the gradient of the SUM E; the mean loss L = E/n has ∂L/∂W = (1/n)(P − Y)ᵀX (and the same 1/n for b).",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => exactEnergyGradient({ W, b }, X, y),
    },
    {
      hint: "Wrong sign: the gradient is (1/n)(P − Y)ᵀX. (Y − P)ᵀX points uphill's opposite; a descent step with it would increase the loss.",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => scaled(exactEnergyGradient({ W, b }, X, y), -1 / X.rows),
    },
    {
      hint: "∂L/∂b must sum (P − Y) over the EXAMPLES (down each column: 1ᵀ(P − Y)/n, a 1×K row), not over the classes of each row (every row of P − Y sums to 0).",
      answer: (W: Matrix, b: Matrix, X: Matrix, y: Labels) => {
        const g = vectorisedGradientRef(W, b, X, y);
        return { dW: g.dW, db: zeros(1, W.rows) };
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw04-ex4 · central differences on a matrix, for a gradient check

export type MatrixLoss = (M: Matrix) => number;

export function numericalGradientRef(loss: MatrixLoss, M: Matrix, entries: number[], h: number): number[] {
  return Array.from(centralDifferences(() => loss(M), M, entries, h));
}

/** What is compared: the differences and the matrix after the call (it must be unchanged). */
const gradientAndMatrix = (returned: unknown, args: unknown[]): unknown => ({ g: returned, M: args[1] });

/** The mean cross-entropy of softmax regression as a function of W (X, b, y fixed). */
function softmaxLossOfW(rng: Rng, K: number, d: number, n: number): { loss: MatrixLoss; W: Matrix } {
  const [W, b] = params(rng, K, d);
  const X = randn(n, d, rng);
  const y = labels(rng, n, K);
  return { loss: (M: Matrix) => sm.crossEntropy(addBias(matmulNT(X, M), b), y), W };
}

exercise({
  id: "hw04-ex4",
  title: "Central differences for a gradient check",
  reference: numericalGradientRef,
  output: gradientAndMatrix,
  tolerance: 1e-7,
  cases: (rng) => {
    const s = softmaxLossOfW(rng, 3, 4, 5);
    return [
      { name: "hand case: loss = Σ M², entries 0 and 3 of a 2×2 M, h = 1e-3", args: [(M: Matrix) => Array.from(M.data).reduce((a, v) => a + v * v, 0), new Matrix(2, 2, new Float64Array([1, -2, 0.5, 3])), [0, 3], 1e-3], points: 1 },
      { name: "softmax regression loss of W (3×4), entries 0, 5, 11, h = 1e-3", args: [s.loss, s.W, [0, 5, 11], 1e-3], points: 2 },
      { name: "loss = Σ exp(M) of a random 3×3 M, all entries, h = 1e-2", args: [(M: Matrix) => Array.from(M.data).reduce((a, v) => a + Math.exp(v), 0), randn(3, 3, rng), [0, 1, 2, 3, 4, 5, 6, 7, 8], 1e-2], points: 1 },
    ];
  },
  hidden: (rng) => {
    const s = softmaxLossOfW(rng, 4, 6, 8);
    return [
      { name: "edge case: one entry of a 1×1 M, loss = M³, h = 1e-2", args: [(M: Matrix) => M.data[0] ** 3, new Matrix(1, 1, new Float64Array([1.5])), [0], 1e-2], points: 1 },
      { name: "softmax regression loss of W (4×6), 6 entries, h = 1e-3", args: [s.loss, s.W, [0, 3, 7, 12, 18, 23], 1e-3], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "These are forward differences (L(M + h e_t) − L(M))/h, off by O(h). Use central differences (L(M + h e_t) − L(M − h e_t))/2h.",
      answer: (loss: MatrixLoss, M: Matrix, entries: number[], h: number) =>
        entries.map((t) => {
          const keep = M.data[t];
          const L0 = loss(M);
          M.data[t] = keep + h;
          const up = loss(M);
          M.data[t] = keep;
          return (up - L0) / h;
        }),
    },
    {
      hint: "M must be restored exactly after each entry (M.data[t] = its old value): otherwise later entries are measured at a moved point, and the matrix you were given comes back changed.",
      answer: (loss: MatrixLoss, M: Matrix, entries: number[], h: number) =>
        entries.map((t) => {
          M.data[t] += h;
          const up = loss(M);
          M.data[t] -= 2 * h;
          const down = loss(M);
          return (up - down) / (2 * h);
        }),
    },
    {
      hint: "Divided by h instead of 2h: the two evaluations are 2h apart, so the quotient is (L(M + h e_t) − L(M − h e_t))/2h. Your values are twice too large.",
      answer: (loss: MatrixLoss, M: Matrix, entries: number[], h: number) => numericalGradientRef(loss, M, entries, h).map((v) => 2 * v),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw04-ex5 · a short training run with a bar

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

let testPart: Dataset | null = null;
/** MNIST test images 0…999, float64. */
export function barTestSet(): Dataset {
  if (!testPart) {
    const t = subset(loadMnist().test, Array.from({ length: TRAIN_BAR.testImages }, (_, i) => i));
    testPart = { X: copy(t.X, "float64"), y: t.y };
  }
  return testPart;
}

/** Accuracy of z = W x + b on the bar's test images, or a message naming what is wrong with the result. */
export function barAccuracy(got: unknown): number | string {
  if (typeof got !== "object" || got === null || !("W" in got) || !("b" in got)) return "return { W, b }: the trained W (10×784) and b (1×10)";
  const { W, b } = got as { W: unknown; b: unknown };
  if (!(W instanceof Matrix) || W.rows !== 10 || W.cols !== 784) return `W must be a 10×784 Matrix, got ${W instanceof Matrix ? W.shape : typeof W}`;
  if (!(b instanceof Matrix) || b.rows !== 1 || b.cols !== 10) return `b must be a 1×10 Matrix, got ${b instanceof Matrix ? b.shape : typeof b}`;
  if (!Array.from(W.data).every(Number.isFinite) || !Array.from(b.data).every(Number.isFinite)) return "W or b holds NaN or ±∞: the steps blew up (a step size too large, or an overflowing softmax)";
  const test = barTestSet();
  const pred = argmaxRows(addBias(matmulNT(test.X, copy(W, "float64")), b));
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === test.y[i]) right++;
  return right / pred.length;
}

function trainingData(offset: number): Dataset {
  const part = mnistPart(offset, TRAIN_BAR.trainImages);
  return { X: part.X, y: Uint8Array.from(part.y) };
}

exercise({
  id: "hw04-ex5",
  title: "Train on a small MNIST subset",
  // The reference reaches 0.84-0.86 on such subsets (see test/homework-ch01-04.test.ts); the bar leaves a margin.
  cases: () => [{ name: `2,000 training images, 5 epochs, η = 0.5, B = 50: test accuracy ≥ ${TRAIN_BAR.accuracy}`, args: [trainingData(0), 5, 0.5, 50], points: 3 }],
  hidden: () => [{ name: `another 2,000 training images, 3 epochs, η = 0.5, B = 20: test accuracy ≥ ${TRAIN_BAR.accuracy}`, args: [trainingData(30000), 3, 0.5, 20], points: 2 }],
  compare: (got) => {
    const acc = barAccuracy(got);
    if (typeof acc === "string") return acc;
    if (acc >= TRAIN_BAR.accuracy) return null;
    const what = `test accuracy ${fmt(acc)} is below the bar ${TRAIN_BAR.accuracy}`;
    if (acc < 0.2) return `${what}: no better than guessing. Did you step against the gradient (W ← W − η∂L/∂W), update W and b in place or assign the new values, and use every batch?`;
    return `${what}. Check that each step uses the batch's MEAN gradient (1/B)(P − Y)ᵀX, that you make ⌈n/B⌉ steps per epoch (the last batch may be shorter), and that b is updated too`;
  },
});

// ---------------------------------------------------------------------------------------------
// hw04-ex6 · centring with the training mean

/** The two centred sets. */
export interface Centred {
  train: Matrix;
  test: Matrix;
}

/** μ = (1/n) Σ_i x_i: the mean of the rows of X (n×d), a 1×d row. */
const meanRow = (X: Matrix): Matrix => scale(sumRows(X), 1 / X.rows);
/** Every row of X (m×d) minus the 1×d row μ. */
const minusRow = (X: Matrix, mu: Matrix): Matrix => addRowVector(X, scale(mu, -1));

/** x̃ = x − μ for every row of BOTH sets, with μ the mean of the TRAINING rows (train n×d, test m×d). */
export function centreRef(train: Matrix, test: Matrix): Centred {
  const mu = meanRow(train);
  return { train: minusRow(train, mu), test: minusRow(test, mu) };
}

/** Pixel-like data: n images of d pixels in [0, 1], the first and last pixels always 0 (MNIST's empty border). */
function pixels(rng: Rng, n: number, dim: number): Matrix {
  const X = zeros(n, dim, "float64");
  for (let i = 0; i < n; i++) for (let j = 1; j < dim - 1; j++) X.set(i, j, rng.uniform() < 0.6 ? 0 : rng.uniform());
  return X;
}

exercise({
  id: "hw04-ex6",
  title: "Centring with the training mean",
  reference: centreRef,
  cases: (rng) => [
    { name: "hand case: train 3×2, test 2×2", args: [fromArrays([[1, 10], [2, 20], [6, 30]]), fromArrays([[3, 25], [5, 35]])], points: 1 },
    { name: "a test set from a shifted distribution (train 8×4, test 5×4 around 2)", args: [randn(8, 4, rng), map(randn(5, 4, rng), (v) => v + 2)], points: 1 },
    { name: "MNIST: 200 training images, 20 test images", args: [mnistPart(0, 200).X, mnistPart(59000, 20).X], points: 1 },
  ],
  hidden: (rng) => [
    { name: "one test image (a single new example, as when the model is used)", args: [pixels(rng, 12, 7), pixels(rng, 1, 7)], points: 1 },
    { name: "one training image: its centred version is all zeros", args: [randn(1, 5, rng), randn(4, 5, rng, 3)], points: 1 },
  ],
  mistakes: [
    {
      hint:
        "Mean taken over the test set: the test images are centred with THEIR OWN mean. Subtract the TRAINING mean μ from both sets — the model " +
        "is trained on inputs shifted by μ, so every later input must get the same shift; the test set's statistics are not yours to use " +
        "(and a single new image would become all zeros).",
      answer: (train: Matrix, test: Matrix) => ({ train: minusRow(train, meanRow(train)), test: minusRow(test, meanRow(test)) }),
    },
    {
      hint:
        "The mean is taken over the training and test images together: μ must come from the training images alone (the test set is held out, " +
        "and nothing the model or its pre-processing learns may depend on it).",
      answer: (train: Matrix, test: Matrix) => {
        const mu = scale(sumRows(fromArrays([...Array.from({ length: train.rows }, (_, i) => train.row(i)), ...Array.from({ length: test.rows }, (_, i) => test.row(i))])), 1 / (train.rows + test.rows));
        return { train: minusRow(train, mu), test: minusRow(test, mu) };
      },
    },
    {
      hint:
        "The test set is not shifted: it came back unchanged (did you centre the training matrix in place and then take the mean of the " +
        "already-centred data, which is 0?). Compute μ once from the original training images and subtract it from both sets.",
      answer: (train: Matrix, test: Matrix) => ({ train: minusRow(train, meanRow(train)), test: copy(test) }),
    },
    {
      hint:
        "The mean is taken over each ROW (one image's own pixels) instead of each COLUMN: μ_j is pixel j's average over the n training images, " +
        "a 1×d row (d.sumRows(X) sums over the examples).",
      answer: (train: Matrix, test: Matrix) => {
        const perRow = (X: Matrix) => fromArrays(Array.from({ length: X.rows }, (_, i) => {
          const r = Array.from(X.row(i));
          const m = r.reduce((a, v) => a + v, 0) / r.length;
          return r.map((v) => v - m);
        }));
        return { train: perRow(train), test: perRow(test) };
      },
    },
    {
      hint: "One number is subtracted everywhere (the mean of all pixels): centring subtracts a mean per pixel, μ_j = (1/n) Σ_i X[i, j], a 1×d row.",
      answer: (train: Matrix, test: Matrix) => {
        const m = sum(train) / train.data.length;
        return { train: map(train, (v) => v - m), test: map(test, (v) => v - m) };
      },
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see test/lastStatement.test.ts.) */
export const HW04_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw04-"));
