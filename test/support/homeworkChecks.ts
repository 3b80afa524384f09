/**
 * Helpers for the per-chapter homework tests: run an exercise's check on a function and assert
 * that a correct answer gets every point and a wrong answer gets none on the cases it breaks,
 * with the hint that names its mistake printed and no stack trace from src/ in the report.
 */
import assert from "node:assert/strict";
import { AnyFunction, check, CheckResult, formatResult, runCheck } from "../../src/homework/check";

/** The seeds of the hidden cases the tests try (the masters use 90210). */
export const HIDDEN_SEEDS = [90210, 7];

/** What `check` prints, captured from the console. */
export function printed(id: string, fn: AnyFunction): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    check(id, fn);
  } finally {
    console.log = log;
  }
  return lines.join("\n");
}

/** One check run (visible cases, or hidden cases of a seed): its result and the report `check` prints. */
export function run(id: string, fn: AnyFunction, hidden: number | null): { r: CheckResult; text: string } {
  const r = runCheck(id, fn, hidden === null ? {} : { hidden: true, seed: hidden });
  const text = formatResult(r);
  if (process.env.HW_DUMP) console.error(text);
  return { r, text };
}

/** A correct answer gets every point, visible and hidden (each seed of HIDDEN_SEEDS). */
export function fullMarks(id: string, fn: AnyFunction): void {
  for (const hidden of [null, ...HIDDEN_SEEDS]) {
    const { r, text } = run(id, fn, hidden);
    assert.ok(r.max > 0, `${id}: no points to earn`);
    assert.equal(r.points, r.max, `${id} ${hidden === null ? "visible" : `hidden ${hidden}`}:\n${text}`);
  }
}

/**
 * A wrong answer: 0 points on every case whose name contains one of `failing` (all cases when
 * omitted; at least one must match), fewer than full marks, the report contains `hint` (also as
 * `check` prints it, for visible cases), and no stack trace from src/ leaks into it.
 */
export function wrongAnswer(id: string, fn: AnyFunction, o: { hint: RegExp; failing?: string[]; hidden?: boolean }): void {
  const seed = o.hidden ? HIDDEN_SEEDS[0] : null;
  const { r, text } = run(id, fn, seed);
  const relevant = r.cases.filter((c) => !o.failing || o.failing.some((f) => c.name.includes(f)));
  assert.ok(relevant.length > 0, `${id}: no case matches ${o.failing}\n${text}`);
  for (const c of relevant) assert.equal(c.points, 0, `${id}: the wrong answer got points on "${c.name}"\n${text}`);
  assert.ok(r.points < r.max, `${id}: full marks for a wrong answer\n${text}`);
  assert.match(text, o.hint, `${id}: the hint is missing\n${text}`);
  assert.doesNotMatch(text, /at .*src\/\w+\/.*\.ts:\d+/, `${id}: a stack trace from src/ leaked into the report\n${text}`);
  if (seed === null) assert.match(printed(id, fn), o.hint, `${id}: check() does not print the hint`);
}
