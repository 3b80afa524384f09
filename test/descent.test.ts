import { test } from "node:test";
import assert from "node:assert/strict";
import { rng } from "../src/core/random";
import {
  finiteDifferenceGradient,
  linearisationTable,
  directionalSlopes,
  gradientDescent,
  pathsForRates,
  leastSquaresCost,
  miniBatchGradient,
  miniBatchNoise,
  miniBatchDescent,
} from "../src/calculus/descent";
import { linearRegressionData } from "../src/data/toyData";

// C(v) = v1² + 4 v2²: ∇C = (2 v1, 8 v2), curvatures 2 and 8, so η < 2/8 converges.
const C = (v: ArrayLike<number>) => v[0] ** 2 + 4 * v[1] ** 2;
const gradC = (v: ArrayLike<number>) => [2 * v[0], 8 * v[1]];

test("finite differences match the analytic gradient", () => {
  for (const v of [
    [1, 2],
    [-0.3, 0.7],
    [0, 0],
  ]) {
    const g = finiteDifferenceGradient(C, v);
    const a = gradC(v);
    assert.ok(Math.abs(g[0] - a[0]) < 1e-6 && Math.abs(g[1] - a[1]) < 1e-6);
  }
  assert.throws(() => finiteDifferenceGradient(C, [1, NaN]), /v\[1\] is NaN/);
});

test("ΔC − ∇C·Δv shrinks like |Δv|² (exactly s²(u1² + 4u2²) for this quadratic)", () => {
  const dir = [3, 4]; // u = (0.6, 0.8)
  const rows = linearisationTable(C, gradC, [1, -1], dir, [1, 0.1, 0.01, 0.001]);
  const expected = 0.36 + 4 * 0.64;
  for (const r of rows) {
    assert.ok(Math.abs(r.errorOverStep2 - expected) < 1e-4, `${JSON.stringify(r)}`);
    assert.ok(r.error <= rows[0].error);
  }
  assert.throws(() => linearisationTable(C, gradC, [1, 1], [0, 0], [1]), /direction must be non-zero/);
});

test("steepest descent: the smallest directional slope is −‖∇C‖ at u = −∇C/‖∇C‖ (Cauchy–Schwarz)", () => {
  const v = [1, 0.5];
  const g = gradC(v);
  const gn = Math.hypot(g[0], g[1]);
  const slopes = directionalSlopes(gradC, v, 3600);
  const best = slopes.reduce((a, b) => (b.slope < a.slope ? b : a));
  for (const s of slopes) assert.ok(s.slope >= -gn - 1e-12);
  assert.ok(Math.abs(best.slope + gn) < 1e-5);
  assert.ok(Math.abs(best.u[0] + g[0] / gn) < 1e-3 && Math.abs(best.u[1] + g[1] / gn) < 1e-3);
});

test("gradient descent follows v ← v − η∇C: geometric shrinking, descent, divergence", () => {
  // along each axis v_k ← (1 − η c_k) v_k with c = (2, 8)
  const run = gradientDescent(C, gradC, [1, 1], { rate: 0.1, steps: 20 });
  assert.equal(run.path.length, 21);
  assert.ok(Math.abs(run.path[20][0] - 0.8 ** 20) < 1e-12);
  assert.ok(Math.abs(run.path[20][1] - 0.2 ** 20) < 1e-12);
  for (let k = 1; k < run.costs.length; k++) assert.ok(run.costs[k] < run.costs[k - 1]);
  const big = gradientDescent(C, gradC, [1, 1], { rate: 0.3, steps: 500 });
  assert.equal(big.stoppedBecause, "diverged"); // |1 − 0.3·8| = 1.4 > 1
  const tol = gradientDescent(C, gradC, [1, 1], { rate: 0.1, steps: 10000, tolerance: 1e-8 });
  assert.equal(tol.stoppedBecause, "tolerance");
  assert.ok(tol.path.length < 10000);
  assert.throws(() => gradientDescent(C, gradC, [1, 1], { rate: -1, steps: 3 }), /learning rate η must be a positive/);
});

test("pathsForRates flattens one run per rate and clips diverging points", () => {
  const rows = pathsForRates(C, gradC, [1, 1], [0.05, 0.3], 30, 5);
  const small = rows.filter((r) => r.rate === 0.05);
  assert.equal(small.length, 31);
  assert.ok(rows.every((r) => Math.abs(r.v1) <= 5 && Math.abs(r.v2) <= 5));
  assert.ok(rows.filter((r) => r.rate === 0.3).length < 31);
});

test("least squares: the analytic gradient agrees with finite differences, and the mean of per-example gradients is ∇C", () => {
  const data = linearRegressionData({ n: 50, rng: 4 });
  const p = leastSquaresCost(data);
  for (const v of [
    [0, 0],
    [1.5, -2],
    [3, 1],
  ]) {
    const g = p.gradC(v);
    const fd = finiteDifferenceGradient(p.C, v);
    assert.ok(Math.abs(g[0] - fd[0]) < 1e-6 && Math.abs(g[1] - fd[1]) < 1e-6);
    const all = Array.from({ length: 50 }, (_, i) => i);
    const mb = miniBatchGradient(p.perExample(v), all);
    assert.ok(Math.abs(mb[0] - g[0]) < 1e-12 && Math.abs(mb[1] - g[1]) < 1e-12);
  }
  assert.throws(() => miniBatchGradient(p.perExample([0, 0]), [0, 50]), /index 50 at position 1/);
  assert.throws(() => miniBatchGradient(p.perExample([0, 0]), []), /empty/);
});

test("mini-batch noise shrinks like 1/√m (with the without-replacement factor)", () => {
  const data = linearRegressionData({ n: 2000, rng: 8 });
  const p = leastSquaresCost(data);
  const G = p.perExample([0, 0]);
  const res = miniBatchNoise(G, [1, 4, 16, 64, 2000, 1000], 400, rng(1));
  // m = 1000 of 2000: sampling without replacement halves the variance, so the factor matters there
  for (const r of [...res.slice(0, 4), res[5]])
    assert.ok(Math.abs(r.rms / r.predicted - 1) < 0.15, `m=${r.m}: ${r.rms} vs ${r.predicted}`);
  const ratio = res[0].rms / res[3].rms; // ≈ √64 = 8
  assert.ok(ratio > 6.5 && ratio < 9.5, `ratio ${ratio}`);
  assert.ok(res[4].rms < 1e-12); // the whole set is the full gradient
  assert.throws(() => miniBatchNoise(G, [0], 10, rng(1)), /batch size m=0/);
});

test("mini-batch descent with m = n is full-batch gradient descent; smaller m still lowers the cost", () => {
  const data = linearRegressionData({ n: 40, rng: 2 });
  const p = leastSquaresCost(data);
  const full = gradientDescent(p.C, p.gradC, [3, 3], { rate: 0.5, steps: 25 });
  const mb = miniBatchDescent(p, [3, 3], { rate: 0.5, batchSize: 40, steps: 25, rng: rng(1) });
  for (let k = 0; k <= 25; k++) {
    assert.ok(Math.abs(full.path[k][0] - mb.path[k][0]) < 1e-9 && Math.abs(full.path[k][1] - mb.path[k][1]) < 1e-9);
  }
  const noisy = miniBatchDescent(p, [3, 3], { rate: 0.1, batchSize: 5, steps: 200, rng: rng(2) });
  assert.ok(noisy.costs[200] < 0.2 * noisy.costs[0]);
  assert.throws(
    () => miniBatchDescent(p, [3, 3], { rate: 0.1, batchSize: 41, steps: 1, rng: rng(1) }),
    /batchSize m=41/,
  );
});
