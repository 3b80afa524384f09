/**
 * The wasm memory and its allocator. One shared WebAssembly memory holds, from BASE up:
 *
 *   [BASE, residentEnd)   resident arrays: long-lived float32 arrays (model parameters, gradients,
 *                         mini-batch buffers, a loaded data set) that products and update kernels read
 *                         and write in place (`alloc`; `free` gives one back for reuse)
 *   [base = residentEnd …) scratch: operands copied in for one product, packed panels, results
 *
 * The first MiB is left to the module's own data. Past `residentBudget` bytes of resident arrays,
 * `alloc` returns null and callers use ordinary arrays (slower, same numbers).
 */
import { requireWasm, WasmMemory } from "./wasmApi";

export const PAGE = 65536;
/** wasm32: 4 GiB less a page. */
export const MAX_BYTES = 65536 * PAGE - PAGE;
/** First 1 MiB left to the module's own data. */
export const BASE = 16 * PAGE;
/** Bytes of wasm memory that resident arrays may take in all (see WasmHeap.alloc). */
export const RESIDENT_BUDGET = 1024 << 20;

/** v rounded up to a multiple of 64 (bytes: every area starts on a cache line). */
export function align64(v: number): number {
  return Math.ceil(v / 64) * 64;
}

/** Whether [p, p + 4·len) and [q, q + 4·len2) share a byte (p or q < 0: not resident, no overlap). */
export function overlaps(p: number, len: number, q: number, len2: number): boolean {
  return p >= 0 && q >= 0 && p < q + len2 * 4 && q < p + len * 4;
}

export class WasmHeap {
  readonly memory: WasmMemory;
  /** Bytes resident arrays may take in all (see alloc; tests lower it). */
  residentBudget = RESIDENT_BUDGET;
  /** Where the scratch for products starts: just above the resident arrays. */
  base = BASE;
  private heapBuffer: ArrayBufferLike | null = null;
  private heapF32: Float32Array = new Float32Array(0);
  private heapI32: Int32Array = new Int32Array(0);
  /** Every buffer object this memory has shown (one per size it grew to): resident arrays sit on one of them. */
  private readonly buffers = new WeakSet<object>();
  /** Resident arrays fill [BASE, residentEnd). */
  private residentEnd = BASE;
  /** Freed resident blocks by size in bytes (reused by alloc), and the live blocks (address → bytes). */
  private readonly freeBlocks = new Map<number, number[]>();
  private readonly live = new Map<number, number>();

  constructor() {
    this.memory = new (requireWasm().Memory)({ initial: BASE / PAGE + 16, maximum: 65536, shared: true });
  }

  /** Grow the memory so that it holds at least `bytes` bytes. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
  }

  /** A Float32Array over the whole wasm memory (re-made only after the memory grew). */
  f32(): Float32Array {
    const buf = this.memory.buffer;
    if (buf !== this.heapBuffer) {
      this.heapBuffer = buf;
      this.heapF32 = new Float32Array(buf);
      this.heapI32 = new Int32Array(buf);
      this.buffers.add(buf);
    }
    return this.heapF32;
  }

  /** An Int32Array over the whole wasm memory (re-made only after the memory grew). */
  i32(): Int32Array {
    this.f32();
    return this.heapI32;
  }

  /**
   * A zero-filled Float32Array of `len` numbers that lives inside the wasm memory ("resident"): products
   * and the update kernels read and write it in place instead of copying it in and out. For arrays that
   * live long (parameters, gradients, batch buffers, a loaded data set): only `free` gives memory back, and past
   * residentBudget bytes in all this returns null (use an ordinary array then).
   */
  alloc(len: number): Float32Array | null {
    if (!Number.isInteger(len) || len < 0)
      throw new RangeError(`WasmGemm.alloc: length must be a whole number ≥ 0, got ${len}`);
    const bytes = align64(len * 4);
    let ptr = this.freeBlocks.get(bytes)?.pop();
    if (ptr === undefined) {
      if (this.residentEnd + bytes - BASE > this.residentBudget) return null;
      ptr = this.residentEnd;
      this.residentEnd += bytes;
      this.base = this.residentEnd; // products' scratch starts above the resident arrays
      this.ensure(this.residentEnd);
    }
    this.live.set(ptr, bytes);
    const heap = this.f32();
    const out = new Float32Array(heap.buffer, ptr, len);
    out.fill(0);
    return out;
  }

  /**
   * Give a resident array's memory back for a later `alloc` of the same size (per-batch buffers that a
   * model drops). The array must not be used afterwards. Arrays that are not resident are ignored.
   */
  free(v: Float32Array): void {
    const ptr = this.residentPtr(v);
    const bytes = ptr >= 0 ? this.live.get(ptr) : undefined;
    if (ptr < 0 || bytes === undefined || v.byteOffset !== ptr) return;
    this.live.delete(ptr);
    const list = this.freeBlocks.get(bytes);
    if (list) list.push(ptr);
    else this.freeBlocks.set(bytes, [ptr]);
  }

  /** The byte address of a resident array in the wasm memory (see alloc), or −1 when it lives elsewhere. */
  residentPtr(v: ArrayLike<number>): number {
    if (!(v instanceof Float32Array) || !this.buffers.has(v.buffer)) return -1;
    const ptr = v.byteOffset;
    return ptr >= BASE && ptr + v.byteLength <= this.residentEnd ? ptr : -1;
  }

  /** The byte address of a Uint8Array inside a resident block (residentBytes), or −1 when it lives elsewhere. */
  residentBytesPtr(v: Uint8Array): number {
    if (!(v instanceof Uint8Array) || !this.buffers.has(v.buffer)) return -1;
    const ptr = v.byteOffset;
    return ptr >= BASE && ptr + v.byteLength <= this.residentEnd ? ptr : -1;
  }
}
