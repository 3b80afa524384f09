/**
 * The slides' network (seed 002): backpropagation one example at a time, as plain loops over typed
 * arrays, one formula per loop. The vectorised MLP (src/models/mlp.ts) is checked against it in
 * notebook 06 and in test/backprop.test.ts.
 *
 * The 784-15-10 sigmoid network (n_in, n_h, n_out), label j:
 *   g = W x + b     (W: n_h × n_in, b: n_h)       h = σ(g)
 *   f = Ŵ h + b̂     (Ŵ: n_out × n_h, b̂: n_out)     o = softmax(f),   L = −ln o_j
 *   I, II    ∂L/∂f_i  = o_i − 1{i = j}
 *   III      ∂L/∂ŵ_kℓ = ∂L/∂f_k · h_ℓ,        ∂L/∂b̂_k = ∂L/∂f_k
 *   IV       ∂L/∂h_k  = Σ_i ∂L/∂f_i · ŵ_ik
 *   finale   ∂L/∂w_kℓ = ∂L/∂h_k · σ'(g_k) · x_ℓ,   ∂L/∂b_k = ∂L/∂h_k · σ'(g_k),   σ'(g) = (1 − σ(g)) σ(g)
 */
import { Activation, sigmoid } from "../models/activations";
import { Matrix, ShapeError, zeros } from "../core/matrix";
import type { MLP } from "../models/mlp";
import { logSumExp } from "../models/softmax";
import { checkLabel, checkVector, softmaxInto } from "./oneExample";

/** The slides' parameters: W (n_h × n_in), b (1 × n_h), Ŵ = What (n_out × n_h), b̂ = bhat (1 × n_out). */
export interface SlidesParams {
  W: Matrix;
  b: Matrix;
  What: Matrix;
  bhat: Matrix;
}

/** The slides' W, b, Ŵ, b̂ as views of a two-layer MLP with both biases (its values, not copies). */
export function slidesParamsOf(model: MLP): SlidesParams {
  if (model.layers.length !== 2)
    throw new ShapeError(
      `slidesParamsOf: the slides' network has 2 weight layers, this MLP has ${model.layers.length} (sizes [${model.sizes}])`,
    );
  const [hidden, output] = model.layers;
  if (!hidden.b || !output.b)
    throw new Error(
      "slidesParamsOf: the slides' network has biases in both layers; create the MLP with outputBias: true",
    );
  return { W: hidden.W, b: hidden.b, What: output.W, bhat: output.b };
}

function checkSlides(op: string, p: SlidesParams, x: ArrayLike<number>): void {
  const { W, b, What, bhat } = p;
  if (b.data.length !== W.rows)
    throw new ShapeError(`${op}: W is ${W.shape} but b has ${b.data.length} entries (needs ${W.rows})`);
  if (What.cols !== W.rows)
    throw new ShapeError(`${op}: Ŵ is ${What.shape} but h has ${W.rows} entries (W is ${W.shape})`);
  if (bhat.data.length !== What.rows)
    throw new ShapeError(`${op}: Ŵ is ${What.shape} but b̂ has ${bhat.data.length} entries (needs ${What.rows})`);
  checkVector(op, x, W.cols, "x");
}

/** The forward pass of one example: g = Wx + b, h = σ(g), f = Ŵh + b̂, o = softmax(f). */
export interface SlidesForward {
  g: Float64Array;
  h: Float64Array;
  f: Float64Array;
  o: Float64Array;
}

/** g = W x + b (n_h), h = act(g), f = Ŵ h + b̂ (n_out), o = softmax(f).  x: n_in entries. */
export function slidesForward(p: SlidesParams, x: ArrayLike<number>, act: Activation = sigmoid): SlidesForward {
  checkSlides("slidesForward", p, x);
  const { W, b, What, bhat } = p;
  const nh = W.rows,
    nIn = W.cols,
    nOut = What.rows;
  const g = new Float64Array(nh),
    h = new Float64Array(nh),
    f = new Float64Array(nOut),
    o = new Float64Array(nOut);
  for (let k = 0; k < nh; k++) {
    let s = b.data[k];
    for (let l = 0; l < nIn; l++) s += W.data[k * nIn + l] * x[l]; // g_k = Σ_ℓ w_kℓ x_ℓ + b_k
    g[k] = s;
    h[k] = act.f(s); // h_k = σ(g_k)
  }
  for (let k = 0; k < nOut; k++) {
    let s = bhat.data[k];
    for (let l = 0; l < nh; l++) s += What.data[k * nh + l] * h[l]; // f_k = Σ_ℓ ŵ_kℓ h_ℓ + b̂_k
    f[k] = s;
  }
  softmaxInto(f, o); // o = softmax(f)
  return { g, h, f, o };
}

/** L = −ln o_j for one example with label j (computed as LSE(f) − f_j). */
export function slidesLoss(p: SlidesParams, x: ArrayLike<number>, j: number, act: Activation = sigmoid): number {
  const { f } = slidesForward(p, x, act);
  checkLabel("slidesLoss", j, f.length);
  return logSumExp(f) - f[j];
}

/** Every derivative of backprop parts I–IV and the finale, for one example. */
export interface SlidesGradients extends SlidesForward {
  L: number;
  /** ∂L/∂f_i = o_i − 1{i = j} (parts I and II), n_out. */
  dLdf: Float64Array;
  /** ∂L/∂ŵ_kℓ = ∂L/∂f_k h_ℓ (part III), n_out × n_h. */
  dLdWhat: Matrix;
  /** ∂L/∂b̂_k = ∂L/∂f_k (part III), n_out. */
  dLdbhat: Float64Array;
  /** ∂L/∂h_k = Σ_i ∂L/∂f_i ŵ_ik (part IV), n_h. */
  dLdh: Float64Array;
  /** σ'(g_k) = (1 − σ(g_k)) σ(g_k) (finale), n_h. */
  dhdg: Float64Array;
  /** ∂L/∂w_kℓ = ∂L/∂h_k σ'(g_k) x_ℓ (finale), n_h × n_in. */
  dLdW: Matrix;
  /** ∂L/∂b_k = ∂L/∂h_k σ'(g_k) (finale), n_h. */
  dLdb: Float64Array;
}

