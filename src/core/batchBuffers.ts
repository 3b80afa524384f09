/**
 * Buffers kept per batch size, so a training loop with a fixed batch size allocates nothing per step
 * once warmed up. The `keep` most recently used sizes keep theirs; an older one is forgotten, and
 * handed to `drop` when given (to give its memory back: only when no caller can still hold it).
 */
export class BatchBuffers<T> {
  private readonly bySize = new Map<number, T>();

  constructor(
    private readonly make: (n: number) => T,
    private readonly keep: number,
    private readonly drop?: (t: T) => void,
  ) {}

  /** The buffers for batches of n rows (made on first use). */
  get(n: number): T {
    let t = this.bySize.get(n);
    if (t === undefined) t = this.make(n);
    else this.bySize.delete(n); // re-inserted below: most recently used last
    this.bySize.set(n, t);
    if (this.bySize.size > this.keep) {
      const [oldest, old] = this.bySize.entries().next().value as [number, T];
      this.bySize.delete(oldest);
      this.drop?.(old);
    }
    return t;
  }
}
