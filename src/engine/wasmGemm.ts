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
 * the wasm memory; `free` gives one back), which products read and write in place. When one factor is
 * mostly zeros (MNIST pixels are ~81% zeros) a sparse kernel skips the zeros, which gives the same sums
 * without the wasted multiplications: by default the row-sparse kernel ("strips": each row's nonzeros
 * times 32-column strips of the other factor, in depth blocks that stay in the L1 cache; threads split
 * the columns), or the dense 4×8 kernel over the nonzero depths of each 4-row panel ("skip"). The
 * sparse kernels apply a weight-gradient finish s·C + α·W as they write C. Small products (a
 * mini-batch step's, ≤ SMALL_MACS multiply-adds) skip the packing, zero counting and threads: one call
 * of the unpacked kernel gemmSmall on this thread; products with a narrow side (≤ NARROW_SIDE rows,
 * columns or depths, such as an output layer of 10 classes) run on gemmNarrow (4×8 register tiles
 * straight from the stored rows). Long updates of resident arrays (SGD steps, sums of squares) are cut
 * into two fixed pieces for the threads (the same numbers on any number of threads). A background
 * gather (gatherRowsAsync: the next mini-batch) is copied by the workers in chunks between product
 * jobs. Workers spin for SPIN_MS after a job before they sleep, so the products of a training loop do
 * not wait for a thread to wake.
 *
 * Environment overrides (read once, at load): DESCENT_GEMM=relaxed|simd|blocked|reference,
 * DESCENT_THREADS=<n>, DESCENT_SPARSE=0 to turn off the sparse kernels (=skip or =strips picks one).
 */
import { Worker } from "worker_threads";
import * as os from "os";
import { FloatArray, GemmKernel, GemmOp, gemmReference } from "../core/gemmReference";
import { gemmBlocked } from "./blockedGemm";
import { GEMM_RELAXED_WASM, GEMM_SIMD_WASM } from "./wasmBinaries";
import { requireWasm, wasmApi, WasmMemory, WasmModule } from "./wasmApi";

export type GemmPath = "relaxed" | "simd" | "blocked" | "reference";

interface KernelExports {
  countNonzero(ptr: number, len: number): number;
  denseScratchBytes(nc: number): number;
  gemmDense(tA: number, tB: number, m: number, n: number, k: number, a: number, b: number, c: number,
            i0: number, i1: number, j0: number, j1: number, scratch: number, skip: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  biasActivation(c: number, m: number, n: number, bias: number, relu: number): void;
  reluMask(c: number, len: number, a: number): void;
  scaleAdd(c: number, len: number, s: number, alpha: number, w: number): void;
  sparseScratchBytes(tA: number, m: number, n: number, k: number, rows: number): number;
  gemmSparse(tA: number, tB: number, m: number, n: number, k: number, a: number, b: number, c: number,
             i0: number, i1: number, j0: number, j1: number, tC: number, s: number, alpha: number, w: number, scratch: number): void;
  gemmSmall(tA: number, tB: number, m: number, n: number, k: number, a: number, b: number, c: number, scratch: number): void;
  narrowScratchBytes(m: number, n: number, k: number): number;
  gemmNarrow(tA: number, tB: number, m: number, n: number, k: number, a: number, b: number, c: number, scratch: number): void;
  sgdStep(theta: number, g: number, len: number, eta: number): void; // eta: f64
  sumOfSquares(v: number, len: number): number;
  columnSums(d: number, m: number, n: number, s: number, out: number): void; // s: f64
  softmaxCrossEntropy(z: number, m: number, K: number, labels: number, p: number, d: number, s: number, scratch: number): number; // s, result: f64
  gatherRows(src: number, d: number, idx: number, r0: number, r1: number, dst: number): number;
}

const PAGE = 65536;
const MAX_BYTES = 65536 * PAGE - PAGE; // wasm32: 4 GiB
const BASE = 16 * PAGE; // first 1 MiB left to the module's own data
/** A factor is treated as sparse when at most this fraction of its entries is nonzero. */
const SPARSE_DENSITY = 0.35;
/** Updates of resident arrays at least this long are cut into ELEMENTWISE_PIECES jobs for the threads. */
const ELEMENTWISE_MIN = 1 << 16;
const ELEMENTWISE_PIECES = 2;
/** Floats counted to find a factor's density (see WasmGemm.density): all of a smaller factor, else this many in blocks. */
const DENSITY_SAMPLE = 1 << 15, DENSITY_BLOCKS = 32;
/** A factor this sparse is taken for the sparse kernel without counting the other one. */
const CLEARLY_SPARSE = 0.25;
/** The same for the panel-skipping kernel (cheap when it finds little to skip). */
const SKIP_DENSITY = 0.35;
/** Products smaller than this many multiply-adds run on one thread. */
const PARALLEL_MIN_MACS = 1 << 20;
/**
 * Products with at most this many multiply-adds run on the small kernel: one thread, straight on the
 * stored layouts, no packing, no zero counting (a mini-batch step's products; see gemmSmall in gemm.as).
 */
const SMALL_MACS = 1 << 17;
/**
 * A product with a side this narrow (rows, columns or depth: a layer of 10 classes) and at most
 * NARROW_MACS multiply-adds runs on gemmNarrow: one thread, 4×8 tiles of C straight from the stored
 * rows, only the narrow factor copied.
 */
const NARROW_SIDE = 16;
const NARROW_MACS = 1 << 22;
/**
 * Bytes of wasm memory that resident arrays (model parameters and gradients, see WasmGemm.alloc) may
 * take in all; beyond it `alloc` returns null and callers use ordinary arrays (slower, same numbers).
 */
const RESIDENT_BUDGET = 1024 << 20;
/** Scratch memory above which a product is cut into fewer pieces. */
const SCRATCH_BUDGET = 256 << 20;

// The job queue, shared by the caller and every worker (Int32Array over one SharedArrayBuffer):
//   [0] sequence number of the latest posting (−1: quit)   [1] next job to claim (claimed with Atomics.add)
//   [2] jobs in this posting   [3] jobs finished   [4] error flag   [5] workers that started
//   [6] sequence number of the latest background gather
//   [8 + 20·j …] job j: kernel (0 dense, 1 sparse, 2 sgdStep, 3 sumOfSquares), its arguments, and
//                 last a done flag; its f64 arguments and result sit in a second buffer (WasmGemm.qf)
//   [BG …]       the background gather, which the caller does not wait for when it posts it: source,
//                 row length, index list, rows, destination; the next chunk of BG_CHUNK rows to claim,
//                 as (sequence number << 16 | chunk) (compareExchange); the rows copied so far, as
//                 ((sequence number & 0xfff) << 20 | rows)
// Whoever is awake claims jobs until none are left; the caller then waits only for jobs that a
// worker actually claimed, so a worker the OS has not scheduled never delays a product. A worker
// copies chunks of a background gather when it has no product job (it looks for jobs after every
// chunk), and the caller copies whatever chunks are left when it needs the batch.
const Q_SEQ = 0, Q_NEXT = 1, Q_COUNT = 2, Q_DONE = 3, Q_ERR = 4, Q_READY = 5, Q_BG = 6, Q_JOBS = 8, JOB_INTS = 20, MAX_JOBS = 64;
/** Where the background gather sits in the queue (see above); passed to gatherChunks, which the workers run too. */
const BG = { next: Q_NEXT, count: Q_COUNT, slot: Q_JOBS + MAX_JOBS * JOB_INTS, claim: Q_JOBS + MAX_JOBS * JOB_INTS + 5, rows: Q_JOBS + MAX_JOBS * JOB_INTS + 6, chunk: 16 };
type BgLayout = typeof BG;
const CLOSED = 1 << 30;
/** How long (ms) a worker, and the caller waiting for workers, spin before they sleep. */
const SPIN_MS = 0.5;

/**
 * Job j of the queue (its ints from q[o], its f64 slots f[4j …]) on the kernels x. The one dispatch
 * for the caller and the workers: WORKER_SOURCE embeds this function's text, so it must stay plain
 * JavaScript once compiled, with no reference outside its parameters.
 */
function runJob(x: KernelExports, q: Int32Array, f: Float64Array, j: number, o: number): void {
  const kind = q[o];
  if (kind === 0) x.gemmDense(q[o + 1], q[o + 2], q[o + 3], q[o + 4], q[o + 5], q[o + 6], q[o + 7], q[o + 8], q[o + 9], q[o + 10], q[o + 11], q[o + 12], q[o + 13], q[o + 14]);
  else if (kind === 1) x.gemmSparse(q[o + 1], q[o + 2], q[o + 3], q[o + 4], q[o + 5], q[o + 6], q[o + 7], q[o + 8], q[o + 9], q[o + 10], q[o + 11], q[o + 12], q[o + 13], f[4 * j], f[4 * j + 1], q[o + 14], q[o + 15]);
  else if (kind === 2) x.sgdStep(q[o + 1], q[o + 2], q[o + 3], f[4 * j]);
  else f[4 * j + 3] = x.sumOfSquares(q[o + 1], q[o + 2]);
}

/**
 * Claims and copies chunks of the background gather number `seq` until none is left, or, when
 * `yieldToJobs`, until a product job is waiting (a worker runs those first). Returns whether chunks
 * may be left. Shared by the caller and the workers like runJob (WORKER_SOURCE embeds its text).
 */
function gatherChunks(x: KernelExports, q: Int32Array, seq: number, yieldToJobs: boolean, bg: BgLayout): boolean {
  for (;;) {
    if (yieldToJobs && Atomics.load(q, bg.next) < Atomics.load(q, bg.count)) return true;
    const cur = Atomics.load(q, bg.claim);
    if (cur >>> 16 !== seq) return false; // a later gather, or none
    const rows = Atomics.load(q, bg.slot + 3);
    const r0 = (cur & 0xffff) * bg.chunk;
    if (r0 >= rows) return false;
    if (Atomics.compareExchange(q, bg.claim, cur, cur + 1) !== cur) continue;
    const r1 = Math.min(rows, r0 + bg.chunk);
    const src = Atomics.load(q, bg.slot), d = Atomics.load(q, bg.slot + 1), idx = Atomics.load(q, bg.slot + 2), dst = Atomics.load(q, bg.slot + 4);
    if (Atomics.load(q, bg.claim) >>> 16 !== seq) return false; // a new gather was posted meanwhile (after a timeout)
    x.gatherRows(src, d, idx, r0, r1, dst);
    // rows done, tagged with the gather's number: a late chunk of an older gather must not count
    for (;;) {
      const done = Atomics.load(q, bg.rows);
      if (done >>> 20 !== (seq & 0xfff) || Atomics.compareExchange(q, bg.rows, done, done + (r1 - r0)) === done) break;
    }
    Atomics.notify(q, bg.rows);
  }
}

const WORKER_SOURCE = `
const { workerData } = require("worker_threads");
const q = new Int32Array(workerData.queue);
const f = new Float64Array(workerData.floats);
let x = null;
try {
  const wasm = globalThis["WebAssembly"];
  x = new wasm.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
  Atomics.add(q, ${Q_READY}, 1);
} catch (e) {
  // no instance: this worker never claims a job, the caller does the work
}
const BG = ${JSON.stringify(BG)};
let seen = 0, bgSeen = 0, bgOpen = false;
while (x) {
  // Spin a little for the next posting before sleeping: a training step posts a product every few
  // hundred microseconds, and waking a sleeping thread takes tens of them. (Not while a background
  // gather has chunks left: those are done between the jobs.)
  const t0 = performance.now();
  for (let spins = 1; !bgOpen && Atomics.load(q, ${Q_SEQ}) === seen; spins++) {
    if ((spins & 1023) === 0 && performance.now() - t0 > ${SPIN_MS}) {
      Atomics.wait(q, ${Q_SEQ}, seen);
      break;
    }
  }
  seen = Atomics.load(q, ${Q_SEQ});
  if (seen < 0) break;
  const bg = Atomics.load(q, ${Q_BG});
  if (bg !== bgSeen) {
    bgSeen = bg;
    bgOpen = true;
  }
  for (;;) {
    // the count first: a claim from the last posting's counter (j ≥ its count) must not pass as a
    // job of the next one, whose count may already be stored
    const count = Atomics.load(q, ${Q_COUNT});
    const j = Atomics.add(q, ${Q_NEXT}, 1);
    if (j >= count) break;
    const o = ${Q_JOBS} + j * ${JOB_INTS};
    try {
      runJob(x, q, f, j, o);
      q[o + ${JOB_INTS - 1}] = 1; // done (read after Q_DONE)
    } catch (e) {
      Atomics.store(q, ${Q_ERR}, 1);
    }
    Atomics.add(q, ${Q_DONE}, 1);
    Atomics.notify(q, ${Q_DONE});
  }
  if (bgOpen) {
    try {
      bgOpen = gatherChunks(x, q, bgSeen, true, BG);
    } catch (e) {
      bgOpen = false; // the caller redoes a gather that does not finish
    }
  }
}
${runJob.toString()}
${gatherChunks.toString()}
`;

/** Work done on C inside the wasm memory right after the product (see WasmGemm.gemm). */
export interface Epilogue {
  bias?: Float32Array | null;
  relu?: boolean;
  mask?: Float32Array;
  /** C ← scale·C + alpha·W (W: m×n), the weight-gradient finish ∂L/∂W = (1/n)·Δᵀ·A + α·W. */
  scale?: number;
  alpha?: number;
  W?: Float32Array;
}

/** The kernel a product used: dense, dense skipping zero panels of A or of B, the row-sparse kernels, or the small (unpacked) kernel. */
export type Kind = "dense" | "skipA" | "skipB" | "sparseA" | "sparseB" | "small" | "narrow";

/**
 * One piece of work: a product kernel on a range of output rows or columns (0 dense, 1 sparse), or an
 * update on a range of a resident array (2 sgdStep, its f64 argument η in `f`; 3 sumOfSquares, whose
 * f64 result comes back in the job's float slot). A sparse job's `f` holds s and α of its finish.
 */
type Job = { kernel: 0 | 1 | 2 | 3; args: number[]; f?: number[] };

/** The weight-gradient finish C = s·C + α·W a sparse job applies as it writes C (w: W's address, 0 when α = 0). */
type Finish = { s: number; alpha: number; w: number };

function decodeBase64(s: string) {
  const buf = Buffer.from(s, "base64");
  const out = new Uint8Array(buf.length); // a plain ArrayBuffer copy (WebAssembly wants BufferSource)
  out.set(buf);
  return out;
}

/** Which wasm variants this engine can compile (validate only; nothing runs). */
export function detectWasmFeatures(): { simd: boolean; relaxedSimd: boolean; sharedMemory: boolean } {
  const ok = (b64: string) => {
    try {
      return wasmApi !== undefined && wasmApi.validate(decodeBase64(b64));
    } catch {
      return false;
    }
  };
  let sharedMemory = false;
  try {
    sharedMemory = new (requireWasm()).Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    sharedMemory = false;
  }
  return { simd: sharedMemory && ok(GEMM_SIMD_WASM), relaxedSimd: sharedMemory && ok(GEMM_RELAXED_WASM), sharedMemory };
}

/** A wasm product engine: one compiled variant, one shared memory, `threads − 1` workers. */
export class WasmGemm {
  readonly path: "relaxed" | "simd";
  readonly memory: WasmMemory;
  private readonly module: WasmModule;
  private readonly x: KernelExports;
  private readonly workers: Worker[] = [];
  private readonly q = new Int32Array(new SharedArrayBuffer((BG.slot + JOB_INTS) * 4));
  /** Four f64 per job: [4j], [4j + 1] arguments, [4j + 3] a result. */
  private readonly qf = new Float64Array(new SharedArrayBuffer(MAX_JOBS * 4 * 8));
  private seq = 0;
  private dead = 0;
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
  /** Jobs of the last call, and how many of them workers ran (for tests). */
  lastJobs = 0;
  lastJobsByWorkers = 0;
  /** Whether the calling thread works on its own products too (tests turn it off to exercise the workers). */
  callerWorks = true;
  /** Bytes resident arrays may take in all (see alloc). */
  residentBudget = RESIDENT_BUDGET;
  /** Multiply-adds up to which a product runs on the small kernel (0: never; tests change it). */
  smallMacs = SMALL_MACS;
  /** Multiply-adds up to which a product with a narrow side runs on the narrow kernel (0: never; tests change it). */
  narrowMacs = NARROW_MACS;
  private heapBuffer: ArrayBufferLike | null = null;
  private heapF32: Float32Array = new Float32Array(0);
  private heapI32: Int32Array = new Int32Array(0);
  /** The background gather: its row indices (resident), sequence number, and whether one is running. */
  private bgIndex: Int32Array | null = null;
  private bgSeq = 0;
  private bgPending = false;
  /** Every buffer object this memory has shown (one per size it grew to): resident arrays sit on one of them. */
  private readonly buffers = new WeakSet<object>();
  /** Resident arrays fill [BASE, residentEnd); the scratch for products starts at `base` above them. */
  private residentEnd = BASE;
  /** Freed resident blocks by size in bytes (reused by alloc), and the live blocks (address → bytes). */
  private readonly freeBlocks = new Map<number, number[]>();
  private readonly live = new Map<number, number>();
  private base = BASE;

  constructor(path: "relaxed" | "simd", threads = 1) {
    this.path = path;
    this.module = new (requireWasm()).Module(decodeBase64(path === "relaxed" ? GEMM_RELAXED_WASM : GEMM_SIMD_WASM));
    this.memory = new (requireWasm()).Memory({ initial: BASE / PAGE + 16, maximum: 65536, shared: true });
    this.x = new (requireWasm()).Instance(this.module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    Atomics.store(this.q, Q_NEXT, CLOSED);
    for (let t = 1; t < threads; t++) this.spawn();
  }

  private spawn(): void {
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.module, memory: this.memory, queue: this.q.buffer, floats: this.qf.buffer },
        // The worker runs plain JavaScript: it needs none of the parent's loaders (tsx, tslab), which
        // would otherwise start with it and may wait on a parent that is blocked in a product.
        execArgv: [],
        stdout: false,
        stderr: false,
      });
      worker.on("error", () => this.dead++);
      worker.on("exit", () => this.dead++);
      worker.unref(); // never keeps the process (tslab, node --test, a script) alive
      this.workers.push(worker);
    } catch {
      // No worker threads here: stay on one thread.
    }
  }

  /** Threads that can work on a product right now (the caller plus started workers). */
  get threads(): number {
    return 1 + Math.max(0, Math.min(this.workers.length, Atomics.load(this.q, Q_READY)) - this.dead);
  }

  /** Threads this engine was asked for (workers may still be starting). */
  get requestedThreads(): number {
    return 1 + this.workers.length;
  }

  /** Block until every worker has started (at most timeoutMs); for benchmarks and tests. Returns `threads`. */
  waitReady(timeoutMs = 5000): number {
    const t0 = Date.now();
    while (Atomics.load(this.q, Q_READY) < this.workers.length && Date.now() - t0 < timeoutMs) {
      Atomics.wait(this.q, Q_READY, Atomics.load(this.q, Q_READY), 10);
    }
    return this.threads;
  }

  /** Stop the workers (the engine keeps working on one thread). */
  close(): void {
    this.gatherRowsWait();
    Atomics.store(this.q, Q_SEQ, -1);
    Atomics.notify(this.q, Q_SEQ);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
    Atomics.store(this.q, Q_READY, 0);
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** A Float32Array over the whole wasm memory (re-made only after the memory grew). */
  private heap(): Float32Array {
    const buf = this.memory.buffer;
    if (buf !== this.heapBuffer) {
      this.heapBuffer = buf;
      this.heapF32 = new Float32Array(buf);
      this.heapI32 = new Int32Array(buf);
      this.buffers.add(buf);
    }
    return this.heapF32;
  }

  /**
   * A zero-filled Float32Array of `len` numbers that lives inside the wasm memory ("resident"): products
   * and the update kernels read and write it in place instead of copying it in and out. For arrays that
   * live long (parameters, gradients, batch buffers, a loaded data set): only `free` gives memory back, and past
   * RESIDENT_BUDGET bytes in all this returns null (use an ordinary array then).
   */
  alloc(len: number): Float32Array | null {
    if (!Number.isInteger(len) || len < 0) throw new RangeError(`WasmGemm.alloc: length must be a whole number ≥ 0, got ${len}`);
    const bytes = Math.ceil((len * 4) / 64) * 64;
    let ptr = this.freeBlocks.get(bytes)?.pop();
    if (ptr === undefined) {
      if (this.residentEnd + bytes - BASE > this.residentBudget) return null;
      ptr = this.residentEnd;
      this.residentEnd += bytes;
      this.base = this.residentEnd; // products' scratch starts above the resident arrays
      this.ensure(this.residentEnd);
    }
    this.live.set(ptr, bytes);
    const heap = this.heap();
    const out = new Float32Array(heap.buffer, ptr, len);
    out.fill(0);
    return out;
  }

  /**
   * Give a resident array's memory back for a later `alloc` of the same size (per-batch buffers that a
   * model drops). The array must not be used afterwards. Arrays that are not resident are ignored.
   */
  free(v: Float32Array): void {
    const ptr = this.residentPtr(v);
    const bytes = ptr >= 0 ? this.live.get(ptr) : undefined;
    if (ptr < 0 || bytes === undefined || v.byteOffset !== ptr) return;
    this.live.delete(ptr);
    const list = this.freeBlocks.get(bytes);
    if (list) list.push(ptr);
    else this.freeBlocks.set(bytes, [ptr]);
  }

  /** The byte address of a resident array in the wasm memory (see alloc), or −1 when it lives elsewhere. */
  residentPtr(v: ArrayLike<number>): number {
    if (!(v instanceof Float32Array) || !this.buffers.has(v.buffer)) return -1;
    const ptr = v.byteOffset;
    return ptr >= BASE && ptr + v.byteLength <= this.residentEnd ? ptr : -1;
  }

  /** θ ← θ − η·g in place, in wasm, when θ and g are both resident (returns false, doing nothing, otherwise). */
  sgdStepResident(theta: ArrayLike<number>, g: ArrayLike<number>, eta: number): boolean {
    const pt = this.residentPtr(theta), pg = this.residentPtr(g);
    if (pt < 0 || pg < 0 || theta.length !== g.length) return false;
    this.elementwise(theta.length, (s, count) => ({ kernel: 2, args: [pt + 4 * s, pg + 4 * s, count], f: [eta] }));
    return true;
  }

  /** out[j] = s·Σ_i D[i,j] (D: m×n) in wasm when D and out are resident (returns false, doing nothing, otherwise). */
  columnSumsResident(D: Float32Array, m: number, n: number, s: number, out: Float32Array): boolean {
    const pd = this.residentPtr(D), po = this.residentPtr(out);
    if (pd < 0 || po < 0 || D.length < m * n || out.length < n) return false;
    this.x.columnSums(pd, m, n, s, po);
    return true;
  }

  /**
   * Starts dst[r, :] = src[order[start + r], :] for r < count (rows of d floats) in the background: a
   * worker copies it chunk by chunk whenever it has no product job (a training loop gathers the next
   * mini-batch while it trains on the current one), and gatherRowsWait copies what is left. src and
   * dst must be resident and the indices valid rows of src (the caller checks them). Returns false,
   * starting nothing, when src or dst is not resident or no worker runs.
   */
  gatherRowsAsync(src: Float32Array, d: number, order: ArrayLike<number>, start: number, count: number, dst: Float32Array): boolean {
    this.gatherRowsWait(); // one background gather at a time
    const ps = this.residentPtr(src), pd = this.residentPtr(dst);
    if (ps < 0 || pd < 0 || this.threads < 2 || count <= 0 || count > 0xffff * BG.chunk || dst.length < count * d) return false;
    if (!this.bgIndex || this.bgIndex.length < count) {
      const buf = this.alloc(Math.max(count, 256));
      if (!buf) return false;
      this.bgIndex = new Int32Array(buf.buffer, buf.byteOffset, buf.length);
    }
    const idx = this.bgIndex;
    for (let r = 0; r < count; r++) idx[r] = order[start + r];
    const q = this.q, o = BG.slot;
    this.bgSeq = (this.bgSeq % 0x7fff) + 1;
    this.bgPending = true;
    // the claim counter first (a chunk claimed for an older gather is then dropped), the rest, and
    // last the number that workers look for
    Atomics.store(q, BG.claim, this.bgSeq << 16);
    Atomics.store(q, BG.rows, (this.bgSeq & 0xfff) << 20);
    Atomics.store(q, o, ps);
    Atomics.store(q, o + 1, d);
    Atomics.store(q, o + 2, idx.byteOffset);
    Atomics.store(q, o + 3, count);
    Atomics.store(q, o + 4, pd);
    Atomics.store(q, Q_BG, this.bgSeq); // publish, then wake the workers
    this.seq = (this.seq + 1) & 0x3fffffff;
    Atomics.store(q, Q_SEQ, this.seq);
    Atomics.notify(q, Q_SEQ);
    return true;
  }

  /** Finishes the gather of gatherRowsAsync: copies the chunks no worker has taken, waits for the others. */
  gatherRowsWait(): void {
    if (!this.bgPending) return;
    this.bgPending = false;
    const q = this.q, rows = q[BG.slot + 3];
    gatherChunks(this.x, q, this.bgSeq, false, BG);
    const t0 = performance.now();
    for (let spins = 1; (Atomics.load(q, BG.rows) & 0xfffff) < rows; spins++) {
      if ((spins & 1023) === 0 && performance.now() - t0 > SPIN_MS) break;
    }
    for (let done = Atomics.load(q, BG.rows); (done & 0xfffff) < rows; done = Atomics.load(q, BG.rows)) {
      if (Atomics.wait(q, BG.rows, done, 2000) === "timed-out") {
        // no chunk finished in 2 s (16 rows take microseconds): a worker died or failed holding one.
        // Copy every row here (copying a row twice is harmless).
        this.x.gatherRows(q[BG.slot], q[BG.slot + 1], q[BG.slot + 2], 0, rows, q[BG.slot + 4]);
        break;
      }
    }
  }

  /**
   * Σ_i ℓ_i of softmax + cross-entropy over the rows of Z (m×K), writing P and Δ = s·(P − Y) when
   * given, in wasm when Z, P and Δ are resident; NaN (doing nothing) otherwise. The labels must be
   * classes 0 … K−1 (the caller checks them).
   */
  softmaxCrossEntropyResident(Z: Float32Array, m: number, K: number, y: ArrayLike<number>, P: Float32Array | null, D: Float32Array | null, s: number): number {
    const pz = this.residentPtr(Z), pp = P ? this.residentPtr(P) : 0, pd = D ? this.residentPtr(D) : 0;
    if (pz < 0 || pp < 0 || pd < 0) return NaN;
    const labels = this.base; // the labels as i32, then the row's exponentials, in the products' scratch
    this.ensure(labels + m * 4 + K * 8 + 64);
    this.heap();
    const L = this.heapI32, l0 = labels / 4;
    for (let i = 0; i < m; i++) L[l0 + i] = y[i];
    return this.x.softmaxCrossEntropy(pz, m, K, labels, pp, pd, s, labels + m * 4);
  }

  /** Σ v_i² (float64 sums) in wasm when v is resident, else NaN. */
  sumOfSquaresResident(v: ArrayLike<number>): number {
    const p = this.residentPtr(v);
    if (p < 0) return NaN;
    const parts = this.elementwise(v.length, (s, count) => ({ kernel: 3, args: [p + 4 * s, count] }));
    let sum = 0;
    for (const part of parts) sum += part; // partial sums added in a fixed order
    return sum;
  }

  /**
   * C = op(A)·op(B) for float32 arrays, then optionally an epilogue on C before it leaves the wasm
   * memory: C ← relu?(C + bias) (bias: n numbers), C ← C ⊙ [mask > 0] (mask: m×n), or C ← s·C + α·W.
   * Returns false (doing nothing) if the operands don't fit in wasm32.
   */
  gemm(op: GemmOp, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, epilogue?: Epilogue): boolean {
    const tA = op === "TN" ? 1 : 0;
    const tB = op === "NT" ? 1 : 0;
    const al = (v: number) => Math.ceil(v / 64) * 64;
    // Resident operands (see alloc) are used where they are; the others are copied into the scratch.
    // C is written in place only when it overlaps neither factor.
    const ra = this.residentPtr(a), rb = this.residentPtr(b);
    let rc = this.residentPtr(c);
    if (rc >= 0 && (overlaps(rc, m * n, ra, m * k) || overlaps(rc, m * n, rb, k * n))) rc = -1;
    const sa = this.base;
    const sb = sa + (ra >= 0 ? 0 : al(m * k * 4));
    const sc = sb + (rb >= 0 ? 0 : al(k * n * 4));
    const tPtr = sc + (rc >= 0 ? 0 : al(m * n * 4)); // Cᵀ, when the right factor is the sparse one
    const aPtr = ra >= 0 ? ra : sa, bPtr = rb >= 0 ? rb : sb, cPtr = rc >= 0 ? rc : sc;
    const x = this.x;
    if (tPtr + al(m * n * 4) > MAX_BYTES) return false;
    const macs = m * n * k;
    const narrowSide = Math.min(m, n, k) <= NARROW_SIDE && macs <= this.narrowMacs;
    if (macs <= this.smallMacs && !(tA === 1 && tB === 1)) {
      // small: copy in, one call on this thread, epilogue, copy out (the extra operand goes at tPtr).
      // A·B and Aᵀ·B with a narrow side go to the narrow kernel: gemmSmall would add scaled rows into C
      // (a load and a store of C per multiply-add) where 4×8 register tiles keep C in registers.
      const narrow = tB === 0 && narrowSide;
      this.ensure(tPtr + (narrow ? al(x.narrowScratchBytes(m, n, k)) + al(m * n * 4) : al((Math.max(m * n, k + n) + k) * 4) + 128));
      const heap = this.heap();
      if (ra < 0) heap.set(a.length === m * k ? a : a.subarray(0, m * k), aPtr / 4);
      if (rb < 0) heap.set(b.length === k * n ? b : b.subarray(0, k * n), bPtr / 4);
      if (narrow) x.gemmNarrow(tA, tB, m, n, k, aPtr, bPtr, cPtr, tPtr);
      else x.gemmSmall(tA, tB, m, n, k, aPtr, bPtr, cPtr, tPtr); // its scratch (lists of nonzero groups, a zero row) at tPtr
      return this.doneOnThisThread(narrow ? "narrow" : "small", epilogue, m, n, cPtr, tPtr, c, rc);
    }
    this.ensure(tPtr);
    const heap = this.heap();
    if (ra < 0) heap.set(a.length === m * k ? a : a.subarray(0, m * k), aPtr / 4);
    if (rb < 0) heap.set(b.length === k * n ? b : b.subarray(0, k * n), bPtr / 4);

    const T = m * n * k >= PARALLEL_MIN_MACS ? this.threads : 1;
    // Pieces per thread: several, so whoever is awake can take more than its share.
    const pieces = T === 1 ? 1 : Math.min(MAX_JOBS, T * (m * n * k >= 64 * PARALLEL_MIN_MACS ? 8 : 2));

    if (narrowSide && !(tA === 1 && tB === 1)) {
      // a narrow side: 4×8 tiles straight from the stored rows, on this thread (epilogue, copy out).
      // Even on MNIST rows this beats the sparse kernels, whose 32-column strips would be mostly padding.
      this.ensure(tPtr + al(x.narrowScratchBytes(m, n, k)) + al(m * n * 4));
      x.gemmNarrow(tA, tB, m, n, k, aPtr, bPtr, cPtr, tPtr);
      return this.doneOnThisThread("narrow", epilogue, m, n, cPtr, tPtr, c, rc);
    }

    // Choose the kernel: one that skips zeros when a factor is mostly zeros and the product is big enough to care.
    let kind: Kind = "dense";
    if (this.sparse && this.sparseMode !== "off" && k > 0 && m * n * k >= 1 << 16) {
      const limit = this.sparseMode === "skip" ? SKIP_DENSITY : SPARSE_DENSITY;
      const skip = this.sparseMode === "skip";
      // fraction of nonzeros in each factor (counting is O(mk + kn), small beside the O(mnk) product);
      // the smaller factor first, and when it is clearly sparse the other is not counted
      const countA = () => (n >= 8 ? this.density(aPtr, m * k) : 1);
      const countB = () => (m >= 8 ? this.density(bPtr, k * n) : 1);
      let dA = 1, dB = 1;
      if (m <= n) {
        dA = countA();
        if (dA > CLEARLY_SPARSE) dB = countB();
      } else {
        dB = countB();
        if (dB > CLEARLY_SPARSE) dA = countA();
      }
      if (dA <= limit && dA <= dB) kind = skip ? "skipA" : "sparseA";
      else if (dB <= limit) kind = skip ? "skipB" : "sparseB";
    }
    const sPtr = kind === "skipB" ? tPtr + al(m * n * 4) : tPtr;
    // The sparse kernels apply the weight-gradient finish C = s·C + α·W as they write C, when W is
    // resident (or not needed): one pass over C and W fewer.
    let finish: Finish | null = null;
    if ((kind === "sparseA" || kind === "sparseB") && epilogue && epilogue.scale !== undefined) {
      const alpha = epilogue.alpha ?? 0;
      const w = alpha !== 0 && epilogue.W && epilogue.W.length >= m * n ? this.residentPtr(epilogue.W) : 0;
      if (alpha === 0 || (w > 0 && !overlaps(w, m * n, cPtr, m * n))) finish = { s: epilogue.scale, alpha, w };
    }
    const plan = (p: number) => this.plan(kind, p, tA, tB, m, n, k, aPtr, bPtr, kind === "skipB" ? tPtr : cPtr, finish);
    let { jobs, scratchBytes } = plan(pieces);
    if (jobs.length > T && scratchBytes * jobs.length > SCRATCH_BUDGET) ({ jobs, scratchBytes } = plan(T));
    const areas = T > 1 && jobs.length > 1 ? jobs.length : 1; // one scratch area per job when shared
    if (sPtr + scratchBytes * areas > MAX_BYTES) return false;
    this.ensure(sPtr + scratchBytes * areas);
    this.lastKernel = kind;
    this.lastJobs = jobs.length;
    this.lastJobsByWorkers = 0;
    if (areas <= 1) {
      for (let start = 0; start < jobs.length; start += MAX_JOBS) this.runHere(jobs.slice(start, start + MAX_JOBS), sPtr);
    } else {
      this.runShared(jobs, sPtr, scratchBytes);
    }
    if (kind === "skipB") x.transpose(tPtr, n, m, cPtr); // C = (Cᵀ)ᵀ
    if (epilogue && !finish) this.epilogue(epilogue, m, n, cPtr, sPtr); // the extra operand goes where the scratch was (jobs are done with it)
    if (rc < 0) c.set(this.heap().subarray(cPtr / 4, cPtr / 4 + m * n));
    return true;
  }

  /** After a product done in one call on this thread: record it, apply the epilogue (its operand at ePtr), copy C out unless resident. */
  private doneOnThisThread(kind: Kind, epilogue: Epilogue | undefined, m: number, n: number, cPtr: number, ePtr: number, c: Float32Array, rc: number): true {
    this.lastKernel = kind;
    this.lastJobs = 1;
    this.lastJobsByWorkers = 0;
    if (epilogue) this.epilogue(epilogue, m, n, cPtr, ePtr);
    if (rc < 0) c.set(this.heap().subarray(cPtr / 4, cPtr / 4 + m * n));
    return true;
  }

  /**
   * The fraction of nonzeros among len floats at ptr: exact up to DENSITY_SAMPLE floats, else counted
   * on DENSITY_BLOCKS evenly spaced blocks (the kernel choice needs only a rough figure, and counting
   * all of a 60000-image data set would take milliseconds). The same data always gives the same figure.
   */
  private density(ptr: number, len: number): number {
    if (len <= DENSITY_SAMPLE) return this.x.countNonzero(ptr, len) / len;
    const block = Math.floor(DENSITY_SAMPLE / DENSITY_BLOCKS) & ~3;
    const gap = Math.floor((len - block) / (DENSITY_BLOCKS - 1)) & ~3;
    let nz = 0;
    for (let b = 0; b < DENSITY_BLOCKS; b++) nz += this.x.countNonzero(ptr + b * gap * 4, block);
    return nz / (block * DENSITY_BLOCKS);
  }

  /** The epilogue on C (m×n at cPtr) inside the wasm memory; its extra operand is copied to ePtr. */
  private epilogue(epilogue: Epilogue, m: number, n: number, cPtr: number, ePtr: number): void {
    const x = this.x;
    if (epilogue.scale !== undefined) {
      const W = epilogue.W;
      const alpha = epilogue.alpha ?? 0;
      if (alpha !== 0 && (!W || W.length < m * n)) throw new RangeError(`gemm epilogue: W must hold ${m * n} numbers`);
      let wPtr = ePtr;
      if (alpha !== 0 && W) {
        const rw = this.residentPtr(W);
        if (rw >= 0 && !overlaps(rw, m * n, cPtr, m * n)) wPtr = rw;
        else {
          this.ensure(ePtr + m * n * 4);
          this.heap().set(W.subarray(0, m * n), ePtr / 4);
        }
      }
      if (epilogue.scale !== 1 || alpha !== 0) x.scaleAdd(cPtr, m * n, epilogue.scale, alpha, wPtr); // α = 0 reads no W
    } else if (epilogue.mask) {
      if (epilogue.mask.length < m * n) throw new RangeError(`gemm epilogue: the mask has ${epilogue.mask.length} numbers, C has ${m * n}`);
      this.ensure(ePtr + m * n * 4);
      this.heap().set(epilogue.mask.subarray(0, m * n), ePtr / 4);
      x.reluMask(cPtr, m * n, ePtr);
    } else {
      const bias = epilogue.bias ?? null;
      if (bias && bias.length !== n) throw new RangeError(`gemm epilogue: the bias has ${bias.length} numbers, C has ${n} columns`);
      let bPtr = 0;
      if (bias) {
        const rb = this.residentPtr(bias);
        if (rb >= 0 && !overlaps(rb, n, cPtr, m * n)) bPtr = rb;
        else {
          this.ensure(ePtr + n * 4);
          this.heap().set(bias, ePtr / 4);
          bPtr = ePtr;
        }
      }
      x.biasActivation(cPtr, m, n, bPtr, epilogue.relu ? 1 : 0);
    }
  }

  /** Cut a product into jobs: ranges of rows (or columns) of C, each a kernel call (sparse jobs with the finish, if any). */
  private plan(kind: Kind, pieces: number, tA: number, tB: number, m: number, n: number, k: number,
               aPtr: number, bPtr: number, cPtr: number, finish: Finish | null): { jobs: Job[]; scratchBytes: number } {
    const x = this.x;
    const al = (v: number) => Math.ceil(v / 64) * 64;
    const jobs: Job[] = [];
    let scratchBytes = 0;
    if (kind === "dense" || kind === "skipA" || kind === "skipB") {
      // skipB computes Cᵀ = op(B)ᵀ·op(A)ᵀ (n×m, into cPtr here) with the zero-skipping kernel on op(B)ᵀ.
      const [dA, dB, mm, nn, pa, pb] = kind === "skipB" ? [1 - tB, 1 - tA, n, m, bPtr, aPtr] : [tA, tB, m, n, aPtr, bPtr];
      const skip = kind === "dense" ? 0 : 1;
      // Split by rows (multiples of 4) or, when the result is wide, by columns (multiples of 8).
      const byRows = mm >= nn || nn < 16 * pieces;
      const len = byRows ? mm : nn;
      const unit = byRows ? 4 : 8;
      // Every job packs the whole other factor (k×nn for a row range, mm×k for a column range), so
      // jobs must be big enough for that to pay: at least ~192 rows/columns each, or one per thread.
      const parts = Math.max(1, Math.min(pieces, Math.max(this.threads, Math.floor(len / 192)), Math.floor(len / unit)));
      const step = Math.ceil(len / parts / unit) * unit;
      scratchBytes = al(x.denseScratchBytes(byRows ? nn : Math.min(step, nn)));
      for (let s = 0; s < len; s += step) {
        const e = Math.min(len, s + step);
        const [i0, i1, j0, j1] = byRows ? [s, e, 0, nn] : [0, mm, s, e];
        jobs.push({ kernel: 0, args: [dA, dB, mm, nn, k, pa, pb, cPtr, i0, i1, j0, j1, 0, skip] });
      }
    } else {
      // sparseA: rows of C = op(A)·op(B).   sparseB: rows of Cᵀ = op(B)ᵀ·op(A)ᵀ, written transposed.
      const [sA, sB, mm, nn, pa, pb, tC] = kind === "sparseA" ? [tA, tB, m, n, aPtr, bPtr, 0] : [1 - tB, 1 - tA, n, m, bPtr, aPtr, 1];
      // Every job packs the part of op(B) it multiplies. With sA = 0 the jobs split the columns (strips
      // of 32) first, so the threads pack disjoint parts, and the rows only when there are many;
      // with sA = 1 a job packs all of op(B), so there is one row range per thread.
      const cols = sA === 0 ? Math.max(1, Math.min(this.threads, Math.floor(nn / 32))) : 1;
      const rowParts = sA === 0 ? Math.max(1, Math.min(Math.floor(pieces / cols), Math.floor(mm / 512))) : Math.max(1, Math.min(this.threads, Math.floor(mm / 4)));
      const rstep = Math.ceil(mm / rowParts / 4) * 4;
      const cstep = Math.ceil(nn / cols / 32) * 32;
      scratchBytes = al(x.sparseScratchBytes(sA, mm, Math.min(cstep, nn), k, rstep));
      for (let s = 0; s < mm; s += rstep) {
        for (let j = 0; j < nn; j += cstep) {
          jobs.push({ kernel: 1, args: [sA, sB, mm, nn, k, pa, pb, cPtr, s, Math.min(mm, s + rstep), j, Math.min(nn, j + cstep), tC, finish?.w ?? 0, 0], f: [finish?.s ?? 1, finish?.alpha ?? 0] });
        }
      }
    }
    return { jobs, scratchBytes };
  }

  /**
   * Post the jobs to the queue, work on them here too, and wait for the ones workers claimed. Product
   * jobs get scratch areas of scratchBytes each from sPtr on. Returns the jobs' f64 results.
   */
  private runShared(jobs: Job[], sPtr = 0, scratchBytes = 0): Float64Array {
    const q = this.q, qf = this.qf;
    // Every job gets its own scratch area, so jobs never share one whoever runs them.
    if (scratchBytes > 0) this.ensure(sPtr + scratchBytes * jobs.length);
    // Closed first: a worker just leaving the last posting's claim loop must not take a job of this
    // one before it is published (it would be run twice, and an update applied twice).
    Atomics.store(q, Q_NEXT, CLOSED);
    jobs.forEach((job, j) => this.writeJob(job, j, sPtr + j * scratchBytes));
    Atomics.store(q, Q_DONE, 0);
    Atomics.store(q, Q_ERR, 0);
    Atomics.store(q, Q_COUNT, jobs.length);
    Atomics.store(q, Q_NEXT, 0); // publish
    this.seq = (this.seq + 1) & 0x3fffffff;
    Atomics.store(q, Q_SEQ, this.seq);
    Atomics.notify(q, Q_SEQ);
    let mine = 0;
    while (this.callerWorks || this.threads === 1) {
      const j = Atomics.add(q, Q_NEXT, 1);
      if (j >= jobs.length) break;
      this.run(j);
      mine++;
      Atomics.add(q, Q_DONE, 1);
    }
    let lost = false;
    // the workers' jobs are short: spin for them, then sleep
    const t0 = performance.now();
    for (let spins = 1; Atomics.load(q, Q_DONE) < jobs.length; spins++) {
      if ((spins & 1023) === 0 && performance.now() - t0 > SPIN_MS) break;
    }
    while (Atomics.load(q, Q_DONE) < jobs.length) {
      const done = Atomics.load(q, Q_DONE);
      if (Atomics.wait(q, Q_DONE, done, 2000) === "timed-out" && this.dead > 0) {
        lost = true; // a worker died holding a job
        break;
      }
    }
    Atomics.store(q, Q_NEXT, CLOSED);
    this.lastJobsByWorkers = jobs.length - mine;
    if (lost || Atomics.load(q, Q_ERR) !== 0) {
      // redo here the jobs nobody finished (only those: an update must not be applied twice)
      for (let j = 0; j < jobs.length; j++) if (Atomics.load(q, Q_JOBS + j * JOB_INTS + JOB_INTS - 1) !== 1) this.run(j);
    }
    return qf;
  }

  /** Run job j of the queue on this thread. */
  private run(j: number): void {
    const o = Q_JOBS + j * JOB_INTS;
    runJob(this.x, this.q, this.qf, j, o);
    this.q[o + JOB_INTS - 1] = 1;
  }

  /** Write a job into slot j of the queue (not yet done), with its scratch area when it is a product. */
  private writeJob(job: Job, j: number, scratch: number): void {
    const q = this.q, o = Q_JOBS + j * JOB_INTS;
    q[o] = job.kernel;
    const args = job.args.slice();
    if (job.kernel <= 1) args[job.kernel === 0 ? 12 : 14] = scratch;
    for (let t = 0; t < args.length; t++) q[o + 1 + t] = args[t] | 0;
    q[o + JOB_INTS - 1] = 0;
    this.qf[4 * j] = job.f?.[0] ?? 0;
    this.qf[4 * j + 1] = job.f?.[1] ?? 0;
  }

  /** Run jobs (at most MAX_JOBS) on this thread alone, in order, through the queue's slots; all product jobs share the scratch at sPtr. */
  private runHere(jobs: Job[], sPtr = 0): Float64Array {
    jobs.forEach((job, j) => {
      this.writeJob(job, j, sPtr);
      this.run(j);
    });
    return this.qf;
  }

  /**
   * Cut [0, len) of a resident array into ELEMENTWISE_PIECES ranges (multiples of 4) when it is long,
   * one job each, run on the threads: the same ranges whatever the number of threads, so the numbers
   * never depend on it.
   */
  private elementwise(len: number, job: (start: number, count: number) => Job): number[] {
    const pieces = len >= ELEMENTWISE_MIN ? ELEMENTWISE_PIECES : 1;
    const step = Math.max(4, Math.ceil(len / pieces / 4) * 4);
    const jobs: Job[] = [];
    for (let s = 0; s < len; s += step) jobs.push(job(s, Math.min(step, len - s)));
    const f = jobs.length > 1 && this.threads > 1 ? this.runShared(jobs) : this.runHere(jobs);
    return jobs.map((_, j) => f[4 * j + 3]);
  }
}

/** Whether [p, p + 4·len) and [q, q + 4·len2) share a byte (p or q < 0: not resident, no overlap). */
function overlaps(p: number, len: number, q: number, len2: number): boolean {
  return p >= 0 && q >= 0 && p < q + len2 * 4 && q < p + len * 4;
}

function envPath(): GemmPath | undefined {
  const v = typeof process !== "undefined" ? process.env.DESCENT_GEMM : undefined;
  return v === "relaxed" || v === "simd" || v === "blocked" || v === "reference" ? v : undefined;
}

/** The paths this process can run, best first. */
export function gemmPaths(): GemmPath[] {
  const f = detectWasmFeatures();
  const out: GemmPath[] = [];
  if (f.relaxedSimd) out.push("relaxed");
  if (f.simd) out.push("simd");
  out.push("blocked", "reference");
  return out;
}

/** Threads to use by default: all cores up to 4 (DESCENT_THREADS overrides). */
export function defaultThreads(): number {
  const env = Number(process.env.DESCENT_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores));
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
