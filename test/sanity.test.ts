// The lecturer's sanity checks: initial loss ≈ ln K, and overfitting 20 examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, zeros } from "../src/core/matrix";
import { Rng } from "../src/core/random";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { MLP } from "../src/models/mlp";
import { sgd } from "../src/optim/index";
import { initialLossCheck, overfitCheck } from "../src/training/sanity";

/** n random "images" in [0, 1]^d with random labels 0 … K−1 (nothing to learn but memorise). */
function noise(n: number, d: number, K: number, seed: number) {
  const rng = new Rng(seed);
  const X = zeros(n, d, "float32");
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.uniform();
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(K);
  return { X, y };
}

test("initial loss of a softmax regression with zero weights is exactly ln 10", () => {
  const data = noise(50, 784, 10, 1);
  const r = initialLossCheck(new SoftmaxRegression({ inputs: 784, classes: 10 }), data);
  assert.ok(Math.abs(r.loss - Math.log(10)) < 1e-5, String(r.loss));
  assert.equal(r.expected, Math.log(10));
  assert.ok(r.ok);
  assert.match(r.report, /vs ln 10 = 2\.3026.*ok/);
});

test("initial loss of a small-weight 3-class MLP is close to ln 3", () => {
  const data = noise(40, 20, 3, 2);
  const model = new MLP({ sizes: [20, 8, 3], activations: ["relu"], init: "he", rng: new Rng(3) });
  const r = initialLossCheck(model, data, { tolerance: 0.3 });
  assert.equal(r.expected, Math.log(3));
  assert.ok(r.ok, r.report);
});

test("a model with large initial weights fails the initial-loss check and says so", () => {
  const data = noise(50, 784, 10, 4);
  const model = new SoftmaxRegression({ inputs: 784, classes: 10, init: "normal", rng: new Rng(5) });
  const r = initialLossCheck(model, data);
  assert.ok(r.loss > Math.log(10) + 1, `loss ${r.loss}`);
  assert.equal(r.ok, false);
  assert.match(r.report, /NOT close/);
});

test("an MLP overfits 20 random examples to 100% training accuracy", async () => {
  const data = noise(30, 50, 10, 6);
  const model = new MLP({ sizes: [50, 32, 10], activations: ["relu"], init: "he", rng: new Rng(7) });
  const r = await overfitCheck(model, data);
  assert.equal(r.examples, 20);
  assert.ok(r.reached, r.report);
  assert.equal(r.trainAccuracy, 1);
  assert.ok(r.finalLoss < r.initialLoss);
  // measured independently on the same 20 rows
  const pred = model.predict(new Matrix(20, 50, data.X.data.slice(0, 20 * 50)));
  for (let i = 0; i < 20; i++) assert.equal(pred[i], data.y[i], `example ${i}`);
  assert.match(r.report, /overfit 20 examples: 100\.0% .*ok/);
});

test("a softmax regression overfits 20 MNIST-sized examples", async () => {
  const data = noise(20, 784, 10, 8);
  const r = await overfitCheck(new SoftmaxRegression({ inputs: 784, classes: 10 }), data, { optimizer: sgd(0.5) });
  assert.ok(r.reached, r.report);
});

test("an optimiser that cannot learn in time is reported as not reaching the target", async () => {
  const data = noise(20, 50, 10, 9);
  const model = new MLP({ sizes: [50, 16, 10], activations: ["relu"], init: "he", rng: new Rng(1) });
  const r = await overfitCheck(model, data, { optimizer: sgd(1e-6), maxIterations: 5, evaluateEvery: 1 });
  assert.equal(r.reached, false);
  assert.equal(r.iterations, 5);
  assert.match(r.report, /did NOT reach 100\.0%/);
  await assert.rejects(overfitCheck(model, data, { examples: 21 }), /examples.*1 to 20.*21/);
});
