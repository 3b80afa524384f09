/**
 * The perceptron: a decision rule and Rosenblatt's learning rule.
 *
 * Notation as in notebook 01: inputs x (one example per row of X, n×d), weights w (length d),
 * threshold t or bias b = −t, and the Heaviside step H(z) = 1 if z ≥ 0, else 0:
 *   output = 1 if w·x ≥ t, else 0        (threshold form)
 *   output = H(w·x + b)                  (bias form)
 */
import * as fs from "fs";
import { Matrix, zeros, ShapeError } from "../core/matrix";
import { Rng } from "../core/random";
import { describeValue } from "../core/describe";
import { checkpoint } from "../core/interrupt";

/** H(z) = 1 if z ≥ 0, else 0 (the perceptron's step; src/models/activations.ts has the same function for networks). */
function step(z: number): number {
  return z >= 0 ? 1 : 0;
}

function checkWeights(op: string, X: Matrix, w: ArrayLike<number>): void {
  if (w.length !== X.cols) {
    throw new ShapeError(`${op}: X is ${X.shape} (${X.cols} inputs per row) but w has ${w.length} weights`);
  }
  for (let j = 0; j < w.length; j++) {
    if (!Number.isFinite(w[j])) throw new Error(`${op}: weight w[${j}] is ${w[j]}; weights must be finite numbers`);
  }
}

function checkLabels(op: string, X: Matrix, y: ArrayLike<number>): void {
  if (y.length !== X.rows) throw new ShapeError(`${op}: X has ${X.rows} rows but y has ${y.length} labels`);
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`${op}: label y[${i}] is ${y[i]}; perceptron labels must be 0 or 1`);
  }
}

/** Weighted sums s[i] = w·x⁽ⁱ⁾ = Σ_j w_j X[i, j].   X: n×d, w: length d → s: length n. */
export function weightedSums(X: Matrix, w: ArrayLike<number>): Float64Array {
  checkWeights("weightedSums", X, w);
  // X's fields read once: read inside the loop they cost ~15× more (47 M products on MNIST: 1.1 s → 0.08 s).
  const { rows: n, cols: d, data: x } = X;
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let wx = 0;
    for (let j = 0; j < d; j++) wx += w[j] * x[i * d + j];
    s[i] = wx;
  }
  return s;
}

/** Threshold rule: output[i] = 1 if w·x⁽ⁱ⁾ ≥ t, else 0.   X: n×d, w: length d → output: length n. */
export function decideWithThreshold(X: Matrix, w: ArrayLike<number>, t: number): Uint8Array {
  if (!Number.isFinite(t)) throw new Error(`decideWithThreshold: threshold t is ${t}; it must be a finite number`);
  const s = weightedSums(X, w);
  const out = new Uint8Array(X.rows);
  for (let i = 0; i < s.length; i++) out[i] = s[i] >= t ? 1 : 0;
  return out;
}

/**
 * Bias rule: output[i] = H(w·x⁽ⁱ⁾ + b).   X: n×d, w: length d → output: length n. With b = −t it equals the threshold
 * rule.
 */
export function decideWithBias(X: Matrix, w: ArrayLike<number>, b: number): Uint8Array {
  if (!Number.isFinite(b)) throw new Error(`decideWithBias: bias b is ${b}; it must be a finite number`);
  const s = weightedSums(X, w);
  const out = new Uint8Array(X.rows);
  for (let i = 0; i < s.length; i++) out[i] = step(s[i] + b);
  return out;
}

/** Number of rows where H(w·x⁽ⁱ⁾ + b) ≠ y[i].   X: n×d, w: length d, y: length n of 0/1. */
export function countMistakes(X: Matrix, y: ArrayLike<number>, w: ArrayLike<number>, b: number): number {
  checkLabels("countMistakes", X, y);
  const out = decideWithBias(X, w, b);
  let m = 0;
  for (let i = 0; i < out.length; i++) if (out[i] !== y[i]) m++;
  return m;
}

/** The perceptron after one pass over the data. */
export interface PerceptronEpoch {
  /** 0 for the starting weights, then 1, 2, … */
  epoch: number;
  /** Updates made during this pass (examples misclassified when visited); for epoch 0, the mistakes of the start. */
  mistakes: number;
  /** Mistakes of the weights at the END of the pass on the whole set. */
  errorsAfter: number;
  /** Copies of w and b at the end of the pass. */
  w: number[];
  b: number;
}

export interface PerceptronResult {
  w: Float64Array;
  b: number;
  /** True when a whole pass made no mistake (every example classified correctly). */
  converged: boolean;
  /** Passes made (≤ maxEpochs). */
  epochs: number;
  /** Total number of updates over all passes. */
  totalMistakes: number;
  /** One entry per pass, preceded by the starting point (epoch 0). */
  history: PerceptronEpoch[];
}

