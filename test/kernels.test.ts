// The fast kernels (src/engine/): every product path against the reference kernel, the fused
// element-wise kernels against their plain references, the worker threads, and the wasm build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import "../src/engine/index"; // switches the engine on, as src/index.ts does
import { gemm, gemmBackendName, gemmReference, GemmOp, FloatArray } from "../src/core/gemm";
import { defaultGemmKernel, gemmPaths, makeGemmKernel, WasmGemm, detectWasmFeatures } from "../src/engine/wasmGemm";
import { gemmBlocked } from "../src/engine/blockedGemm";
import { Matrix, ShapeError, zeros } from "../src/core/matrix";
import { rng, Rng } from "../src/core/random";
import {
  fusedActivationBackward,
  fusedActivationBackwardReference,
  fusedBiasActivation,
  fusedBiasActivationReference,
  fusedBiasGradient,
  FusedActivation,
} from "../src/engine/fusedLayer";
import { fusedSoftmaxCrossEntropy, fusedSoftmaxCrossEntropyReference } from "../src/engine/fusedSoftmax";
import {
  fusedRmspropStep,
  fusedRmspropStepReference,
  fusedSgdStep,
  fusedSgdStepReference,
  fusedSumOfSquares,
} from "../src/engine/fusedUpdates";
import { BatchLoader, gatherBatchReference } from "../src/engine/gatherBatch";
import { residentCopy } from "../src/engine/resident";
import { rmspropNotes } from "../src/optim/rmspropNotes";
import {
  linearForward,
  linearForwardReference,
  reluBackwardProduct,
  reluBackwardProductReference,
  weightGradient,
  weightGradientReference,
} from "../src/engine/fusedProducts";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeFlags } = require("../scripts/setup/nodeFlags") as { nodeFlags: () => string[] };

const root = path.resolve(__dirname, "..");
const OPS: GemmOp[] = ["NN", "TN", "NT"];
/** [m, n, k]: odd sizes that hit every tail of the 4×8 tiles, the 32-wide sparse strips and the 256-deep blocks. */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [129, 785, 33],
  [13, 7, 300],
  [64, 64, 0],
  [3, 40, 513],
  [200, 9, 77],
  [129, 10, 260],
];

function randomArray(r: Rng, len: number, zeroFraction: number, f64 = false): FloatArray {
  const x = f64 ? new Float64Array(len) : new Float32Array(len);
  for (let i = 0; i < len; i++) x[i] = r.uniform() < zeroFraction ? 0 : r.normal();
  return x;
}

/** |C − ref| ≤ tol·(Σ_p |op(A)[i,p]|·|op(B)[p,j]|) entrywise: float error grows with that sum, not with |C|. */
function assertProductClose(
  op: GemmOp,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
  tol: number,
  what: string,
): void {
  const ref = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  gemmReference(op, m, n, k, Float64Array.from(a), Float64Array.from(b), ref);
  gemmReference(op, m, n, k, Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), bound);
  for (let i = 0; i < m * n; i++) {
    const err = Math.abs(c[i] - ref[i]);
    if (!(err <= tol * bound[i] + 1e-30)) {
      assert.fail(
        `${what}: C[${Math.floor(i / n)},${i % n}] = ${c[i]} but the reference gives ${ref[i]} (error ${err}, bound ${tol * bound[i]})`,
      );
    }
  }
}

