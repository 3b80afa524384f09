/** Homework 02, hw02-ex4 · A learning-rate experiment (split from the homework's single spec file; see ./index.ts). */
import { exercise } from "../../check";
import { fmt } from "../../values";
import { Vec, bowlCost } from "./common";

// hw02-ex4 · a learning-rate experiment with bars (no reference: the bars judge the student's rates)

/** The bars of the experiment on the bowl C(v) = (v₁ − 1)² + 5(v₂ + 2)². */
export const RATE_BARS = { steps: 30, fastBelow: 1e-6, divergingAtMost: 0.25 };

export interface RateChoice {
  /** a rate with C(v⁽³⁰⁾) < 1e-6 */
  fast: number;
  /** a rate η ≤ 0.25 with C(v⁽³⁰⁾) > C(v⁽⁰⁾) */
  diverging: number;
}

/**
 * C after `steps` steps of plain gradient descent on the bowl, in closed form (so the bar does not
 * contain the loop students write): each step multiplies v₁ − 1 by 1 − 2η and v₂ + 2 by 1 − 10η, so
 * C(v⁽ᵏ⁾) = (1 − 2η)^{2k} (v₁⁽⁰⁾ − 1)² + 5 (1 − 10η)^{2k} (v₂⁽⁰⁾ + 2)².
 */
export function bowlCostAfter(eta: number, v0: Vec, steps = RATE_BARS.steps): number {
  return (1 - 2 * eta) ** (2 * steps) * (v0[0] - 1) ** 2 + 5 * (1 - 10 * eta) ** (2 * steps) * (v0[1] + 2) ** 2;
}

export function rateField(got: unknown, key: "fast" | "diverging"): number | string {
  if (typeof got !== "object" || got === null || !(key in got))
    return `your result has no field "${key}" (return { fast: …, diverging: … })`;
  const x = (got as Record<string, unknown>)[key];
  if (typeof x !== "number" || !Number.isFinite(x)) return `"${key}" must be a finite number, got ${String(x)}`;
  return x;
}

/** Bar: `fast` brings the bowl's cost below 1e-6 in 30 steps from v0. */
export function fastBar(v0: Vec) {
  return (got: unknown): string | null => {
    const eta = rateField(got, "fast");
    if (typeof eta === "string") return eta;
    if (!(eta > 0)) return `fast = ${fmt(eta)}: a learning rate must be positive`;
    const c = bowlCostAfter(eta, v0);
    if (c < RATE_BARS.fastBelow) return null;
    const c0 = bowlCost(v0);
    if (!(c <= c0))
      return `fast = ${fmt(eta)}: the cost grew from ${fmt(c0)} to ${fmt(c)} in ${RATE_BARS.steps} steps; this rate is too large for the steep direction v₂ (curvature 10)`;
    return `fast = ${fmt(eta)}: after ${RATE_BARS.steps} steps C = ${fmt(c)}, not below ${RATE_BARS.fastBelow}. Per step the distance along v₁ shrinks by |1 − 2η| and along v₂ by |1 − 10η|: the slower of the two decides; try rates that make both small`;
  };
}

/** Bar: `diverging` ≤ 0.25 makes the cost grow in 30 steps from v0. */
export function divergingBar(v0: Vec) {
  return (got: unknown): string | null => {
    const eta = rateField(got, "diverging");
    if (typeof eta === "string") return eta;
    if (!(eta > 0)) return `diverging = ${fmt(eta)}: a learning rate must be positive`;
    if (eta > RATE_BARS.divergingAtMost)
      return `diverging = ${fmt(eta)} is above the bar: find a diverging rate η ≤ ${RATE_BARS.divergingAtMost} (any huge rate diverges; the point is to find where it starts)`;
    const c = bowlCostAfter(eta, v0);
    const c0 = bowlCost(v0);
    if (c > c0) return null;
    return `diverging = ${fmt(eta)} does not diverge: after ${RATE_BARS.steps} steps C = ${fmt(c)} ≤ C(v⁽⁰⁾) = ${fmt(c0)}. Look for the rate at which |1 − 10η| exceeds 1`;
  };
}

/** Each case of hw02-ex4 carries what it judges and the start point; the student's chooseRates() ignores it. */
export interface RateCase {
  judge: "fast" | "diverging";
  v0: Vec;
}
export const rateCase = (judge: RateCase["judge"], v0: Vec): unknown[] => [{ judge, v0 }];

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW02_EX4 = exercise({
  id: "hw02-ex4",
  title: "A learning-rate experiment",
  cases: () => [
    {
      name: "fast: C < 1e-6 after 30 steps from (3, 1) (graded also from (−2, 4))",
      args: rateCase("fast", [3, 1]),
      points: 2,
    },
    {
      name: "diverging: η ≤ 0.25 and C grows in 30 steps from (3, 1) (graded also from (−2, 4))",
      args: rateCase("diverging", [3, 1]),
      points: 2,
    },
  ],
  hidden: () => [
    { name: "fast rate, started at (−2, 4) instead", args: rateCase("fast", [-2, 4]), points: 1 },
    { name: "diverging rate, started at (−2, 4) instead", args: rateCase("diverging", [-2, 4]), points: 1 },
  ],
  compare: (got, _expected, args) => {
    const c = args[0] as RateCase;
    return c.judge === "fast" ? fastBar(c.v0)(got) : divergingBar(c.v0)(got);
  },
});
