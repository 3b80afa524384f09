/**
 * Softmax, log-softmax, cross-entropy and one-hot labels, row by row on an n×K matrix of logits Z
 * (one example per row, one column per class).
 *
 *   softmax      s_k = e^{z_k} / Σ_l e^{z_l}           computed as e^{z_k − m} / Σ_l e^{z_l − m}, m = max_l z_l
 *   log-softmax  ln s_k = z_k − LSE(z),                 LSE(z) = m + ln Σ_l e^{z_l − m}  (log-sum-exp)
 *   Jacobian     ∂s_i/∂z_j = s_i (1{i=j} − s_j)
 *   cross-entropy (negative log-likelihood), mean over the n rows:
 *                L = (1/n) Σ_i −ln s_{y_i}(z_i) = (1/n) Σ_i (LSE(z_i) − z_{i,y_i})
 *   its gradient  ∂L/∂z_i = (s_i − e_{y_i}) / n         (e_y: the one-hot vector of label y)
 *
 * Subtracting the row maximum m changes nothing mathematically (it cancels in the fraction) but keeps
 * every exponent ≤ 0, so nothing overflows even for logits like 1000.
 */
import { DType, Matrix, ShapeError, zeros } from "../core/matrix";
import { describeValue } from "../core/describe";

/**
 * Throws unless every label y[i] is an integer in 0…K−1; the message names the row and value, with
 * the labels called `what` ("data.y" when the rows are those of a whole data set).
 */
export function checkClassLabels(op: string, y: ArrayLike<number>, K: number, what = "y"): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!(Number.isInteger(v) && v >= 0 && v < K)) throw new LabelError(op, what, i, v, K);
  }
}

/** A label that is not a class 0…K−1, with where it was found (so a caller can name the row in its own data). */
export class LabelError extends RangeError {
  constructor(
    readonly op: string,
    readonly what: string,
    readonly index: number,
    readonly value: number,
    readonly classes: number,
    note = "",
  ) {
    super(`${op}: label ${what}[${index}] = ${value} is not a class in 0…${classes - 1}${note}`);
  }
}

function sameRows(op: string, Z: Matrix, y: ArrayLike<number>): void {
  if (y.length !== Z.rows)
    throw new ShapeError(`${op}: Z is ${Z.shape} (one row per example) but y has ${y.length} labels`);
}

function outFor(op: string, Z: Matrix, out?: Matrix): Matrix {
  if (!out) return zeros(Z.rows, Z.cols, Z.dtype);
  if (out.rows !== Z.rows || out.cols !== Z.cols)
    throw new ShapeError(`${op}: Z is ${Z.shape} but out is ${out.shape}`);
  return out;
}

/** LSE(z) = ln Σ_k e^{z_k} = m + ln Σ_k e^{z_k − m}, m = max_k z_k, of z = v[start … start+K−1]. */
export function logSumExp(v: ArrayLike<number>, start = 0, K = v.length - start): number {
  let m = -Infinity;
  for (let k = 0; k < K; k++) if (v[start + k] > m) m = v[start + k];
  if (m === Infinity || m === -Infinity || Number.isNaN(m)) return m; // all −∞, or a +∞ / NaN logit
  let s = 0;
  for (let k = 0; k < K; k++) s += Math.exp(v[start + k] - m);
  return m + Math.log(s);
}

/** S = softmax(Z) row-wise: S[i,k] = e^{Z[i,k] − m_i} / Σ_l e^{Z[i,l] − m_i}.  Z: n×K → S: n×K (out may be Z). */
export function softmax(Z: Matrix, out?: Matrix): Matrix {
  const S = outFor("softmax", Z, out);
  const K = Z.cols;
  const z = Z.data;
  const s = S.data;
  for (let i = 0; i < Z.rows; i++) {
    const r = i * K;
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (z[r + k] > m) m = z[r + k];
    let total = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(z[r + k] - m);
      s[r + k] = e;
      total += e;
    }
    for (let k = 0; k < K; k++) s[r + k] /= total;
  }
  return S;
}

/** log-softmax row-wise: L[i,k] = Z[i,k] − LSE(Z[i,:]).  Z: n×K → n×K (out may be Z). */
export function logSoftmax(Z: Matrix, out?: Matrix): Matrix {
  const L = outFor("logSoftmax", Z, out);
  const K = Z.cols;
  for (let i = 0; i < Z.rows; i++) {
    const lse = logSumExp(Z.data, i * K, K);
    for (let k = 0; k < K; k++) L.data[i * K + k] = Z.data[i * K + k] - lse;
  }
  return L;
}

/** The softmax Jacobian at probabilities s (length K): J[i,j] = ∂s_i/∂z_j = s_i (1{i=j} − s_j).  → K×K. */
export function softmaxJacobian(s: ArrayLike<number>): Matrix {
  const K = s.length;
  const J = zeros(K, K, "float64");
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) J.data[i * K + j] = s[i] * ((i === j ? 1 : 0) - s[j]);
  return J;
}

/** Y = one-hot(y): Y[i,k] = 1{y_i = k}.  y: n labels in 0…K−1 → Y: n×K.  Bad labels throw (row and value). */
export function oneHot(y: ArrayLike<number>, K: number, dtype: DType = "float64"): Matrix {
  if (!Number.isInteger(K) || K <= 0)
    throw new RangeError(`oneHot: the number of classes K must be a positive integer, got ${describeValue(K)}`);
  checkClassLabels("oneHot", y, K);
  const Y = zeros(y.length, K, dtype);
  for (let i = 0; i < y.length; i++) Y.data[i * K + y[i]] = 1;
  return Y;
}

/** ℓ_i = −ln s_{y_i}(z_i) = LSE(z_i) − z_{i,y_i}, one loss per row.  Z: n×K, y: n labels → Float64Array(n). */
export function crossEntropyPerExample(Z: Matrix, y: ArrayLike<number>): Float64Array {
  sameRows("crossEntropy", Z, y);
  checkClassLabels("crossEntropy", y, Z.cols);
  const K = Z.cols;
  const l = new Float64Array(Z.rows);
  for (let i = 0; i < Z.rows; i++) l[i] = logSumExp(Z.data, i * K, K) - Z.data[i * K + y[i]];
  return l;
}

/** L = (1/n) Σ_i −ln softmax(z_i)_{y_i}, the mean negative log-likelihood from logits.  Z: n×K, y: n labels. */
export function crossEntropy(Z: Matrix, y: ArrayLike<number>): number {
  if (Z.rows === 0) throw new ShapeError("crossEntropy: Z has no rows; the mean over an empty batch is undefined");
  const l = crossEntropyPerExample(Z, y);
  let total = 0;
  for (let i = 0; i < l.length; i++) total += l[i];
  return total / l.length;
}

/**
 * Δ = S − Y: row i is s_i − e_{y_i} = ∂ℓ_i/∂z_i, the output-layer delta of softmax + cross-entropy.
 * S: n×K probabilities, y: n labels → Δ: n×K (out may be S).
 */
export function softmaxMinusOneHot(S: Matrix, y: ArrayLike<number>, out?: Matrix): Matrix {
  sameRows("softmaxMinusOneHot", S, y);
  checkClassLabels("softmaxMinusOneHot", y, S.cols);
  const D = outFor("softmaxMinusOneHot", S, out);
  if (D !== S) D.data.set(S.data);
  for (let i = 0; i < S.rows; i++) D.data[i * S.cols + y[i]] -= 1;
  return D;
}
