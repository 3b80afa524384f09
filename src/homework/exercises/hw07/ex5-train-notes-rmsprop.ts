/** Homework 07, hw07-ex5 · The notes' training loop (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { NotesRun, isWeight, notesNetwork, trainNotesRmspropRef } from "./common";
import { NOTES } from "./ex3-notes-rmsprop-step";

// ex5 · the notes' training loop

/** `n` MNIST training images from `offset`, in float64 (the gradient-check precision, so curves compare tightly). */
export function float64Images(n: number, offset = 0): d.Dataset {
  const m = d.loadMnist();
  const s = d.subset(
    m.train,
    Array.from({ length: n }, (_, i) => offset + i),
  );
  return { X: d.copy(s.X, "float64"), y: s.y };
}

/** A wrong loop built on the course's optimiser with one setting changed. */
export function notesLoopVariant(
  data: d.Dataset,
  run: NotesRun,
  change: "asPrinted" | "never" | "whole" | "l2OnBiases" | "zeroStart",
): number[] {
  if (change === "l2OnBiases") {
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
    g0: change === "zeroStart" ? 0 : 1,
    fast: false,
  });
  const L: number[] = [];
  for (let k = 0; k < run.iterations; k++) {
    L.push(net.lossAndGradient(data.X, data.y));
    opt.step(net.params);
  }
  return L;
}

export const RUN: NotesRun = { hidden: 16, iterations: 30, resetEvery: 10, alpha: 1e-3, seed: 1127, ...NOTES };

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW07_EX5 = exercise({
  id: "hw07-ex5",
  writes: ["rmspropNotes"],
  title: "The notes' training loop",
  reference: trainNotesRmspropRef,
  tolerance: 1e-6,
  cases: () => [
    {
      name: "200 images, 784-16-10, 30 full-batch steps, resets every 10, α = 1e-3",
      args: [float64Images(200), RUN],
      points: 2,
    },
    {
      name: "100 images, 784-8-10, 12 steps, resets every 5, α = 0.01",
      args: [float64Images(100, 500), { ...RUN, hidden: 8, iterations: 12, resetEvery: 5, alpha: 0.01 }],
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    {
      name: "one image, a single hidden unit, 8 steps, resets every 3",
      args: [float64Images(1, rng.int(1000)), { ...RUN, hidden: 1, iterations: 8, resetEvery: 3 }],
      points: 1,
    },
    {
      name: "150 images, 784-12-10, 25 steps, random seed, η = 0.3",
      args: [
        float64Images(150, 2000 + rng.int(1000)),
        { ...RUN, hidden: 12, iterations: 25, seed: 1 + rng.int(10000), eta: 0.3 },
      ],
      points: 1,
    },
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
      hint: "The accumulators start at 0 (and are reset to 0): the notes' accumulator G starts at 1 and is set back to 1 at each reset, so each step's G ← γG + (1 − γ)‖g‖² stays near 1 at first; from 0 it is only (1 − γ)‖g‖², and the first steps after a start or reset are far too large.",
      answer: (data: d.Dataset, run: NotesRun) => notesLoopVariant(data, run, "zeroStart"),
    },
    {
      hint: "The biases are penalised: use your l2Penalty and l2Gradient (weights only) — the loss and gradient of biases carry no α term.",
      answer: (data: d.Dataset, run: NotesRun) => notesLoopVariant(data, run, "l2OnBiases"),
    },
  ],
});
