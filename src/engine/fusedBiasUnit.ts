/**
 * The homework network's per-example SGD step, fast. The readable step (biasUnitSgdStep in
 * src/chapters/biasUnitNetwork.ts) is the formulas: biasUnitBackprop's gradients, then
 * W ← W − γ δ² ā¹ᵀ and V ← V − γ δ¹ x̄ᵀ. This fast path runs the same step
 *
 *   - in one WebAssembly SIMD call (biasUnitSgdStep in src/engine/assembly/gemm.as: forward, δ², δ¹
 *     and both outer-product updates, in place) when V and W are resident float32 arrays and the
 *     hidden activation is ReLU (wasmBiasUnitStep);
 *   - otherwise as a tuned TypeScript loop (tunedBiasUnitStep): no allocation per step (a scratch
 *     per net), four partial sums per row of V x̄, the outer products applied as they are formed
 *     (never stored), and the rows of V whose δ¹_i is 0 (inactive ReLUs) skipped.
 *
 * test/biasUnitFast.test.ts holds both equal to the formulas.
 */
import { BiasUnitNet, BiasUnitSgdFastPath } from "../chapters/biasUnitNetwork";
import { softmaxInto } from "../chapters/oneExample";
import { relu } from "../models/activations";
import { logSumExp } from "../models/softmax";
import { defaultGemmKernel } from "./wasmGemm";

export const fusedBiasUnitSgd: BiasUnitSgdFastPath = {
  step(net, x, y, gamma) {
    return wasmBiasUnitStep(net, x, y, gamma) ?? tunedBiasUnitStep(net, x, y, gamma);
  },
};

/**
 * The step in one wasm call; null (nothing changed) unless V and W are resident float32 arrays and
 * g is ReLU. x is copied into the scratch above the resident arrays (784 floats: cheap next to
 * 157,000 weights).
 */
export function wasmBiasUnitStep(net: BiasUnitNet, x: ArrayLike<number>, y: number, gamma: number): number | null {
  const e = defaultGemmKernel().engine;
  if (!e || net.g !== relu) return null;
  const pv = e.heap.residentPtr(net.V.data),
    pw = e.heap.residentPtr(net.W.data);
  if (pv < 0 || pw < 0) return null;
  const nIn = net.V.cols - 1,
    nHid = net.V.rows,
    nOut = net.W.rows;
  const px = (e.heap.base + 15) & ~15;
  const scratch = px + (((nIn + 4) * 4 + 15) & ~15);
  e.heap.ensure(scratch + 4 * (nHid + 8) * 4 + 2 * nOut * 8 + 128);
  e.heap.f32().set(x, px / 4);
  return e.x.biasUnitSgdStep(pv, pw, px, nIn, nHid, nOut, y, gamma, scratch);
}

interface Scratch {
  z1: Float64Array;
  a1: Float64Array;
  z2: Float64Array;
  o: Float64Array;
  delta1: Float64Array;
}
const scratchOf = new WeakMap<BiasUnitNet, Scratch>();

/** The step as a tuned loop, for any net (float32 or float64, any activation); returns J before the step. */
export function tunedBiasUnitStep(net: BiasUnitNet, x: ArrayLike<number>, y: number, gamma: number): number {
  const { V, W, g } = net;
  const nHid = V.rows,
    c = V.cols,
    nIn = c - 1,
    nOut = W.rows,
    cw = nHid + 1;
  let s = scratchOf.get(net);
  if (!s || s.z1.length !== nHid || s.z2.length !== nOut) {
    s = {
      z1: new Float64Array(nHid),
      a1: new Float64Array(cw),
      z2: new Float64Array(nOut),
      o: new Float64Array(nOut),
      delta1: new Float64Array(nHid),
    };
    scratchOf.set(net, s);
  }
  const { z1, a1, z2, o, delta1 } = s;
  const v = V.data,
    w = W.data;
  // z¹ = V x̄ (x̄ = [x; 1]),  ā¹ = [g(z¹); 1]
  for (let i = 0; i < nHid; i++) {
    const base = i * c;
    // four partial sums (independent additions run in parallel), then the bias unit's weight · 1
    let a0 = 0,
      a1s = 0,
      a2 = 0,
      a3 = 0;
    let l = 0;
    for (; l + 3 < nIn; l += 4) {
      a0 += v[base + l] * x[l];
      a1s += v[base + l + 1] * x[l + 1];
      a2 += v[base + l + 2] * x[l + 2];
      a3 += v[base + l + 3] * x[l + 3];
    }
    for (; l < nIn; l++) a0 += v[base + l] * x[l];
    const acc = a0 + a1s + (a2 + a3) + v[base + nIn];
    z1[i] = acc;
    a1[i] = g.f(acc);
  }
  a1[nHid] = 1;
  // z² = W ā¹,  o = softmax(z²)
  for (let k = 0; k < nOut; k++) {
    let acc = 0;
    for (let i = 0; i < cw; i++) acc += w[k * cw + i] * a1[i];
    z2[k] = acc;
  }
  softmaxInto(z2, o);
  const J = logSumExp(z2) - z2[y];
  // δ² = o − y, kept in o
  o[y] -= 1;
  // δ¹ = g'(z¹) ⊙ (Wᵀ δ²)[1…n_hid], with W before its update
  for (let i = 0; i < nHid; i++) {
    const d = g.df(z1[i]);
    if (d === 0) {
      delta1[i] = 0;
      continue;
    }
    let acc = 0;
    for (let k = 0; k < nOut; k++) acc += w[k * cw + i] * o[k];
    delta1[i] = d * acc;
  }
  // W ← W − γ δ² ā¹ᵀ
  for (let k = 0; k < nOut; k++) {
    const gd = gamma * o[k];
    for (let i = 0; i < cw; i++) w[k * cw + i] -= gd * a1[i];
  }
  // V ← V − γ δ¹ x̄ᵀ
  for (let i = 0; i < nHid; i++) {
    if (delta1[i] === 0) continue;
    const gd = gamma * delta1[i];
    const base = i * c;
    for (let l = 0; l < nIn; l++) v[base + l] -= gd * x[l];
    v[base + nIn] -= gd;
  }
  return J;
}
