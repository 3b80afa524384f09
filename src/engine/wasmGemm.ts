/**
 * The fast float32 products: WebAssembly SIMD kernels (built from src/engine/assembly/gemm.as) on
 * one or more threads, with feature detection and clean fall-backs.
 *
 *   C = op(A)·op(B)   (NN: A·B,  TN: Aᵀ·B,  NT: A·Bᵀ; shapes as in src/core/gemm.ts)
 *
 * Paths, best first (`gemmPaths()` lists the ones this process can run):
 *   "relaxed"  WebAssembly relaxed SIMD (fused multiply-add); Node 20 needs --experimental-wasm-relaxed-simd,
 *              which the Descent kernel and `npm run bench` pass
 *   "simd"     WebAssembly SIMD (multiply, then add)
 *   "blocked"  plain TypeScript (src/engine/blockedGemm.ts), also used for float64
 * The wasm paths run on `threads` threads (the caller plus worker threads sharing the wasm memory);
 * workers are unref'd, never keep the process alive, and a call never waits for a worker that is not
 * ready: it simply does all the work itself.
 *
 * Operands are copied into the wasm memory, multiplied there, and the result copied out — except
 * "resident" arrays (`alloc`: float32 model parameters, gradients and mini-batch buffers live inside
 * the wasm memory), which products read and write in place. Which kernel a product runs on (small,
 * narrow, zero-skipping for mostly-zero factors such as MNIST's pixels, or dense on the threads) is
 * planned in productPlan.ts; an epilogue (bias + ReLU, ReLU mask, s·C + α·W) can finish C before it
 * leaves the memory. Resident arrays also get SGD steps, sums of squares, column sums and softmax +
 * cross-entropy in wasm (elementwise.ts), and the workers copy the next mini-batch in the background
 * (backgroundGather.ts).
 *
 * Environment overrides (read once, at load): DESCENT_GEMM=relaxed|simd|blocked|reference,
 * DESCENT_THREADS=<n>, DESCENT_SPARSE=0 to turn off the sparse kernels (=skip or =strips picks one).
 *
 * This file composes the parts, one job each:
 *   wasmFeatures.ts      which variants this JavaScript engine can run (gemmPaths)
 *   kernelExports.ts     the functions the compiled module exports
 *   wasmHeap.ts          the wasm memory: resident arrays (alloc/free) and the products' scratch
 *   jobQueue.ts          the shared job queue's layout and the one job dispatch (runJob)
 *   workerPool.ts        the worker threads and the code they run; posting jobs and waiting for them
 *   backgroundGather.ts  the next mini-batch copied by the workers between product jobs
 *   elementwise.ts       epilogues on C and updates of resident arrays (SGD step, sums, softmax + CE)
 *   productPlan.ts       which kernel a product runs on, and how it is cut into jobs
 */
import { FloatArray, GemmKernel, GemmOp, gemmReference } from "../core/gemmReference";
import { gemmBlocked } from "./blockedGemm";
import { requireWasm, WasmMemory, WasmModule } from "./wasmApi";
import { KernelExports } from "./kernelExports";
import { envPath, gemmPaths, GemmPath, wasmBinary } from "./wasmFeatures";
import { align64, MAX_BYTES, overlaps, WasmHeap } from "./wasmHeap";
import { MAX_JOBS } from "./jobQueue";
import { defaultThreads, WorkerPool } from "./workerPool";
import { BackgroundGather } from "./backgroundGather";
import * as ew from "./elementwise";
import { Epilogue } from "./elementwise";
import {
  chooseKind,
  Finish,
  Kind,
  NARROW_MACS,
  NARROW_SIDE,
  PARALLEL_MIN_MACS,
  planJobs,
  SCRATCH_BUDGET,
  SMALL_MACS,
} from "./productPlan";

