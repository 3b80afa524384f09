/**
 * Softmax, cross-entropy and its gradient in one pass over the logits.
 *
 *   for each row i (example) of the logits Z (n×K):
 *     M_i = max_k Z[i,k],   S_i = Σ_k exp(Z[i,k] − M_i)
 *     P[i,k] = exp(Z[i,k] − M_i) / S_i                         (softmax, stable)
 *     ℓ_i = −ln P[i, y_i] = M_i + ln S_i − Z[i, y_i]            (cross-entropy, never ln 0)
 *     Δ[i,k] = s·(P[i,k] − [k = y_i])                          (∂(s·Σℓ)/∂Z, s = 1/n for the mean)
 *   returns Σ_i ℓ_i (the caller divides by n).
 *
 * P and Δ are outputs (n×K each, or null to skip); they must be different matrices. Z is not modified.
 */
import { Matrix, ShapeError } from "../core/matrix";
import { defaultGemmKernel } from "./wasmGemm";

function checkLabels(op: string, Z: Matrix, y: ArrayLike<number>): void {
  if (y.length !== Z.rows)
    throw new ShapeError(`${op}: Z is ${Z.shape} (one row per example) but y has ${y.length} labels`);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(Number.isInteger(c) && c >= 0 && c < Z.cols))
      throw new RangeError(`${op}: label y[${i}] = ${c} is not a class 0…${Z.cols - 1}`);
  }
}

function checkOut(op: string, Z: Matrix, M: Matrix | null, name: string): void {
  if (M && (M.rows !== Z.rows || M.cols !== Z.cols))
    throw new ShapeError(`${op}: Z is ${Z.shape} but ${name} is ${M.shape}`);
}

/** Scratch for one row of exponentials (grown to the widest Z seen). */
let e = new Float64Array(16);

/** Σ_i ℓ_i over the batch, with P = softmax(Z) and Δ = s·(P − Y) written when given. Z: n×K, y: n labels. */
export function fusedSoftmaxCrossEntropy(
  Z: Matrix,
  y: ArrayLike<number>,
  P: Matrix | null,
  D: Matrix | null,
  s = 1,
): number {
  const op = "fusedSoftmaxCrossEntropy";
  checkLabels(op, Z, y);
  checkOut(op, Z, P, "P");
  checkOut(op, Z, D, "Δ");
  if (P && D && P.data === D.data) throw new ShapeError(`${op}: P and Δ must be different matrices`);
  if (
    Z.data instanceof Float32Array &&
    (!P || P.data instanceof Float32Array) &&
    (!D || D.data instanceof Float32Array)
  ) {
    // resident float32 arrays (a model's per-batch buffers): the same loop in wasm (exp and ln of the
    // wasm build, which may differ from JavaScript's in the last bit)
    const engine = defaultGemmKernel().engine;
    const total = engine
      ? engine.softmaxCrossEntropyResident(
          Z.data,
          Z.rows,
          Z.cols,
          y,
          P ? (P.data as Float32Array) : null,
          D ? (D.data as Float32Array) : null,
          s,
        )
      : NaN;
    if (!Number.isNaN(total)) return total;
  }
  const K = Z.cols,
    z = Z.data;
  const p = P ? P.data : null,
    d = D ? D.data : null;
  if (e.length < K) e = new Float64Array(K);
  const ex = e; // exp(Z[i,k] − M_i) of the current row, computed once
  let total = 0;
  for (let i = 0; i < Z.rows; i++) {
    const o = i * K;
    let M = z[o];
    for (let k = 1; k < K; k++) if (z[o + k] > M) M = z[o + k];
    let S = 0;
    for (let k = 0; k < K; k++) {
      const v = Math.exp(z[o + k] - M);
      ex[k] = v;
      S += v;
    }
    const lnS = Math.log(S);
    const yi = y[i];
    total += M + lnS - z[o + yi];
    if (p || d) {
      const inv = 1 / S;
      for (let k = 0; k < K; k++) {
        const pk = ex[k] * inv;
        if (p) p[o + k] = pk;
        if (d) d[o + k] = s * (k === yi ? pk - 1 : pk);
      }
    }
  }
  return total;
}

/** Reference, formula by formula: P = softmax(Z); ℓ_i = −ln P[i,y_i]; Δ = s·(P − onehot(y)). */
export function fusedSoftmaxCrossEntropyReference(
  Z: Matrix,
  y: ArrayLike<number>,
  P: Matrix | null,
  D: Matrix | null,
  s = 1,
): number {
  let total = 0;
  for (let i = 0; i < Z.rows; i++) {
    const row = Array.from(Z.row(i));
    const M = Math.max(...row);
    const e = row.map((v) => Math.exp(v - M));
    const S = e.reduce((a, b) => a + b, 0);
    const prob = e.map((v) => v / S);
    total += -Math.log(prob[y[i]]);
    for (let k = 0; k < Z.cols; k++) {
      if (P) P.set(i, k, prob[k]);
      if (D) D.set(i, k, s * (prob[k] - (k === y[i] ? 1 : 0)));
    }
  }
  return total;
}
