/**
 * The values a check compares: numbers, arrays, typed arrays, matrices and objects of those.
 *
 * A numeric value is seen as a tensor: its shape (number → [], array or typed array of length n →
 * [n], Matrix or rectangular nested array r×c → [r, c]) and its entries in row-major order. The
 * default comparison is entry-wise with a relative tolerance:
 *   |got_i − expected_i| ≤ tol · max(|expected_i|, max_j |expected_j|) + 1e-300,
 * so entries that are tiny next to the largest one are compared at the scale of the whole tensor.
 */

/** A numeric value flattened: its shape, its entries (row-major) and what it was. */
export interface Tensor {
  shape: number[];
  data: ArrayLike<number>;
  kind: string;
  float32: boolean;
}

type MatrixLike = { rows: number; cols: number; data: ArrayLike<number> };

function isTypedNumberArray(v: unknown): v is ArrayLike<number> & { constructor: { name: string } } {
  return (
    ArrayBuffer.isView(v) &&
    !(v instanceof DataView) &&
    !(typeof BigInt64Array !== "undefined" && (v instanceof BigInt64Array || v instanceof BigUint64Array))
  );
}

/** Duck-typed Matrix (rows, cols, data of rows·cols numbers), so a second copy of the Matrix class also counts. */
export function isMatrixLike(v: unknown): v is MatrixLike {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Partial<MatrixLike>;
  return (
    typeof m.rows === "number" &&
    typeof m.cols === "number" &&
    isTypedNumberArray(m.data) &&
    m.data.length === m.rows * m.cols
  );
}

/** The tensor view of a numeric value, or null when the value is not numeric (objects, strings, ragged arrays…). */
export function asTensor(v: unknown): Tensor | null {
  if (typeof v === "number") return { shape: [], data: [v], kind: "number", float32: false };
  if (isMatrixLike(v)) {
    return { shape: [v.rows, v.cols], data: v.data, kind: "Matrix", float32: v.data instanceof Float32Array };
  }
  if (isTypedNumberArray(v)) {
    return { shape: [v.length], data: v, kind: v.constructor.name, float32: v instanceof Float32Array };
  }
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "number"))
      return { shape: [v.length], data: v as number[], kind: "array", float32: false };
    if (
      v.length > 0 &&
      v.every((x) => (Array.isArray(x) && x.every((y) => typeof y === "number")) || isTypedNumberArray(x))
    ) {
      const cols = (v[0] as ArrayLike<number>).length;
      if (!v.every((x) => (x as ArrayLike<number>).length === cols)) return null;
      const data: number[] = [];
      for (const row of v as ArrayLike<number>[]) for (let j = 0; j < cols; j++) data.push(row[j]);
      return { shape: [v.length, cols], data, kind: "nested array", float32: v.some((x) => x instanceof Float32Array) };
    }
  }
  return null;
}

export function shapeText(shape: number[]): string {
  return shape.length === 0 ? "a number" : shape.join("×");
}

/** A number in at most 5 significant digits. */
export function fmt(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(x) && Math.abs(x) < 1e9) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return x.toExponential(3);
  return String(Number(x.toPrecision(5)));
}

/**
 * Two different numbers printed so that they look different: fmt's 5 digits, or as many more as it
 * takes (2.5197 vs 2.5197 becomes 2.51972365 vs 2.51972357).
 */
export function fmtPair(expected: number, got: number): [string, string] {
  let a = fmt(expected);
  let b = fmt(got);
  for (let p = 6; a === b && p <= 17 && !Object.is(expected, got); p++) {
    a = String(Number(expected.toPrecision(p)));
    b = String(Number(got.toPrecision(p)));
  }
  return [a, b];
}

/** True when every entry is a float32 value and some is not an integer: the student computed in float32. */
function looksFloat32(data: ArrayLike<number>): boolean {
  let fraction = false;
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (!Number.isFinite(v)) continue;
    if (Math.fround(v) !== v) return false;
    if (!Number.isInteger(v)) fraction = true;
  }
  return fraction;
}

/** Where entry k of a tensor of this shape sits: "[i, j]" or "[k]". */
export function indexText(shape: number[], k: number): string {
  if (shape.length === 2) return `[${Math.floor(k / shape[1])}, ${k % shape[1]}]`;
  if (shape.length === 1) return `[${k}]`;
  return "";
}

