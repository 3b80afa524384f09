/**
 * Homework 07 · the L2 term and RMSprop, the notes' and the element-wise one (notebooks/homework-masters/07-rmsprop.ipynb).
 *
 *   hw07-ex1  l2Penalty(params, α)                 (α/2) Σ_{weights W} ‖W‖²_F   (biases excluded)
 *   hw07-ex2  l2Gradient(params, α)                grad + αW for weights, grad for biases
 *   hw07-ex3  notesRmspropStep(θ, g, G, hp)        G ← γG + (1−γ)‖g‖²;  θ ← θ − η/√(G+ε)·g   (one scalar G per group)
 *   hw07-ex4  rmspropStep(θ, g, r, hp)             r ← γr + (1−γ) g⊙g;  θ ← θ − η g ⊘ (√r + ε)   (element-wise)
 *   hw07-ex5  trainNotesRmsprop(data, run)         the notes' loop on a 784-h-10 ReLU network: the loss curve
 */
import * as d from "../../index";
import { exercise, exerciseIds } from "../check";

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

const isWeight = (name: string) => name.startsWith("W");

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
export function notesRmspropStepRef(theta: d.Matrix, grad: d.Matrix, G: number, hp: NotesHyper): { theta: d.Matrix; G: number } {
  const value = d.copy(theta);
  const opt = d.rmspropNotes({ eta: hp.eta, gamma: hp.gamma, eps: hp.eps, g0: G, resetEvery: 0, fast: false });
  opt.step([{ name: "W", value, grad: d.copy(grad) }]);
  return { theta: value, G: opt.groups()[0].G };
}

/** Element-wise RMSprop, the formula of src/optim/rmsprop.ts applied from a given r. */
export function rmspropStepRef(theta: d.Matrix, grad: d.Matrix, r: d.Matrix, hp: NotesHyper): { theta: d.Matrix; r: d.Matrix } {
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
  return new d.MLP({ sizes: [784, run.hidden, 10], activations: ["relu"], l2, dtype: "float64", init: "scaled0.1", biasInit: "zeros", rng: d.rng(run.seed) });
}

/** L_k (cross-entropy mean + L2) before each of the `iterations` full-batch steps of d.rmspropNotes, resets after steps K−1, 2K−1, … */
export function trainNotesRmspropRef(data: d.Dataset, run: NotesRun): number[] {
  const net = notesNetwork(run, run.alpha);
  const opt = d.rmspropNotes({ eta: run.eta, gamma: run.gamma, eps: run.eps, resetEvery: run.resetEvery, resetAfter: "(k + 1) % K == 0", fast: false });
  const L: number[] = [];
  for (let k = 0; k < run.iterations; k++) {
    L.push(net.lossAndGradient(data.X, data.y));
    opt.step(net.params);
  }
  return L;
}

// ---------------------------------------------------------------------------------------------
// Cases.

function groups(rng: d.Rng, shapes: [string, number, number][], withGrad = false): GroupWithGrad[] {
  return shapes.map(([name, r, c]) => ({ name, value: d.randn(r, c, rng), grad: withGrad ? d.randn(r, c, rng, 0.1) : d.zeros(r, c) }));
}
const strip = (gs: GroupWithGrad[]): Group[] => gs.map(({ name, value }) => ({ name, value }));
const NET_SHAPES: [string, number, number][] = [
  ["W1", 4, 3],
  ["b1", 1, 4],
  ["W2", 2, 4],
  ["b2", 1, 2],
];

// ---------------------------------------------------------------------------------------------
// ex1 · the penalty

