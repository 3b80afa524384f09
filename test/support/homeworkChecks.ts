/**
 * Helpers for the per-chapter homework tests: run an exercise's check on a function and assert
 * that a correct answer gets every point and a wrong answer gets none on the cases it breaks,
 * with the hint that names its mistake printed and no stack trace from src/ in the report.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Rng } from "../../src/core/random";
import {
  AnyFunction,
  check,
  CheckResult,
  exerciseIds,
  formatResult,
  getExercise,
  runCheck,
  seedOf,
} from "../../src/homework/check";

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
export function wrongAnswer(
  id: string,
  fn: AnyFunction,
  o: { hint: RegExp; failing?: string[]; hidden?: boolean },
): void {
  const seed = o.hidden ? HIDDEN_SEEDS[0] : null;
  const { r, text } = run(id, fn, seed);
  const relevant = r.cases.filter((c) => !o.failing || o.failing.some((f) => c.name.includes(f)));
  assert.ok(relevant.length > 0, `${id}: no case matches ${o.failing}\n${text}`);
  for (const c of relevant) assert.equal(c.points, 0, `${id}: the wrong answer got points on "${c.name}"\n${text}`);
  assert.ok(r.points < r.max, `${id}: full marks for a wrong answer\n${text}`);
  assert.match(text, o.hint, `${id}: the hint is missing\n${text}`);
  assert.doesNotMatch(
    text,
    /at .*src\/\w+\/.*\.ts:\d+/,
    `${id}: a stack trace from src/ leaked into the report\n${text}`,
  );
  if (seed === null) assert.match(printed(id, fn), o.hint, `${id}: check() does not print the hint`);
}

/**
 * The layout of a chapter's master notebook (`prefix` "hw05", `file` its path): every cell with
 * nbgrader metadata and unique grade_id and cell ids, no outputs, the two imports first, 3-7
 * exercises of three cells each (at most six that practise the chapter, plus one with room to think) (a task with math stating its points, a solution cell whose whole
 * body is the solution region, a locked check cell whose points are the visible + hidden case
 * points and which calls check and, between the markers, checkHidden with seed 90210), and the
 * final "// Checks" cell.
 */
export function assertMasterStructure(prefix: string, file: string): void {
  type Cell = {
    cell_type: string;
    id: string;
    metadata: { nbgrader?: Record<string, unknown> };
    source: string[];
    outputs?: unknown[];
  };
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { metadata: { kernelspec: { name: string } }; cells: Cell[] };
  const sourceOf = (c: Cell) => c.source.join("");
  const casePoints = (cases: { points?: number }[]) => cases.reduce((s, c) => s + (c.points ?? 1), 0);
  assert.equal(nb.metadata.kernelspec.name, "descent", file);
  const cells = nb.cells;
  const gradeIds = cells.map((c) => c.metadata.nbgrader?.grade_id);
  assert.ok(
    gradeIds.every((g) => typeof g === "string"),
    `${file}: a cell without nbgrader metadata`,
  );
  assert.equal(new Set(gradeIds).size, gradeIds.length, `${file}: duplicated grade_id`);
  assert.equal(new Set(cells.map((c) => c.id)).size, cells.length, `${file}: duplicated cell id`);
  for (const c of cells) if (c.cell_type === "code") assert.deepEqual(c.outputs, [], `${file}: outputs committed`);
  assert.match(
    sourceOf(cells[1]),
    /import \* as d from "\.\/src\/index";\nimport \* as hw from "\.\/src\/homework\/index";/,
  );
  const ids = exerciseIds().filter((id) => id.startsWith(prefix + "-"));
  assert.ok(
    ids.length >= 3 && ids.length <= 7,
    `${file}: ${ids.length} exercises (3 to 7: a homework is a week's work)`,
  );
  for (const id of ids) {
    const at = cells.findIndex((c) => c.metadata.nbgrader?.grade_id === `${id}-task`);
    assert.ok(at >= 0, `${id}: no task cell`);
    const [task, solution, checkCell] = cells.slice(at, at + 3);
    assert.equal(task.cell_type, "markdown");
    assert.match(sourceOf(task), /\$/, `${id}: the task has no math`);
    assert.deepEqual(solution.metadata.nbgrader, {
      grade: false,
      solution: true,
      locked: false,
      grade_id: `${id}-solution`,
      schema_version: 3,
    });
    assert.match(
      sourceOf(solution),
      /^function \w+\([^]*\{\n {2}\/\/ BEGIN SOLUTION\n[^]*\n {2}\/\/ END SOLUTION\n\}$/,
      `${id}: the whole body must be the solution region`,
    );
    const spec = getExercise(id)!;
    const points =
      casePoints(spec.cases(new Rng(spec.seed ?? seedOf(id)))) +
      casePoints(spec.hidden ? spec.hidden(new Rng(90210)) : []);
    assert.deepEqual(
      checkCell.metadata.nbgrader,
      { grade: true, solution: false, locked: true, grade_id: `${id}-check`, points, schema_version: 3 },
      id,
    );
    const fname = /^function (\w+)/.exec(sourceOf(solution))![1];
    assert.equal(
      sourceOf(checkCell),
      `hw.check("${id}", ${fname});\n// BEGIN HIDDEN TESTS\nhw.checkHidden("${id}", ${fname}, { seed: 90210 });\n// END HIDDEN TESTS`,
    );
    assert.match(sourceOf(task), new RegExp(`\\(${points} points\\)`), `${id}: the task states its points`);
  }
  assert.equal(sourceOf(cells[cells.length - 1]), "// Checks\nhw.summary();");
}
