/**
 * The handwritten notes' "Neural network for MNIST": softmax regression (10 neurons with bias) trained
 * one example at a time, and every formula the notes state, written out so a notebook can compare
 * each one against finite differences.
 *
 * Notation (the notes'): examples x_i ∈ ℝ^N are the rows of X (n×N), labels y_i ∈ {0,…,9}; the
 * weights W are 10×N (row w_j belongs to neuron j), the biases b are 10 numbers;
 *   p_j(x) = exp(⟨x, w_j⟩ + b_j) / Σ_ℓ exp(⟨x, w_ℓ⟩ + b_ℓ),
 *   E(W, b) = −Σ_i Σ_j 1_j(y_i) ln p_j(x_i) = −Σ_i ln p_{y_i}(x_i).
 *
 * Functions whose names start with `notes` reproduce a formula exactly as printed (errors included);
 * the others are the corrected forms.
 */
import { DType, Matrix, ShapeError, zeros } from "../core/matrix";
import { centralDifferences } from "../calculus/gradcheck";
import { Rng } from "../core/random";
import { checkpoint } from "../core/interrupt";

/** The notes' parameters: W (K×N, one row per neuron) and b (1×K). */
export interface NotesParams {
  W: Matrix;
  b: Matrix;
}

function checkParams(op: string, p: NotesParams, N?: number): void {
  const { W, b } = p;
  if (b.rows !== 1 || b.cols !== W.rows) {
    throw new ShapeError(`${op}: W is ${W.shape} so b must be 1×${W.rows}, got ${b.shape}`);
  }
  if (N !== undefined && W.cols !== N) {
    throw new ShapeError(`${op}: W is ${W.shape} but the examples have ${N} features (X must be n×${W.cols})`);
  }
}

function checkData(op: string, p: NotesParams, X: Matrix, y: ArrayLike<number>): void {
  checkParams(op, p, X.cols);
  if (y.length !== X.rows) throw new ShapeError(`${op}: X is ${X.shape} but y has ${y.length} labels`);
  const K = p.W.rows;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= K) {
      throw new RangeError(`${op}: label y[${i}] = ${v} is not a class in 0…${K - 1}`);
    }
  }
}

/** W = 0 (K×N) and b = 0 (1×K): the notes' starting point (any start works, E is convex). */
export function notesZeroParams(K: number, N: number, dtype: DType = "float64"): NotesParams {
  return { W: zeros(K, N, dtype), b: zeros(1, K, dtype) };
}

/**
 * Logits z_j = ⟨x, w_j⟩ + b_j for one example, then p = softmax(z) computed stably:
 * p_j = exp(z_j − max z) / Σ_ℓ exp(z_ℓ − max z)  (the same p_j, no overflow).
 * W: K×N, b: 1×K, x: length N → writes z and p (length K), returns p.
 */
export function notesProbabilities(
  p: NotesParams,
  x: ArrayLike<number>,
  z: Float64Array = new Float64Array(p.W.rows),
  probs: Float64Array = new Float64Array(p.W.rows),
): Float64Array {
  const { W, b } = p;
  const K = W.rows;
  const N = W.cols;
  if (x.length !== N) throw new ShapeError(`notesProbabilities: W is ${W.shape} but x has ${x.length} entries`);
  let zMax = -Infinity;
  for (let j = 0; j < K; j++) {
    let s = b.data[j];
    const o = j * N;
    for (let k = 0; k < N; k++) s += W.data[o + k] * x[k];
    z[j] = s;
    if (s > zMax) zMax = s;
  }
  let norm = 0;
  for (let j = 0; j < K; j++) {
    probs[j] = Math.exp(z[j] - zMax);
    norm += probs[j];
  }
  for (let j = 0; j < K; j++) probs[j] /= norm;
  return probs;
}

/**
 * The pseudo-code's forward pass exactly as written: NORM_FACTOR = Σ exp(LOGITS),
 * PROBS = exp(LOGITS) / NORM_FACTOR (no max subtracted). Overflows to NaN once a logit passes ~709.
 */
export function notesProbabilitiesNaive(p: NotesParams, x: ArrayLike<number>): Float64Array {
  const z = new Float64Array(p.W.rows);
  notesProbabilities(p, x, z);
  let norm = 0;
  for (let j = 0; j < z.length; j++) norm += Math.exp(z[j]);
  const probs = new Float64Array(z.length);
  for (let j = 0; j < z.length; j++) probs[j] = Math.exp(z[j]) / norm;
  return probs;
}

/** All probabilities: P[i, j] = p_j(x_i).  X: n×N → P: n×K (float64). */
export function notesProbabilityMatrix(p: NotesParams, X: Matrix): Matrix {
  checkParams("notesProbabilityMatrix", p, X.cols);
  const K = p.W.rows;
  const P = zeros(X.rows, K, "float64");
  const z = new Float64Array(K);
  for (let i = 0; i < X.rows; i++)
    notesProbabilities(p, X.row(i), z, P.data.subarray(i * K, (i + 1) * K) as Float64Array);
  return P;
}

