/**
 * Fixtures: an exercise's visible cases frozen at release, for the student edition.
 *
 * The lecturer's side has the references, the case generators and the known mistakes; the student
 * edition has none of them. `makeFixture(spec)` (run by `npm run release`) records what the visible
 * check needs instead: each visible case's arguments, its expected output, and what each known
 * mistake gives on it (the hint is shown when the student's output equals that). In the edition an
 * exercise file registers `{ ...its comparison, ...fromFixture(id) }`, and `hw.check` runs exactly as
 * on the lecturer's side (same cases, points, messages and hints). Hidden cases never leave the
 * lecturer's side.
 *
 * Values are saved as JSON with tags for what JSON cannot hold: Matrix and typed arrays (bytes in
 * base64, so float32 stays float32), non-finite numbers and −0, undefined, and small self-contained
 * functions (an argument such as f(v) = v₀² + 3v₁, kept as its source). A large array (a data set)
 * is saved once, gzipped, in fixtures/blobs/<hash>.gz, and named by its hash.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Matrix } from "../core/matrix";
import { Rng } from "../core/random";
import { AnyFunction, Case, ExerciseSpec, Mistake, seedOf } from "./check";
import { compareValues, deepCopy, isMatrixLike } from "./values";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One visible case as saved: arguments, expected output, and each known mistake's output (null: that mistake threw). */
export interface FixtureCase {
  name: string;
  points: number;
  args: Json;
  expected: Json;
  /** The reference returns nothing: its output is its updated arguments (an in-place update). */
  inPlace: boolean;
  mistakeOutputs: (Json | null)[];
}

export interface Fixture {
  id: string;
  title: string;
  seed: number;
  /** The known mistakes' hints, in the order of `mistakeOutputs`. */
  hints: string[];
  cases: FixtureCase[];
  /** Visible cases that could not be saved (an argument that is a function of the course's internals): checked at grading only. */
  leftOut: string[];
  hasHidden: boolean;
}

const TYPED: { [name: string]: { new (b: ArrayBuffer): ArrayLike<number> } } = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
};

function typedFrom(name: string, base64: string, where: string): ArrayLike<number> {
  const T = TYPED[name];
  if (!T) throw new Error(`fixture ${where}: unknown array type ${name}`);
  const buf = Buffer.from(base64, "base64");
  const copy = new ArrayBuffer(buf.length);
  new Uint8Array(copy).set(buf);
  return new T(copy);
}

/** Large arrays saved apart: hash → gzipped bytes. */
export type Blobs = Map<string, Buffer>;

/** Arrays of more entries than this go to a blob when `blobs` is given. */
const BLOB_MIN = 4096;

function typedJson(a: ArrayBufferView, blobs?: Blobs): { [k: string]: Json } {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (!blobs || a.byteLength < BLOB_MIN) return { type: a.constructor.name, data: bytes.toString("base64") };
  const hash = createHash("sha256").update(a.constructor.name).update(bytes).digest("hex").slice(0, 24);
  if (!blobs.has(hash)) blobs.set(hash, gzipSync(bytes, { level: 9 }));
  return { type: a.constructor.name, blob: hash };
}

function typedFromJson(j: { type: string; data?: string; blob?: string }, where: string, readBlob?: (hash: string) => Buffer): ArrayLike<number> {
  if (j.blob !== undefined) {
    if (!readBlob) throw new Error(`fixture ${where}: the array is saved apart (blob ${j.blob}) and no blob folder was given`);
    return typedFrom(j.type, readBlob(j.blob).toString("base64"), where);
  }
  return typedFrom(j.type, j.data ?? "", where);
}

/**
 * A value as JSON (tags for Matrix, typed arrays, non-finite numbers, undefined, functions). `where`
 * names it in errors; with `blobs`, large arrays are put there and named by hash.
 */
