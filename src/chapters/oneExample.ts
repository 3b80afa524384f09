/**
 * Checks and the softmax shared by the two one-example networks of the backpropagation chapter
 * (src/chapters/slidesNetwork.ts, src/chapters/biasUnitNetwork.ts). Not part of the public API.
 */
import { ShapeError } from "../core/matrix";

/** x must have the n entries the network takes. */
export function checkVector(op: string, x: ArrayLike<number>, n: number, what: string): void {
  if (x.length !== n) throw new ShapeError(`${op}: ${what} has ${x.length} entries but the network takes ${n}`);
}

/** j must be a class label 0 … K−1. */
export function checkLabel(op: string, j: number, K: number): void {
  if (!(Number.isInteger(j) && j >= 0 && j < K)) throw new RangeError(`${op}: label ${j} is not a class in 0…${K - 1}`);
}

/** o = softmax(f), max-subtracted, into `out`. */
export function softmaxInto(f: ArrayLike<number>, out: Float64Array): void {
  let m = -Infinity;
  for (let i = 0; i < f.length; i++) if (f[i] > m) m = f[i];
  let s = 0;
  for (let i = 0; i < f.length; i++) s += out[i] = Math.exp(f[i] - m);
  for (let i = 0; i < f.length; i++) out[i] /= s;
}
