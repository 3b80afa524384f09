/**
 * How good are the predictions? Accuracy overall and per class, the confusion matrix, and the
 * most confident mistakes (the homework's "10 images misclassified with the highest score").
 *
 * Labels and predictions are class numbers 0 … K−1 in arrays of equal length n.
 */
import { Matrix, ShapeError, zeros } from "../core/matrix";

function sameLength(op: string, pred: ArrayLike<number>, y: ArrayLike<number>): number {
  if (pred.length !== y.length) {
    throw new ShapeError(`${op}: ${pred.length} predictions but ${y.length} labels`);
  }
  if (y.length === 0) throw new RangeError(`${op}: no examples (empty arrays)`);
  return y.length;
}

function classOf(op: string, what: string, v: number, i: number, K: number): number {
  if (!(Number.isInteger(v) && v >= 0 && v < K)) {
    throw new RangeError(`${op}: ${what} ${v} at position ${i} is not a class 0…${K - 1}`);
  }
  return v;
}

function checkK(op: string, K: number): void {
  if (!Number.isInteger(K) || K < 1)
    throw new RangeError(`${op}: the number of classes K must be a whole number ≥ 1, got ${K}`);
}

/** accuracy = (1/n) #{i : ŷ_i = y_i}   (pred ŷ, labels y: length n). */
export function accuracy(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = sameLength("accuracy", pred, y);
  let correct = 0;
  for (let i = 0; i < n; i++) if (pred[i] === y[i]) correct++;
  return correct / n;
}

/**
 * Per-class accuracy (recall): a_k = #{i : y_i = k, ŷ_i = k} / #{i : y_i = k} for k = 0 … K−1.
 * A class with no examples gets NaN. Returns length K.
 */
export function perClassAccuracy(pred: ArrayLike<number>, y: ArrayLike<number>, K: number): Float64Array {
  const op = "perClassAccuracy";
  checkK(op, K);
  const n = sameLength(op, pred, y);
  const correct = new Float64Array(K);
  const count = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    const k = classOf(op, "label", y[i], i, K);
    count[k]++;
    if (pred[i] === k) correct[k]++;
  }
  const a = new Float64Array(K);
  for (let k = 0; k < K; k++) a[k] = count[k] > 0 ? correct[k] / count[k] : NaN;
  return a;
}

/** Confusion matrix C (K×K counts): C[t, p] = #{i : y_i = t, ŷ_i = p}; rows are true labels, columns predictions. */
export function confusionMatrix(pred: ArrayLike<number>, y: ArrayLike<number>, K: number): Matrix {
  const op = "confusionMatrix";
  checkK(op, K);
  const n = sameLength(op, pred, y);
  const C = zeros(K, K, "float64");
  for (let i = 0; i < n; i++) {
    const t = classOf(op, "label", y[i], i, K);
    const p = classOf(op, "prediction", pred[i], i, K);
    C.data[t * K + p]++;
  }
  return C;
}

/** A wrong prediction: example `index` of class `label` predicted as `predicted` with probability `score`. */
export interface Mistake {
  index: number;
  label: number;
  predicted: number;
  score: number;
}

/**
 * The k most confident wrong predictions of each class. P: n×K class probabilities (rows of
 * predictProba), y: length n. For example i, ŷ_i = argmax_k P[i,k] and score_i = P[i, ŷ_i]; among
 * the examples with y_i = c and ŷ_i ≠ c, the k with the highest score, highest first.
 * Returns K arrays (index c = true class c), each of at most k mistakes.
 */
export function mostConfidentMistakes(P: Matrix, y: ArrayLike<number>, k: number): Mistake[][] {
  const op = "mostConfidentMistakes";
  if (!(P instanceof Matrix)) throw new TypeError(`${op}: P must be a Matrix of probabilities (n×K)`);
  if (P.rows !== y.length) throw new ShapeError(`${op}: P is ${P.shape} but there are ${y.length} labels`);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`${op}: k must be a whole number ≥ 0, got ${k}`);
  const K = P.cols;
  checkK(op, K);
  const byClass: Mistake[][] = [];
  for (let c = 0; c < K; c++) byClass.push([]);
  for (let i = 0; i < P.rows; i++) {
    const label = classOf(op, "label", y[i], i, K);
    let predicted = 0;
    let score = P.data[i * K];
    for (let j = 0; j < K; j++) {
      const v = P.data[i * K + j];
      if (Number.isNaN(v)) throw new RangeError(`${op}: P[${i}, ${j}] is NaN`);
      if (v > score) {
        score = v;
        predicted = j;
      }
    }
    if (predicted !== label) byClass[label].push({ index: i, label, predicted, score });
  }
  for (const list of byClass) {
    list.sort((a, b) => b.score - a.score || a.index - b.index);
    list.length = Math.min(list.length, k);
  }
  return byClass;
}