export function encode(v: unknown, where = "value", blobs?: Blobs): Json {
  if (v === undefined) return { $undefined: true };
  if (v === null) return null;
  if (typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v;
    return { $number: Object.is(v, -0) ? "-0" : String(v) };
  }
  if (typeof v === "function") return { $function: v.toString() };
  if (v instanceof Matrix || isMatrixLike(v)) {
    const m = v as Matrix;
    return { $matrix: { rows: m.rows, cols: m.cols, ...typedJson(m.data as unknown as ArrayBufferView, blobs) } };
  }
  if (ArrayBuffer.isView(v)) return { $typed: typedJson(v, blobs) };
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${where}[${i}]`, blobs));
  if (typeof v === "object") {
    const out: { [k: string]: Json } = {};
    for (const [k, x] of Object.entries(v as object)) out[k.startsWith("$") ? `$${k}` : k] = encode(x, `${where}.${k}`, blobs);
    return out;
  }
  throw new Error(`fixture: ${where} is a ${typeof v}, which cannot be saved`);
}

/** How `decode` rebuilds functions (names in view, e.g. `d`, the course) and finds arrays saved apart. */
export interface DecodeContext {
  scope?: { [name: string]: unknown };
  readBlob?: (hash: string) => Buffer;
}

/** The value that `encode` saved. Functions are rebuilt from their source with `ctx.scope` (name → value) in view. */
export function decode(j: Json, where = "value", ctx: DecodeContext = {}): unknown {
  if (j === null || typeof j !== "object") return j;
  if (Array.isArray(j)) return j.map((x, i) => decode(x, `${where}[${i}]`, ctx));
  if ("$undefined" in j) return undefined;
  if ("$number" in j) return Number(j.$number);
  if ("$function" in j) {
    const scope = ctx.scope ?? {};
    const names = Object.keys(scope);
    return new Function(...names, `"use strict"; return (${String(j.$function)});`)(...names.map((n) => scope[n]));
  }
  if ("$matrix" in j) {
    const m = j.$matrix as { rows: number; cols: number; type: string; data?: string; blob?: string };
    return new Matrix(m.rows, m.cols, typedFromJson(m, where, ctx.readBlob) as Float64Array);
  }
  if ("$typed" in j) return typedFromJson(j.$typed as { type: string; data?: string; blob?: string }, where, ctx.readBlob);
  const out: { [k: string]: unknown } = {};
  for (const [k, x] of Object.entries(j)) out[k.startsWith("$$") ? k.slice(1) : k] = decode(x, `${where}.${k}`, ctx);
  return out;
}

interface Outcome {
  ok: boolean;
  value: unknown;
  args: unknown[];
}

function run(fn: AnyFunction, args: unknown[]): Outcome {
  const copy = deepCopy(args);
  try {
    return { ok: true, value: fn(...copy), args: copy };
  } catch {
    return { ok: false, value: undefined, args: copy };
  }
}

/** What is compared, as check.ts takes it: spec.output, else the return value, else (in place) the arguments. */
function outputOf(spec: ExerciseSpec, o: Outcome, inPlace: boolean): unknown {
  if (spec.output) return spec.output(o.value, o.args);
  return inPlace ? o.args : o.value;
}

/** Does a saved case come back as it was made (the reference on the saved arguments gives the saved output)? */
function roundTrips(spec: ExerciseSpec, saved: FixtureCase, ctx: DecodeContext): boolean {
  try {
    const args = decode(saved.args, "args", ctx) as unknown[];
    if (!spec.reference) return JSON.stringify(encode(args)) === JSON.stringify(encode(decode(saved.args, "args", ctx)));
    const o = run(spec.reference, args);
    return o.ok && compareValues(outputOf(spec, o, saved.inPlace), decode(saved.expected, "expected", ctx), spec.tolerance ?? 1e-6) === null;
  } catch {
    return false;
  }
}

/**
 * The fixture of an exercise (lecturer's side, at release): its visible cases with expected outputs
 * and the known mistakes' outputs. A case whose arguments do not work after saving (a function that
 * uses the course's internals) is left out and named in `leftOut`. `ctx.scope` is what a saved
 * function may use (the edition passes the course's API as `d`); with `blobs`, large arrays go there.
 */
export function makeFixture(spec: ExerciseSpec, ctx: DecodeContext = {}, blobs?: Blobs): Fixture {
  const seed = spec.seed ?? seedOf(spec.id);
  const fixture: Fixture = { id: spec.id, title: spec.title, seed, hints: (spec.mistakes ?? []).map((m) => m.hint), cases: [], leftOut: [], hasHidden: !!spec.hidden };
  const mine: Blobs = new Map();
  const read = (hash: string): Buffer => gunzipSync(mine.get(hash) ?? blobs?.get(hash) ?? Buffer.alloc(0));
  for (const c of spec.cases(new Rng(seed))) {
    const where = `${spec.id}, case "${c.name}"`;
    let expected: unknown = c.expected;
    let inPlace = false;
    if (expected === undefined && spec.reference) {
      const r = run(spec.reference, c.args);
      if (!r.ok) throw new Error(`fixture ${where}: the reference throws on this case`);
      inPlace = r.value === undefined && !spec.output;
      expected = outputOf(spec, r, inPlace);
    }
    const mistakeOutputs = (spec.mistakes ?? []).map((m) => {
      const o = run(m.answer, c.args);
      return o.ok ? encode(outputOf(spec, o, inPlace), `${where}, mistake output`, mine) : null;
    });
    const saved: FixtureCase = {
      name: c.name,
      points: c.points ?? 1,
      args: encode(c.args, `${where}, args`, mine),
      expected: encode(expected, `${where}, expected`, mine),
      inPlace,
      mistakeOutputs,
    };
    if (roundTrips(spec, saved, { ...ctx, readBlob: read })) fixture.cases.push(saved);
    else fixture.leftOut.push(c.name);
  }
  if (blobs) for (const [h, b] of mine) blobs.set(h, b);
  return fixture;
}

/** A known mistake's output on a case where that mistake threw (never equal to anything). */
export const NO_OUTPUT: unique symbol = Symbol("no output");

/**
 * What a student-edition exercise file spreads into its `exercise({...})`: the saved visible cases
 * (with their expected outputs and mistake outputs) and the known mistakes' hints. A known mistake's
 * `answer` is never called (each case carries its output); hidden cases are graded on the lecturer's side.
 */
export function fixtureSpec(fixture: Fixture, ctx: DecodeContext = {}): Pick<ExerciseSpec, "cases" | "mistakes" | "hidden" | "seed"> {
  const mistakes: Mistake[] = fixture.hints.map((hint) => ({
    hint,
    answer: () => {
      throw new Error("a known mistake's output comes from the fixture");
    },
  }));
  const cases = (): Case[] =>
    fixture.cases.map((c) => ({
      name: c.name,
      points: c.points,
      args: decode(c.args, `${fixture.id} ${c.name} args`, ctx) as unknown[],
      expected: decode(c.expected, `${fixture.id} ${c.name} expected`, ctx),
      inPlace: c.inPlace,
      mistakeOutputs: c.mistakeOutputs.map((o) => (o === null ? NO_OUTPUT : decode(o, `${fixture.id} ${c.name} mistake`, ctx))),
    }));
  const spec: Pick<ExerciseSpec, "cases" | "mistakes" | "hidden" | "seed"> = { cases, mistakes, seed: fixture.seed };
  if (fixture.hasHidden) spec.hidden = () => [];
  return spec;
}

/** The folder of the edition's fixtures (src/homework/fixtures/, large arrays in its blobs/). */
export const fixturesDir = path.join(__dirname, "fixtures");

/** The saved fixture of exercise `id` (student edition); a clear error when it is missing. */
export function loadFixture(id: string, dir = fixturesDir): Fixture {
  const file = path.join(dir, `${id}.json`);
  if (!fs.existsSync(file)) throw new Error(`no fixture for ${id} (${file}): run \`npm run release\` on the lecturer's side`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Fixture;
}

