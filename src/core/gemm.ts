/**
 * The three matrix products backprop needs, as kernels on raw row-major arrays.
 *
 *   NN:  C = A·B      A is m×k, B is k×n, C is m×n   (forward pass:   Z = X·Wᵀ is written NT)
 *   TN:  C = Aᵀ·B     A is k×m, B is k×n, C is m×n   (weight gradient: ∂E/∂W = Δᵀ·X)
 *   NT:  C = A·Bᵀ     A is m×k, B is n×k, C is m×n   (forward pass with W stored out×in)
 *
 * No transpose is ever materialised: the kernels index the stored layout directly.
 * `gemmReference` is the plain, readable kernel the notebooks teach from (src/core/gemmReference.ts).
 * When this module loads it installs the fastest backend the process supports (see
 * src/engine/wasmGemm.ts: WebAssembly relaxed SIMD → SIMD, on worker threads; float64 and engines
 * without SIMD use plain TypeScript). `setGemmBackend(null)` restores the reference; tests hold every
 * backend equal to the reference.
 */
import { checkGemmArgs, FloatArray, GemmKernel, GemmOp, gemmReference } from "./gemmReference";
import { defaultGemmKernel } from "../engine/wasmGemm";
export { gemmPaths, makeGemmKernel, defaultGemmKernel, WasmGemm } from "../engine/wasmGemm";
export type { GemmPath } from "../engine/wasmGemm";

export type { FloatArray, GemmKernel, GemmOp } from "./gemmReference";
export { gemmReference } from "./gemmReference";
export { gemmBlocked } from "../engine/blockedGemm";

let backend: GemmKernel = gemmReference;
let backendName = "reference";

/** Install a faster kernel for all products (null restores the reference). */
export function setGemmBackend(kernel: GemmKernel | null, name = "custom"): void {
  backend = kernel ?? gemmReference;
  backendName = kernel ? name : "reference";
}

/** The name of the kernel products currently use, e.g. "wasm-relaxed-simd ×2 threads" or "reference". */
export function gemmBackendName(): string {
  return backendName;
}

/** The kernel products currently use (the function installed by setGemmBackend / useFastGemm). */
export function gemmKernel(): GemmKernel {
  return backend;
}

/** Install the fastest available backend (what happens when this module loads). Returns its name. */
export function useFastGemm(): string {
  const d = defaultGemmKernel();
  const threads = d.engine ? ` ×${d.engine.requestedThreads} thread${d.engine.requestedThreads > 1 ? "s" : ""}` : "";
  const label = d.path === "relaxed" ? "wasm-relaxed-simd" : d.path === "simd" ? "wasm-simd" : d.path === "blocked" ? "typescript-blocked" : "reference";
  setGemmBackend(d.kernel, label + threads);
  return backendName;
}

/** C = op(A)·op(B) with the current backend (array lengths are checked first: no silent garbage). */
export function gemm(op: GemmOp, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  checkGemmArgs(op, m, n, k, a, b, c);
  backend(op, m, n, k, a, b, c);
}

useFastGemm();
