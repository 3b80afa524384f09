/**
 * Plain (stochastic) gradient descent: θ ← θ − η·g, with g = ∂loss/∂θ on the current mini-batch
 * and η from a step-size schedule (a number means a constant step size).
 */
import { optimizer, Optimizer } from "./optimizer";
import { Schedule } from "./schedules";
import { updateKernel, Vec } from "./updateKernels";

export interface SgdOptions {
  /**
   * Use a faster update kernel if one is registered (default true; the same numbers up to rounding), or false for the
   * plain loop below.
   */
  fast?: boolean;
}

/** θ ← θ − η g, entry by entry   (θ, g: the same length). */
export function sgdUpdate(θ: Vec, g: ArrayLike<number>, η: number): void {
  for (let i = 0; i < θ.length; i++) θ[i] -= η * g[i];
}

/** SGD: for every group, θ ← θ − η g   (θ, g: same shape, any). */
export function sgd(eta: number | Schedule, options: SgdOptions = {}): Optimizer {
  const step = updateKernel("sgdStep", sgdUpdate, options.fast);
  return optimizer("sgd", eta, {
    update(params, η) {
      for (const p of params) step(p.value.data, p.grad.data, η); // θ ← θ − η g
    },
  });
}