/** Every op × shape × (dense, sparse A, sparse B) through `kernel`; returns the kernels the engine used. */
function checkKernel(
  kernel: (op: GemmOp, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray) => void,
  label: string,
  engine: WasmGemm | null,
  f64 = false,
): Set<string> {
  const r = rng(42);
  const used = new Set<string>();
  for (const [m, n, k] of SHAPES) {
    for (const op of OPS) {
      for (const [za, zb] of [
        [0, 0],
        [0.85, 0],
        [0, 0.85],
      ]) {
        const a = randomArray(r, m * k, za, f64);
        const b = randomArray(r, k * n, zb, f64);
        const c = f64 ? new Float64Array(m * n).fill(NaN) : new Float32Array(m * n).fill(NaN); // must be overwritten
        kernel(op, m, n, k, a, b, c);
        if (engine) used.add(engine.lastKernel);
        assertProductClose(
          op,
          m,
          n,
          k,
          a,
          b,
          c,
          f64 ? 1e-12 : 2e-6,
          `${label} ${op} m=${m} n=${n} k=${k} zeros(A)=${za} zeros(B)=${zb}`,
        );
      }
    }
  }
  return used;
}

test("every product path available here equals the reference on odd shapes, k = 0 and sparse factors", () => {
  const paths = gemmPaths();
  assert.ok(paths.includes("blocked") && paths.includes("reference"));
  for (const p of paths) {
    for (const threads of p === "relaxed" || p === "simd" ? [1, 2] : [1]) {
      const { kernel, engine } = makeGemmKernel(p, threads);
      try {
        if (engine) assert.equal(engine.waitReady(), threads, `${p}: ${threads} threads should start`);
        const used = checkKernel(kernel, `${p} ×${threads}`, engine);
        if (engine) {
          assert.ok(used.has("small"), `${p}: the small kernel was never exercised`);
          assert.ok(used.has("narrow"), `${p}: the narrow kernel was never exercised`);
          engine.smallMacs = 0; // every shape through the packed kernels as well
          engine.narrowMacs = 0;
          engine.sparseMode = "skip";
          for (const kind of checkKernel(kernel, `${p} ×${threads} packed`, engine)) used.add(kind);
          engine.sparseMode = "strips";
          for (const kind of checkKernel(kernel, `${p} ×${threads} strips`, engine)) used.add(kind);
          engine.narrowMacs = Infinity; // every shape with a side of ≤ 16 through the narrow kernel, sparse or not
          engine.sparse = false;
          for (const kind of checkKernel(kernel, `${p} ×${threads} narrow`, engine)) used.add(kind);
          engine.sparse = true;
          for (const kind of ["dense", "skipA", "skipB", "sparseA", "sparseB"])
            assert.ok(used.has(kind), `${p}: the ${kind} kernel was never exercised`);
        }
      } finally {
        engine?.close();
      }
    }
  }
});

test("worker threads compute their share correctly (the caller only waits)", () => {
  if (!detectWasmFeatures().simd) return;
  const { kernel, engine } = makeGemmKernel("simd", 2);
  try {
    assert.equal(engine!.waitReady(), 2);
    engine!.callerWorks = false;
    const r = rng(7);
    for (const [m, n, k, z, mode] of [
      [300, 257, 40, 0, "skip"],
      [260, 300, 100, 0.9, "skip"],
      [260, 300, 100, 0.9, "strips"],
      [64, 520, 90, 0, "skip"],
    ] as const) {
      engine!.sparseMode = mode;
      for (const op of OPS) {
        const a = randomArray(r, m * k, z),
          b = randomArray(r, k * n, 0),
          c = new Float32Array(m * n);
        kernel(op, m, n, k, a, b, c);
        assert.ok(
          engine!.lastJobs > 1 && engine!.lastJobsByWorkers === engine!.lastJobs,
          `${op}: workers ran ${engine!.lastJobsByWorkers}/${engine!.lastJobs} jobs`,
        );
        assertProductClose(op, m, n, k, a, b, c, 2e-6, `worker ${op} ${m}×${n}×${k}`);
      }
    }
  } finally {
    engine!.close();
  }
});

test("float64 products (gradient checks) go through the blocked TypeScript kernel and match the reference", () => {
  checkKernel(gemmBlocked, "blocked f64", null, true);
  const { kernel, engine } = makeGemmKernel(detectWasmFeatures().simd ? "simd" : "blocked", 1);
  checkKernel(kernel, "default kernel on f64", null, true);
  engine?.close();
});

