/**
 * The element-wise kernels on arrays inside the wasm memory: the epilogues a product applies to C
 * before it leaves the memory, and the updates of resident arrays (see src/engine/wasmHeap.ts).
 *
 *   epilogue      C ← relu?(C + 1·bᵀ)   |   C ← C ⊙ [mask > 0]   |   C ← s·C + α·W      (C: m×n)
 *   sgdStep       θ ← θ − η·g
 *   columnSums    out[j] = s·Σ_i D[i,j]                          (D: m×n)
 *   softmaxCE     Σ_i ℓ_i over the rows of Z (m×K); P = softmax(Z), Δ = s·(P − Y)
 *   sumOfSquares  Σ v_i²  (float64 sums)
 *
 * Long updates (at least ELEMENTWISE_MIN numbers) are cut into ELEMENTWISE_PIECES fixed pieces for the
 * threads: the same ranges on any number of threads, so the numbers never depend on it.
 */
import { KernelExports } from "./kernelExports";
import { Job } from "./jobQueue";
import { overlaps, WasmHeap } from "./wasmHeap";
import type { WorkerPool } from "./workerPool";

/** Updates of resident arrays at least this long are cut into ELEMENTWISE_PIECES jobs for the threads. */
const ELEMENTWISE_MIN = 1 << 16;
const ELEMENTWISE_PIECES = 2;

/** The parts of an engine these kernels work with. */
export interface EngineParts {
  readonly x: KernelExports;
  readonly heap: WasmHeap;
  readonly pool: WorkerPool;
}

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

/** The epilogue on C (m×n at cPtr) inside the wasm memory; its extra operand is copied to ePtr unless resident. */
export function applyEpilogue(
  { x, heap }: EngineParts,
  epilogue: Epilogue,
  m: number,
  n: number,
  cPtr: number,
  ePtr: number,
): void {
  if (epilogue.scale !== undefined) {
    const W = epilogue.W;
    const alpha = epilogue.alpha ?? 0;
    if (alpha !== 0 && (!W || W.length < m * n)) throw new RangeError(`gemm epilogue: W must hold ${m * n} numbers`);
    let wPtr = ePtr;
    if (alpha !== 0 && W) {
      const rw = heap.residentPtr(W);
      if (rw >= 0 && !overlaps(rw, m * n, cPtr, m * n)) wPtr = rw;
      else {
        heap.ensure(ePtr + m * n * 4);
        heap.f32().set(W.subarray(0, m * n), ePtr / 4);
      }
    }
    if (epilogue.scale !== 1 || alpha !== 0) x.scaleAdd(cPtr, m * n, epilogue.scale, alpha, wPtr); // α = 0 reads no W
  } else if (epilogue.mask) {
    if (epilogue.mask.length < m * n)
      throw new RangeError(`gemm epilogue: the mask has ${epilogue.mask.length} numbers, C has ${m * n}`);
    heap.ensure(ePtr + m * n * 4);
    heap.f32().set(epilogue.mask.subarray(0, m * n), ePtr / 4);
    x.reluMask(cPtr, m * n, ePtr);
  } else {
    const bias = epilogue.bias ?? null;
    if (bias && bias.length !== n)
      throw new RangeError(`gemm epilogue: the bias has ${bias.length} numbers, C has ${n} columns`);
    let bPtr = 0;
    if (bias) {
      const rb = heap.residentPtr(bias);
      if (rb >= 0 && !overlaps(rb, n, cPtr, m * n)) bPtr = rb;
      else {
        heap.ensure(ePtr + n * 4);
        heap.f32().set(bias, ePtr / 4);
        bPtr = ePtr;
      }
    }
    x.biasActivation(cPtr, m, n, bPtr, epilogue.relu ? 1 : 0);
  }
}

/**
 * Cut [0, len) of a resident array into ELEMENTWISE_PIECES ranges (multiples of 4) when it is long,
 * one job each, run on the threads. Returns each job's f64 result.
 */
function elementwise(pool: WorkerPool, len: number, job: (start: number, count: number) => Job): number[] {
  const pieces = len >= ELEMENTWISE_MIN ? ELEMENTWISE_PIECES : 1;
  const step = Math.max(4, Math.ceil(len / pieces / 4) * 4);
  const jobs: Job[] = [];
  for (let s = 0; s < len; s += step) jobs.push(job(s, Math.min(step, len - s)));
  const f = jobs.length > 1 && pool.threads > 1 ? pool.runShared(jobs) : pool.runHere(jobs);
  return jobs.map((_, j) => f[4 * j + 3]);
}

/** θ ← θ − η·g in place, in wasm, when θ and g are both resident (returns false, doing nothing, otherwise). */
export function sgdStepResident(
  { heap, pool }: EngineParts,
  theta: ArrayLike<number>,
  g: ArrayLike<number>,
  eta: number,
): boolean {
  const pt = heap.residentPtr(theta),
    pg = heap.residentPtr(g);
  if (pt < 0 || pg < 0 || theta.length !== g.length) return false;
  elementwise(pool, theta.length, (s, count) => ({ kernel: 2, args: [pt + 4 * s, pg + 4 * s, count], f: [eta] }));
  return true;
}

/** out[j] = s·Σ_i D[i,j] (D: m×n) in wasm when D and out are resident (returns false, doing nothing, otherwise). */
export function columnSumsResident(
  { x, heap }: EngineParts,
  D: Float32Array,
  m: number,
  n: number,
  s: number,
  out: Float32Array,
): boolean {
  const pd = heap.residentPtr(D),
    po = heap.residentPtr(out);
  if (pd < 0 || po < 0 || D.length < m * n || out.length < n) return false;
  x.columnSums(pd, m, n, s, po);
  return true;
}

/**
 * Σ_i ℓ_i of softmax + cross-entropy over the rows of Z (m×K), writing P and Δ = s·(P − Y) when
 * given, in wasm when Z, P and Δ are resident; NaN (doing nothing) otherwise. The labels must be
 * classes 0 … K−1 (the caller checks them).
 */
export function softmaxCrossEntropyResident(
  { x, heap }: EngineParts,
  Z: Float32Array,
  m: number,
  K: number,
  y: ArrayLike<number>,
  P: Float32Array | null,
  D: Float32Array | null,
  s: number,
): number {
  const pz = heap.residentPtr(Z),
    pp = P ? heap.residentPtr(P) : 0,
    pd = D ? heap.residentPtr(D) : 0;
  if (pz < 0 || pp < 0 || pd < 0) return NaN;
  const labels = heap.base; // the labels as i32, then the row's exponentials, in the products' scratch
  heap.ensure(labels + m * 4 + K * 8 + 64);
  const L = heap.i32(),
    l0 = labels / 4;
  for (let i = 0; i < m; i++) L[l0 + i] = y[i];
  return x.softmaxCrossEntropy(pz, m, K, labels, pp, pd, s, labels + m * 4);
}

/** Σ v_i² (float64 sums) in wasm when v is resident, else NaN. */
export function sumOfSquaresResident({ heap, pool }: EngineParts, v: ArrayLike<number>): number {
  const p = heap.residentPtr(v);
  if (p < 0) return NaN;
  const parts = elementwise(pool, v.length, (s, count) => ({ kernel: 3, args: [p + 4 * s, count] }));
  let sum = 0;
  for (const part of parts) sum += part; // partial sums added in a fixed order
  return sum;
}
