/**
 * `npm run bench`: how fast Descent's products and training steps are, against the plain reference
 * kernel and against numpy, measured in the same run on the same machine and the same MNIST data.
 *
 *   npm run bench                 table
 *   npm run bench -- --json       one JSON object (entries by name, plus machine and numpy info)
 *   options: --reps N (default 5), --no-numpy, --threads N (sets DESCENT_THREADS before loading),
 *            --only name1,name2 (run only these entries; names alone work too: `npm run bench -- grade_class`),
 *            --students N, --homework 01,03 (grade_class: synthetic students per homework, default 4; which
 *            homework, default all 7)
 *
 * Every entry: median milliseconds over several runs (`ms`), GFLOPS where it applies, `reference_ms`
 * (the same work on the plain TypeScript reference product kernel — extrapolated from a slice where a
 * full run would take minutes; `reference_note` says so), `speedup_vs_reference`, and numpy's
 * `numpy_ms` / `numpy_gflops` and `ratio_to_numpy` (ours ÷ numpy: < 1 means faster than numpy).
 *
 * numpy: the first of $DESCENT_PYTHON, /usr/bin/python3 (Debian's python3-numpy: `bash scripts/setup/setup.sh
 * --for-bench` installs it) and python3 on PATH that imports numpy.
 *
 * numpy runs in one Python process for the whole bench (bench/numpy_bench.py --serve), and its runs
 * alternate with ours, entry by entry (a round of ours, a round of numpy's, …): the load of a shared
 * machine changes from minute to minute, and alternating makes both sides see the same load.
 */
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
if (args.includes("--threads")) process.env.DESCENT_THREADS = String(opt("--threads", 2));

// Loaded after DESCENT_THREADS is set.
/* eslint-disable @typescript-eslint/no-require-imports */
const engineMod = require("../src/engine/index") as typeof import("../src/engine/index"); // switches the engine on
const gemmMod = require("../src/core/gemm") as typeof import("../src/core/gemm");
const wasm = require("../src/engine/wasmGemm") as typeof import("../src/engine/wasmGemm");
require("../src/engine/index"); // the engine registers its update kernels and batch loader (as in the notebooks)
const M = require("../src/core/matrix") as typeof import("../src/core/matrix");
const { MLP } = require("../src/models/mlp") as typeof import("../src/models/mlp");
const { residentCopy } = require("../src/engine/resident") as typeof import("../src/engine/resident");
const { SoftmaxRegression } =
  require("../src/models/softmaxRegression") as typeof import("../src/models/softmaxRegression");
const opts = require("../src/optim/index") as typeof import("../src/optim/index");
const { rng } = require("../src/core/random") as typeof import("../src/core/random");
const { loadMnist, mnistDataDir } = require("../src/data/mnist") as typeof import("../src/data/mnist");
const { BatchLoader } = require("../src/engine/gatherBatch") as typeof import("../src/engine/gatherBatch");
const { fusedSgdStep } = require("../src/engine/fusedUpdates") as typeof import("../src/engine/fusedUpdates");
const { kernelFirstImport } = require("./kernelStart") as typeof import("./kernelStart");
const biasUnit = require("../src/chapters/biasUnitNetwork") as typeof import("../src/chapters/biasUnitNetwork");
const { registerFastPath } = require("../src/core/fastPath") as typeof import("../src/core/fastPath");
type Matrix = import("../src/core/matrix").Matrix;
type Param = import("../src/core/model").Param;

const REPS = opt("--reps", 5);
// Entry names given as arguments (`npm run bench -- grade_class`) are the same as --only.
const named = args.filter((a, i) => /^[a-z][a-z0-9_]+$/.test(a) && args[i - 1] !== "--only");
const ONLY = args.includes("--only")
  ? [...args[args.indexOf("--only") + 1].split(","), ...named]
  : named.length
    ? named
    : null;
/** Whether an entry runs (all, or those named by --only). */
const wanted = (name: string) => ONLY === null || ONLY.includes(name);
const JSON_OUT = flag("--json");
const log = (s: string) => {
  if (!JSON_OUT) console.log(s);
  else process.stderr.write(s + "\n");
};

