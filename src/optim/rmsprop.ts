/**
 * RMSprop, element-wise (the usual form): every single weight gets its own running mean of squared
 * gradients r, and its step is divided by √r:
 *   r ← γ·r + (1−γ)·g²,      θ ← θ − η·g / (√r + ε)
 * (g² and the division are element-wise; r = 0 at the start).
 */
import { checkInRange, checkPositive, optimizer, Optimizer, StateBuffers } from "./optimizer";
import { Schedule } from "./schedules";
import { updateKernel, Vec } from "./updateKernels";

export interface RmspropOptions {
  /** Decay γ ∈ [0, 1) of the running mean of g² (default 0.9). */
  gamma?: number;
  /** ε > 0 added to √r so the division is safe (default 1e-8). */
  eps?: number;
  /**
   * Use a faster update kernel if one is registered (default true; the same numbers up to rounding), or false for the
   * plain loop below.
   */
  fast?: boolean;
}

/** r ← γ r + (1−γ) g⊙g;  θ ← θ − η g ⊘ (√r + ε), entry by entry   (θ, g, r: the same length). */
function rmspropUpdate(θ: Vec, g: ArrayLike<number>, r: Vec, η: number, γ: number, ε: number): void {
  for (let i = 0; i < θ.length; i++) {
    r[i] = γ * r[i] + (1 - γ) * g[i] * g[i];
    θ[i] -= (η * g[i]) / (Math.sqrt(r[i]) + ε);
  }
}

/** RMSprop: r ← γ r + (1−γ) g⊙g; θ ← θ − η g ⊘ (√r + ε)   (r: one buffer per group, shaped like θ). */
export function rmsprop(eta: number | Schedule, options: RmspropOptions = {}): Optimizer {
  const who = "rmsprop";
  const γ = checkInRange(options.gamma ?? 0.9, 0, 1, "the decay γ", who);
  const ε = checkPositive(options.eps ?? 1e-8, "ε", who);
  const step = updateKernel("rmspropStep", rmspropUpdate, options.fast);
  const meanSquare = new StateBuffers(0);
  return optimizer(who, eta, {
    describe: () => [`γ=${γ}`, `ε=${ε}`],
    update(params, η) {
      for (const p of params) step(p.value.data, p.grad.data, meanSquare.get(p), η, γ, ε);
    },
    forget: () => meanSquare.clear(),
  });
}
