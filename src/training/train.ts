/**
 * The training loop: epochs of mini-batch gradient descent with evaluations, a history, stopping
 * criteria and divergence detection.
 *
 *   for epoch = 1, 2, …:                        (stop after `epochs`)
 *     order ← a permutation of 1…n (shuffled with the seeded Rng) or 1…n as given
 *     for each mini-batch B of `batchSize` consecutive indices in that order:
 *       L_B = (1/|B|) Σ_{i∈B} loss_i(θ),  g = ∂L_B/∂θ       (model.lossAndGradient)
 *       θ ← optimizer step from g                            (optimizer.step)
 *       every `evaluateEvery` iterations: evaluate, record, call onEvaluate, test the stopping rules
 *     the schedule's epoch hook with the epoch's mean loss (optimizer.endEpoch)
 *
 * Stopping rules (the notes' pseudo-code): a maximum number of iterations, and a change of the loss
 * between two evaluations below ε (`tolerance`); plus `stopWhen` for "stop once a bar is reached".
 * A NaN or infinite mini-batch loss stops training with a DivergenceError naming the iteration, the
 * loss and the learning rate.
 *
 * Mini-batches are gathered into buffers allocated once (the last, shorter batch is a view of a
 * buffer's first rows), the next one during the current step; the data set itself is never copied.
 */
import { argmaxRows, gatherRows, Matrix, ShapeError } from "../core/matrix";
import { Model } from "../core/model";
import { Optimizer } from "../optim/optimizer";
import { Rng } from "../core/random";
import { BatchLoader } from "../engine/gatherBatch";
import { batchBuffer } from "../engine/resident";
import { checkpoint } from "../core/interrupt";

/** Examples X (n×d, one per row) with their labels y (length n). MNIST's Dataset fits this. */
export interface LabelledData {
  readonly X: Matrix;
  readonly y: ArrayLike<number>;
}

/** One evaluation of the model during training. */
export interface Evaluation {
  /** Optimiser steps taken so far (0 = before training). */
  iteration: number;
  /** Epochs done, fractional: examples seen so far / n. */
  epoch: number;
  /** Mean mini-batch loss since the previous evaluation, weighted by batch size (at iteration 0: the loss on the first batchSize examples). */
  loss: number;
  /** Cross-entropy −(1/m) Σ ln p_{y_i} and accuracy on the training evaluation set, if one was given. */
  trainLoss?: number;
  trainAccuracy?: number;
  validationLoss?: number;
  validationAccuracy?: number;
  testLoss?: number;
  testAccuracy?: number;
  /** The step size η in use. */
  learningRate: number;
  /** Seconds since training started. */
  seconds: number;
}

export type StopReason = "epochs" | "maxIterations" | "tolerance" | "stopWhen";

export interface TrainResult {
  /** Every evaluation, in order (the first at iteration 0 unless evaluateAtStart is false; the last at the end). */
  history: Evaluation[];
  /** Optimiser steps taken. */
  iterations: number;
  /** Epochs done (fractional if training stopped inside an epoch). */
  epochs: number;
  stoppedBecause: StopReason;
  /** Wall-clock seconds. */
  seconds: number;
}

export interface TrainOptions {
  optimizer: Optimizer;
  /** Passes over the data (default 1, or unlimited when only maxIterations is given). */
  epochs?: number;
  /** Stop after this many optimiser steps. */
  maxIterations?: number;
  /** Examples per mini-batch, 1 … n ("full" = n: full-batch gradient descent). */
  batchSize: number | "full";
  /** Shuffle the order every epoch with `rng` (true), or keep the data's order (false). */
  shuffle: boolean;
  /** Seeded generator for the shuffles (required when shuffle is true). */
  rng?: Rng;
  /** Evaluate every this many iterations (default: once per epoch). */
  evaluateEvery?: number;
  /** Sets to measure loss and accuracy on at each evaluation. */
  evaluate?: { train?: LabelledData; validation?: LabelledData; test?: LabelledData };
  /** Evaluate on a fixed random subset of at most this many examples of each set (to stay fast). */
  evaluateSubset?: number;
  /** Seed of the subset choice (default 0). */
  subsetSeed?: number;
  /** Record an evaluation before the first step (default true). */
  evaluateAtStart?: boolean;
  /** Stop when |L_now − L_previous| < tolerance between two evaluations (L = trainLoss if measured, else loss). */
  tolerance?: number;
  /** Stop when this returns true for an evaluation (e.g. ev => ev.testAccuracy! >= 0.97). */
  stopWhen?: (ev: Evaluation) => boolean;
  /** Called with every evaluation; a returned promise is awaited (a live chart can draw). */
  onEvaluate?: (ev: Evaluation) => void | Promise<void>;
}