const median = (ts: number[]) => ts.slice().sort((a, b) => a - b)[ts.length >> 1];
function medianMs(fn: () => void, reps: number): number {
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

interface Entry {
  ms: number;
  gflops?: number;
  reference_ms?: number;
  reference_note?: string;
  speedup_vs_reference?: number;
  numpy_ms?: number;
  numpy_gflops?: number;
  ratio_to_numpy?: number;
  kernel?: string;
  note?: string;
  /** model-level entries: the model's readable code (fast: false) on the fast products, and the same model on the engine's fast path (fused kernels) */
  model_ms?: number;
  fused_ms?: number;
  /** grade_class (bench/gradeClass.ts): wall-clock seconds per graded notebook, and 300 students × 7 homework */
  seconds_per_notebook?: number;
  projected_hours_300x7?: number;
  before_seconds_per_notebook?: number;
  before_projected_hours_300x7?: number;
  speedup?: number;
  notebooks?: number;
  /** grade_class: marks that are not what the synthetic kinds should get (the bench then fails) */
  unexpected?: string[];
}
const entries: Record<string, Entry> = {};

// ---------------------------------------------------------------- set-up
const fast = wasm.defaultGemmKernel();
const threads = fast.engine ? fast.engine.waitReady() : 1;
const backend = gemmMod.gemmBackendName();
log(`Descent bench — ${os.cpus()[0]?.model ?? "cpu"} (${os.cpus().length} cores), node ${process.version}`);
log(
  `products: ${backend} (${threads} thread${threads > 1 ? "s" : ""} ready); paths available: ${wasm.gemmPaths().join(", ")}`,
);
const dir = mnistDataDir();
const mnist = loadMnist({ dtype: "float32" });
// X: the pixels as loadMnist keeps them (bytes, a PixelMatrix), for the entries that gather mini-batches as
// train() does; XF: a float32 copy in the wasm memory, for the products and the full-batch steps
const X = mnist.train.X;
const XF = residentCopy(M.copy(X));
const y = mnist.train.y;
log(
  `data: MNIST train ${X.shape} as bytes (${X.toString()}) from ${dir}; float32 copy${fast.engine && fast.engine.residentPtr(XF.data) >= 0 ? " (in the wasm memory)" : ""}; ${(100 * nonzeroFraction(XF.data)).toFixed(1)}% of pixels are nonzero`,
);

function nonzeroFraction(a: Float32Array | Float64Array): number {
  let nz = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) nz++;
  return nz / a.length;
}

const r = rng(1127);
const W = M.randn(784, 256, r, 0.1, "float32");
const D = M.randn(60000, 256, r, 1, "float32");
const W1 = M.randn(256, 784, r, 0.1, "float32");
const Xb = new M.Matrix(128, 784, XF.data.slice(0, 128 * 784));

/**
 * Time a product with the fast kernel, the fast kernel without its sparse path, and the reference on a
 * slice. With `resident`, A and B are first copied into the wasm memory, where the models keep their
 * operands (a mini-batch buffer, the weights); the time with the ordinary arrays copied in at every
 * call is reported beside it.
 */
async function product(
  name: string,
  op: "NN" | "TN" | "NT",
  A: Matrix,
  B: Matrix,
  m: number,
  n: number,
  k: number,
  refSlice: (A: Matrix) => [Matrix, number],
  resident = false,
) {
  const C = M.zeros(m, n, "float32");
  const [Ar, Br] = resident ? [residentCopy(A), residentCopy(B)] : [A, B];
  const call = () => gemmMod.gemm(op, m, n, k, Ar.data, Br.data, C.data);
  call();
  const reps = m * n * k > 1e8 ? REPS : Math.max(REPS, 200);
  const [ms] = await alternate(name, [call], reps);
  const kernel = fast.engine ? fast.engine.lastKernel : fast.path;
  const flops = 2 * m * n * k;
  let denseMs: number | undefined;
  if (fast.engine) {
    fast.engine.sparse = false;
    denseMs = medianMs(call, reps);
    fast.engine.sparse = process.env.DESCENT_SPARSE !== "0";
  }
  const copiedMs = resident ? medianMs(() => gemmMod.gemm(op, m, n, k, A.data, B.data, C.data), reps) : undefined;
  // reference: on a slice of the rows of the big operand, scaled up
  const [As, frac] = refSlice(A);
  const [ms2, ns2, ks2] = op === "TN" ? [m, n, As.rows] : [As.rows, n, k];
  const Cs = M.zeros(ms2, ns2, "float32");
  const refMs =
    medianMs(
      () =>
        gemmMod.gemmReference(op, ms2, ns2, ks2, As.data, op === "TN" ? B.data.subarray(0, ks2 * n) : B.data, Cs.data),
      frac < 1 ? 1 : 3,
    ) / frac;
  entries[name] = {
    ms,
    gflops: flops / ms / 1e6,
    reference_ms: refMs,
    speedup_vs_reference: refMs / ms,
    kernel,
    reference_note:
      frac < 1 ? `reference measured on ${(frac * 100).toFixed(0)}% of the rows and scaled up` : undefined,
    note:
      [
        resident
          ? `operands in the wasm memory, as the models keep them; ordinary arrays copied in at every call: ${copiedMs!.toFixed(2)} ms`
          : "",
        denseMs !== undefined
          ? `dense kernel alone (sparse path off): ${denseMs.toFixed(1)} ms = ${(flops / denseMs / 1e6).toFixed(1)} GFLOPS`
          : "",
      ]
        .filter(Boolean)
        .join("; ") || undefined,
  };
  log(`  ${name}: ${ms.toFixed(2)} ms`);
}

