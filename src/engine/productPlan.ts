/**
 * Product planning: which kernel a product C = op(A)·op(B) (m×n, depth k) runs on, and how it is cut
 * into jobs for the threads.
 *
 *   small    ≤ SMALL_MACS multiply-adds: one unpacked call on this thread (a mini-batch step's products)
 *   narrow   a side ≤ NARROW_SIDE (an output layer of 10 classes) and ≤ NARROW_MACS: 4×8 register tiles
 *            straight from the stored rows, on this thread
 *   sparseA/B one factor mostly zeros (MNIST pixels are ~81% zeros): the row-sparse kernel, each row's
 *            nonzeros times 32-column strips of the other factor ("strips", the default)
 *   skipA/B  the same case with sparseMode "skip": the dense 4×8 kernel over the nonzero depths of each
 *            4-row panel
 *   dense    otherwise: packed panels, 4×8 tiles, cut into ranges of rows or columns of C
 * The densities are counted (or sampled, see density) inside the wasm memory; the same data always
 * gives the same choice.
 */
import { KernelExports } from "./kernelExports";
import { Job } from "./jobQueue";
import { align64 } from "./wasmHeap";

/** A factor is treated as sparse when at most this fraction of its entries is nonzero. */
const SPARSE_DENSITY = 0.35;
/** Floats counted to find a factor's density (see density): all of a smaller factor, else this many in blocks. */
const DENSITY_SAMPLE = 1 << 15,
  DENSITY_BLOCKS = 32;
/** A factor this sparse is taken for the sparse kernel without counting the other one. */
const CLEARLY_SPARSE = 0.25;
/** The same for the panel-skipping kernel (cheap when it finds little to skip). */
const SKIP_DENSITY = 0.35;
/** Products smaller than this many multiply-adds run on one thread. */
export const PARALLEL_MIN_MACS = 1 << 20;
/**
 * Products with at most this many multiply-adds run on the small kernel: one thread, straight on the
 * stored layouts, no packing, no zero counting (a mini-batch step's products; see gemmSmall in gemm.as).
 */
export const SMALL_MACS = 1 << 17;
/**
 * A product with a side this narrow (rows, columns or depth: a layer of 10 classes) and at most
 * NARROW_MACS multiply-adds runs on gemmNarrow: one thread, 4×8 tiles of C straight from the stored
 * rows, only the narrow factor copied.
 */
export const NARROW_SIDE = 16;
export const NARROW_MACS = 1 << 22;
/** Scratch memory above which a product is cut into fewer pieces. */
export const SCRATCH_BUDGET = 256 << 20;

/**
 * The kernel a product used: dense, dense skipping zero panels of A or of B, the row-sparse kernels, or the small
 * (unpacked) kernel.
 */
export type Kind = "dense" | "skipA" | "skipB" | "sparseA" | "sparseB" | "small" | "narrow";

/** The weight-gradient finish C = s·C + α·W a sparse job applies as it writes C (w: W's address, 0 when α = 0). */
export type Finish = { s: number; alpha: number; w: number };

/**
 * The fraction of nonzeros among len floats at ptr: exact up to DENSITY_SAMPLE floats, else counted
 * on DENSITY_BLOCKS evenly spaced blocks (the kernel choice needs only a rough figure, and counting
 * all of a 60000-image data set would take milliseconds). The same data always gives the same figure.
 */
export function density(x: KernelExports, ptr: number, len: number): number {
  if (len <= DENSITY_SAMPLE) return x.countNonzero(ptr, len) / len;
  const block = Math.floor(DENSITY_SAMPLE / DENSITY_BLOCKS) & ~3;
  const gap = Math.floor((len - block) / (DENSITY_BLOCKS - 1)) & ~3;
  let nz = 0;
  for (let b = 0; b < DENSITY_BLOCKS; b++) nz += x.countNonzero(ptr + b * gap * 4, block);
  return nz / (block * DENSITY_BLOCKS);
}

/**
 * The kernel for a product big enough for the packed kernels: one that skips zeros when a factor is
 * mostly zeros and the product is big enough to care (sparse = false or mode "off": always dense).
 */
