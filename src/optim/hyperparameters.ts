/**
 * Checks of optimiser and schedule hyper-parameters: a bad value throws a RangeError that names the
 * optimiser, the hyper-parameter and the value given.
 */
import { describeValue } from "../core/describe";

/** A step size must be a positive finite number; anything else throws an error naming the value. */
export function checkLearningRate(eta: number, who = "optimizer"): number {
  if (typeof eta !== "number" || !Number.isFinite(eta) || eta <= 0) {
    throw new RangeError(`${who}: the learning rate must be a positive finite number, got ${describeValue(eta)}`);
  }
  return eta;
}

/** A switch that must be one of `allowed` (the first is the default). */
export function pick<T extends string>(value: T | undefined, allowed: readonly T[], what: string, who: string): T {
  if (value === undefined) return allowed[0];
  if (!allowed.includes(value))
    throw new RangeError(
      `${who}: ${what} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(value)}`,
    );
  return value;
}

/** A hyper-parameter that must lie in [lo, hi) (e.g. a decay rate γ ∈ [0, 1)). */
export function checkInRange(value: number, lo: number, hi: number, what: string, who: string): number {
  if (typeof value !== "number" || !(value >= lo && value < hi)) {
    throw new RangeError(`${who}: ${what} must be in [${lo}, ${hi}), got ${describeValue(value)}`);
  }
  return value;
}

/** A hyper-parameter that must be a finite number > 0 (or ≥ 0 when `allowZero`). */
export function checkPositive(value: number, what: string, who: string, allowZero = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !(allowZero ? value >= 0 : value > 0)) {
    throw new RangeError(
      `${who}: ${what} must be a finite number ${allowZero ? "≥ 0" : "> 0"}, got ${describeValue(value)}`,
    );
  }
  return value;
}
