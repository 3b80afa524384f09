/**
 * Values as data, for the two sides of grading: the grader (lecturer side) sends each case's
 * arguments to the kernel that runs the student's code, and the kernel sends back what the
 * student's function returned and left in its arguments. Nothing else crosses, so nothing the
 * student's code does in its kernel (patching Math, JSON or a prototype, calling the checks) can
 * change how the grader compares.
 *
 *   encode(v) → JSON-able data      decode(data) → a fresh value (Matrix, typed arrays, arrays, objects…)
 *   compact(data) → the same data, a typed array of few distinct values as those values and one byte each
 *
 * Numbers keep NaN, ±Infinity and −0; typed arrays keep their type; a Matrix comes back as the
 * course's Matrix. A function argument (a cost function a case passes in) crosses as its source
 * text with the values it closes over (`portable(fn, scope)`); it is rebuilt with the course's
 * exports in scope. A class instance (a trained model) crosses as its own fields. A Map, Set,
 * Promise, symbol or cycle is a clear error.
 */
import { Matrix } from "../core/matrix";

export type Wire = null | boolean | string | number | Wire[] | { [k: string]: Wire };

type Typed =
  | Float64Array
  | Float32Array
  | Int32Array
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Uint32Array
  | Uint8ClampedArray;
const TYPED: Record<string, { new (b: ArrayBuffer): Typed; BYTES_PER_ELEMENT: number }> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint8Array,
  Int8Array,
  Int16Array,
  Uint16Array,
  Uint32Array,
  Uint8ClampedArray,
};

/** A function that can cross: its source and the values it closes over (by name). */
export function portable<F extends (...args: never[]) => unknown>(fn: F, scope: Record<string, unknown> = {}): F {
  Object.defineProperty(fn, "wireScope", { value: scope, enumerable: false });
  return fn;
}

function num(x: number): Wire {
  if (Number.isNaN(x)) return { $n: "NaN" };
  if (x === Infinity) return { $n: "Infinity" };
  if (x === -Infinity) return { $n: "-Infinity" };
  if (Object.is(x, -0)) return { $n: "-0" };
  return x;
}

function typedName(v: ArrayBufferView): string | null {
  for (const name of Object.keys(TYPED)) if (v instanceof TYPED[name]) return name;
  return null;
}

/** The value as JSON-able data; throws an Error naming the path of what cannot be sent. */
export function encode(v: unknown, path = "value", seen = new Set<unknown>()): Wire {
  if (v === null) return null;
  if (v === undefined) return { $u: 1 };
  if (typeof v === "number") return num(v);
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "bigint") return { $big: String(v) };
  if (typeof v === "function") {
    const scope = (v as { wireScope?: Record<string, unknown> }).wireScope ?? {};
    return { $fn: Function.prototype.toString.call(v), scope: encode(scope, `${path} (its scope)`, seen) };
  }
  if (typeof v !== "object") throw new Error(`encode: ${path} is a ${typeof v}, which cannot be sent`);
  if (seen.has(v)) throw new Error(`encode: ${path} refers to itself (a cycle)`);
  seen.add(v);
  try {
    if (ArrayBuffer.isView(v)) {
      const name = typedName(v);
      if (!name) throw new Error(`encode: ${path} is a ${v.constructor?.name ?? "view"}, which cannot be sent`);
      const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return { $t: name, b64: bytes.toString("base64") };
    }
    if (
      v instanceof Matrix ||
      (isMatrixShaped(v) && (v as { constructor?: { name?: string } }).constructor?.name === "Matrix")
    ) {
      const m = v as Matrix;
      return { $m: [m.rows, m.cols], data: encode(m.data, `${path}.data`, seen) };
    }
    if (Array.isArray(v)) return v.map((x, i) => encode(x, `${path}[${i}]`, seen));
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      // An instance of a class (a trained model): its own fields cross, as a plain object named after the class.
      const name = String(proto?.constructor?.name ?? "object");
      if (
        v instanceof Map ||
        v instanceof Set ||
        v instanceof WeakMap ||
        v instanceof WeakSet ||
        v instanceof Promise ||
        v instanceof Date ||
        v instanceof RegExp
      ) {
        throw new Error(
          `encode: ${path} is a ${name}, which cannot be sent (only numbers, strings, arrays, typed arrays, matrices, plain objects and the fields of class instances)`,
        );
      }
      const fields: { [k: string]: Wire } = {};
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (typeof x === "function") continue;
        try {
          fields[k.startsWith("$") ? `$$${k}` : k] = encode(x, `${path}.${k}`, seen);
        } catch {
          /* an internal field that cannot cross (a cache, a Map): the instance's data fields are what is compared */
        }
      }
      return { $obj: name, fields };
    }
    const out: { [k: string]: Wire } = {};
    for (const k of Object.keys(v))
      out[k.startsWith("$") ? `$$${k}` : k] = encode((v as Record<string, unknown>)[k], `${path}.${k}`, seen);
    return out;
  } finally {
    seen.delete(v);
  }
}

