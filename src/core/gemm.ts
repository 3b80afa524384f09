/**
 * The three matrix products backprop needs, as kernels on raw row-major arrays, and the registry that
 * says which kernel computes them.
 *
 *   NN:  C = A·B      A is m×k, B is k×n, C is m×n   (forward pass:   Z = X·Wᵀ is written NT)
 *   TN:  C = Aᵀ·B     A is k×m, B is k×n, C is m×n   (weight gradient: ∂E/∂W = Δᵀ·X)
 *   NT:  C = A·Bᵀ     A is m×k, B is n×k, C is m×n   (forward pass with W stored out×in)
 *
 * No transpose is ever materialised: the kernels index the stored layout directly.
 * `gemmReference` (src/core/gemmReference.ts) is the plain, readable kernel the notebooks teach from
 * and the backend until another is installed. A faster backend installs itself with `setGemmBackend`
 * (src/index.ts switches on the engine, which installs its fastest kernel); `setGemmBackend(null)`
 * restores the reference. Tests hold every backend equal to the reference.
 */
import { checkGemmArgs, FloatArray, GemmKernel, GemmOp, gemmReference } from "./gemmReference";

export type { FloatArray, GemmKernel, GemmOp } from "./gemmReference";
export { gemmReference } from "./gemmReference";

let backend: GemmKernel = gemmReference;
let backendName = "reference";

/** Install a faster kernel for all products (null restores the reference). */
export function setGemmBackend(kernel: GemmKernel | null, name = "custom"): void {
  backend = kernel ?? gemmReference;
  backendName = kernel ? name : "reference";
}

/** The name of the kernel products currently use: "reference", or the name its backend was installed with. */
export function gemmBackendName(): string {
  return backendName;
}

/** The kernel products currently use (the function installed by setGemmBackend). */
export function gemmKernel(): GemmKernel {
  return backend;
}

/** C = op(A)·op(B) with the current backend (array lengths are checked first: no silent garbage). */
export function gemm(op: GemmOp, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  checkGemmArgs(op, m, n, k, a, b, c);
  backend(op, m, n, k, a, b, c);
}
