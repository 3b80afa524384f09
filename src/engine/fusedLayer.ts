/**
 * Fused element-wise kernels of a dense layer: one pass over the array instead of two or three.
 * Each fast kernel has a plain reference beside it (`…Reference`), written formula by formula;
 * test/kernels.test.ts holds them equal.
 *
 * Shapes: Z, A, Δ are n×m (one example per row), b is 1×m (or m numbers).
 */
import { Matrix, ShapeError } from "../core/matrix";
import { defaultGemmKernel } from "./wasmGemm";

/** The activations the fused kernels know (f and f' inlined, no per-element function call). */
export type FusedActivation = "identity" | "relu" | "sigmoid" | "tanh";

function checkSame(op: string, A: Matrix, B: Matrix, an: string, bn: string): void {
  if (A.rows !== B.rows || A.cols !== B.cols)
    throw new ShapeError(`${op}: ${an} is ${A.shape} but ${bn} is ${B.shape}`);
}

function checkBias(op: string, Z: Matrix, b: Matrix | ArrayLike<number>): ArrayLike<number> {
  const bd: ArrayLike<number> = b instanceof Matrix ? b.data : b;
  if (b instanceof Matrix && b.rows !== 1) throw new ShapeError(`${op}: b must be 1×${Z.cols}, got ${b.shape}`);
  if (bd.length !== Z.cols)
    throw new ShapeError(`${op}: Z is ${Z.shape} but b has ${bd.length} entries (needs ${Z.cols})`);
  return bd;
}

function checkActivation(op: string, f: string): void {
  if (f !== "identity" && f !== "relu" && f !== "sigmoid" && f !== "tanh") {
    throw new Error(`${op}: unknown activation "${f}" (use identity, relu, sigmoid or tanh)`);
  }
}

/**
 * Z ← Z + b (broadcast over rows) and A = f(Z), in one pass.   Z: n×m (updated in place), b: 1×m, A: n×m.
 * Keeps Z + b in Z because backprop needs f'(Z). A may be Z itself when Z is not needed later.
 */
export function fusedBiasActivation(
  Z: Matrix,
  b: Matrix | ArrayLike<number> | null,
  f: FusedActivation,
  A: Matrix,
): Matrix {
  checkActivation("fusedBiasActivation", f);
  checkSame("fusedBiasActivation", Z, A, "Z", "A");
  const bd = b === null ? null : checkBias("fusedBiasActivation", Z, b);
  const z = Z.data,
    a = A.data,
    m = Z.cols,
    n = Z.rows;
  for (let i = 0; i < n; i++) {
    const o = i * m;
    if (f === "relu") {
      for (let j = 0; j < m; j++) {
        const v = bd === null ? z[o + j] : z[o + j] + bd[j];
        z[o + j] = v;
        a[o + j] = v > 0 ? v : 0;
      }
    } else if (f === "sigmoid") {
      for (let j = 0; j < m; j++) {
        const v = bd === null ? z[o + j] : z[o + j] + bd[j];
        z[o + j] = v;
        a[o + j] = 1 / (1 + Math.exp(-v));
      }
    } else if (f === "tanh") {
      for (let j = 0; j < m; j++) {
        const v = bd === null ? z[o + j] : z[o + j] + bd[j];
        z[o + j] = v;
        a[o + j] = Math.tanh(v);
      }
    } else {
      for (let j = 0; j < m; j++) {
        const v = bd === null ? z[o + j] : z[o + j] + bd[j];
        z[o + j] = v;
        a[o + j] = v;
      }
    }
  }
  return A;
}

