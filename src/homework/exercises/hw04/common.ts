/** Homework 04: code shared by its exercises (see ./index.ts). */
import { copy, Matrix, randn } from "../../../core/matrix";
import { Rng } from "../../../core/random";
import { loadMnist, subset } from "../../../data/mnist";

// ---------------------------------------------------------------------------------------------
export type Labels = ArrayLike<number>;
export interface Gradient {
  dW: Matrix;
  db: Matrix;
}

export const labels = (rng: Rng, n: number, K: number): number[] => Array.from({ length: n }, () => rng.int(K));
export const params = (rng: Rng, K: number, d: number, scale = 0.5): [Matrix, Matrix] => [
  randn(K, d, rng, scale),
  randn(1, K, rng, scale),
];

export function scaled(g: Gradient, s: number): Gradient {
  const f = (M: Matrix) => {
    const C = copy(M, "float64");
    for (let i = 0; i < C.data.length; i++) C.data[i] *= s;
    return C;
  };
  return { dW: f(g.dW), db: f(g.db) };
}

/** A few MNIST images (float64, pixels in [0, 1]) and their labels, from `offset`. */
export function mnistPart(offset: number, n: number): { X: Matrix; y: number[] } {
  const part = subset(
    loadMnist().train,
    Array.from({ length: n }, (_, i) => offset + i),
  );
  return { X: copy(part.X, "float64"), y: Array.from(part.y) };
}
