/**
 * The engine: everything in Descent that exists only for speed. Importing this module switches it
 * on (src/index.ts does, for its effect); nothing outside src/engine/ imports it otherwise. It plugs
 * into the hooks the core defines:
 *
 *   products        setGemmBackend (src/core/gemm.ts)          the fastest kernel this process runs
 *                                                             (WebAssembly relaxed SIMD → SIMD on worker
 *                                                             threads; plain blocked TypeScript otherwise)
 *   float32 arrays  setFloat32Allocator (src/core/alloc.ts)    resident arrays in the wasm memory
 *   byte arrays     setByteAllocator (src/core/alloc.ts)       a data set's pixels, resident too
 *   models          registerFastPath (src/core/fastPath.ts)    the fused MLP and softmax regression, the
 *                                                             homework network's per-example step
 *
 * `installEngine()` does all three (what loading this module does); tests and the benchmark use it
 * after switching a hook off. Engine internals are imported from their own files (src/engine/…).
 */
import { setByteAllocator, setFloat32Allocator } from "../core/alloc";
import { registerFastPath } from "../core/fastPath";
import { gemmBackendName, setGemmBackend } from "../core/gemm";
import { BiasUnitSgd } from "../chapters/biasUnitNetwork";
import { MLP } from "../models/mlp";
import { SoftmaxRegression } from "../models/softmaxRegression";
import { fusedBiasUnitSgd } from "./fusedBiasUnit";
import { fusedMlp } from "./fusedMlp";
import { fusedSoftmaxRegression } from "./fusedSoftmaxRegression";
import { residentAllocator, residentByteAllocator } from "./resident";
import { defaultGemmKernel } from "./wasmGemm";
import "./fastTraining"; // the optimisers' update kernels and train()'s batch source

/** Installs the fastest available product kernel as the gemm backend. Returns its name. */
export function useFastGemm(): string {
  const d = defaultGemmKernel();
  const threads = d.engine ? ` ×${d.engine.requestedThreads} thread${d.engine.requestedThreads > 1 ? "s" : ""}` : "";
  const label =
    d.path === "relaxed"
      ? "wasm-relaxed-simd"
      : d.path === "simd"
        ? "wasm-simd"
        : d.path === "blocked"
          ? "typescript-blocked"
          : "reference";
  setGemmBackend(d.kernel, label + threads);
  return gemmBackendName();
}

/**
 * Switches the engine on: the fast products, the resident allocator and the models' fast paths. Returns the products'
 * backend name.
 */
export function installEngine(): string {
  setFloat32Allocator(residentAllocator);
  setByteAllocator(residentByteAllocator);
  registerFastPath(MLP, fusedMlp);
  registerFastPath(SoftmaxRegression, fusedSoftmaxRegression);
  registerFastPath(BiasUnitSgd, fusedBiasUnitSgd);
  return useFastGemm();
}

installEngine();
