/**
 * Homework 06 · backpropagation for one hidden layer, vectorised (notebooks/homework-masters/06-backpropagation.ipynb).
 *
 * The network (one example per row, as in src/models/mlp.ts):
 *   X: n×d,  W1: h×d,  b1: 1×h,  W2: K×h,  b2: 1×K
 *   Z1 = X W1ᵀ + b1,  A1 = f(Z1),  Z2 = A1 W2ᵀ + b2,  P = softmax(Z2)
 *   L  = (1/n) Σ_i −ln P[i, y_i]
 *   Δ2 = P − Y,  Δ1 = (Δ2 W2) ⊙ f'(Z1)
 *   ∂L/∂W2 = (1/n) Δ2ᵀ A1,  ∂L/∂b2 = (1/n) Σ_i Δ2[i,:],  ∂L/∂W1 = (1/n) Δ1ᵀ X,  ∂L/∂b1 = (1/n) Σ_i Δ1[i,:]
 *
 *   hw06-ex1  forward(net, X, act)                  {Z1, A1, Z2, P}
 *   hw06-ex2  deltas(net, fw, y, act)               {D2, D1}
 *   hw06-ex3  weightGradients(X, fw, dl)            {W1, b1, W2, b2}
 *   hw06-ex4  meanLoss(net, X, y, act)              L (stable: log-sum-exp)
 *   hw06-ex5  numericalGradient(f, M, h)            central differences, M restored
 *   hw06-ex6  gradientCheck(net, X, y, act, bp)     max relative error of a backprop against central differences
 *
 * References come from the course's d.MLP (float64, readable path).
 */
import * as d from "../../index";
import { exercise, exerciseIds } from "../check";

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
  const mlp = new d.MLP({ sizes: [net.W1.cols, net.W1.rows, net.W2.rows], activations: [act], dtype: "float64", init: "zeros" });
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

