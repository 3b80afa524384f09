/**
 * Optimiser updates as single passes over a parameter group (θ and its gradient g, same length),
 * each with a plain reference beside it.
 *
 * When the arrays are resident in the WebAssembly memory (float32 model parameters and gradients are,
 * see WasmGemm.alloc), fusedSgdStep and fusedSumOfSquares run as WebAssembly SIMD loops on them in
 * place: the same formulas, θ − η·g rounded in float32 arithmetic, ‖v‖² summed in float64.
 */
import { defaultGemmKernel, WasmGemm } from "./wasmGemm";

/** The engine holding resident arrays, if this process has one. */
function residentEngine(): WasmGemm | null {
  return defaultGemmKernel().engine;
}
function checkLengths(
  op: string,
  theta: ArrayLike<number>,
  g: ArrayLike<number>,
  extra?: [string, ArrayLike<number>],
): void {
  if (theta.length !== g.length) throw new RangeError(`${op}: θ has ${theta.length} entries but g has ${g.length}`);
  if (extra && extra[1].length !== theta.length)
    throw new RangeError(`${op}: θ has ${theta.length} entries but ${extra[0]} has ${extra[1].length}`);
}

function checkFinite(op: string, name: string, v: number): void {
  if (!Number.isFinite(v)) throw new RangeError(`${op}: ${name} must be a finite number, got ${v}`);
}

type Vec = Float32Array | Float64Array;

/**
 * ‖v‖² = Σ_i v_i², with four running sums so the additions do not wait on each other
 * (a single running sum is limited by the latency of one addition per element).
 */
export function fusedSumOfSquares(v: ArrayLike<number>): number {
  if (v instanceof Float32Array && v.length >= 64) {
    const e = residentEngine();
    const s = e ? e.sumOfSquaresResident(v) : NaN;
    if (!Number.isNaN(s)) return s; // resident: f64 sums in wasm (NaN means "not resident", or a NaN entry: redo below)
  }
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const n = v.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = v[i],
      b = v[i + 1],
      c = v[i + 2],
      d = v[i + 3];
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; i < n; i++) s0 += v[i] * v[i];
  return s0 + s1 + (s2 + s3);
}

/** SGD:  θ ← θ − η·g. */
export function fusedSgdStep(theta: Vec, g: ArrayLike<number>, eta: number): void {
  checkLengths("fusedSgdStep", theta, g);
  checkFinite("fusedSgdStep", "η", eta);
  if (theta instanceof Float32Array && theta.length >= 64) {
    const e = residentEngine();
    if (e && e.sgdStepResident(theta, g, eta)) return; // resident: the same loop in wasm SIMD, in place
  }
  for (let i = 0; i < theta.length; i++) theta[i] -= eta * g[i];
}

export function fusedSgdStepReference(theta: Vec, g: ArrayLike<number>, eta: number): void {
  for (let i = 0; i < theta.length; i++) theta[i] = theta[i] - eta * g[i];
}

/**
 * RMSprop with one accumulator per weight:
 *   r ← γ·r + (1−γ)·g²,   θ ← θ − η·g / (√r + ε)
 */
export function fusedRmspropStep(
  theta: Vec,
  g: ArrayLike<number>,
  r: Vec,
  eta: number,
  gamma: number,
  eps: number,
): void {
  checkLengths("fusedRmspropStep", theta, g, ["r", r]);
  for (const [n, v] of [
    ["η", eta],
    ["γ", gamma],
    ["ε", eps],
  ] as const)
    checkFinite("fusedRmspropStep", n, v);
  const c = 1 - gamma;
  for (let i = 0; i < theta.length; i++) {
    const gi = g[i];
    const ri = gamma * r[i] + c * gi * gi;
    r[i] = ri;
    theta[i] -= (eta * gi) / (Math.sqrt(ri) + eps);
  }
}

export function fusedRmspropStepReference(
  theta: Vec,
  g: ArrayLike<number>,
  r: Vec,
  eta: number,
  gamma: number,
  eps: number,
): void {
  for (let i = 0; i < theta.length; i++) r[i] = gamma * r[i] + (1 - gamma) * g[i] ** 2;
  for (let i = 0; i < theta.length; i++) theta[i] = theta[i] - (eta * g[i]) / (Math.sqrt(r[i]) + eps);
}
