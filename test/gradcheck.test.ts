import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  compare,
  formatCompare,
  fromArrays,
  gradientCheck,
  gradientCheckModel,
  MLP,
  Param,
  randn,
  relativeError,
  rng,
  verdictFor,
  zeros,
} from "../src/index";

/** A parameter θ (rows×cols) with the cubic loss L(θ) = Σ θ³ and a gradient filled by `grad(θ)`. */
function cubic(rows: number, cols: number, seed: number, grad: (t: number) => number) {
  const value = randn(rows, cols, rng(seed));
  const p: Param = { name: "θ", value, grad: zeros(rows, cols) };
  for (let k = 0; k < value.data.length; k++) p.grad.data[k] = grad(value.data[k]);
  const loss = () => {
    let s = 0;
    for (const t of value.data) s += t * t * t;
    return s;
  };
  return { p, loss };
}

test("relative error is symmetric, scale-free, in [0, 1], and 0 only for equal values", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
      (a, n, c) => {
        const r = relativeError(a, n);
        assert.equal(r, relativeError(n, a));
        assert.ok(r >= 0 && r <= 1 + 1e-15);
        if (Math.abs(a) + Math.abs(n) > 1e-9) assert.ok(Math.abs(relativeError(c * a, c * n) - r) < 1e-9);
        assert.equal(r === 0, a === n);
      },
    ),
  );
  assert.equal(relativeError(0, 0), 0);
  assert.equal(relativeError(1, -1), 1);
});

test("the verdict reads errors on the usual scale", () => {
  assert.equal(verdictFor(0.05), "wrong");
  assert.equal(verdictFor(2e-3), "suspicious");
  assert.equal(verdictFor(1e-5), "acceptable");
  assert.equal(verdictFor(1e-9), "good");
  assert.equal(verdictFor(NaN), "wrong");
});

test("a correct gradient is good; a wrong or slightly wrong one is caught", () => {
  const right = cubic(4, 5, 1, (t) => 3 * t * t);
  const good = gradientCheck(right.loss, [right.p]);
  assert.equal(good.verdict, "good", good.text);
  assert.ok(good.maxJudgedRelativeError < 1e-6, good.text);
  assert.equal(good.entries.length, 20);

  const wrong = cubic(4, 5, 1, (t) => 2 * t * t); // forgot the exponent's factor
  const bad = gradientCheck(wrong.loss, [wrong.p]);
  assert.equal(bad.verdict, "wrong");
  assert.ok(Math.abs(bad.maxRelativeError - 0.2) < 1e-6, `(3 − 2)/(3 + 2) = 0.2, got ${bad.maxRelativeError}`);
  assert.match(bad.text, /wrong/);

  const slightly = cubic(4, 5, 1, (t) => 3 * t * t * 1.002);
  assert.equal(gradientCheck(slightly.loss, [slightly.p]).verdict, "suspicious");
});

test("the check restores every parameter bit for bit and samples entries reproducibly", () => {
  const { p, loss } = cubic(30, 40, 2, (t) => 3 * t * t);
  const before = Float64Array.from(p.value.data);
  const a = gradientCheck(loss, [p], { samples: 7, seed: 5 });
  assert.deepEqual(p.value.data, before);
  assert.equal(a.entries.length, 7);
  assert.equal(new Set(a.entries.map((e) => `${e.row},${e.col}`)).size, 7);
  assert.equal(a.rows[0].total, 1200);
  const b = gradientCheck(loss, [p], { samples: 7, seed: 5 });
  const c = gradientCheck(loss, [p], { samples: 7, seed: 6 });
  assert.deepEqual(
    a.entries.map((e) => [e.row, e.col]),
    b.entries.map((e) => [e.row, e.col]),
  );
  assert.notDeepEqual(
    a.entries.map((e) => [e.row, e.col]),
    c.entries.map((e) => [e.row, e.col]),
  );
});

test("a ReLU input within ±h of 0 is flagged as a kink and explained as a false alarm", () => {
  const model = new MLP({
    sizes: [2, 3, 2],
    activations: ["relu"],
    init: "normal",
    biasInit: "zeros",
    rng: rng(3),
    dtype: "float64",
  });
  const X = fromArrays([[0.5, -1]]);
  const y = [1];
  // put hidden unit 0 right at its kink: z = w·x + b = 3e-6 < h = 1e-5
  const W1 = model.layers[0].W;
  model.layers[0].b!.data[0] = 3e-6 - (W1.get(0, 0) * 0.5 - W1.get(0, 1));
  // and make unit 0 matter for the output
  model.layers[1].W.set(0, 0, 2);
  model.layers[1].W.set(1, 0, -2);
  const report = gradientCheckModel(model, X, y);
  const b1 = report.entries.find((e) => e.param === "b1" && e.col === 0)!;
  assert.equal(b1.kink, true);
  assert.ok(b1.relativeError > 1e-2, `the kink distorts the difference quotient: ${b1.relativeError}`);
  assert.ok(report.rows.find((r) => r.param === "b1")!.kinks >= 1);
  assert.match(report.text, /kink/);
  assert.match(report.text, /false alarm/);
  assert.ok(report.maxJudgedRelativeError < 1e-6, report.text);
  // entries that do not move unit 0 across 0 are not flagged
  assert.equal(report.entries.find((e) => e.param === "b1" && e.col === 1)!.kink, false);
});

test("float32 parameters get a larger default step and a note about round-off", () => {
  const model = new MLP({ sizes: [3, 4, 2], activations: ["sigmoid"], init: "normal", rng: rng(9), dtype: "float32" });
  const report = gradientCheckModel(model, randn(4, 3, rng(1), 1, "float32"), [0, 1, 1, 0]);
  assert.equal(report.h, 1e-3);
  assert.ok(report.maxRelativeError < 1e-1, report.text);
  if (report.verdict !== "good") assert.match(report.text, /float32/);
});

test("gradientCheck refuses a gradient buffer of the wrong shape", () => {
  const p: Param = { name: "W", value: zeros(2, 3), grad: zeros(3, 2) };
  assert.throws(() => gradientCheck(() => 0, [p]), /W is 2×3 but its gradient is 3×2/);
});

test("compare tells exact, close and different quantities apart, and names shape mismatches", () => {
  const M = fromArrays([
    [1, 2],
    [3, 4],
  ]);
  const rows = compare(
    {
      scalar: [0.1 + 0.2, 0.3],
      same: [
        M,
        fromArrays([
          [1, 2],
          [3, 4],
        ]),
      ],
      array: [[1, 2, 3, 4], M],
      off: [
        [1, 2],
        [1, 2.5],
      ],
      shapes: [M, fromArrays([[1, 2, 3, 4]])],
    },
    { tol: 1e-12, print: false },
  );
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
  assert.equal(byName.scalar.verdict, "close");
  assert.equal(byName.scalar.exact, false);
  assert.ok(Math.abs(byName.scalar.maxDiff - Math.abs(0.1 + 0.2 - 0.3)) < 1e-20);
  assert.equal(byName.same.verdict, "exact");
  assert.equal(byName.array.verdict, "exact");
  assert.equal(byName.off.verdict, "DIFFERENT");
  assert.equal(byName.off.maxDiff, 0.5);
  assert.equal(byName.shapes.verdict, "SHAPE MISMATCH");
  assert.match(byName.shapes.shape, /2×2 vs 1×4/);
  const text = formatCompare(rows);
  for (const name of ["scalar", "same", "array", "off", "shapes"]) assert.match(text, new RegExp(name));
  assert.equal(compare([["nan", [NaN], [1]]], { print: false })[0].verdict, "DIFFERENT");
});
