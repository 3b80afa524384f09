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
import { exerciseIds } from "../../check";
export * from "./common";
export * from "./ex1-forward";
export * from "./ex2-deltas";
export * from "./ex3-weight-gradients";
export * from "./ex4-mean-loss";
export * from "./ex5-central-differences";
export * from "./ex6-gradient-check";
export * from "./ex7-input-gradient";

/**
 * The ids this homework registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW06_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw06-"));