export function chooseKind(
  x: KernelExports,
  sparse: boolean,
  sparseMode: "skip" | "strips" | "off",
  m: number,
  n: number,
  k: number,
  aPtr: number,
  bPtr: number,
): Kind {
  let kind: Kind = "dense";
  if (sparse && sparseMode !== "off" && k > 0 && m * n * k >= 1 << 16) {
    const limit = sparseMode === "skip" ? SKIP_DENSITY : SPARSE_DENSITY;
    const skip = sparseMode === "skip";
    // fraction of nonzeros in each factor (counting is O(mk + kn), small beside the O(mnk) product);
    // the smaller factor first, and when it is clearly sparse the other is not counted
    const countA = () => (n >= 8 ? density(x, aPtr, m * k) : 1);
    const countB = () => (m >= 8 ? density(x, bPtr, k * n) : 1);
    let dA = 1,
      dB = 1;
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
  return kind;
}

/**
 * Cut a product into jobs on `threads` threads, about `pieces` of them: ranges of rows (or columns) of
 * C, each a kernel call (sparse jobs with the finish, if any). scratchBytes: each job's scratch.
 */
export function planJobs(
  x: KernelExports,
  threads: number,
  kind: Kind,
  pieces: number,
  tA: number,
  tB: number,
  m: number,
  n: number,
  k: number,
  aPtr: number,
  bPtr: number,
  cPtr: number,
  finish: Finish | null,
): { jobs: Job[]; scratchBytes: number } {
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
    const parts = Math.max(1, Math.min(pieces, Math.max(threads, Math.floor(len / 192)), Math.floor(len / unit)));
    const step = Math.ceil(len / parts / unit) * unit;
    scratchBytes = align64(x.denseScratchBytes(byRows ? nn : Math.min(step, nn)));
    for (let s = 0; s < len; s += step) {
      const e = Math.min(len, s + step);
      const [i0, i1, j0, j1] = byRows ? [s, e, 0, nn] : [0, mm, s, e];
      jobs.push({ kernel: 0, args: [dA, dB, mm, nn, k, pa, pb, cPtr, i0, i1, j0, j1, 0, skip] });
    }
  } else {
    // sparseA: rows of C = op(A)·op(B).   sparseB: rows of Cᵀ = op(B)ᵀ·op(A)ᵀ, written transposed.
    const [sA, sB, mm, nn, pa, pb, tC] =
      kind === "sparseA" ? [tA, tB, m, n, aPtr, bPtr, 0] : [1 - tB, 1 - tA, n, m, bPtr, aPtr, 1];
    // Every job packs the part of op(B) it multiplies. With sA = 0 the jobs split the columns (strips
    // of 32) first, so the threads pack disjoint parts, and the rows only when there are many;
    // with sA = 1 a job packs all of op(B), so there is one row range per thread.
    const cols = sA === 0 ? Math.max(1, Math.min(threads, Math.floor(nn / 32))) : 1;
    const rowParts =
      sA === 0
        ? Math.max(1, Math.min(Math.floor(pieces / cols), Math.floor(mm / 512)))
        : Math.max(1, Math.min(threads, Math.floor(mm / 4)));
    const rstep = Math.ceil(mm / rowParts / 4) * 4;
    const cstep = Math.ceil(nn / cols / 32) * 32;
    scratchBytes = align64(x.sparseScratchBytes(sA, mm, Math.min(cstep, nn), k, rstep));
    for (let s = 0; s < mm; s += rstep) {
      for (let j = 0; j < nn; j += cstep) {
        jobs.push({
          kernel: 1,
          args: [
            sA,
            sB,
            mm,
            nn,
            k,
            pa,
            pb,
            cPtr,
            s,
            Math.min(mm, s + rstep),
            j,
            Math.min(nn, j + cstep),
            tC,
            finish?.w ?? 0,
            0,
          ],
          f: [finish?.s ?? 1, finish?.alpha ?? 0],
        });
      }
    }
  }
  return { jobs, scratchBytes };
}
