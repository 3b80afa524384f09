/**
 * What train() accepts, checked before anything runs: every bad option or data set throws an error
 * that names it, and NaN or ±∞ in any data set is named by row and column (checked once, here).
 */
import { assertFiniteMatrix } from "../core/finite";
import { ShapeError } from "../core/matrix";
import { Model } from "../core/model";
import { Rng } from "../core/random";
import { Optimizer } from "../optim/optimizer";
import { checkData, LabelledData } from "./batches";
import { describeValue } from "../core/describe";
import { checkClassLabels } from "../models/softmax";
import { DivergenceMode } from "./divergence";
import { Evaluation, EvaluationSets, subsetOf } from "./evaluate";

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
  /**
   * A loss that explodes without being NaN: "throw" a DivergenceError (default), "warn" once and go
   * on, or "off". (A NaN or ±∞ loss always throws.) See src/training/divergence.ts.
   */
  divergence?: DivergenceMode;
  /** The explosion bound: divergenceFactor · max(first mini-batch loss, ln K) (default 10). */
  divergenceFactor?: number;
  /** Iterations in a row above the bound before the alarm (default 50). */
  divergenceWindow?: number;
}

/** The options with their defaults filled in, and the evaluation sets (subsets taken). */
export interface Plan {
  B: number;
  epochs: number;
  maxIterations: number;
  evaluateEvery: number;
  sets: EvaluationSets;
  divergence: DivergenceMode;
  divergenceFactor: number;
  divergenceWindow: number;
}

/** A value as the user typed it, with its kind when it is not a number: "2" (a string). */
const shown = describeValue;

function wholeNumber(v: number | undefined, what: string, min: number): void {
  if (v !== undefined && !(v === Infinity || (Number.isInteger(v) && v >= min))) {
    throw new RangeError(`train: ${what} must be a whole number ≥ ${min}, got ${shown(v)}`);
  }
}

/** Checks the data, the evaluation sets and the options; returns the plan of the run. */
export function planTraining(model: Model, data: LabelledData, options: TrainOptions): Plan {
  checkData(data, "data");
  const { optimizer } = options;
  if (!optimizer || typeof optimizer.step !== "function")
    throw new TypeError("train: options.optimizer must be an Optimizer");
  const n = data.X.rows;
  const B = options.batchSize === "full" ? n : options.batchSize;
  if (!Number.isInteger(B) || B < 1 || B > n) {
    throw new RangeError(
      `train: batchSize must be a whole number from 1 to n = ${n} (or "full"), got ${shown(options.batchSize)}`,
    );
  }
  if (options.shuffle && !(options.rng instanceof Rng))
    throw new TypeError("train: shuffle is true but no options.rng (a seeded Rng) was given");
  wholeNumber(options.epochs, "epochs", 1);
  wholeNumber(options.maxIterations, "maxIterations", 1);
  wholeNumber(options.evaluateSubset, "evaluateSubset", 1);
  wholeNumber(options.evaluateEvery, "evaluateEvery", 1);
  wholeNumber(options.divergenceWindow, "divergenceWindow", 1);
  const tolerance = options.tolerance;
  if (tolerance !== undefined && !(tolerance >= 0))
    throw new RangeError(`train: tolerance must be a number ≥ 0, got ${shown(tolerance)}`);
  const divergence = options.divergence ?? "throw";
  if (!["throw", "warn", "off"].includes(divergence))
    throw new RangeError(`train: divergence must be "throw", "warn" or "off", got ${shown(divergence)}`);
  const divergenceFactor = options.divergenceFactor ?? 10;
  if (!(typeof divergenceFactor === "number" && divergenceFactor > 1))
    throw new RangeError(`train: divergenceFactor must be a number > 1, got ${shown(divergenceFactor)}`);

  assertFiniteMatrix(data.X, "data.X", "train");
  const sets: EvaluationSets = [];
  let K = 0; // the model's number of classes, asked only if there are evaluation sets
  for (const key of ["train", "validation", "test"] as const) {
    const set = options.evaluate?.[key];
    if (set) {
      checkData(set, `evaluate.${key}`);
      if (set.X.cols !== data.X.cols)
        throw new ShapeError(`train: evaluate.${key}.X is ${set.X.shape} but the training data is ${data.X.shape}`);
      assertFiniteMatrix(set.X, `evaluate.${key}.X`, "train");
      // the whole set's labels are checked before a subset is drawn, so a bad label is named by its row in the set
      K ||= model.predictProba(set.X.rowBlock(0, 1)).cols;
      checkClassLabels("train", set.y, K, `evaluate.${key}.y`);
      sets.push([key, subsetOf(set, options.evaluateSubset, options.subsetSeed ?? 0)]);
    }
  }
  return {
    B,
    epochs: options.epochs ?? (options.maxIterations !== undefined ? Infinity : 1),
    maxIterations: options.maxIterations ?? Infinity,
    evaluateEvery: options.evaluateEvery ?? Math.ceil(n / B),
    sets,
    divergence,
    divergenceFactor,
    divergenceWindow: options.divergenceWindow ?? 50,
  };
}
