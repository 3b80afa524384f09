/**
 * Homework 02 · gradient descent (master: notebooks/homework-masters/02-gradient-descent.ipynb).
 *
 *   hw02-ex1  finiteDifferenceGradient(C, v, h)   ∂C/∂v_k ≈ (C(v + h e_k) − C(v − h e_k)) / 2h     v: length p → length p
 *   hw02-ex2  gradientStep(v, g, eta)              v − η g                                         length p → length p
 *   hw02-ex3  gradientDescent(C, gradC, v0, eta, steps)   { v: v⁽ˢᵗᵉᵖˢ⁾, costs: [C(v⁽⁰⁾), …, C(v⁽ˢᵗᵉᵖˢ⁾)] }
 *   hw02-ex4  chooseRates()                        a learning-rate experiment with two bars (no reference)
 *   hw02-ex5  miniBatchGradient(G, batch)          (1/m) Σ_{i ∈ batch} G[i, :]                       G: n×p → length p
 *
 * References: src/calculus/descent.ts.
 */
import { fromArrays, Matrix, randn } from "../../core/matrix";
import { Rng } from "../../core/random";
import * as descent from "../../calculus/descent";
import { exercise, exerciseIds } from "../check";
import { fmt } from "../values";

type Vec = number[];
type Cost = (v: Vec) => number;
type Grad = (v: Vec) => Vec;

// ---------------------------------------------------------------------------------------------
// Costs used by the cases (each with its gradient)

/** The landscape of notebook 02: C(v) = ½v₁² + sin v₁ + 2v₂². */
export const notebookCost: Cost = (v) => 0.5 * v[0] ** 2 + Math.sin(v[0]) + 2 * v[1] ** 2;
export const notebookGrad: Grad = (v) => [v[0] + Math.cos(v[0]), 4 * v[1]];

/** The experiment's bowl: C(v) = (v₁ − 1)² + 5(v₂ + 2)², curvatures 2 and 10, minimum 0 at (1, −2). */
export const bowlCost: Cost = (v) => (v[0] - 1) ** 2 + 5 * (v[1] + 2) ** 2;
export const bowlGrad: Grad = (v) => [2 * (v[0] - 1), 10 * (v[1] + 2)];

/** A cubic with a mixed term, where forward differences are visibly off: C(v) = v₁³ + v₁v₂ + 2v₂². */
const cubicCost: Cost = (v) => v[0] ** 3 + v[0] * v[1] + 2 * v[1] ** 2;

/** A smooth cost of p variables: C(v) = Σ_k a_k v_k² + Σ_k sin(v_k) + 0.3 Σ_k v_k v_{k+1} + exp(v₁/4). */
function randomSmoothCost(rng: Rng, p: number): { C: Cost; grad: Grad } {
  const a = Array.from({ length: p }, () => 0.5 + rng.uniform() * 2);
  const C: Cost = (v) => {
    let s = Math.exp(v[0] / 4);
    for (let k = 0; k < p; k++) s += a[k] * v[k] ** 2 + Math.sin(v[k]) + (k + 1 < p ? 0.3 * v[k] * v[k + 1] : 0);
    return s;
  };
  const grad: Grad = (v) =>
    v.map((vk, k) => 2 * a[k] * vk + Math.cos(vk) + 0.3 * ((k > 0 ? v[k - 1] : 0) + (k + 1 < p ? v[k + 1] : 0)) + (k === 0 ? Math.exp(v[0] / 4) / 4 : 0));
  return { C, grad };
}
const randomPoint = (rng: Rng, p: number, r = 2): Vec => Array.from({ length: p }, () => rng.uniformIn(-r, r));

// ---------------------------------------------------------------------------------------------
// hw02-ex1 · central differences

export function finiteDifferenceGradientRef(C: Cost, v: Vec, h: number): Vec {
  return descent.finiteDifferenceGradient((u) => C(Array.from(u)), v, h);
}

