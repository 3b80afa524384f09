// The hooks the core defines and the engine plugs into: the gemm backend registry, the float32
// allocator and the per-model fast paths. The readable code runs without the engine; with it, every
// hook is taken, and switching a hook off gives the readable code's numbers back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { installEngine } from "../src/engine/index";
import { allocFloat32, allocMatrix, float32AllocatorName, setFloat32Allocator } from "../src/core/alloc";
import { registeredFastPaths, registerFastPath } from "../src/core/fastPath";
import { gemmBackendName, setGemmBackend } from "../src/core/gemm";
import { maxAbsDiff, randn } from "../src/core/matrix";
import { rng } from "../src/core/random";
import { MLP } from "../src/models/mlp";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { defaultGemmKernel } from "../src/engine/wasmGemm";
import { fusedMlp } from "../src/engine/fusedMlp";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeFlags } = require("../scripts/setup/nodeFlags") as { nodeFlags: () => string[] };

const root = path.resolve(__dirname, "..");

test("the course code without the engine: reference products, plain arrays, no fast path, no engine module loaded", () => {
  const script = `
    const { MLP } = require("./src/models/mlp");
    const { SoftmaxRegression } = require("./src/models/softmaxRegression");
    require("./src/data/mnist"); require("./src/calculus/gradcheck");
    const { gemmBackendName } = require("./src/core/gemm");
    const { float32AllocatorName } = require("./src/core/alloc");
    const { registeredFastPaths } = require("./src/core/fastPath");
    const net = new MLP({ sizes: [3, 4, 2], activations: ["relu"], init: "zeros" });
    const engine = Object.keys(require.cache).filter((f) => f.includes("/src/engine/"));
    console.log(JSON.stringify({ backend: gemmBackendName(), alloc: float32AllocatorName(), paths: registeredFastPaths(), fused: net.usesFastPath,
      sr: new SoftmaxRegression({ inputs: 3, classes: 2 }).usesFastPath, engine }));
  `;
  const res = spawnSync(process.execPath, [...nodeFlags(), "--import", "tsx", "-e", script], {
    cwd: root,
    encoding: "utf8",
    timeout: 60000,
  });
  assert.equal(res.status, 0, `child failed: ${res.stderr}`);
  const out = JSON.parse(res.stdout.trim());
  assert.deepEqual(out, { backend: "reference", alloc: "plain", paths: [], fused: false, sr: false, engine: [] });
});

test("with the engine on, every hook is taken: fast products, its allocator, the models' and the bias-unit step's fast paths", () => {
  installEngine();
  assert.notEqual(gemmBackendName(), "reference");
  assert.deepEqual(registeredFastPaths().sort(), ["BiasUnitSgd", "MLP", "SoftmaxRegression"]);
  assert.equal(float32AllocatorName(), "wasm-resident");
  const e = defaultGemmKernel().engine;
  if (e)
    assert.ok(
      e.residentPtr(allocFloat32(100, "parameters")) > 0,
      "a float32 array from the hook lives where the engine's kernels read it",
    );
  assert.equal(allocMatrix(2, 3, "float64", "parameters").data instanceof Float64Array, true);
});

test("switching hooks off gives the readable code and ordinary arrays; a registered fast path gives the same numbers", () => {
  installEngine();
  const r = rng(21);
  const X = randn(9, 6, r, 1, "float32");
  const y = [0, 1, 2, 1, 0, 2, 2, 1, 0];
  const make = () =>
    new MLP({ sizes: [6, 5, 3], activations: ["relu"], l2: 0.01, init: "he", biasInit: "normal", rng: rng(4) });
  const fast = make();
  assert.ok(fast.usesFastPath);
  const Lf = fast.lossAndGradient(X, y);
  registerFastPath(MLP, null);
  setFloat32Allocator(null);
  try {
    const slow = make();
    assert.equal(slow.usesFastPath, false, "no fast path registered: the readable code runs");
    if (defaultGemmKernel().engine)
      assert.equal(
        defaultGemmKernel().engine!.residentPtr(slow.params[0].value.data),
        -1,
        "no allocator: ordinary arrays",
      );
    const Ls = slow.lossAndGradient(X, y);
    assert.ok(Math.abs(Lf - Ls) <= 1e-5 * Math.abs(Ls), `loss ${Lf} vs ${Ls}`);
    fast.params.forEach((p, i) => assert.ok(maxAbsDiff(p.grad, slow.params[i].grad) < 1e-5, p.name));
    // the MLP's own fast path registered again
    registerFastPath(MLP, fusedMlp);
    assert.ok(slow.usesFastPath);
    assert.ok(Math.abs(slow.lossAndGradient(X, y) - Ls) <= 1e-5 * Math.abs(Ls));
  } finally {
    installEngine();
  }
  assert.ok(new SoftmaxRegression({ inputs: 6, classes: 3 }).usesFastPath);
  setGemmBackend(null);
  assert.equal(gemmBackendName(), "reference");
  installEngine();
});
