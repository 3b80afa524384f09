/**
 * The engine's per-example step of the homework network (src/engine/fusedBiasUnit.ts, one wasm SIMD
 * call) against the readable loop of src/chapters/biasUnitNetwork.ts: the same J and the same V, W
 * after many steps, from the same start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as d from "../src/index";
import { BiasUnitSgd } from "../src/chapters/biasUnitNetwork";
import { fusedBiasUnitSgd } from "../src/engine/fusedBiasUnit";
import { registerFastPath } from "../src/core/fastPath";

function run(fast: boolean, steps: number, X: d.Matrix, y: ArrayLike<number>) {
  registerFastPath(BiasUnitSgd, fast ? fusedBiasUnitSgd : null);
  try {
    const net = d.biasUnitInit({ nIn: X.cols, nHid: 37, nOut: 10, rng: d.rng(5), scale: "he", dtype: "float32" }).net;
    const r = d.rng(9);
    const Js: number[] = [];
    for (let s = 0; s < steps; s++) {
      const i = r.int(X.rows);
      Js.push(d.biasUnitSgdStep(net, X.data.subarray(i * X.cols, (i + 1) * X.cols), y[i], 0.01));
    }
    return { net, Js };
  } finally {
    registerFastPath(BiasUnitSgd, fusedBiasUnitSgd);
  }
}

test("the engine registers a fast path for the per-example step, and it handles a float32 ReLU net", () => {
  assert.equal(BiasUnitSgd.fastPath.impl, fusedBiasUnitSgd);
  const net = d.biasUnitInit({ nIn: 5, nHid: 3, nOut: 2, rng: d.rng(1), scale: "he", dtype: "float32" }).net;
  assert.notEqual(fusedBiasUnitSgd.step(net, [1, 2, 3, 4, 5], 1, 0.1), null, "the wasm engine did not take a resident float32 net");
  const net64 = d.biasUnitInit({ nIn: 5, nHid: 3, nOut: 2, rng: d.rng(1), scale: "he", dtype: "float64" }).net;
  assert.equal(fusedBiasUnitSgd.step(net64, [1, 2, 3, 4, 5], 1, 0.1), null, "float64 nets are the readable code's");
});

test("fast per-example step = readable step: J and weights after 300 steps on MNIST images", () => {
  const { train } = d.loadMnist({ dtype: "float32" });
  const part = d.takeFirst(train, 500);
  const a = run(false, 300, part.X, part.y);
  const b = run(true, 300, part.X, part.y);
  for (let s = 0; s < 300; s++) assert.ok(Math.abs(a.Js[s] - b.Js[s]) <= 1e-3 * (1 + Math.abs(a.Js[s])), `step ${s}: J ${a.Js[s]} vs ${b.Js[s]}`);
  const dv = d.maxAbsDiff(a.net.V, b.net.V), dw = d.maxAbsDiff(a.net.W, b.net.W);
  assert.ok(dv < 1e-4 && dw < 1e-4, `weights differ: V by ${dv}, W by ${dw}`);
  // and the steps did something: the weights moved
  const start = d.biasUnitInit({ nIn: 784, nHid: 37, nOut: 10, rng: d.rng(5), scale: "he", dtype: "float32" }).net;
  assert.ok(d.maxAbsDiff(start.W, b.net.W) > 1e-3);
});

test("a wrong label or shape still gets the readable code's error with the fast path on", () => {
  const net = d.biasUnitInit({ nIn: 5, nHid: 3, nOut: 2, rng: d.rng(1), scale: "he", dtype: "float32" }).net;
  assert.throws(() => d.biasUnitSgdStep(net, [1, 2, 3, 4], 1, 0.1), /x has 4 entries/);
  assert.throws(() => d.biasUnitSgdStep(net, [1, 2, 3, 4, 5], 7, 0.1), /7/);
});
