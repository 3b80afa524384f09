/**
 * The few parts of the WebAssembly JavaScript API the kernels use, typed here and read from
 * globalThis. tslab compiles notebook imports with the ES libraries only, where the global
 * `WebAssembly` namespace is not declared, so code under src/ must not name it directly.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export type WasmModule = object;
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

/** The host's WebAssembly API, or undefined where there is none. */
export const wasmApi: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** The host's WebAssembly API; throws where there is none. */
export function requireWasm(): WasmApi {
  if (!wasmApi) throw new Error("this JavaScript engine has no WebAssembly support");
  return wasmApi;
}