// ---------------------------------------------------------------- numpy, alternating with ours
let numpyReason = "";
let numpyVersion = "";
const numpyResults: Record<string, number> = {};

/** bench/numpy_bench.py --serve: one Python process that runs an entry on request and answers with its times. */
class NumpyServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffered = "";
  private readonly lines: string[] = [];
  private wake: (() => void) | null = null;
  private stderr = "";
  private exited = false;

  constructor(python: string) {
    this.child = spawn(python, [path.join(__dirname, "numpy_bench.py"), dir, "--serve"], { stdio: "pipe" });
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk: string) => {
      this.buffered += chunk;
      let nl;
      while ((nl = this.buffered.indexOf("\n")) >= 0) {
        this.lines.push(this.buffered.slice(0, nl));
        this.buffered = this.buffered.slice(nl + 1);
      }
      this.wake?.();
    });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on("exit", () => {
      this.exited = true;
      this.wake?.();
    });
  }

  private async nextLine(): Promise<string> {
    while (this.lines.length === 0) {
      if (this.exited) throw new Error(this.stderr.trim().split("\n").pop() || "numpy_bench.py exited");
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return this.lines.shift() as string;
  }

  /** Waits for "ready <version>"; returns the numpy version. */
  async ready(): Promise<string> {
    const line = await this.nextLine();
    if (!line.startsWith("ready ")) throw new Error(`unexpected answer ${JSON.stringify(line)}`);
    return line.slice(6);
  }

  /** numpy's milliseconds for `count` runs of an entry. */
  async run(name: string, count: number): Promise<number[]> {
    this.child.stdin.write(`${name} ${count}\n`);
    const out = JSON.parse(await this.nextLine()) as { entry: string; ms: number[] };
    if (out.entry !== name || out.ms.length !== count)
      throw new Error(`numpy answered ${JSON.stringify(out).slice(0, 100)} for ${name}`);
    return out.ms;
  }

  close(): void {
    if (!this.exited) this.child.stdin.end("quit\n");
  }
}

let numpyServer: NumpyServer | null = null;

/** The first of $DESCENT_PYTHON, /usr/bin/python3, python3 that imports numpy, or null. */
function pythonWithNumpy(): string | null {
  for (const py of [process.env.DESCENT_PYTHON, "/usr/bin/python3", "python3"]) {
    if (py && spawnSync(py, ["-c", "import numpy"], { stdio: "ignore" }).status === 0) return py;
  }
  return null;
}
async function startNumpy(): Promise<void> {
  if (flag("--no-numpy")) numpyReason = "--no-numpy";
  const python = numpyReason ? null : pythonWithNumpy();
  if (!numpyReason && !python)
    numpyReason =
      "no Python with numpy found ($DESCENT_PYTHON, /usr/bin/python3, python3): bash scripts/setup/setup.sh --for-bench (Debian's python3-numpy)";
  if (numpyReason || !python) return;
  const server = new NumpyServer(python);
  try {
    numpyVersion = await server.ready();
    numpyServer = server;
  } catch (err) {
    numpyReason = `numpy did not start: ${(err as Error).message} (apt-get install -y python3-numpy?)`;
    server.close();
  }
}

