// The small-batch speed path: the unpacked small product kernel (with its epilogues), parameters
// resident in the wasm memory (products read and write them in place), the wasm update kernels on
// resident arrays, and models on that path against the readable code on the reference kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gemmReference, GemmOp, setGemmBackend } from "../src/core/gemm";
import { useFastGemm } from "../src/engine/index";
import { defaultGemmKernel, detectWasmFeatures, WasmGemm } from "../src/engine/wasmGemm";
import { Matrix } from "../src/core/matrix";
import { rng, Rng } from "../src/core/random";
import { fusedSgdStep, fusedSgdStepReference, fusedSumOfSquares } from "../src/engine/fusedUpdates";
import { batchBuffer, residentCopy } from "../src/engine/resident";
import { train as trainLoop } from "../src/training/train";
import { MLP } from "../src/models/mlp";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { rmspropNotes, sgd } from "../src/optim/index";
import { Model } from "../src/core/model";
import { Optimizer } from "../src/optim/optimizer";

const wasmOk = detectWasmFeatures().simd;

function fill(r: Rng, x: Float32Array, zeroFraction = 0): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = r.uniform() < zeroFraction ? 0 : r.normal();
  return x;
}

/** Zero every entry in runs of 6 out of every 16 (so whole aligned 4-float groups are zero). */
function blocky(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) if (i % 16 >= 5 && i % 16 < 11) x[i] = 0;
  return x;
}

/** The product and epilogue in float64 from their formulas: C = op(A)·op(B), then the epilogue. */
function expected(
  op: GemmOp,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  ep: string,
  extra: Float32Array,
): { C: Float64Array; bound: Float64Array } {
  const C = new Float64Array(m * n),
    bound = new Float64Array(m * n);
  gemmReference(op, m, n, k, Float64Array.from(a), Float64Array.from(b), C);
  gemmReference(op, m, n, k, Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), bound);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const t = i * n + j;
      if (ep === "bias+relu") C[t] = Math.max(0, C[t] + extra[j]);
      else if (ep === "mask") C[t] = extra[t] > 0 ? C[t] : 0;
      else if (ep === "scale+L2") {
        C[t] = 0.25 * C[t] + 0.5 * extra[t];
        bound[t] = 0.25 * bound[t] + 0.5 * Math.abs(extra[t]);
      }
      if (ep === "bias+relu") bound[t] += Math.abs(extra[j]);
    }
  }
  return { C, bound };
}

function assertNear(got: Float32Array, want: { C: Float64Array; bound: Float64Array }, what: string): void {
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want.C[i]);
    if (!(err <= 3e-6 * want.bound[i] + 1e-30))
      assert.fail(`${what}: C[${i}] = ${got[i]}, want ${want.C[i]} (error ${err})`);
  }
}

test("the small kernel and resident operands give the reference's products and epilogues (odd shapes, every op)", () => {
  if (!wasmOk) return;
  const e = new WasmGemm(detectWasmFeatures().relaxedSimd ? "relaxed" : "simd", 2);
  try {
    e.waitReady();
    const r = rng(5);
    const kinds = new Set<string>();
    // small shapes (batch 1, 7, 10), ones with a narrow side (10 classes, 9 depths) and ones big
    // enough for the packed, threaded kernels
    // mostly-zero factors (85 %) send the bigger shapes to the sparse kernels, which apply the
    // weight-gradient finish (scale+L2) as they write C
    for (const [m, n, k, zeros] of [
      [1, 1, 1, 0.3],
      [7, 13, 5, 0.3],
      [10, 10, 784, 0.3],
      [10, 784, 10, 0.3],
      [3, 9, 1, 0.3],
      [129, 31, 257, 0.3],
      [129, 300, 40, 0.3],
      [129, 300, 40, 0.85],
      [37, 70, 300, 0.85],
      [300, 37, 70, 0.85],
      [129, 10, 257, 0.3],
      [10, 130, 300, 0.3],
      [131, 260, 9, 0.3],
    ] as const) {
      for (const op of ["NN", "TN", "NT"] as GemmOp[]) {
        for (const ep of ["none", "bias+relu", "mask", "scale+L2"]) {
          for (const where of ["copied", "resident", "C overlaps A"]) {
            const res = where !== "copied";
            const mk = (len: number) => (res ? (e.alloc(len) as Float32Array) : new Float32Array(len));
            // zeros in runs (whole 4-float groups, as in MNIST rows) so the small kernel's skipping is exercised
            const a = blocky(fill(r, mk(m * k), zeros)),
              b = blocky(fill(r, mk(k * n), zeros));
            let c = mk(m * n).fill(NaN);
            if (where === "C overlaps A") c = new Float32Array(a.buffer, a.byteOffset, Math.min(a.length, m * n)); // must not be written in place
            if (c.length !== m * n) continue;
            const extra = fill(r, mk(ep === "bias+relu" ? n : m * n));
            const want = expected(op, m, n, k, a, b, ep, extra);
            const epilogue =
              ep === "bias+relu"
                ? { bias: extra, relu: true }
                : ep === "mask"
                  ? { mask: extra }
                  : ep === "scale+L2"
                    ? { scale: 0.25, alpha: 0.5, W: extra }
                    : undefined;
            assert.ok(e.gemm(op, m, n, k, a, b, c, epilogue));
            kinds.add(e.lastKernel);
            if (res && where === "resident") assert.ok(e.residentPtr(c) > 0);
            assertNear(c, want, `${op} ${m}×${n}×${k} ${ep} ${where} (${e.lastKernel})`);
          }
        }
      }
    }
    assert.ok(
      kinds.has("small") && kinds.has("narrow") && kinds.has("sparseA") && kinds.has("sparseB"),
      `kernels used: ${[...kinds]}`,
    );
  } finally {
    e.close();
  }
});

