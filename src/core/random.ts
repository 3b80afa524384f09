/**
 * Seeded random numbers with explicit state.
 *
 * Every random thing in Descent takes an `Rng` (or a seed), so a lecture's numbers reproduce
 * exactly on every machine. The generator is mulberry32: 32-bit integer arithmetic only, so the
 * stream of uniforms is bit-identical everywhere. Normals use the Box–Muller transform.
 */
export class Rng {
  /** The generator's whole state: one 32-bit unsigned integer. */
  state: number;
  /** A second normal produced by Box–Muller, kept for the next call. */
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** Next raw 32-bit unsigned integer (mulberry32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** u ~ U[0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** u ~ U[lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** An integer k ~ U{0, …, n−1}. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** z ~ N(μ, σ²) by Box–Muller: z = √(−2 ln u₁)·cos(2πu₂), the sine branch kept for the next call. */
  normal(mu = 0, sigma = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mu + sigma * z;
    }
    let u1 = this.uniform();
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return mu + sigma * r * Math.cos(2 * Math.PI * u2);
  }

  /** Fill `out` with N(μ, σ²) samples and return it. */
  fillNormal<A extends Float32Array | Float64Array>(out: A, mu = 0, sigma = 1): A {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mu, sigma);
    return out;
  }

  /** Fisher–Yates shuffle in place: for i = n−1 … 1, swap a[i] with a[j], j ~ U{0, …, i}. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0 … n−1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** k distinct indices from 0 … n−1 (sampling without replacement), in the order drawn. */
  sample(n: number, k: number): Int32Array {
    if (!Number.isInteger(k) || k < 0 || k > n) {
      throw new Error(`Rng.sample: cannot draw k=${k} distinct items from n=${n}`);
    }
    // Partial Fisher–Yates over a sparse map: O(k) memory.
    const swapped = new Map<number, number>();
    const out = new Int32Array(k);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      const vi = swapped.has(i) ? swapped.get(i)! : i;
      const vj = swapped.has(j) ? swapped.get(j)! : j;
      out[i] = vj;
      swapped.set(j, vi);
    }
    return out;
  }
}

/** Shorthand: a new generator from a seed. */
export function rng(seed: number): Rng {
  return new Rng(seed);
}
