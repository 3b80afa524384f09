/**
 * Exercises and their checks.
 *
 * `exercise(spec)` registers an exercise: a reference implementation, seeded cases (visible ones
 * and hidden ones for grading) and known mistakes with their hints. `check(id, fn)` runs the
 * student's function on the visible cases, `checkHidden(id, fn, { seed })` on the hidden ones;
 * each prints one line per case (✓ or ✗ with points), and on a failure what was expected and what
 * came back (shape and a few values) and a hint. A check never throws: an unfinished stub says
 * "not done yet", a student's exception is reported with the student's message and line.
 * `summary()` prints the points so far. `runCheck` does the same work silently and returns the
 * result (for tests).
 */
import { Rng } from "../core/random";
import { diagnose } from "./diagnose";
import { isNotDoneYet } from "./notDone";
import { emitCellValue, takeGraderLink } from "./report";
import { describeStudentError } from "./studentError";
import { forbid } from "./forbidden";
import { guardedCall } from "./guardedCall";
import * as byGraderModule from "./byGrader";
import { compareValues, deepCopy, describe } from "./values";
import { decode, encode, Wire } from "./wire";

const grader = takeGraderLink();
// Taken at load, before a student's cell can replace them.
const now = Date.now;
const { servedTime, callsInProgress, afterCutOff } = byGraderModule;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

/** One case: the arguments the student's function is called with, and its points. */
export interface Case {
  name: string;
  args: unknown[];
  /** Default 1. */
  points?: number;
  /** The expected value, when given by hand instead of by the reference. */
  expected?: unknown;
  /**
   * Student edition (src/homework/fixtures.ts): the saved reference returned nothing, so its arguments are compared.
   */
  inPlace?: boolean;
  /** Student edition: each known mistake's saved output on this case, in the order of spec.mistakes. */
  mistakeOutputs?: unknown[];
  /**
   * Its arguments hold course code that answers another exercise (a backprop handed to a gradient check): never
   * saved into the student edition's fixtures; checked at grading only.
   */
  gradingOnly?: boolean;
}

/** A known wrong answer: when the student's result equals this function's result, `hint` is printed. */
export interface Mistake {
  hint: string;
  answer: AnyFunction;
}

export interface ExerciseSpec {
  /** "hwNN-exK". */
  id: string;
  title: string;
  /** The course's own implementation; omitted for bar checks (then `compare` judges the student's value alone). */
  reference?: AnyFunction;
  /** The visible cases, built from an Rng seeded with `seed` (default: a hash of the id). */
  cases: (rng: Rng) => Case[];
  /** The hidden cases, built from the Rng of checkHidden's seed. */
  hidden?: (rng: Rng) => Case[];
  mistakes?: Mistake[];
  /** null when `got` is right, else the message; default: deep numeric comparison with `tolerance`. */
  compare?: (got: unknown, expected: unknown, args: unknown[]) => string | null;
  /** Relative tolerance of the default comparison (default 1e-6; at least 1e-4 where float32 is involved). */
  tolerance?: number;
  /**
   * What is compared, from a function's return value and its (possibly updated) arguments.
   * Default: the return value; when the reference returns nothing (an in-place update), the arguments.
   */
  output?: (returned: unknown, args: unknown[]) => unknown;
  /** Seed of the visible cases. */
  seed?: number;
  /**
   * The course functions this exercise asks the student to write (exports of src/index.ts): not
   * available to the student's function while it is checked (src/homework/forbidden.ts).
   */
  writes?: readonly string[];
  /**
   * Time limit of one call of the student's function, in seconds (default CALL_LIMIT_MS; experiments that train need
   * more).
   */
  timeLimit?: number;
}

export type CaseStatus = "passed" | "failed" | "not done" | "error" | "check error";

export interface CaseResult {
  name: string;
  points: number;
  max: number;
  status: CaseStatus;
  /** What is wrong (null when passed). */
  message: string | null;
  expected: string | null;
  got: string | null;
  hints: string[];
}

