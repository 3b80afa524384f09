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
 * A NaN or infinite mini-batch loss, or one that explodes and stays up, stops training with a
 * DivergenceError (src/training/divergence.ts). The options and the data are checked first
 * (src/training/options.ts), the batches come from src/training/batches.ts and the evaluations from
 * src/training/evaluate.ts.
 * While it runs, a progress line (step, epoch, loss, time left; src/core/progress.ts) is redrawn in the
 * notebook; however the run ends, its model and evaluations stay reachable with lastRun() (lastRun.ts).
 */
import { Model } from "../core/model";
import { checkpoint, InterruptedError } from "../core/interrupt";
import { progress } from "../core/progress";
import { LabelError } from "../models/softmax";
import { batchSource, LabelledData } from "./batches";
import { classesOf, DivergenceWatch } from "./divergence";
import { Evaluation, measure } from "./evaluate";
import { planTraining, TrainOptions } from "./options";
import { recordRun } from "./lastRun";

export type { LabelledData } from "./batches";
export { DivergenceError } from "./divergence";
export type { DivergenceMode } from "./divergence";
export { evaluateOn } from "./evaluate";
export type { Evaluation } from "./evaluate";
export type { TrainOptions } from "./options";
export { lastRun } from "./lastRun";
export type { LastRun } from "./lastRun";

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
  /** Warnings given during the run (with divergence: "warn", the divergence warning). */
  warnings: string[];
}

/** Train `model` on `data` with mini-batch gradient descent; see the module comment and TrainOptions. */
export async function train(model: Model, data: LabelledData, options: TrainOptions): Promise<TrainResult> {
  const plan = planTraining(model, data, options);
  const { optimizer } = options;
  const { B, sets } = plan;
  const n = data.X.rows;
  const order = new Int32Array(n); // the order of the examples, reshuffled in place each epoch
  for (let i = 0; i < n; i++) order[i] = i;
  const source = batchSource(data, B, options.shuffle);
  const watch = new DivergenceWatch({
    mode: plan.divergence,
    factor: plan.divergenceFactor,
    window: plan.divergenceWindow,
    classes: classesOf(data.y),
  });
  const t0 = performance.now();
  const history: Evaluation[] = [];
  let iteration = 0; // steps taken
  let epoch = 0; // epochs completed
  let seen = 0; // examples seen
  let windowSum = 0; // Σ m·L_B and Σ m over the batches since the last evaluation
  let windowCount = 0;
  let eta = optimizer.learningRate; // the η of the last step
  let stopped: StopReason | null = null;
  const total = Math.min(plan.maxIterations, plan.epochs * Math.ceil(n / B));
  const bar = Number.isFinite(total) && total > 0 ? progress("training", total) : null;
  let smoothed = NaN; // the mini-batch loss, smoothed for the progress line: 0.9·previous + 0.1·L_B

  const evaluate = async (loss: number): Promise<Evaluation> => {
    const ev = measure(model, sets, {
      iteration,
      epoch: seen / n,
      loss,
      learningRate: optimizer.learningRate,
      seconds: 0,
    });
    ev.seconds = (performance.now() - t0) / 1000;
    history.push(ev);
    if (options.onEvaluate) {
      await options.onEvaluate(ev);
      await new Promise<void>((resolve) => setImmediate(resolve)); // let a live view draw
    }
    return ev;
  };
  /**
   * The stopping rules, at an evaluation: stopWhen, then |L_now − L_previous| < tolerance (L = trainLoss if measured,
   * else loss).
   */
  const stopAfter = (ev: Evaluation): StopReason | null => {
    if (options.stopWhen?.(ev)) return "stopWhen";
    const prev = history[history.length - 2];
    const watched = (e: Evaluation): number => e.trainLoss ?? e.loss;
    return options.tolerance !== undefined && prev && Math.abs(watched(ev) - watched(prev)) < options.tolerance
      ? "tolerance"
      : null;
  };

  try {
    if (options.evaluateAtStart ?? true) {
      const first = source.batch(order, 0, Math.min(B, n));
      stopped = stopAfter(await evaluate(inDataRows(order, 0, () => model.loss(first.X, first.y))));
    }
    while (stopped === null && epoch < plan.epochs) {
      if (iteration >= plan.maxIterations) {
        stopped = "maxIterations";
        break;
      }
      if (options.shuffle) options.rng!.shuffle(order);
      let epochSum = 0;
      let epochCount = 0;
      for (let start = 0; start < n; start += B) {
        checkpoint(
          () =>
            `after iteration ${iteration} of ${total} (epoch ${epoch + 1}); the model keeps its last completed step; d.lastRun() gives the model and the evaluations so far`,
        );
        const end = Math.min(start + B, n);
        const m = end - start;
        const batch = source.batch(order, start, m);
        if (end < n) source.prefetch?.(order, end, Math.min(end + B, n) - end); // the next batch, gathered meanwhile
        const loss = inDataRows(order, start, () => model.lossAndGradient(batch.X, batch.y));
        const diverged = watch.check(loss, iteration + 1, epoch + 1, eta);
        if (diverged) throw diverged;
        eta = optimizer.learningRate; // the η of this step
        optimizer.step(model.params);
        iteration++;
        seen += m;
        windowSum += loss * m;
        windowCount += m;
        epochSum += loss * m;
        epochCount += m;
        smoothed = Number.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
        // let the line leave the kernel
        if (bar?.tick(iteration, smoothed, seen / n)) await new Promise<void>((resolve) => setImmediate(resolve));
        if (iteration % plan.evaluateEvery === 0) {
          stopped = stopAfter(await evaluate(windowSum / windowCount));
          windowSum = windowCount = 0;
        }
        if (stopped === null && iteration >= plan.maxIterations) stopped = "maxIterations";
        if (stopped !== null && end < n) break;
      }
      if (epochCount === n) optimizer.endEpoch(++epoch, epochSum / epochCount);
    }
  } catch (e) {
    const interrupted = e instanceof InterruptedError;
    recordRun({
      model,
      history,
      iterations: iteration,
      epochs: seen / n,
      ended: interrupted ? "interrupted" : "failed",
      error: e as Error,
    });
    bar?.end(
      interrupted
        ? "■ interrupted: d.lastRun() gives the model and the evaluations so far"
        : `stopped: ${(e as Error).name ?? "error"}`,
    );
    throw e;
  } finally {
    source.finish?.();
  }
  stopped ??= "epochs";
  if (history.length === 0 || history[history.length - 1].iteration !== iteration) {
    await evaluate(windowCount > 0 ? windowSum / windowCount : NaN);
  }
  const warnings = watch.warning ? [watch.warning] : [];
  recordRun({ model, history, iterations: iteration, epochs: seen / n, ended: "finished" });
  bar?.end("done");
  return {
    history,
    iterations: iteration,
    epochs: seen / n,
    stoppedBecause: stopped,
    seconds: (performance.now() - t0) / 1000,
    warnings,
  };
}

/**
 * Runs a step on the mini-batch of rows order[start], order[start + 1], …; a bad label found in it
 * (a LabelError naming its position r in the batch) is reported by its row order[start + r] in the data.
 */
function inDataRows<T>(order: Int32Array, start: number, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (!(e instanceof LabelError)) throw e;
    throw new LabelError(
      "train",
      "data.y",
      order[start + e.index],
      e.value,
      e.classes,
      ` (found by ${e.op} in row ${e.index} of the mini-batch)`,
    );
  }
}
