/**
 * Gradient descent on a cost C(v) of a few variables, and the mini-batch gradient.
 *
 * Notation as in notebook 02: v = (v₁, …, v_p), the gradient ∇C = (∂C/∂v₁, …, ∂C/∂v_p), the
 * learning rate η, the step Δv = −η∇C, and per-example costs C_x whose average is C.
 */
import { Matrix, zeros } from "../core/matrix";
import { Rng } from "../core/random";
import { checkpoint } from "../core/interrupt";
import { RegressionSet } from "../data/toyData";
import { describeValue } from "../core/describe";

/** A cost of p variables and its gradient (length p). */
export type ScalarCost = (v: ArrayLike<number>) => number;
export type CostGradient = (v: ArrayLike<number>) => ArrayLike<number>;

function finiteVector(where: string, v: ArrayLike<number>, what: string): void {
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k])) throw new Error(`${where}: ${what}[${k}] is ${v[k]}; it must be finite`);
  }
}

/** u·v = Σ_k u_k v_k (same length). */
function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  if (u.length !== v.length) throw new Error(`dot: vectors of lengths ${u.length} and ${v.length}`);
  let s = 0;
  for (let k = 0; k < u.length; k++) s += u[k] * v[k];
  return s;
}

/** ‖v‖ = √(v·v). */
function norm(v: ArrayLike<number>): number {
  return Math.sqrt(dot(v, v));
}

/** Central differences: ∂C/∂v_k ≈ (C(v + h e_k) − C(v − h e_k)) / 2h, error O(h²).  v: length p → length p. */
export function finiteDifferenceGradient(C: ScalarCost, v: ArrayLike<number>, h = 1e-5): number[] {
  finiteVector("finiteDifferenceGradient", v, "v");
  if (!(h > 0)) throw new Error(`finiteDifferenceGradient: step h must be > 0, got ${describeValue(h)}`);
  const w = Array.from(v);
  const g: number[] = [];
  for (let k = 0; k < w.length; k++) {
    const vk = w[k];
    w[k] = vk + h;
    const up = C(w);
    w[k] = vk - h;
    const down = C(w);
    w[k] = vk;
    g.push((up - down) / (2 * h));
  }
  return g;
}

/** One row of the linearisation table: ΔC against its first-order prediction ∇C·Δv. */
export interface LinearisationRow {
  /** |Δv|, the step length. */
  stepLength: number;
  /** ΔC = C(v + Δv) − C(v). */
  deltaC: number;
  /** ∇C(v)·Δv. */
  predicted: number;
  /** |ΔC − ∇C·Δv|. */
  error: number;
  /** error / |Δv|² (roughly constant when the error shrinks like |Δv|²). */
  errorOverStep2: number;
}

/**
 * ΔC ≈ ∇C·Δv, tested for Δv = s·u (u = direction/‖direction‖) for each step length s.
 * v, direction: length p.
 */
export function linearisationTable(
  C: ScalarCost,
  gradC: CostGradient,
  v: ArrayLike<number>,
  direction: ArrayLike<number>,
  stepLengths: number[],
): LinearisationRow[] {
  const where = "linearisationTable";
  finiteVector(where, v, "v");
  if (direction.length !== v.length)
    throw new Error(`${where}: v has ${v.length} entries but direction has ${direction.length}`);
  const len = norm(direction);
  if (!(len > 0)) throw new Error(`${where}: direction must be non-zero`);
  const g = gradC(v);
  const C0 = C(v);
  return stepLengths.map((s) => {
    const dv = Array.from(direction, (d) => (s * d) / len);
    const moved = Array.from(v, (vk, k) => vk + dv[k]);
    const deltaC = C(moved) - C0;
    const predicted = dot(g, dv);
    const error = Math.abs(deltaC - predicted);
    return { stepLength: s, deltaC, predicted, error, errorOverStep2: error / (s * s) };
  });
}

/** The slope ∇C·u of C along the unit direction u = (cos θ, sin θ). */
export interface DirectionalSlope {
  theta: number;
  u: [number, number];
  slope: number;
}

