/**
 * Divergence: training that has gone wrong, caught while it runs.
 *
 *   NaN or ±∞ loss                        always an error: nothing sensible can follow
 *   explosion (not NaN)                   the mini-batch loss stays above the bound
 *                                           bound = factor · max(L₁, ln K)
 *                                         for `window` iterations in a row (a spike that comes
 *                                         back below the bound within the window is no alarm)
 *
 * L₁ is the first mini-batch loss (before any step) and K the number of classes when the labels
 * are classes 0…K−1 (ln K is the loss of guessing uniformly; the floor keeps a small L₁, e.g. of a
 * model that is already trained, from making the bound tiny). Defaults: factor 10, window 50, so a
 * 10-class problem alarms when the loss stays above 10 · ln 10 ≈ 23 for 50 steps — the loss of a
 * model that puts p < 10⁻¹⁰ on the right class on average. An explosion throws a DivergenceError
 * (`divergence: "throw"`, the default), or warns once and trains on ("warn"), or is not looked for
 * ("off"; NaN and ±∞ still throw).
 */

export type DivergenceMode = "throw" | "warn" | "off";

/** Training produced a NaN or infinite loss, or a loss that exploded and did not come back. */
export class DivergenceError extends Error {
  constructor(
    /** The iteration whose mini-batch loss gave the alarm (1 = the first, before any step). */
    public readonly iteration: number,
    /** That mini-batch loss. */
    public readonly loss: number,
    /** The step size η of the last step taken before it (the current η when no step was taken yet). */
    public readonly learningRate: number,
    epoch: number,
    /** What was seen, when it is not a NaN/∞ loss: e.g. "above the bound 23.0 for 50 iterations in a row". */
    detail?: string,
  ) {
    const shown = Number.isFinite(loss) ? Number(loss.toPrecision(4)) : loss;
    const what = detail ? `the mini-batch loss is ${shown}, ${detail},` : `the mini-batch loss is ${shown}`;
    const cause =
      iteration <= 1
        ? `before any step, with the initial parameters (learning rate η = ${learningRate} not used yet): check the model and its initialisation`
        : `with learning rate η = ${learningRate}. Try a smaller learning rate${detail ? ` (or train with divergence: "warn" to go on)` : ""}`;
    super(`train: diverged at iteration ${iteration} (epoch ${epoch}): ${what} ${cause}.`);
    this.name = "DivergenceError";
  }
}

export interface DivergenceOptions {
  mode: DivergenceMode;
  /** bound = factor · max(L₁, ln K) (default 10). */
  factor: number;
  /** Iterations in a row above the bound before the alarm (default 50). */
  window: number;
  /** The number of classes K, if the labels are classes (the ln K floor), else 0. */
  classes: number;
}

/** K = 1 + the largest label when every label is a whole number ≥ 0 (classes 0…K−1), else 0. */
export function classesOf(y: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!(Number.isInteger(v) && v >= 0)) return 0;
    if (v > max) max = v;
  }
  return max + 1;
}

/** Watches every mini-batch loss; `check` returns the error to throw, or null. */
export class DivergenceWatch {
  private bound = Infinity;
  private above = 0;
  /** The warning given in "warn" mode (at most one per run). */
  warning: string | null = null;

  constructor(private readonly o: DivergenceOptions) {}

  /** The mini-batch loss of iteration `iteration` (epoch `epoch`), after steps with step size η. */
  check(loss: number, iteration: number, epoch: number, eta: number): DivergenceError | null {
    if (typeof loss !== "number" || !Number.isFinite(loss)) return new DivergenceError(iteration, loss, eta, epoch);
    if (this.o.mode === "off") return null;
    if (iteration === 1) this.bound = this.o.factor * Math.max(loss, this.o.classes > 1 ? Math.log(this.o.classes) : 0);
    this.above = loss > this.bound ? this.above + 1 : 0;
    if (this.above < this.o.window) return null;
    const detail = `above ${this.o.factor} · max(first loss, ln K) = ${this.bound.toPrecision(4)} for ${this.above} iterations in a row`;
    const error = new DivergenceError(iteration, loss, eta, epoch, detail);
    if (this.o.mode === "throw") return error;
    if (this.warning === null) {
      this.warning = `${error.message} (divergence: "warn": training goes on)`;
      console.warn(this.warning);
    }
    return null;
  }
}