/** Read a blob of the edition's fixtures (gunzipped); a clear error when it is missing. */
export function blobReader(dir = fixturesDir): (hash: string) => Buffer {
  return (hash) => {
    const file = path.join(dir, "blobs", `${hash}.gz`);
    if (!fs.existsSync(file)) throw new Error(`fixture data ${file} is missing: release the edition again`);
    return gunzipSync(fs.readFileSync(file));
  };
}

/** Save fixtures (one JSON per exercise) and their blobs to `dir`. */
export function writeFixtures(dir: string, fixtures: Fixture[], blobs: Blobs): void {
  fs.mkdirSync(path.join(dir, "blobs"), { recursive: true });
  for (const f of fixtures) fs.writeFileSync(path.join(dir, `${f.id}.json`), JSON.stringify(f) + "\n");
  for (const [h, b] of blobs) fs.writeFileSync(path.join(dir, "blobs", `${h}.gz`), b);
}

/** `exercise({ ...judging, ...fromFixture("hw03-ex2", { d }) })` in a student-edition exercise file. */
export function fromFixture(id: string, scope: { [name: string]: unknown } = {}): Pick<ExerciseSpec, "cases" | "mistakes" | "hidden" | "seed"> {
  return fixtureSpec(loadFixture(id), { scope, readBlob: blobReader() });
}
