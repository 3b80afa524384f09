/**
 * Homework 04, hw04-ex6 · Centring with the training mean (split from the homework's single spec file; see ./index.ts).
 */
import { addRowVector, copy, fromArrays, map, Matrix, randn, scale, sum, sumRows, zeros } from "../../../core/matrix";
import { Rng } from "../../../core/random";
import { exercise } from "../../check";
import { mnistPart } from "./common";

// hw04-ex6 · centring with the training mean

/** The two centred sets. */
export interface Centred {
  train: Matrix;
  test: Matrix;
}

/** μ = (1/n) Σ_i x_i: the mean of the rows of X (n×d), a 1×d row. */
export const meanRow = (X: Matrix): Matrix => scale(sumRows(X), 1 / X.rows);
/** Every row of X (m×d) minus the 1×d row μ. */
export const minusRow = (X: Matrix, mu: Matrix): Matrix => addRowVector(X, scale(mu, -1));

/** x̃ = x − μ for every row of BOTH sets, with μ the mean of the TRAINING rows (train n×d, test m×d). */
export function centreRef(train: Matrix, test: Matrix): Centred {
  const mu = meanRow(train);
  return { train: minusRow(train, mu), test: minusRow(test, mu) };
}

/** Pixel-like data: n images of d pixels in [0, 1], the first and last pixels always 0 (MNIST's empty border). */
export function pixels(rng: Rng, n: number, dim: number): Matrix {
  const X = zeros(n, dim, "float64");
  for (let i = 0; i < n; i++) for (let j = 1; j < dim - 1; j++) X.set(i, j, rng.uniform() < 0.6 ? 0 : rng.uniform());
  return X;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW04_EX6 = exercise({
  id: "hw04-ex6",
  writes: ["centre", "centreWith"],
  title: "Centring with the training mean",
  reference: centreRef,
  cases: (rng) => [
    {
      name: "hand case: train 3×2, test 2×2",
      args: [
        fromArrays([
          [1, 10],
          [2, 20],
          [6, 30],
        ]),
        fromArrays([
          [3, 25],
          [5, 35],
        ]),
      ],
      points: 1,
    },
    {
      name: "a test set from a shifted distribution (train 8×4, test 5×4 around 2)",
      args: [randn(8, 4, rng), map(randn(5, 4, rng), (v) => v + 2)],
      points: 1,
    },
    {
      name: "MNIST: 200 training images, 20 test images",
      args: [mnistPart(0, 200).X, mnistPart(59000, 20).X],
      points: 1,
    },
  ],
  hidden: (rng) => [
    {
      name: "one test image (a single new example, as when the model is used)",
      args: [pixels(rng, 12, 7), pixels(rng, 1, 7)],
      points: 1,
    },
    {
      name: "one training image: its centred version is all zeros",
      args: [randn(1, 5, rng), randn(4, 5, rng, 3)],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "Mean taken over the test set: the test images are centred with THEIR OWN mean. Subtract the TRAINING mean μ from both sets — the model is trained on inputs shifted by μ, so every later input must get the same shift; the test set's statistics are not yours to use (and a single new image would become all zeros).",
      answer: (train: Matrix, test: Matrix) => ({
        train: minusRow(train, meanRow(train)),
        test: minusRow(test, meanRow(test)),
      }),
    },
    {
      hint: "The mean is taken over the training and test images together: μ must come from the training images alone (the test set is held out, and nothing the model or its pre-processing learns may depend on it).",
      answer: (train: Matrix, test: Matrix) => {
        const mu = scale(
          sumRows(
            fromArrays([
              ...Array.from({ length: train.rows }, (_, i) => train.row(i)),
              ...Array.from({ length: test.rows }, (_, i) => test.row(i)),
            ]),
          ),
          1 / (train.rows + test.rows),
        );
        return { train: minusRow(train, mu), test: minusRow(test, mu) };
      },
    },
    {
      hint: "The test set is not shifted: it came back unchanged (did you centre the training matrix in place and then take the mean of the already-centred data, which is 0?). Compute μ once from the original training images and subtract it from both sets.",
      answer: (train: Matrix, test: Matrix) => ({ train: minusRow(train, meanRow(train)), test: copy(test) }),
    },
    {
      hint: "The mean is taken over each ROW (one image's own pixels) instead of each COLUMN: μ_j is pixel j's average over the n training images, a 1×d row (d.sumRows(X) sums over the examples).",
      answer: (train: Matrix, test: Matrix) => {
        const perRow = (X: Matrix) =>
          fromArrays(
            Array.from({ length: X.rows }, (_, i) => {
              const r = Array.from(X.row(i));
              const m = r.reduce((a, v) => a + v, 0) / r.length;
              return r.map((v) => v - m);
            }),
          );
        return { train: perRow(train), test: perRow(test) };
      },
    },
    {
      hint: "One number is subtracted everywhere (the mean of all pixels): centring subtracts a mean per pixel, μ_j = (1/n) Σ_i X[i, j], a 1×d row.",
      answer: (train: Matrix, test: Matrix) => {
        const m = sum(train) / train.data.length;
        return { train: map(train, (v) => v - m), test: map(test, (v) => v - m) };
      },
    },
  ],
});