/** Training produced a NaN or infinite loss. */
export class DivergenceError extends Error {
  constructor(
    public readonly iteration: number,
    public readonly loss: number,
    public readonly learningRate: number,
    epoch: number,
  ) {
    super(
      `train: diverged at iteration ${iteration} (epoch ${epoch}): the mini-batch loss is ${loss} ` +
        `with learning rate η = ${learningRate}. Try a smaller learning rate.`,
    );
    this.name = "DivergenceError";
  }
}

function checkData(data: LabelledData, what: string): void {
  if (!data || !(data.X instanceof Matrix)) throw new TypeError(`train: ${what}.X must be a Matrix`);
  if (!data.y || typeof data.y.length !== "number") throw new TypeError(`train: ${what}.y must be an array of labels`);
  if (data.X.rows !== data.y.length) {
    throw new ShapeError(`train: ${what}.X is ${data.X.shape} but ${what}.y has ${data.y.length} labels (one per row needed)`);
  }
  if (data.X.rows === 0) throw new RangeError(`train: ${what} has no examples`);
}

function wholeNumber(v: number | undefined, what: string, min: number): void {
  if (v !== undefined && !(v === Infinity || (Number.isInteger(v) && v >= min))) {
    throw new RangeError(`train: ${what} must be a whole number ≥ ${min}, got ${v}`);
  }
}

type Labels = Float64Array | Float32Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array;

/** A label buffer of length m, of the same typed-array kind as y when y is one (Uint8Array for MNIST). */
function labelBuffer(y: ArrayLike<number>, m: number): Labels {
  const ctor = (y as { constructor?: unknown }).constructor;
  if (ArrayBuffer.isView(y) && typeof ctor === "function" && !(y instanceof DataView)) {
    return new (ctor as new (n: number) => Labels)(m);
  }
  return new Float64Array(m);
}

function gatherLabels(y: ArrayLike<number>, idx: ArrayLike<number>, out: Labels): Labels {
  for (let r = 0; r < idx.length; r++) out[r] = y[idx[r]];
  return out;
}

/** A fixed random subset of at most m examples (sorted indices), or the set itself. */
function subsetOf(data: LabelledData, m: number | undefined, seed: number): LabelledData {
  if (m === undefined || data.X.rows <= m) return data;
  const idx = new Rng(seed).sample(data.X.rows, m).sort();
  return { X: gatherRows(data.X, idx), y: gatherLabels(data.y, idx, labelBuffer(data.y, m)) };
}

/**
 * Cross-entropy and accuracy of the model on a set: P = predictProba(X) (m×K),
 * loss = −(1/m) Σ_i ln max(P[i, y_i], 1e-12), accuracy = (1/m) #{i : argmax_k P[i,k] = y_i}.
 */
export function evaluateOn(model: Model, data: LabelledData, what = "data"): { loss: number; accuracy: number } {
  const P = model.predictProba(data.X);
  const m = data.X.rows;
  if (P.rows !== m) throw new ShapeError(`evaluateOn(${what}): predictProba gave ${P.shape} for ${data.X.shape} input`);
  const K = P.cols;
  const pred = argmaxRows(P);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < m; i++) {
    const yi = data.y[i];
    if (!(Number.isInteger(yi) && yi >= 0 && yi < K)) {
      throw new RangeError(`evaluateOn(${what}): label ${yi} of row ${i} is not a class 0…${K - 1}`);
    }
    loss -= Math.log(Math.max(P.data[i * K + yi], 1e-12));
    if (pred[i] === yi) correct++;
  }
  return { loss: loss / m, accuracy: correct / m };
}