/** Rounds of alternation per entry. */
const ROUNDS = 5;
/**
 * Median milliseconds of each of our ways to do an entry's work and of numpy's, over `runs` runs each,
 * alternating in rounds: in each round every way of ours runs runs/rounds times, then numpy's the same.
 * Every way has run once (warm-up) before. numpy's median lands in numpyResults.
 */
async function alternate(name: string, ours: (() => void)[], runs: number, numpyWarmup = true): Promise<number[]> {
  const rounds = Math.min(ROUNDS, runs);
  const per = Math.ceil(runs / rounds);
  const times: number[][] = ours.map(() => []);
  const theirs: number[] = [];
  if (numpyServer && numpyWarmup) await numpyServer.run(name, 1); // numpy's warm-up
  for (let round = 0; round < rounds; round++) {
    ours.forEach((fn, w) => {
      for (let r = 0; r < per; r++) {
        const t0 = performance.now();
        fn();
        times[w].push(performance.now() - t0);
      }
    });
    if (numpyServer) {
      try {
        theirs.push(...(await numpyServer.run(name, per)));
      } catch (err) {
        numpyReason = `numpy run failed: ${(err as Error).message}`;
        numpyServer.close();
        numpyServer = null;
      }
    }
  }
  if (numpyServer && theirs.length > 0) {
    numpyResults[name] = median(theirs);
    log(`  numpy ${name}: ${numpyResults[name].toFixed(2)} ms`);
  }
  return times.map(median);
}

/**
 * One epoch of the homework's (seed 003) per-example SGD: 50,000 steps of the 784-200-10 ReLU network
 * with bias units (src/chapters/biasUnitNetwork.ts, biasUnitSgdStep), each on an image drawn at random
 * from the first 50,000, data centred (the homework's preprocessing), γ = 10⁻³. Ours runs with the
 * engine's fast path (one wasm SIMD call per step, float32); the reference is the readable step (the
 * formulas of biasUnitBackprop and the update, fast path off) on 2,000 steps, scaled up; numpy runs the homework's own loop (float64, as written).
 */
async function perExampleEntry(): Promise<void> {
  const n = 50000,
    d = 784,
    STEPS = 50000;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let l = 0; l < d; l++) mean[l] += XF.data[i * d + l] / n;
  const Xc = M.zeros(n, d, "float32");
  for (let i = 0; i < n; i++) for (let l = 0; l < d; l++) Xc.data[i * d + l] = XF.data[i * d + l] - mean[l];
  const epochOf = (steps: number) => () => {
    const { net } = biasUnit.biasUnitInit({
      nIn: 784,
      nHid: 200,
      nOut: 10,
      rng: rng(1),
      scale: "homework",
      dtype: "float32",
    });
    const r = rng(2);
    for (let s = 0; s < steps; s++) {
      const i = r.int(n);
      biasUnit.biasUnitSgdStep(net, Xc.data.subarray(i * d, (i + 1) * d), y[i], 1e-3);
    }
  };
  const fastImpl = biasUnit.BiasUnitSgd.fastPath.impl;
  if (!fastImpl) throw new Error("bench: the engine registered no fast path for biasUnitSgdStep");
  epochOf(2000)(); // warm-up
  const [ms] = await alternate(
    "sgd_per_example_784_200_10",
    [epochOf(STEPS)],
    Math.max(1, Math.floor(REPS / 3)),
    false,
  );
  registerFastPath(biasUnit.BiasUnitSgd, null);
  const REF = 2000;
  const refMs = medianMs(epochOf(REF), 1) * (STEPS / REF);
  registerFastPath(biasUnit.BiasUnitSgd, fastImpl);
  entries["sgd_per_example_784_200_10"] = {
    ms,
    reference_ms: refMs,
    speedup_vs_reference: refMs / ms,
    gflops: (STEPS * 2 * (200 * 785 * 2 + 10 * 201 * 3)) / ms / 1e6,
    reference_note: `reference: the readable step of src/chapters/biasUnitNetwork.ts (the formulas, fast path off) on ${REF} steps, scaled up`,
    kernel: "the engine's per-example step (one wasm SIMD call: forward, δ², δ¹, both outer-product updates; float32)",
    note: "one epoch of the homework's per-example SGD: 50,000 steps of 784-200-10 ReLU with bias units, centred data, γ = 1e-3; numpy runs the homework's own loop (float64, np.outer, np.append), no evaluation on either side; GFLOPS counts every V update as dense",
  };
  log(`  sgd_per_example_784_200_10: ${ms.toFixed(0)} ms`);
}

