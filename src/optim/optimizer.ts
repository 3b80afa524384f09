/**
 * What every optimiser offers: one `step` that moves the parameters θ against their gradients,
 * in place, plus an end-of-epoch hook for the step-size schedule.
 *
 * The parts every optimiser shares live here, once: the name, the step size η from a schedule, the
 * epoch hook, `reset`, and the checks (of η and of every parameter group, once per group). An
 * optimiser file then only writes its update rule (`optimizer(who, eta, rule)`).
 *
 * Optimisers keep their per-parameter state (velocities, accumulators) in buffers allocated the
 * first time they see a parameter group; after that a step allocates nothing.
 */
import { Matrix, ShapeError } from "../core/matrix";
import { Param } from "../core/model";
import { checkLearningRate } from "./hyperparameters";
import { Schedule, toSchedule } from "./schedules";

export { checkInRange, checkLearningRate, checkPositive, pick } from "./hyperparameters";

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

/** An optimiser's own part: its update rule, its state and the hyper-parameters it shows in its name. */
export interface UpdateRule {
  /** The hyper-parameters after the schedule in the name, e.g. ["β=0.9"]. */
  describe?(): string[];
  /** One update of every group with step size η (η checked; each group's shapes checked once). */
  update(params: Param[], eta: number): void;
  /** Forget the state (velocities, accumulators, step count). */
  forget?(): void;
}

/**
 * An Optimizer from an update rule: name = who(schedule, hyper-parameters), learningRate = the
 * schedule's η, step = check η and the groups, rule.update, advance a per-step schedule;
 * endEpoch = the schedule's epoch hook; reset = forget the state and restart the schedule.
 */
export function optimizer(who: string, eta: number | Schedule, rule: UpdateRule): Optimizer {
  const schedule = toSchedule(eta, who);
  const checked = new WeakSet<Matrix>();
  return {
    get name() {
      return `${who}(${[schedule.name, ...(rule.describe?.() ?? [])].join(", ")})`;
    },
    get learningRate() {
      return schedule.eta;
    },
    step(params: Param[]): void {
      const η = checkLearningRate(schedule.eta, who);
      for (const p of params) {
        if (!checked.has(p.value)) {
          checkParam(p, who);
          checked.add(p.value);
        }
      }
      rule.update(params, η);
      schedule.afterStep?.();
    },
    endEpoch(epoch: number, loss: number): void {
      schedule.endEpoch(epoch, loss);
    },
    reset(): void {
      rule.forget?.();
      schedule.reset();
    },
  };
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
  constructor(private readonly initial = 0) {}

  get(p: Param): Float64Array {
    let s = this.map.get(p.value);
    if (s === undefined) {
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
