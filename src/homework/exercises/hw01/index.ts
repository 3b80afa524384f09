/**
 * Homework 01 · the perceptron (master: notebooks/homework-masters/01-perceptron.ipynb).
 *
 *   hw01-ex1  decideWithThreshold(X, w, t)     output_i = 1 if w·x_i ≥ t, else 0          X: n×d → n labels
 *   hw01-ex2  decideWithBias(X, w, b)          output_i = H(w·x_i + b), H(0) = 1           X: n×d → n labels
 *   hw01-ex3  perceptronStep(w, b, x, y, eta)  ŷ = H(w·x + b); w ← w + η(y − ŷ)x; b ← b + η(y − ŷ)
 *   hw01-ex4  trainPerceptron(X, y, maxEpochs) passes in order from w = 0, b = 0, η = 1 until a pass
 *                                              makes no mistake (the stopping test) or maxEpochs passes
 *
 * References are the course's own src/models/perceptron.ts.
 */
import { exerciseIds } from "../../check";
export * from "./common";
export * from "./ex1-decide-with-threshold";
export * from "./ex2-decide-with-bias";
export * from "./ex3-perceptron-step";
export * from "./ex4-train-perceptron";
export * from "./ex5-xor-features";

/**
 * The ids this homework registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW01_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw01-"));