test("resident arrays: zero-filled, recognised only when inside the resident area, and refused past the budget", () => {
  if (!wasmOk) return;
  const e = new WasmGemm("simd", 1);
  const v = e.alloc(10)!;
  assert.ok(v instanceof Float32Array && v.length === 10 && v.every((x) => x === 0));
  assert.ok(e.residentPtr(v) > 0);
  assert.equal(e.residentPtr(new Float32Array(10)), -1);
  assert.equal(e.residentPtr(new Float64Array(10)), -1);
  assert.equal(
    e.residentPtr(defaultGemmKernel().engine?.alloc(4) ?? new Float32Array(4)),
    -1,
    "another engine's memory is not this one's",
  );
  // freed memory is reused by the next array of the same size, zero-filled again
  const f = e.alloc(100)!;
  f.fill(7);
  const at = e.residentPtr(f);
  e.free(f);
  e.free(f); // twice: ignored
  const g = e.alloc(100)!;
  assert.equal(e.residentPtr(g), at);
  assert.ok(g.every((x) => x === 0));
  assert.notEqual(e.residentPtr(e.alloc(100)!), at, "a block is handed out once");
  e.residentBudget = 1024;
  assert.equal(e.alloc(1000), null);
  assert.throws(() => e.alloc(-1), /length must be a whole number/);
  // a product still works after the resident area moved the scratch up
  const a = e.alloc(6)!,
    b = new Float32Array([1, 2, 3, 4, 5, 6]),
    c = new Float32Array(4);
  a.set([1, 0, 0, 0, 1, 0]);
  e.gemm("NT", 2, 2, 3, a, b, c);
  assert.deepEqual(Array.from(c), [1, 4, 2, 5]);
});

test("wasm updates on resident arrays: SGD bit-for-bit as the JavaScript loop, ‖v‖² as a float64 sum, NaN kept", () => {
  const engine = defaultGemmKernel().engine;
  if (!engine) return;
  const r = rng(9);
  for (const len of [64, 67, 1001, 7840]) {
    const theta: Float32Array = engine.alloc(len)!,
      g: Float32Array = engine.alloc(len)!;
    fill(r, theta);
    fill(r, g);
    const plain = theta.slice();
    fusedSgdStep(theta, g, 0.37);
    fusedSgdStepReference(plain, g, 0.37);
    assert.ok(engine.residentPtr(theta) > 0 && engine.residentPtr(g) > 0);
    assert.deepEqual(Array.from(theta), Array.from(plain), `sgd, length ${len}`);
    let want = 0;
    for (let i = 0; i < len; i++) want += g[i] * g[i];
    assert.ok(Math.abs(engine.sumOfSquaresResident(g) - want) <= 1e-13 * want, `sum of squares, length ${len}`);
    assert.ok(Math.abs(fusedSumOfSquares(g) - want) <= 1e-13 * want);
    g[len - 1] = NaN;
    assert.ok(Number.isNaN(fusedSumOfSquares(g)));
  }
});

/** A few training steps; returns every parameter afterwards. */
function train(make: () => Model, opt: () => Optimizer, batch: number, steps: number): Float32Array[] {
  const model = make();
  const o = opt();
  const r = rng(77);
  const d = model.params[0].value.cols;
  const K =
    model.params[model.params.length - 1].value.rows === 1
      ? model.params[model.params.length - 1].value.cols
      : model.params[model.params.length - 1].value.rows;
  const X = new Matrix(batch, d, fill(r, new Float32Array(batch * d), 0.6));
  for (let s = 0; s < steps; s++) {
    const y = Array.from({ length: batch }, () => r.int(K));
    model.lossAndGradient(X, y);
    o.step(model.params);
  }
  return model.params.map((p) => Float32Array.from(p.value.data));
}

function assertParamsClose(a: Float32Array[], b: Float32Array[], what: string): void {
  a.forEach((p, i) => {
    let scale = 0,
      err = 0;
    for (let j = 0; j < p.length; j++) {
      scale = Math.max(scale, Math.abs(b[i][j]));
      err = Math.max(err, Math.abs(p[j] - b[i][j]));
    }
    assert.ok(err <= 1e-4 * (1 + scale), `${what}: parameter group ${i} differs by ${err}`);
  });
}