exercise({
  id: "hw07-ex1",
  title: "The L2 penalty",
  reference: l2PenaltyRef,
  cases: (rng: d.Rng) => [
    { name: "hand case: W = [[1, 2], [3, 4]], α = 0.1 → 0.05·30 = 1.5", args: [[{ name: "W1", value: d.fromArrays([[1, 2], [3, 4]]) }], 0.1], points: 1 },
    { name: "W1, b1, W2, b2 of a 3-4-2 network, α = 0.01 (the biases carry no penalty)", args: [strip(groups(rng, NET_SHAPES)), 0.01], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "α = 0: no penalty", args: [strip(groups(rng, NET_SHAPES)), 0], points: 1 },
    { name: "three weight groups and one bias, α = 1e-6", args: [strip(groups(rng, [["W1", 5, 6], ["W2", 3, 5], ["b2", 1, 3], ["W3", 2, 3]])), 1e-6], points: 1 },
  ],
  mistakes: [
    {
      hint: "The biases are penalised too: the L2 term covers the weight matrices only (names starting with W), never b1, b2, …",
      answer: (params: Group[], alpha: number) => (alpha / 2) * params.reduce((s, p) => s + d.sumOfSquares(p.value), 0),
    },
    {
      hint: "The 1/2 is missing: the penalty is (α/2)·Σ‖W‖² (the 1/2 makes its gradient exactly αW).",
      answer: (params: Group[], alpha: number) => 2 * l2PenaltyRef(params, alpha),
    },
    {
      hint: "The penalty is (α/2)·Σ‖W‖², the SQUARED Frobenius norm ‖W‖² = Σ_ij W_ij² (no square root).",
      answer: (params: Group[], alpha: number) => (alpha / 2) * params.filter((p) => isWeight(p.name)).reduce((s, p) => s + Math.sqrt(d.sumOfSquares(p.value)), 0),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex2 · its gradient

exercise({
  id: "hw07-ex2",
  title: "The L2 term's gradient",
  reference: l2GradientRef,
  cases: (rng: d.Rng) => [
    { name: "W1, b1, W2, b2 of a 3-4-2 network, α = 0.1", args: [groups(rng, NET_SHAPES, true), 0.1], points: 1 },
    { name: "a single weight group, α = 0.5", args: [groups(rng, [["W1", 3, 5]], true), 0.5], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "α = 0: the gradients unchanged", args: [groups(rng, NET_SHAPES, true), 0], points: 1 },
    { name: "one bias only (nothing to add)", args: [groups(rng, [["b1", 1, 6]], true), 0.3], points: 1 },
  ],
  mistakes: [
    {
      hint: "αb was added to the bias gradients: biases carry no penalty, so their gradient is unchanged.",
      answer: (params: GroupWithGrad[], alpha: number) => params.map((p) => d.add(p.grad, d.scale(p.value, alpha))),
    },
    {
      hint: "The derivative of (α/2)‖W‖² is αW: the 1/2 cancels the 2 from the square, so there is no 2αW and no α/2·W.",
      answer: (params: GroupWithGrad[], alpha: number) => params.map((p) => (isWeight(p.name) ? d.add(p.grad, d.scale(p.value, 2 * alpha)) : d.copy(p.grad))),
    },
    {
      hint: "Wrong sign: the penalty grows with ‖W‖, so its gradient +αW is ADDED to the loss gradient (the descent step then shrinks W).",
      answer: (params: GroupWithGrad[], alpha: number) => params.map((p) => (isWeight(p.name) ? d.sub(p.grad, d.scale(p.value, alpha)) : d.copy(p.grad))),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex3 · the notes' step (one scalar accumulator per group)

const NOTES: NotesHyper = { eta: 0.5, gamma: 0.99, eps: 1e-3 };

function notesVariant(theta: d.Matrix, grad: d.Matrix, G: number, hp: NotesHyper, change: "epsOutside" | "oldG" | "overwrite" | "noOneMinus"): { theta: d.Matrix; G: number } {
  const n2 = d.sumOfSquares(grad);
  const Gn = change === "noOneMinus" ? hp.gamma * G + n2 : hp.gamma * G + (1 - hp.gamma) * n2;
  const Gs = change === "oldG" ? G : Gn;
  const step = change === "epsOutside" ? hp.eta / (Math.sqrt(Gs) + hp.eps) : hp.eta / Math.sqrt(Gs + hp.eps);
  const t = change === "overwrite" ? d.scale(grad, step) : d.sub(theta, d.scale(grad, step));
  return { theta: t, G: Gn };
}

exercise({
  id: "hw07-ex3",
  title: "The notes' RMSprop step",
  reference: notesRmspropStepRef,
  cases: (rng: d.Rng) => [
    { name: "hand case: θ = [[1, 2]], g = [[3, 4]], G = 1, the notes' η, γ, ε", args: [d.fromArrays([[1, 2]]), d.fromArrays([[3, 4]]), 1, NOTES], points: 1 },
    { name: "a 3×4 group, G = 0.2", args: [d.randn(3, 4, rng), d.randn(3, 4, rng, 0.5), 0.2, NOTES], points: 1 },
    { name: "a small accumulator (G = 1e-4) and a tiny gradient: ε decides the step", args: [d.randn(2, 2, rng), d.randn(2, 2, rng, 1e-3), 1e-4, NOTES], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "one entry, γ = 0.9, η = 0.1, ε = 1e-8", args: [d.randn(1, 1, rng), d.randn(1, 1, rng), 0.5, { eta: 0.1, gamma: 0.9, eps: 1e-8 }], points: 1 },
    { name: "a zero gradient: G only decays, θ does not move", args: [d.randn(2, 3, rng), d.zeros(2, 3), 0.7, NOTES], points: 1 },
  ],
  mistakes: [
    {
      hint: "ε is outside the square root, η/(√G + ε): the notes put it inside, η/√(G + ε) (with ε = 1e-3 the two differ a lot when G is small).",
      answer: (t: d.Matrix, g: d.Matrix, G: number, hp: NotesHyper) => notesVariant(t, g, G, hp, "epsOutside"),
    },
    {
      hint: "The step uses the accumulator from BEFORE this step: update G first (G ← γG + (1−γ)‖g‖²), then step with η/√(G_new + ε).",
      answer: (t: d.Matrix, g: d.Matrix, G: number, hp: NotesHyper) => notesVariant(t, g, G, hp, "oldG"),
    },
    {
      hint: "θ is overwritten by the step (θ = s·g), the slip printed in the notes' code (`W[0] = etaW0 * dW[0]`): a descent step SUBTRACTS, θ ← θ − s·g.",
      answer: (t: d.Matrix, g: d.Matrix, G: number, hp: NotesHyper) => notesVariant(t, g, G, hp, "overwrite"),
    },
    {
      hint: "The new squared norm is added without the weight (1 − γ): G ← γG + (1 − γ)‖g‖², a moving average.",
      answer: (t: d.Matrix, g: d.Matrix, G: number, hp: NotesHyper) => notesVariant(t, g, G, hp, "noOneMinus"),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex4 · element-wise RMSprop

const ELEMENTWISE: NotesHyper = { eta: 1e-3, gamma: 0.9, eps: 1e-8 };

exercise({
  id: "hw07-ex4",
  title: "The element-wise RMSprop step",
  reference: rmspropStepRef,
  cases: (rng: d.Rng) => [
    { name: "hand case: θ = [[1, 2]], g = [[3, −4]], r = 0 (the first step), η = 0.001, γ = 0.9", args: [d.fromArrays([[1, 2]]), d.fromArrays([[3, -4]]), d.zeros(1, 2), ELEMENTWISE], points: 1 },
    { name: "a 3×4 group with r from earlier steps", args: [d.randn(3, 4, rng), d.randn(3, 4, rng), d.map(d.randn(3, 4, rng), (v) => v * v), ELEMENTWISE], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "entries of very different sizes (1e-3 … 10): each gets its own step", args: [d.randn(2, 3, rng), d.fromArrays([[1e-3, 10, -0.5], [2, -1e-2, 0.3]]), d.fromArrays([[1e-6, 50, 0.2], [3, 1e-4, 0.1]]), { eta: 0.01, gamma: 0.99, eps: 1e-8 }], points: 1 },
    { name: "one entry, ε = 0.1 (ε matters)", args: [d.randn(1, 1, rng), d.fromArrays([[0.02]]), d.fromArrays([[1e-4]]), { eta: 0.1, gamma: 0.9, eps: 0.1 }], points: 1 },
  ],
  mistakes: [
    {
      hint: "One accumulator for the whole group (the notes' variant, r ← γr + (1−γ)‖g‖²): the element-wise method keeps one r per weight, r_i ← γ r_i + (1−γ) g_i².",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const n2 = d.sumOfSquares(g);
        const rr = d.map(r, (v) => hp.gamma * v + (1 - hp.gamma) * n2);
        return { theta: d.zipWith(t, d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / (Math.sqrt(ri) + hp.eps)), (a, b) => a - b), r: rr };
      },
    },
    {
      hint: "ε is under the square root, √(r + ε); element-wise RMSprop adds it outside, g/(√r + ε).",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const rr = d.zipWith(r, g, (ri, gi) => hp.gamma * ri + (1 - hp.gamma) * gi * gi);
        return { theta: d.zipWith(t, d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / Math.sqrt(ri + hp.eps)), (a, b) => a - b), r: rr };
      },
    },
    {
      hint: "Wrong sign: the step goes uphill. Descent subtracts, θ ← θ − η·g/(√r + ε).",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const { r: rr } = rmspropStepRef(t, g, r, hp);
        return { theta: d.zipWith(t, d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / (Math.sqrt(ri) + hp.eps)), (a, b) => a + b), r: rr };
      },
    },
    {
      hint: "The step is divided by r instead of √r: r is a mean of SQUARED gradients, so its square root has the gradient's units and the step η·g/√r is about η in size.",
      answer: (t: d.Matrix, g: d.Matrix, r: d.Matrix, hp: NotesHyper) => {
        const rr = d.zipWith(r, g, (ri, gi) => hp.gamma * ri + (1 - hp.gamma) * gi * gi);
        return { theta: d.zipWith(t, d.zipWith(g, rr, (gi, ri) => (hp.eta * gi) / (ri + hp.eps)), (a, b) => a - b), r: rr };
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// ex5 · the notes' training loop

/** `n` MNIST training images from `offset`, in float64 (the gradient-check precision, so curves compare tightly). */
export function float64Images(n: number, offset = 0): d.Dataset {
  const m = d.loadMnist();
  const s = d.subset(m.train, Array.from({ length: n }, (_, i) => offset + i));
  return { X: d.copy(s.X, "float64"), y: s.y };
}

/** A wrong loop built on the course's optimiser with one setting changed. */
function notesLoopVariant(data: d.Dataset, run: NotesRun, change: "asPrinted" | "never" | "whole" | "l2OnBiases"): number[] {
  if (change === "l2OnBiases") {
    const net = notesNetwork(run, run.alpha);
    const opt = d.rmspropNotes({ eta: run.eta, gamma: run.gamma, eps: run.eps, resetEvery: run.resetEvery, resetAfter: "(k + 1) % K == 0", fast: false });
    const L: number[] = [];
    for (let k = 0; k < run.iterations; k++) {
      let l = net.lossAndGradient(data.X, data.y);
      for (const p of net.params) {
        if (isWeight(p.name)) continue;
        l += (run.alpha / 2) * d.sumOfSquares(p.value);
        for (let i = 0; i < p.grad.data.length; i++) p.grad.data[i] += run.alpha * p.value.data[i];
      }
      L.push(l);
      opt.step(net.params);
    }
    return L;
  }
  const net = notesNetwork(run, run.alpha);
  const opt = d.rmspropNotes({
    eta: run.eta,
    gamma: run.gamma,
    eps: run.eps,
    resetEvery: change === "never" ? 0 : run.resetEvery,
    resetAfter: change === "asPrinted" ? "k % K == 0" : "(k + 1) % K == 0",
    accumulator: change === "whole" ? "whole-vector" : "per-group",
    fast: false,
  });
  const L: number[] = [];
  for (let k = 0; k < run.iterations; k++) {
    L.push(net.lossAndGradient(data.X, data.y));
    opt.step(net.params);
  }
  return L;
}

const RUN: NotesRun = { hidden: 16, iterations: 30, resetEvery: 10, alpha: 1e-3, seed: 1127, ...NOTES };

exercise({
  id: "hw07-ex5",
  title: "The notes' training loop",
  reference: trainNotesRmspropRef,
  tolerance: 1e-6,
  cases: () => [
    { name: "200 images, 784-16-10, 30 full-batch steps, resets every 10, α = 1e-3", args: [float64Images(200), RUN], points: 2 },
    { name: "100 images, 784-8-10, 12 steps, resets every 5, α = 0.01", args: [float64Images(100, 500), { ...RUN, hidden: 8, iterations: 12, resetEvery: 5, alpha: 0.01 }], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "one image, a single hidden unit, 8 steps, resets every 3", args: [float64Images(1, rng.int(1000)), { ...RUN, hidden: 1, iterations: 8, resetEvery: 3 }], points: 1 },
    { name: "150 images, 784-12-10, 25 steps, random seed, η = 0.3", args: [float64Images(150, 2000 + rng.int(1000)), { ...RUN, hidden: 12, iterations: 25, seed: 1 + rng.int(10000), eta: 0.3 }], points: 1 },
  ],
  mistakes: [
    {
      hint: "The accumulators are reset after steps 0, K, 2K, … (the notes' code: `if i % 500 == 0`, which already fires after the very first step). Reset after every K steps: after steps K−1, 2K−1, … ((k + 1) % K == 0).",
      answer: (data: d.Dataset, run: NotesRun) => notesLoopVariant(data, run, "asPrinted"),
    },
    {
      hint: "The accumulators are never reset: set every group's G back to 1 after steps K−1, 2K−1, …",
      answer: (data: d.Dataset, run: NotesRun) => notesLoopVariant(data, run, "never"),
    },
    {
      hint: "One accumulator for all groups together (the notes' prose): the notes' code keeps a separate G for W1, b1, W2 and b2, each fed by its own ‖g‖².",
      answer: (data: d.Dataset, run: NotesRun) => notesLoopVariant(data, run, "whole"),
    },
    {
      hint: "The biases are penalised: use your l2Penalty and l2Gradient (weights only) — the loss and gradient of biases carry no α term.",
      answer: (data: d.Dataset, run: NotesRun) => notesLoopVariant(data, run, "l2OnBiases"),
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see test/lastStatement.test.ts.) */
export const HW07_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw07-"));
