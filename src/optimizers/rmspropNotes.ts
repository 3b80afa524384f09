/**
 * The notes' RMSprop variant (seed 001, "GD-variant of the RMSprop"): ONE scalar accumulator per
 * parameter group instead of one per weight.
 *
 *   choose θ₀, η, γ, ε and let G₋₁ = 1
 *   for k = 0, 1, 2, …:
 *     G_k     = γ·G_{k−1} + (1−γ)·‖∂L/∂θ(θ_k)‖²          (‖·‖² = sum of squares over the whole group)
 *     θ_{k+1} = θ_k − η / √(G_k + ε) · ∂L/∂θ(θ_k)
 *     if k mod K = 0: G_k ← 1                                 (the notebook's reset, K = 500)
 *
 * Exactly as the notebook's code: ε sits INSIDE the square root, the accumulator starts at 1 and is
 * reset to 1 after the update of every iteration k with k % K === 0 — which includes k = 0, so the
 * first reset already happens after the very first step. Defaults are the notebook's: η = 0.5,
 * γ = 0.99, ε = 1e-3, K = 500.
 */
import { Matrix } from "../matrix";
import { Param } from "../model";
import { fusedSgdStep, fusedSumOfSquares } from "../kernels/fusedUpdates";
import { checkInRange, checkLearningRate, checkParam, checkPositive, Optimizer } from "./optimizer";
import { Schedule, toSchedule } from "./schedules";

export interface RmspropNotesOptions {
  /** η (default 0.5), or a schedule. */
  eta?: number | Schedule;
  /** γ ∈ [0, 1) (default 0.99). */
  gamma?: number;
  /** ε > 0, added inside the square root (default 1e-3). */
  eps?: number;
  /** Reset every accumulator to `g0` after iteration k when k % resetEvery === 0 (default 500; 0 = never). */
  resetEvery?: number;
  /** The starting (and reset) value G₋₁ (default 1). */
  g0?: number;
  /**
   * Use the fused kernels (default true; the same numbers up to rounding): fusedSumOfSquares for ‖g‖²
   * and fusedSgdStep for θ ← θ − (η/√(G+ε))·g — the two passes of fusedRmspropNotesStep, kept
   * separate because groups() reports ‖g‖. false runs the plain loops below.
   */
  fast?: boolean;
}

/** One group's numbers at the last step: the notebook's sanity prints gW0, etaW0 and |dW0|. */
export interface RmspropNotesGroup {
  name: string;
  /** Accumulator G_k computed in the last step (before any reset). */
  G: number;
  /** The group's step size η / √(G_k + ε) used in the last step. */
  stepSize: number;
  /** ‖∂L/∂θ‖ (Frobenius norm) at the last step. */
  gradNorm: number;
  /** The accumulator now (after a reset, if one happened). */
  current: number;
}

export interface RmspropNotesOptimizer extends Optimizer {
  /** Steps taken so far (k of the next step). */
  readonly iteration: number;
  /** Per group, in the order of the last `step` call: G, step size, gradient norm. */
  groups(): RmspropNotesGroup[];
}

interface GroupState {
  name: string;
  G: number;
  lastG: number;
  lastStep: number;
  lastNorm: number;
}

/** The notes' RMSprop: per group G ← γG + (1−γ)‖g‖²; θ ← θ − η/√(G+ε)·g; reset G to 1 every K steps. */
export function rmspropNotes(options: RmspropNotesOptions = {}): RmspropNotesOptimizer {
  const who = "rmspropNotes";
  const schedule = toSchedule(options.eta ?? 0.5, who);
  const γ = checkInRange(options.gamma ?? 0.99, 0, 1, "the decay γ", who);
  const ε = checkPositive(options.eps ?? 1e-3, "ε", who);
  const K = options.resetEvery ?? 500;
  if (!Number.isInteger(K) || K < 0) throw new RangeError(`${who}: resetEvery must be a whole number ≥ 0 (0 = never), got ${K}`);
  const g0 = checkPositive(options.g0 ?? 1, "the starting accumulator g0", who, true);
  const fast = options.fast ?? true;
  const state = new Map<Matrix, GroupState>();
  let order: GroupState[] = [];
  let k = 0;

  return {
    get name() {
      return `rmspropNotes(${schedule.name}, γ=${γ}, ε=${ε}, reset every ${K || "never"})`;
    },
    get learningRate() {
      return schedule.eta;
    },
    get iteration() {
      return k;
    },
    step(params: Param[]): void {
      const η = checkLearningRate(schedule.eta, who);
      if (order.length !== params.length) order = new Array<GroupState>(params.length);
      for (let j = 0; j < params.length; j++) {
        const p = params[j];
        let s = state.get(p.value);
        if (s === undefined) {
          checkParam(p, who);
          s = { name: p.name, G: g0, lastG: NaN, lastStep: NaN, lastNorm: NaN };
          state.set(p.value, s);
        }
        order[j] = s;
        const θ = p.value.data;
        const g = p.grad.data;
        // ‖g‖² over the whole group
        let norm2 = 0;
        if (fast) norm2 = fusedSumOfSquares(g);
        else for (let i = 0; i < g.length; i++) norm2 += g[i] * g[i];
        // G_k = γ G_{k−1} + (1−γ) ‖g‖²
        s.G = γ * s.G + (1 - γ) * norm2;
        // θ ← θ − η/√(G_k + ε) · g
        const stepSize = η / Math.sqrt(s.G + ε);
        if (fast && Number.isFinite(stepSize)) fusedSgdStep(θ, g, stepSize);
        else for (let i = 0; i < θ.length; i++) θ[i] -= stepSize * g[i]; // (a NaN gradient propagates, as in the notebook)
        s.lastG = s.G;
        s.lastStep = stepSize;
        s.lastNorm = Math.sqrt(norm2);
      }
      // the notebook: `if i % 500 == 0: … gW0 = gW1 = gb0 = 1` after the updates of iteration i
      if (K > 0 && k % K === 0) for (const s of state.values()) s.G = g0;
      k++;
      schedule.afterStep?.();
    },
    groups(): RmspropNotesGroup[] {
      return order.filter((s) => s !== undefined).map((s) => ({ name: s.name, G: s.lastG, stepSize: s.lastStep, gradNorm: s.lastNorm, current: s.G }));
    },
    endEpoch(epoch: number, loss: number): void {
      schedule.endEpoch(epoch, loss);
    },
    reset(): void {
      state.clear();
      order = [];
      k = 0;
      schedule.reset();
    },
  };
}
