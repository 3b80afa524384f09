import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ActivationName,
  copy,
  getActivation,
  gradientCheckModel,
  Matrix,
  MLP,
  randn,
  rng,
  ShapeError,
  zeros,
} from "../src/index";
import { defaultGemmKernel } from "../src/engine/wasmGemm";

type Case = { sizes: number[]; act: ActivationName; outputBias: boolean; l2: number; n: number; seed: number };

const cases = fc.record({
  sizes: fc
    .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 })
    .chain((hidden) =>
      fc
        .record({ d: fc.integer({ min: 1, max: 6 }), K: fc.integer({ min: 2, max: 4 }) })
        .map(({ d, K }) => [d, ...hidden, K]),
    ),
  act: fc.constantFrom<ActivationName>("sigmoid", "relu"),
  outputBias: fc.boolean(),
  l2: fc.constantFrom(0, 0.05),
  n: fc.integer({ min: 1, max: 6 }),
  seed: fc.nat(),
});

function build(c: Case) {
  const r = rng(c.seed);
  const model = new MLP({
    sizes: c.sizes,
    activations: [c.act],
    outputBias: c.outputBias,
    l2: c.l2,
    init: "normal",
    biasInit: "normal",
    rng: r,
    dtype: "float64",
  });
  const X = randn(c.n, c.sizes[0], r);
  const y = Array.from({ length: c.n }, () => r.int(c.sizes[c.sizes.length - 1]));
  return { model, X, y };
}

for (const act of ["sigmoid", "relu"] as const) {
  for (const outputBias of [true, false]) {
    for (const l2 of [0, 0.1]) {
      test(`backprop matches gradient checking: ${act}, output bias ${outputBias}, L2 α = ${l2} (float64, rel. error < 1e-6)`, () => {
        fc.assert(
          fc.property(cases, (c) => {
            const { model, X, y } = build({ ...c, act, outputBias, l2 });
            const report = gradientCheckModel(model, X, y, { seed: c.seed });
            // Judged entries: not the kink false alarms (a ±h move pushed a ReLU input across 0), and not
            // tiny gradients where |analytic − numeric| is within the round-off of the difference quotient.
            assert.ok(report.maxJudgedRelativeError < 1e-6, report.text);
            const judged = report.entries.filter((e) => !e.kink && !e.roundoff).length;
            assert.ok(
              judged >= 0.75 * report.entries.length,
              `only ${judged} of ${report.entries.length} entries judged\n${report.text}`,
            );
            if (act === "sigmoid") assert.equal(report.entries.filter((e) => e.kink).length, 0);
            const names = report.rows.map((r) => r.param);
            assert.equal(names.includes(`b${c.sizes.length - 1}`), outputBias);
          }),
          { numRuns: 12, seed: 4242 },
        );
      });
    }
  }
}

/** Backprop one example at a time with plain arrays: δ^L = p − e_y, δ^l = (W^{l+1})ᵀ δ^{l+1} ⊙ f'(z^l). */
function perExampleGradients(model: MLP, X: Matrix, y: number[]) {
  const L = model.depth;
  const gW = model.layers.map((l) => new Float64Array(l.W.data.length));
  const gb = model.layers.map((l) => new Float64Array(l.W.rows));
  for (let i = 0; i < X.rows; i++) {
    const a: number[][] = [Array.from(X.row(i))];
    const z: number[][] = [[]];
    for (let l = 1; l <= L; l++) {
      const { W, b, activation } = model.layers[l - 1];
      const zl = Array.from(
        { length: W.rows },
        (_, j) => (b ? b.data[j] : 0) + a[l - 1].reduce((s, v, k) => s + W.get(j, k) * v, 0),
      );
      z.push(zl);
      if (activation === "softmax") {
        const m = Math.max(...zl);
        const e = zl.map((v) => Math.exp(v - m));
        const tot = e.reduce((s, v) => s + v, 0);
        a.push(e.map((v) => v / tot));
      } else a.push(zl.map(activation.f));
    }
    let delta = a[L].map((p, k) => p - (k === y[i] ? 1 : 0));
    for (let l = L; l >= 1; l--) {
      const { W } = model.layers[l - 1];
      for (let j = 0; j < W.rows; j++) {
        gb[l - 1][j] += delta[j] / X.rows;
        for (let k = 0; k < W.cols; k++) gW[l - 1][j * W.cols + k] += (delta[j] * a[l - 1][k]) / X.rows;
      }
      if (l > 1) {
        const f = model.layers[l - 2].activation;
        if (f === "softmax") throw new Error("unreachable");
        delta = z[l - 1].map((zk, k) => f.df(zk) * delta.reduce((s, dj, j) => s + W.get(j, k) * dj, 0));
      }
    }
  }
  return { gW, gb };
}