export { detectWasmFeatures, gemmPaths } from "./wasmFeatures";
export type { GemmPath } from "./wasmFeatures";
export { defaultThreads } from "./workerPool";
export type { Epilogue } from "./elementwise";
export type { Kind } from "./productPlan";

/** A wasm product engine: one compiled variant, one shared memory, `threads − 1` workers. */
export class WasmGemm {
  readonly path: "relaxed" | "simd";
  private readonly module: WasmModule;
  readonly x: KernelExports;
  readonly heap: WasmHeap;
  readonly pool: WorkerPool;
  private readonly gather: BackgroundGather;
  /** Use a zero-skipping kernel when a factor is mostly zeros (false: always the dense kernel). */
  sparse = true;
  /**
   * Which zero-skipping kernel: "strips" (default: one row at a time, nonzeros only, 32 columns per
   * pass, L1-sized depth blocks), "skip" (the dense 4×8 kernel over only the depths where a 4-row
   * panel of the sparse factor is nonzero) or "off".
   */
  sparseMode: "skip" | "strips" | "off" = "strips";
  /** What the last call did, for benchmarks and tests: "dense", "sparseA" or "sparseB". */
  lastKernel: Kind | "" = "";
  /** Jobs of the last call (for tests; lastJobsByWorkers: how many of them workers ran). */
  lastJobs = 0;
  /** Multiply-adds up to which a product runs on the small kernel (0: never; tests change it). */
  smallMacs = SMALL_MACS;
  /** Multiply-adds up to which a product with a narrow side runs on the narrow kernel (0: never; tests change it). */
  narrowMacs = NARROW_MACS;

  constructor(path: "relaxed" | "simd", threads = 1) {
    this.path = path;
    this.module = new (requireWasm().Module)(wasmBinary(path));
    this.heap = new WasmHeap();
    this.x = new (requireWasm().Instance)(this.module, { env: { memory: this.heap.memory } })
      .exports as unknown as KernelExports;
    this.pool = new WorkerPool(this.x, this.module, this.heap.memory, threads);
    this.gather = new BackgroundGather(this.x, this.heap, this.pool);
  }

  /** The shared wasm memory. */
  get memory(): WasmMemory {
    return this.heap.memory;
  }

  /** Threads that can work on a product right now (the caller plus started workers). */
  get threads(): number {
    return this.pool.threads;
  }

  /** Threads this engine was asked for (workers may still be starting). */
  get requestedThreads(): number {
    return this.pool.requestedThreads;
  }

  /** Whether the calling thread works on its own products too (tests turn it off to exercise the workers). */
  get callerWorks(): boolean {
    return this.pool.callerWorks;
  }
  set callerWorks(v: boolean) {
    this.pool.callerWorks = v;
  }

  /** How many jobs of the last call workers ran (for tests). */
  get lastJobsByWorkers(): number {
    return this.pool.lastJobsByWorkers;
  }

  /** Bytes resident arrays may take in all (see alloc). */
  get residentBudget(): number {
    return this.heap.residentBudget;
  }
  set residentBudget(v: number) {
    this.heap.residentBudget = v;
  }

  /** Block until every worker has started (at most timeoutMs); for benchmarks and tests. Returns `threads`. */
  waitReady(timeoutMs = 5000): number {
    return this.pool.waitReady(timeoutMs);
  }

  /** Stop the workers (the engine keeps working on one thread). */
  close(): void {
    this.gather.wait();
    this.pool.close();
  }

  /**
   * A resident Float32Array of `len` zeros inside the wasm memory, or null past residentBudget (see WasmHeap.alloc).
   */
  alloc(len: number): Float32Array | null {
    return this.heap.alloc(len);
  }

  /** Give a resident array's memory back for a later `alloc` of the same size (see WasmHeap.free). */
  free(v: Float32Array): void {
    this.heap.free(v);
  }

  /** The byte address of a resident array in the wasm memory (see alloc), or −1 when it lives elsewhere. */
  residentPtr(v: ArrayLike<number>): number {
    return this.heap.residentPtr(v);
  }

