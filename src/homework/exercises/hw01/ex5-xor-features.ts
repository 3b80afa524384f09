/**
 * Homework 01 · exercise 5, with room to think (master: notebooks/homework-masters/01-perceptron.ipynb).
 *
 *   hw01-ex5  xorFeatures(X)   one feature row per point (n×2 → n rows of one fixed length), chosen so that the
 *                              perceptron can learn XOR; judged by training the course's perceptron on them
 *
 * No reference answer: any features that make the jittered XOR points linearly separable pass. The labels are
 * never given to the student's function; the check recomputes them from the points (XOR of the rounded coordinates).
 */
import { fromArrays, Matrix } from "../../../core/matrix";
import { xorData } from "../../../data/toyData";
import { countMistakes, trainPerceptron } from "../../../models/perceptron";
import { exercise } from "../../check";

/** XOR of the rounded coordinates: the label of a jittered corner point (jitter < 0.25). */
export function xorLabels(X: Matrix): number[] {
  return Array.from({ length: X.rows }, (_, i) => (Math.round(X.get(i, 0)) + Math.round(X.get(i, 1))) % 2);
}

/** The course's answer: x₁, x₂ and the centred product (x₁ − ½)(x₂ − ½), negative exactly on the XOR = 1 corners. */
export function xorFeaturesRef(X: Matrix): number[][] {
  return Array.from({ length: X.rows }, (_, i) => {
    const [a, b] = [X.get(i, 0), X.get(i, 1)];
    return [a, b, (a - 0.5) * (b - 0.5)];
  });
}

export const XOR_EPOCHS = 2000;

/** The bar: the perceptron (in order, w = 0, b = 0, η = 1) trained on the features makes no mistake on them. */
function judge(got: unknown, args: unknown[]): string | null {
  const X = args[0] as Matrix;
  if (!Array.isArray(got) || got.length !== X.rows)
    return `return one feature row per point: an array of ${X.rows} rows, got ${Array.isArray(got) ? `${got.length} rows` : typeof got}`;
  const m = Array.isArray(got[0]) ? got[0].length : -1;
  for (let i = 0; i < got.length; i++) {
    const row = got[i] as unknown;
    if (!Array.isArray(row) || row.length !== m || m < 1)
      return `row ${i} of your features is not an array of ${m} numbers (every row needs the same length)`;
    for (let j = 0; j < m; j++)
      if (typeof row[j] !== "number" || !Number.isFinite(row[j]))
        return `row ${i}, feature ${j} is ${String(row[j])}: every feature must be a finite number`;
  }
  const F = fromArrays(got as number[][]);
  const y = xorLabels(X);
  const run = trainPerceptron(F, y, { maxEpochs: XOR_EPOCHS });
  const wrong = countMistakes(F, y, run.w, run.b);
  if (wrong === 0) return null;
  return `after ${XOR_EPOCHS} epochs the perceptron still gets ${wrong} of ${X.rows} points wrong on your ${m} feature(s): in that space no plane separates the two classes. A feature that tells "both coordinates on the same side of ½" from "on different sides" does it`;
}

exercise({
  id: "hw01-ex5",
  title: "Features that make XOR learnable",
  cases: () => [
    {
      name: "XOR, 10 points per corner, jitter 0.15",
      args: [xorData({ perCorner: 10, jitter: 0.15, rng: 5 }).X],
      points: 2,
    },
    {
      name: "XOR, 25 points per corner, jitter 0.2",
      args: [xorData({ perCorner: 25, jitter: 0.2, rng: 11 }).X],
      points: 2,
    },
  ],
  hidden: (rng) => [
    {
      name: "XOR, 40 points per corner, jitter 0.22, new points",
      args: [xorData({ perCorner: 40, jitter: 0.22, rng }).X],
      points: 2,
    },
  ],
  compare: (got, _expected, args) => judge(got, args),
  mistakes: [
    {
      hint: "These are the coordinates x₁, x₂ themselves: no line separates XOR in the plane (each diagonal holds one class), so the perceptron never stops making mistakes. Keep them and add a feature that is large when x₁ and x₂ agree and small when they differ, such as (x₁ − ½)(x₂ − ½).",
      answer: (X: Matrix) => Array.from({ length: X.rows }, (_, i) => [X.get(i, 0), X.get(i, 1)]),
    },
    {
      hint: "The product x₁x₂ alone is about 0 at (0, 0), (0, 1) and (1, 0) alike, but (0, 0) has XOR 0 and the other two XOR 1: one number cannot tell them apart. Keep x₁ and x₂ next to the product, or centre it: (x₁ − ½)(x₂ − ½).",
      answer: (X: Matrix) => Array.from({ length: X.rows }, (_, i) => [X.get(i, 0) * X.get(i, 1)]),
    },
  ],
});

/** The ids this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement.) */
export const HW01_EX5 = "hw01-ex5";