test("the vectorised backward pass equals per-example backprop averaged over the batch (mixed activations)", () => {
  const r = rng(8);
  const model = new MLP({
    sizes: [5, 4, 6, 3, 3],
    activations: ["sigmoid", "relu", "tanh"],
    l2: 0,
    init: "normal",
    biasInit: "normal",
    rng: r,
    dtype: "float64",
  });
  const X = randn(7, 5, r);
  const y = [0, 1, 2, 2, 1, 0, 1];
  model.lossAndGradient(X, y);
  const { gW, gb } = perExampleGradients(model, X, y);
  model.params.forEach((p) => {
    const l = Number(p.name.slice(1));
    const expected = p.name[0] === "W" ? gW[l - 1] : gb[l - 1];
    for (let k = 0; k < expected.length; k++)
      assert.ok(Math.abs(p.grad.data[k] - expected[k]) < 1e-12, `${p.name}[${k}]`);
  });
  assert.equal(getActivation("tanh"), model.layers[2].activation);
});

test("the loss is the mean cross-entropy plus (α/2) Σ‖W‖² on weights only; its gradient adds αW", () => {
  const r = rng(21);
  const opts = {
    sizes: [3, 4, 3],
    activations: ["relu" as const],
    init: "normal" as const,
    biasInit: "normal" as const,
    dtype: "float64" as const,
  };
  const plain = new MLP({ ...opts, rng: rng(21) });
  const reg = new MLP({ ...opts, rng: rng(21), l2: 0.3 });
  const X = randn(5, 3, r);
  const y = [0, 1, 2, 0, 1];
  let squares = 0;
  for (const layer of reg.layers) for (const w of layer.W.data) squares += w * w;
  const L0 = plain.lossAndGradient(X, y);
  const L1 = reg.lossAndGradient(X, y);
  assert.ok(Math.abs(L1 - L0 - (0.3 / 2) * squares) < 1e-12);
  assert.ok(Math.abs(reg.loss(X, y) - L1) < 1e-12);
  reg.params.forEach((p, i) => {
    for (let k = 0; k < p.grad.data.length; k++) {
      const extra = p.name.startsWith("W") ? 0.3 * p.value.data[k] : 0;
      assert.ok(Math.abs(p.grad.data[k] - plain.params[i].grad.data[k] - extra) < 1e-12, `${p.name}[${k}]`);
    }
  });
});

test("parameter counts: 784-15-10 has 11,935; its first layer 784·15 + 15 = 11,775; seed 001's net has no b2", () => {
  const net = new MLP({ sizes: [784, 15, 10], activations: ["sigmoid"], init: "zeros" });
  assert.equal(net.parameterCount(), 11935);
  assert.equal(net.params[0].value.data.length + net.params[1].value.data.length, 11775);
  const seed001 = new MLP({
    sizes: [784, 256, 10],
    activations: ["relu"],
    outputBias: false,
    l2: 1e-6,
    init: "scaled0.1",
    biasInit: "normal",
    rng: rng(1127),
  });
  assert.deepEqual(
    seed001.params.map((p) => `${p.name} ${p.value.shape}`),
    ["W1 256×784", "b1 1×256", "W2 10×256"],
  );
  assert.equal(seed001.parameterCount(), 784 * 256 + 256 + 256 * 10);
});