function isMatrixShaped(v: unknown): boolean {
  const m = v as { rows?: unknown; cols?: unknown; data?: unknown };
  return typeof m.rows === "number" && typeof m.cols === "number" && ArrayBuffer.isView(m.data);
}

/** The names a compiled function may use for the course's modules ("d", "import_matrix", "matrix_1"…). */
function courseScope(): Record<string, unknown> {
  // Loaded when first needed: the course index imports this module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  return require("../index") as Record<string, unknown>;
}

function rebuildFunction(src: string, scope: Record<string, unknown>): unknown {
  const course = courseScope();
  // A compiled module reference (tsc: matrix_1.fromArrays; esbuild: import_matrix.fromArrays) reads from the course.
  // A name the function closes over comes from its scope; any other name that is not a global comes from
  // the course's exports, and a compiled module reference (d.softmax, sm.softmax, matrix_1.fromArrays,
  // import_matrix.fromArrays) reads from the course as a whole.
  const namespace = new Proxy(scope, {
    get: (t, k) => (typeof k === "string" ? (k in t ? t[k] : course[k]) : undefined),
  });
  const lookup = new Proxy(scope, {
    has: (t, k) => typeof k === "string" && (k in t || !(k in globalThis)),
    get: (t, k) => {
      if (typeof k !== "string") return undefined;
      if (k in t) return t[k];
      if (k === "__name") return (f: unknown) => f; // esbuild's keep-names helper, in sources compiled by tsx
      return k in course ? course[k] : namespace;
    },
  });
  return new Function("scope", `with (scope) { return (${src}); }`)(lookup);
}

/** Typed arrays shorter than this are left as they are by compact(). */
const COMPACT_MIN = 4096;

/** The bytes of base64 text in an ArrayBuffer of their own (aligned for any typed array over it). */
function bufferOf(b64: string): ArrayBuffer {
  const bytes = Buffer.from(b64, "base64");
  const buf = new ArrayBuffer(bytes.length);
  new Uint8Array(buf).set(bytes);
  return buf;
}

/**
 * Elements of `size` bytes (2, 4 or 8) as words: 16-bit words one per element, else 32-bit words size/4 per element.
 */
function wordsOf(buf: ArrayBuffer, size: number): { words: Uint16Array | Uint32Array; per: number } {
  return size === 2 ? { words: new Uint16Array(buf), per: 1 } : { words: new Uint32Array(buf), per: size / 4 };
}

/**
 * The distinct elements of the typed array in `buf` (their bytes, in order of first appearance) and each
 * element's index among them, or null when there are more than 256 (the scan stops there). Elements are
 * compared by their bytes, so −0, NaNs and every other value keep their exact bits.
 */
