/**
 * Homework 03 · softmax and cross-entropy (master: notebooks/homework-masters/03-softmax.ipynb).
 *
 *   hw03-ex1  oneHot(y, K)                 Y[i, k] = 1{y_i = k}                                 n labels → n×K
 *   hw03-ex2  stableSoftmax(Z)             S[i, k] = e^{Z[i,k] − m_i} / Σ_l e^{Z[i,l] − m_i}     n×K → n×K
 *   hw03-ex3  logSumExp(z)                 LSE(z) = m + ln Σ_k e^{z_k − m},  m = max_k z_k     length K → number
 *   hw03-ex4  crossEntropy(Z, y)           L = (1/n) Σ_i (LSE(z_i) − z_{i, y_i})                n×K, n labels → number
 *   hw03-ex5  softmaxJacobian(s)           J[i, j] = s_i (1{i=j} − s_j)                          length K → K×K
 *   hw03-ex6  crossEntropyGradient(Z, y)   ∂L/∂Z = (softmax(Z) − Y) / n                          n×K → n×K
 *
 * References: src/models/softmax.ts.
 */
import { exerciseIds } from "../../check";
export * from "./common";
export * from "./ex1-one-hot";
export * from "./ex2-stable-softmax";
export * from "./ex3-log-sum-exp";
export * from "./ex4-cross-entropy";
export * from "./ex5-softmax-jacobian";
export * from "./ex6-cross-entropy-gradient";
export * from "./ex7-smoothed-labels-gradient";

/**
 * The ids this homework registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see
 * test/lastStatement.test.ts.)
 */
export const HW03_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw03-"));
