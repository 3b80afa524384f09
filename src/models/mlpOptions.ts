/**
 * The options of an MLP (src/models/mlp.ts) and their checks (each bad option named with its value).
 */
import { Activation, ActivationName } from "./activations";
import { DType } from "../core/matrix";
import { Rng } from "../core/random";
import { InitScheme } from "./init";
import { describeValue } from "../core/describe";

export interface MLPOptions {
  /** `[n_0, n_1, …, n_L]`: inputs, hidden layer widths, classes. At least two entries. */
  sizes: number[];
  /** One activation per hidden layer (sizes.length − 2 of them), or a single one used for every hidden layer. */
  activations: (ActivationName | Activation)[];
  /** Whether the output layer has a bias b^L (default true; seed 001's network has none). */
  outputBias?: boolean;
  /** α ≥ 0 of the penalty (α/2) Σ_l ‖W^l‖² (default 0). */
  l2?: number;
  /** How the weights start (default "scaled0.1", i.e. 0.1·N(0,1)). */
  init?: InitScheme;
  /** How the biases start (default "zeros"; seed 001 uses "normal"). */
  biasInit?: InitScheme;
  /** Seeded generator for the initialisation (required unless every scheme is "zeros"). */
  rng?: Rng;
  /** Number type of all parameters and accepted inputs (default "float32"; use "float64" for gradient checks). */
  dtype?: DType;
  /**
   * Let a float32 network use the fast path when one is registered (default true; same numbers up to float rounding).
   */
  fast?: boolean;
}

/** Checks sizes, activations and l2 (throws naming the bad option and its value). */
export function checkMLPOptions(options: MLPOptions): {
  sizes: number[];
  acts: (ActivationName | Activation)[];
  l2: number;
} {
  const sizes = options.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`MLP: sizes must list at least two positive integers (inputs … classes), got [${String(sizes)}]`);
  }
  if (sizes[sizes.length - 1] < 2)
    throw new Error(`MLP: the output layer needs at least 2 classes, got sizes [${sizes}]`);
  const hidden = sizes.length - 2;
  const acts = options.activations ?? [];
  if (!(acts.length === hidden || (acts.length === 1 && hidden >= 1) || (hidden === 0 && acts.length === 0))) {
    throw new Error(
      `MLP: sizes [${sizes}] have ${hidden} hidden layer(s) but ${acts.length} activations were given (give ${hidden}, or 1 for all)`,
    );
  }
  const l2 = options.l2 ?? 0;
  if (!(l2 >= 0 && Number.isFinite(l2)))
    throw new Error(`MLP: l2 must be a finite number ≥ 0, got ${describeValue(l2)}`);
  return { sizes, acts, l2 };
}