function dictionaryOf(buf: ArrayBuffer, size: number): { dict: Uint8Array; idx: Uint8Array } | null {
  const n = buf.byteLength / size;
  const idx = new Uint8Array(n);
  const dict = new Uint8Array(256 * size);
  const bytes = new Uint8Array(buf);
  const { words, per } = wordsOf(buf, size);
  // an element's index by its word (8-byte elements: by its high word, then its low word)
  const seen = new Map<number, number>();
  const seen8 = new Map<number, Map<number, number>>();
  let count = 0;
  for (let i = 0; i < n; i++) {
    let inner = seen;
    if (per === 2) {
      const hi = seen8.get(words[2 * i + 1]);
      if (hi) inner = hi;
      else seen8.set(words[2 * i + 1], (inner = new Map()));
    }
    let k = inner.get(words[per * i]);
    if (k === undefined) {
      if (count === 256) return null;
      inner.set(words[per * i], (k = count++));
      dict.set(bytes.subarray(i * size, (i + 1) * size), k * size);
    }
    idx[i] = k;
  }
  return { dict: dict.slice(0, count * size), idx };
}

/**
 * The same data, smaller (for the arguments the grader sends: a kernel reads them at every start): a
 * typed array of at least COMPACT_MIN elements of 2, 4 or 8 bytes that takes at most 256 distinct values
 * (MNIST's pixels, k/255 as float32) becomes its distinct values and one byte per element
 * ({ $t, dict, idx }); everything else is left as it is. decode() reads both forms, bit for bit the same.
 */
export function compact(w: Wire): Wire {
  if (w === null || typeof w !== "object") return w;
  if (Array.isArray(w)) return w.map(compact);
  if ("$t" in w && typeof w.b64 === "string") {
    const size = TYPED[w.$t as string]?.BYTES_PER_ELEMENT ?? 1;
    if (size === 1 || w.b64.length < (COMPACT_MIN * size * 4) / 3) return w;
    const d = dictionaryOf(bufferOf(w.b64), size);
    if (!d) return w;
    return { $t: w.$t, dict: Buffer.from(d.dict).toString("base64"), idx: Buffer.from(d.idx).toString("base64") };
  }
  if ("$fn" in w) return w; // a function's source and scope are left as they are
  const out: { [k: string]: Wire } = {};
  for (const k of Object.keys(w)) out[k] = compact(w[k]);
  return out;
}

/** The typed array of compact()'s form { $t, dict, idx }. */
function fromDictionary(C: (typeof TYPED)[string], dictB64: string, idxB64: string): Typed {
  const size = C.BYTES_PER_ELEMENT;
  const idx = Buffer.from(idxB64, "base64");
  const out = new ArrayBuffer(idx.length * size);
  const { words: from, per } = wordsOf(bufferOf(dictB64), size);
  const { words: to } = wordsOf(out, size);
  for (let i = 0; i < idx.length; i++) for (let j = 0; j < per; j++) to[i * per + j] = from[idx[i] * per + j];
  return new C(out);
}

/** A fresh value from data made by encode() (or compact()). */
export function decode(w: Wire): unknown {
  if (w === null || typeof w !== "object") return w;
  if (Array.isArray(w)) return w.map(decode);
  if ("$n" in w) return Number(w.$n === "-0" ? -0 : w.$n);
  if ("$u" in w) return undefined;
  if ("$big" in w) return BigInt(w.$big as string);
  if ("$t" in w) {
    const C = TYPED[w.$t as string];
    if (!C) throw new Error(`decode: unknown typed array ${String(w.$t)}`);
    if (typeof w.dict === "string" && typeof w.idx === "string") return fromDictionary(C, w.dict, w.idx);
    return new C(bufferOf(w.b64 as string));
  }
  if ("$m" in w) {
    const [rows, cols] = w.$m as number[];
    return new Matrix(rows, cols, decode(w.data) as Float64Array);
  }
  if ("$obj" in w) return decode(w.fields);
  if ("$fn" in w) return rebuildFunction(w.$fn as string, decode(w.scope) as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(w)) out[k.startsWith("$$") ? k.slice(2) : k] = decode(w[k]);
  return out;
}
