/**
 * The homework's network (seed 003): two layers with bias units appended, backpropagation and SGD one
 * example at a time, as plain loops over typed arrays, one formula per loop. Checked against finite
 * differences and the vectorised MLP (src/models/mlp.ts) in notebook 06 and in test/backprop.test.ts.
 *
 * Bias units appended (x̄ = [x; 1], ā¹ = [a¹; 1]), one-hot y:
 *   z¹ = V x̄    (V: n_hid × (n_in + 1))       a¹ = g(z¹)  (ReLU)
 *   z² = W ā¹   (W: n_out × (n_hid + 1))      o = softmax(z²),   J = −Σ_i y_i ln o_i
 *   (1.9)    δ² = o − y
 *   (1.11)   δ¹ = g'(z¹) ⊙ (Wᵀ δ²)[1 … n_hid]     (the bias unit's entry is dropped: nothing feeds it)
 *   (1.13)   ∂J/∂W = δ² ā¹ᵀ,   ∂J/∂V = δ¹ x̄ᵀ      (outer products)
 *   (1.16)   W ← W − γ ∂J/∂W,  V ← V − γ ∂J/∂V     (per-example SGD)
 */
import { Activation, getActivation, relu } from "../models/activations";
import { allocMatrix } from "../core/alloc";
import { FastPathHook } from "../core/fastPath";
import { copy, DType, Matrix, matmulNT, outerProduct, ShapeError, zeros } from "../core/matrix";
import { Rng } from "../core/random";
import { checkpoint } from "../core/interrupt";
import { logSumExp } from "../models/softmax";
import { sgdUpdate } from "../optim/sgd";
import type { Evaluation } from "../training/train";
import { checkLabel, checkVector, softmaxInto } from "./oneExample";

/**
 * The homework's two-layer network with bias units: V (n_hid × (n_in+1)), W (n_out × (n_hid+1)), hidden activation g.
 */
export interface BiasUnitNet {
  V: Matrix;
  W: Matrix;
  g: Activation;
}

function checkNet(op: string, net: BiasUnitNet): void {
  if (net.W.cols !== net.V.rows + 1)
    throw new ShapeError(
      `${op}: V is ${net.V.shape} so ā¹ has ${net.V.rows + 1} entries, but W is ${net.W.shape} (needs ${net.V.rows + 1} columns)`,
    );
  if (net.V.dtype !== net.W.dtype) throw new ShapeError(`${op}: V is ${net.V.dtype} but W is ${net.W.dtype}`);
}

/** x̄ = [x; 1]: the input with a constant 1 appended (the bias unit). */
export function appendOne(x: ArrayLike<number>): Float64Array {
  const xBar = new Float64Array(x.length + 1);
  for (let l = 0; l < x.length; l++) xBar[l] = x[l];
  xBar[x.length] = 1;
  return xBar;
}

/** X̄ = [X | 1]: an n × (d+1) copy of X (n × d) with a column of ones appended. */
export function appendOnesColumn(X: Matrix): Matrix {
  const d = X.cols;
  const out = zeros(X.rows, d + 1, X.dtype);
  const x = X.rowBlock(0, X.rows).data; // a view (bytes converted for a PixelMatrix)
  for (let i = 0; i < X.rows; i++) {
    out.data.set(x.subarray(i * d, (i + 1) * d), i * (d + 1));
    out.data[i * (d + 1) + d] = 1;
  }
  return out;
}

/** `[A | bᵀ]`: a layer's weights A (m × n) with its bias b (m entries) as an extra last column, m × (n+1). */
export function withBiasColumn(A: Matrix, b: Matrix | ArrayLike<number>): Matrix {
  const bias = b instanceof Matrix ? b.data : b;
  if (bias.length !== A.rows)
    throw new ShapeError(
      `withBiasColumn: the weights are ${A.shape} but the bias has ${bias.length} entries (needs ${A.rows})`,
    );
  const out = zeros(A.rows, A.cols + 1, A.dtype);
  for (let i = 0; i < A.rows; i++) {
    out.data.set(A.data.subarray(i * A.cols, (i + 1) * A.cols), i * (A.cols + 1));
    out.data[i * (A.cols + 1) + A.cols] = bias[i];
  }
  return out;
}