/**
 * Directional slopes of a cost of two variables at v, for `count` directions θ = 2πk/count.
 * By Cauchy–Schwarz, ∇C·u ≥ −‖∇C‖‖u‖ = −‖∇C‖, with equality only for u = −∇C/‖∇C‖.
 */
export function directionalSlopes(gradC: CostGradient, v: ArrayLike<number>, count = 72): DirectionalSlope[] {
  if (v.length !== 2) throw new Error(`directionalSlopes: needs a point of 2 variables, got ${v.length}`);
  const g = gradC(v);
  const out: DirectionalSlope[] = [];
  for (let k = 0; k < count; k++) {
    const theta = (2 * Math.PI * k) / count;
    const u: [number, number] = [Math.cos(theta), Math.sin(theta)];
    out.push({ theta, u, slope: dot(g, u) });
  }
  return out;
}

/** Why a descent run stopped. */
export type DescentStop = "steps" | "tolerance" | "diverged";

/** The path of gradient descent: v⁽⁰⁾, v⁽¹⁾, … and C at each point. */
export interface DescentPath {
  rate: number;
  /** path[k] = v⁽ᵏ⁾ (path[0] = v0). */
  path: number[][];
  /** costs[k] = C(v⁽ᵏ⁾). */
  costs: number[];
  stoppedBecause: DescentStop;
}

/**
 * Gradient descent: v⁽ᵏ⁺¹⁾ = v⁽ᵏ⁾ − η ∇C(v⁽ᵏ⁾), for at most `steps` steps from v0.
 * Stops early when ‖∇C‖ < tolerance, or when C becomes non-finite or exceeds `divergeAbove`
 * (default 1e6·(|C(v0)| + 1)): that run is reported as "diverged", not thrown, since it is a lesson.
 */
export function gradientDescent(
  C: ScalarCost,
  gradC: CostGradient,
  v0: ArrayLike<number>,
  options: { rate: number; steps: number; tolerance?: number; divergeAbove?: number },
): DescentPath {
  const where = "gradientDescent";
  const { rate: eta, steps, tolerance = 0 } = options;
  if (!(eta > 0) || !Number.isFinite(eta))
    throw new Error(`${where}: learning rate η must be a positive finite number, got ${describeValue(eta)}`);
  if (!Number.isInteger(steps) || steps < 0)
    throw new Error(`${where}: steps must be a non-negative integer, got ${describeValue(steps)}`);
  finiteVector(where, v0, "v0");
  let v = Array.from(v0);
  const c0 = C(v);
  if (!Number.isFinite(c0))
    throw new Error(`${where}: C(v0) = ${c0} at v0 = [${v.join(", ")}]; start where the cost is finite`);
  const limit = options.divergeAbove ?? 1e6 * (Math.abs(c0) + 1);
  const path = [v.slice()];
  const costs = [c0];
  let stoppedBecause: DescentStop = "steps";
  for (let k = 0; k < steps; k++) {
    checkpoint(() => `in ${where} after step ${k} of ${steps}; v keeps its last completed step`);
    const g = gradC(v);
    if (g.length !== v.length) throw new Error(`${where}: the gradient has ${g.length} entries but v has ${v.length}`);
    if (norm(g) < tolerance) {
      stoppedBecause = "tolerance";
      break;
    }
    v = v.map((vk, j) => vk - eta * g[j]);
    const c = C(v);
    path.push(v.slice());
    costs.push(c);
    if (!Number.isFinite(c) || Math.abs(c) > limit) {
      stoppedBecause = "diverged";
      break;
    }
  }
  return { rate: eta, path, costs, stoppedBecause };
}

/** One point of a descent path, flattened for a Vega-Lite data table. */
export interface DescentPathRow {
  rate: number;
  iteration: number;
  v1: number;
  v2: number;
  cost: number;
}

