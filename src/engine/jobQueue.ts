/**
 * The job queue, shared by the caller and every worker thread (an Int32Array over one
 * SharedArrayBuffer, plus a Float64Array for f64 arguments and results):
 *
 *   [0] sequence number of the latest posting (−1: quit)   [1] next job to claim (claimed with Atomics.add)
 *   [2] jobs in this posting   [3] jobs finished   [4] error flag   [5] workers that started
 *   [6] sequence number of the latest background gather
 *   [8 + 20·j …] job j: kernel (0 dense, 1 sparse, 2 sgdStep, 3 sumOfSquares), its arguments, and
 *                 last a done flag; its f64 arguments and result sit in the float buffer at [4j …]
 *   [BG …]       the background gather (src/engine/backgroundGather.ts), which the caller does not wait
 *                 for when it posts it: source, row length, index list, rows, destination; the next chunk
 *                 of BG.chunk rows to claim, as (sequence number << 16 | chunk) (compareExchange); the rows
 *                 copied so far, as ((sequence number & 0xfff) << 20 | rows); the kind (0 float32 rows,
 *                 1 byte rows converted to float32 b/255)
 *
 * Whoever is awake claims jobs until none are left; the caller then waits only for jobs that a worker
 * actually claimed (src/engine/workerPool.ts). runJob and gatherChunks below are what both sides run.
 */
import { KernelExports } from "./kernelExports";

export const Q_SEQ = 0,
  Q_NEXT = 1,
  Q_COUNT = 2,
  Q_DONE = 3,
  Q_ERR = 4,
  Q_READY = 5,
  Q_BG = 6,
  Q_JOBS = 8,
  JOB_INTS = 20,
  MAX_JOBS = 64;
/** Where the background gather sits in the queue (see above); passed to gatherChunks, which the workers run too. */
export const BG = {
  next: Q_NEXT,
  count: Q_COUNT,
  slot: Q_JOBS + MAX_JOBS * JOB_INTS,
  claim: Q_JOBS + MAX_JOBS * JOB_INTS + 5,
  rows: Q_JOBS + MAX_JOBS * JOB_INTS + 6,
  chunk: 16,
};
export type BgLayout = typeof BG;
/** Ints in the queue: the job slots and the background gather's slot. */
export const QUEUE_INTS = BG.slot + JOB_INTS;
/** The claim counter's value while no posting is open (no job can be claimed). */
export const CLOSED = 1 << 30;
/** How long (ms) a worker, and the caller waiting for workers, spin before they sleep. */
export const SPIN_MS = 0.5;

/**
 * One piece of work: a product kernel on a range of output rows or columns (0 dense, 1 sparse), or an
 * update on a range of a resident array (2 sgdStep, its f64 argument η in `f`; 3 sumOfSquares, whose
 * f64 result comes back in the job's float slot). A sparse job's `f` holds s and α of its finish.
 */
export type Job = { kernel: 0 | 1 | 2 | 3; args: number[]; f?: number[] };

/**
 * Job j of the queue (its ints from q[o], its f64 slots f[4j …]) on the kernels x. The one dispatch
 * for the caller and the workers: the worker source (src/engine/workerPool.ts) embeds this function's
 * text, so it must stay plain JavaScript once compiled, with no reference outside its parameters.
 */
export function runJob(x: KernelExports, q: Int32Array, f: Float64Array, j: number, o: number): void {
  const kind = q[o];
  if (kind === 0)
    x.gemmDense(
      q[o + 1],
      q[o + 2],
      q[o + 3],
      q[o + 4],
      q[o + 5],
      q[o + 6],
      q[o + 7],
      q[o + 8],
      q[o + 9],
      q[o + 10],
      q[o + 11],
      q[o + 12],
      q[o + 13],
      q[o + 14],
    );
  else if (kind === 1)
    x.gemmSparse(
      q[o + 1],
      q[o + 2],
      q[o + 3],
      q[o + 4],
      q[o + 5],
      q[o + 6],
      q[o + 7],
      q[o + 8],
      q[o + 9],
      q[o + 10],
      q[o + 11],
      q[o + 12],
      q[o + 13],
      f[4 * j],
      f[4 * j + 1],
      q[o + 14],
      q[o + 15],
    );
  else if (kind === 2) x.sgdStep(q[o + 1], q[o + 2], q[o + 3], f[4 * j]);
  else f[4 * j + 3] = x.sumOfSquares(q[o + 1], q[o + 2]);
}

/** Write a job into slot j of the queue (not yet done), with its scratch area when it is a product. */
export function writeJob(q: Int32Array, qf: Float64Array, job: Job, j: number, scratch: number): void {
  const o = Q_JOBS + j * JOB_INTS;
  q[o] = job.kernel;
  const args = job.args.slice();
  if (job.kernel <= 1) args[job.kernel === 0 ? 12 : 14] = scratch;
  for (let t = 0; t < args.length; t++) q[o + 1 + t] = args[t] | 0;
  q[o + JOB_INTS - 1] = 0;
  qf[4 * j] = job.f?.[0] ?? 0;
  qf[4 * j + 1] = job.f?.[1] ?? 0;
}

/**
 * Claims and copies chunks of the background gather number `seq` until none is left, or, when
 * `yieldToJobs`, until a product job is waiting (a worker runs those first). Returns whether chunks
 * may be left. The slot's int 7 says what is copied: 0 float32 rows (the wasm kernel gatherRows), 1 byte
 * rows converted to float32 b/255 (gatherBytes). Shared by the caller (src/engine/backgroundGather.ts) and the workers
 * like runJob (the worker source
 * embeds its text, so it must stay plain JavaScript with no reference outside its parameters).
 */
export function gatherChunks(
  x: KernelExports,
  q: Int32Array,
  seq: number,
  yieldToJobs: boolean,
  bg: BgLayout,
): boolean {
  for (;;) {
    if (yieldToJobs && Atomics.load(q, bg.next) < Atomics.load(q, bg.count)) return true;
    const cur = Atomics.load(q, bg.claim);
    if (cur >>> 16 !== seq) return false; // a later gather, or none
    const rows = Atomics.load(q, bg.slot + 3);
    const r0 = (cur & 0xffff) * bg.chunk;
    if (r0 >= rows) return false;
    if (Atomics.compareExchange(q, bg.claim, cur, cur + 1) !== cur) continue;
    const r1 = Math.min(rows, r0 + bg.chunk);
    const src = Atomics.load(q, bg.slot),
      d = Atomics.load(q, bg.slot + 1),
      idx = Atomics.load(q, bg.slot + 2),
      dst = Atomics.load(q, bg.slot + 4),
      kind = Atomics.load(q, bg.slot + 7);
    if (Atomics.load(q, bg.claim) >>> 16 !== seq) return false; // a new gather was posted meanwhile (after a timeout)
    if (kind === 1) x.gatherBytes(src, d, idx, r0, r1, dst);
    else x.gatherRows(src, d, idx, r0, r1, dst);
    // rows done, tagged with the gather's number: a late chunk of an older gather must not count
    for (;;) {
      const done = Atomics.load(q, bg.rows);
      if (done >>> 20 !== (seq & 0xfff) || Atomics.compareExchange(q, bg.rows, done, done + (r1 - r0)) === done) break;
    }
    Atomics.notify(q, bg.rows);
  }
}