/**
 * The energy (1): E(W, b) = −Σ_{i=1}^{n} Σ_{j=0}^{9} 1_j(y_i) ln p_j(x_i) = −Σ_i ln p_{y_i}(x_i).
 * A sum over the examples (not a mean). X: n×N, y: n labels.
 * `classes` lists the j the inner sum runs over: the default 0…K−1 is correct; the notes print
 * j = 1…10, which with labels 0…9 drops every example of class 0 (pass [1,…,10] to see it).
 */
export function notesEnergy(p: NotesParams, X: Matrix, y: ArrayLike<number>, classes?: ArrayLike<number>): number {
  checkData("notesEnergy", p, X, y);
  const K = p.W.rows;
  const js = classes ?? Array.from({ length: K }, (_, j) => j);
  const z = new Float64Array(K);
  const probs = new Float64Array(K);
  let E = 0;
  for (let i = 0; i < X.rows; i++) {
    notesProbabilities(p, X.row(i), z, probs);
    for (let t = 0; t < js.length; t++) {
      const j = js[t];
      if (y[i] === j) E -= Math.log(j < K ? probs[j] : NaN);
    }
  }
  return E;
}

/**
 * The corrected gradient of (1), summed over the examples:
 *   ∂E/∂w_{j,k} = Σ_i (p_j(x_i) − 1_j(y_i)) x_{i,k},   ∂E/∂b_j = Σ_i (p_j(x_i) − 1_j(y_i)).
 * In matrix form with P (n×K) and one-hot Y (n×K): ∂E/∂W = (P − Y)ᵀ X (K×N), ∂E/∂b = 1ᵀ(P − Y) (1×K).
 */
export function exactEnergyGradient(p: NotesParams, X: Matrix, y: ArrayLike<number>): { dW: Matrix; db: Matrix } {
  checkData("exactEnergyGradient", p, X, y);
  const K = p.W.rows;
  const N = X.cols;
  const dW = zeros(K, N, "float64");
  const db = zeros(1, K, "float64");
  const z = new Float64Array(K);
  const probs = new Float64Array(K);
  for (let i = 0; i < X.rows; i++) {
    const x = X.row(i);
    notesProbabilities(p, x, z, probs);
    for (let j = 0; j < K; j++) {
      const delta = probs[j] - (y[i] === j ? 1 : 0);
      db.data[j] += delta;
      const o = j * N;
      for (let k = 0; k < N; k++) dW.data[o + k] += delta * x[k];
    }
  }
  return { dW, db };
}

/**
 * The last line of the notes' derivation, as printed:
 *   ∂E/∂w_{j,k} = −Σ_i 1_j(y_i) x_{i,k} (1 − p_j(x_i)).
 * It keeps only the examples of class j (it drops the log-sum-exp term of every other example).
 * Returns the K×N matrix of these values.
 */
export function notesDerivationWeightGradient(p: NotesParams, X: Matrix, y: ArrayLike<number>): Matrix {
  checkData("notesDerivationWeightGradient", p, X, y);
  const K = p.W.rows;
  const N = X.cols;
  const dW = zeros(K, N, "float64");
  const z = new Float64Array(K);
  const probs = new Float64Array(K);
  for (let i = 0; i < X.rows; i++) {
    const x = X.row(i);
    notesProbabilities(p, x, z, probs);
    const j = y[i];
    const o = j * N;
    for (let k = 0; k < N; k++) dW.data[o + k] -= x[k] * (1 - probs[j]);
  }
  return dW;
}

/**
 * The notes' case formulas for ONE example (x, y), as printed:
 *   ∂E/∂w_{j,k} = x_k (1 − p_j(x)) if y = j,   x_k p_j(x) if y ≠ j;
 *   ∂E/∂b_j     = −(1 − p_j(x))    if y = j,   −p_j(x)    if y ≠ j.
 * (Correct: −x_k(1 − p_j) and +x_k p_j; −(1 − p_j) and +p_j, i.e. (p_j − 1_j(y))·x_k and p_j − 1_j(y).)
 * x: length N → dW: K×N, db: 1×K.
 */
export function notesCaseGradient(p: NotesParams, x: ArrayLike<number>, y: number): { dW: Matrix; db: Matrix } {
  checkParams("notesCaseGradient", p, x.length);
  const K = p.W.rows;
  const N = p.W.cols;
  const probs = notesProbabilities(p, x);
  const dW = zeros(K, N, "float64");
  const db = zeros(1, K, "float64");
  for (let j = 0; j < K; j++) {
    const o = j * N;
    if (j === y) {
      for (let k = 0; k < N; k++) dW.data[o + k] = x[k] * (1 - probs[j]);
      db.data[j] = -(1 - probs[j]);
    } else {
      for (let k = 0; k < N; k++) dW.data[o + k] = x[k] * probs[j];
      db.data[j] = -probs[j];
    }
  }
  return { dW, db };
}