/**
 * The homework's initialisation: V_ij ~ N(0,1)·√(2/n_hid), W_ij ~ N(0,1)·√(2/n_out) as printed (He's
 * rule in its fan-out form: √(2/rows)), or He's fan-in form √(2/n_in) with n_in the number of inputs of
 * the layer, bias unit included ("he":
 * √(2/(n_in+1)) and √(2/(n_hid+1))). Returns the net and the two standard deviations used.
 */
export function biasUnitInit(o: {
  nIn: number;
  nHid: number;
  nOut: number;
  rng: Rng;
  scale: "homework" | "he";
  g?: Activation | "relu" | "sigmoid";
  dtype?: DType;
}): { net: BiasUnitNet; stdV: number; stdW: number } {
  const { nIn, nHid, nOut, rng } = o;
  for (const [k, v] of Object.entries({ nIn, nHid, nOut })) {
    if (!(Number.isInteger(v) && v > 0))
      throw new RangeError(`biasUnitInit: ${k} must be a positive integer, got ${v}`);
  }
  if (o.scale !== "homework" && o.scale !== "he")
    throw new Error(`biasUnitInit: scale must be "homework" or "he", got "${String(o.scale)}"`);
  const dtype = o.dtype ?? "float32";
  const stdV = o.scale === "homework" ? Math.sqrt(2 / nHid) : Math.sqrt(2 / (nIn + 1));
  const stdW = o.scale === "homework" ? Math.sqrt(2 / nOut) : Math.sqrt(2 / (nHid + 1));
  // zeros, from the core's allocator (like the models' parameters)
  const V = allocMatrix(nHid, nIn + 1, dtype, "parameters");
  const W = allocMatrix(nOut, nHid + 1, dtype, "parameters");
  for (let t = 0; t < V.data.length; t++) V.data[t] = rng.normal(0, stdV);
  for (let t = 0; t < W.data.length; t++) W.data[t] = rng.normal(0, stdW);
  const g = o.g === undefined ? relu : typeof o.g === "string" ? getActivation(o.g) : o.g;
  return { net: { V, W, g }, stdV, stdW };
}

/** The forward pass of one example with bias units. */
export interface BiasUnitForward {
  xBar: Float64Array;
  z1: Float64Array;
  /** ā¹ = [g(z¹); 1], n_hid + 1. */
  a1Bar: Float64Array;
  z2: Float64Array;
  o: Float64Array;
}

/** x̄ = [x; 1], z¹ = V x̄, ā¹ = [g(z¹); 1], z² = W ā¹, o = softmax(z²).  x: n_in entries. */
export function biasUnitForward(net: BiasUnitNet, x: ArrayLike<number>): BiasUnitForward {
  checkNet("biasUnitForward", net);
  const { V, W, g } = net;
  checkVector("biasUnitForward", x, V.cols - 1, "x");
  const xBar = appendOne(x);
  const nHid = V.rows,
    c = V.cols,
    nOut = W.rows;
  const z1 = new Float64Array(nHid);
  const a1Bar = new Float64Array(nHid + 1);
  for (let i = 0; i < nHid; i++) {
    let s = 0;
    for (let l = 0; l < c; l++) s += V.data[i * c + l] * xBar[l]; // z¹_i = Σ_l V_il x̄_l
    z1[i] = s;
    a1Bar[i] = g.f(s);
  }
  a1Bar[nHid] = 1;
  const z2 = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    let s = 0;
    for (let i = 0; i <= nHid; i++) s += W.data[k * (nHid + 1) + i] * a1Bar[i]; // z²_k = Σ_i W_ki ā¹_i
    z2[k] = s;
  }
  const o = new Float64Array(nOut);
  softmaxInto(z2, o);
  return { xBar, z1, a1Bar, z2, o };
}

/** Equations (1.9), (1.11), (1.13) for one example with label y. */
export interface BiasUnitGradients extends BiasUnitForward {
  /** J = −ln o_y. */
  J: number;
  /** δ² = o − y (one-hot y), n_out. */
  delta2: Float64Array;
  /** Wᵀ δ² before the bias unit's entry is dropped, n_hid + 1. */
  WTdelta2: Float64Array;
  /** δ¹ = g'(z¹) ⊙ (Wᵀ δ²)[1 … n_hid], n_hid. */
  delta1: Float64Array;
  /** ∂J/∂W = δ² ā¹ᵀ, n_out × (n_hid + 1). */
  dW: Matrix;
  /** ∂J/∂V = δ¹ x̄ᵀ, n_hid × (n_in + 1). */
  dV: Matrix;
}

