// Grading again into the same --out (`npm run grade -- … --resume`): a notebook graded in full by an
// earlier run is not run again when nothing its marks depend on changed. A class takes about an hour to
// grade; after an interrupted run, a late submission or a student's second hand-in, only what is new runs.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
//
// Each notebook graded in full leaves its exercises' rows in <out>/graded/<student>/<master>.json (the
// grader's own folder, like the rest of <out>: no kernel sees it), with the key they were graded under: a
// hash of the submitted notebook, its master, the course's code (src/, scripts/, data/ and the dependencies'
// locked versions: the checks, the grader, the kernel) and the limits. Tampering notes, written answers and the outputs are made again each run.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { editionFiles } from "../edition";
import { root } from "../notebook";
import { GradeOptions } from "./options";
import { Row } from "./results";

/** An exercise's row as a run decides it (the student, notebook and notes are added at the end). */
export type ExerciseRow = Omit<Row, "student" | "notebook" | "notes">;

/** The files of `dir` (recursive, sorted; none if it is missing), without node_modules and caches (editionFiles). */
function filesOf(dir: string): string[] {
  return fs.existsSync(dir) ? editionFiles(dir).map((f) => path.join(dir, f)) : [];
}

/**
 * A hash of what the course's checks run on (under `courseRoot`: src/, scripts/, data/ and the locked
 * dependencies' versions): any change to it grades everything again.
 */
export function codeHash(courseRoot = root): string {
  const h = createHash("sha256");
  const files = [
    ...["src", "scripts", "data"].flatMap((d) => filesOf(path.join(courseRoot, d))),
    ...["package.json", "package-lock.json"].map((f) => path.join(courseRoot, f)).filter((f) => fs.existsSync(f)),
  ];
  for (const f of files) h.update(path.relative(courseRoot, f)).update("\0").update(fs.readFileSync(f)).update("\0");
  return h.digest("hex");
}

/** The options a notebook's marks depend on (not --jobs, --out, the roster, the written marks or the feedback's form). */
function limitsOf(o: GradeOptions): unknown[] {
  return [
    o.timeout,
    o.cellTimeout,
    o.callTimeout ?? null,
    o.checkTimeout ?? null,
    o.referenceBudget ?? true,
    o.retries ?? 3,
    o.sharedKernel,
    o.unisolated ?? false,
  ];
}

/** What every notebook of one master is graded under: the master's bytes, the code, the limits (gradingKey). */
export function masterKey(masterFile: string, code: string, options: GradeOptions): string {
  return createHash("sha256")
    .update(fs.readFileSync(masterFile))
    .update("\0")
    .update(code)
    .update("\0")
    .update(JSON.stringify(limitsOf(options)))
    .digest("hex");
}

/** The key a notebook is graded under: its submission's bytes and its master's key (masterKey). */
export function gradingKey(submissionFile: string, masterKeyOf: string): string {
  return createHash("sha256").update(fs.readFileSync(submissionFile)).update("\0").update(masterKeyOf).digest("hex");
}

/** Where a notebook's rows are kept: beside its executed notebook's place, under graded/ instead of executed/. */
export function savedRowsFile(out: string, executedFile: string): string {
  return path.join(out, "graded", `${path.relative(path.join(out, "executed"), executedFile)}.json`);
}

/** Keeps a notebook's rows, graded in full under `key` (owner only, like the rest of <out>). */
export function saveRows(out: string, executedFile: string, key: string, rows: (ExerciseRow | null)[]): void {
  const file = savedRowsFile(out, executedFile);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, JSON.stringify({ key, rows }), { mode: 0o600 });
}

/**
 * The rows an earlier run kept for this notebook, when they were graded under the same key, every exercise
 * has one (a notebook left "not run" after too many crashes is graded again), and its executed notebook is
 * still there; else null.
 */
export function savedRows(out: string, executedFile: string, key: string, exercises: number): ExerciseRow[] | null {
  try {
    const saved = JSON.parse(fs.readFileSync(savedRowsFile(out, executedFile), "utf8")) as {
      key?: unknown;
      rows?: unknown;
    };
    const rows = saved.rows;
    if (saved.key !== key || !Array.isArray(rows) || rows.length !== exercises) return null;
    if (rows.some((r) => r === null || typeof r !== "object") || !fs.existsSync(executedFile)) return null;
    return rows as ExerciseRow[];
  } catch {
    return null;
  }
}

/**
 * Readies <out> for a resumed run: everything but executed/ and graded/ goes (made again); of those, the
 * files of notebooks not in this run (a student no longer in the folder) go too.
 */
export function keepForResume(out: string, executedFiles: string[]): void {
  fs.mkdirSync(out, { recursive: true });
  for (const name of fs.readdirSync(out))
    if (name !== "executed" && name !== "graded") fs.rmSync(path.join(out, name), { recursive: true, force: true });
  const keep = new Set([...executedFiles, ...executedFiles.map((f) => savedRowsFile(out, f))]);
  for (const f of [...filesOf(path.join(out, "executed")), ...filesOf(path.join(out, "graded"))])
    if (!keep.has(f)) fs.rmSync(f, { force: true });
  for (const top of ["executed", "graded"]) removeEmptyFolders(path.join(out, top), false);
}

/** Removes the empty folders under `dir` (and `dir` itself if `self` and it ends empty). */
function removeEmptyFolders(dir: string, self = true): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) removeEmptyFolders(path.join(dir, e.name));
  if (self && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}
