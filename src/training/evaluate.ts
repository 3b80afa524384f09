/**
 * Evaluations during training: cross-entropy and accuracy of the model on the sets the caller gave
 * (training, validation, test), each possibly a fixed random subset, recorded with the iteration.
 */
import { argmaxRows, gatherRows, ShapeError } from "../core/matrix";
import { Model } from "../core/model";
import { Rng } from "../core/random";
import { gatherLabels, labelBuffer, LabelledData } from "./batches";

/** One evaluation of the model during training. */
export interface Evaluation {
  /** Optimiser steps taken so far (0 = before training). */
  iteration: number;
  /** Epochs done, fractional: examples seen so far / n. */
  epoch: number;
  /**
   * Mean mini-batch loss since the previous evaluation, weighted by batch size (at iteration 0: the loss on the first
   * batchSize examples).
   */
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

export type EvaluationSetName = "train" | "validation" | "test";
export type EvaluationSets = [EvaluationSetName, LabelledData][];

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

/** A fixed random subset of at most m examples (sorted indices), or the set itself. */
export function subsetOf(data: LabelledData, m: number | undefined, seed: number): LabelledData {
  if (m === undefined || data.X.rows <= m) return data;
  const idx = new Rng(seed).sample(data.X.rows, m).sort();
  return { X: gatherRows(data.X, idx), y: gatherLabels(data.y, idx, labelBuffer(data.y, m)) };
}

/** Fills ev's trainLoss/trainAccuracy, validationLoss/…, testLoss/… from evaluateOn on every set. */
export function measure(model: Model, sets: EvaluationSets, ev: Evaluation): Evaluation {
  for (const [key, set] of sets) {
    const r = evaluateOn(model, set, key);
    ev[`${key}Loss`] = r.loss;
    ev[`${key}Accuracy`] = r.accuracy;
  }
  return ev;
}