/** The homework's backprop for one example x with label y: deltas, then gradients as outer products. */
export function biasUnitBackprop(net: BiasUnitNet, x: ArrayLike<number>, y: number): BiasUnitGradients {
  const fw = biasUnitForward(net, x);
  const { xBar, z1, a1Bar, z2, o } = fw;
  const { W, g } = net;
  const nHid = net.V.rows,
    nOut = W.rows;
  checkLabel("biasUnitBackprop", y, nOut);
  const delta2 = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) delta2[k] = o[k] - (k === y ? 1 : 0); // (1.9) δ² = o − y
  const WTdelta2 = new Float64Array(nHid + 1);
  for (let i = 0; i <= nHid; i++) {
    let s = 0;
    for (let k = 0; k < nOut; k++) s += W.data[k * (nHid + 1) + i] * delta2[k];
    WTdelta2[i] = s; // (Wᵀ δ²)_i
  }
  const delta1 = new Float64Array(nHid);
  for (let i = 0; i < nHid; i++) delta1[i] = g.df(z1[i]) * WTdelta2[i]; // (1.11), last entry dropped
  const dW = outerProduct(delta2, a1Bar); // (1.13) δ² ā¹ᵀ
  const dV = outerProduct(delta1, xBar); //         δ¹ x̄ᵀ
  const J = logSumExp(z2) - z2[y];
  return { ...fw, J, delta2, WTdelta2, delta1, dW, dV };
}

/** J = −ln o_y for one example. */
export function biasUnitLoss(net: BiasUnitNet, x: ArrayLike<number>, y: number): number {
  const { z2 } = biasUnitForward(net, x);
  checkLabel("biasUnitLoss", y, z2.length);
  return logSumExp(z2) - z2[y];
}

/**
 * What a faster backend may take over: one per-example SGD step (the contract of biasUnitSgdStep: the
 * same update of V and W in place, J = −ln o_y before the step returned), or null when it does not
 * handle this net (then the formulas below run). Called after the arguments are checked.
 */
export interface BiasUnitSgdFastPath {
  step(net: BiasUnitNet, x: ArrayLike<number>, y: number, gamma: number): number | null;
}

/** The hook of the per-example step: `registerFastPath(BiasUnitSgd, impl)` (src/engine does). */
export const BiasUnitSgd = { fastPath: new FastPathHook<BiasUnitSgdFastPath>("BiasUnitSgd") };

/**
 * One per-example SGD step (1.16), in place, as in the homework's loop: the gradients of
 * biasUnitBackprop, with W before its update, then
 *   W ← W − γ ∂J/∂W = W − γ δ² ā¹ᵀ,    V ← V − γ ∂J/∂V = V − γ δ¹ x̄ᵀ.
 * Returns J = −ln o_y before the step. x: n_in entries, y: a class index, γ > 0.
 */
export function biasUnitSgdStep(net: BiasUnitNet, x: ArrayLike<number>, y: number, gamma: number): number {
  const { V, W } = net;
  if (x.length !== V.cols - 1)
    throw new ShapeError(
      `biasUnitSgdStep: x has ${x.length} entries but V is ${V.shape} (takes ${V.cols - 1} inputs plus the bias unit)`,
    );
  checkNet("biasUnitSgdStep", net);
  checkLabel("biasUnitSgdStep", y, W.rows);
  if (!(gamma > 0 && Number.isFinite(gamma)))
    throw new RangeError(`biasUnitSgdStep: the learning rate γ must be a positive finite number, got ${gamma}`);
  const fast = BiasUnitSgd.fastPath.impl?.step(net, x, y, gamma);
  if (fast !== undefined && fast !== null) return fast;
  const { J, dW, dV } = biasUnitBackprop(net, x, y); // (1.9), (1.11), (1.13)
  sgdUpdate(W.data, dW.data, gamma); // W ← W − γ δ² ā¹ᵀ
  sgdUpdate(V.data, dV.data, gamma); // V ← V − γ δ¹ x̄ᵀ
  return J;
}

