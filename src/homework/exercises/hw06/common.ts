/** Homework 06: code shared by its exercises (see ./index.ts). */
import * as d from "../../../index";

/** The activation named `name` (its f and f′). */
export const act = (name: d.ActivationName) => d.getActivation(name);

// ---------------------------------------------------------------------------------------------
export interface Net {
  W1: d.Matrix;
  b1: d.Matrix;
  W2: d.Matrix;
  b2: d.Matrix;
}
export interface Forward {
  Z1: d.Matrix;
  A1: d.Matrix;
  Z2: d.Matrix;
  P: d.Matrix;
}
export interface Deltas {
  D2: d.Matrix;
  D1: d.Matrix;
}
export type Grads = Net;
export type Backprop = (net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName) => Grads;

// ---------------------------------------------------------------------------------------------
// References via the course's MLP.

/** A float64 d.MLP holding the parameters of `net` (copied). */
export function mlpOf(net: Net, act: d.ActivationName): d.MLP {
  const mlp = new d.MLP({
    sizes: [net.W1.cols, net.W1.rows, net.W2.rows],
    activations: [act],
    dtype: "float64",
    init: "zeros",
  });
  const [l1, l2] = mlp.layers;
  l1.W.data.set(net.W1.data);
  l1.b!.data.set(net.b1.data);
  l2.W.data.set(net.W2.data);
  l2.b!.data.set(net.b2.data);
  return mlp;
}

export function forwardRef(net: Net, X: d.Matrix, act: d.ActivationName): Forward {
  const c = mlpOf(net, act).forward(X);
  return { Z1: d.copy(c.Z[1]), A1: d.copy(c.A[1]), Z2: d.copy(c.Z[2]), P: d.copy(c.A[2]) };
}

export function mlpBackward(
  net: Net,
  X: d.Matrix,
  y: ArrayLike<number>,
  act: d.ActivationName,
): { dl: Deltas; grads: Grads } {
  const mlp = mlpOf(net, act);
  const c = mlp.forward(X);
  const ps = mlp.backward(c, y);
  const g = (name: string) => d.copy(ps.find((p) => p.name === name)!.grad);
  return {
    dl: { D2: d.copy(c.Delta[2]), D1: d.copy(c.Delta[1]) },
    grads: { W1: g("W1"), b1: g("b1"), W2: g("W2"), b2: g("b2") },
  };
}

/** Δ2 = P − Y (the course's softmaxMinusOneHot) and Δ1 = (Δ2 W2) ⊙ f'(Z1), from a forward pass. */
export function deltasRef(net: Net, fw: Forward, y: ArrayLike<number>, act: d.ActivationName): Deltas {
  const D2 = d.softmaxMinusOneHot(fw.P, y);
  const D1 = d.applyActivationDerivative(d.getActivation(act), fw.Z1);
  return { D2, D1: d.hadamard(d.matmul(D2, net.W2), D1) };
}

/** The weight gradients from X, the forward pass and the deltas (the MLP's formulas). */
export function weightGradientsRef(X: d.Matrix, fw: Forward, dl: Deltas): Grads {
  const n = X.rows;
  return {
    W2: d.scale(d.matmulTN(dl.D2, fw.A1), 1 / n),
    b2: d.scale(d.sumRows(dl.D2), 1 / n),
    W1: d.scale(d.matmulTN(dl.D1, X), 1 / n),
    b1: d.scale(d.sumRows(dl.D1), 1 / n),
  };
}

export function backpropRef(net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName): Grads {
  return mlpBackward(net, X, y, act).grads;
}

export function meanLossRef(net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName): number {
  return mlpOf(net, act).loss(X, y);
}

export function numericalGradientRef(f: (M: d.Matrix) => number, M: d.Matrix, h: number): d.Matrix {
  const G = d.zeros(M.rows, M.cols, "float64");
  G.data.set(d.centralDifferences(() => f(M), M, undefined, h));
  return G;
}

export const GROUPS = ["W1", "b1", "W2", "b2"] as const;

/**
 * max over the four groups and their entries of |a − ñ| / max(|a| + |ñ|, 1e-12), ñ by central differences (h = 1e-5).
 */
export function gradientCheckRef(
  net: Net,
  X: d.Matrix,
  y: ArrayLike<number>,
  act: d.ActivationName,
  backprop: Backprop,
): number {
  const analytic = backprop(net, X, y, act);
  let worst = 0;
  for (const name of GROUPS) {
    const numeric = numericalGradientRef(() => meanLossRef(net, X, y, act), net[name], 1e-5);
    const a = analytic[name];
    for (let i = 0; i < numeric.data.length; i++) worst = Math.max(worst, d.relativeError(a.data[i], numeric.data[i]));
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------
// Cases.

export interface Sizes {
  n: number;
  dIn: number;
  h: number;
  K: number;
}

export function randomNet(rng: d.Rng, s: Sizes, scale = 0.5): Net {
  return {
    W1: d.randn(s.h, s.dIn, rng, scale),
    b1: d.randn(1, s.h, rng, scale),
    W2: d.randn(s.K, s.h, rng, scale),
    b2: d.randn(1, s.K, rng, scale),
  };
}

export function labels(rng: d.Rng, n: number, K: number, only?: number[]): Int32Array {
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = only ? only[rng.int(only.length)] : rng.int(K);
  return y;
}

/** A case's data: net, X, y. */
export function data(
  rng: d.Rng,
  s: Sizes,
  o: { scale?: number; only?: number[] } = {},
): { net: Net; X: d.Matrix; y: Int32Array } {
  return { net: randomNet(rng, s, o.scale), X: d.randn(s.n, s.dIn, rng), y: labels(rng, s.n, s.K, o.only) };
}

export const S = (n: number, dIn: number, h: number, K: number): Sizes => ({ n, dIn, h, K });
