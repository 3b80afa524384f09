/**
 * The functions the compiled kernels export (src/engine/assembly/gemm.as): addresses are byte offsets
 * into the shared wasm memory, flags (tA, tB, relu, tC …) are 0 or 1, and every other number is i32
 * unless marked f64.
 */
export interface KernelExports {
  countNonzero(ptr: number, len: number): number;
  denseScratchBytes(nc: number): number;
  gemmDense(
    tA: number,
    tB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    scratch: number,
    skip: number,
  ): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  biasActivation(c: number, m: number, n: number, bias: number, relu: number): void;
  reluMask(c: number, len: number, a: number): void;
  scaleAdd(c: number, len: number, s: number, alpha: number, w: number): void;
  sparseScratchBytes(tA: number, m: number, n: number, k: number, rows: number): number;
  gemmSparse(
    tA: number,
    tB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    i0: number,
    i1: number,
    j0: number,
    j1: number,
    tC: number,
    s: number,
    alpha: number,
    w: number,
    scratch: number,
  ): void;
  gemmSmall(
    tA: number,
    tB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    scratch: number,
  ): void;
  narrowScratchBytes(m: number, n: number, k: number): number;
  gemmNarrow(
    tA: number,
    tB: number,
    m: number,
    n: number,
    k: number,
    a: number,
    b: number,
    c: number,
    scratch: number,
  ): void;
  sgdStep(theta: number, g: number, len: number, eta: number): void; // eta: f64
  sumOfSquares(v: number, len: number): number;
  columnSums(d: number, m: number, n: number, s: number, out: number): void; // s: f64
  softmaxCrossEntropy(
    z: number,
    m: number,
    K: number,
    labels: number,
    p: number,
    d: number,
    s: number,
    scratch: number,
  ): number; // s, result: f64
  biasUnitSgdStep(
    v: number,
    w: number,
    x: number,
    nIn: number,
    nHid: number,
    nOut: number,
    y: number,
    gamma: number,
    scratch: number,
  ): number; // gamma, result: f64
  gatherRows(src: number, d: number, idx: number, r0: number, r1: number, dst: number): number;
  gatherBytes(src: number, d: number, idx: number, r0: number, r1: number, dst: number): number;
}