/** Train `model` on `data` with mini-batch gradient descent; see the module comment and TrainOptions. */
export async function train(model: Model, data: LabelledData, options: TrainOptions): Promise<TrainResult> {
  checkData(data, "data");
  const { optimizer } = options;
  if (!optimizer || typeof optimizer.step !== "function") throw new TypeError("train: options.optimizer must be an Optimizer");
  const n = data.X.rows;
  const d = data.X.cols;
  const B = options.batchSize === "full" ? n : options.batchSize;
  if (!Number.isInteger(B) || B < 1 || B > n) {
    throw new RangeError(`train: batchSize must be a whole number from 1 to n = ${n} (or "full"), got ${String(options.batchSize)}`);
  }
  if (options.shuffle && !(options.rng instanceof Rng)) throw new TypeError("train: shuffle is true but no options.rng (a seeded Rng) was given");
  wholeNumber(options.epochs, "epochs", 1);
  wholeNumber(options.maxIterations, "maxIterations", 1);
  wholeNumber(options.evaluateSubset, "evaluateSubset", 1);
  const batchesPerEpoch = Math.ceil(n / B);
  const epochs = options.epochs ?? (options.maxIterations !== undefined ? Infinity : 1);
  const maxIterations = options.maxIterations ?? Infinity;
  const evaluateEvery = options.evaluateEvery ?? batchesPerEpoch;
  wholeNumber(evaluateEvery, "evaluateEvery", 1);
  const tolerance = options.tolerance;
  if (tolerance !== undefined && !(tolerance >= 0)) throw new RangeError(`train: tolerance must be a number ≥ 0, got ${tolerance}`);

  const sets: [("train" | "validation" | "test"), LabelledData][] = [];
  for (const key of ["train", "validation", "test"] as const) {
    const set = options.evaluate?.[key];
    if (set) {
      checkData(set, `evaluate.${key}`);
      if (set.X.cols !== d) throw new ShapeError(`train: evaluate.${key}.X is ${set.X.shape} but the training data is ${data.X.shape}`);
      sets.push([key, subsetOf(set, options.evaluateSubset, options.subsetSeed ?? 0)]);
    }
  }

  // the order of the examples, reshuffled in place each epoch
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const direct = B === n && !options.shuffle; // full batch in the given order: use the data itself
  // X_B[r, :] = X[order[start + r], :], y_B[r] = y[order[start + r]]. With labels in a Uint8Array or
  // Int32Array (MNIST's), a BatchLoader copies whole rows into two buffers allocated once, gathering the
  // next batch (on a worker thread, between its product jobs) during the step; other label arrays are
  // gathered one by one into one buffer. A short last batch (n mod B rows) is a view of a buffer's first rows.
  const loader = !direct && (data.y instanceof Uint8Array || data.y instanceof Int32Array) ? new BatchLoader(data.X, data.y, B) : null;
  const Xb = direct || loader ? data.X : batchBuffer(B, d, data.X.dtype);
  const yb = direct || loader ? data.y : labelBuffer(data.y, B);
  const rest = direct || loader ? 0 : n % B; // (the loader makes its own short batch)
  const Xr = rest > 0 ? new Matrix(rest, d, Xb.data.subarray(0, rest * d)) : null;
  const yr = rest > 0 ? (yb as Labels).subarray(0, rest) : null;
  const batch = (start: number, end: number): [Matrix, ArrayLike<number>] => {
    if (direct) return [Xb, yb];
    if (loader) {
      const b = loader.batch(order, start, end - start);
      return [b.X, b.y];
    }
    const full = end - start === B;
    const idx = order.subarray(start, end);
    gatherRows(data.X, idx, full ? Xb : Xr!);
    gatherLabels(data.y, idx, full ? (yb as Labels) : yr!);
    return full ? [Xb, yb] : [Xr!, yr!];
  };

  const t0 = performance.now();
  const history: Evaluation[] = [];
  let iteration = 0;
  let seen = 0;
  let windowSum = 0;
  let windowCount = 0;

  const evaluate = async (loss: number): Promise<Evaluation> => {
    const ev: Evaluation = { iteration, epoch: seen / n, loss, learningRate: optimizer.learningRate, seconds: 0 };
    for (const [key, set] of sets) {
      const r = evaluateOn(model, set, key);
      if (key === "train") {
        ev.trainLoss = r.loss;
        ev.trainAccuracy = r.accuracy;
      } else if (key === "validation") {
        ev.validationLoss = r.loss;
        ev.validationAccuracy = r.accuracy;
      } else {
        ev.testLoss = r.loss;
        ev.testAccuracy = r.accuracy;
      }
    }
    ev.seconds = (performance.now() - t0) / 1000;
    history.push(ev);
    if (options.onEvaluate) {
      await options.onEvaluate(ev);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let a live view draw
    }
    return ev;
  };
  const watched = (ev: Evaluation): number => ev.trainLoss ?? ev.loss;
  /** The stopping rules checked at each evaluation. */
  const stopAfter = (ev: Evaluation): StopReason | null => {
    if (options.stopWhen && options.stopWhen(ev)) return "stopWhen";
    const prev = history.length >= 2 ? history[history.length - 2] : undefined;
    if (tolerance !== undefined && prev && Math.abs(watched(ev) - watched(prev)) < tolerance) return "tolerance";
    return null;
  };

  let stopped: StopReason | null = null;
  if (options.evaluateAtStart ?? true) {
    const [X0, y0] = batch(0, Math.min(B, n));
    const ev = await evaluate(model.loss(X0, y0));
    if (options.stopWhen && options.stopWhen(ev)) stopped = "stopWhen";
  }

  let epoch = 0;
  while (stopped === null && epoch < epochs) {
    if (iteration >= maxIterations) {
      stopped = "maxIterations";
      break;
    }
    if (options.shuffle) options.rng!.shuffle(order);
    let epochSum = 0;
    let epochCount = 0;
    for (let start = 0; start < n; start += B) {
      checkpoint(() => `after iteration ${iteration} of ${Math.min(maxIterations, epochs * batchesPerEpoch)} (epoch ${epoch + 1}); the model keeps its last completed step`, () => loader?.finish());
      const end = Math.min(start + B, n);
      const m = end - start;
      const [X, y] = batch(start, end);
      if (loader && end < n) loader.prefetch(order, end, Math.min(end + B, n) - end); // the next batch, gathered meanwhile
      const loss = model.lossAndGradient(X, y);
      if (typeof loss !== "number" || !Number.isFinite(loss)) {
        loader?.finish();
        throw new DivergenceError(iteration + 1, loss, optimizer.learningRate, epoch + 1);
      }
      optimizer.step(model.params);
      iteration++;
      seen += m;
      windowSum += loss * m;
      windowCount += m;
      epochSum += loss * m;
      epochCount += m;
      if (iteration % evaluateEvery === 0) {
        const ev = await evaluate(windowSum / windowCount);
        windowSum = windowCount = 0;
        stopped = stopAfter(ev);
      }
      if (stopped === null && iteration >= maxIterations) stopped = "maxIterations";
      if (stopped !== null && end < n) break;
    }
    if (epochCount === n) {
      epoch++;
      optimizer.endEpoch(epoch, epochSum / epochCount);
    }
  }
  loader?.finish();
  if (stopped === null) stopped = "epochs";
  if (history.length === 0 || history[history.length - 1].iteration !== iteration) {
    await evaluate(windowCount > 0 ? windowSum / windowCount : NaN);
  }
  return { history, iterations: iteration, epochs: seen / n, stoppedBecause: stopped, seconds: (performance.now() - t0) / 1000 };
}