export interface CheckResult {
  id: string;
  title: string;
  kind: "visible" | "hidden";
  seed: number;
  points: number;
  max: number;
  /** passed: every case; not done: the stub; failed: anything else (including errors). */
  status: "passed" | "failed" | "not done" | "unknown exercise" | "check error";
  cases: CaseResult[];
  /** The first failing case's message, for the gradebook. */
  firstFailure: string | null;
}

const registry = new Map<string, ExerciseSpec>();

/** Register an exercise (called by the spec files in src/homework/exercises/). */
export function exercise(spec: ExerciseSpec): ExerciseSpec {
  if (!/^[A-Za-z0-9_-]+$/.test(spec.id))
    throw new Error(`exercise: id "${spec.id}" must be letters, digits, - and _ only`);
  if (registry.has(spec.id) && registry.get(spec.id) !== spec)
    throw new Error(`exercise: the id "${spec.id}" is registered twice`);
  registry.set(spec.id, spec);
  return spec;
}

/** The registered exercise, or undefined. */
export function getExercise(id: string): ExerciseSpec | undefined {
  return registry.get(id);
}

/** All registered ids, sorted. */
export function exerciseIds(): string[] {
  return [...registry.keys()].sort();
}

/** A seed from the id (FNV-1a), so each exercise's visible cases are fixed. */
export function seedOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function message(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** A call's outcome: its value and (possibly updated) arguments, or what it threw. */
export interface Outcome {
  ok: boolean;
  value: unknown;
  args: unknown[];
  error: unknown;
  /** The student's error already put in words (an outcome replayed from a graded kernel). */
  errorText?: string;
  /** The call was cut off: its time limit, or an interrupt (■). */
  stopped?: "timeout" | "interrupted" | null;
}

/**
 * How a check gets the student's outcome of a case: by calling the function (in the kernel, under
 * guard) or, when grading, by replaying what the student's kernel sent back.
 */
export type StudentCaller = (args: unknown[], index: number) => Outcome;

/** Default time limit of one call of a student's function, and of a whole check (ms). */
export const CALL_LIMIT_MS = 30_000;
export const CHECK_LIMIT_MS = 120_000;

/**
 * The limits of one check of `spec`: its own call limit (timeLimit) or the default, and a check limit that fits four
 * calls.
 */
export function limitsOf(
  spec: ExerciseSpec | undefined,
  given: { callMs?: number; checkMs?: number } = {},
): { callMs: number; checkMs: number } {
  const callMs = given.callMs ?? (spec?.timeLimit ? spec.timeLimit * 1000 : CALL_LIMIT_MS);
  return { callMs, checkMs: given.checkMs ?? Math.max(CHECK_LIMIT_MS, 4 * callMs) };
}

function call(fn: AnyFunction, args: unknown[]): Outcome {
  const copy = deepCopy(args);
  try {
    const value = fn(...copy);
    return { ok: true, value, args: copy, error: null };
  } catch (error) {
    return { ok: false, value: undefined, args: copy, error };
  }
}

// ── Grading a class: each case and its references' outcomes computed once ───────────────────────────
// The grader judges every student's outcomes on the same cases (one seed per exercise and kind), so the
// cases, the reference's outcome on each and the known mistakes' outcomes are the same for every
// student: with rememberReferences() they are computed once per grading run, not once per notebook
// (an experiment's reference trains a model). Only the grader's own code sees them (the student's
// outcomes are replayed there), and each use takes a copy, so nothing a check does to them carries over.
let remembered: Map<string, Case[]> | null = null;
const outcomesOf = new WeakMap<Case, Map<string, Outcome>>();

/** Keep cases and reference outcomes for the rest of this process (the grader: scripts/homework/grading/results.ts). */
export function rememberReferences(): void {
  remembered ??= new Map();
}

/** `call(fn, c.args)`, computed once per case and `key` while references are remembered; a fresh copy each time. */
function callOnCase(key: string, fn: AnyFunction, c: Case): Outcome {
  if (remembered === null) return call(fn, c.args);
  let mine = outcomesOf.get(c);
  if (!mine) outcomesOf.set(c, (mine = new Map()));
  let o = mine.get(key);
  if (!o) mine.set(key, (o = call(fn, c.args)));
  return o.ok ? { ...o, value: deepCopy(o.value), args: deepCopy(o.args) } : o;
}

/** casesOf, once per (exercise, kind, seed) while references are remembered. */
function casesFor(spec: ExerciseSpec, options: { hidden?: boolean; seed: number }): Case[] {
  if (remembered === null) return casesOf(spec, options);
  const key = `${spec.id}\u0000${options.hidden ? "hidden" : "visible"}\u0000${options.seed}`;
  let cases = remembered.get(key);
  if (!cases) remembered.set(key, (cases = casesOf(spec, options)));
  return cases;
}

/** Attempts of one call cut off while the grader computed for it (guardedCaller), at most. */
export const SERVED_ATTEMPTS = 4;

/**
 * The student's function called under guard (own time limit, interrupt, no process.exit), on a copy of the arguments.
 *
 * The limits are the student's own time: the time the kernel waits for the grader (byGrader.ts: in a rerun,
 * a function that stopped the kernel is computed by the grader, one round trip between two processes per
 * call and per callback, slow on a loaded machine) is not counted. A call cut off while it waited for
 * the grader runs again on a fresh copy with four times that wait added to its limit (the cut-off call had
 * not finished: hw02-ex4 under load needed about three times its first attempt's wait), until its own time
 * (wall-clock less the wait) reaches the limit: an endless loop after a served call still ends after one
 * limit of its own and one attempt more. The channel to the grader is reset after a call cut off inside
 * it (byGrader.ts, afterCutOff).
 */
export function guardedCaller(
  fn: AnyFunction,
  limits: { callMs?: number; checkMs?: number } = {},
  forbidden: { id: string; names: readonly string[] } | null = null,
): StudentCaller {
  const started = now();
  let excused = 0; // ms of this check that were the grader's (waits, and attempts cut off during one)
  const callMs = limits.callMs ?? CALL_LIMIT_MS;
  return (args) => {
    const restore = forbidden ? forbid(forbidden.id, forbidden.names) : () => {};
    let o: ReturnType<typeof guardedCall>;
    let copy: unknown[];
    try {
      for (let attempt = 1, extra = 0; ; attempt++) {
        copy = deepCopy(args);
        const left = (limits.checkMs ?? CHECK_LIMIT_MS) - (now() - started - excused);
        const [t0, w0, calls] = [now(), servedTime(), callsInProgress()];
        const own = Math.max(1, Math.min(callMs, left)); // (the student's time: the grader's waits come on top)
        o = guardedCall(fn, copy, own + extra);
        const [took, waited] = [now() - t0, servedTime() - w0];
        if (o.stopped) afterCutOff(calls); // (cut off inside a call to the grader: the next one resets the channel)
        const again = o.stopped === "timeout" && waited > 0 && took - waited < own;
        if (!again || attempt >= SERVED_ATTEMPTS) {
          excused += waited;
          break;
        }
        excused += took;
        extra = 4 * waited;
      }
    } finally {
      restore();
    }
    return { ok: o.ok, value: o.value, args: copy, error: o.error, stopped: o.stopped };
  };
}

function outputOf(
  spec: ExerciseSpec,
  o: { value: unknown; args: unknown[] },
  referenceReturnsNothing: boolean,
): unknown {
  if (spec.output) return spec.output(o.value, o.args);
  return referenceReturnsNothing ? o.args : o.value;
}

function compareWith(spec: ExerciseSpec, got: unknown, expected: unknown, args: unknown[]): string | null {
  try {
    return spec.compare ? spec.compare(got, expected, args) : compareValues(got, expected, spec.tolerance ?? 1e-6);
  } catch (e) {
    return `your result could not be checked (${message(e)}); it was ${describe(got)}`;
  }
}

/** Does the student's value equal what a known mistake gives on this case? */
function matchesMistake(
  spec: ExerciseSpec,
  mistake: Mistake,
  got: unknown,
  c: Case,
  j: number,
  referenceReturnsNothing: boolean,
): boolean {
  const args = c.args;
  let wrong: unknown;
  if (c.mistakeOutputs) {
    wrong = c.mistakeOutputs[j];
    if (typeof wrong === "symbol") return false;
  } else {
    const o = callOnCase(`mistake ${j}`, mistake.answer, c);
    if (!o.ok) return false;
    try {
      wrong = outputOf(spec, o, referenceReturnsNothing);
    } catch {
      return false;
    }
  }
  try {
    if (compareValues(got, wrong, spec.tolerance ?? 1e-6) === null) return true;
    return !!(spec.compare && (spec.reference || c.mistakeOutputs) && spec.compare(got, wrong, args) === null);
  } catch {
    return false;
  }
}

function runCase(
  spec: ExerciseSpec,
  c: Case,
  student: StudentCaller,
  index: number,
  fn: AnyFunction | null,
  previousError: string | null,
): CaseResult {
  const max = c.points ?? 1;
  const base: CaseResult = {
    name: c.name,
    points: 0,
    max,
    status: "failed",
    message: null,
    expected: null,
    got: null,
    hints: [],
  };
  // The expected value (or none, for a bar check).
  let expected: unknown = c.expected;
  let referenceReturnsNothing = c.inPlace === true;
  if (c.expected === undefined && spec.reference) {
    const r = callOnCase("reference", spec.reference, c);
    if (!r.ok)
      return {
        ...base,
        status: "check error",
        message: `the check itself failed (${message(r.error)}): this is not your fault, tell your lecturer`,
      };
    referenceReturnsNothing = r.value === undefined && !spec.output;
    expected = outputOf(spec, r, referenceReturnsNothing);
  }
  // The student's value.
  const s = student(c.args, index);
  if (!s.ok) {
    if (s.stopped) return { ...base, status: "error", message: stoppedText(s.stopped) };
    if (s.errorText === undefined && isNotDoneYet(s.error))
      return { ...base, status: "not done", message: "not done yet" };
    if (s.errorText === NOT_DONE) return { ...base, status: "not done", message: "not done yet" };
    const text = s.errorText ?? describeStudentError(s.error, fn ?? undefined);
    return {
      ...base,
      status: "error",
      message: text === previousError ? `${text.split("\n")[0]} (as above)` : `your code threw ${text}`,
    };
  }
  let got: unknown;
  try {
    got = outputOf(spec, s, referenceReturnsNothing);
  } catch (e) {
    return { ...base, message: `your result could not be read (${message(e)})`, got: describe(s.value) };
  }
  const msg = compareWith(spec, got, expected, c.args);
  if (msg === null) return { ...base, points: max, status: "passed" };
  const result: CaseResult = { ...base, message: msg, got: describe(got) };
  if (spec.reference || c.expected !== undefined) result.expected = describe(expected);
  (spec.mistakes ?? []).forEach((m, j) => {
    if (matchesMistake(spec, m, got, c, j, referenceReturnsNothing)) result.hints.push(m.hint);
  });
  if (result.hints.length === 0 && (spec.reference || c.expected !== undefined)) {
    result.hints.push(...diagnose(got, expected, c.args, spec.tolerance ?? 1e-6));
  }
  return result;
}

/** The errorText of a replayed outcome whose function was the stub. */
export const NOT_DONE = "\u0000not done yet";

function stoppedText(stopped: "timeout" | "interrupted"): string {
  return stopped === "timeout"
    ? "your function ran out of time on this case (an endless loop? it is stopped after its time limit); the check stopped here"
    : "interrupted (■): the check stopped here";
}

let running = false;

/**
 * Run an exercise's visible cases (or, with `hidden`, its hidden cases from `seed`) on `fn` and
 * return the result without printing. Never throws.
 */
export function runCheck(id: string, fn: AnyFunction, options: CheckOptions = {}): CheckResult {
  const writes = registry.get(id)?.writes ?? [];
  const limits = limitsOf(registry.get(id), options);
  return runCheckWith(
    id,
    typeof fn === "function" ? guardedCaller(fn, limits, { id, names: writes }) : null,
    options,
    typeof fn === "function" ? fn : null,
    fn,
  );
}

export interface CheckOptions {
  hidden?: boolean;
  seed?: number;
  /** Time limit of one call of the student's function, and of the whole check (ms). */
  callMs?: number;
  checkMs?: number;
}

/** The cases of exercise `id` (visible, or hidden from `seed`), as the check builds them. */
export function casesOf(spec: ExerciseSpec, options: { hidden?: boolean; seed?: number }): Case[] {
  const seed = options.seed ?? spec.seed ?? seedOf(spec.id);
  return options.hidden ? (spec.hidden ? spec.hidden(new Rng(seed)) : []) : spec.cases(new Rng(seed));
}

/**
 * runCheck with the student's outcomes from `student` (a guarded call in the kernel, or outcomes
 * replayed by the grader). `fn` is the student's function when it is at hand (for error lines).
 */
export function runCheckWith(
  id: string,
  student: StudentCaller | null,
  options: CheckOptions,
  fn: AnyFunction | null = null,
  given: unknown = fn,
): CheckResult {
  const kind = options.hidden ? "hidden" : "visible";
  const spec = registry.get(id);
  const seed = options.seed ?? spec?.seed ?? seedOf(id);
  const result: CheckResult = {
    id,
    title: spec?.title ?? id,
    kind,
    seed,
    points: 0,
    max: 0,
    status: "failed",
    cases: [],
    firstFailure: null,
  };
  if (!spec) {
    result.status = "unknown exercise";
    result.firstFailure = `no exercise "${id}" is registered (known: ${exerciseIds().join(", ") || "none"})`;
    return result;
  }
  if (student === null) {
    result.firstFailure = `expected your function, got ${describe(given)}`;
    return result;
  }
  let cases: Case[];
  try {
    cases = casesFor(spec, { ...options, seed });
  } catch (e) {
    result.status = "check error";
    result.firstFailure = `the cases could not be built (${message(e)}): tell your lecturer`;
    return result;
  }
  result.max = cases.reduce((s, c) => s + (c.points ?? 1), 0);
  let previousError: string | null = null;
  for (let i = 0; i < cases.length; i++) {
    let r: CaseResult;
    try {
      r = runCase(spec, cases[i], student, i, fn, previousError);
    } catch (e) {
      // Only a result that breaks when looked at gets here (a Proxy, a getter that throws…).
      const c = cases[i];
      r = {
        name: c.name,
        points: 0,
        max: c.points ?? 1,
        status: "error",
        message: `your result could not be inspected (${message(e)})`,
        expected: null,
        got: null,
        hints: [],
      };
    }
    result.cases.push(r);
    if (r.status === "not done") {
      // The stub throws on every case: say it once.
      for (const c of cases.slice(i + 1))
        result.cases.push({
          name: c.name,
          points: 0,
          max: c.points ?? 1,
          status: "not done",
          message: "not done yet",
          expected: null,
          got: null,
          hints: [],
        });
      break;
    }
    if (r.status === "error" && /the check stopped here$/.test(r.message ?? "")) {
      for (const c of cases.slice(i + 1))
        result.cases.push({
          name: c.name,
          points: 0,
          max: c.points ?? 1,
          status: "error",
          message: "not run: the check stopped at an earlier case",
          expected: null,
          got: null,
          hints: [],
        });
      break;
    }
    if (r.status === "error") previousError = r.message?.replace(/^your code threw /, "") ?? null;
  }
  result.points = result.cases.reduce((s, c) => s + c.points, 0);
  const failing = result.cases.find((c) => c.status !== "passed");
  result.firstFailure = failing ? `${failing.name}: ${failing.message}` : null;
  if (result.cases.length > 0 && result.cases.every((c) => c.status === "not done")) {
    result.status = "not done";
    result.firstFailure = "not done yet";
  } else if (result.cases.some((c) => c.status === "check error")) result.status = "check error";
  else result.status = failing ? "failed" : "passed";
  return result;
}

function indent(text: string, pad: string): string {
  return text
    .split("\n")
    .map((l) => pad + l.trimStart())
    .join("\n");
}

/** The printed report of a check. */
export function formatResult(r: CheckResult): string {
  const lines: string[] = [];
  const what = r.kind === "hidden" ? " · hidden tests" : "";
  lines.push(`${r.id} · ${r.title}${what}`);
  if (r.status === "unknown exercise" || (r.cases.length === 0 && r.firstFailure)) {
    lines.push(`  ✗ ${r.firstFailure}`);
    return lines.join("\n");
  }
  if (r.status === "not done") {
    lines.push(
      `  … not done yet (0/${r.max}): replace \`throw new hw.NotDoneYet();\` in your function with your code, run that cell, then this one.`,
    );
    return lines.join("\n");
  }
  for (const c of r.cases) {
    if (c.status === "passed") {
      lines.push(`  ✓ ${c.name} (${c.points}/${c.max})`);
      continue;
    }
    if (c.status === "not done") {
      lines.push(`  … ${c.name} (0/${c.max}): not done yet`);
      continue;
    }
    const [first, ...rest] = (c.message ?? "").split("\n");
    lines.push(`  ✗ ${c.name} (0/${c.max}): ${first}`);
    for (const l of rest) lines.push(indent(l, "      "));
    if (c.expected !== null) lines.push(`      expected: ${c.expected}`);
    if (c.got !== null) lines.push(`      got:      ${c.got}`);
    for (const h of c.hints) lines.push(`      Hint: ${h}`);
  }
  const after =
    r.kind === "visible" && getExercise(r.id)?.hidden
      ? " (when your work is graded, hidden cases add more points)"
      : "";
  lines.push(`  → ${r.points}/${r.max} points${after}`);
  return lines.join("\n");
}

/** The latest visible and hidden result of each exercise checked in this kernel. */
const latest = new Map<string, { visible?: CheckResult; hidden?: CheckResult }>();

/** One case's outcome as the kernel sends it to the grader (values as data). */
export interface SentOutcome {
  ok: boolean;
  value?: Wire;
  /** The arguments after the call, unless they are as sent (`argsSame`: the grader uses its own copy). */
  args?: Wire;
  argsSame?: boolean;
  /** The student's error in words (NOT_DONE for the stub). */
  error?: string;
  stopped?: "timeout" | "interrupted" | null;
}

/** Under grading: the exercises whose function ran out of time on a case (each has spent its one whole call). */
const ranOutOfTime = new Set<string>();

/**
 * An exercise's limits under grading (calls.ts, BUDGET): its visible and hidden checks together may spend
 * one call's whole limit, the case it loops on; every other call has the rest of the check's budget (50 ×
 * the reference's time on the other cases, at least a second). So once the visible check has run out of
 * time, the hidden check has only that rest: a function that loops on every case costs one call's limit
 * and the rest, not two whole calls (a check of cheap cases: 2 s and 1 s instead of 2 s twice; an
 * experiment with one case per check saves little, its rest being ~50 × that case), while a function that
 * looped on one visible case only still runs on the hidden ones with as much time per case as the others.
 */
export function limitsAfter(
  given: { callMs?: number; checkMs?: number },
  spentWholeCall: boolean,
): { callMs?: number; checkMs?: number } {
  if (!spentWholeCall || given.callMs === undefined || given.checkMs === undefined) return given;
  const checkMs = Math.max(1, given.checkMs - given.callMs);
  return { callMs: Math.min(given.callMs, checkMs), checkMs };
}

/**
 * Under grading: call the student's function on the grader's arguments (under guard) and send the
 * outcomes; nothing is judged here. Stops at the stub, a time-out or an interrupt.
 */
function sendOutcomes(
  id: string,
  kind: "visible" | "hidden",
  fn: AnyFunction,
  argsList: Wire[][],
  writes: readonly string[],
): void {
  const limits = limitsAfter(grader?.limits(id) ?? {}, ranOutOfTime.has(id));
  const outcomes: SentOutcome[] = [];
  if (typeof fn !== "function") {
    grader?.send({ id, kind, notFunction: describe(fn), outcomes });
    console.log(`${id}: expected your function, got ${describe(fn)}`);
    return;
  }
  const student = guardedCaller(fn, limits, { id, names: writes });
  for (let i = 0; i < argsList.length; i++) {
    let o: Outcome;
    let before: Wire;
    try {
      const args = decode(argsList[i]) as unknown[];
      before = encode(args, "the case's arguments"); // (the student's function gets a copy: these stay as sent)
      o = student(args, i);
    } catch (e) {
      outcomes.push({ ok: false, error: `the case's arguments could not be rebuilt (${message(e)})` });
      continue;
    }
    if (!o.ok) {
      const error = o.stopped ? "" : isNotDoneYet(o.error) ? NOT_DONE : describeStudentError(o.error, fn);
      outcomes.push({ ok: false, error, stopped: o.stopped ?? null });
      if (o.stopped === "timeout") ranOutOfTime.add(id);
      if (o.stopped || error === NOT_DONE) break;
      continue;
    }
    try {
      outcomes.push(sentOutcome(o.value, o.args, before));
    } catch (e) {
      outcomes.push({ ok: false, error: `your result could not be read (${message(e)})` });
    }
  }
  grader?.send({ id, kind, outcomes });
  console.log(
    `${id}${kind === "hidden" ? " · hidden tests" : ""}: your function ran on ${outcomes.length} case${outcomes.length === 1 ? "" : "s"}; the grader compares the results.`,
  );
}

// Taken at load, before any student cell can replace them.
const isArray = Array.isArray;
const keysOf = Object.keys;

/** Are two values as data (wire.ts) the same: equal strings, numbers and booleans, in the same shapes? */
export function sameWire(a: Wire, b: Wire): boolean {
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (isArray(a) !== isArray(b)) return false;
  const ka = keysOf(a);
  const kb = keysOf(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++)
    if (ka[i] !== kb[i] || !sameWire((a as Record<string, Wire>)[ka[i]], (b as Record<string, Wire>)[kb[i]]))
      return false;
  return true;
}

/**
 * What the kernel sends for a call that returned: the value, and the arguments after the call only when
 * they differ from those before it (`before`, as encoded); unchanged ones (most cases: hw05's are MNIST
 * datasets of ~17 MB as data) are marked `argsSame` and not sent back.
 */
export function sentOutcome(value: unknown, argsAfter: unknown[], before: Wire): SentOutcome {
  const sent = encode(value, "your result");
  const after = encode(argsAfter, "the arguments after your call");
  return sameWire(after, before) ? { ok: true, value: sent, argsSame: true } : { ok: true, value: sent, args: after };
}

/** The grader's replay of the outcomes a kernel sent: the StudentCaller of runCheckWith. */
export function replayCaller(outcomes: SentOutcome[]): StudentCaller {
  return (args, index) => {
    const o = outcomes[index];
    if (!o)
      return {
        ok: false,
        value: undefined,
        args,
        error: null,
        errorText: "no result came back for this case (the kernel stopped?)",
      };
    if (!o.ok)
      return { ok: false, value: undefined, args, error: null, errorText: o.error ?? "", stopped: o.stopped ?? null };
    const after = o.argsSame === true ? deepCopy(args) : decode(o.args ?? null);
    return { ok: true, value: decode(o.value ?? null), args: after as unknown[], error: null };
  };
}

/**
 * Runs and prints a check; returns the exercise's points in this kernel (null under grading: nothing is judged here).
 */
function runAndPrint(id: string, fn: AnyFunction, options: { hidden?: boolean; seed?: number }): number | null {
  try {
    if (running) {
      console.log(`(hw.check("${id}", …) called while another check runs: ignored)`);
      return 0;
    }
    running = true;
    // A check cut off by an interrupt skips its finally; the flag is cleared on the next turn of the
    // event loop all the same (a check called from inside a check runs synchronously before that).
    setImmediate(() => (running = false));
    const kind = options.hidden ? "hidden" : "visible";
    const sent = grader?.args(id, kind) ?? null;
    if (sent) {
      try {
        sendOutcomes(id, kind, fn, sent, grader?.writes(id) ?? []);
      } finally {
        running = false;
      }
      return null;
    }
    let r: CheckResult;
    try {
      r = runCheck(id, fn, options);
    } finally {
      running = false;
    }
    const entry = latest.get(id) ?? {};
    entry[r.kind] = r;
    latest.set(id, entry);
    console.log(formatResult(r));
    return (entry.visible?.points ?? 0) + (r.kind === "hidden" ? r.points : 0);
  } catch (e) {
    try {
      console.log(`${id}: the check could not run (${message(e)}): this is not your fault, tell your lecturer`);
    } catch {
      /* nothing left to do */
    }
    return 0;
  }
}

/**
 * Check `fn` on exercise `id`'s visible cases; prints one line per case. Never throws. The points
 * become the check cell's value (Out[n], an execute_result): nbgrader's autograde takes a check
 * cell's numeric value as its partial credit (utils.determine_grade), the same points as `npm run grade`.
 */
export function check(id: string, fn: AnyFunction): void {
  const points = runAndPrint(id, fn, {});
  if (points !== null) emitCellValue(points);
}

/**
 * Check `fn` on exercise `id`'s hidden cases, made from `seed` (the grader's cells call this). Never
 * throws. The cell's value becomes the exercise's points in this kernel: the latest visible check's plus these.
 */
export function checkHidden(id: string, fn: AnyFunction, options: { seed: number }): void {
  const points = runAndPrint(id, fn, { hidden: true, seed: options?.seed });
  if (points !== null) emitCellValue(points);
}

/** The exercises of the notebooks checked so far (same "hwNN" prefix as a checked id). */
function exercisesInView(prefix?: string): string[] {
  const prefixes = prefix ? [prefix] : [...new Set([...latest.keys()].map((id) => id.replace(/-ex.*$/, "")))];
  return exerciseIds().filter((id) => prefixes.some((p) => id === p || id.startsWith(p + "-")));
}

/**
 * Print the points so far of this notebook's exercises (the latest check of each). `prefix`
 * ("hw03") picks the notebook; by default, every notebook with a check run in this kernel.
 * Never throws.
 */
export function summary(prefix?: string): void {
  try {
    const ids = exercisesInView(prefix);
    if (ids.length === 0) {
      console.log("Homework summary: no exercise checked yet.");
      return;
    }
    let points = 0;
    let max = 0;
    let unchecked = 0;
    const lines = ["Homework summary"];
    const width = Math.max(...ids.map((id) => id.length));
    for (const id of ids) {
      const e = latest.get(id);
      const title = registry.get(id)?.title ?? "";
      if (!e || (!e.visible && !e.hidden)) {
        unchecked++;
        lines.push(`  ${id.padEnd(width)}  ${"–".padStart(7)}  not checked yet  ${title}`);
        continue;
      }
      let p = 0;
      let m = 0;
      let state = "";
      for (const r of [e.visible, e.hidden]) {
        if (!r) continue;
        p += r.points;
        m += r.max;
        state = state || (r.status === "passed" ? "✓" : r.status === "not done" ? "not done yet" : "✗");
        if (r.status !== "passed" && state === "✓") state = r.status === "not done" ? "not done yet" : "✗";
      }
      points += p;
      max += m;
      lines.push(`  ${id.padEnd(width)}  ${`${p}/${m}`.padStart(7)}  ${state.padEnd(15)}  ${title}`);
    }
    lines.push(
      `  Points so far: ${points}/${max}${unchecked ? ` (${unchecked} exercise${unchecked > 1 ? "s" : ""} not checked yet)` : ""}.`,
    );
    console.log(lines.join("\n"));
  } catch (e) {
    console.log(`Homework summary could not be made (${message(e)})`);
  }
}

/** Forget the results of this kernel (the grader starts each notebook afresh; tests too). */
export function resetResults(): void {
  latest.clear();
}
