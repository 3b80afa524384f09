/**
 * The last training run of this kernel, finished or not: `d.lastRun()` after ■.
 *
 * `const run = await d.train(…)` leaves `run` undefined when the run is interrupted (or fails), so the
 * model and the evaluations so far would be out of reach from the next cell. train() records every run
 * here as it ends, however it ends; the interrupt message points to `d.lastRun()`.
 */
import { Model } from "../core/model";
import type { Evaluation } from "./evaluate";

export interface LastRun {
  /** The model trained (the same object; after an interrupt it keeps its last completed step). */
  model: Model;
  /** The evaluations made before the run ended. */
  history: Evaluation[];
  /** Optimiser steps taken, and epochs done (fractional). */
  iterations: number;
  epochs: number;
  /** "finished", "interrupted" (■) or "failed" (an error such as a DivergenceError, in `error`). */
  ended: "finished" | "interrupted" | "failed";
  error?: Error;
}

const KEY = Symbol.for("descent.lastRun");
type Holder = { [KEY]?: LastRun };

/** Records the run that just ended (train calls it). */
export function recordRun(run: LastRun): void {
  (globalThis as Holder)[KEY] = run;
}

/** The last training run of this kernel (finished, interrupted or failed), with its model and evaluations so far. */
export function lastRun(): LastRun {
  const run = (globalThis as Holder)[KEY];
  if (!run)
    throw new Error("lastRun: no training run has ended in this kernel yet (d.train records each run as it ends)");
  return run;
}