test("models on resident parameters train like the readable code on the reference kernel (batch 1/7/129, relu/sigmoid, biases, L2)", () => {
  const engine = defaultGemmKernel().engine;
  if (engine) {
    const m = new MLP({ sizes: [5, 4, 3], activations: ["relu"], rng: rng(1) });
    assert.ok(
      m.params.every((p) => engine.residentPtr(p.value.data) > 0 && engine.residentPtr(p.grad.data) > 0),
      "float32 parameters and gradients are resident",
    );
    const m64 = new MLP({ sizes: [5, 4, 3], activations: ["relu"], rng: rng(1), dtype: "float64" });
    assert.ok(m64.params.every((p) => engine.residentPtr(p.value.data) < 0));
    assert.ok(residentCopy(m.params[0].value) !== m.params[0].value);
  }
  const cases: [string, (fast: boolean) => Model][] = [];
  for (const act of ["relu", "sigmoid"] as const) {
    for (const outputBias of [true, false]) {
      for (const l2 of [0, 1e-3]) {
        cases.push([
          `MLP ${act} outputBias=${outputBias} l2=${l2}`,
          (fast) =>
            new MLP({ sizes: [37, 19, 5], activations: [act], outputBias, l2, biasInit: "normal", rng: rng(3), fast }),
        ]);
      }
    }
  }
  cases.push([
    "SoftmaxRegression",
    (fast) => new SoftmaxRegression({ inputs: 37, classes: 5, init: "scaled0.1", rng: rng(4), fast }),
  ]);
  for (const [name, make] of cases) {
    for (const batch of [1, 7, 129]) {
      for (const [oname, opt] of [
        ["sgd", (fast: boolean) => sgd(0.3, { fast })],
        ["rmspropNotes", (fast: boolean) => rmspropNotes({ fast })],
      ] as const) {
        const fastParams = train(
          () => make(true),
          () => opt(true),
          batch,
          4,
        );
        setGemmBackend(null);
        let slowParams: Float32Array[];
        try {
          slowParams = train(
            () => make(false),
            () => opt(false),
            batch,
            4,
          );
        } finally {
          useFastGemm();
        }
        assertParamsClose(fastParams, slowParams, `${name}, batch ${batch}, ${oname}`);
      }
    }
  }
});

test("batch buffers: resident when float32 and small, ordinary otherwise; train() on one matches the readable code", async () => {
  const engine = defaultGemmKernel().engine;
  if (engine) {
    assert.ok(engine.residentPtr(batchBuffer(128, 784, "float32").data) > 0);
    assert.equal(engine.residentPtr(batchBuffer(128, 784, "float64").data), -1);
    assert.equal(
      engine.residentPtr(batchBuffer(2000, 784, "float32").data),
      -1,
      "more than 4 MiB stays an ordinary array",
    );
  }
  const B = batchBuffer(3, 2, "float32");
  assert.deepEqual([B.rows, B.cols, B.dtype, Array.from(B.data)], [3, 2, "float32", [0, 0, 0, 0, 0, 0]]);
  const r = rng(21);
  const X = new Matrix(200, 30, fill(r, new Float32Array(200 * 30), 0.5));
  const y = Uint8Array.from({ length: 200 }, () => r.int(4));
  const run = async (fast: boolean) => {
    const model = new MLP({ sizes: [30, 8, 4], activations: ["relu"], l2: 1e-4, rng: rng(2), fast });
    await trainLoop(
      model,
      { X, y },
      { optimizer: rmspropNotes({ fast }), epochs: 2, batchSize: 7, shuffle: true, rng: rng(3) },
    );
    return model.params.map((p) => Float32Array.from(p.value.data));
  };
  const fastParams = await run(true);
  setGemmBackend(null);
  let slowParams: Float32Array[];
  try {
    slowParams = await run(false);
  } finally {
    useFastGemm();
  }
  assertParamsClose(fastParams, slowParams, "train(), batch 7 (short last batch 4)");
});

test("a cache from MLP.forward keeps its numbers after other batch sizes evicted it and new buffers were made", () => {
  const net = new MLP({ sizes: [6, 5, 3], activations: ["relu"], biasInit: "normal", rng: rng(8) });
  const r = rng(9);
  const X = (n: number) => new Matrix(n, 6, fill(r, new Float32Array(n * 6)));
  const cache = net.forward(X(4));
  const kept = cache.A.map((A) => Float32Array.from(A.data));
  for (const n of [5, 6, 7]) net.forward(X(n)); // evicts the 4-row buffers (three sizes are kept)
  net.forward(X(4)); // new 4-row buffers, filled with other numbers
  cache.A.forEach((A, l) =>
    assert.deepEqual(Array.from(A.data), Array.from(kept[l]), `A[${l}] of the earlier cache changed`),
  );
});
