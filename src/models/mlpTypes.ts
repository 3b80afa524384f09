/**
 * The shapes of an MLP (src/models/mlp.ts): its options, its layers, the forward pass's cache, what a
 * fast path may replace, and the checks of the options (each bad option named with its value).
 */
import { Activation, ActivationName } from "./activations";
import { DType, Matrix } from "../core/matrix";
import { Rng } from "../core/random";
import { InitScheme } from "./init";
import type { MLP } from "./mlp";
import { describeValue } from "../core/describe";

export interface MLPOptions {
  /** [n_0, n_1, …, n_L]: inputs, hidden layer widths, classes. At least two entries. */
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
  /** Let a float32 network use the fast path when one is registered (default true; same numbers up to float rounding). */
  fast?: boolean;
}

/** Layer l: Z^l = A^{l−1} (W^l)ᵀ + b^l, then f (hidden) or "softmax" (output); gradW = ∂L/∂W^l, gradB = ∂L/∂b^l. */
export interface Layer {
  readonly W: Matrix;
  readonly b: Matrix | null;
  readonly activation: Activation | "softmax";
  readonly gradW: Matrix;
  readonly gradB: Matrix | null;
}

/** What the forward pass keeps for backprop. Index l = 1 … L is layer l; A[0] = X; Z[0] and Delta[0] are unused (empty). */
export interface MLPCache {
  readonly n: number;
  readonly Z: Matrix[];
  readonly A: Matrix[];
  /** Filled by `backward`: Delta[l] = Δ^l (n × n_l). */
  readonly Delta: Matrix[];
  /** Scratch for f'(Z^l). */
  readonly Fprime: Matrix[];
  /** False when a fast lossAndGradient left out Z^l of ReLU layers (backprop needs only [A^l > 0] there). */
  keptZ: boolean;
}

/** What a fast path may run in place of the readable code; each keeps the contract of the method of that name. */
export interface MLPFastPath {
  /** Every Z^l and A^l into c (c.A[0] = X). */
  forward(net: MLP, c: MLPCache): void;
  /** After c.Delta[L] = Δ^L = P − Y: every Δ^l into c and every gradient into layer.gradW / gradB. */
  backward(net: MLP, c: MLPCache): void;
  /** forward + backward on c (c.A[0] = X, labels checked); returns L. May skip storing Z^l (then c.keptZ = false). */
  lossAndGradient(net: MLP, c: MLPCache, y: ArrayLike<number>): number;
}

/** Checks sizes, activations and l2 (throws naming the bad option and its value). */
export function checkMLPOptions(options: MLPOptions): { sizes: number[]; acts: (ActivationName | Activation)[]; l2: number } {
  const sizes = options.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2 || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new Error(`MLP: sizes must list at least two positive integers (inputs … classes), got [${String(sizes)}]`);
  }
  if (sizes[sizes.length - 1] < 2) throw new Error(`MLP: the output layer needs at least 2 classes, got sizes [${sizes}]`);
  const hidden = sizes.length - 2;
  const acts = options.activations ?? [];
  if (!(acts.length === hidden || (acts.length === 1 && hidden >= 1) || (hidden === 0 && acts.length === 0))) {
    throw new Error(`MLP: sizes [${sizes}] have ${hidden} hidden layer(s) but ${acts.length} activations were given (give ${hidden}, or 1 for all)`);
  }
  const l2 = options.l2 ?? 0;
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new Error(`MLP: l2 must be a finite number ≥ 0, got ${describeValue(l2)}`);
  return { sizes, acts, l2 };
}
