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
import { fromArrays, Matrix, randn, transpose, zeros } from "../../core/matrix";
import { Rng } from "../../core/random";
import * as sm from "../../models/softmax";
import { exercise, exerciseIds } from "../check";

const labels = (rng: Rng, n: number, K: number): number[] => Array.from({ length: n }, () => rng.int(K));

/** Row-wise map over an n×K matrix: f gets row i as a plain array and returns the new row. */
function mapRows(Z: Matrix, f: (z: number[], i: number) => number[]): Matrix {
  const out = zeros(Z.rows, Z.cols, "float64");
  for (let i = 0; i < Z.rows; i++) out.data.set(f(Array.from(Z.row(i)), i), i * Z.cols);
  return out;
}

// ---------------------------------------------------------------------------------------------
// hw03-ex1 · one-hot labels

export function oneHotRef(y: number[], K: number): Matrix {
  return sm.oneHot(y, K);
}

exercise({
  id: "hw03-ex1",
  title: "One-hot labels",
  reference: oneHotRef,
  cases: (rng) => [
    { name: "hand case: y = (2, 0, 1), K = 3", args: [[2, 0, 1], 3], points: 1 },
    { name: "random: 8 labels, K = 10", args: [labels(rng, 8, 10), 10], points: 1 },
    { name: "a class absent from the batch: y = (0, 3, 3, 1), K = 10", args: [[0, 3, 3, 1], 10], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one label, the last class (y = 9, K = 10)", args: [[9], 10], points: 1 },
    { name: "random: 25 labels in 0…4, K = 7", args: [labels(rng, 25, 5), 7], points: 1 },
  ],
  mistakes: [
    {
      hint: "The number of columns is K, given as an argument, not max(y) + 1: a class absent from the batch still needs its column (of zeros).",
      answer: (y: number[]) => sm.oneHot(y, Math.max(...y) + 1),
    },
    {
      hint: "Off by one class: label k goes in column k (labels count from 0), so Y[i, y_i] = 1, not Y[i, y_i − 1] or Y[i, y_i + 1].",
      answer: (y: number[], K: number) => {
        const Y = zeros(y.length, K, "float64");
        y.forEach((v, i) => {
          if (v >= 1) Y.data[i * K + v - 1] = 1;
        });
        return Y;
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw03-ex2 · stable softmax

export function stableSoftmaxRef(Z: Matrix): Matrix {
  return sm.softmax(Z, zeros(Z.rows, Z.cols, "float64"));
}

exercise({
  id: "hw03-ex2",
  title: "A softmax that does not overflow",
  reference: stableSoftmaxRef,
  cases: (rng) => [
    { name: "hand case: rows (1, 2, 3) and (0, 0, 0)", args: [fromArrays([[1, 2, 3], [0, 0, 0]])], points: 1 },
    { name: "random 5×4", args: [randn(5, 4, rng)], points: 1 },
    { name: "edge case: logits ±1000", args: [fromArrays([[1000, 999, -1000], [-1000, -1001, -1002]])], points: 2 },
  ],
  hidden: (rng) => [
    { name: "edge case: one row, one class", args: [fromArrays([[42]])], points: 1 },
    { name: "ties: a row of equal large logits", args: [fromArrays([[800, 800, 800, 800], [1, 1, -5, 2]])], points: 1 },
    { name: "random 6×10 with logits of size 500", args: [randn(6, 10, rng, 500)], points: 1 },
  ],
  mistakes: [
    {
      hint: "No max subtraction: e^{1000} overflows to ∞ and ∞/∞ is NaN. Subtract each row's largest logit before exp; it cancels in the fraction.",
      answer: (Z: Matrix) =>
        mapRows(Z, (z) => {
          const e = z.map(Math.exp);
          const s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        }),
    },
    {
      hint: "You subtracted the largest logit of the WHOLE matrix; a row whose logits are all far below it (−1000 when another row has 1000) underflows to 0/0. Subtract each row's own maximum m_i.",
      answer: (Z: Matrix) => {
        const m = Math.max(...Array.from(Z.data));
        return mapRows(Z, (z) => {
          const e = z.map((v) => Math.exp(v - m));
          const s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        });
      },
    },
    {
      hint: "Subtracting the row MINIMUM does not help: the largest exponent is then max − min, which still overflows. Subtract the row maximum so every exponent is ≤ 0.",
      answer: (Z: Matrix) =>
        mapRows(Z, (z) => {
          const m = Math.min(...z);
          const e = z.map((v) => Math.exp(v - m));
          const s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        }),
    },
    {
      hint: "Each row must sum to 1: normalise e^{z_ik − m_i} by the sum over the classes k of that ROW, not over the column.",
      answer: (Z: Matrix) => transpose(stableSoftmaxRef(transpose(Z))),
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw03-ex3 · log-sum-exp

export function logSumExpRef(z: number[]): number {
  return sm.logSumExp(z);
}

exercise({
  id: "hw03-ex3",
  title: "Log-sum-exp",
  reference: logSumExpRef,
  tolerance: 1e-9,
  cases: (rng) => [
    { name: "hand case: z = (0, ln 3) → ln 4", args: [[0, Math.log(3)]], points: 1 },
    { name: "random K = 10", args: [Array.from(randn(1, 10, rng).data)], points: 1 },
    { name: "edge case: z = (1000, 1000)", args: [[1000, 1000]], points: 1 },
    { name: "edge case: z = (−1000, −1001, −1002)", args: [[-1000, -1001, -1002]], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one logit", args: [[-7.5]], points: 1 },
    { name: "random K = 10 with logits of size 800", args: [Array.from(randn(1, 10, rng, 800).data)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Computed as ln Σ e^{z_k} directly: e^{1000} overflows (ln ∞ = ∞) and e^{−1000} underflows (ln 0 = −∞). Use LSE(z) = m + ln Σ e^{z_k − m} with m = max z.",
      answer: (z: number[]) => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)),
    },
    {
      hint: "You subtracted m = max z inside the exponentials but forgot to add it back: LSE(z) = m + ln Σ_k e^{z_k − m}.",
      answer: (z: number[]) => {
        const m = Math.max(...z);
        return Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw03-ex4 · cross-entropy through log-sum-exp

export function crossEntropyRef(Z: Matrix, y: number[]): number {
  return sm.crossEntropy(Z, y);
}

exercise({
  id: "hw03-ex4",
  title: "Cross-entropy via log-sum-exp",
  reference: crossEntropyRef,
  tolerance: 1e-9,
  cases: (rng) => [
    { name: "hand case: 2 examples, 3 classes", args: [fromArrays([[1, 2, 3], [0, 0, 0]]), [2, 0]], points: 1 },
    { name: "random 6×5", args: [randn(6, 5, rng), labels(rng, 6, 5)], points: 1 },
    { name: "edge case: logits ±1000, the right class far below", args: [fromArrays([[1000, -1000, 0], [-1000, 1000, 999]]), [1, 2]], points: 2 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example", args: [fromArrays([[0.5, -0.25, 2, 1]]), [3]], points: 1 },
    { name: "random 20×10 with logits of size 300, class 9 absent", args: [randn(20, 10, rng, 300), labels(rng, 20, 9)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Computed as −ln(softmax): a probability of e^{−2000} is 0 in floating point and −ln 0 = ∞. Use −ln s_y = LSE(z) − z_y, which stays finite.",
      answer: (Z: Matrix, y: number[]) => {
        const S = sm.softmax(Z, zeros(Z.rows, Z.cols, "float64"));
        let s = 0;
        for (let i = 0; i < Z.rows; i++) s -= Math.log(S.get(i, y[i]));
        return s / Z.rows;
      },
    },
    {
      hint: "Off by one class: the loss of example i uses the logit of its own label, z_{i, y_i} (column y_i, counting from 0).",
      answer: (Z: Matrix, y: number[]) => {
        let s = 0;
        for (let i = 0; i < Z.rows; i++) s += sm.logSumExp(Z.row(i)) - Z.get(i, (y[i] + 1) % Z.cols);
        return s / Z.rows;
      },
    },
    {
      hint: "This is the sum over the batch; the loss here is the MEAN over the n examples (divide by n), so that its size does not grow with the batch.",
      answer: (Z: Matrix, y: number[]) => {
        let s = 0;
        for (let i = 0; i < Z.rows; i++) s += sm.logSumExp(Z.row(i)) - Z.get(i, y[i]);
        return s;
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw03-ex5 · the softmax Jacobian

export function softmaxJacobianRef(s: number[]): Matrix {
  return sm.softmaxJacobian(s);
}

const probabilities = (rng: Rng, K: number, scale = 1): number[] => Array.from(sm.softmax(randn(1, K, rng, scale)).data);

exercise({
  id: "hw03-ex5",
  title: "The softmax Jacobian",
  reference: softmaxJacobianRef,
  cases: (rng) => [
    { name: "hand case: s = (0.5, 0.25, 0.25)", args: [[0.5, 0.25, 0.25]], points: 1 },
    { name: "random K = 4", args: [probabilities(rng, 4)], points: 1 },
    { name: "random K = 10", args: [probabilities(rng, 10, 2)], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: a one-hot s (a saturated softmax)", args: [[0, 1, 0]], points: 1 },
    { name: "random K = 7", args: [probabilities(rng, 7, 3)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Only the diagonal s_i(1 − s_i) is filled in: every s_i depends on every z_j through the sum in the denominator, so the off-diagonal entries are −s_i s_j.",
      answer: (s: number[]) => {
        const J = zeros(s.length, s.length, "float64");
        s.forEach((v, i) => J.set(i, i, v * (1 - v)));
        return J;
      },
    },
    {
      hint: "Off the diagonal the sign is wrong: ∂s_i/∂z_j = −s_i s_j for i ≠ j (raising another logit lowers s_i), so each row of J sums to 0.",
      answer: (s: number[]) => {
        const J = zeros(s.length, s.length, "float64");
        for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) J.set(i, j, i === j ? s[i] * (1 - s[i]) : s[i] * s[j]);
        return J;
      },
    },
    {
      hint: "The identity term lost its factor s_i: ∂s_i/∂z_j = s_i·1{i=j} − s_i s_j, i.e. J = diag(s) − s sᵀ, whose diagonal is s_i − s_i² (you have 1 − s_i²).",
      answer: (s: number[]) => {
        const J = zeros(s.length, s.length, "float64");
        for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) J.set(i, j, (i === j ? 1 : 0) - s[i] * s[j]);
        return J;
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------------
// hw03-ex6 · the gradient of the mean cross-entropy with respect to the logits

export function crossEntropyGradientRef(Z: Matrix, y: number[]): Matrix {
  const D = sm.softmaxMinusOneHot(sm.softmax(Z, zeros(Z.rows, Z.cols, "float64")), y);
  for (let i = 0; i < D.data.length; i++) D.data[i] /= Z.rows;
  return D;
}

exercise({
  id: "hw03-ex6",
  title: "The gradient of the cross-entropy with respect to the logits",
  reference: crossEntropyGradientRef,
  cases: (rng) => [
    { name: "hand case: 2 examples, 3 classes", args: [fromArrays([[1, 2, 3], [0, 0, 0]]), [2, 0]], points: 1 },
    { name: "random 6×5", args: [randn(6, 5, rng), labels(rng, 6, 5)], points: 1 },
    { name: "edge case: logits ±1000", args: [fromArrays([[1000, -1000, 0], [-1000, 1000, 999]]), [1, 2]], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one example", args: [fromArrays([[0.5, -0.25, 2, 1]]), [0]], points: 1 },
    { name: "random 15×10, class 9 absent", args: [randn(15, 10, rng, 3), labels(rng, 15, 9)], points: 1 },
  ],
  mistakes: [
    {
      hint: "Off by one class: subtract 1 in column y_i of row i (Y = oneHot(y, K)), not in column y_i ± 1.",
      answer: (Z: Matrix, y: number[]) => crossEntropyGradientRef(Z, y.map((v) => (v + 1) % Z.cols)),
    },
    {
      hint: "Only the right class's entry is there: every class gets the gradient s_k − 1{k = y_i}, the wrong classes s_k (pushing their logits down), not only the column y_i.",
      answer: (Z: Matrix, y: number[]) => {
        const S = sm.softmax(Z, zeros(Z.rows, Z.cols, "float64"));
        const G = zeros(Z.rows, Z.cols, "float64");
        y.forEach((v, i) => G.set(i, v, (S.get(i, v) - 1) / Z.rows));
        return G;
      },
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement, see test/lastStatement.test.ts.) */
export const HW03_EXERCISES: readonly string[] = exerciseIds().filter((id) => id.startsWith("hw03-"));
