/**
 * What every optimiser offers: one `step` that moves the parameters θ against their gradients,
 * in place, plus an end-of-epoch hook for the step-size schedule.
 *
 * Optimisers keep their per-parameter state (velocities, accumulators) in buffers allocated the
 * first time they see a parameter group; after that a step allocates nothing.
 */
import { Matrix, ShapeError } from "../core/matrix";
import { Param } from "../core/model";
import { describeValue } from "../core/describe";

export interface Optimizer {
  /** A short description with the hyper-parameters, e.g. "sgd(η=0.1, constant)". */
  readonly name: string;
  /** The step size η in use now (the schedule's current value). */
  readonly learningRate: number;
  /** One update of every parameter group from its gradient: θ ← θ − (step built from p.grad). */
  step(params: Param[]): void;
  /** Called by the training loop after epoch `epoch` (1, 2, …) with that epoch's mean training loss. */
  endEpoch(epoch: number, loss: number): void;
  /** Forget all state (velocities, accumulators, schedule) and start afresh. */
  reset(): void;
}

/** A step size must be a positive finite number; anything else throws an error naming the value. */
export function checkLearningRate(eta: number, who = "optimizer"): number {
  if (typeof eta !== "number" || !Number.isFinite(eta) || eta <= 0) {
    throw new RangeError(`${who}: the learning rate must be a positive finite number, got ${describeValue(eta)}`);
  }
  return eta;
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
    throw new RangeError(`${who}: ${what} must be a finite number ${allowZero ? "≥ 0" : "> 0"}, got ${describeValue(value)}`);
  }
  return value;
}

/** θ and ∂loss/∂θ must have the same shape; checked once per parameter group. */
export function checkParam(p: Param, who: string): void {
  if (!(p.value instanceof Matrix) || !(p.grad instanceof Matrix)) {
    throw new TypeError(`${who}: parameter "${p.name}" needs Matrix value and grad`);
  }
  if (p.value.rows !== p.grad.rows || p.value.cols !== p.grad.cols) {
    throw new ShapeError(`${who}: parameter "${p.name}" is ${p.value.shape} but its gradient is ${p.grad.shape}`);
  }
}

/**
 * Per-parameter state buffers (one Float64Array per group, the size of θ), created on first use.
 * Keyed by the parameter's value matrix, so a model that rebuilds its `params` array each time
 * still maps to the same state.
 */
export class StateBuffers {
  private readonly map = new Map<Matrix, Float64Array>();
  constructor(
    private readonly who: string,
    private readonly initial = 0,
  ) {}

  get(p: Param): Float64Array {
    let s = this.map.get(p.value);
    if (s === undefined) {
      checkParam(p, this.who);
      s = new Float64Array(p.value.data.length);
      if (this.initial !== 0) s.fill(this.initial);
      this.map.set(p.value, s);
    }
    return s;
  }

  clear(): void {
    this.map.clear();
  }
}
