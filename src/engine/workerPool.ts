/**
 * The worker pool: `threads − 1` worker threads that share the wasm memory and the job queue
 * (src/engine/jobQueue.ts) with the caller. A posting publishes jobs; whoever is awake claims them
 * until none are left, and the caller waits only for the jobs a worker actually claimed, so a worker
 * the OS has not scheduled never delays a product. Workers are unref'd (they never keep the process
 * alive), and spin for SPIN_MS after a job before they sleep, so the products of a training loop do not
 * wait for a thread to wake. Between product jobs they copy chunks of a background gather
 * (src/engine/backgroundGather.ts).
 */
import { Worker } from "worker_threads";
import * as os from "os";
import { KernelExports } from "./kernelExports";
import {
  BG,
  CLOSED,
  gatherChunks,
  Job,
  JOB_INTS,
  MAX_JOBS,
  Q_BG,
  Q_COUNT,
  Q_DONE,
  Q_ERR,
  Q_JOBS,
  Q_NEXT,
  Q_READY,
  Q_SEQ,
  QUEUE_INTS,
  runJob,
  SPIN_MS,
  writeJob,
} from "./jobQueue";
import { WasmMemory, WasmModule } from "./wasmApi";

/**
 * What each worker runs: it instantiates the kernels on the shared memory, then claims jobs (runJob)
 * and background-gather chunks (gatherChunks) until the sequence number turns −1. Both functions'
 * compiled text is embedded at the end.
 */
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

/** Threads to use by default: all cores up to 4 (DESCENT_THREADS overrides). */
export function defaultThreads(): number {
  const env = Number(process.env.DESCENT_THREADS);
  if (Number.isInteger(env) && env >= 1) return env;
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, cores));
}

/** The caller plus `threads − 1` workers, all running the kernels x of one module on one memory. */
export class WorkerPool {
  readonly q = new Int32Array(new SharedArrayBuffer(QUEUE_INTS * 4));
  /** Four f64 per job: [4j], [4j + 1] arguments, [4j + 3] a result. */
  readonly qf = new Float64Array(new SharedArrayBuffer(MAX_JOBS * 4 * 8));
  private readonly workers: Worker[] = [];
  private seq = 0;
  private dead = 0;
  /** Whether the calling thread works on its own jobs too (tests turn it off to exercise the workers). */
  callerWorks = true;
  /** How many jobs of the last posting workers ran (for tests). */
  lastJobsByWorkers = 0;

  constructor(
    private readonly x: KernelExports,
    module: WasmModule,
    memory: WasmMemory,
    threads: number,
  ) {
    Atomics.store(this.q, Q_NEXT, CLOSED);
    for (let t = 1; t < threads; t++) this.spawn(module, memory);
  }

  private spawn(module: WasmModule, memory: WasmMemory): void {
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, queue: this.q.buffer, floats: this.qf.buffer },
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

  /** Threads that can work on a job right now (the caller plus started workers). */
  get threads(): number {
    return 1 + Math.max(0, Math.min(this.workers.length, Atomics.load(this.q, Q_READY)) - this.dead);
  }

  /** Threads this pool was asked for (workers may still be starting). */
  get requestedThreads(): number {
    return 1 + this.workers.length;
  }

  /** Block until every worker has started (at most timeoutMs). Returns `threads`. */
  waitReady(timeoutMs = 5000): number {
    const t0 = Date.now();
    while (Atomics.load(this.q, Q_READY) < this.workers.length && Date.now() - t0 < timeoutMs) {
      Atomics.wait(this.q, Q_READY, Atomics.load(this.q, Q_READY), 10);
    }
    return this.threads;
  }

  /** Stop the workers (the caller keeps working alone). */
  close(): void {
    Atomics.store(this.q, Q_SEQ, -1);
    Atomics.notify(this.q, Q_SEQ);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
    Atomics.store(this.q, Q_READY, 0);
  }

  /** A new posting number, and the workers woken to look at the queue (after a background gather is posted). */
  wake(): void {
    this.seq = (this.seq + 1) & 0x3fffffff;
    Atomics.store(this.q, Q_SEQ, this.seq);
    Atomics.notify(this.q, Q_SEQ);
  }

  /**
   * Post the jobs to the queue, work on them here too, and wait for the ones workers claimed. Product
   * jobs get scratch areas of scratchBytes each from sPtr on (the caller has grown the memory to hold
   * them: every job its own area, so jobs never share one whoever runs them). Returns the jobs' f64 results.
   */
  runShared(jobs: Job[], sPtr = 0, scratchBytes = 0): Float64Array {
    const q = this.q,
      qf = this.qf;
    // Closed first: a worker just leaving the last posting's claim loop must not take a job of this
    // one before it is published (it would be run twice, and an update applied twice).
    Atomics.store(q, Q_NEXT, CLOSED);
    jobs.forEach((job, j) => writeJob(q, qf, job, j, sPtr + j * scratchBytes));
    Atomics.store(q, Q_DONE, 0);
    Atomics.store(q, Q_ERR, 0);
    Atomics.store(q, Q_COUNT, jobs.length);
    Atomics.store(q, Q_NEXT, 0); // publish
    this.wake();
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
      for (let j = 0; j < jobs.length; j++)
        if (Atomics.load(q, Q_JOBS + j * JOB_INTS + JOB_INTS - 1) !== 1) this.run(j);
    }
    return qf;
  }

  /**
   * Run jobs (at most MAX_JOBS) on this thread alone, in order, through the queue's slots; all product jobs share the
   * scratch at sPtr.
   */
  runHere(jobs: Job[], sPtr = 0): Float64Array {
    jobs.forEach((job, j) => {
      writeJob(this.q, this.qf, job, j, sPtr);
      this.run(j);
    });
    return this.qf;
  }

  /** Run job j of the queue on this thread. */
  private run(j: number): void {
    const o = Q_JOBS + j * JOB_INTS;
    runJob(this.x, this.q, this.qf, j, o);
    this.q[o + JOB_INTS - 1] = 1;
  }
}
