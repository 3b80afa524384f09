import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { linearlySeparable, xorData, linearRegressionData } from "../src/data/toyData";
import { countMistakes } from "../src/models/perceptron";

test("linearlySeparable: labels follow the line and respect the margin", () => {
  const d = linearlySeparable({ n: 200, rng: 7, margin: 0.15, w: [2, -1], b: 0.3 });
  assert.equal(d.X.rows, 200);
  assert.equal(d.X.cols, 2);
  let ones = 0;
  for (let i = 0; i < 200; i++) {
    const [x1, x2] = [d.X.get(i, 0), d.X.get(i, 1)];
    assert.ok(Math.abs(x1) <= 1 && Math.abs(x2) <= 1);
    const s = 2 * x1 - x2 + 0.3;
    assert.equal(d.y[i], s >= 0 ? 1 : 0);
    assert.ok(Math.abs(s) / Math.hypot(2, 1) >= 0.15);
    ones += d.y[i];
  }
  assert.ok(ones > 20 && ones < 180, "both classes present");
  assert.equal(countMistakes(d.X, d.y, d.w, d.b), 0);
});

test("the same seed gives the same data, another seed different data", () => {
  const a = linearlySeparable({ n: 30, rng: 1 });
  const b = linearlySeparable({ n: 30, rng: 1 });
  const c = linearlySeparable({ n: 30, rng: 2 });
  assert.deepEqual(Array.from(a.X.data), Array.from(b.X.data));
  assert.notDeepEqual(Array.from(a.X.data), Array.from(c.X.data));
  const r1 = linearRegressionData({ n: 10, rng: 5 });
  const r2 = linearRegressionData({ n: 10, rng: 5 });
  assert.deepEqual(Array.from(r1.t), Array.from(r2.t));
});

test("xorData: the truth table, and jittered copies keep their corner's label", () => {
  const t = xorData();
  assert.deepEqual(t.X.toArrays(), [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  assert.deepEqual(Array.from(t.y), [0, 1, 1, 0]);
  const j = xorData({ perCorner: 10, jitter: 0.2, rng: 3 });
  for (let i = 0; i < 40; i++) {
    const c1 = Math.round(j.X.get(i, 0));
    const c2 = Math.round(j.X.get(i, 1));
    assert.ok(Math.abs(j.X.get(i, 0) - c1) <= 0.2 && Math.abs(j.X.get(i, 1) - c2) <= 0.2);
    assert.equal(j.y[i], c1 ^ c2);
  }
});

test("no line classifies XOR (jittered) without a mistake", () => {
  const j = xorData({ perCorner: 5, jitter: 0.2, rng: 11 });
  fc.assert(
    fc.property(
      fc.double({ min: -10, max: 10, noNaN: true }),
      fc.double({ min: -10, max: 10, noNaN: true }),
      fc.double({ min: -10, max: 10, noNaN: true }),
      (w1, w2, b) => countMistakes(j.X, j.y, [w1, w2], b) >= 1,
    ),
    { numRuns: 2000, seed: 42 },
  );
});

test("linearRegressionData: residuals t − (a x + c) have mean ≈ 0 and spread ≈ noise", () => {
  const d = linearRegressionData({ n: 4000, rng: 9, a: -1.5, c: 0.25, noise: 0.3 });
  let s = 0,
    s2 = 0;
  for (let i = 0; i < 4000; i++) {
    const e = d.t[i] - (-1.5 * d.X.data[i] + 0.25);
    s += e;
    s2 += e * e;
  }
  const mean = s / 4000;
  const sd = Math.sqrt(s2 / 4000 - mean * mean);
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.3) < 0.03, `sd ${sd}`);
});

test("bad options give clear errors", () => {
  assert.throws(() => linearlySeparable({ n: 0, rng: 1 }), /n must be a positive integer, got 0/);
  assert.throws(() => linearlySeparable({ n: 5, rng: 1, w: [0, 0] }), /normal w must be non-zero/);
  assert.throws(() => linearlySeparable({ n: 5, rng: NaN }), /rng must be an Rng or a finite seed/);
  assert.throws(() => xorData({ jitter: 0.3, rng: 1 }), /jitter must be in \[0, 0.25\)/);
  assert.throws(() => xorData({ jitter: 0.1 }), /needs an rng/);
  assert.throws(() => linearRegressionData({ n: 5, rng: 1, noise: -1 }), /noise must be/);
});
