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
 *
 * Switches let a notebook run the notes as printed, as their prose says, and as corrected:
 *   accumulator "whole-vector" (the prose): G ← γ·G + (1−γ)·Σ_j ‖g_j‖², one step size for all groups
 *   epsilon "outside":                      s = η / (√G + ε)   (the usual element-wise RMSprop's place)
 *   resetAfter "(k + 1) % K == 0":          G ← g0 after every K steps (after steps K−1, 2K−1, …)
 *   overwrite [names]:                      θ_j ← s_j·g_j for those groups (the printed `W[0] = etaW0 * dW[0]`)
 */
import { Matrix } from "../core/matrix";
import { Param } from "../core/model";
import { checkInRange, checkPositive, optimizer, Optimizer, pick } from "./optimizer";
import { Schedule } from "./schedules";
import { sgdUpdate } from "./sgd";
import { updateKernel } from "./updateKernels";

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
   * Use faster update kernels if they are registered (default true; the same numbers up to rounding):
   * one for ‖g‖² and SGD's for θ ← θ − (η/√(G+ε))·g. false runs the plain loops below.
   */
  fast?: boolean;
  /** One accumulator per parameter group (the code, default) or one for the whole parameter vector (the prose). */
  accumulator?: "per-group" | "whole-vector";
  /** ε inside the root, η/√(G + ε) (the notes, default), or outside, η/(√G + ε). */
  epsilon?: "inside" | "outside";
  /** Reset after step k when k % K == 0 (as printed, default) or when (k + 1) % K == 0 (every K steps). */
  resetAfter?: "k % K == 0" | "(k + 1) % K == 0";
  /** Names of groups updated with `=` instead of `-=`: θ ← s·g (the printed `W[0] = etaW0 * dW[0]`). */
  overwrite?: readonly string[];
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

/** ‖g‖² = Σ_i g_i², one running sum. */
function sumOfSquares(g: ArrayLike<number>): number {
  let n2 = 0;
  for (let i = 0; i < g.length; i++) n2 += g[i] * g[i];
  return n2;
}

/**
 * The notes' RMSprop: per group G ← γG + (1−γ)‖g‖² (or one G over all groups); θ ← θ − η/√(G+ε)·g
 * (or η/(√G+ε), or θ ← s·g for overwritten groups); G reset to g0 every K steps.
 */
export function rmspropNotes(options: RmspropNotesOptions = {}): RmspropNotesOptimizer {
  const who = "rmspropNotes";
  const γ = checkInRange(options.gamma ?? 0.99, 0, 1, "the decay γ", who);
  const ε = checkPositive(options.eps ?? 1e-3, "ε", who);
  const K = options.resetEvery ?? 500;
  if (!Number.isInteger(K) || K < 0)
    throw new RangeError(`${who}: resetEvery must be a whole number ≥ 0 (0 = never), got ${K}`);
  const g0 = checkPositive(options.g0 ?? 1, "the starting accumulator g0", who, true);
  const whole = pick(options.accumulator, ["per-group", "whole-vector"], "accumulator", who) === "whole-vector";
  const inside = pick(options.epsilon, ["inside", "outside"], "epsilon", who) === "inside";
  const resetAfter = pick(options.resetAfter, ["k % K == 0", "(k + 1) % K == 0"], "resetAfter", who);
  const overwrite = new Set(options.overwrite ?? []);
  const norm2 = updateKernel("sumOfSquares", sumOfSquares, options.fast);
  const sgdStep = updateKernel("sgdStep", sgdUpdate, options.fast);
  const state = new Map<Matrix, GroupState>();
  let order: GroupState[] = [];
  let norms2 = new Float64Array(0);
  let wholeG = g0;
  let k = 0;

  const stepSizeFor = (η: number, G: number): number => (inside ? η / Math.sqrt(G + ε) : η / (Math.sqrt(G) + ε));

  const base = optimizer(who, options.eta ?? 0.5, {
    describe() {
      const parts = [`γ=${γ}`, `ε=${ε}${inside ? "" : " outside the root"}`];
      if (whole) parts.push("one G for all groups");
      parts.push(
        K > 0 ? `reset ${resetAfter === "k % K == 0" ? `after k % ${K} == 0` : `every ${K} steps`}` : "never reset",
      );
      if (overwrite.size > 0) parts.push(`overwrites ${[...overwrite].join(", ")}`);
      return parts;
    },
    update(params: Param[], η: number): void {
      if (order.length !== params.length) {
        order = new Array<GroupState>(params.length);
        norms2 = new Float64Array(params.length);
      }
      for (const name of overwrite) {
        if (!params.some((p) => p.name === name)) {
          throw new RangeError(
            `${who}: overwrite names group "${name}", but the parameter groups are ${params.map((p) => p.name).join(", ")}`,
          );
        }
      }
      // ‖g_j‖² over each whole group
      for (let j = 0; j < params.length; j++) {
        const p = params[j];
        let s = state.get(p.value);
        if (s === undefined) {
          s = { name: p.name, G: g0, lastG: NaN, lastStep: NaN, lastNorm: NaN };
          state.set(p.value, s);
        }
        order[j] = s;
        norms2[j] = norm2(p.grad.data);
      }
      // the prose: G = γG + (1−γ)‖∂L/∂w‖² over the whole vector w
      if (whole) {
        let total = 0;
        for (let j = 0; j < params.length; j++) total += norms2[j];
        wholeG = γ * wholeG + (1 - γ) * total;
      }
      for (let j = 0; j < params.length; j++) {
        const s = order[j];
        // the code: G_k = γ G_{k−1} + (1−γ) ‖g‖²
        s.G = whole ? wholeG : γ * s.G + (1 - γ) * norms2[j];
        // θ ← θ − η/√(G_k + ε) · g
        const stepSize = stepSizeFor(η, s.G);
        const θ = params[j].value.data;
        const g = params[j].grad.data;
        if (overwrite.has(params[j].name))
          for (let i = 0; i < θ.length; i++) θ[i] = stepSize * g[i]; // θ = s·g (as printed)
        // (a NaN gradient propagates, as in the notebook)
        else (Number.isFinite(stepSize) ? sgdStep : sgdUpdate)(θ, g, stepSize);
        s.lastG = s.G;
        s.lastStep = stepSize;
        s.lastNorm = Math.sqrt(norms2[j]);
      }
      // the notebook: `if i % 500 == 0: … gW0 = gW1 = gb0 = 1` after the updates of iteration i
      const reset = K > 0 && (resetAfter === "k % K == 0" ? k % K === 0 : (k + 1) % K === 0);
      if (reset) {
        wholeG = g0;
        for (const s of state.values()) s.G = g0;
      }
      k++;
    },
    forget(): void {
      state.clear();
      order = [];
      wholeG = g0;
      k = 0;
    },
  });
  return Object.defineProperties(base, {
    iteration: { get: () => k, enumerable: true },
    groups: {
      value: (): RmspropNotesGroup[] =>
        order
          .filter((s) => s !== undefined)
          .map((s) => ({ name: s.name, G: s.lastG, stepSize: s.lastStep, gradNorm: s.lastNorm, current: s.G })),
      enumerable: true,
    },
  }) as RmspropNotesOptimizer;
}