/**
 * Rosenblatt's learning rule. For each example x with label y ∈ {0, 1}, in turn:
 *   ŷ = H(w·x + b);   w ← w + η (y − ŷ) x;   b ← b + η (y − ŷ)
 * (nothing changes when ŷ = y). Passes repeat until one makes no mistake or maxEpochs is reached.
 * X: n×d, y: length n. Start: w = w0 (default 0), b = b0 (default 0). With `shuffle`, each pass
 * visits the rows in a fresh random order drawn from `rng`.
 */
export function trainPerceptron(
  X: Matrix,
  y: ArrayLike<number>,
  options: { maxEpochs: number; rate?: number; w0?: ArrayLike<number>; b0?: number; shuffle?: boolean; rng?: Rng },
): PerceptronResult {
  const op = "trainPerceptron";
  checkLabels(op, X, y);
  const { maxEpochs, rate: eta = 1, b0 = 0, shuffle = false } = options;
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1)
    throw new Error(`${op}: maxEpochs must be a positive integer, got ${describeValue(maxEpochs)}`);
  if (!(eta > 0) || !Number.isFinite(eta))
    throw new Error(`${op}: rate η must be a positive finite number, got ${describeValue(eta)}`);
  if (shuffle && !options.rng) throw new Error(`${op}: shuffle needs an rng (e.g. rng(1))`);
  const { cols: d, data: x } = X;
  for (let k = 0; k < x.length; k++) {
    if (!Number.isFinite(x[k]))
      throw new Error(`${op}: X[${Math.floor(k / d)}, ${k % d}] is ${x[k]}; inputs must be finite`);
  }
  const w = new Float64Array(d);
  if (options.w0) {
    checkWeights(op, X, options.w0);
    w.set(Array.from(options.w0));
  }
  let b = b0;
  if (!Number.isFinite(b)) throw new Error(`${op}: starting bias b0 is ${b}; it must be finite`);

  const history: PerceptronEpoch[] = [];
  const start = countMistakes(X, y, w, b);
  history.push({ epoch: 0, mistakes: start, errorsAfter: start, w: Array.from(w), b });

  const order = new Int32Array(X.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  let converged = false;
  let totalMistakes = 0;
  let epoch = 0;
  while (epoch < maxEpochs && !converged) {
    epoch++;
    if (shuffle) options.rng!.shuffle(order);
    let mistakes = 0;
    for (let k = 0; k < order.length; k++) {
      checkpoint(
        () =>
          `in pass ${epoch} of ${maxEpochs} after example ${k} of ${order.length}; w and b keep the last completed update`,
      );
      const i = order[k];
      let wx = 0;
      for (let j = 0; j < d; j++) wx += w[j] * x[i * d + j];
      const yHat = step(wx + b);
      const err = y[i] - yHat;
      if (err !== 0) {
        for (let j = 0; j < d; j++) w[j] += eta * err * x[i * d + j];
        b += eta * err;
        mistakes++;
      }
    }
    totalMistakes += mistakes;
    converged = mistakes === 0;
    history.push({ epoch, mistakes, errorsAfter: countMistakes(X, y, w, b), w: Array.from(w), b });
  }
  return { w, b, converged, epochs: epoch, totalMistakes, history };
}

/**
 * Novikoff's bound on the total number of updates of the perceptron started at w = 0, b = 0 on data
 * separated by the line (w*, b*): with x̃ = (x, 1), R = max ‖x̃‖ and the margin
 * γ = min_i ±(w*·x⁽ⁱ⁾ + b*) / ‖(w*, b*)‖ (sign + for y = 1, − for y = 0), updates ≤ (R/γ)².
 * Throws if (w*, b*) does not separate the data (γ ≤ 0). The bound holds for every rate η > 0.
 */
export function novikoffBound(
  X: Matrix,
  y: ArrayLike<number>,
  wStar: ArrayLike<number>,
  bStar: number,
): { R: number; gamma: number; bound: number } {
  const op = "novikoffBound";
  checkLabels(op, X, y);
  checkWeights(op, X, wStar);
  let norm2 = bStar * bStar;
  for (let j = 0; j < wStar.length; j++) norm2 += wStar[j] * wStar[j];
  const norm = Math.sqrt(norm2);
  const s = weightedSums(X, wStar);
  const x = X.data;
  let R = 0;
  let gamma = Infinity;
  for (let i = 0; i < X.rows; i++) {
    let r2 = 1;
    for (let j = 0; j < X.cols; j++) r2 += x[i * X.cols + j] ** 2;
    R = Math.max(R, Math.sqrt(r2));
    const signed = ((y[i] === 1 ? 1 : -1) * (s[i] + bStar)) / norm;
    gamma = Math.min(gamma, signed);
  }
  if (!(gamma > 0)) {
    throw new Error(
      `${op}: the line w*=(${Array.from(wStar)}), b*=${bStar} does not strictly separate the data (margin ${gamma})`,
    );
  }
  return { R, gamma, bound: (R / gamma) ** 2 };
}

