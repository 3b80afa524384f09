// Divergence that is not NaN (issue 12, item 5): a loss that explodes and stays up is caught with the
// iteration, the loss and η; a noisy but healthy run raises no alarm. On real MNIST.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadMnist, takeFirst } from "../src/data/mnist";
import { rng } from "../src/core/random";
import { MLP } from "../src/models/mlp";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { sgd } from "../src/optim/index";
import { DivergenceError, train } from "../src/training/train";
import "../src/engine/index";

const mnist = loadMnist();
const small = takeFirst(mnist.train, 2000);
const net = () => new MLP({ sizes: [784, 256, 10], activations: ["relu"], init: "he", rng: rng(1) });

test("784-256-10 with sgd(1e3): the loss explodes without turning NaN, and train throws a DivergenceError naming η", async () => {
  const model = net();
  let err: unknown;
  try {
    await train(model, small, { optimizer: sgd(1e3), epochs: 3, batchSize: 64, shuffle: true, rng: rng(2) });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof DivergenceError, `expected a DivergenceError, got ${String(err)}`);
  assert.ok(Number.isFinite(err.loss) && err.loss > 10 * Math.log(10), `a finite loss far above ln 10: ${err.loss}`);
  assert.equal(err.learningRate, 1000);
  assert.equal(err.iteration, 51, "50 iterations in a row above the bound, after the first");
  assert.match(
    err.message,
    /iteration 51 \(epoch 2\).*above 10 · max\(first loss, ln K\) = 2\d\.\d\d for 50 iterations in a row.*η = 1000\. Try a smaller learning rate/,
  );
});

test('divergence: "warn" warns once and trains on; "off" says nothing', async () => {
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => void warned.push(m);
  try {
    const res = await train(net(), small, {
      optimizer: sgd(1e3),
      epochs: 3,
      batchSize: 64,
      shuffle: true,
      rng: rng(2),
      divergence: "warn",
    });
    assert.equal(res.iterations, 3 * 32, "trained to the end");
    assert.equal(warned.length, 1);
    assert.deepEqual(res.warnings, warned);
    assert.match(warned[0], /diverged at iteration 51 .*η = 1000.*divergence: "warn"/);
    const off = await train(net(), small, {
      optimizer: sgd(1e3),
      epochs: 2,
      batchSize: 64,
      shuffle: true,
      rng: rng(2),
      divergence: "off",
    });
    assert.deepEqual(off.warnings, []);
    assert.equal(warned.length, 1);
  } finally {
    console.warn = warn;
  }
  await assert.rejects(
    train(net(), small, { optimizer: sgd(0.1), batchSize: 64, shuffle: false, divergence: "loud" as never }),
    /divergence must be "throw", "warn" or "off", got "loud"/,
  );
});

test("no false alarm: sgd(0.1) on the network, noisy batch-1 softmax regression, spikes that come back", async () => {
  const ok = await train(net(), small, { optimizer: sgd(0.1), epochs: 3, batchSize: 64, shuffle: true, rng: rng(2) });
  assert.deepEqual(ok.warnings, []);
  assert.ok(ok.history[ok.history.length - 1].loss < 0.7);
  // batch size 1: single-example losses jump up to ≈ 60, but never for long
  const noisy = await train(new SoftmaxRegression({ inputs: 784, classes: 10 }), takeFirst(mnist.train, 20000), {
    optimizer: sgd(1),
    batchSize: 1,
    shuffle: true,
    rng: rng(1),
    epochs: 1,
  });
  assert.equal(noisy.iterations, 20000);
  // η = 10 on the network: the loss jumps to thousands, then comes back within the window
  await train(net(), small, { optimizer: sgd(10), epochs: 3, batchSize: 64, shuffle: true, rng: rng(1) });
});
