/**
 * Activation functions f and their derivatives f', applied element-wise to z = w·x + b.
 *
 *   Heaviside  H(z) = 1 if z ≥ 0, else 0           H'(z) = 0 (undefined at 0; we use 0)
 *   ReLU       f(z) = max(0, z)                     f'(z) = 1{z > 0} (we use 0 at the kink)
 *   softplus   f(z) = ln(1 + eᶻ)  (a smooth ReLU)  f'(z) = σ(z)
 *   sigmoid    σ(z) = 1 / (1 + e⁻ᶻ)                σ'(z) = σ(z)(1 − σ(z))
 *   tanh       f(z) = tanh z                        f'(z) = 1 − tanh² z
 *
 * softplus and sigmoid are written so that no exp ever overflows, for any |z|.
 */
import { Matrix, ShapeError, zeros } from "../core/matrix";

export type ActivationName = "heaviside" | "relu" | "softplus" | "sigmoid" | "tanh";

/** An activation: its value f(z) and its derivative f'(z) at one number z. */
export interface Activation {
  readonly name: ActivationName;
  f(z: number): number;
  df(z: number): number;
}

/** H(z) = 1 if z ≥ 0 else 0 (the perceptron's step); H'(z) = 0 everywhere we can evaluate it. */
export const heaviside: Activation = {
  name: "heaviside",
  f: (z) => (z >= 0 ? 1 : 0),
  df: (_z) => 0,
};

/** ReLU(z) = max(0, z); ReLU'(z) = 1{z > 0} (the weak derivative, 0 at the kink z = 0). */
export const relu: Activation = {
  name: "relu",
  f: (z) => (z > 0 ? z : 0),
  df: (z) => (z > 0 ? 1 : 0),
};

/** σ(z) = 1/(1 + e⁻ᶻ); for z < 0 computed as eᶻ/(1 + eᶻ) so e⁻ᶻ never overflows. */
function sigmoidValue(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** σ(z) and σ'(z) = σ(z)(1 − σ(z)). */
export const sigmoid: Activation = {
  name: "sigmoid",
  f: sigmoidValue,
  df: (z) => {
    const s = sigmoidValue(z);
    return s * (1 - s);
  },
};

/**
 * softplus(z) = ln(1 + eᶻ) = max(z, 0) + ln(1 + e^(−|z|)): the second form never overflows
 * (z = 1000 gives 1000, not Infinity) and keeps precision for very negative z (log1p).
 * softplus'(z) = σ(z).
 */
export const softplus: Activation = {
  name: "softplus",
  f: (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))),
  df: sigmoidValue,
};

/** tanh z and tanh'(z) = 1 − tanh² z. */
export const tanh: Activation = {
  name: "tanh",
  f: (z) => Math.tanh(z),
  df: (z) => {
    const t = Math.tanh(z);
    return 1 - t * t;
  },
};

/** All activations by name. */
export const activationsByName: Readonly<Record<ActivationName, Activation>> = {
  heaviside,
  relu,
  softplus,
  sigmoid,
  tanh,
};

/** The activation called `name` (or `name` itself if it already is one); unknown names throw. */
export function getActivation(name: ActivationName | Activation): Activation {
  if (typeof name !== "string") return name;
  const a = (activationsByName as Record<string, Activation | undefined>)[name];
  if (!a)
    throw new Error(
      `getActivation: unknown activation "${name}" (known: ${Object.keys(activationsByName).join(", ")})`,
    );
  return a;
}

function outLike(op: string, Z: Matrix, out?: Matrix): Matrix {
  if (!out) return zeros(Z.rows, Z.cols, Z.dtype);
  if (out.rows !== Z.rows || out.cols !== Z.cols)
    throw new ShapeError(`${op}: Z is ${Z.shape} but out is ${out.shape}`);
  return out;
}

/** out[i] = g(Z[i]) for every entry (out made like Z when not given; out may be Z). */
function mapEntries(op: string, g: (z: number) => number, Z: Matrix, out?: Matrix): Matrix {
  const R = outLike(op, Z, out);
  const z = Z.data;
  const r = R.data;
  for (let i = 0; i < z.length; i++) r[i] = g(z[i]);
  return R;
}

/** A = f(Z), element-wise.  Z: n×m → A: n×m (written into `out` if given; out may be Z). */
export function applyActivation(act: Activation, Z: Matrix, out?: Matrix): Matrix {
  return mapEntries(`applyActivation(${act.name})`, act.f, Z, out);
}

/** F' = f'(Z), element-wise.  Z: n×m → F': n×m (written into `out` if given; out may be Z). */
export function applyActivationDerivative(act: Activation, Z: Matrix, out?: Matrix): Matrix {
  return mapEntries(`applyActivationDerivative(${act.name})`, act.df, Z, out);
}