  /** θ ← θ − η·g in place, in wasm, when θ and g are both resident (returns false, doing nothing, otherwise). */
  sgdStepResident(theta: ArrayLike<number>, g: ArrayLike<number>, eta: number): boolean {
    return ew.sgdStepResident(this, theta, g, eta);
  }

  /** out[j] = s·Σ_i D[i,j] (D: m×n) in wasm when D and out are resident (returns false, doing nothing, otherwise). */
  columnSumsResident(D: Float32Array, m: number, n: number, s: number, out: Float32Array): boolean {
    return ew.columnSumsResident(this, D, m, n, s, out);
  }

  /**
   * Σ_i ℓ_i of softmax + cross-entropy over the rows of Z (m×K), writing P and Δ = s·(P − Y) when
   * given, in wasm when Z, P and Δ are resident; NaN (doing nothing) otherwise. The labels must be
   * classes 0 … K−1 (the caller checks them).
   */
  softmaxCrossEntropyResident(
    Z: Float32Array,
    m: number,
    K: number,
    y: ArrayLike<number>,
    P: Float32Array | null,
    D: Float32Array | null,
    s: number,
  ): number {
    return ew.softmaxCrossEntropyResident(this, Z, m, K, y, P, D, s);
  }

  /** Σ v_i² (float64 sums) in wasm when v is resident, else NaN. */
  sumOfSquaresResident(v: ArrayLike<number>): number {
    return ew.sumOfSquaresResident(this, v);
  }

  /**
   * Starts dst[r, :] = src[order[start + r], :] for r < count (rows of d floats; of d bytes, converted to
   * float32 b/255, when src is a Uint8Array) in the background
   * (src/engine/backgroundGather.ts); gatherRowsWait finishes it. src and dst must be resident and the
   * indices valid rows of src (the caller checks them). Returns false, starting nothing, when src or
   * dst is not resident or no worker runs.
   */
  gatherRowsAsync(
    src: Float32Array | Uint8Array,
    d: number,
    order: ArrayLike<number>,
    start: number,
    count: number,
    dst: Float32Array,
  ): boolean {
    return this.gather.start(src, d, order, start, count, dst);
  }

  /** Finishes the gather of gatherRowsAsync: copies the chunks no worker has taken, waits for the others. */
  gatherRowsWait(): void {
    this.gather.wait();
  }

