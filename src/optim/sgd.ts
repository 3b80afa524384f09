/**
 * Plain (stochastic) gradient descent: θ ← θ − η·g, with g = ∂loss/∂θ on the current mini-batch
 * and η from a step-size schedule (a number means a constant step size).
 */
import { Param } from "../core/model";
import { fusedSgdStep } from "../engine/fusedUpdates";
import { checkLearningRate, checkParam, Optimizer } from "./optimizer";
import { Schedule, toSchedule } from "./schedules";

export interface SgdOptions {
  /** Update with the fused kernel fusedSgdStep (default true; the same numbers), or false for the plain loop below. */
  fast?: boolean;
}

/** SGD: for every group, θ ← θ − η g   (θ, g: same shape, any). */
export function sgd(eta: number | Schedule, options: SgdOptions = {}): Optimizer {
  const schedule = toSchedule(eta, "sgd");
  const fast = options.fast ?? true;
  const seen = new Set<Param["value"]>();
  return {
    get name() {
      return `sgd(${schedule.name})`;
    },
    get learningRate() {
      return schedule.eta;
    },
    step(params: Param[]): void {
      const η = checkLearningRate(schedule.eta, "sgd");
      for (const p of params) {
        if (!seen.has(p.value)) {
          checkParam(p, "sgd");
          seen.add(p.value);
        }
        const θ = p.value.data;
        const g = p.grad.data;
        // θ ← θ − η g
        if (fast) fusedSgdStep(θ, g, η);
        else for (let i = 0; i < θ.length; i++) θ[i] -= η * g[i];
      }
      schedule.afterStep?.();
    },
    endEpoch(epoch: number, loss: number): void {
      schedule.endEpoch(epoch, loss);
    },
    reset(): void {
      schedule.reset();
    },
  };
}