test("the fast backend is installed by default and gemm() rejects arrays that are too short", () => {
  if (detectWasmFeatures().simd) assert.match(gemmBackendName(), /^wasm-(relaxed-)?simd/);
  const a = new Float32Array(6),
    b = new Float32Array(6),
    c = new Float32Array(4);
  gemm("NN", 2, 2, 3, a, b, c);
  assert.throws(() => gemm("NN", 2, 2, 4, a, b, c), /A must hold m×k = 8 numbers \(m=2, n=2, k=4\), got 6/);
  assert.throws(() => gemm("NT", 3, 2, 3, new Float32Array(9), b, c), /C must hold m×n = 6 numbers/);
  assert.throws(() => gemm("XX" as GemmOp, 1, 1, 1, a, b, c), /op must be/);
});

test("relaxed SIMD (fused multiply-add) matches the reference, and workers never keep node alive", () => {
  // A child node with the flag the kernel launcher and `npm run bench` pass; it does NOT close its engine.
  const script = `
    require("./src/engine/index");
    const { makeGemmKernel, gemmPaths } = require("./src/engine/wasmGemm");
    const { gemmReference, gemmBackendName } = require("./src/core/gemm");
    if (!gemmPaths().includes("relaxed")) { console.log("no-relaxed"); process.exit(0); }
    const { kernel, engine } = makeGemmKernel("relaxed", 2);
    engine.waitReady();
    let worst = 0;
    for (const [m, n, k] of [[129, 785, 33], [7, 13, 5], [300, 64, 700]]) for (const op of ["NN", "TN", "NT"]) {
      const a = new Float32Array(m * k).map((_, i) => (i % 7 === 0 ? 0 : Math.sin(i)));
      const b = new Float32Array(k * n).map((_, i) => Math.cos(i * 0.37));
      const c = new Float32Array(m * n), r = new Float64Array(m * n), s = new Float64Array(m * n);
      kernel(op, m, n, k, a, b, c);
      gemmReference(op, m, n, k, Float64Array.from(a), Float64Array.from(b), r);
      gemmReference(op, m, n, k, Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), s);
      for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(c[i] - r[i]) / s[i]);
    }
    console.log(JSON.stringify({ worst, threads: engine.threads, backend: gemmBackendName() }));
  `;
  const t0 = Date.now();
  const res = spawnSync(process.execPath, [...nodeFlags(), "--import", "tsx", "-e", script], {
    cwd: root,
    encoding: "utf8",
    timeout: 60000,
  });
  assert.equal(res.status, 0, `child failed: ${res.stderr}`);
  assert.ok(Date.now() - t0 < 60000, "the child must exit by itself");
  const out = res.stdout.trim();
  if (out === "no-relaxed") return;
  const { worst, threads, backend } = JSON.parse(out);
  assert.equal(threads, 2);
  assert.match(backend, /^wasm-relaxed-simd/);
  assert.ok(worst < 2e-6, `relaxed path: worst relative error ${worst}`);
});

test("the committed wasm binaries are exactly what the AssemblyScript source builds to", () => {
  const res = spawnSync(process.execPath, [path.join(root, "scripts", "engine", "buildWasm.js"), "--check"], {
    cwd: root,
    encoding: "utf8",
    timeout: 120000,
  });
  assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
});

// ------------------------------------------------------------------ fused element-wise kernels

function randMatrix(r: Rng, rows: number, cols: number, dtype: "float32" | "float64" = "float64"): Matrix {
  const M = zeros(rows, cols, dtype);
  for (let i = 0; i < M.data.length; i++) M.data[i] = 3 * r.normal();
  return M;
}
function assertClose(x: ArrayLike<number>, y: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(x.length, y.length, `${what}: lengths`);
  for (let i = 0; i < x.length; i++)
    if (!(Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i]))))
      assert.fail(`${what}[${i}]: ${x[i]} vs reference ${y[i]}`);
}