  /**
   * C = op(A)·op(B) for float32 arrays, then optionally an epilogue on C before it leaves the wasm
   * memory: C ← relu?(C + bias) (bias: n numbers), C ← C ⊙ [mask > 0] (mask: m×n), or C ← s·C + α·W.
   * Returns false (doing nothing) if the operands don't fit in wasm32.
   */
  gemm(
    op: GemmOp,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    epilogue?: Epilogue,
  ): boolean {
    const tA = op === "TN" ? 1 : 0;
    const tB = op === "NT" ? 1 : 0;
    const al = align64;
    const mem = this.heap;
    // Resident operands (see alloc) are used where they are; the others are copied into the scratch.
    // C is written in place only when it overlaps neither factor.
    const ra = mem.residentPtr(a),
      rb = mem.residentPtr(b);
    let rc = mem.residentPtr(c);
    if (rc >= 0 && (overlaps(rc, m * n, ra, m * k) || overlaps(rc, m * n, rb, k * n))) rc = -1;
    const sa = mem.base;
    const sb = sa + (ra >= 0 ? 0 : al(m * k * 4));
    const sc = sb + (rb >= 0 ? 0 : al(k * n * 4));
    const tPtr = sc + (rc >= 0 ? 0 : al(m * n * 4)); // Cᵀ, when the right factor is the sparse one
    const aPtr = ra >= 0 ? ra : sa,
      bPtr = rb >= 0 ? rb : sb,
      cPtr = rc >= 0 ? rc : sc;
    const x = this.x;
    if (tPtr + al(m * n * 4) > MAX_BYTES) return false;
    const macs = m * n * k;
    const narrowSide = Math.min(m, n, k) <= NARROW_SIDE && macs <= this.narrowMacs;
    if (macs <= this.smallMacs && !(tA === 1 && tB === 1)) {
      // small: copy in, one call on this thread, epilogue, copy out (the extra operand goes at tPtr).
      // A·B and Aᵀ·B with a narrow side go to the narrow kernel: gemmSmall would add scaled rows into C
      // (a load and a store of C per multiply-add) where 4×8 register tiles keep C in registers.
      const narrow = tB === 0 && narrowSide;
      mem.ensure(
        tPtr +
          (narrow ? al(x.narrowScratchBytes(m, n, k)) + al(m * n * 4) : al((Math.max(m * n, k + n) + k) * 4) + 128),
      );
      const heap = mem.f32();
      if (ra < 0) heap.set(a.length === m * k ? a : a.subarray(0, m * k), aPtr / 4);
      if (rb < 0) heap.set(b.length === k * n ? b : b.subarray(0, k * n), bPtr / 4);
      if (narrow) x.gemmNarrow(tA, tB, m, n, k, aPtr, bPtr, cPtr, tPtr);
      // its scratch (lists of nonzero groups, a zero row) at tPtr
      else x.gemmSmall(tA, tB, m, n, k, aPtr, bPtr, cPtr, tPtr);
      return this.doneOnThisThread(narrow ? "narrow" : "small", epilogue, m, n, cPtr, tPtr, c, rc);
    }
    mem.ensure(tPtr);
    const heap = mem.f32();
    if (ra < 0) heap.set(a.length === m * k ? a : a.subarray(0, m * k), aPtr / 4);
    if (rb < 0) heap.set(b.length === k * n ? b : b.subarray(0, k * n), bPtr / 4);

    const T = m * n * k >= PARALLEL_MIN_MACS ? this.threads : 1;
    // Pieces per thread: several, so whoever is awake can take more than its share.
    const pieces = T === 1 ? 1 : Math.min(MAX_JOBS, T * (m * n * k >= 64 * PARALLEL_MIN_MACS ? 8 : 2));

    if (narrowSide && !(tA === 1 && tB === 1)) {
      // a narrow side: 4×8 tiles straight from the stored rows, on this thread (epilogue, copy out).
      // Even on MNIST rows this beats the sparse kernels, whose 32-column strips would be mostly padding.
      mem.ensure(tPtr + al(x.narrowScratchBytes(m, n, k)) + al(m * n * 4));
      x.gemmNarrow(tA, tB, m, n, k, aPtr, bPtr, cPtr, tPtr);
      return this.doneOnThisThread("narrow", epilogue, m, n, cPtr, tPtr, c, rc);
    }

    const kind = chooseKind(x, this.sparse, this.sparseMode, m, n, k, aPtr, bPtr);
    const sPtr = kind === "skipB" ? tPtr + al(m * n * 4) : tPtr;
    // The sparse kernels apply the weight-gradient finish C = s·C + α·W as they write C, when W is
    // resident (or not needed): one pass over C and W fewer.
    let finish: Finish | null = null;
    if ((kind === "sparseA" || kind === "sparseB") && epilogue && epilogue.scale !== undefined) {
      const alpha = epilogue.alpha ?? 0;
      const w = alpha !== 0 && epilogue.W && epilogue.W.length >= m * n ? mem.residentPtr(epilogue.W) : 0;
      if (alpha === 0 || (w > 0 && !overlaps(w, m * n, cPtr, m * n))) finish = { s: epilogue.scale, alpha, w };
    }
    const plan = (p: number) =>
      planJobs(x, this.threads, kind, p, tA, tB, m, n, k, aPtr, bPtr, kind === "skipB" ? tPtr : cPtr, finish);
    let { jobs, scratchBytes } = plan(pieces);
    if (jobs.length > T && scratchBytes * jobs.length > SCRATCH_BUDGET) ({ jobs, scratchBytes } = plan(T));
    const areas = T > 1 && jobs.length > 1 ? jobs.length : 1; // one scratch area per job when shared
    if (sPtr + scratchBytes * areas > MAX_BYTES) return false;
    mem.ensure(sPtr + scratchBytes * areas);
    this.lastKernel = kind;
    this.lastJobs = jobs.length;
    this.pool.lastJobsByWorkers = 0;
    if (areas <= 1) {
      for (let start = 0; start < jobs.length; start += MAX_JOBS)
        this.pool.runHere(jobs.slice(start, start + MAX_JOBS), sPtr);
    } else {
      this.pool.runShared(jobs, sPtr, scratchBytes);
    }
    if (kind === "skipB") x.transpose(tPtr, n, m, cPtr); // C = (Cᵀ)ᵀ
    // the extra operand goes where the scratch was (jobs are done with it)
    if (epilogue && !finish) ew.applyEpilogue(this, epilogue, m, n, cPtr, sPtr);
    if (rc < 0) c.set(mem.f32().subarray(cPtr / 4, cPtr / 4 + m * n));
    return true;
  }