test("the forward pass keeps Z and A per layer, and reuses its buffers for the same batch size", () => {
  const r = rng(2);
  const model = new MLP({ sizes: [3, 4, 2], activations: ["relu"], init: "normal", rng: r, dtype: "float64" });
  const X = randn(5, 3, r);
  const c1 = model.forward(X);
  assert.deepEqual([c1.Z[1].shape, c1.A[1].shape, c1.Z[2].shape, c1.A[2].shape], ["5×4", "5×4", "5×2", "5×2"]);
  for (let k = 0; k < 20; k++) assert.equal(c1.A[1].data[k], Math.max(0, c1.Z[1].data[k]));
  const c2 = model.forward(randn(5, 3, r));
  assert.equal(c2, c1, "same batch size → same buffers");
  assert.equal(c2.Z[1].data, c1.Z[1].data);
  assert.notEqual(model.forward(randn(2, 3, r)), c1);
  const grads = model.params.map((p) => p.grad);
  model.lossAndGradient(X, [0, 1, 0, 1, 1]);
  assert.deepEqual(
    model.params.map((p) => p.grad),
    grads,
    "gradient buffers are reused",
  );
});

test("loss and predictProba agree on large inputs (walked in chunks) and on one batch", () => {
  const r = rng(4);
  const model = new MLP({
    sizes: [3, 5, 4],
    activations: ["sigmoid"],
    l2: 0.01,
    init: "normal",
    rng: r,
    dtype: "float64",
  });
  const X = randn(4500, 3, r);
  const y = Array.from({ length: 4500 }, () => r.int(4));
  const chunked = model.loss(X, y);
  const whole = model.lossAndGradient(X, y); // one forward pass over all 4,500 rows
  assert.ok(Math.abs(chunked - whole) < 1e-12);
  const P = model.predictProba(X);
  assert.equal(P.shape, "4500×4");
  const last = model.forward(X).A[2];
  for (let k = 0; k < P.data.length; k++) assert.ok(Math.abs(P.data[k] - last.data[k]) < 1e-15);
  const yhat = model.predict(X);
  for (const i of [0, 2047, 2048, 4499]) {
    const row = Array.from(P.row(i));
    assert.equal(yhat[i], row.indexOf(Math.max(...row)));
  }
});

test("float32 and float64 networks with the same weights give nearly the same outputs", () => {
  const r = rng(6);
  const m64 = new MLP({
    sizes: [6, 5, 3],
    activations: ["relu"],
    init: "he",
    biasInit: "normal",
    rng: rng(6),
    dtype: "float64",
  });
  const m32 = new MLP({
    sizes: [6, 5, 3],
    activations: ["relu"],
    init: "he",
    biasInit: "normal",
    rng: rng(6),
    dtype: "float32",
  });
  m64.params.forEach((p, i) => p.value.data.set(m32.params[i].value.data)); // identical (float32-representable) weights
  const X = randn(8, 6, r);
  const y = [0, 1, 2, 0, 1, 2, 0, 1];
  const X32 = copy(X, "float32");
  const P64 = m64.predictProba(copy(X32, "float64"));
  const P32 = m32.predictProba(X32);
  assert.equal(P32.dtype, "float32");
  for (let k = 0; k < P64.data.length; k++) assert.ok(Math.abs(P64.data[k] - P32.data[k]) < 1e-5);
  assert.ok(Math.abs(m32.lossAndGradient(X32, y) - m64.lossAndGradient(copy(X32, "float64"), y)) < 1e-5);
  m64.params.forEach((p, i) => {
    for (let k = 0; k < p.grad.data.length; k++)
      assert.ok(Math.abs(p.grad.data[k] - m32.params[i].grad.data[k]) < 1e-4, p.name);
  });
});