test("fused bias + activation and its backward pass equal the two-step references", () => {
  const r = rng(3);
  for (const f of ["identity", "relu", "sigmoid", "tanh"] as FusedActivation[]) {
    for (const [n, m] of [
      [1, 1],
      [5, 7],
      [33, 10],
    ]) {
      const Z = randMatrix(r, n, m),
        b = randMatrix(r, 1, m);
      Z.data[0] = -b.data[0]; // an exact zero at the ReLU kink
      const Z2 = zeros(n, m),
        A = zeros(n, m),
        A2 = zeros(n, m);
      Z2.data.set(Z.data);
      fusedBiasActivation(Z, b, f, A);
      fusedBiasActivationReference(Z2, b, f, A2);
      assertClose(Z.data, Z2.data, 1e-15, `${f} Z+b`);
      assertClose(A.data, A2.data, 1e-14, `${f} A`);
      const D = randMatrix(r, n, m),
        D2 = zeros(n, m);
      D2.data.set(D.data);
      fusedActivationBackward(D, Z, A, f);
      fusedActivationBackwardReference(D2, Z2, A2, f);
      assertClose(D.data, D2.data, 1e-12, `${f} Δ⊙f'`);
    }
  }
  const Z = zeros(2, 3),
    A = zeros(2, 3);
  assert.throws(
    () => fusedBiasActivation(Z, [1, 2], "relu", A),
    (e: Error) => e instanceof ShapeError && /Z is 2×3 but b has 2 entries/.test(e.message),
  );
  assert.throws(() => fusedBiasActivation(Z, null, "relu", zeros(3, 2)), /Z is 2×3 but A is 3×2/);
  assert.throws(() => fusedBiasActivation(Z, null, "softsign" as FusedActivation, A), /unknown activation "softsign"/);
});

test("fused bias gradient and scaled L2 finish match their formulas", () => {
  const r = rng(5);
  const D = randMatrix(r, 9, 4),
    gb = zeros(1, 4);
  fusedBiasGradient(D, 1 / 9, gb);
  for (let j = 0; j < 4; j++) {
    let s = 0;
    for (let i = 0; i < 9; i++) s += D.get(i, j);
    assert.ok(Math.abs(gb.data[j] - s / 9) < 1e-14);
  }
  assert.throws(() => fusedBiasGradient(D, 1, zeros(1, 5)), /Δ is 9×4 so g_b must be 1×4, got 1×5/);
});

test("fused softmax + cross-entropy + gradient equals softmax, −ln p_y and P − Y computed separately", () => {
  const r = rng(11);
  for (const [n, K] of [
    [1, 2],
    [17, 10],
    [4, 3],
  ]) {
    const Z = randMatrix(r, n, K);
    Z.data[0] = 800; // would overflow exp without the max shift
    const y = Int32Array.from({ length: n }, () => r.int(K));
    const P = zeros(n, K),
      D = zeros(n, K),
      P2 = zeros(n, K),
      D2 = zeros(n, K);
    const L = fusedSoftmaxCrossEntropy(Z, y, P, D, 1 / n);
    const L2 = fusedSoftmaxCrossEntropyReference(Z, y, P2, D2, 1 / n);
    assert.ok(Number.isFinite(L) && Math.abs(L - L2) <= 1e-12 * (1 + Math.abs(L2)), `loss ${L} vs ${L2}`);
    assertClose(P.data, P2.data, 1e-12, "P");
    assertClose(D.data, D2.data, 1e-12, "Δ");
    for (let i = 0; i < n; i++) {
      let s = 0,
        sd = 0;
      for (let k = 0; k < K; k++) {
        s += P.get(i, k);
        sd += D.get(i, k);
      }
      assert.ok(Math.abs(s - 1) < 1e-12 && Math.abs(sd) < 1e-12, "rows of P sum to 1, rows of Δ to 0");
    }
    assert.equal(fusedSoftmaxCrossEntropy(Z, y, null, null), L * 1, "loss alone");
  }
  assert.throws(() => fusedSoftmaxCrossEntropy(zeros(2, 3), [0, 3], null, null), /label y\[1\] = 3 is not a class 0…2/);
  assert.throws(() => fusedSoftmaxCrossEntropy(zeros(2, 3), [0], null, null), /Z is 2×3 .* but y has 1 labels/);
});