  /**
   * After a product done in one call on this thread: record it, apply the epilogue (its operand at ePtr), copy C out
   * unless resident.
   */
  private doneOnThisThread(
    kind: Kind,
    epilogue: Epilogue | undefined,
    m: number,
    n: number,
    cPtr: number,
    ePtr: number,
    c: Float32Array,
    rc: number,
  ): true {
    this.lastKernel = kind;
    this.lastJobs = 1;
    this.pool.lastJobsByWorkers = 0;
    if (epilogue) ew.applyEpilogue(this, epilogue, m, n, cPtr, ePtr);
    if (rc < 0) c.set(this.heap.f32().subarray(cPtr / 4, cPtr / 4 + m * n));
    return true;
  }
}

/**
 * A GemmKernel for a path: float32 products go to wasm (when the path is a wasm one), float64 and
 * mixed arrays to the plain TypeScript kernels. `engine` is the WasmGemm behind it, if any.
 */
export function makeGemmKernel(path: GemmPath, threads = 1): { kernel: GemmKernel; engine: WasmGemm | null } {
  if (path === "reference") return { kernel: gemmReference, engine: null };
  if (path === "blocked") return { kernel: gemmBlocked, engine: null };
  const engine = new WasmGemm(path, threads);
  const sparseEnv = process.env.DESCENT_SPARSE;
  if (sparseEnv === "0") engine.sparse = false;
  else if (sparseEnv === "skip" || sparseEnv === "strips") engine.sparseMode = sparseEnv;
  const kernel: GemmKernel = (op, m, n, k, a, b, c) => {
    if (a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array && m > 0 && n > 0) {
      if (engine.gemm(op, m, n, k, a, b, c)) return;
    }
    gemmBlocked(op, m, n, k, a as FloatArray, b as FloatArray, c as FloatArray);
  };
  return { kernel, engine };
}

let defaultEngine: { path: GemmPath; kernel: GemmKernel; engine: WasmGemm | null } | null = null;

/** The best kernel this process supports (created once; DESCENT_GEMM / DESCENT_THREADS override). */
export function defaultGemmKernel(): { path: GemmPath; kernel: GemmKernel; engine: WasmGemm | null } {
  if (defaultEngine) return defaultEngine;
  const paths = gemmPaths();
  const wanted = envPath();
  const path = wanted && paths.includes(wanted) ? wanted : paths[0];
  try {
    defaultEngine = { path, ...makeGemmKernel(path, path === "relaxed" || path === "simd" ? defaultThreads() : 1) };
  } catch {
    defaultEngine = { path: "blocked", kernel: gemmBlocked, engine: null };
  }
  return defaultEngine;
}
