// Bad numbers caught at the boundary (issue 12, item 4): NaN or ±∞ in X is named where it enters —
// the models' loss / predict / predictProba and train() (training set and evaluation sets).
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertFiniteMatrix, firstNonFinite, NonFiniteError } from "../src/core/finite";
import { fromArrays, Matrix } from "../src/core/matrix";
import { rng } from "../src/core/random";
import { MLP } from "../src/models/mlp";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { sgd } from "../src/optim/index";
import { train } from "../src/training/train";

/** n rows of d numbers in [0, 1) (float32, as MNIST), labels 0…2. */
function data(n: number, d: number): { X: Matrix; y: Uint8Array } {
  const r = rng(3);
  const X = new Matrix(
    n,
    d,
    Float32Array.from({ length: n * d }, () => r.uniform()),
  );
  return { X, y: Uint8Array.from({ length: n }, (_, i) => i % 3) };
}

const named = (where: string, entry: string, value: string) => (e: unknown) =>
  e instanceof NonFiniteError && e.message.startsWith(`${where}: ${entry} is ${value}`) && /finite/.test(e.message);

test("assertFiniteMatrix names the first NaN or ±∞ by row and column, and lets finite matrices pass", () => {
  const M = fromArrays([
    [1, 2, 3],
    [4, NaN, Infinity],
  ]);
  assert.equal(firstNonFinite(M.data), 4);
  assert.throws(
    () => assertFiniteMatrix(M, "X", "here"),
    (e: unknown) =>
      named("here", "X[1, 1]", "NaN")(e) && (e as NonFiniteError).row === 1 && (e as NonFiniteError).col === 1,
  );
  assert.throws(() => assertFiniteMatrix(fromArrays([[0, -Infinity]]), "X", "f"), named("f", "X[0, 1]", "-Infinity"));
  assertFiniteMatrix(fromArrays([[0, -1e308, 3.4e38]]), "X", "ok");
  assert.equal(firstNonFinite(new Float32Array(0)), -1);
});

test("a ReLU network's predict, predictProba and loss name a NaN row instead of predicting class 0", () => {
  const net = new MLP({ sizes: [5, 8, 3], activations: ["relu"], init: "he", rng: rng(1) });
  const { X, y } = data(20, 5);
  X.data[12 * 5 + 3] = NaN;
  assert.throws(() => net.predict(X), named("MLP.predict", "X[12, 3]", "NaN"));
  assert.throws(() => net.predictProba(X), named("MLP.predictProba", "X[12, 3]", "NaN"));
  assert.throws(() => net.loss(X, y), named("MLP.loss", "X[12, 3]", "NaN"));
  X.data[12 * 5 + 3] = 0.5;
  assert.equal(net.predict(X).length, 20, "finite again: predicts");
});

test("softmax regression's predict, predictProba and loss name ±∞ in X", () => {
  const model = new SoftmaxRegression({ inputs: 5, classes: 3, dtype: "float32" });
  const { X, y } = data(10, 5);
  X.data[7 * 5] = -Infinity;
  assert.throws(() => model.predict(X), named("SoftmaxRegression.predict", "X[7, 0]", "-Infinity"));
  assert.throws(() => model.predictProba(X), named("SoftmaxRegression.predictProba", "X[7, 0]", "-Infinity"));
  assert.throws(() => model.loss(X, y), named("SoftmaxRegression.loss", "X[7, 0]", "-Infinity"));
});

test("train names NaN in the training data before any step", async () => {
  const net = new MLP({ sizes: [5, 8, 3], activations: ["relu"], init: "he", rng: rng(1) });
  const { X, y } = data(30, 5);
  X.data[17 * 5 + 4] = NaN;
  const before = Array.from(net.params[0].value.data);
  await assert.rejects(
    train(net, { X, y }, { optimizer: sgd(0.1), batchSize: 4, shuffle: true, rng: rng(2) }),
    named("train", "data.X[17, 4]", "NaN"),
  );
  assert.deepEqual(Array.from(net.params[0].value.data), before, "nothing trained");
});

test("train names ∞ in an evaluation set (its own row, even when a subset is evaluated)", async () => {
  const net = new MLP({ sizes: [5, 8, 3], activations: ["relu"], init: "he", rng: rng(1) });
  const { X, y } = data(30, 5);
  const test = data(50, 5);
  test.X.data[41 * 5 + 2] = Infinity;
  await assert.rejects(
    train(net, { X, y }, { optimizer: sgd(0.1), batchSize: 4, shuffle: false, evaluate: { test }, evaluateSubset: 10 }),
    named("train", "evaluate.test.X[41, 2]", "Infinity"),
  );
  await assert.rejects(
    train(net, { X, y }, { optimizer: sgd(0.1), batchSize: 4, shuffle: false, evaluate: { validation: test } }),
    named("train", "evaluate.validation.X[41, 2]", "Infinity"),
  );
});

test("firstNonFinite finds the first bad entry in every position of a block, and none in a finite array", () => {
  for (const n of [1, 5, 1023, 1024, 1025, 5000]) {
    for (const at of [0, 1, 511, 1022, 1023, 1024, 1029, n - 1].filter((k) => k < n)) {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const a = new Float32Array(n).map((_, i) => (i % 7) - 3.5);
        a[at] = bad;
        if (at + 3 < n) a[at + 3] = NaN; // a later one does not count
        assert.equal(firstNonFinite(a), at, `n ${n}, ${bad} at ${at}`);
      }
    }
    assert.equal(firstNonFinite(new Float64Array(n).fill(-0)), -1);
    assert.equal(firstNonFinite(Array.from({ length: n }, (_, i) => -i * 1e300)), -1);
  }
});