test("softmax + cross-entropy on resident float32 buffers (the wasm loop) gives the JavaScript loop's numbers", () => {
  const e = defaultGemmKernel().engine;
  if (!e) return;
  const r = rng(12);
  for (const [n, K, s] of [
    [1, 2, 1],
    [128, 10, 1],
    [10, 10, 0.1],
    [33, 7, 1 / 33],
  ]) {
    const mk = (): Matrix => new Matrix(n, K, e.alloc(n * K) as Float32Array);
    const Z = mk(),
      P = mk(),
      D = mk();
    for (let i = 0; i < n * K; i++) Z.data[i] = 3 * r.normal();
    Z.data[0] = 90; // exp would overflow float32 without the max shift
    const y = Uint8Array.from({ length: n }, () => r.int(K));
    const Zj = new Matrix(n, K, Float32Array.from(Z.data)),
      Pj = zeros(n, K, "float32"),
      Dj = zeros(n, K, "float32");
    const L = fusedSoftmaxCrossEntropy(Z, y, P, D, s); // resident: wasm
    const Lj = fusedSoftmaxCrossEntropy(Zj, y, Pj, Dj, s); // ordinary arrays: JavaScript
    assert.ok(Math.abs(L - Lj) <= 1e-13 * Math.abs(Lj), `${n}×${K}: loss ${L} vs ${Lj}`);
    for (let i = 0; i < n * K; i++) {
      assert.ok(
        Math.abs(P.data[i] - Pj.data[i]) <= 1e-7 * Math.abs(Pj.data[i]) + 1e-30,
        `${n}×${K}: P[${i}] ${P.data[i]} vs ${Pj.data[i]}`,
      );
      assert.ok(
        Math.abs(D.data[i] - Dj.data[i]) <= 1e-7 * Math.abs(Dj.data[i]) + 1e-30,
        `${n}×${K}: Δ[${i}] ${D.data[i]} vs ${Dj.data[i]}`,
      );
    }
    assert.equal(fusedSoftmaxCrossEntropy(Z, y, null, null), L, "the loss alone, without P and Δ");
    for (const M of [Z, P, D]) e.free(M.data as Float32Array);
  }
});

test("fused optimiser updates equal their references (SGD, RMSprop)", () => {
  const r = rng(13);
  for (const len of [1, 7, 1000]) {
    const th = randMatrix(r, 1, len, "float32").data as Float32Array,
      g = randMatrix(r, 1, len, "float32").data;
    const t1 = th.slice(),
      t2 = th.slice();
    fusedSgdStep(t1, g, 0.3);
    fusedSgdStepReference(t2, g, 0.3);
    assertClose(t1, t2, 1e-6, "sgd");
    const r1 = new Float32Array(len).fill(0.5),
      r2 = r1.slice(),
      u1 = th.slice(),
      u2 = th.slice();
    fusedRmspropStep(u1, g, r1, 0.01, 0.9, 1e-8);
    fusedRmspropStepReference(u2, g, r2, 0.01, 0.9, 1e-8);
    assertClose(r1, r2, 1e-6, "rmsprop r");
    assertClose(u1, u2, 1e-6, "rmsprop θ");
  }
  for (const len of [0, 1, 5, 1001]) {
    const v = randMatrix(r, 1, len).data;
    let want = 0;
    for (let i = 0; i < len; i++) want += v[i] ** 2;
    assert.ok(Math.abs(fusedSumOfSquares(v) - want) <= 1e-12 * (1 + want), `sum of squares, length ${len}`);
  }
  assert.throws(() => fusedSgdStep(new Float32Array(3), new Float32Array(2), 0.1), /θ has 3 entries but g has 2/);
  assert.throws(
    () => fusedSgdStep(new Float32Array(3), new Float32Array(3), NaN),
    /η must be a finite number, got NaN/,
  );
  assert.throws(
    () => fusedRmspropStep(new Float32Array(3), new Float32Array(3), new Float32Array(4), 0.1, 0.9, 1e-8),
    /r has 4/,
  );
});