/**
 * Central finite differences of E, for checking formulas:
 *   ∂E/∂θ ≈ (E(θ + h) − E(θ − h)) / 2h  for θ = W[j,k] at each listed (j, k), and for every b_j.
 * Parameters must be float64 (float32 rounding swamps the difference quotient).
 */
export function energyFiniteDifferences(
  p: NotesParams,
  X: Matrix,
  y: ArrayLike<number>,
  entries: ReadonlyArray<readonly [number, number]>,
  h = 1e-5,
): { dW: number[]; db: number[] } {
  checkData("energyFiniteDifferences", p, X, y);
  if (p.W.dtype !== "float64" || p.b.dtype !== "float64") {
    throw new Error(`energyFiniteDifferences: W and b must be float64, got ${p.W.dtype} and ${p.b.dtype}`);
  }
  const E = (): number => notesEnergy(p, X, y);
  const wEntries = entries.map(([j, k]) => {
    if (!(j >= 0 && j < p.W.rows && k >= 0 && k < p.W.cols)) {
      throw new RangeError(`energyFiniteDifferences: entry (${j}, ${k}) is outside W (${p.W.shape})`);
    }
    return j * p.W.cols + k;
  });
  const dW = Array.from(centralDifferences(E, p.W, wEntries, h));
  const db = Array.from(centralDifferences(E, p.b, undefined, h));
  return { dW, db };
}

/** One pass's record: the pseudo-code's counters after loop (1). */
export interface NotesPass {
  /** 1, 2, … (the pseudo-code's ITER after the pass). */
  pass: number;
  /** NUM_MISTAKES: examples whose argmax prediction was wrong when they were visited (before their update). */
  mistakes: number;
  /** 1 − mistakes / n, the online training accuracy of this pass. */
  accuracy: number;
  /** Σ_i COST[i] for this pass: Σ_i −ln PROBS[y_i], each taken before that example's update. */
  cost: number;
  /** The step size used during this pass. */
  stepSize: number;
}

export interface NotesTrainingOptions {
  /** STEP_SIZE η at the start. */
  stepSize: number;
  /** MAX_ITER: the most passes over the training set. */
  maxPasses: number;
  /** EPSILON: stop when |cost_pass − cost_previous| / n < epsilon (mean cost per example changed by less). */
  epsilon: number;
  /** Multiply η by this factor between passes (default 0.5) … */
  decay?: number;
  /** … either after every pass, or only when the pass's cost did not go down (default "cost-increased"). */
  decreaseWhen?: "every-pass" | "cost-increased";
  /** Visit the examples in a fresh random order each pass (default: in stored order, as in the notes). */
  shuffle?: Rng;
  /**
   * "corrected" (default): the pseudo-code with its errata fixed (all 10 neurons, all N weights,
   * W_j ← W_j − η (p_j − 1_j(y)) x, b_j ← b_j − η (p_j − 1_j(y))).
   * "as-written": the loops exactly as printed: j in range(9) (neuron 9 never trained),
   * columns 0:783 (the last pixel never trained), and gradient descent on the notes' case formulas
   * (W_y ← W_y − η x (1 − p_y) and b_j ← b_j − η·(notes' ∂E/∂b_j)).
   */
  variant?: "corrected" | "as-written";
  /**
   * One slip of the printed loops at a time, on top of the corrected loop (ignored for "as-written",
   * which has all three): "range(9)" (neuron 9 never trained), "0:783" (the last pixel never trained),
   * "case signs" (descent on the notes' case formulas: W_y ← W_y − η x (1 − p_y), b_j ← b_j + η p_j for j ≠ y).
   */
  slip?: "range(9)" | "0:783" | "case signs";
  /** Starting parameters (updated in place); default zeros. */
  init?: NotesParams;
  /** Called after every pass (e.g. to print a line). */
  onPass?: (p: NotesPass) => void;
  /**
   * An example whose cost is +∞ (p_{y_i} underflowed to 0) stops training with an error unless this is
   * true (then the pass's cost is +∞ and training goes on). NaN probabilities always stop it.
   */
  allowInfiniteCost?: boolean;
}

export interface NotesTrainingResult {
  params: NotesParams;
  passes: NotesPass[];
  /** COST[i] of the last pass: −ln PROBS[y_i] for example i. */
  cost: Float64Array;
  stoppedBecause: "max-passes" | "small-change";
}