/**
 * O: n × n_out, the softmax outputs for every row of X (n × n_in), computed in chunks as Ā¹ = [g(X̄Vᵀ) | 1], O =
 * softmax(Ā¹Wᵀ).
 */
export function biasUnitProbabilities(net: BiasUnitNet, X: Matrix): Matrix {
  checkNet("biasUnitProbabilities", net);
  const { V, W, g } = net;
  if (X.cols !== V.cols - 1)
    throw new ShapeError(
      `biasUnitProbabilities: X is ${X.shape} but V is ${V.shape} (takes ${V.cols - 1} inputs plus the bias unit)`,
    );
  const nOut = W.rows;
  const O = zeros(X.rows, nOut, "float64");
  const CH = 2048;
  for (let start = 0; start < X.rows; start += CH) {
    const rows = Math.min(CH, X.rows - start);
    const chunk = X.rowBlock(start, rows);
    const Xb = appendOnesColumn(chunk.dtype === V.dtype ? chunk : convert(chunk, V.dtype));
    const Z1 = matmulNT(Xb, V); // rows × n_hid
    const A1 = zeros(rows, V.rows + 1, V.dtype);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < V.rows; k++) A1.data[i * (V.rows + 1) + k] = g.f(Z1.data[i * V.rows + k]);
      A1.data[i * (V.rows + 1) + V.rows] = 1;
    }
    const Z2 = matmulNT(A1, W); // rows × n_out
    const o = new Float64Array(nOut);
    for (let i = 0; i < rows; i++) {
      softmaxInto(Z2.data.subarray(i * nOut, (i + 1) * nOut), o);
      O.data.set(o, (start + i) * nOut);
    }
  }
  return O;
}

function convert(X: Matrix, dtype: DType): Matrix {
  return copy(X, dtype);
}

/**
 * The homework's cost and accuracy on a data set: J = −Σ_i ln o_{y_i}(x_i) (a sum), its mean J/n, and the share of
 * argmax o = y.
 */
export function biasUnitEvaluate(
  net: BiasUnitNet,
  data: { X: Matrix; y: ArrayLike<number> },
): { cost: number; meanCost: number; accuracy: number } {
  if (data.y.length !== data.X.rows)
    throw new ShapeError(`biasUnitEvaluate: X is ${data.X.shape} but y has ${data.y.length} labels`);
  if (data.X.rows === 0) throw new RangeError("biasUnitEvaluate: the data set has no examples");
  const O = biasUnitProbabilities(net, data.X);
  const K = O.cols;
  let cost = 0;
  let right = 0;
  for (let i = 0; i < O.rows; i++) {
    const yi = data.y[i];
    checkLabel(`biasUnitEvaluate (row ${i})`, yi, K);
    let best = 0;
    for (let k = 1; k < K; k++) if (O.data[i * K + k] > O.data[i * K + best]) best = k;
    if (best === yi) right++;
    cost -= Math.log(Math.max(O.data[i * K + yi], Number.MIN_VALUE));
  }
  return { cost, meanCost: cost / O.rows, accuracy: right / O.rows };
}

export interface BiasUnitTrainOptions {
  /** γ₀, the learning rate of the first epoch. */
  eta0: number;
  /** Number of epochs; the learning rate is γ₀ / 2^e in epoch e = 0, 1, … (halved every epoch). */
  epochs: number;
  /** Steps per epoch (default n, the size of the training set). */
  stepsPerEpoch?: number;
  /**
   * "random": each step draws an example uniformly at random, as the homework does (default); "shuffle": one pass over
   * a fresh permutation per epoch.
   */
  sampling?: "random" | "shuffle";
  rng: Rng;
  /** Evaluate every this many steps (default: once per epoch), and at the start and the end. */
  evaluateEvery?: number;
  evaluate?: { train?: { X: Matrix; y: ArrayLike<number> }; validation?: { X: Matrix; y: ArrayLike<number> } };
  /** Called with each evaluation (awaited, so a live chart can draw). */
  onEvaluate?: (ev: Evaluation) => void | Promise<void>;
}

/**
 * Per-example SGD on the bias-unit network, the learning rate halved every epoch (the homework's
 * schedule). Each evaluation records the mean cross-entropy J/n and the accuracy on the given sets
 * (as train's Evaluation, so liveView and lineChart take it); `loss` is the mean J of the steps since
 * the previous evaluation. A NaN or infinite J stops with an error naming the step and γ.
 */
