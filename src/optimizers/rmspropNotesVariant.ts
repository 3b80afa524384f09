/**
 * The notes' RMSprop (seed 001) with each of its printed slips as a switch, so a notebook can run
 * the code as printed, as the prose describes it, and as corrected, side by side.
 *
 *   per group j (the code):   G_j ← γ·G_j + (1−γ)·‖g_j‖²          s_j = η / √(G_j + ε)      θ_j ← θ_j − s_j·g_j
 *   whole vector (the prose): G   ← γ·G   + (1−γ)·Σ_j ‖g_j‖²       s   = η / √(G + ε)        θ_j ← θ_j − s·g_j
 *   ε outside the root:       s = η / (√G + ε)                      (the usual element-wise RMSprop's place)
 *   reset "k % K == 0":       G ← g0 after step k when k % K = 0   (as printed: includes k = 0, right after the first step)
 *   reset "(k + 1) % K == 0": G ← g0 after every K steps            (the intent: after steps K−1, 2K−1, …)
 *   overwrite [names]:        θ_j ← s_j·g_j for those groups        (the printed `W[0] = etaW0 * dW[0]`, `=` for `-=`)
 *
 * ‖g‖² is the sum of squares over a whole group (a Frobenius norm squared). With the defaults
 * (per group, ε inside, reset "k % K == 0", no overwrite) this is exactly `rmspropNotes`.
 */
import { Matrix } from "../matrix";
import { Param } from "../model";
import { checkInRange, checkLearningRate, checkParam, checkPositive } from "./optimizer";
import { RmspropNotesGroup, RmspropNotesOptimizer, RmspropNotesOptions } from "./rmspropNotes";
import { toSchedule } from "./schedules";

export interface RmspropNotesVariantOptions extends RmspropNotesOptions {
  /** One accumulator per parameter group (the code, default) or one for the whole parameter vector (the prose). */
  accumulator?: "per-group" | "whole-vector";
  /** ε inside the root, η/√(G + ε) (the notes, default), or outside, η/(√G + ε). */
  epsilon?: "inside" | "outside";
  /** Reset after step k when k % K == 0 (as printed, default) or when (k + 1) % K == 0 (every K steps). */
  resetAfter?: "k % K == 0" | "(k + 1) % K == 0";
  /** Names of groups updated with `=` instead of `-=`: θ ← s·g (the printed `W[0] = etaW0 * dW[0]`). */
  overwrite?: readonly string[];
}

interface VariantGroup {
  name: string;
  G: number;
  lastG: number;
  lastStep: number;
  lastNorm: number;
}

/**
 * The notes' RMSprop with switches: G ← γG + (1−γ)‖g‖² (per group or over all groups),
 * θ ← θ − η/√(G+ε)·g (or η/(√G+ε), or θ ← s·g for overwritten groups), G reset to g0 every K steps.
 */
export function rmspropNotesVariant(options: RmspropNotesVariantOptions = {}): RmspropNotesOptimizer {
  const who = "rmspropNotesVariant";
  const schedule = toSchedule(options.eta ?? 0.5, who);
  const γ = checkInRange(options.gamma ?? 0.99, 0, 1, "the decay γ", who);
  const ε = checkPositive(options.eps ?? 1e-3, "ε", who);
  const K = options.resetEvery ?? 500;
  if (!Number.isInteger(K) || K < 0) throw new RangeError(`${who}: resetEvery must be a whole number ≥ 0 (0 = never), got ${K}`);
  const g0 = checkPositive(options.g0 ?? 1, "the starting accumulator g0", who, true);
  const whole = pick(options.accumulator, ["per-group", "whole-vector"], "accumulator", who) === "whole-vector";
  const inside = pick(options.epsilon, ["inside", "outside"], "epsilon", who) === "inside";
  const resetAfter = pick(options.resetAfter, ["k % K == 0", "(k + 1) % K == 0"], "resetAfter", who);
  const overwrite = new Set(options.overwrite ?? []);
  const state = new Map<Matrix, VariantGroup>();
  let order: VariantGroup[] = [];
  let wholeG = g0;
  let k = 0;

  const stepSizeFor = (η: number, G: number): number => (inside ? η / Math.sqrt(G + ε) : η / (Math.sqrt(G) + ε));

  return {
    get name() {
      const parts = [schedule.name, `γ=${γ}`, `ε=${ε} ${inside ? "inside" : "outside"} the root`, whole ? "one G for all groups" : "one G per group"];
      parts.push(K > 0 ? `reset after ${resetAfter === "k % K == 0" ? `k % ${K} == 0` : `every ${K} steps`}` : "never reset");
      if (overwrite.size > 0) parts.push(`overwrites ${[...overwrite].join(", ")}`);
      return `rmspropNotesVariant(${parts.join(", ")})`;
    },
    get learningRate() {
      return schedule.eta;
    },
    get iteration() {
      return k;
    },
    step(params: Param[]): void {
      const η = checkLearningRate(schedule.eta, who);
      if (order.length !== params.length) order = new Array<VariantGroup>(params.length);
      for (const name of overwrite) {
        if (!params.some((p) => p.name === name)) {
          throw new RangeError(`${who}: overwrite names group "${name}", but the parameter groups are ${params.map((p) => p.name).join(", ")}`);
        }
      }
      // ‖g_j‖² for every group
      const norms2 = new Float64Array(params.length);
      for (let j = 0; j < params.length; j++) {
        const p = params[j];
        let s = state.get(p.value);
        if (s === undefined) {
          checkParam(p, who);
          s = { name: p.name, G: g0, lastG: NaN, lastStep: NaN, lastNorm: NaN };
          state.set(p.value, s);
        }
        order[j] = s;
        const g = p.grad.data;
        let n2 = 0;
        for (let i = 0; i < g.length; i++) n2 += g[i] * g[i];
        norms2[j] = n2;
      }
      // the prose: G = γG + (1−γ)‖∂L/∂w‖² over the whole vector w
      if (whole) {
        let total = 0;
        for (let j = 0; j < params.length; j++) total += norms2[j];
        wholeG = γ * wholeG + (1 - γ) * total;
      }
      for (let j = 0; j < params.length; j++) {
        const p = params[j];
        const s = order[j];
        // the code: G_j = γ G_j + (1−γ) ‖g_j‖²
        if (whole) s.G = wholeG;
        else s.G = γ * s.G + (1 - γ) * norms2[j];
        const stepSize = stepSizeFor(η, s.G);
        const θ = p.value.data;
        const g = p.grad.data;
        if (overwrite.has(p.name)) for (let i = 0; i < θ.length; i++) θ[i] = stepSize * g[i]; // θ = s·g (as printed)
        else for (let i = 0; i < θ.length; i++) θ[i] -= stepSize * g[i]; // θ −= s·g
        s.lastG = s.G;
        s.lastStep = stepSize;
        s.lastNorm = Math.sqrt(norms2[j]);
      }
      const reset = K > 0 && (resetAfter === "k % K == 0" ? k % K === 0 : (k + 1) % K === 0);
      if (reset) {
        wholeG = g0;
        for (const s of state.values()) s.G = g0;
      }
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
      wholeG = g0;
      k = 0;
      schedule.reset();
    },
  };
}

function pick<T extends string>(value: T | undefined, allowed: readonly T[], what: string, who: string): T {
  if (value === undefined) return allowed[0];
  if (!allowed.includes(value)) throw new RangeError(`${who}: ${what} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${JSON.stringify(value)}`);
  return value;
}
