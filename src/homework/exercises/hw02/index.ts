/**
 * Homework 02 · gradient descent (master: notebooks/homework-masters/02-gradient-descent.ipynb).
 *
 *   hw02-ex1  finiteDifferenceGradient(C, v, h)   ∂C/∂v_k ≈ (C(v + h e_k) − C(v − h e_k)) / 2h     v: length p → length
 *   p
 *   hw02-ex2  gradientStep(v, g, eta)              v − η g                                         length p → length p
 *   hw02-ex3  gradientDescent(C, gradC, v0, eta, steps)   { v: v⁽ˢᵗᵉᵖˢ⁾, costs: [C(v⁽⁰⁾), …, C(v⁽ˢᵗᵉᵖˢ⁾)] }
 *   hw02-ex4  chooseRates()                        a learning-rate experiment with two bars (no reference)
 *   hw02-ex5  miniBatchGradient(G, batch)          (1/m) Σ_{i ∈ batch} G[i, :]                       G: n×p → length p
 *
 * References: src/calculus/descent.ts.
 */
import { exerciseIds } from "../../check";
export * from "./common";
export * from "./ex1-finite-difference-gradient";
export * from "./ex2-gradient-step";
export * from "./ex3-gradient-descent";
export * from "./ex4-learning-rate-experiment";
export * from "./ex5-mini-batch-gradient";
export * from "./ex6-safe-learning-rate";

/**
 * The ids this homework registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW02_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw02-"));