exercise({
  id: "hw02-ex1",
  title: "The gradient by central differences",
  reference: finiteDifferenceGradientRef,
  tolerance: 1e-7,
  cases: (rng) => {
    const r = randomSmoothCost(rng, 4);
    return [
      { name: "hand case: C = v₁² + 3v₂ at (1, 2), h = 1e-4", args: [(v: Vec) => v[0] ** 2 + 3 * v[1], [1, 2], 1e-4], points: 1 },
      { name: "the notebook's landscape at (2.5, 1.5), h = 1e-5", args: [notebookCost, [2.5, 1.5], 1e-5], points: 1 },
      { name: "a cubic at (1.5, −0.5), h = 1e-3", args: [cubicCost, [1.5, -0.5], 1e-3], points: 1 },
      { name: "random smooth cost of 4 variables, h = 1e-3", args: [r.C, randomPoint(rng, 4), 1e-3], points: 1 },
    ];
  },
  hidden: (rng) => {
    const r = randomSmoothCost(rng, 7);
    return [
      { name: "edge case: one variable, C = v³ at v = 2, h = 1e-2", args: [(v: Vec) => v[0] ** 3, [2], 1e-2], points: 1 },
      { name: "random smooth cost of 7 variables, h = 1e-3", args: [r.C, randomPoint(rng, 7), 1e-3], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "These are forward differences (C(v + h e_k) − C(v))/h, accurate only to O(h). Use central differences: (C(v + h e_k) − C(v − h e_k))/2h, accurate to O(h²).",
      answer: (C: Cost, v: Vec, h: number) =>
        v.map((_, k) => {
          const up = v.slice();
          up[k] += h;
          return (C(up) - C(v)) / h;
        }),
    },
    {
      hint: "After nudging v_k, put it back before moving to the next variable: your later entries were computed at a point where the earlier variables were still moved.",
      answer: (C: Cost, v0: Vec, h: number) => {
        const v = v0.slice();
        return v.map((_, k) => {
          v[k] += h;
          const up = C(v);
          v[k] -= 2 * h;
          const down = C(v);
          return (up - down) / (2 * h);
        });
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw02-ex2 · one step

export function gradientStepRef(v: Vec, g: Vec, eta: number): Vec {
  return v.map((vk, k) => vk - eta * g[k]);
}

exercise({
  id: "hw02-ex2",
  title: "One gradient-descent step",
  reference: gradientStepRef,
  cases: (rng) => [
    { name: "hand case: v = (2.5, 1.5), ∇C = (1.70, 6), η = 0.1", args: [[2.5, 1.5], [1.7, 6], 0.1], points: 1 },
    { name: "random p = 6, η = 0.3", args: [randomPoint(rng, 6), randomPoint(rng, 6), 0.3], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one variable, η = 1", args: [[3], [-2], 1], points: 1 },
    { name: "random p = 10, η = 0.05", args: [randomPoint(rng, 10), randomPoint(rng, 10), 0.05], points: 1 },
  ],
  mistakes: [
    {
      hint: "Forgot the learning rate: the step is Δv = −η∇C, not −∇C.",
      answer: (v: Vec, g: Vec) => v.map((vk, k) => vk - g[k]),
    },
    {
      hint: "Wrong sign: v + η∇C walks uphill. The gradient points to where C grows fastest, so the step is v − η∇C.",
      answer: (v: Vec, g: Vec, eta: number) => v.map((vk, k) => vk + eta * g[k]),
    },
    {
      hint: "The step returned is Δv = −η∇C itself; the new point is v + Δv = v − η∇C.",
      answer: (_v: Vec, g: Vec, eta: number) => g.map((gk) => -eta * gk),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw02-ex3 · the loop

export interface DescentRun {
  v: Vec;
  costs: Vec;
}

export function gradientDescentRef(C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number): DescentRun {
  let v = v0.slice();
  const costs = [C(v)];
  for (let k = 0; k < steps; k++) {
    v = gradientStepRef(v, gradC(v), eta);
    costs.push(C(v));
  }
  return { v, costs };
}

exercise({
  id: "hw02-ex3",
  title: "Gradient descent: repeat the step",
  reference: gradientDescentRef,
  tolerance: 1e-9,
  cases: (rng) => {
    const r = randomSmoothCost(rng, 3);
    return [
      { name: "hand case: C = v², v⁽⁰⁾ = 1, η = 0.25, 3 steps", args: [(v: Vec) => v[0] ** 2, (v: Vec) => [2 * v[0]], [1], 0.25, 3], points: 1 },
      { name: "the notebook's landscape from (2.5, 1.5), η = 0.2, 40 steps", args: [notebookCost, notebookGrad, [2.5, 1.5], 0.2, 40], points: 1 },
      { name: "random smooth cost of 3 variables, η = 0.1, 25 steps", args: [r.C, r.grad, randomPoint(rng, 3), 0.1, 25], points: 1 },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: 0 steps (only the start)", args: [bowlCost, bowlGrad, [3, 1], 0.1, 0], points: 1 },
    { name: "the bowl from a random start, η = 0.05, 30 steps", args: [bowlCost, bowlGrad, randomPoint(rng, 2, 4), 0.05, 30], points: 1 },
  ],
  mistakes: [
    {
      hint: "`costs` must start with C(v⁽⁰⁾), the cost before the first step: steps + 1 entries in all.",
      answer: (C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number) => {
        let v = v0.slice();
        const costs: Vec = [];
        for (let k = 0; k < steps; k++) {
          v = gradientStepRef(v, gradC(v), eta);
          costs.push(C(v));
        }
        return { v, costs };
      },
    },
    {
      hint: "Wrong sign: v ← v + η∇C climbs uphill. Step against the gradient, v ← v − η∇C.",
      answer: (C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number) => {
        let v = v0.slice();
        const costs = [C(v)];
        for (let k = 0; k < steps; k++) {
          v = gradientStepRef(v, gradC(v), -eta);
          costs.push(C(v));
        }
        return { v, costs };
      },
    },
    {
      hint: "Every step must use the gradient at the CURRENT point, ∇C(v⁽ᵏ⁾); you kept using the gradient at the start.",
      answer: (C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number) => {
        let v = v0.slice();
        const g0 = gradC(v0);
        const costs = [C(v)];
        for (let k = 0; k < steps; k++) {
          v = gradientStepRef(v, g0, eta);
          costs.push(C(v));
        }
        return { v, costs };
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw02-ex4 · a learning-rate experiment with bars (no reference: the bars judge the student's rates)

/** The bars of the experiment on the bowl C(v) = (v₁ − 1)² + 5(v₂ + 2)². */
export const RATE_BARS = { steps: 30, fastBelow: 1e-6, divergingAtMost: 0.25 };

export interface RateChoice {
  /** a rate with C(v⁽³⁰⁾) < 1e-6 */
  fast: number;
  /** a rate η ≤ 0.25 with C(v⁽³⁰⁾) > C(v⁽⁰⁾) */
  diverging: number;
}

/** C after `steps` steps of plain gradient descent on the bowl (the course's own loop). */
export function bowlCostAfter(eta: number, v0: Vec, steps = RATE_BARS.steps): number {
  return gradientDescentRef(bowlCost, bowlGrad, v0, eta, steps).costs[steps];
}

function rateField(got: unknown, key: "fast" | "diverging"): number | string {
  if (typeof got !== "object" || got === null || !(key in got)) return `your result has no field "${key}" (return { fast: …, diverging: … })`;
  const x = (got as Record<string, unknown>)[key];
  if (typeof x !== "number" || !Number.isFinite(x)) return `"${key}" must be a finite number, got ${String(x)}`;
  return x;
}

/** Bar: `fast` brings the bowl's cost below 1e-6 in 30 steps from v0. */
function fastBar(v0: Vec) {
  return (got: unknown): string | null => {
    const eta = rateField(got, "fast");
    if (typeof eta === "string") return eta;
    if (!(eta > 0)) return `fast = ${fmt(eta)}: a learning rate must be positive`;
    const c = bowlCostAfter(eta, v0);
    if (c < RATE_BARS.fastBelow) return null;
    const c0 = bowlCost(v0);
    if (!(c <= c0)) return `fast = ${fmt(eta)}: the cost grew from ${fmt(c0)} to ${fmt(c)} in ${RATE_BARS.steps} steps; this rate is too large for the steep direction v₂ (curvature 10)`;
    return `fast = ${fmt(eta)}: after ${RATE_BARS.steps} steps C = ${fmt(c)}, not below ${RATE_BARS.fastBelow}. Per step the distance along v₁ shrinks by |1 − 2η| and along v₂ by |1 − 10η|: the slower of the two decides; try rates that make both small`;
  };
}

/** Bar: `diverging` ≤ 0.25 makes the cost grow in 30 steps from v0. */
function divergingBar(v0: Vec) {
  return (got: unknown): string | null => {
    const eta = rateField(got, "diverging");
    if (typeof eta === "string") return eta;
    if (!(eta > 0)) return `diverging = ${fmt(eta)}: a learning rate must be positive`;
    if (eta > RATE_BARS.divergingAtMost) return `diverging = ${fmt(eta)} is above the bar: find a diverging rate η ≤ ${RATE_BARS.divergingAtMost} (any huge rate diverges; the point is to find where it starts)`;
    const c = bowlCostAfter(eta, v0);
    const c0 = bowlCost(v0);
    if (c > c0) return null;
    return `diverging = ${fmt(eta)} does not diverge: after ${RATE_BARS.steps} steps C = ${fmt(c)} ≤ C(v⁽⁰⁾) = ${fmt(c0)}. Look for the rate at which |1 − 10η| exceeds 1`;
  };
}

/** Each case of hw02-ex4 carries what it judges and the start point; the student's chooseRates() ignores it. */
interface RateCase {
  judge: "fast" | "diverging";
  v0: Vec;
}
const rateCase = (judge: RateCase["judge"], v0: Vec): unknown[] => [{ judge, v0 }];

exercise({
  id: "hw02-ex4",
  title: "A learning-rate experiment",
  cases: () => [
    { name: "fast: C < 1e-6 after 30 steps from (3, 1)", args: rateCase("fast", [3, 1]), points: 2 },
    { name: "diverging: η ≤ 0.25 and C grows in 30 steps from (3, 1)", args: rateCase("diverging", [3, 1]), points: 2 },
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

// ---------------------------------------------------------------------------------------------
// hw02-ex5 · the mini-batch gradient

export function miniBatchGradientRef(G: Matrix, batch: number[]): Vec {
  return descent.miniBatchGradient(G, batch);
}

function perExampleGradients(rng: Rng, n: number): Matrix {
  // rows ∇C_xᵢ of the least-squares line fit of notebook 02 at v = (0, 0): (−t x, −t) for t = 2x − 1 + noise
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.uniformIn(-1, 1);
    const t = 2 * x - 1 + 0.5 * rng.normal();
    rows.push([-t * x, -t]);
  }
  return fromArrays(rows);
}

exercise({
  id: "hw02-ex5",
  title: "The mini-batch gradient",
  reference: miniBatchGradientRef,
  cases: (rng) => [
    { name: "hand case: rows 0 and 2 of a 3×2 matrix", args: [fromArrays([[1, 2], [10, 20], [3, 4]]), [0, 2]], points: 1 },
    { name: "line fit, n = 50, a batch of 10", args: [perExampleGradients(rng, 50), Array.from(rng.sample(50, 10))], points: 1 },
    { name: "random 30×4, a batch of 7", args: [randn(30, 4, rng), Array.from(rng.sample(30, 7))], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: a batch of one example", args: [randn(8, 3, rng), [5]], points: 1 },
    { name: "line fit, n = 200, a batch of 32", args: [perExampleGradients(rng, 200), Array.from(rng.sample(200, 32))], points: 1 },
  ],
  mistakes: [
    {
      hint: "Divide by the batch size m, not by n (the number of rows of G): the mini-batch gradient is the MEAN over the batch, (1/m) Σ_{i∈batch} ∇C_xᵢ.",
      answer: (G: Matrix, batch: number[]) => {
        const g = new Array<number>(G.cols).fill(0);
        for (const i of batch) for (let j = 0; j < G.cols; j++) g[j] += G.get(i, j);
        return g.map((s) => s / G.rows);
      },
    },
    {
      hint: "You averaged ALL the rows of G (the full gradient ∇C); the mini-batch gradient averages only the rows listed in `batch`.",
      answer: (G: Matrix) => {
        const g = new Array<number>(G.cols).fill(0);
        for (let i = 0; i < G.rows; i++) for (let j = 0; j < G.cols; j++) g[j] += G.get(i, j);
        return g.map((s) => s / G.rows);
      },
    },
    {
      hint: "You averaged the rows 0…m−1 (the first m examples) instead of the rows whose indices are listed in `batch`: use G[batch[r], :].",
      answer: (G: Matrix, batch: number[]) => {
        const g = new Array<number>(G.cols).fill(0);
        for (let r = 0; r < batch.length; r++) for (let j = 0; j < G.cols; j++) g[j] += G.get(r, j);
        return g.map((s) => s / batch.length);
      },
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see test/lastStatement.test.ts.) */
export const HW02_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw02-"));
