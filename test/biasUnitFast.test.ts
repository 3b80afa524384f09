/**
 * The engine's per-example step of the homework network (src/engine/fusedBiasUnit.ts: one wasm SIMD
 * call, or its tuned TypeScript loop) against the readable step of src/chapters/biasUnitNetwork.ts
 * (the formulas of biasUnitBackprop and the update): the same J and the same V, W after many steps,
 * from the same start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as d from "../src/index";
import { BiasUnitSgd } from "../src/chapters/biasUnitNetwork";
import { fusedBiasUnitSgd, tunedBiasUnitStep, wasmBiasUnitStep } from "../src/engine/fusedBiasUnit";
import { registerFastPath } from "../src/core/fastPath";

type Impl = typeof fusedBiasUnitSgd | null;
/** The tuned loop alone, whatever the net. */
const tuned: Impl = { step: tunedBiasUnitStep };

function run(
  impl: Impl,
  steps: number,
  X: d.Matrix,
  y: ArrayLike<number>,
  o: { dtype?: d.DType; g?: "relu" | "sigmoid" } = {},
) {
  registerFastPath(BiasUnitSgd, impl);
  try {
    const net = d.biasUnitInit({
      nIn: X.cols,
      nHid: 37,
      nOut: 10,
      rng: d.rng(5),
      scale: "he",
      dtype: o.dtype ?? "float32",
      g: o.g,
    }).net;
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

test("the engine registers a fast path for the per-example step: wasm for a resident float32 ReLU net, the tuned loop otherwise", () => {
  assert.equal(BiasUnitSgd.fastPath.impl, fusedBiasUnitSgd);
  const net = d.biasUnitInit({ nIn: 5, nHid: 3, nOut: 2, rng: d.rng(1), scale: "he", dtype: "float32" }).net;
  assert.notEqual(
    wasmBiasUnitStep(net, [1, 2, 3, 4, 5], 1, 0.1),
    null,
    "the wasm engine did not take a resident float32 net",
  );
  const net64 = d.biasUnitInit({ nIn: 5, nHid: 3, nOut: 2, rng: d.rng(1), scale: "he", dtype: "float64" }).net;
  const before = d.copy(net64.V);
  assert.equal(wasmBiasUnitStep(net64, [1, 2, 3, 4, 5], 1, 0.1), null, "wasm does not take a float64 net");
  assert.equal(d.maxAbsDiff(before, net64.V), 0, "a declined step changes nothing");
  assert.equal(
    typeof fusedBiasUnitSgd.step(net64, [1, 2, 3, 4, 5], 1, 0.1),
    "number",
    "the tuned loop takes every other net",
  );
  assert.ok(d.maxAbsDiff(before, net64.V) > 0);
});

/** J within 1e-3 (relative) at every step, V and W within `tol` at the end; and the weights moved. */
function assertSameRun(a: ReturnType<typeof run>, b: ReturnType<typeof run>, tol: number, label: string) {
  for (let s = 0; s < a.Js.length; s++)
    assert.ok(
      Math.abs(a.Js[s] - b.Js[s]) <= 1e-3 * (1 + Math.abs(a.Js[s])),
      `${label}, step ${s}: J ${a.Js[s]} vs ${b.Js[s]}`,
    );
  const dv = d.maxAbsDiff(a.net.V, b.net.V),
    dw = d.maxAbsDiff(a.net.W, b.net.W);
  assert.ok(dv < tol && dw < tol, `${label}: weights differ: V by ${dv}, W by ${dw}`);
  const start = d.biasUnitInit({
    nIn: a.net.V.cols - 1,
    nHid: 37,
    nOut: 10,
    rng: d.rng(5),
    scale: "he",
    dtype: a.net.V.dtype,
  }).net;
  assert.ok(d.maxAbsDiff(start.W, b.net.W) > 1e-3, `${label}: the steps did not move W`);
}

test("fast per-example step = the formulas: J and weights after 300 steps on MNIST images (wasm, float32 ReLU)", () => {
  const { train } = d.loadMnist({ dtype: "float32" });
  const part = d.takeFirst(train, 500);
  assertSameRun(run(null, 300, part.X, part.y), run(fusedBiasUnitSgd, 300, part.X, part.y), 1e-4, "wasm");
});

test("the tuned loop = the formulas: float64 and float32, ReLU and sigmoid, 300 steps on MNIST images", () => {
  const { train } = d.loadMnist({ dtype: "float32" });
  const part = d.takeFirst(train, 500);
  for (const dtype of ["float64", "float32"] as const) {
    for (const g of ["relu", "sigmoid"] as const) {
      const label = `${dtype} ${g}`;
      assertSameRun(
        run(null, 300, part.X, part.y, { dtype, g }),
        run(tuned, 300, part.X, part.y, { dtype, g }),
        dtype === "float64" ? 1e-10 : 1e-4,
        label,
      );
    }
  }
});

test("a wrong label or shape still gets the readable code's error with the fast path on", () => {
  const net = d.biasUnitInit({ nIn: 5, nHid: 3, nOut: 2, rng: d.rng(1), scale: "he", dtype: "float32" }).net;
  assert.throws(() => d.biasUnitSgdStep(net, [1, 2, 3, 4], 1, 0.1), /x has 4 entries/);
  assert.throws(() => d.biasUnitSgdStep(net, [1, 2, 3, 4, 5], 7, 0.1), /7/);
});