test("the notes' RMSprop on resident arrays (‖g‖² and the SGD kernel in wasm): exactly the plain loop's numbers", () => {
  const e = defaultGemmKernel().engine;
  if (!e) return;
  const len = 100_003; // long enough to be cut into pieces for the threads
  const th = e.alloc(len),
    g = e.alloc(len);
  assert.ok(th && g, "resident arrays");
  const r = rng(21);
  for (let i = 0; i < len; i++) {
    th[i] = r.normal();
    g[i] = 0.1 * r.normal();
  }
  const plain = th.slice();
  const options = { eta: 0.5, gamma: 0.99, eps: 1e-3 };
  const fast = rmspropNotes(options),
    slow = rmspropNotes({ ...options, fast: false });
  fast.step([{ name: "θ", value: new Matrix(1, len, th), grad: new Matrix(1, len, g) }]);
  slow.step([{ name: "θ", value: new Matrix(1, len, plain), grad: new Matrix(1, len, g.slice()) }]);
  let n2 = 0;
  for (let i = 0; i < len; i++) n2 += g[i] * g[i];
  const G = fast.groups()[0].G;
  assert.ok(Math.abs(G - (0.99 + 0.01 * n2)) <= 1e-12 * G, `G = ${G}`);
  assert.ok(Math.abs(G - slow.groups()[0].G) <= 1e-12 * G, `G = ${G} vs the plain loop's ${slow.groups()[0].G}`);
  for (let i = 0; i < len; i++)
    if (th[i] !== plain[i]) assert.fail(`θ[${i}] = ${th[i]}, the plain loop gives ${plain[i]}`);
  assert.ok(
    th.some((v, i) => v !== g[i] && v !== 0),
    "θ holds numbers",
  );
  e.free(th);
  e.free(g);
});

test("BatchLoader: prefetched batches (on a worker when the data is resident) equal the reference gather, in every order of calls", () => {
  const e = defaultGemmKernel().engine;
  const r = rng(19);
  const n = 1000,
    d = 37,
    B = 64;
  const plain = randMatrix(r, n, d, "float32");
  const resident = residentCopy(plain);
  if (e) assert.ok(e.residentPtr(resident.data) >= 0, "residentCopy lives in the wasm memory");
  const y = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
  for (const X of [resident, plain]) {
    const loader = new BatchLoader(X, y, B);
    const order = r.permutation(n);
    const Xw = zeros(B, d, "float32"),
      yw = new Uint8Array(B);
    const check = (got: { X: Matrix; y: ArrayLike<number> }, start: number, count: number, what: string) => {
      const want = gatherBatchReference(X, y, order, start, count, Xw, yw);
      assert.equal(got.X.rows, count, what);
      assert.deepEqual(Array.from(got.X.data), Array.from(want.X.data), `${what}: rows`);
      assert.deepEqual(Array.from(got.y), Array.from(want.y), `${what}: labels`);
    };
    // the training loop's pattern: batch, prefetch the next, (step), batch — up to the short last one
    for (let s = 0; s < n; s += B) {
      const count = Math.min(B, n - s);
      const got = loader.batch(order, s, count);
      if (s + B < n) loader.prefetch(order, s + B, Math.min(B, n - s - B));
      check(got, s, count, `batch at ${s}`); // still intact while the next one is gathered
    }
    // a prefetched batch that is not the one asked for is skipped; prefetching nothing is allowed
    loader.prefetch(order, 0, B);
    check(loader.batch(order, B, B), B, B, "another batch than the prefetched one");
    loader.prefetch(order, n, 0);
    check(loader.batch(order, 2 * B, B), 2 * B, B, "after an empty prefetch");
    loader.prefetch(order, 3 * B, B);
    loader.finish();
    check(loader.batch(order, 5, 7), 5, 7, "after finish");
    assert.throws(() => loader.prefetch([0, 1, n], 0, 3), /order\[2\] = 1000 is not a row of X \(0…999\)/);
    assert.throws(() => loader.prefetch(order, n - 2, 3), /rows 998…1000 are outside the order of length 1000/);
  }
  assert.throws(() => new BatchLoader(plain, y.subarray(1), B), /X is 1000×37 but y has 999 labels/);
  assert.throws(() => new BatchLoader(plain, y, 0), /batch size must be a whole number ≥ 1, got 0/);
});

