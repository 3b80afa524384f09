/**
 * The shapes of an MLP (src/models/mlp.ts): its layers and the forward pass's cache.
 */
import { Activation } from "./activations";
import { Matrix } from "../core/matrix";

/** Layer l: Z^l = A^{l−1} (W^l)ᵀ + b^l, then f (hidden) or "softmax" (output); gradW = ∂L/∂W^l, gradB = ∂L/∂b^l. */
export interface Layer {
  readonly W: Matrix;
  readonly b: Matrix | null;
  readonly activation: Activation | "softmax";
  readonly gradW: Matrix;
  readonly gradB: Matrix | null;
}

/**
 * What the forward pass keeps for backprop. Index l = 1 … L is layer l; A[0] = X; Z[0] and Delta[0] are unused (empty).
 */
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
