/**
 * Homework 04 · the softmax-regression gradient (master: notebooks/homework-masters/04-softmax-regression.ipynb).
 *
 * Model of the handwritten notes: W (K×d, row j = w_j), b (1×K), z = W x + b, p = softmax(z),
 * energy E = Σ_i −ln p_{y_i}(x_i) (a SUM), mean loss L = E / n.
 *
 *   hw04-ex1  exampleGradient(W, b, x, y)            one example: ∂E/∂W = (p − e_y) xᵀ (K×d), ∂E/∂b = p − e_y (1×K)
 *   hw04-ex2  energyGradient(W, b, X, y)             per-example sum: ∂E/∂w_j = Σ_i (p_j(x_i) − 1{y_i=j}) x_i
 *   hw04-ex3  vectorisedGradient(W, b, X, y)         ∂L/∂W = (1/n)(P − Y)ᵀX, ∂L/∂b = (1/n) 1ᵀ(P − Y)
 *   hw04-ex4  numericalGradient(loss, M, entries, h) central differences at chosen entries of M (restored after)
 *   hw04-ex5  trainSoftmax(train, epochs, eta, B)    mini-batch gradient descent; bar: test accuracy on an MNIST subset
 *   hw04-ex6  centre(train, test)                    both sets minus the TRAINING mean image μ = (1/n) Σ_i x_i (1×d)
 *
 * References: src/chapters/notesAlgorithm.ts (exactEnergyGradient, and the notes' printed formulas as
 * known mistakes), src/calculus/gradcheck.ts (centralDifferences), src/models/softmax.ts.
 */
import { exerciseIds } from "../../check";
export * from "./common";
export * from "./ex1-example-gradient";
export * from "./ex2-energy-gradient";
export * from "./ex3-vectorised-gradient";
export * from "./ex4-numerical-gradient";
export * from "./ex5-train-small-mnist";
export * from "./ex6-centre";
export * from "./ex7-raw-pixel-step-sizes";

/**
 * The ids this homework registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW04_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw04-"));
