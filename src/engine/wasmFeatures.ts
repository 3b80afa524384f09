/**
 * Feature detection: which of the compiled kernel variants (src/engine/wasmBinaries.ts) this
 * JavaScript engine can run, and so which product paths it offers. Validation only; nothing runs.
 *
 *   "relaxed"  WebAssembly relaxed SIMD (fused multiply-add); Node 20 needs --experimental-wasm-relaxed-simd
 *   "simd"     WebAssembly SIMD (multiply, then add)
 *   "blocked"  plain TypeScript (src/engine/blockedGemm.ts), also used for float64
 *   "reference" the plain triple loop (src/core/gemmReference.ts)
 * Both wasm variants need a shared memory (the worker threads multiply in it).
 */
import { GEMM_RELAXED_WASM, GEMM_SIMD_WASM } from "./wasmBinaries";
import { requireWasm, wasmApi } from "./wasmApi";

export type GemmPath = "relaxed" | "simd" | "blocked" | "reference";

/** The bytes of a base64 string, as a plain ArrayBuffer-backed copy (WebAssembly wants BufferSource). */
export function decodeBase64(s: string): Uint8Array {
  const buf = Buffer.from(s, "base64");
  const out = new Uint8Array(buf.length);
  out.set(buf);
  return out;
}

/** The compiled kernels of a wasm path. */
export function wasmBinary(path: "relaxed" | "simd"): Uint8Array {
  return decodeBase64(path === "relaxed" ? GEMM_RELAXED_WASM : GEMM_SIMD_WASM);
}

/** Which wasm variants this engine can compile (validate only; nothing runs). */
export function detectWasmFeatures(): { simd: boolean; relaxedSimd: boolean; sharedMemory: boolean } {
  const ok = (b64: string) => {
    try {
      return wasmApi !== undefined && wasmApi.validate(decodeBase64(b64));
    } catch {
      return false;
    }
  };
  let sharedMemory = false;
  try {
    sharedMemory =
      new (requireWasm().Memory)({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    sharedMemory = false;
  }
  return { simd: sharedMemory && ok(GEMM_SIMD_WASM), relaxedSimd: sharedMemory && ok(GEMM_RELAXED_WASM), sharedMemory };
}

/** The paths this process can run, best first. */
export function gemmPaths(): GemmPath[] {
  const f = detectWasmFeatures();
  const out: GemmPath[] = [];
  if (f.relaxedSimd) out.push("relaxed");
  if (f.simd) out.push("simd");
  out.push("blocked", "reference");
  return out;
}

/** The path DESCENT_GEMM asks for, if it names one. */
export function envPath(): GemmPath | undefined {
  const v = typeof process !== "undefined" ? process.env.DESCENT_GEMM : undefined;
  return v === "relaxed" || v === "simd" || v === "blocked" || v === "reference" ? v : undefined;
}