/** A short description: "Matrix 3×4 [[0.1, 0.2, 0.3, …], …]", "number 0.25", "Float64Array 5 [1, 2, …]". */
export function describe(v: unknown, few = 4): string {
  const t = asTensor(v);
  if (t) {
    if (t.shape.length === 0) return `number ${fmt(t.data[0])}`;
    if (t.shape.length === 1) return `${t.kind} of length ${t.shape[0]} ${listText(t.data, 0, t.shape[0], few + 2)}`;
    const [r, c] = t.shape;
    const rows: string[] = [];
    for (let i = 0; i < Math.min(r, 3); i++) rows.push(listText(t.data, i * c, c, few));
    return `${t.kind} ${r}×${c} [${rows.join(", ")}${r > 3 ? ", …" : ""}]`;
  }
  if (v === undefined) return "undefined (nothing returned)";
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v);
  if (typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (typeof v === "function") return "a function";
  if (v instanceof Promise) return "a Promise (the function must not be async)";
  if (Array.isArray(v)) {
    const parts = v.slice(0, 3).map((x) => describe(x, 3));
    return `array of length ${v.length} [${parts.join(", ")}${v.length > 3 ? ", …" : ""}]`;
  }
  if (v instanceof Map) return `Map of ${v.size} entries`;
  if (v instanceof Set) return `Set of ${v.size} entries`;
  if (typeof v === "object") {
    const name = Object.getPrototypeOf(v)?.constructor?.name;
    const keys = Object.keys(v as object);
    const head = keys.slice(0, 4).map((k) => `${k}: ${describe((v as Record<string, unknown>)[k], 3)}`);
    return `${name && name !== "Object" ? name + " " : ""}{ ${head.join(", ")}${keys.length > 4 ? ", …" : ""} }`;
  }
  return String(v);
}

function listText(data: ArrayLike<number>, start: number, n: number, few: number): string {
  const parts: string[] = [];
  for (let k = 0; k < Math.min(n, few); k++) parts.push(fmt(data[start + k]));
  return `[${parts.join(", ")}${n > few ? ", …" : ""}]`;
}

/**
 * A deep copy that keeps prototypes (Matrix, Rng, data sets stay what they are), typed arrays
 * copied, functions shared. Used so that a student who changes an input cannot change the
 * reference's input.
 */
export function deepCopy<T>(v: T, seen = new Map<unknown, unknown>()): T {
  if (typeof v !== "object" || v === null) return v;
  if (seen.has(v)) return seen.get(v) as T;
  if (ArrayBuffer.isView(v)) {
    const c = (v as unknown as { slice(): unknown }).slice ? (v as unknown as { slice(): unknown }).slice() : v;
    seen.set(v, c);
    return c as T;
  }
  if (v instanceof ArrayBuffer) return v.slice(0) as unknown as T;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const x of v) out.push(deepCopy(x, seen));
    return out as unknown as T;
  }
  if (v instanceof Map) {
    const out = new Map();
    seen.set(v, out);
    for (const [k, x] of v) out.set(k, deepCopy(x, seen));
    return out as unknown as T;
  }
  if (v instanceof Set) {
    const out = new Set();
    seen.set(v, out);
    for (const x of v) out.add(deepCopy(x, seen));
    return out as unknown as T;
  }
  if (v instanceof Date) return new Date(v.getTime()) as unknown as T;
  const out = Object.create(Object.getPrototypeOf(v)) as Record<string | symbol, unknown>;
  seen.set(v, out);
  for (const key of Reflect.ownKeys(v as object)) {
    const desc = Object.getOwnPropertyDescriptor(v, key)!;
    if ("value" in desc) desc.value = deepCopy(desc.value, seen);
    Object.defineProperty(out, key, desc);
  }
  return out as unknown as T;
}

/** The tolerance actually used: float32 entries cannot be closer than about 1e-4 relative after a few sums. */
export function effectiveTolerance(tol: number, ...tensors: (Tensor | null)[]): number {
  return tensors.some((t) => t?.float32) ? Math.max(tol, 1e-4) : tol;
}