/** Reference: Z ← Z + b, then A = f(Z), as two separate loops. */
export function fusedBiasActivationReference(
  Z: Matrix,
  b: Matrix | ArrayLike<number> | null,
  f: FusedActivation,
  A: Matrix,
): Matrix {
  const bd: ArrayLike<number> | null = b === null ? null : b instanceof Matrix ? b.data : b;
  for (let i = 0; i < Z.rows; i++) for (let j = 0; j < Z.cols; j++) if (bd) Z.set(i, j, Z.get(i, j) + bd[j]);
  const fn = (z: number) =>
    f === "relu" ? Math.max(z, 0) : f === "sigmoid" ? 1 / (1 + Math.exp(-z)) : f === "tanh" ? Math.tanh(z) : z;
  for (let i = 0; i < Z.rows; i++) for (let j = 0; j < Z.cols; j++) A.set(i, j, fn(Z.get(i, j)));
  return A;
}

/**
 * Backprop through the activation, in place:  Δ ← Δ ⊙ f'(Z), with f'(Z) computed from A = f(Z)
 * where that is cheaper (sigmoid: A(1−A), tanh: 1−A²; ReLU: [Z > 0]).   Δ, Z, A: n×m.
 */
export function fusedActivationBackward(D: Matrix, Z: Matrix, A: Matrix, f: FusedActivation): Matrix {
  checkActivation("fusedActivationBackward", f);
  checkSame("fusedActivationBackward", D, Z, "Δ", "Z");
  checkSame("fusedActivationBackward", D, A, "Δ", "A");
  const d = D.data,
    z = Z.data,
    a = A.data,
    len = d.length;
  if (f === "relu") for (let i = 0; i < len; i++) d[i] = z[i] > 0 ? d[i] : 0;
  else if (f === "sigmoid") for (let i = 0; i < len; i++) d[i] *= a[i] * (1 - a[i]);
  else if (f === "tanh") for (let i = 0; i < len; i++) d[i] *= 1 - a[i] * a[i];
  return D;
}

/** Reference: Δ[i,j] ← Δ[i,j]·f'(Z[i,j]) with f' written from its definition. */
export function fusedActivationBackwardReference(D: Matrix, Z: Matrix, A: Matrix, f: FusedActivation): Matrix {
  const df = (z: number) => {
    if (f === "relu") return z > 0 ? 1 : 0;
    if (f === "sigmoid") {
      const s = 1 / (1 + Math.exp(-z));
      return s * (1 - s);
    }
    if (f === "tanh") return 1 - Math.tanh(z) ** 2;
    return 1;
  };
  void A;
  for (let i = 0; i < D.rows; i++) for (let j = 0; j < D.cols; j++) D.set(i, j, D.get(i, j) * df(Z.get(i, j)));
  return D;
}

/**
 * The bias gradient, scaled:  g_b[j] = s·Σ_i Δ[i,j]  (s = 1/n for a mean loss).   Δ: n×m, g_b: 1×m.
 * Accumulates in float64 for accuracy, then stores.
 */
export function fusedBiasGradient(D: Matrix, s: number, gb: Matrix): Matrix {
  if (gb.rows !== 1 || gb.cols !== D.cols)
    throw new ShapeError(`fusedBiasGradient: Δ is ${D.shape} so g_b must be 1×${D.cols}, got ${gb.shape}`);
  const m = D.cols,
    d = D.data;
  if (d instanceof Float32Array && gb.data instanceof Float32Array) {
    const e = defaultGemmKernel().engine; // resident: the same f64 sums in wasm SIMD
    if (e && e.columnSumsResident(d, D.rows, m, s, gb.data)) return gb;
  }
  // four rows per pass over the sums: a quarter of the loads and stores of acc (float64 sums of float32
  // entries come out the same however they are grouped, unless their exponents are ~30 apart)
  const acc = new Float64Array(m);
  let i = 0;
  for (; i + 4 <= D.rows; i += 4) {
    const o0 = i * m,
      o1 = o0 + m,
      o2 = o1 + m,
      o3 = o2 + m;
    for (let j = 0; j < m; j++) acc[j] += d[o0 + j] + d[o1 + j] + (d[o2 + j] + d[o3 + j]);
  }
  for (; i < D.rows; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) acc[j] += d[o + j];
  }
  for (let j = 0; j < m; j++) gb.data[j] = s * acc[j];
  return gb;
}