/**
 * The notes' per-example gradient descent on E(W, b) (pseudo-code section (4)):
 *   while iter < MAX_ITER:
 *     for each example (x_i, y_i):  p = softmax(W x_i + b);  count a mistake if argmax p ≠ y_i;
 *       COST[i] = −ln p_{y_i};  for j = 0…9:  w_j ← w_j − η (p_j − 1_j(y_i)) x_i,  b_j ← b_j − η (p_j − 1_j(y_i))
 *     iter += 1;  decrease η if needed;  stop if the cost changed by less than ε.
 * X: n×N (float32 or float64), y: n labels in 0…K−1 (K = 10 unless `init` says otherwise).
 */
export function trainNotesAlgorithm(
  X: Matrix,
  y: ArrayLike<number>,
  options: NotesTrainingOptions,
): NotesTrainingResult {
  const K = options.init ? options.init.W.rows : 10;
  const params = options.init ?? notesZeroParams(K, X.cols);
  checkData("trainNotesAlgorithm", params, X, y);
  const { maxPasses, epsilon } = options;
  let eta = options.stepSize;
  const decay = options.decay ?? 0.5;
  const when = options.decreaseWhen ?? "cost-increased";
  const asWritten = (options.variant ?? "corrected") === "as-written";
  if (!(eta > 0) || !Number.isFinite(eta))
    throw new RangeError(`trainNotesAlgorithm: stepSize must be a positive number, got ${eta}`);
  if (!Number.isInteger(maxPasses) || maxPasses < 1)
    throw new RangeError(`trainNotesAlgorithm: maxPasses must be a positive integer, got ${maxPasses}`);
  if (!(epsilon >= 0)) throw new RangeError(`trainNotesAlgorithm: epsilon must be ≥ 0, got ${epsilon}`);
  if (!(decay > 0 && decay <= 1)) throw new RangeError(`trainNotesAlgorithm: decay must be in (0, 1], got ${decay}`);

  const { W, b } = params;
  const n = X.rows;
  const N = X.cols;
  const slip = options.slip;
  if (slip !== undefined && !["range(9)", "0:783", "case signs"].includes(slip))
    throw new RangeError(`trainNotesAlgorithm: unknown slip "${slip}"`);
  const jEnd = asWritten || slip === "range(9)" ? Math.min(9, K) : K; // range(9) in the notes
  const kEnd = asWritten || slip === "0:783" ? Math.min(783, N) : N; // 0:783 in the notes
  const printedSigns = asWritten || slip === "case signs";
  const z = new Float64Array(K);
  const probs = new Float64Array(K);
  const cost = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const passes: NotesPass[] = [];
  let previous = NaN;
  let stoppedBecause: NotesTrainingResult["stoppedBecause"] = "max-passes";

  for (let iter = 0; iter < maxPasses;) {
    if (options.shuffle) options.shuffle.shuffle(order);
    let mistakes = 0;
    let total = 0;
    for (let t = 0; t < n; t++) {
      checkpoint(
        () => `in pass ${iter + 1} of ${maxPasses} after example ${t} of ${n}; W and b keep the last completed update`,
      );
      const i = order[t];
      const x = X.row(i);
      const yi = y[i];
      // forward pass
      notesProbabilities(params, x, z, probs);
      let label = 0;
      for (let j = 1; j < K; j++) if (probs[j] > probs[label]) label = j;
      if (label !== yi) mistakes += 1;
      cost[i] = -Math.log(probs[yi]);
      total += cost[i];
      if (Number.isNaN(cost[i]) || (cost[i] === Infinity && !options.allowInfiniteCost)) {
        throw new Error(
          `trainNotesAlgorithm: cost of example ${i} is ${cost[i]} in pass ${iter + 1} (step size ${eta}); lower the step size`,
        );
      }
      // backward pass
      for (let j = 0; j < jEnd; j++) {
        // gradient of −ln p_{y_i} w.r.t. the logit z_j (the notes' case formulas, signs as printed for "as-written")
        const g = printedSigns ? (j === yi ? 1 - probs[j] : probs[j]) : probs[j] - (j === yi ? 1 : 0);
        const gb = printedSigns ? (j === yi ? -(1 - probs[j]) : -probs[j]) : g;
        const o = j * N;
        const step = eta * g;
        for (let k = 0; k < kEnd; k++) W.data[o + k] -= step * x[k];
        b.data[j] -= eta * gb;
      }
    }
    iter += 1;
    const record: NotesPass = { pass: iter, mistakes, accuracy: 1 - mistakes / n, cost: total, stepSize: eta };
    passes.push(record);
    options.onPass?.(record);
    const change = Math.abs(total - previous) / n;
    if (when === "every-pass" || total >= previous) eta *= decay;
    if (change < epsilon) {
      stoppedBecause = "small-change";
      break;
    }
    previous = total;
  }
  return { params, passes, cost, stoppedBecause };
}