/**
 * The part of the decision boundary w₁x₁ + w₂x₂ + b = 0 inside the box x₁ ∈ [a₁, b₁], x₂ ∈ [a₂, b₂],
 * as its two end points (for drawing), or null when the line misses the box or w = (0, 0).
 */
export function boundarySegment(
  w: ArrayLike<number>,
  b: number,
  box: { x1: [number, number]; x2: [number, number] } = { x1: [-1, 1], x2: [-1, 1] },
): [[number, number], [number, number]] | null {
  if (w.length !== 2) throw new Error(`boundarySegment: needs 2 weights (a line in the plane), got ${w.length}`);
  const [w1, w2] = [w[0], w[1]];
  const [lo1, hi1] = box.x1;
  const [lo2, hi2] = box.x2;
  const pts: [number, number][] = [];
  const eps = 1e-12;
  if (w2 !== 0) {
    for (const x1 of [lo1, hi1]) {
      const x2 = -(b + w1 * x1) / w2;
      if (x2 >= lo2 - eps && x2 <= hi2 + eps) pts.push([x1, x2]);
    }
  }
  if (w1 !== 0) {
    for (const x2 of [lo2, hi2]) {
      const x1 = -(b + w2 * x2) / w1;
      if (x1 >= lo1 - eps && x1 <= hi1 + eps) pts.push([x1, x2]);
    }
  }
  let best: [[number, number], [number, number]] | null = null;
  let far = 0;
  for (let i = 0; i < pts.length; i++) {
    for (let j = i + 1; j < pts.length; j++) {
      const dist = Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]);
      if (dist > far) {
        far = dist;
        best = [pts[i], pts[j]];
      }
    }
  }
  return best;
}

/** One row of the game-night table: the words on the slide and their 0/1 encoding. */
export interface GameNightRow {
  tickets: "cheap" | "expensive";
  available: "yes" | "no";
  interested: "yes" | "no";
}

/** The game-night inputs: rows as words and X (n×3) with x = (cheap?, available?, interested?) as 0/1. */
export interface GameNight {
  rows: GameNightRow[];
  X: Matrix;
  /** Column names of X, in order. */
  columns: string[];
}

/**
 * Read the game-night decision inputs from a CSV with header `tickets,available,interested` and
 * words cheap|expensive, yes|no. Encoding: x₁ = 1 for cheap tickets, x₂ = 1 if available,
 * x₃ = 1 if interested (else 0). Errors name the file, the line and the bad value.
 */
export function readGameNight(path = "data/game-night.csv"): GameNight {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`readGameNight: cannot read ${path}: ${(e as Error).message}`);
  }
  return parseGameNight(text, path);
}

/** Parse the game-night CSV text (see readGameNight); `name` is used in error messages. */
export function parseGameNight(text: string, name = "game-night.csv"): GameNight {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  const expected = ["tickets", "available", "interested"];
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
  if (header.join(",") !== expected.join(",")) {
    throw new Error(`${name}: line 1: header must be "${expected.join(",")}", got "${lines[0] ?? ""}"`);
  }
  const rows: GameNightRow[] = [];
  const data: number[] = [];
  const allowed: Record<string, Record<string, number>> = {
    tickets: { cheap: 1, expensive: 0 },
    available: { yes: 1, no: 0 },
    interested: { yes: 1, no: 0 },
  };
  for (let li = 1; li < lines.length; li++) {
    if (lines[li] === "") throw new Error(`${name}: line ${li + 1} is empty`);
    const cells = lines[li].split(",").map((c) => c.trim().toLowerCase());
    if (cells.length !== 3)
      throw new Error(`${name}: line ${li + 1} has ${cells.length} fields, expected 3 (${expected.join(",")})`);
    cells.forEach((v, j) => {
      const code = allowed[expected[j]][v];
      if (code === undefined) {
        throw new Error(
          `${name}: line ${li + 1}, column "${expected[j]}": "${v}" is not one of ${Object.keys(allowed[expected[j]]).join("|")}`,
        );
      }
      data.push(code);
    });
    rows.push({
      tickets: cells[0] as GameNightRow["tickets"],
      available: cells[1] as "yes" | "no",
      interested: cells[2] as "yes" | "no",
    });
  }
  if (rows.length === 0) throw new Error(`${name}: no data rows after the header`);
  const X = zeros(rows.length, 3, "float64");
  X.data.set(data);
  return { rows, X, columns: ["cheap", "available", "interested"] };
}