/**
 * Gradient descent for each learning rate in `rates` (same C, v0, steps), flattened into rows
 * { rate, iteration, v1, v2, cost } so a chart can filter them by a learning-rate slider.
 * Points with |v1| or |v2| above `clip` are dropped (a diverging path leaves the picture).
 */
export function pathsForRates(
  C: ScalarCost,
  gradC: CostGradient,
  v0: [number, number],
  rates: number[],
  steps: number,
  clip = Infinity,
): DescentPathRow[] {
  const rows: DescentPathRow[] = [];
  for (const rate of rates) {
    const run = gradientDescent(C, gradC, v0, { rate, steps });
    run.path.forEach((p, iteration) => {
      if (Math.abs(p[0]) <= clip && Math.abs(p[1]) <= clip)
        rows.push({ rate, iteration, v1: p[0], v2: p[1], cost: run.costs[iteration] });
    });
  }
  return rows;
}

/**
 * Least squares for the line t ≈ v₁·x + v₂ on a regression set:
 *   C(v) = (1/n) Σᵢ C_xᵢ(v),   C_x(v) = ½ (v₁x + v₂ − t)²,
 *   ∇C_x(v) = (r·x, r) with the residual r = v₁x + v₂ − t.
 * `perExample(v)` returns the n×2 matrix whose row i is ∇C_xᵢ(v).
 */
export function leastSquaresCost(data: RegressionSet): {
  C: ScalarCost;
  gradC: CostGradient;
  perExample: (v: ArrayLike<number>) => Matrix;
  n: number;
} {
  const { X, t } = data;
  if (X.cols !== 1) throw new Error(`leastSquaresCost: X must be n×1 (one input), got ${X.shape}`);
  if (t.length !== X.rows) throw new Error(`leastSquaresCost: X has ${X.rows} rows but t has ${t.length} targets`);
  const n = X.rows;
  const check = (v: ArrayLike<number>) => {
    if (v.length !== 2)
      throw new Error(`leastSquaresCost: v must be (v1, v2) = (slope, intercept), got ${v.length} values`);
  };
  const C: ScalarCost = (v) => {
    check(v);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const r = v[0] * X.data[i] + v[1] - t[i];
      s += 0.5 * r * r;
    }
    return s / n;
  };
  const perExample = (v: ArrayLike<number>) => {
    check(v);
    const G = zeros(n, 2, "float64");
    for (let i = 0; i < n; i++) {
      const r = v[0] * X.data[i] + v[1] - t[i];
      G.data[2 * i] = r * X.data[i];
      G.data[2 * i + 1] = r;
    }
    return G;
  };
  const gradC: CostGradient = (v) => meanOfRows(perExample(v));
  return { C, gradC, perExample, n };
}

function meanOfRows(G: Matrix): number[] {
  const g = new Array<number>(G.cols).fill(0);
  for (let i = 0; i < G.rows; i++) for (let j = 0; j < G.cols; j++) g[j] += G.data[i * G.cols + j];
  return g.map((s) => s / G.rows);
}

/**
 * The mini-batch gradient (1/m) Σ_{i ∈ batch} ∇C_xᵢ: the mean of the rows of G listed in `batch`.  G: n×p → length p.
 */
export function miniBatchGradient(G: Matrix, batch: ArrayLike<number>): number[] {
  if (batch.length === 0) throw new Error("miniBatchGradient: the batch is empty");
  const g = new Array<number>(G.cols).fill(0);
  for (let r = 0; r < batch.length; r++) {
    const i = batch[r];
    if (!(Number.isInteger(i) && i >= 0 && i < G.rows))
      throw new RangeError(`miniBatchGradient: index ${i} at position ${r} is outside 0…${G.rows - 1}`);
    for (let j = 0; j < G.cols; j++) g[j] += G.data[i * G.cols + j];
  }
  return g.map((s) => s / batch.length);
}

