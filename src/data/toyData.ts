/**
 * Small seeded 2-D data sets for chapter 1: a linearly separable cloud, XOR, and a 1-D linear
 * regression problem (whose cost is a function of two variables, the slope and the intercept).
 *
 * Every set is drawn from an `Rng` (or a seed), so a lecture's pictures reproduce exactly.
 * Inputs are an n×2 (or n×1) Matrix, one example per row; labels are a Uint8Array of 0/1.
 */
import { Matrix, zeros, DType } from "../core/matrix";
import { Rng } from "../core/random";
import { describeValue } from "../core/describe";

/** A labelled 2-D classification set: X is n×2, y[i] ∈ {0, 1}. */
export interface ToySet {
  X: Matrix;
  y: Uint8Array;
}

/** A linearly separable set and the line that made it: y = 1 exactly when w·x + b ≥ 0. */
export interface SeparableSet extends ToySet {
  /** The generating line's normal w (length 2) and offset b. */
  w: [number, number];
  b: number;
  /** Every point is at least this far from the line (the margin γ). */
  margin: number;
}

function toRng(r: Rng | number, where: string): Rng {
  if (r instanceof Rng) return r;
  if (typeof r === "number" && Number.isFinite(r)) return new Rng(r);
  throw new Error(`${where}: rng must be an Rng or a finite seed, got ${describeValue(r)}`);
}

function positiveInt(n: number, what: string, where: string): void {
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${where}: ${what} must be a positive integer, got ${describeValue(n)}`);
}

/**
 * n points x ~ U([−1, 1]²), labelled by a line: y = 1 if w·x + b ≥ 0, else 0, keeping only points whose
 * distance |w·x + b| / ‖w‖ to the line is at least `margin` (rejection sampling).
 * Shapes: X n×2, y length n. The default line is w = (1, 2), b = −0.25; pass your own to move it.
 */
export function linearlySeparable(options: {
  n: number;
  rng: Rng | number;
  margin?: number;
  w?: [number, number];
  b?: number;
  dtype?: DType;
}): SeparableSet {
  const where = "linearlySeparable";
  const { n, margin = 0.1, w = [1, 2], b = -0.25, dtype = "float64" } = options;
  positiveInt(n, "n", where);
  const norm = Math.hypot(w[0], w[1]);
  if (!(norm > 0)) throw new Error(`${where}: the line's normal w must be non-zero, got (${w[0]}, ${w[1]})`);
  if (!(margin >= 0) || margin >= 1)
    throw new Error(`${where}: margin must be in [0, 1), got ${describeValue(margin)}`);
  const r = toRng(options.rng, where);
  const X = zeros(n, 2, dtype);
  const y = new Uint8Array(n);
  let tries = 0;
  for (let i = 0; i < n;) {
    if (++tries > 1000 * n) {
      throw new Error(
        `${where}: could not place ${n} points at margin ${margin} from the line w=(${w}), b=${b} inside [−1, 1]²`,
      );
    }
    const x1 = r.uniformIn(-1, 1);
    const x2 = r.uniformIn(-1, 1);
    const s = w[0] * x1 + w[1] * x2 + b;
    if (Math.abs(s) / norm < margin) continue;
    X.data[2 * i] = x1;
    X.data[2 * i + 1] = x2;
    y[i] = s >= 0 ? 1 : 0;
    i++;
  }
  return { X, y, w: [w[0], w[1]], b, margin };
}

/**
 * The XOR problem: the four corners (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0, each repeated `perCorner`
 * times with uniform jitter in [−jitter, jitter]² (jitter < 0.25 keeps the classes' convex hulls
 * crossing, so no line separates them). perCorner = 1 and jitter = 0 give the bare truth table.
 * Shapes: X (4·perCorner)×2, y length 4·perCorner, corners in the order above.
 */
export function xorData(
  options: { perCorner?: number; jitter?: number; rng?: Rng | number; dtype?: DType } = {},
): ToySet {
  const where = "xorData";
  const { perCorner = 1, jitter = 0, dtype = "float64" } = options;
  positiveInt(perCorner, "perCorner", where);
  if (!(jitter >= 0 && jitter < 0.25))
    throw new Error(`${where}: jitter must be in [0, 0.25) so XOR stays non-separable, got ${describeValue(jitter)}`);
  if (jitter > 0 && options.rng === undefined) throw new Error(`${where}: jitter ${jitter} > 0 needs an rng (or seed)`);
  const r = jitter > 0 ? toRng(options.rng as Rng | number, where) : null;
  const corners: [number, number, number][] = [
    [0, 0, 0],
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 0],
  ];
  const n = 4 * perCorner;
  const X = zeros(n, 2, dtype);
  const y = new Uint8Array(n);
  let i = 0;
  for (const [c1, c2, label] of corners) {
    for (let k = 0; k < perCorner; k++, i++) {
      X.data[2 * i] = c1 + (r ? r.uniformIn(-jitter, jitter) : 0);
      X.data[2 * i + 1] = c2 + (r ? r.uniformIn(-jitter, jitter) : 0);
      y[i] = label;
    }
  }
  return { X, y };
}

/** A 1-D regression set: targets t[i] = a·x[i] + c + ε[i]. */
export interface RegressionSet {
  /** Inputs, n×1. */
  X: Matrix;
  /** Targets, length n. */
  t: Float64Array;
  /** The generating slope a, intercept c and noise σ. */
  a: number;
  c: number;
  noise: number;
}

/**
 * n points x ~ U[−1, 1] with targets t = a·x + c + ε, ε ~ N(0, noise²).
 * Fitting (a, c) by least squares gives a cost C(v₁, v₂) of two variables (see descent.ts).
 * Shapes: X n×1, t length n.
 */
export function linearRegressionData(options: {
  n: number;
  rng: Rng | number;
  a?: number;
  c?: number;
  noise?: number;
}): RegressionSet {
  const where = "linearRegressionData";
  const { n, a = 2, c = -1, noise = 0.5 } = options;
  positiveInt(n, "n", where);
  if (!(noise >= 0) || !Number.isFinite(noise))
    throw new Error(`${where}: noise must be a finite σ ≥ 0, got ${describeValue(noise)}`);
  if (!Number.isFinite(a) || !Number.isFinite(c))
    throw new Error(`${where}: a and c must be finite, got a=${a}, c=${c}`);
  const r = toRng(options.rng, where);
  const X = zeros(n, 1, "float64");
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = r.uniformIn(-1, 1);
    X.data[i] = x;
    t[i] = a * x + c + (noise > 0 ? r.normal(0, noise) : 0);
  }
  return { X, t, a, c, noise };
}
