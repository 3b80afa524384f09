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
 * Values are saved as grading sends them across (wire.ts: typed arrays and matrices as bytes,
 * non-finite numbers, undefined, a function argument as its source and scope). A large array (a
 * data set) is saved once, gzipped, in fixtures/blobs/<hash>.gz, and named by its hash.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { Rng } from "../core/random";
import { AnyFunction, Case, ExerciseSpec, Mistake, seedOf } from "./check";
import { compareValues, deepCopy } from "./values";
import { decode as wireDecode, encode as wireEncode, Wire } from "./wire";

export type Json = Wire;

/**
 * One visible case as saved: arguments, expected output, and each known mistake's output (null: that mistake threw).
 */
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
  /** Visible cases that could not be saved (an argument that cannot cross, see wire.ts): checked at grading only. */
  leftOut: string[];
  hasHidden: boolean;
}

/** Large arrays saved apart: hash → gzipped bytes. */
export type Blobs = Map<string, Buffer>;

/** Typed arrays of more bytes than this go to a blob when `blobs` is given. */
const BLOB_MIN = 4096;

/** Replace each large typed array of `w` (wire.ts's { $t, b64 }) by { $t, blob: hash }, the bytes into `blobs`. */
function toBlobs(w: Wire, blobs: Blobs): Wire {
  if (w === null || typeof w !== "object") return w;
  if (Array.isArray(w)) return w.map((x) => toBlobs(x, blobs));
  if (typeof w.$t === "string" && typeof w.b64 === "string" && w.b64.length * 0.75 >= BLOB_MIN) {
    const bytes = Buffer.from(w.b64, "base64");
    const hash = createHash("sha256").update(w.$t).update(bytes).digest("hex").slice(0, 24);
    if (!blobs.has(hash)) blobs.set(hash, gzipSync(bytes, { level: 9 }));
    return { $t: w.$t, blob: hash };
  }
  const out: { [k: string]: Wire } = {};
  for (const k of Object.keys(w)) out[k] = toBlobs(w[k], blobs);
  return out;
}

/** The inverse of toBlobs: each { $t, blob } gets its bytes back from `readBlob`. */
function fromBlobs(w: Wire, readBlob: ((hash: string) => Buffer) | undefined, where: string): Wire {
  if (w === null || typeof w !== "object") return w;
  if (Array.isArray(w)) return w.map((x) => fromBlobs(x, readBlob, where));
  if (typeof w.$t === "string" && typeof w.blob === "string") {
    if (!readBlob)
      throw new Error(`fixture ${where}: an array is saved apart (blob ${w.blob}) and no blob folder was given`);
    return { $t: w.$t, b64: readBlob(w.blob).toString("base64") };
  }
  const out: { [k: string]: Wire } = {};
  for (const k of Object.keys(w)) out[k] = fromBlobs(w[k], readBlob, where);
  return out;
}

/**
 * A value as JSON (wire.ts's encoding; with `blobs`, large arrays are put there and named by hash). `where` names it in
 * errors.
 */
export function encode(v: unknown, where = "value", blobs?: Blobs): Json {
  const w = wireEncode(v, where);
  return blobs ? toBlobs(w, blobs) : w;
}

/** How `decode` finds arrays saved apart. */
export interface DecodeContext {
  readBlob?: (hash: string) => Buffer;
}

/** The value that `encode` saved (functions come back with the course's exports in scope, as wire.ts rebuilds them). */
export function decode(j: Json, where = "value", ctx: DecodeContext = {}): unknown {
  return wireDecode(fromBlobs(j, ctx.readBlob, where));
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
    if (!spec.reference)
      return JSON.stringify(encode(args)) === JSON.stringify(encode(decode(saved.args, "args", ctx)));
    const o = run(spec.reference, args);
    return (
      o.ok &&
      compareValues(
        outputOf(spec, o, saved.inPlace),
        decode(saved.expected, "expected", ctx),
        spec.tolerance ?? 1e-6,
      ) === null
    );
  } catch {
    return false;
  }
}

/**
 * The fixture of an exercise (lecturer's side, at release): its visible cases with expected outputs
 * and the known mistakes' outputs. A case whose arguments do not work after saving (a function that
 * uses names it does not carry, see wire.ts's `portable`; or a value that cannot be saved) is left out
 * and named in `leftOut`. With `blobs`, large arrays go there.
 */
export function makeFixture(spec: ExerciseSpec, blobs?: Blobs): Fixture {
  const seed = spec.seed ?? seedOf(spec.id);
  const fixture: Fixture = {
    id: spec.id,
    title: spec.title,
    seed,
    hints: (spec.mistakes ?? []).map((m) => m.hint),
    cases: [],
    leftOut: [],
    hasHidden: !!spec.hidden,
  };
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
    let saved: FixtureCase;
    try {
      const mistakeOutputs = (spec.mistakes ?? []).map((m) => {
        const o = run(m.answer, c.args);
        try {
          return o.ok ? encode(outputOf(spec, o, inPlace), `${where}, mistake output`, mine) : null;
        } catch {
          return null; // a mistake's output that cannot be saved gives no hint in the edition
        }
      });
      saved = {
        name: c.name,
        points: c.points ?? 1,
        args: encode(c.args, `${where}, args`, mine),
        expected: encode(expected, `${where}, expected`, mine),
        inPlace,
        mistakeOutputs,
      };
    } catch {
      fixture.leftOut.push(c.name);
      continue;
    }
    if (roundTrips(spec, saved, { readBlob: read })) fixture.cases.push(saved);
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
export function fixtureSpec(
  fixture: Fixture,
  ctx: DecodeContext = {},
): Pick<ExerciseSpec, "cases" | "mistakes" | "hidden" | "seed"> {
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
      mistakeOutputs: c.mistakeOutputs.map((o) =>
        o === null ? NO_OUTPUT : decode(o, `${fixture.id} ${c.name} mistake`, ctx),
      ),
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
  if (!fs.existsSync(file))
    throw new Error(`no fixture for ${id} (${file}): run \`npm run release\` on the lecturer's side`);
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

/** `exercise({ ...fromFixture("hw03-ex2"), ...judging })` in a student-edition exercise file. */
export function fromFixture(id: string): Pick<ExerciseSpec, "cases" | "mistakes" | "hidden" | "seed"> {
  return fixtureSpec(loadFixture(id), { readBlob: blobReader() });
}