export async function trainBiasUnitSgd(
  net: BiasUnitNet,
  data: { X: Matrix; y: ArrayLike<number> },
  o: BiasUnitTrainOptions,
): Promise<{ history: Evaluation[]; steps: number; seconds: number }> {
  checkNet("trainBiasUnitSgd", net);
  const n = data.X.rows;
  if (data.y.length !== n)
    throw new ShapeError(`trainBiasUnitSgd: X is ${data.X.shape} but y has ${data.y.length} labels`);
  if (n === 0) throw new RangeError("trainBiasUnitSgd: no training examples");
  if (!(o.eta0 > 0 && Number.isFinite(o.eta0)))
    throw new RangeError(`trainBiasUnitSgd: eta0 must be a positive finite number, got ${o.eta0}`);
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1))
    throw new RangeError(`trainBiasUnitSgd: epochs must be a whole number ≥ 1, got ${o.epochs}`);
  const perEpoch = o.stepsPerEpoch ?? n;
  if (!(Number.isInteger(perEpoch) && perEpoch >= 1))
    throw new RangeError(`trainBiasUnitSgd: stepsPerEpoch must be a whole number ≥ 1, got ${perEpoch}`);
  const sampling = o.sampling ?? "random";
  if (sampling === "shuffle" && perEpoch !== n)
    throw new RangeError(
      `trainBiasUnitSgd: sampling "shuffle" makes one pass per epoch, so stepsPerEpoch must be n = ${n}, got ${perEpoch}`,
    );
  const every = o.evaluateEvery ?? perEpoch;
  const total = perEpoch * o.epochs;
  const t0 = Date.now();
  const history: Evaluation[] = [];
  let sumJ = 0;
  let countJ = 0;
  let gamma = o.eta0;
  const record = async (step: number): Promise<void> => {
    const ev: Evaluation = {
      iteration: step,
      epoch: step / perEpoch,
      loss: countJ > 0 ? sumJ / countJ : NaN,
      learningRate: gamma,
      seconds: 0,
    };
    if (o.evaluate?.train) {
      const r = biasUnitEvaluate(net, o.evaluate.train);
      ev.trainLoss = r.meanCost;
      ev.trainAccuracy = r.accuracy;
    }
    if (o.evaluate?.validation) {
      const r = biasUnitEvaluate(net, o.evaluate.validation);
      ev.validationLoss = r.meanCost;
      ev.validationAccuracy = r.accuracy;
    }
    if (countJ === 0) ev.loss = ev.trainLoss ?? ev.validationLoss ?? NaN;
    ev.seconds = (Date.now() - t0) / 1000;
    history.push(ev);
    sumJ = 0;
    countJ = 0;
    if (o.onEvaluate) {
      await o.onEvaluate(ev);
      await new Promise((r) => setImmediate(r));
    }
  };
  await record(0);
  const d = data.X.cols;
  const x = data.X.dtype === "float32" ? new Float32Array(d) : new Float64Array(d); // the step's example
  const one = new Int32Array(1);
  let order: Int32Array | null = null;
  for (let step = 0; step < total; step++) {
    checkpoint(
      () =>
        `after step ${step} of ${total} (epoch ${Math.floor(step / perEpoch) + 1}); the network keeps its last completed step`,
    );
    const e = Math.floor(step / perEpoch);
    gamma = o.eta0 / 2 ** e; // halved every epoch
    const inEpoch = step - e * perEpoch;
    if (sampling === "shuffle" && inEpoch === 0) order = o.rng.permutation(n);
    const idx = sampling === "shuffle" ? order![inEpoch] : o.rng.int(n);
    one[0] = idx;
    data.X.gatherRowsInto(one, 0, 1, x); // x = X[idx, :] (converted from bytes for a PixelMatrix)
    const J = biasUnitSgdStep(net, x, data.y[idx], gamma);
    if (!Number.isFinite(J))
      throw new Error(
        `trainBiasUnitSgd: diverged at step ${step} (epoch ${e}): J = ${J} with γ = ${gamma}. Try a smaller eta0.`,
      );
    sumJ += J;
    countJ++;
    if ((step + 1) % every === 0 || step + 1 === total) await record(step + 1);
  }
  return { history, steps: total, seconds: (Date.now() - t0) / 1000 };
}