/** Entry-wise closeness of two tensors of the same size (see the file header). */
export function closeEntries(
  got: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
): { bad: number; first: number } {
  let scale = 0;
  for (let k = 0; k < expected.length; k++)
    if (Number.isFinite(expected[k])) scale = Math.max(scale, Math.abs(expected[k]));
  let bad = 0;
  let first = -1;
  for (let k = 0; k < expected.length; k++) {
    const g = got[k];
    const e = expected[k];
    // A non-finite value equals only itself (∞ is not "close" to 2501, nor −∞ to ∞).
    const finite = Number.isFinite(g) && Number.isFinite(e);
    const ok =
      Object.is(g, e) ||
      (Number.isNaN(g) && Number.isNaN(e)) ||
      (finite && Math.abs(g - e) <= tol * Math.max(Math.abs(e), scale) + 1e-300);
    if (!ok) {
      bad++;
      if (first < 0) first = k;
    }
  }
  return { bad, first };
}

/**
 * Compare `got` with `expected`: null when they agree, else a message that says where they differ
 * (path in objects, shape, first differing entry with both values).
 */
export function compareValues(got: unknown, expected: unknown, tol: number, path = ""): string | null {
  const where = path ? `${path}: ` : "";
  const te = asTensor(expected);
  if (te) {
    const tg = asTensor(got);
    if (!tg)
      return `${where}expected ${te.shape.length === 0 ? "a number" : `a ${shapeText(te.shape)} ${te.kind}`}, got ${describe(got)}`;
    if (tg.shape.join("×") !== te.shape.join("×")) {
      return `${where}expected shape ${shapeText(te.shape)}, got shape ${shapeText(tg.shape)}`;
    }
    // An answer computed in float32 (a Float32Array, or numbers through Math.fround) gets float32's tolerance.
    const tolerance =
      looksFloat32(tg.data) && !looksFloat32(te.data)
        ? Math.max(effectiveTolerance(tol, tg, te), 1e-4)
        : effectiveTolerance(tol, tg, te);
    const { bad, first } = closeEntries(tg.data, te.data, tolerance);
    if (bad === 0) return null;
    if (te.shape.length === 0) {
      const [e, g] = fmtPair(te.data[0], tg.data[0]);
      return `${where}expected ${e}, got ${g}`;
    }
    const more = bad > 1 ? ` (${bad} of ${te.data.length} entries differ)` : "";
    const [e, g] = fmtPair(te.data[first], tg.data[first]);
    return `${where}entry ${indexText(te.shape, first)}: expected ${e}, got ${g}${more}`;
  }
  if (expected === null || expected === undefined || typeof expected !== "object") {
    if (Object.is(got, expected)) return null;
    return `${where}expected ${describe(expected)}, got ${describe(got)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(got)) return `${where}expected an array of length ${expected.length}, got ${describe(got)}`;
    if (got.length !== expected.length)
      return `${where}expected an array of length ${expected.length}, got length ${got.length}`;
    for (let i = 0; i < expected.length; i++) {
      const m = compareValues(got[i], expected[i], tol, `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (typeof got !== "object" || got === null) return `${where}expected ${describe(expected)}, got ${describe(got)}`;
  for (const key of Object.keys(expected as object)) {
    if (!(key in (got as object))) return `${where}the result has no field "${key}"`;
    const m = compareValues(
      (got as Record<string, unknown>)[key],
      (expected as Record<string, unknown>)[key],
      tol,
      path ? `${path}.${key}` : key,
    );
    if (m) return m;
  }
  return null;
}

/** Every numeric leaf of a value with its path ("" for the value itself, "dW", "[1]", …). */
export function numericLeaves(
  v: unknown,
  path = "",
  out: { path: string; t: Tensor }[] = [],
): { path: string; t: Tensor }[] {
  const t = asTensor(v);
  if (t) {
    out.push({ path, t });
    return out;
  }
  if (Array.isArray(v)) v.forEach((x, i) => numericLeaves(x, `${path}[${i}]`, out));
  else if (typeof v === "object" && v !== null && !(v instanceof Map) && !(v instanceof Set)) {
    for (const key of Object.keys(v))
      numericLeaves((v as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
  }
  return out;
}

/** The value at a path made by numericLeaves, or undefined. */
export function atPath(v: unknown, path: string): unknown {
  if (!path) return v;
  const parts = path.match(/\[\d+\]|[^.[\]]+/g) ?? [];
  let cur: unknown = v;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = p.startsWith("[") ? (cur as unknown[])[Number(p.slice(1, -1))] : (cur as Record<string, unknown>)[p];
  }
  return cur;
}