/** Backprop parts I–IV and the finale of the slides, corrected (ŵ_ik, b̂_k), for one example x with label j. */
export function slidesBackprop(
  p: SlidesParams,
  x: ArrayLike<number>,
  j: number,
  act: Activation = sigmoid,
): SlidesGradients {
  const fw = slidesForward(p, x, act);
  const { g, h, f, o } = fw;
  const { W, What } = p;
  const nh = W.rows,
    nIn = W.cols,
    nOut = What.rows;
  checkLabel("slidesBackprop", j, nOut);
  // I, II: ∂L/∂f_i = o_i − 1{i = j}
  const dLdf = new Float64Array(nOut);
  for (let i = 0; i < nOut; i++) dLdf[i] = i === j ? o[i] - 1 : o[i];
  // III: ∂L/∂ŵ_kℓ = ∂L/∂f_k h_ℓ,  ∂L/∂b̂_k = ∂L/∂f_k
  const dLdWhat = zeros(nOut, nh);
  const dLdbhat = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    for (let l = 0; l < nh; l++) dLdWhat.data[k * nh + l] = dLdf[k] * h[l];
    dLdbhat[k] = dLdf[k];
  }
  // IV: ∂L/∂h_k = Σ_i ∂L/∂f_i ŵ_ik
  const dLdh = new Float64Array(nh);
  for (let k = 0; k < nh; k++) {
    let s = 0;
    for (let i = 0; i < nOut; i++) s += dLdf[i] * What.data[i * nh + k];
    dLdh[k] = s;
  }
  // finale: ∂h_k/∂g_k = σ'(g_k);  ∂L/∂w_kℓ = ∂L/∂h_k σ'(g_k) x_ℓ;  ∂L/∂b_k = ∂L/∂h_k σ'(g_k)
  const dhdg = new Float64Array(nh);
  const dLdW = zeros(nh, nIn);
  const dLdb = new Float64Array(nh);
  for (let k = 0; k < nh; k++) {
    dhdg[k] = act.df(g[k]);
    const c = dLdh[k] * dhdg[k];
    for (let l = 0; l < nIn; l++) dLdW.data[k * nIn + l] = c * x[l];
    dLdb[k] = c;
  }
  const L = logSumExp(f) - f[j];
  return { g, h, f, o, L, dLdf, dLdWhat, dLdbhat, dLdh, dhdg, dLdW, dLdb };
}

/** The slides' formulas exactly as printed, where they differ from the corrected ones. */
export interface SlidesAsPrinted {
  /** f_k = Σ_ℓ ŵ_kℓ h_ℓ + b_k with the hidden bias b_k (k = 1 … n_out) instead of b̂_k. */
  f: Float64Array;
  /** ∂L/∂h_k with w_ik (the hidden weights W) in place of ŵ_ik: Σ_{i≠j} o_i w_ik + (o_j − 1) w_jk. */
  dLdh: Float64Array;
  /** Finale as printed: (Σ_{i≠j} o_i w_ik + (o_j − 1) w_jk)(1 − σ(g_k))σ(g_k) x_ℓ, n_h × n_in. */
  dLdW: Matrix;
  /** Finale as printed: (Σ_{i≠j} o_i w_ik + (o_j − 1) w_jk)(1 − σ(g_k))σ(g_k), n_h. */
  dLdb: Float64Array;
}

/**
 * The printed (wrong) forms of the output layer's f_k and of backprop IV / finale, evaluated at the
 * same point: they index the hidden W and b where Ŵ and b̂ are meant. Needs n_out ≤ n_h and n_h ≤ n_in
 * so that w_ik (i ≤ n_out, k ≤ n_h) and b_k (k ≤ n_out) exist.
 */
export function slidesBackpropAsPrinted(p: SlidesParams, x: ArrayLike<number>, j: number): SlidesAsPrinted {
  const { g, h, o } = slidesForward(p, x, sigmoid);
  const { W, b, What } = p;
  const nh = W.rows,
    nIn = W.cols,
    nOut = What.rows;
  checkLabel("slidesBackpropAsPrinted", j, nOut);
  if (nOut > nh || nh > nIn) {
    throw new ShapeError(
      `slidesBackpropAsPrinted: the printed w_ik (i ≤ ${nOut}, k ≤ ${nh}) needs W to have at least ${nOut} rows and ${nh} columns, W is ${W.shape}`,
    );
  }
  const f = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    let s = b.data[k]; // printed: + b_k (hidden bias)
    for (let l = 0; l < nh; l++) s += What.data[k * nh + l] * h[l];
    f[k] = s;
  }
  const dLdh = new Float64Array(nh);
  for (let k = 0; k < nh; k++) {
    let s = 0;
    for (let i = 0; i < nOut; i++) s += (i === j ? o[i] - 1 : o[i]) * W.data[i * nIn + k]; // printed: w_ik
    dLdh[k] = s;
  }
  const dLdW = zeros(nh, nIn);
  const dLdb = new Float64Array(nh);
  for (let k = 0; k < nh; k++) {
    const c = dLdh[k] * (1 - sigmoid.f(g[k])) * sigmoid.f(g[k]);
    for (let l = 0; l < nIn; l++) dLdW.data[k * nIn + l] = c * x[l];
    dLdb[k] = c;
  }
  return { f, dLdh, dLdW, dLdb };
}
