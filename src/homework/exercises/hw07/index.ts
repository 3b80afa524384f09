/**
 * Homework 07 · the L2 term and RMSprop, the notes' and the element-wise one
 * (notebooks/homework-masters/07-rmsprop.ipynb).
 *
 *   hw07-ex1  l2Penalty(params, α)                 (α/2) Σ_{weights W} ‖W‖²_F   (biases excluded)
 *   hw07-ex2  l2Gradient(params, α)                grad + αW for weights, grad for biases
 *   hw07-ex3  notesRmspropStep(θ, g, G, hp)        G ← γG + (1−γ)‖g‖²;  θ ← θ − η/√(G+ε)·g   (one scalar G per group)
 *   hw07-ex4  rmspropStep(θ, g, r, hp)             r ← γr + (1−γ) g⊙g;  θ ← θ − η g ⊘ (√r + ε)   (element-wise)
 *   hw07-ex5  trainNotesRmsprop(data, run)         the notes' loop on a 784-h-10 ReLU network: the loss curve
 */
import { exerciseIds } from "../../check";
export * from "./common";
export * from "./ex1-l2-penalty";
export * from "./ex2-l2-gradient";
export * from "./ex3-notes-rmsprop-step";
export * from "./ex4-rmsprop-step";
export * from "./ex5-train-notes-rmsprop";
export * from "./ex6-reset-period";

/**
 * The ids this homework registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW07_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw07-"));
