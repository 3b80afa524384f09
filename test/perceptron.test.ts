import { test } from "node:test";
import assert from "node:assert/strict";
import { fromArrays, ShapeError } from "../src/core/matrix";
import { rng } from "../src/core/random";
import {
  weightedSums,
  decideWithThreshold,
  decideWithBias,
  countMistakes,
  trainPerceptron,
  novikoffBound,
  readGameNight,
  parseGameNight,
  boundarySegment,
} from "../src/models/perceptron";
import { linearlySeparable, xorData } from "../src/data/toyData";

// The slide's table (002, "How Will I Make my Decision?"), typed from the slide, with w = (1, 6, 3).
const slideX = [
  [1, 1, 1],
  [1, 0, 0],
  [1, 1, 0],
  [1, 0, 1],
  [0, 1, 1],
  [0, 0, 0],
  [0, 0, 1],
  [0, 1, 0],
];
const slideWx = [10, 1, 7, 4, 9, 0, 3, 6];

test("game-night CSV encodes the slide's eight inputs in the slide's order", () => {
  const g = readGameNight("data/game-night.csv");
  assert.deepEqual(g.X.toArrays(), slideX);
  assert.equal(g.rows[0].tickets, "cheap");
  assert.deepEqual(g.columns, ["cheap", "available", "interested"]);
});

test("w·x reproduces the slide's table and the t = 9, t = 7 decisions", () => {
  const X = fromArrays(slideX);
  assert.deepEqual(Array.from(weightedSums(X, [1, 6, 3])), slideWx);
  // t = 9: go only when available and interested (rows 1 and 5 of the slide)
  assert.deepEqual(Array.from(decideWithThreshold(X, [1, 6, 3], 9)), [1, 0, 0, 0, 1, 0, 0, 0]);
  // t = 7: also when cheap and available (row 3)
  assert.deepEqual(Array.from(decideWithThreshold(X, [1, 6, 3], 7)), [1, 0, 1, 0, 1, 0, 0, 0]);
});

test("the bias form H(w·x + b) with b = −t equals the threshold form", () => {
  const r = rng(3);
  const X = fromArrays(Array.from({ length: 50 }, () => [r.int(5), r.int(5), r.int(5)]));
  for (let t = -2; t <= 30; t++) {
    const w = [r.int(7) - 3, r.int(7) - 3, r.int(7) - 3];
    assert.deepEqual(Array.from(decideWithBias(X, w, -t)), Array.from(decideWithThreshold(X, w, t)));
  }
});

test("shape and value errors name the problem", () => {
  const X = fromArrays([[1, 2]]);
  assert.throws(
    () => weightedSums(X, [1, 2, 3]),
    (e: Error) => e instanceof ShapeError && /1×2/.test(e.message) && /3 weights/.test(e.message),
  );
  assert.throws(() => countMistakes(X, [2], [1, 1], 0), /label y\[0\] is 2/);
  assert.throws(() => decideWithThreshold(X, [1, NaN], 0), /w\[1\] is NaN/);
  assert.throws(() => trainPerceptron(X, [1, 0], { maxEpochs: 3 }), /1 rows but y has 2 labels/);
  assert.throws(() => trainPerceptron(X, [1], { maxEpochs: 0 }), /maxEpochs/);
  assert.throws(
    () => parseGameNight("tickets,available,interested\ncheap,maybe,yes\n", "g.csv"),
    /g\.csv: line 2, column "available": "maybe"/,
  );
  assert.throws(() => parseGameNight("a,b,c\n", "g.csv"), /g\.csv: line 1: header/);
  assert.throws(() => readGameNight("/nonexistent/x.csv"), /cannot read \/nonexistent\/x\.csv/);
});

test("one Rosenblatt update by hand: w ← w + η(y − ŷ)x, b ← b + η(y − ŷ)", () => {
  // start w = 0, b = 0: ŷ = H(0) = 1 but y = 0, so w = −η·x = (−0.5, −1), b = −0.5
  const res = trainPerceptron(fromArrays([[1, 2]]), [0], { maxEpochs: 5, rate: 0.5 });
  assert.deepEqual(res.history[1].w, [-0.5, -1]);
  assert.equal(res.history[1].b, -0.5);
  assert.equal(res.history[1].mistakes, 1);
  // second pass: w·x + b = −3 < 0 → correct, so it converged after 2 passes
  assert.equal(res.converged, true);
  assert.equal(res.epochs, 2);
  assert.equal(res.history[2].mistakes, 0);
});

test("the perceptron converges on separable data within Novikoff's bound", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const data = linearlySeparable({ n: 60, rng: seed, margin: 0.1 });
    const res = trainPerceptron(data.X, data.y, { maxEpochs: 500, shuffle: true, rng: rng(seed) });
    assert.equal(res.converged, true, `seed ${seed}`);
    assert.equal(countMistakes(data.X, data.y, res.w, res.b), 0);
    const { bound } = novikoffBound(data.X, data.y, data.w, data.b);
    assert.ok(res.totalMistakes <= bound, `seed ${seed}: ${res.totalMistakes} updates > bound ${bound}`);
    assert.equal(res.history.length, res.epochs + 1);
  }
});

test("on XOR the perceptron never gets a pass right", () => {
  const xor = xorData();
  const res = trainPerceptron(xor.X, xor.y, { maxEpochs: 200 });
  assert.equal(res.converged, false);
  assert.equal(res.epochs, 200);
  for (const h of res.history) assert.ok(h.errorsAfter >= 1 && (h.epoch === 0 || h.mistakes >= 1));
});

test("novikoffBound refuses a line that does not separate", () => {
  const xor = xorData();
  assert.throws(() => novikoffBound(xor.X, xor.y, [1, 1], -0.5), /does not strictly separate/);
});

test("boundarySegment: end points lie on the line and on the box's edges", () => {
  const seg = boundarySegment([1, 2], -0.5, { x1: [-1, 1], x2: [-1, 1] });
  assert.ok(seg);
  for (const [x1, x2] of seg!) {
    assert.ok(Math.abs(x1 + 2 * x2 - 0.5) < 1e-12);
    assert.ok(Math.abs(Math.abs(x1) - 1) < 1e-12 || Math.abs(Math.abs(x2) - 1) < 1e-12);
  }
  // x2 = (0.5 − x1)/2: at x1 = −1, x2 = 0.75; at x1 = 1, x2 = −0.25 (both inside [−1, 1])
  assert.deepEqual(
    seg!.map((p) => p.map((v) => Math.round(v * 1e9) / 1e9)).sort((a, b) => a[0] - b[0]),
    [
      [-1, 0.75],
      [1, -0.25],
    ],
  );
  assert.equal(boundarySegment([1, 0], -5), null); // x1 = 5 is outside
  assert.equal(boundarySegment([0, 0], 1), null);
  assert.throws(() => boundarySegment([1, 2, 3], 0), /needs 2 weights/);
});