test("bad configurations and inputs throw errors naming the problem", () => {
  assert.throws(
    () => new MLP({ sizes: [4, 3, 3, 2], activations: ["relu", "relu", "relu"], init: "zeros" }),
    /2 hidden layer\(s\) but 3 activations/,
  );
  assert.throws(() => new MLP({ sizes: [4], activations: [] }), /at least two/);
  assert.throws(() => new MLP({ sizes: [4, 3, 2], activations: ["relu"] }), /needs an Rng/);
  assert.throws(() => new MLP({ sizes: [4, 3, 2], activations: ["relu"], init: "zeros", l2: -1 }), /l2 must be/);
  const model = new MLP({ sizes: [4, 3, 2], activations: ["relu"], init: "zeros", dtype: "float64" });
  assert.throws(
    () => model.forward(zeros(2, 5)),
    (e: Error) =>
      e instanceof ShapeError && /2×5/.test(e.message) && /4 inputs/.test(e.message) && /3×4/.test(e.message),
  );
  assert.throws(() => model.lossAndGradient(zeros(2, 4), [0, 2]), /y\[1\] = 2/);
  assert.throws(() => model.loss(zeros(2, 4), [0]), /2 rows but y has 1/);
  assert.throws(() => model.predict(zeros(1, 4, "float32")), /float32 but the network is float64/);
  assert.throws(() => model.backward(model.forward(zeros(3, 4)), [0, 1]), /3 examples but y has 2/);
});

// ───────────── the fast path (fused kernels, float32) equals the readable path ─────────────

/** Counts the WebAssembly products with a fused epilogue (bias, mask or αW) while `run` runs (0 without wasm SIMD). */
function wasmCalls(run: () => void): number {
  const e = defaultGemmKernel().engine;
  if (!e) {
    run();
    return 0;
  }
  const orig = e.gemm;
  let calls = 0;
  e.gemm = function (this: typeof e, ...args: Parameters<typeof orig>) {
    if (args[7]) calls++;
    return orig.apply(this, args);
  };
  try {
    run();
  } finally {
    e.gemm = orig;
  }
  return calls;
}

/** |a − b| ≤ tol·(1 + max|b|), entry by entry, naming the first entry that differs. */
function assertNearArray(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol * (1 + scale)))
      assert.fail(`${what}[${i}]: fast ${a[i]} vs readable ${b[i]} (scale ${scale})`);
  }
}

function twins(opts: {
  sizes: number[];
  act: ActivationName | ActivationName[];
  outputBias: boolean;
  l2: number;
  seed: number;
}) {
  const make = (fast: boolean) =>
    new MLP({
      sizes: opts.sizes,
      activations: Array.isArray(opts.act) ? opts.act : [opts.act],
      outputBias: opts.outputBias,
      l2: opts.l2,
      init: "he",
      biasInit: "normal",
      rng: rng(opts.seed),
      fast,
    });
  return { fast: make(true), slow: make(false) };
}

for (const act of ["relu", "sigmoid"] as const) {
  for (const outputBias of [true, false]) {
    for (const l2 of [0, 0.01]) {
      test(`fast (fused) and readable paths agree, float32: ${act}, output bias ${outputBias}, L2 α = ${l2}, batches of 1, 7, 129`, () => {
        const { fast, slow } = twins({ sizes: [37, 33, 17, 10], act, outputBias, l2, seed: 17 });
        assert.ok(fast.usesFastPath && !slow.usesFastPath);
        const r = rng(5);
        for (const n of [1, 7, 129]) {
          // MNIST-like inputs: many exact zeros (the sparse product paths), the rest in [0, 1]
          const X = zeros(n, 37, "float32");
          for (let k = 0; k < X.data.length; k++) X.data[k] = r.uniform() < 0.6 ? 0 : r.uniform();
          const y = Array.from({ length: n }, () => r.int(10));
          let Lf = NaN;
          const calls = wasmCalls(() => (Lf = fast.lossAndGradient(X, y)));
          const Ls = slow.lossAndGradient(X, y);
          if (defaultGemmKernel().engine)
            assert.ok(
              calls >= 6,
              `the fast path fused its products with their epilogues on the wasm engine (${calls} calls)`,
            );
          assert.ok(Math.abs(Lf - Ls) <= 1e-5 * Math.abs(Ls), `n = ${n}: loss fast ${Lf} vs readable ${Ls}`);
          fast.params.forEach((p, i) =>
            assertNearArray(p.grad.data, slow.params[i].grad.data, 2e-5, `n = ${n}: ${p.name} gradient`),
          );
          // the public forward / backward: every cached Z, A and Δ
          const cf = fast.forward(X);
          const cs = slow.forward(X);
          fast.backward(cf, y);
          slow.backward(cs, y);
          for (let l = 1; l <= fast.depth; l++) {
            assertNearArray(cf.Z[l].data, cs.Z[l].data, 1e-5, `n = ${n}: Z${l}`);
            assertNearArray(cf.A[l].data, cs.A[l].data, 1e-5, `n = ${n}: A${l}`);
            assertNearArray(cf.Delta[l].data, cs.Delta[l].data, 1e-5, `n = ${n}: Δ${l}`);
          }
          fast.params.forEach((p, i) =>
            assertNearArray(p.grad.data, slow.params[i].grad.data, 2e-5, `n = ${n}: ${p.name} gradient after backward`),
          );
          assert.ok(Math.abs(fast.loss(X, y) - Ls) <= 1e-5 * Math.abs(Ls), `n = ${n}: loss()`);
          assertNearArray(fast.predictProba(X).data, slow.predictProba(X).data, 1e-5, `n = ${n}: predictProba`);
        }
      });
    }
  }
}

