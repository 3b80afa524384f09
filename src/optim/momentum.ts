/**
 * Gradient descent with momentum (the homework's `dW = grad + momentumFactor·prevDW`):
 *   v ← β·v + g,     θ ← θ − η·v,
 * with v = 0 at the start. β = 0 is plain SGD; β = 0.9 averages about the last 10 gradients.
 */
import { checkInRange, optimizer, Optimizer, StateBuffers } from "./optimizer";
import { Schedule } from "./schedules";

export interface MomentumOptions {
  /** Momentum factor β ∈ [0, 1) (default 0.9). */
  beta?: number;
}

/** Momentum: v ← β v + g; θ ← θ − η v   (v: one buffer per group, shaped like θ). */
export function momentum(eta: number | Schedule, options: MomentumOptions = {}): Optimizer {
  const β = checkInRange(options.beta ?? 0.9, 0, 1, "the momentum factor β", "momentum");
  const velocity = new StateBuffers(0);
  return optimizer("momentum", eta, {
    describe: () => [`β=${β}`],
    update(params, η) {
      for (const p of params) {
        const v = velocity.get(p);
        const θ = p.value.data;
        const g = p.grad.data;
        for (let i = 0; i < θ.length; i++) {
          v[i] = β * v[i] + g[i];
          θ[i] -= η * v[i];
        }
      }
    },
    forget: () => velocity.clear(),
  });
}