async function main(): Promise<void> {
  await startNumpy();
  log("products …");
  const rowsOf = (A: Matrix, rows: number): [Matrix, number] => [
    new M.Matrix(rows, A.cols, A.data.subarray(0, rows * A.cols)),
    rows / A.rows,
  ];
  if (wanted("gemm_60000x784x256"))
    await product("gemm_60000x784x256", "NN", XF, W, 60000, 256, 784, (A) => rowsOf(A, 3000));
  if (wanted("gemm_t_784x60000x256"))
    await product("gemm_t_784x60000x256", "TN", XF, D, 784, 256, 60000, (A) => rowsOf(A, 3000));
  if (wanted("gemm_128x784x256")) await product("gemm_128x784x256", "NT", Xb, W1, 128, 256, 784, (A) => [A, 1], true);

  // ---------------------------------------------------------------- the notes' network
  const NOTES = { alpha: 1e-6, eta: 0.5, gamma: 0.99, eps: 1e-3 };
  /** The notes' network; `fast` (the default) runs it on the engine's fast path (src/engine/fusedMlp.ts). */
  function notesNet(fast = true) {
    return new MLP({
      sizes: [784, 256, 10],
      activations: ["relu"],
      outputBias: false,
      l2: NOTES.alpha,
      init: "scaled0.1",
      biasInit: "normal",
      rng: rng(1127),
      fast,
    });
  }
  type Trainer = { params: Param[]; lossAndGradient(X: Matrix, y: ArrayLike<number>): number };

  /** One full-batch step: forward + backward on all 60,000 + the notes' RMSprop update. */
  function fullStep(model: Trainer, step: (p: Param[]) => void, Xs: Matrix, ys: ArrayLike<number>) {
    return () => {
      model.lossAndGradient(Xs, ys);
      step(model.params);
    };
  }
  /**
   * One epoch of mini-batches of `B` (shuffled with a seeded permutation), as train() runs it: a
   * BatchLoader gathers them into two resident buffers, the next batch (on a worker, between its
   * product jobs) during the step.
   */
  function epoch(model: () => { m: Trainer; step: (p: Param[]) => void }, B: number, rows = 60000) {
    return () => {
      const { m, step } = model();
      const order = rng(1).permutation(60000);
      const loader = new BatchLoader(X, y, B);
      for (let s = 0; s < rows; s += B) {
        const batch = loader.batch(order, s, Math.min(B, 60000 - s));
        if (s + B < rows) loader.prefetch(order, s + B, Math.min(B, 60000 - s - B));
        m.lossAndGradient(batch.X, batch.y);
        step(m.params);
      }
      loader.finish();
    };
  }
  /** The notes' RMSprop as train() runs it: rmspropNotes on the update kernels the engine registered. */
  const notesStep = () => {
    const o = opts.rmspropNotes({ eta: NOTES.eta, gamma: NOTES.gamma, eps: NOTES.eps });
    return (ps: Param[]) => o.step(ps);
  };

  // same numbers? the readable code and the fast path must agree on loss and gradients
  {
    const a = notesNet(false),
      b = notesNet(true);
    if (!b.usesFastPath) throw new Error("bench: the engine registered no fast path for MLP");
    const Xs = new M.Matrix(512, 784, XF.data.subarray(0, 512 * 784));
    const ys = y.subarray(0, 512);
    const la = a.lossAndGradient(Xs, ys),
      lb = b.lossAndGradient(Xs, ys);
    let g = 0;
    a.params.forEach((p, i) => (g = Math.max(g, M.maxAbsDiff(p.grad, b.params[i].grad))));
    log(
      `check: MLP loss ${la.toFixed(6)} vs fused ${lb.toFixed(6)}; largest gradient difference ${g.toExponential(2)}`,
    );
    if (Math.abs(la - lb) > 1e-4 || g > 1e-4)
      throw new Error("bench: the fused network disagrees with src/models/mlp.ts");
  }

  {
    const s1 = new SoftmaxRegression({
      inputs: 784,
      classes: 10,
      dtype: "float32",
      init: "scaled0.1",
      rng: rng(3),
      fast: false,
    });
    const s2 = new SoftmaxRegression({ inputs: 784, classes: 10, dtype: "float32", init: "scaled0.1", rng: rng(3) });
    const Xs = new M.Matrix(100, 784, XF.data.subarray(0, 100 * 784));
    const la = s1.lossAndGradient(Xs, y.subarray(0, 100));
    const lb = s2.lossAndGradient(Xs, y.subarray(0, 100));
    const g = Math.max(
      M.maxAbsDiff(s1.params[0].grad, s2.params[0].grad),
      M.maxAbsDiff(s1.params[1].grad, s2.params[1].grad),
    );
    log(
      `check: SoftmaxRegression loss ${la.toFixed(6)} vs fused ${lb.toFixed(6)}; largest gradient difference ${g.toExponential(2)}`,
    );
    if (Math.abs(la - lb) > 1e-4 || g > 1e-4)
      throw new Error("bench: the fused softmax regression disagrees with src/models/softmaxRegression.ts");
  }

  async function modelEntry(
    name: string,
    flops: number | undefined,
    run: () => void,
    runFused: (() => void) | null,
    refRun: () => void,
    refFrac: number,
    reps: number,
    note: string,
  ) {
    if (!wanted(name)) return;
    run();
    runFused?.();
    const [ms, fusedMs] = await alternate(name, runFused ? [run, runFused] : [run], reps);
    gemmMod.setGemmBackend(gemmMod.gemmReference, "reference");
    const refMs = medianMs(refRun, 1) / refFrac;
    engineMod.useFastGemm();
    const best = fusedMs !== undefined && fusedMs < ms ? fusedMs : ms; // the faster of the two ways, both reported
    entries[name] = {
      ms: best,
      model_ms: ms,
      fused_ms: fusedMs,
      gflops: flops ? flops / best / 1e6 : undefined,
      reference_ms: refMs,
      speedup_vs_reference: refMs / best,
      reference_note:
        refFrac < 1
          ? `reference (src/models/mlp.ts on the reference kernel) measured on ${(refFrac * 100).toFixed(1)}% of the work and scaled up`
          : "src/models/mlp.ts / model on the reference kernel",
      kernel:
        fusedMs !== undefined
          ? `the model on the engine's fused kernels: ${fusedMs.toFixed(1)} ms; its readable code (fast: false) on the fast products: ${ms.toFixed(1)} ms`
          : "src model on the fast products",
      note,
    };
    log(`  ${name}: ${best.toFixed(1)} ms`);
  }

  log("training steps …");
  const fullFlops = 2 * 60000 * (784 * 256 * 2 + 256 * 10 * 3);
  {
    const net = notesNet(false);
    const netF = notesNet(true);
    const netR = notesNet();
    const Xr = new M.Matrix(6000, 784, XF.data.subarray(0, 6000 * 784));
    await modelEntry(
      "mlp_fullbatch_step_60000",
      fullFlops,
      fullStep(net, notesStep(), XF, y),
      fullStep(netF, notesStep(), XF, y),
      fullStep(netR, notesStep(), Xr, y.subarray(0, 6000)),
      0.1,
      Math.max(3, REPS - 2),
      "784-256-10 ReLU, softmax, CE + L2, the notes' RMSprop; forward + backward + update on all 60,000 images",
    );
  }
  {
    const mb = 128;
    const batches = Math.ceil(60000 / mb);
    await modelEntry(
      "mlp_epoch_mb128",
      2 * 128 * (784 * 256 * 2 + 256 * 10 * 3) * batches,
      epoch(() => ({ m: notesNet(false), step: notesStep() }), mb),
      epoch(() => ({ m: notesNet(true), step: notesStep() }), mb),
      epoch(() => ({ m: notesNet(), step: notesStep() }), mb, 20 * mb),
      20 / batches,
      Math.max(3, REPS),
      "one shuffled epoch, mini-batches of 128 from a BatchLoader (two preallocated buffers, the next batch gathered during the step), the notes' RMSprop",
    );
  }
  {
    const mb = 10;
    const sm = (fast = true) => new SoftmaxRegression({ inputs: 784, classes: 10, dtype: "float32", fast });
    await modelEntry(
      "softmax_epoch_mb10",
      2 * 60000 * 784 * 10 * 2,
      epoch(() => {
        const m = sm(false);
        const o = opts.sgd(0.1);
        return { m, step: (p) => o.step(p) };
      }, mb),
      epoch(() => {
        const m = sm(true);
        return { m, step: (ps) => ps.forEach((p) => fusedSgdStep(p.value.data, p.grad.data, 0.1)) };
      }, mb),
      epoch(
        () => {
          const m = sm();
          return { m, step: (ps) => ps.forEach((p) => fusedSgdStep(p.value.data, p.grad.data, 0.1)) };
        },
        mb,
        6000,
      ),
      0.1,
      Math.max(3, REPS),
      "src/models/softmaxRegression.ts (W 10×784, b 1×10), one shuffled epoch of mini-batches of 10, plain SGD",
    );
  }

  // ---------------------------------------------------------------- kernel start (bench/kernelStart.ts)
  if (wanted("kernel_first_import")) {
    log("kernel start to the first import …");
    const kernelStart = kernelFirstImport(Math.max(3, Math.min(REPS, 5)), log);
    if (kernelStart) entries.kernel_first_import = kernelStart;
  }
  // ---------------------------------------------------------------- the homework's per-example SGD
  if (wanted("sgd_per_example_784_200_10")) await perExampleEntry();
  // ---------------------------------------------------------------- grading a class (bench/gradeClass.ts)
  if (wanted("grade_class")) {
    log("grading a class …");
    const { gradeClass } = require("./gradeClass") as typeof import("./gradeClass");
    const homework = args.includes("--homework") ? args[args.indexOf("--homework") + 1].split(",") : [];
    entries.grade_class = await gradeClass(opt("--students", 4), log, homework);
    if (entries.grade_class.unexpected?.length) process.exitCode = 1; // fast, but wrong marks
  }

  // ---------------------------------------------------------------- numpy
  // Measured alternately with ours (see alternate), so both sides ran under the same load.
  let numpy: Record<string, number | string> | null =
    numpyReason === "" ? { ...numpyResults, numpy: numpyVersion } : null;
  for (const [name, e] of Object.entries(entries)) {
    const np = numpy ? numpy[name] : undefined;
    if (typeof np === "number") {
      e.numpy_ms = np;
      e.ratio_to_numpy = e.ms / np;
      if (e.gflops !== undefined) e.numpy_gflops = (e.gflops * e.ms) / np;
    }
  }
  if (Object.keys(numpyResults).length === 0) numpy = null;

  // ---------------------------------------------------------------- report
  const result = {
    machine: {
      cpu: os.cpus()[0]?.model,
      cores: os.cpus().length,
      node: process.version,
      loadavg: os.loadavg().map((v) => +v.toFixed(2)),
    },
    backend,
    threads,
    numpy: numpy ? numpy.numpy : null,
    numpy_skipped: numpy ? undefined : numpyReason,
    entries,
  };
  if (JSON_OUT) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const f = (v: number | undefined, d = 1) => (v === undefined ? "—" : v.toFixed(d));
    const rows = [["entry", "ms", "GFLOPS", "ref ms", "× ref", "numpy ms", "numpy GFLOPS", "ours/numpy"]];
    for (const [name, e] of Object.entries(entries)) {
      rows.push([
        name,
        f(e.ms, 2),
        f(e.gflops),
        f(e.reference_ms, 0),
        f(e.speedup_vs_reference),
        f(e.numpy_ms, 2),
        f(e.numpy_gflops),
        f(e.ratio_to_numpy, 2),
      ]);
    }
    const w = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
    console.log("");
    for (const r of rows) console.log(r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join("  "));
    console.log("");
    for (const [name, e] of Object.entries(entries)) {
      console.log(`${name}: ${[e.kernel, e.note, e.reference_note].filter(Boolean).join("; ")}`);
    }
    const g = entries.grade_class;
    if (g)
      console.log(
        `grade_class: ${f(g.seconds_per_notebook, 2)} s per notebook → 300 × 7 in ${f(g.projected_hours_300x7, 2)} h ` +
          `(before: ${f(g.before_seconds_per_notebook, 2)} s → ${f(g.before_projected_hours_300x7, 2)} h; ×${f(g.speedup, 2)})`,
      );
    if (!numpy) console.log(`numpy rows skipped: ${numpyReason}`);
    console.log(
      `load average ${result.machine.loadavg.join(" ")} on ${result.machine.cores} cores (timings on a shared machine are noisy; compare ratios)`,
    );
  }
}

main().then(
  () => numpyServer?.close(),
  (err) => {
    numpyServer?.close();
    console.error(err);
    process.exit(1);
  },
);