test("fast and readable paths agree for tanh and for activations the fused kernels do not inline (softplus, heaviside)", () => {
  const { fast, slow } = twins({
    sizes: [9, 8, 7, 6, 4],
    act: ["tanh", "softplus", "heaviside"],
    outputBias: true,
    l2: 0.02,
    seed: 3,
  });
  const r = rng(9);
  const X = randn(13, 9, r, 1, "float32");
  const y = Array.from({ length: 13 }, () => r.int(4));
  const Ls = slow.lossAndGradient(X, y);
  assert.ok(Math.abs(fast.lossAndGradient(X, y) - Ls) <= 1e-5 * Math.abs(Ls));
  fast.params.forEach((p, i) => assertNearArray(p.grad.data, slow.params[i].grad.data, 2e-5, p.name));
});

test("switching `fast` off runs the readable code on the same model; float64 networks never use the fused kernels", () => {
  const r = rng(12);
  const model = new MLP({ sizes: [6, 5, 3], activations: ["relu"], init: "he", biasInit: "normal", rng: r });
  const X = randn(4, 6, r, 1, "float32");
  const y = [0, 1, 2, 1];
  const L1 = model.lossAndGradient(X, y);
  const g1 = model.params.map((p) => Float64Array.from(p.grad.data));
  model.fast = false;
  assert.equal(model.usesFastPath, false);
  assert.equal(
    wasmCalls(() => model.lossAndGradient(X, y)),
    0,
    "the readable path calls no fused kernel",
  );
  assert.ok(Math.abs(model.lossAndGradient(X, y) - L1) < 1e-6);
  model.params.forEach((p, i) => assertNearArray(p.grad.data, g1[i], 1e-6, p.name));
  assert.equal(
    new MLP({ sizes: [6, 5, 3], activations: ["relu"], init: "zeros", dtype: "float64" }).usesFastPath,
    false,
  );
});

test("after a fast lossAndGradient (which skips storing the ReLU inputs) kinkInputs says so; after loss() it gives Z", () => {
  const r = rng(13);
  const model = new MLP({ sizes: [6, 5, 3], activations: ["relu"], init: "he", biasInit: "normal", rng: r });
  const X = randn(4, 6, r, 1, "float32");
  model.lossAndGradient(X, [0, 1, 2, 1]);
  assert.throws(() => model.kinkInputs(), /kinkInputs.*forward\(X\) or loss\(X, y\)/);
  model.loss(X, [0, 1, 2, 1]);
  const [Z1] = model.kinkInputs();
  const A1 = model.forward(X).A[1];
  assert.equal(Z1.shape, "4×5");
  for (let k = 0; k < Z1.data.length; k++) assert.equal(A1.data[k], Math.max(0, Z1.data[k]));
});