function mlpBackward(net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName): { dl: Deltas; grads: Grads } {
  const mlp = mlpOf(net, act);
  const c = mlp.forward(X);
  const ps = mlp.backward(c, y);
  const g = (name: string) => d.copy(ps.find((p) => p.name === name)!.grad);
  return { dl: { D2: d.copy(c.Delta[2]), D1: d.copy(c.Delta[1]) }, grads: { W1: g("W1"), b1: g("b1"), W2: g("W2"), b2: g("b2") } };
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

const GROUPS = ["W1", "b1", "W2", "b2"] as const;

/** max over the four groups and their entries of |a − ñ| / max(|a| + |ñ|, 1e-12), ñ by central differences (h = 1e-5). */
export function gradientCheckRef(net: Net, X: d.Matrix, y: ArrayLike<number>, act: d.ActivationName, backprop: Backprop): number {
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

interface Sizes {
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

function labels(rng: d.Rng, n: number, K: number, only?: number[]): Int32Array {
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = only ? only[rng.int(only.length)] : rng.int(K);
  return y;
}

/** A case's data: net, X, y. */
function data(rng: d.Rng, s: Sizes, o: { scale?: number; only?: number[] } = {}): { net: Net; X: d.Matrix; y: Int32Array } {
  return { net: randomNet(rng, s, o.scale), X: d.randn(s.n, s.dIn, rng), y: labels(rng, s.n, s.K, o.only) };
}

const S = (n: number, dIn: number, h: number, K: number): Sizes => ({ n, dIn, h, K });

// ---------------------------------------------------------------------------------------------
// ex1 · forward

const act = (name: d.ActivationName) => d.getActivation(name);
const applyF = (name: d.ActivationName, Z: d.Matrix) => d.map(Z, act(name).f);

exercise({
  id: "hw06-ex1",
  title: "The forward pass",
  reference: forwardRef,
  cases: (rng: d.Rng) => {
    const a = data(rng, S(4, 3, 5, 3));
    const b = data(rng, S(6, 5, 2, 4));
    return [
      { name: "n = 4, d = 3, h = 5, K = 3, ReLU", args: [a.net, a.X, "relu"], points: 1 },
      { name: "n = 6, d = 5, h = 2, K = 4, tanh", args: [b.net, b.X, "tanh"], points: 1 },
    ];
  },
  hidden: (rng: d.Rng) => {
    const big = data(rng, S(5, 4, 6, 3), { scale: 300 });
    const one = data(rng, S(1, 7, 1, 2));
    return [
      { name: "huge weights: logits in the hundreds, ReLU", args: [big.net, big.X, "relu"], points: 1 },
      { name: "one example, a single hidden unit, sigmoid", args: [one.net, one.X, "sigmoid"], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "The biases are missing: Z1 = X W1ᵀ + b1 adds b1 to every row (and Z2 likewise adds b2).",
      answer: (net: Net, X: d.Matrix, a: d.ActivationName) => {
        const Z1 = d.matmulNT(X, net.W1);
        const A1 = applyF(a, Z1);
        const Z2 = d.matmulNT(A1, net.W2);
        return { Z1, A1, Z2, P: d.softmax(Z2) };
      },
    },
    {
      hint: "The activation is applied to the output layer too: the output layer has no f, P = softmax(Z2) with Z2 = A1 W2ᵀ + b2.",
      answer: (net: Net, X: d.Matrix, a: d.ActivationName) => {
        const Z1 = d.addRowVector(d.matmulNT(X, net.W1), net.b1);
        const A1 = applyF(a, Z1);
        const Z2 = d.addRowVector(d.matmulNT(A1, net.W2), net.b2);
        return { Z1, A1, Z2, P: d.softmax(applyF(a, Z2)) };
      },
    },
    {
      hint: "Z2 is computed from Z1 instead of A1 = f(Z1): the second layer sees the hidden ACTIVATIONS.",
      answer: (net: Net, X: d.Matrix, a: d.ActivationName) => {
        const Z1 = d.addRowVector(d.matmulNT(X, net.W1), net.b1);
        const A1 = applyF(a, Z1);
        const Z2 = d.addRowVector(d.matmulNT(Z1, net.W2), net.b2);
        return { Z1, A1, Z2, P: d.softmax(Z2) };
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex2 · deltas

/** Args of a delta case: net, fw (from the reference forward pass), y, act. */
function deltaArgs(c: { net: Net; X: d.Matrix; y: Int32Array }, a: d.ActivationName): unknown[] {
  return [c.net, forwardRef(c.net, c.X, a), c.y, a];
}

const deltasFrom = (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName, change: "noFprime" | "fprimeOfA" | "divideN"): Deltas => {
  const D2 = d.sub(fw.P, d.oneHot(y, fw.P.cols));
  const back = d.matmul(D2, net.W2);
  const D1 =
    change === "noFprime" ? back : d.hadamard(back, d.map(change === "fprimeOfA" ? fw.A1 : fw.Z1, act(a).df));
  if (change === "divideN") return { D2: d.scale(D2, 1 / y.length), D1: d.scale(D1, 1 / y.length) };
  return { D2, D1 };
};

exercise({
  id: "hw06-ex2",
  title: "The delta recursion",
  reference: deltasRef,
  cases: (rng: d.Rng) => [
    { name: "n = 4, d = 3, h = 5, K = 3, ReLU", args: deltaArgs(data(rng, S(4, 3, 5, 3)), "relu"), points: 1 },
    { name: "n = 5, d = 4, h = 3, K = 3 (W2 square), sigmoid", args: deltaArgs(data(rng, S(5, 4, 3, 3)), "sigmoid"), points: 1 },
    { name: "a class absent from the batch (labels only 0 and 2 of K = 4), tanh", args: deltaArgs(data(rng, S(6, 3, 4, 4), { only: [0, 2] }), "tanh"), points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "one example, ReLU", args: deltaArgs(data(rng, S(1, 5, 4, 3)), "relu"), points: 1 },
    { name: "a single hidden unit, sigmoid", args: deltaArgs(data(rng, S(7, 3, 1, 4)), "sigmoid"), points: 1 },
  ],
  mistakes: [
    {
      hint: "f'(Z1) is missing: the error sent back through W2 must be multiplied element-wise by the slope of the hidden activation, Δ1 = (Δ2 W2) ⊙ f'(Z1).",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) => deltasFrom(net, fw, y, a, "noFprime"),
    },
    {
      hint: "The slope is taken at A1 instead of Z1: use f'(Z1), the derivative at the weighted input (for ReLU the two happen to agree, for sigmoid and tanh they do not).",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) => deltasFrom(net, fw, y, a, "fprimeOfA"),
    },
    {
      hint: "The deltas are divided by n: Δ2 = P − Y is per example, the 1/n of the mean belongs to the weight gradients (exercise 3), not to the deltas.",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) => deltasFrom(net, fw, y, a, "divideN"),
    },
    {
      hint: "W2 is transposed: Δ2 is n×K and W2 is K×h, so Δ2 W2 (n×h) already has the hidden layer's shape; Δ2 W2ᵀ only fits by accident when K = h.",
      answer: (net: Net, fw: Forward, y: ArrayLike<number>, a: d.ActivationName) => {
        const D2 = d.sub(fw.P, d.oneHot(y, fw.P.cols));
        return { D2, D1: d.hadamard(d.matmulNT(D2, net.W2), d.map(fw.Z1, act(a).df)) };
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex3 · weight gradients

function gradArgs(c: { net: Net; X: d.Matrix; y: Int32Array }, a: d.ActivationName): unknown[] {
  const { dl } = mlpBackward(c.net, c.X, c.y, a);
  return [c.X, forwardRef(c.net, c.X, a), dl];
}

exercise({
  id: "hw06-ex3",
  title: "Weight gradients as products of deltas and activations",
  reference: weightGradientsRef,
  cases: (rng: d.Rng) => [
    { name: "n = 4, d = 3, h = 5, K = 3, ReLU", args: gradArgs(data(rng, S(4, 3, 5, 3)), "relu"), points: 1 },
    { name: "n = 8, d = 6, h = 4, K = 2, tanh", args: gradArgs(data(rng, S(8, 6, 4, 2)), "tanh"), points: 1 },
    { name: "a class absent from the batch (K = 5, labels 1 and 3 only)", args: gradArgs(data(rng, S(6, 4, 3, 5), { only: [1, 3] }), "relu"), points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "one example: each gradient is one outer product", args: gradArgs(data(rng, S(1, 4, 3, 3)), "sigmoid"), points: 1 },
    { name: "a single hidden unit", args: gradArgs(data(rng, S(5, 3, 1, 3)), "relu"), points: 1 },
  ],
  mistakes: [
    {
      hint: "W2's gradient uses Z1; it must use A1 = f(Z1), the hidden layer's OUTPUT, which is what W2 multiplies.",
      answer: (X: d.Matrix, fw: Forward, dl: Deltas) => ({ ...weightGradientsRef(X, fw, dl), W2: d.scale(d.matmulTN(dl.D2, fw.Z1), 1 / X.rows) }),
    },
    {
      hint: "The bias gradients are not averaged: ∂L/∂b = (1/n) Σ_i Δ[i,:], with the same 1/n as the weights.",
      answer: (X: d.Matrix, fw: Forward, dl: Deltas) => ({ ...weightGradientsRef(X, fw, dl), b1: d.sumRows(dl.D1), b2: d.sumRows(dl.D2) }),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex4 · the mean cross-entropy, stably

exercise({
  id: "hw06-ex4",
  title: "The loss",
  reference: meanLossRef,
  cases: (rng: d.Rng) => {
    const a = data(rng, S(5, 3, 4, 3));
    const b = data(rng, S(9, 4, 6, 5));
    return [
      { name: "n = 5, K = 3, ReLU", args: [a.net, a.X, a.y, "relu"], points: 1 },
      { name: "n = 9, K = 5, tanh", args: [b.net, b.X, b.y, "tanh"], points: 1 },
    ];
  },
  hidden: (rng: d.Rng) => {
    const big = data(rng, S(4, 4, 5, 3), { scale: 200 });
    const one = data(rng, S(1, 3, 1, 2));
    return [
      { name: "huge logits (±1000s): needs log-sum-exp", args: [big.net, big.X, big.y, "relu"], points: 1 },
      { name: "one example, a single hidden unit", args: [one.net, one.X, one.y, "sigmoid"], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "The loss is a sum over the examples; the course's L is the MEAN, (1/n) Σ_i −ln P[i, y_i].",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName) => meanLossRef(net, X, y, a) * y.length,
    },
    {
      hint: "ln P is computed as ln(softmax(z)) after exp: for logits in the hundreds exp overflows to Infinity (or P underflows to 0). Use −ln P[i,y] = LSE(z_i) − z_{i,y} with LSE(z) = m + ln Σ_j exp(z_j − m), m = max_j z_j.",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName) => {
        const Z2 = forwardRef(net, X, a).Z2;
        let s = 0;
        for (let i = 0; i < Z2.rows; i++) {
          const z = Array.from(Z2.row(i));
          const e = z.map(Math.exp);
          s -= Math.log(e[y[i]] / e.reduce((u, v) => u + v, 0));
        }
        return s / y.length;
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex5 · central differences

/** Smooth test functions of a matrix, each with a known gradient. */
const testFunctions: Record<string, (M: d.Matrix) => number> = {
  // f(M) = Σ_ij sin(M_ij)·(i + 2j + 1) + (Σ M)²
  sinWeighted: (M) => {
    let s = 0;
    let t = 0;
    for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.cols; j++) {
      s += Math.sin(M.get(i, j)) * (i + 2 * j + 1);
      t += M.get(i, j);
    }
    return s + t * t;
  },
  // f(M) = ln Σ exp(M_ij) (a log-sum-exp over all entries)
  lse: (M) => d.logSumExp(M.data),
  // f(M) = Σ M_ij³
  cubes: (M) => {
    let s = 0;
    for (let i = 0; i < M.data.length; i++) s += M.data[i] ** 3;
    return s;
  },
};

function exactGradient(name: string, M: d.Matrix): d.Matrix {
  const G = d.zeros(M.rows, M.cols, "float64");
  if (name === "sinWeighted") {
    const t = d.sum(M);
    for (let i = 0; i < M.rows; i++) for (let j = 0; j < M.cols; j++) G.set(i, j, Math.cos(M.get(i, j)) * (i + 2 * j + 1) + 2 * t);
  } else if (name === "lse") {
    const l = d.logSumExp(M.data);
    for (let i = 0; i < M.data.length; i++) G.data[i] = Math.exp(M.data[i] - l);
  } else for (let i = 0; i < M.data.length; i++) G.data[i] = 3 * M.data[i] ** 2;
  return G;
}

/** The reference of ex5 is the exact gradient of the named test function (the case passes the function itself). */
const ex5Reference = (f: (M: d.Matrix) => number, M: d.Matrix, _h: number): d.Matrix => {
  const name = Object.keys(testFunctions).find((k) => testFunctions[k] === f);
  return name ? exactGradient(name, M) : numericalGradientRef(f, M, 1e-5);
};

exercise({
  id: "hw06-ex5",
  title: "Central differences",
  reference: ex5Reference,
  tolerance: 1e-7,
  cases: (rng: d.Rng) => [
    { name: "f = Σ sin(M_ij)(i + 2j + 1) + (Σ M)², M 2×3, h = 1e-5", args: [testFunctions.sinWeighted, d.randn(2, 3, rng), 1e-5], points: 1 },
    { name: "f = log-sum-exp of all entries, M 3×2, h = 1e-5", args: [testFunctions.lse, d.randn(3, 2, rng), 1e-5], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "f = Σ M_ij³, M 1×1 (one entry), h = 1e-4", args: [testFunctions.cubes, d.randn(1, 1, rng, 2), 1e-4], points: 1 },
    { name: "f = Σ sin(M_ij)(i + 2j + 1) + (Σ M)², M 4×1", args: [testFunctions.sinWeighted, d.randn(4, 1, rng), 1e-5], points: 1 },
  ],
  mistakes: [
    {
      hint: "This is the forward difference (f(M + h e) − f(M))/h, whose error shrinks only like h; the central difference (f(M + h e) − f(M − h e))/(2h) is accurate to h².",
      answer: (f: (M: d.Matrix) => number, M: d.Matrix, h: number) => {
        const G = d.zerosLike(M);
        const f0 = f(M);
        for (let t = 0; t < M.data.length; t++) {
          const keep = M.data[t];
          M.data[t] = keep + h;
          G.data[t] = (f(M) - f0) / h;
          M.data[t] = keep;
        }
        return G;
      },
    },
    {
      hint: "Divided by h instead of 2h: the two evaluations f(M + h e) and f(M − h e) are 2h apart, so the central difference is (f(M + h e) − f(M − h e))/(2h).",
      answer: (f: (M: d.Matrix) => number, M: d.Matrix, h: number) => d.scale(numericalGradientRef(f, M, h), 2),
    },
    {
      hint: "An entry is not put back after its two evaluations: restore M[t] to its original value before moving on to the next entry, or every later difference is taken at a shifted point.",
      answer: (f: (M: d.Matrix) => number, M: d.Matrix, h: number) => {
        const G = d.zerosLike(M);
        for (let t = 0; t < M.data.length; t++) {
          const keep = M.data[t];
          M.data[t] = keep + h;
          const up = f(M);
          M.data[t] = keep - h;
          const down = f(M);
          G.data[t] = (up - down) / (2 * h);
        }
        return G;
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex6 · a gradient check of a backprop

/** A backprop with one deliberate slip, for the cases: the check must catch it. */
export const brokenBackprops: Record<string, Backprop> = {
  /** forgets f'(Z1) in Δ1 */
  noFprime: (net, X, y, a) => {
    const fw = forwardRef(net, X, a);
    const D2 = d.sub(fw.P, d.oneHot(y, fw.P.cols));
    return weightGradientsRef(X, fw, { D2, D1: d.matmul(D2, net.W2) });
  },
  /** ∂L/∂W2 twice too large */
  doubleW2: (net, X, y, a) => {
    const g = backpropRef(net, X, y, a);
    return { ...g, W2: d.scale(g.W2, 2) };
  },
  /** the bias gradients not averaged over the batch */
  biasSum: (net, X, y, a) => {
    const g = backpropRef(net, X, y, a);
    return { ...g, b1: d.scale(g.b1, y.length), b2: d.scale(g.b2, y.length) };
  },
};

/** The ex6 answer's bar: a correct backprop must give < 1e-6, a broken one > 1e-2; and close to the reference's value. */
function compareGradientCheck(got: unknown, expected: unknown): string | null {
  const e = expected as number;
  const correct = e < 1e-6; // the reference's own verdict on the backprop it was handed
  if (typeof got !== "number" || Number.isNaN(got)) return `expected one number (the largest relative error), got ${JSON.stringify(got)}`;
  if (got < 0) return `a relative error |a − ñ| / (|a| + |ñ|) is never negative, got ${got}: take absolute values`;
  if (correct && !(got < 1e-6)) return `this backprop is correct, so the check should report a tiny error (the reference gets ${e.toExponential(2)}, below 1e-6); got ${got.toExponential(3)}`;
  if (!correct && !(got > 1e-2)) return `this backprop has a deliberate slip, which a gradient check must expose (the reference reports ${e.toExponential(3)}); got ${got.toExponential(3)}, which would let the bug through`;
  if (!correct && Math.abs(got - e) > 1e-3 * Math.max(1, e)) return `expected the largest relative error ${e.toPrecision(6)}, got ${got.toPrecision(6)}`;
  return null;
}

exercise({
  id: "hw06-ex6",
  title: "A gradient check",
  reference: gradientCheckRef,
  compare: compareGradientCheck,
  cases: (rng: d.Rng) => {
    const a = data(rng, S(5, 4, 3, 3));
    const b = data(rng, S(6, 3, 4, 3));
    const c = data(rng, S(4, 3, 3, 4));
    return [
      { name: "the course's backprop (correct), tanh: error below 1e-6", args: [a.net, a.X, a.y, "tanh", backpropRef], points: 1 },
      { name: "a backprop without f'(Z1), tanh: the check must report it", args: [b.net, b.X, b.y, "tanh", brokenBackprops.noFprime], points: 1 },
      { name: "a backprop with ∂L/∂W2 twice too large, sigmoid", args: [c.net, c.X, c.y, "sigmoid", brokenBackprops.doubleW2], points: 1 },
    ];
  },
  hidden: (rng: d.Rng) => {
    const a = data(rng, S(6, 3, 4, 3));
    const b = data(rng, S(1, 3, 1, 2));
    return [
      { name: "a backprop that forgets the 1/n on the biases only", args: [a.net, a.X, a.y, "sigmoid", brokenBackprops.biasSum], points: 1 },
      { name: "one example, a single hidden unit, the correct backprop", args: [b.net, b.X, b.y, "tanh", backpropRef], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "Your check reports no error at all: compute the gradients with the backprop you are handed (the last argument), compute central differences of meanLoss for every entry of W1, b1, W2 and b2, and return the largest relative error.",
      answer: () => 0,
    },
    {
      hint: "Only W1 is compared: the check must cover every parameter group (W1, b1, W2, b2) and report the largest error over all of them.",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName, bp: Backprop) => {
        const g = bp(net, X, y, a).W1;
        const numeric = numericalGradientRef(() => meanLossRef(net, X, y, a), net.W1, 1e-5);
        let worst = 0;
        for (let i = 0; i < numeric.data.length; i++) worst = Math.max(worst, d.relativeError(g.data[i], numeric.data[i]));
        return worst;
      },
    },
    {
      hint: "This is the absolute difference |a − ñ|; divide by |a| + |ñ| so the error is relative (a gradient of size 1e-4 that is 100% wrong has a tiny absolute error).",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName, bp: Backprop) => {
        const g = bp(net, X, y, a);
        let worst = 0;
        for (const name of GROUPS) {
          const numeric = numericalGradientRef(() => meanLossRef(net, X, y, a), net[name], 1e-5);
          for (let i = 0; i < numeric.data.length; i++) worst = Math.max(worst, Math.abs(g[name].data[i] - numeric.data[i]));
        }
        return worst;
      },
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see test/lastStatement.test.ts.) */
export const HW06_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw06-"));
