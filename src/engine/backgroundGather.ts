/**
 * The background gather: the next mini-batch copied by the worker threads while the caller trains on
 * the current one.
 *
 *   dst[r, :] = src[order[start + r], :]   for r < count   (rows of d floats, src and dst resident)
 *   dst[r, j] = src[order[start + r]·d + j] / 255           (src: resident bytes, dst float32: pixels)
 *
 * The caller posts it (BackgroundGather.start) and does not wait; a worker copies it in chunks of
 * BG.chunk rows whenever it has no product job (it looks for jobs after every chunk), and the caller
 * copies whatever chunks are left when it needs the batch (BackgroundGather.wait).
 */
import { KernelExports } from "./kernelExports";
import { BG, gatherChunks, Q_BG, SPIN_MS } from "./jobQueue";
import { WasmHeap } from "./wasmHeap";
import type { WorkerPool } from "./workerPool";

/** One background gather at a time, on a pool's queue; its row indices live in the wasm memory. */
export class BackgroundGather {
  /** The gather's row indices (resident), sequence number, and whether one is running. */
  private index: Int32Array | null = null;
  private seq = 0;
  private pending = false;

  constructor(
    private readonly x: KernelExports,
    private readonly heap: WasmHeap,
    private readonly pool: WorkerPool,
  ) {}

  /**
   * Starts the gather (see the file's comment; bytes when src is a Uint8Array) in the background. src and dst must be
   * resident and the
   * indices valid rows of src (the caller checks them). Returns false, starting nothing, when src or
   * dst is not resident or no worker runs.
   */
  start(
    src: Float32Array | Uint8Array,
    d: number,
    order: ArrayLike<number>,
    start: number,
    count: number,
    dst: Float32Array,
  ): boolean {
    this.wait(); // one background gather at a time
    const bytes = src instanceof Uint8Array;
    const ps = bytes ? this.heap.residentBytesPtr(src) : this.heap.residentPtr(src),
      pd = this.heap.residentPtr(dst);
    if (ps < 0 || pd < 0 || this.pool.threads < 2 || count <= 0 || count > 0xffff * BG.chunk || dst.length < count * d)
      return false;
    if (!this.index || this.index.length < count) {
      const buf = this.heap.alloc(Math.max(count, 256));
      if (!buf) return false;
      this.index = new Int32Array(buf.buffer, buf.byteOffset, buf.length);
    }
    const idx = this.index;
    for (let r = 0; r < count; r++) idx[r] = order[start + r];
    const q = this.pool.q,
      o = BG.slot;
    this.seq = (this.seq % 0x7fff) + 1;
    this.pending = true;
    // the claim counter first (a chunk claimed for an older gather is then dropped), the rest, and
    // last the number that workers look for
    Atomics.store(q, BG.claim, this.seq << 16);
    Atomics.store(q, BG.rows, (this.seq & 0xfff) << 20);
    Atomics.store(q, o, ps);
    Atomics.store(q, o + 1, d);
    Atomics.store(q, o + 2, idx.byteOffset);
    Atomics.store(q, o + 3, count);
    Atomics.store(q, o + 4, pd);
    Atomics.store(q, o + 7, bytes ? 1 : 0);
    Atomics.store(q, Q_BG, this.seq); // publish, then wake the workers
    this.pool.wake();
    return true;
  }

  /** Finishes the gather: copies the chunks no worker has taken, waits for the others. */
  wait(): void {
    if (!this.pending) return;
    this.pending = false;
    const q = this.pool.q,
      rows = q[BG.slot + 3];
    gatherChunks(this.x, q, this.seq, false, BG);
    const t0 = performance.now();
    for (let spins = 1; (Atomics.load(q, BG.rows) & 0xfffff) < rows; spins++) {
      if ((spins & 1023) === 0 && performance.now() - t0 > SPIN_MS) break;
    }
    for (let done = Atomics.load(q, BG.rows); (done & 0xfffff) < rows; done = Atomics.load(q, BG.rows)) {
      if (Atomics.wait(q, BG.rows, done, 2000) === "timed-out") {
        // no chunk finished in 2 s (16 rows take microseconds): a worker died or failed holding one.
        // Copy every row here (copying a row twice is harmless).
        const copy = q[BG.slot + 7] === 1 ? this.x.gatherBytes : this.x.gatherRows;
        copy(q[BG.slot], q[BG.slot + 1], q[BG.slot + 2], 0, rows, q[BG.slot + 4]);
        break;
      }
    }
  }
}
