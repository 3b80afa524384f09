// Metrics on small cases worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromArrays, ShapeError } from "../src/core/matrix";
import { accuracy, confusionMatrix, mostConfidentMistakes, perClassAccuracy } from "../src/training/metrics";

const y = [0, 0, 1, 1, 1, 2, 2, 0];
const pred = [0, 1, 1, 1, 2, 2, 0, 0];

test("accuracy = fraction of matches", () => {
  assert.equal(accuracy(pred, y), 5 / 8);
  assert.equal(accuracy(new Int32Array([3, 3]), new Uint8Array([3, 3])), 1);
  assert.equal(accuracy([1], [0]), 0);
});

test("per-class accuracy: correct / count for each true class, NaN for an absent class", () => {
  const a = perClassAccuracy(pred, y, 4);
  // class 0: rows 0,1,7 → 0 and 7 right; class 1: rows 2,3,4 → 2 right; class 2: rows 5,6 → 1 right
  assert.deepEqual(Array.from(a.subarray(0, 3)), [2 / 3, 2 / 3, 1 / 2]);
  assert.ok(Number.isNaN(a[3]));
});

test("confusion matrix: rows are true labels, columns predictions", () => {
  const C = confusionMatrix(pred, y, 3);
  assert.deepEqual(C.toArrays(), [
    [2, 1, 0],
    [0, 2, 1],
    [1, 0, 1],
  ]);
  let total = 0;
  for (const v of C.data) total += v;
  assert.equal(total, y.length);
});

test("most confident mistakes: per true class, highest score first, at most k", () => {
  const P = fromArrays([
    [0.1, 0.8, 0.1], // y 0 → 1 (0.8) wrong
    [0.6, 0.3, 0.1], // y 1 → 0 (0.6) wrong
    [0.2, 0.1, 0.7], // y 0 → 2 (0.7) wrong
    [0.9, 0.05, 0.05], // y 0 → 0 right
    [0.5, 0.4, 0.1], // y 0 → 0 right
    [0.1, 0.2, 0.7], // y 1 → 2 (0.7) wrong
    [0.45, 0.1, 0.45], // y 0 → 0 (tie: first index) right
    [0.3, 0.35, 0.35], // y 2 → 1 (tie: first index) wrong
  ]);
  const labels = new Uint8Array([0, 1, 0, 0, 0, 1, 0, 2]);
  const m = mostConfidentMistakes(P, labels, 1);
  assert.equal(m.length, 3);
  assert.deepEqual(m[0], [{ index: 0, label: 0, predicted: 1, score: 0.8 }]);
  assert.deepEqual(m[1], [{ index: 5, label: 1, predicted: 2, score: 0.7 }]);
  assert.deepEqual(m[2], [{ index: 7, label: 2, predicted: 1, score: 0.35 }]);
  const all = mostConfidentMistakes(P, labels, 10);
  assert.deepEqual(
    all[0].map((e) => e.index),
    [0, 2],
  );
  assert.deepEqual(
    all[1].map((e) => e.index),
    [5, 1],
  );
  assert.deepEqual(mostConfidentMistakes(P, labels, 0), [[], [], []]);
});

test("lengths, labels and classes are checked with clear messages", () => {
  assert.throws(
    () => accuracy([1, 2], [1]),
    (e: Error) => e instanceof ShapeError && /2 predictions but 1 labels/.test(e.message),
  );
  assert.throws(() => accuracy([], []), /no examples/);
  assert.throws(() => confusionMatrix([0, 5], [0, 1], 3), /prediction 5 at position 1.*0…2/);
  assert.throws(() => perClassAccuracy([0, 1], [0, 1.5], 3), /label 1.5 at position 1/);
  assert.throws(() => confusionMatrix([0], [0], 0), /K/);
  assert.throws(() => mostConfidentMistakes(fromArrays([[0.5, 0.5]]), [0, 1], 3), /1×2.*2 labels/);
  assert.throws(() => mostConfidentMistakes(fromArrays([[NaN, 0.5]]), [0], 3), /P\[0, 0\] is NaN/);
  assert.throws(() => mostConfidentMistakes(fromArrays([[0.5, 0.5]]), [2], 3), /label 2 at position 0/);
});
