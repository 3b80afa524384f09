/**
 * The hook through which a faster implementation of an optimiser's inner loop can be plugged in.
 *
 * Each optimiser file writes its update as a plain loop (its rule, line by line). Faster versions
 * of the same loops may be registered under the names below; an optimiser created with
 * `fast: true` (the default) then uses the registered one, `fast: false` always the plain loop.
 * Until something is registered, the plain loops are all there is.
 *
 *   sgdStep(θ, g, η)              θ ← θ − η·g
 *   rmspropStep(θ, g, r, η, γ, ε) r ← γ·r + (1−γ)·g⊙g;  θ ← θ − η·g ⊘ (√r + ε)
 *   sumOfSquares(g)               ‖g‖² = Σ_i g_i²
 *
 * (θ, g, r: arrays of the same length; a registered kernel must give the same numbers up to rounding.)
 */
export type Vec = Float32Array | Float64Array;

export interface UpdateKernels {
  sgdStep(theta: Vec, g: ArrayLike<number>, eta: number): void;
  rmspropStep(theta: Vec, g: ArrayLike<number>, r: Vec, eta: number, gamma: number, eps: number): void;
  sumOfSquares(g: ArrayLike<number>): number;
}

const registered: Partial<UpdateKernels> = {};

/** Registers faster update kernels (those given replace earlier ones; `null` forgets them all). */
export function registerUpdateKernels(kernels: Partial<UpdateKernels> | null): void {
  if (kernels === null) for (const key of Object.keys(registered) as (keyof UpdateKernels)[]) delete registered[key];
  else Object.assign(registered, kernels);
}

/** The kernel an optimiser uses for `name`: the registered one when `fast` (default true), else `plain`. */
export function updateKernel<K extends keyof UpdateKernels>(
  name: K,
  plain: UpdateKernels[K],
  fast = true,
): UpdateKernels[K] {
  const faster = registered[name] as UpdateKernels[K] | undefined;
  return fast && faster ? faster : plain;
}