test("a background gather on the worker thread copies the rows; without a worker it is refused and nothing runs", () => {
  if (!detectWasmFeatures().simd) return;
  for (const threads of [2, 1]) {
    const e = new WasmGemm("simd", threads);
    try {
      assert.equal(e.waitReady(), threads);
      const d = 50,
        n = 300,
        count = 200; // 13 chunks of 16 rows
      const src = e.alloc(n * d)!,
        dst = e.alloc(count * d)!;
      for (let i = 0; i < src.length; i++) src[i] = i;
      const order = Array.from({ length: count + 5 }, (_, i) => (i * 37) % n);
      const started = e.gatherRowsAsync(src, d, order, 5, count, dst);
      assert.equal(started, threads > 1, `${threads} thread(s): started in the background`);
      // products posted meanwhile: the worker takes their jobs between chunks of the gather
      const r = rng(23);
      const a = randomArray(r, 300 * 200, 0) as Float32Array,
        b = randomArray(r, 200 * 64, 0) as Float32Array,
        c = new Float32Array(300 * 64);
      assert.ok(e.gemm("NN", 300, 64, 200, a, b, c));
      assertProductClose("NN", 300, 64, 200, a, b, c, 2e-6, "a product during a background gather");
      e.gatherRowsWait();
      if (started)
        for (let r = 0; r < count; r++)
          for (let j = 0; j < d; j++) assert.equal(dst[r * d + j], order[5 + r] * d + j, `row ${r}`);
      assert.equal(
        e.gatherRowsAsync(new Float32Array(n * d), d, order, 0, 20, dst),
        false,
        "a source outside the wasm memory",
      );
      // a gather nobody waits for is finished before the next one starts
      if (started) {
        e.gatherRowsAsync(src, d, order, 0, 20, dst);
        assert.ok(e.gatherRowsAsync(src, d, order, 20, 20, dst));
        e.gatherRowsWait();
        for (let r = 0; r < 20; r++) assert.equal(dst[r * d], order[20 + r] * d);
      }
    } finally {
      e.close();
    }
  }
});

