// Error messages that say what happened (issue 12, item 9): a string shown as a string, a bad label named
// by its row in the data set, a chart argument named before it is used, a file passed as a directory.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { zeros } from "../src/core/matrix";
import { Rng } from "../src/core/random";
import { describeValue } from "../src/core/describe";
import { loadMnist, takeFirst } from "../src/data/mnist";
import { xorData } from "../src/data/toyData";
import { oneHot } from "../src/models/softmax";
import { MLP } from "../src/models/mlp";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { momentum } from "../src/optim/momentum";
import { sgd } from "../src/optim/sgd";
import { train } from "../src/training/train";
import { lineChart, LineSeries } from "../src/plot/charts";
import { chartBundle, show } from "../src/plot/show";
import type { VegaLiteSpec } from "../src/plot/render";

/** n examples of d features in 3 classes (label i mod 3), as float32 rows. */
function blobs(n: number, d: number): { X: ReturnType<typeof zeros>; y: Uint8Array } {
  const rng = new Rng(3);
  const X = zeros(n, d, "float32");
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < d; j++) X.data[i * d + j] = rng.normal() + (j === y[i] ? 2 : 0);
  }
  return { X, y };
}

test("describeValue shows a value as it was typed, with its kind when it is not a number", () => {
  assert.equal(describeValue(2), "2");
  assert.equal(describeValue("2"), '"2" (a string)');
  assert.equal(describeValue(null), "null");
  assert.equal(describeValue(undefined), "undefined");
  assert.equal(describeValue([1, 2, 3]), "an array of 3");
  assert.equal(describeValue(new Float32Array(2)), "a Float32Array");
  assert.equal(describeValue(true), "true (a boolean)");
  assert.equal(describeValue({}), "an object");
});

test("options given as strings are shown as strings, not as the numbers they look like", async () => {
  const data = blobs(30, 4);
  const model = new SoftmaxRegression({ inputs: 4, classes: 3 });
  const bad = (o: object) => train(model, data, { optimizer: sgd(0.1), batchSize: 10, ...o } as never);
  await assert.rejects(bad({ epochs: "2" }), (e: Error) =>
    /^train: epochs must be a whole number ≥ 1, got "2" \(a string\)$/.test(e.message),
  );
  await assert.rejects(bad({ batchSize: "10" }), /batchSize must be .* got "10" \(a string\)/);
  await assert.rejects(bad({ maxIterations: "5" }), /maxIterations must be a whole number ≥ 1, got "5" \(a string\)/);
  // The optimisers' shared checks.
  assert.throws(() => sgd("0.1" as never), /sgd.*got "0\.1" \(a string\)/);
  assert.throws(() => momentum(0.1, { beta: "0.9" } as never), /got "0\.9" \(a string\)/);
  // The same in the data, model and chapter helpers.
  assert.throws(
    () => xorData({ perCorner: "5" as never }),
    /perCorner must be a positive integer, got "5" \(a string\)/,
  );
  assert.throws(
    () => takeFirst({ X: zeros(3, 2), y: new Uint8Array(3) }, "2" as never),
    /takeFirst: n = "2" \(a string\) must be/,
  );
  assert.throws(() => oneHot([0, 1], "2" as never), /got "2" \(a string\)/);
  // A number is still shown as a number.
  await assert.rejects(bad({ epochs: 2.5 }), /got 2\.5$/);
});

test("a bad label is named by its row in the data set, not its position in a mini-batch", async () => {
  const data = blobs(64, 4);
  data.y[37] = 10;
  for (const model of [
    new SoftmaxRegression({ inputs: 4, classes: 3 }),
    new MLP({ sizes: [4, 5, 3], activations: ["relu"], rng: new Rng(1), dtype: "float32" } as never),
  ]) {
    await assert.rejects(
      train(model, data, { optimizer: sgd(0.1), epochs: 1, batchSize: 16, shuffle: true, rng: new Rng(5) }),
      (e: Error) =>
        /^train: label data\.y\[37\] = 10 is not a class in 0…2 \(found by \w+\.(lossAndGradient|loss) in row \d+ of the mini-batch\)$/.test(
          e.message,
        ),
    );
  }
  // In an evaluation set too (before any subset is drawn from it).
  const good = blobs(64, 4);
  const test = blobs(40, 4);
  test.y[33] = 7;
  await assert.rejects(
    train(new SoftmaxRegression({ inputs: 4, classes: 3 }), good, {
      optimizer: sgd(0.1),
      epochs: 1,
      batchSize: 16,
      shuffle: false,
      evaluate: { test },
      evaluateSubset: 10,
    }),
    (e: Error) => e.message === "train: label evaluate.test.y[33] = 7 is not a class in 0…2",
  );
});

test("show(null) and a series without y are named before anything is drawn", () => {
  assert.throws(
    () => show(null as unknown as VegaLiteSpec),
    (e: Error) => e.name === "SpecError" && /^show: expected a Vega-Lite spec .*got null$/.test(e.message),
  );
  assert.throws(
    () => chartBundle(undefined as unknown as VegaLiteSpec),
    /^SpecError: show: expected a Vega-Lite spec .*got undefined$/,
  );
  assert.throws(() => show([1, 2] as unknown as VegaLiteSpec), /got an array of 2$/);
  const noY = { name: "loss", x: [0, 1, 2] } as unknown as LineSeries;
  assert.throws(
    () => lineChart({ series: [noY] }),
    (e: Error) => e.message === 'lineChart: series[0] ("loss") has no y; each series needs x and y arrays of numbers',
  );
  assert.throws(
    () => lineChart({ series: [{ name: "a", x: [0, 1], y: "12" as never }] }),
    /series\[0\] \("a"\)\.y must be an array of numbers, got "12" \(a string\)/,
  );
  assert.throws(
    () => lineChart({ series: [{ name: "a", x: [0, 1], y: ["1", "2"] as never }] }),
    /series "a" y\[0\] is "1" \(a string\)/,
  );
  assert.throws(
    () => lineChart({ series: [null as never] }),
    /series\[0\] must be an object \{ name, x, y \}, got null/,
  );
});

test("loadMnist({ dir }) naming a file says it is a file, not a directory", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "msg-"));
  try {
    const file = path.join(tmp, "train-images-idx3-ubyte");
    fs.writeFileSync(file, "x");
    assert.throws(
      () => loadMnist({ dir: file }),
      (e: Error) =>
        /^loadMnist: .*train-images-idx3-ubyte is a file, not a directory/.test(e.message) &&
        !/does not exist/.test(e.message),
    );
    assert.throws(() => loadMnist({ dir: path.join(tmp, "nowhere") }), /directory .*nowhere does not exist/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
