/**
 * Per-model fast paths: the hook through which a faster backend may run some of a model's methods.
 *
 * A model class states what may be replaced in an interface of its own (e.g. MLPFastPath: forward,
 * backward, lossAndGradient, each with the method's contract) and owns a hook,
 * `static readonly fastPath = new FastPathHook<MLPFastPath>("MLP")`. Its methods ask the hook first
 * and otherwise run their readable code. A backend plugs in with `registerFastPath(MLP, impl)`; tests
 * hold every registered implementation equal to the readable code.
 */

const hooks: FastPathHook<unknown>[] = [];

export class FastPathHook<Impl> {
  /** The registered implementation, or null: the readable code runs. */
  impl: Impl | null = null;
  constructor(readonly model: string) {
    hooks.push(this as FastPathHook<unknown>);
  }
}

/** Registers (or, with null, removes) the fast path of a model class: `registerFastPath(MLP, impl)`. */
export function registerFastPath<Impl>(modelClass: { readonly fastPath: FastPathHook<Impl> }, impl: Impl | null): void {
  modelClass.fastPath.impl = impl;
}

/** The models that have a fast path registered, e.g. ["SoftmaxRegression", "MLP"]. */
export function registeredFastPaths(): string[] {
  return hooks.filter((h) => h.impl !== null).map((h) => h.model);
}