test("BatchLoader.batch fills its preallocated buffers exactly like the element-by-element reference", () => {
  const r = rng(17);
  const X = randMatrix(r, 50, 6, "float32"),
    y = Uint8Array.from({ length: 50 }, (_, i) => i % 10);
  const order = r.permutation(50);
  const loader = new BatchLoader(X, y, 16);
  const Xb2 = zeros(16, 6, "float32"),
    yb2 = new Uint8Array(16);
  for (let s = 0; s < 50; s += 16) {
    const count = Math.min(16, 50 - s);
    const got = loader.batch(order, s, count);
    const want = gatherBatchReference(X, y, order, s, count, Xb2, yb2);
    assert.equal(got.X.rows, count);
    assert.deepEqual(Array.from(got.X.data), Array.from(want.X.data));
    assert.deepEqual(Array.from(got.y), Array.from(want.y));
  }
  const first = loader.batch(order, 0, 16).X.data,
    second = loader.batch(order, 16, 16).X.data;
  assert.ok(
    first.buffer === second.buffer && first.byteOffset === second.byteOffset,
    "the same buffer again, no allocation per batch",
  );
  assert.throws(() => loader.batch(order, 40, 11), /rows 40…50 are outside the order of length 50/);
  assert.throws(() => loader.batch([0, 99], 0, 2), /order\[1\] = 99 is not a row of X \(0…49\)/);
  assert.throws(() => loader.batch(order, 0, 17), /a batch of 17 does not fit/);
});

test("products fused with bias + ReLU and with the ReLU mask equal matmul followed by the loops", () => {
  const r = rng(23);
  for (const dtype of ["float32", "float64"] as const) {
    for (const [n, d, m] of [
      [1, 1, 1],
      [7, 13, 5],
      [129, 300, 33],
      [64, 784, 40],
    ]) {
      const A = randMatrix(r, n, d, dtype),
        W = randMatrix(r, m, d, dtype),
        b = randMatrix(r, 1, m, dtype);
      for (let i = 0; i < A.data.length; i++) if (r.uniform() < 0.8) A.data[i] = 0; // sparse, like pixels
      for (const act of ["relu", "identity"] as const) {
        for (const bias of [b, null]) {
          const got = linearForward(A, W, bias, act);
          const want = linearForwardReference(A, W, bias, act);
          assertClose(
            got.data,
            want.data,
            dtype === "float32" ? 1e-4 : 1e-12,
            `linearForward ${dtype} ${n}×${d}·(${m}×${d})ᵀ ${act} bias=${!!bias}`,
          );
        }
      }
      const H = linearForward(A, W, b, "relu"); // n×m, about half zeros
      const D = randMatrix(r, n, 6, dtype),
        W2 = randMatrix(r, 6, m, dtype);
      const got = reluBackwardProduct(D, W2, H);
      const want = reluBackwardProductReference(D, W2, H);
      assertClose(got.data, want.data, dtype === "float32" ? 1e-4 : 1e-12, `reluBackwardProduct ${dtype} ${n}×${m}`);
      for (let i = 0; i < H.data.length; i++) if (H.data[i] === 0) assert.equal(got.data[i], 0, "masked where A = 0");
      for (const alpha of [0, 0.01]) {
        const G = weightGradient(got, A, 1 / n, alpha, randMatrix(r, m, d, dtype));
        const Wr = randMatrix(r, m, d, dtype);
        assertClose(
          weightGradient(got, A, 1 / n, alpha, Wr).data,
          weightGradientReference(got, A, 1 / n, alpha, Wr).data,
          dtype === "float32" ? 1e-4 : 1e-12,
          `weightGradient ${dtype} α=${alpha}`,
        );
        assert.equal(G.rows, m);
      }
    }
  }
  const A = zeros(2, 3, "float32"),
    W = zeros(4, 3, "float32");
  assert.throws(
    () => linearForward(A, zeros(4, 2, "float32"), null, "relu"),
    /A is 2×3 and W is 4×2 \(A.cols must equal W.cols\)/,
  );
  assert.throws(() => linearForward(A, W, zeros(1, 3, "float32"), "relu"), /W is 4×3 so b must be 1×4, got 1×3/);
  assert.throws(
    () => reluBackwardProduct(zeros(2, 4, "float32"), W, zeros(2, 2, "float32")),
    /Δ·W is 2×3 but A is 2×2/,
  );
  assert.throws(() => weightGradient(zeros(2, 4, "float32"), zeros(3, 3, "float32"), 1, 0, W), /Δ is 2×4 and A is 3×3/);
});
