/** Homework 07: code shared by its exercises (see ./index.ts). */
import * as d from "../../../index";

// ---------------------------------------------------------------------------------------------
export interface Group {
  name: string;
  value: d.Matrix;
}
export interface GroupWithGrad extends Group {
  grad: d.Matrix;
}
export interface NotesHyper {
  eta: number;
  gamma: number;
  eps: number;
}

export const isWeight = (name: string) => name.startsWith("W");

// ---------------------------------------------------------------------------------------------
// References.

export function l2PenaltyRef(params: Group[], alpha: number): number {
  let s = 0;
  for (const p of params) if (isWeight(p.name)) s += d.sumOfSquares(p.value);
  return (alpha / 2) * s;
}

export function l2GradientRef(params: GroupWithGrad[], alpha: number): d.Matrix[] {
  return params.map((p) => (isWeight(p.name) ? d.add(p.grad, d.scale(p.value, alpha)) : d.copy(p.grad)));
}

/** One step of the course's d.rmspropNotes on a single group whose accumulator stands at G. */
export function notesRmspropStepRef(
  theta: d.Matrix,
  grad: d.Matrix,
  G: number,
  hp: NotesHyper,
): { theta: d.Matrix; G: number } {
  const value = d.copy(theta);
  const opt = d.rmspropNotes({ eta: hp.eta, gamma: hp.gamma, eps: hp.eps, g0: G, resetEvery: 0, fast: false });
  opt.step([{ name: "W", value, grad: d.copy(grad) }]);
  return { theta: value, G: opt.groups()[0].G };
}

/** Element-wise RMSprop, the formula of src/optim/rmsprop.ts applied from a given r. */
export function rmspropStepRef(
  theta: d.Matrix,
  grad: d.Matrix,
  r: d.Matrix,
  hp: NotesHyper,
): { theta: d.Matrix; r: d.Matrix } {
  const t = d.copy(theta);
  const rr = d.copy(r);
  for (let i = 0; i < t.data.length; i++) {
    const g = grad.data[i];
    rr.data[i] = hp.gamma * rr.data[i] + (1 - hp.gamma) * g * g; // r ← γ r + (1−γ) g²
    t.data[i] -= (hp.eta * g) / (Math.sqrt(rr.data[i]) + hp.eps); // θ ← θ − η g / (√r + ε)
  }
  return { theta: t, r: rr };
}

/** The settings of the training run of ex5. */
export interface NotesRun extends NotesHyper {
  hidden: number;
  iterations: number;
  resetEvery: number;
  alpha: number;
  seed: number;
}

/** The network of ex5: 784-h-10, ReLU, both biases, float64, weights 0.1·N(0,1) and zero biases from d.rng(seed). */
export function notesNetwork(run: NotesRun, l2 = 0): d.MLP {
  return new d.MLP({
    sizes: [784, run.hidden, 10],
    activations: ["relu"],
    l2,
    dtype: "float64",
    init: "scaled0.1",
    biasInit: "zeros",
    rng: d.rng(run.seed),
  });
}

/**
 * L_k (cross-entropy mean + L2) before each of the `iterations` full-batch steps of d.rmspropNotes, resets after steps
 * K−1, 2K−1, …
 */
export function trainNotesRmspropRef(data: d.Dataset, run: NotesRun): number[] {
  const net = notesNetwork(run, run.alpha);
  const opt = d.rmspropNotes({
    eta: run.eta,
    gamma: run.gamma,
    eps: run.eps,
    resetEvery: run.resetEvery,
    resetAfter: "(k + 1) % K == 0",
    fast: false,
  });
  const L: number[] = [];
  for (let k = 0; k < run.iterations; k++) {
    L.push(net.lossAndGradient(data.X, data.y));
    opt.step(net.params);
  }
  return L;
}

// ---------------------------------------------------------------------------------------------
// Cases.

export function groups(rng: d.Rng, shapes: [string, number, number][], withGrad = false): GroupWithGrad[] {
  return shapes.map(([name, r, c]) => ({
    name,
    value: d.randn(r, c, rng),
    grad: withGrad ? d.randn(r, c, rng, 0.1) : d.zeros(r, c),
  }));
}
export const strip = (gs: GroupWithGrad[]): Group[] => gs.map(({ name, value }) => ({ name, value }));
export const NET_SHAPES: [string, number, number][] = [
  ["W1", 4, 3],
  ["b1", 1, 4],
  ["W2", 2, 4],
  ["b2", 1, 2],
];
