/**
 * Weight initialisations used in the notes, all seeded through an `Rng`.
 *
 *   "normal"     W_ij ~ N(0, 1)                      (the 784-15-10 sigmoid network of the slides)
 *   "scaled0.1"  W_ij = 0.1 · N(0, 1)                (the 784-256-10 ReLU notebook's weights)
 *   "he"         W_ij = N(0, 1) · √(2 / n_in)        (He et al. for ReLU layers; n_in = number of inputs)
 *   "zeros"      W_ij = 0                            (fine for softmax regression, never for hidden layers:
 *                                                     every hidden unit would stay identical)
 *
 * Weights are stored out×in (rows = n_out, cols = n_in), so n_in is the number of columns.
 * (The homework code of seed 003 scales by √(2/n_out) instead; the usual He rule, used here, is √(2/n_in).)
 */
import { DType, Matrix, randn, zeros } from "../core/matrix";
import { Rng } from "../core/random";

export type InitScheme = "normal" | "scaled0.1" | "he" | "zeros";

export const initSchemes: readonly InitScheme[] = ["normal", "scaled0.1", "he", "zeros"];

/** The standard deviation each scheme draws with, for a matrix with n_in = cols inputs. */
export function initStd(scheme: InitScheme, nIn: number): number {
  switch (scheme) {
    case "normal":
      return 1;
    case "scaled0.1":
      return 0.1;
    case "he":
      return Math.sqrt(2 / nIn);
    case "zeros":
      return 0;
    default:
      throw new Error(`initWeights: unknown scheme "${String(scheme)}" (known: ${initSchemes.join(", ")})`);
  }
}

/**
 * A rows×cols matrix (rows = n_out, cols = n_in) filled by `scheme`: W_ij = std · N(0, 1).
 * `rng` is required for every scheme except "zeros".
 */
export function initWeights(
  rows: number,
  cols: number,
  scheme: InitScheme,
  rng?: Rng,
  dtype: DType = "float64",
): Matrix {
  const std = initStd(scheme, cols);
  if (scheme === "zeros") return zeros(rows, cols, dtype);
  if (!rng) throw new Error(`initWeights: scheme "${scheme}" is random and needs an Rng (e.g. rng(1127))`);
  if (scheme === "he" && cols <= 0)
    throw new Error(`initWeights: "he" needs at least one input column, got ${rows}×${cols}`);
  return randn(rows, cols, rng, std, dtype);
}
