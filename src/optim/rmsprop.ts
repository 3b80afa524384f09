/**
 * RMSprop, element-wise (the usual form): every single weight gets its own running mean of squared
 * gradients r, and its step is divided by √r:
 *   r ← γ·r + (1−γ)·g²,      θ ← θ − η·g / (√r + ε)
 * (g² and the division are element-wise; r = 0 at the start).
 */
import { Param } from "../core/model";
import { fusedRmspropStep } from "../engine/fusedUpdates";
import { checkInRange, checkLearningRate, checkPositive, Optimizer, StateBuffers } from "./optimizer";
import { Schedule, toSchedule } from "./schedules";

export interface RmspropOptions {
  /** Decay γ ∈ [0, 1) of the running mean of g² (default 0.9). */
  gamma?: number;
  /** ε > 0 added to √r so the division is safe (default 1e-8). */
  eps?: number;
  /** Update with the fused kernel fusedRmspropStep (default true; the same numbers), or false for the plain loop below. */
  fast?: boolean;
}

/** RMSprop: r ← γ r + (1−γ) g⊙g; θ ← θ − η g ⊘ (√r + ε)   (r: one buffer per group, shaped like θ). */
export function rmsprop(eta: number | Schedule, options: RmspropOptions = {}): Optimizer {
  const who = "rmsprop";
  const schedule = toSchedule(eta, who);
  const γ = checkInRange(options.gamma ?? 0.9, 0, 1, "the decay γ", who);
  const ε = checkPositive(options.eps ?? 1e-8, "ε", who);
  const fast = options.fast ?? true;
  const meanSquare = new StateBuffers(who, 0);
  return {
    get name() {
      return `rmsprop(${schedule.name}, γ=${γ}, ε=${ε})`;
    },
    get learningRate() {
      return schedule.eta;
    },
    step(params: Param[]): void {
      const η = checkLearningRate(schedule.eta, who);
      for (const p of params) {
        const r = meanSquare.get(p);
        const θ = p.value.data;
        const g = p.grad.data;
        if (fast) {
          fusedRmspropStep(θ, g, r, η, γ, ε); // the two lines below, in one kernel call
          continue;
        }
        for (let i = 0; i < θ.length; i++) {
          r[i] = γ * r[i] + (1 - γ) * g[i] * g[i];
          θ[i] -= (η * g[i]) / (Math.sqrt(r[i]) + ε);
        }
      }
      schedule.afterStep?.();
    },
    endEpoch(epoch: number, loss: number): void {
      schedule.endEpoch(epoch, loss);
    },
    reset(): void {
      meanSquare.clear();
      schedule.reset();
    },
  };
}