/** Mini-batch gradient noise for one batch size m. */
export interface BatchNoise {
  m: number;
  /** Root-mean-square of ‖ĝ_m − ∇C‖ over the trials (ĝ_m a mini-batch gradient). */
  rms: number;
  /**
   * The theory for sampling m of n without replacement: √(tr Σ / m · (n − m)/(n − 1)), Σ the per-example covariance.
   */
  predicted: number;
  /** The noise of every trial (for a scatter or box plot). */
  samples: number[];
}

/**
 * For each batch size m, draw `trials` mini-batches (m distinct examples each, from `rng`) and
 * measure how far their average gradient lands from the full gradient ∇C = (1/n) Σ ∇C_xᵢ.
 * G: n×p, row i = ∇C_xᵢ at a fixed v. The noise shrinks like 1/√m (times the finite-population factor).
 */
export function miniBatchNoise(G: Matrix, sizes: number[], trials: number, rng: Rng): BatchNoise[] {
  const where = "miniBatchNoise";
  const n = G.rows;
  if (!Number.isInteger(trials) || trials < 1)
    throw new Error(`${where}: trials must be a positive integer, got ${describeValue(trials)}`);
  const full = meanOfRows(G);
  let traceSigma = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < G.cols; j++) traceSigma += (G.data[i * G.cols + j] - full[j]) ** 2;
  traceSigma /= n;
  return sizes.map((m) => {
    if (!Number.isInteger(m) || m < 1 || m > n)
      throw new Error(`${where}: batch size m=${m} must be an integer in 1…${n}`);
    const samples: number[] = [];
    let sq = 0;
    for (let k = 0; k < trials; k++) {
      const g = miniBatchGradient(G, rng.sample(n, m));
      const e = norm(g.map((gj, j) => gj - full[j]));
      samples.push(e);
      sq += e * e;
    }
    const predicted = n > 1 ? Math.sqrt((traceSigma / m) * ((n - m) / (n - 1))) : 0;
    return { m, rms: Math.sqrt(sq / trials), predicted, samples };
  });
}

/**
 * Mini-batch gradient descent on a cost given per example: each step draws a batch of m distinct
 * examples (a fresh shuffle each epoch, batches taken in order) and moves
 *   v ← v − (η/m) Σ_{i ∈ batch} ∇C_xᵢ(v).
 * Returns the path after every step and the full cost C there.
 */
export function miniBatchDescent(
  problem: { C: ScalarCost; perExample: (v: ArrayLike<number>) => Matrix; n: number },
  v0: ArrayLike<number>,
  options: { rate: number; batchSize: number; steps: number; rng: Rng },
): DescentPath {
  const where = "miniBatchDescent";
  const { rate: eta, batchSize: m, steps, rng } = options;
  if (!(eta > 0) || !Number.isFinite(eta))
    throw new Error(`${where}: learning rate η must be a positive finite number, got ${describeValue(eta)}`);
  if (!Number.isInteger(m) || m < 1 || m > problem.n)
    throw new Error(`${where}: batchSize m=${m} must be an integer in 1…${problem.n}`);
  if (!Number.isInteger(steps) || steps < 0)
    throw new Error(`${where}: steps must be a non-negative integer, got ${describeValue(steps)}`);
  finiteVector(where, v0, "v0");
  let v = Array.from(v0);
  const path = [v.slice()];
  const costs = [problem.C(v)];
  let order = rng.permutation(problem.n);
  let pos = 0;
  let stoppedBecause: DescentStop = "steps";
  for (let k = 0; k < steps; k++) {
    checkpoint(() => `in ${where} after step ${k} of ${steps}; v keeps its last completed step`);
    if (pos + m > problem.n) {
      order = rng.permutation(problem.n);
      pos = 0;
    }
    const g = miniBatchGradient(problem.perExample(v), order.subarray(pos, pos + m));
    pos += m;
    v = v.map((vk, j) => vk - eta * g[j]);
    const c = problem.C(v);
    path.push(v.slice());
    costs.push(c);
    if (!Number.isFinite(c)) {
      stoppedBecause = "diverged";
      break;
    }
  }
  return { rate: eta, path, costs, stoppedBecause };
}
