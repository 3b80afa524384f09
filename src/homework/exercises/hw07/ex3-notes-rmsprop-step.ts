/** Homework 07, hw07-ex3 · The notes' RMSprop step (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { NotesHyper, notesRmspropStepRef } from "./common";

// ex3 · the notes' step (one scalar accumulator per group)

export const NOTES: NotesHyper = { eta: 0.5, gamma: 0.99, eps: 1e-3 };

export function notesVariant(
  theta: d.Matrix,
  grad: d.Matrix,
  G: number,
  hp: NotesHyper,
  change: "epsOutside" | "oldG" | "overwrite" | "noOneMinus",
): { theta: d.Matrix; G: number } {
  const n2 = d.sumOfSquares(grad);
  const Gn = change === "noOneMinus" ? hp.gamma * G + n2 : hp.gamma * G + (1 - hp.gamma) * n2;
  const Gs = change === "oldG" ? G : Gn;
  const step = change === "epsOutside" ? hp.eta / (Math.sqrt(Gs) + hp.eps) : hp.eta / Math.sqrt(Gs + hp.eps);
  const t = change === "overwrite" ? d.scale(grad, step) : d.sub(theta, d.scale(grad, step));
  return { theta: t, G: Gn };
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW07_EX3 = exercise({
  id: "hw07-ex3",
  writes: ["rmspropNotes"],
  title: "The notes' RMSprop step",
  reference: notesRmspropStepRef,
  cases: (rng: d.Rng) => [
    {
      name: "hand case: θ = [[1, 2]], g = [[3, 4]], G = 1, the notes' η, γ, ε",
      args: [d.fromArrays([[1, 2]]), d.fromArrays([[3, 4]]), 1, NOTES],
      points: 1,
    },
    { name: "a 3×4 group, G = 0.2", args: [d.randn(3, 4, rng), d.randn(3, 4, rng, 0.5), 0.2, NOTES], points: 1 },
    {
      name: "a small accumulator (G = 1e-4) and a tiny gradient: ε decides the step",
      args: [d.randn(2, 2, rng), d.randn(2, 2, rng, 1e-3), 1e-4, NOTES],
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    {
      name: "one entry, γ = 0.9, η = 0.1, ε = 1e-8",
      args: [d.randn(1, 1, rng), d.randn(1, 1, rng), 0.5, { eta: 0.1, gamma: 0.9, eps: 1e-8 }],
      points: 1,
    },
    {
      name: "a zero gradient: G only decays, θ does not move",
      args: [d.randn(2, 3, rng), d.zeros(2, 3), 0.7, NOTES],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "This is gradient ASCENT: θ + s·g climbs the loss. A descent step subtracts, θ ← θ − η/√(G + ε) · g.",
      answer: (t: d.Matrix, g: d.Matrix, G: number, hp: NotesHyper) => notesRmspropStepRef(t, d.scale(g, -1), G, hp),
    },
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
