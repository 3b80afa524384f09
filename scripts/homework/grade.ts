// npm run grade -- <folder of submitted notebooks>: grade homework submissions against their masters.
//
//   npm run grade -- submissions/                  masters from notebooks/homework-masters/
//   npm run grade -- submissions/ --masters DIR    masters kept elsewhere (repeatable; or MASTER.ipynb files)
//   options: --out DIR (build/grades)  --timeout S (per notebook, 300)  --cell-timeout S (per cell, 120)
//            --jobs N (notebooks run at once, 1)  --shared-kernel (trusted notebooks only: one kernel for all)
//
// Submissions: either one sub-folder per student (student = folder name, any .ipynb inside) or
// notebooks directly in the folder (student = file name stem, without the master's name if it holds
// it: "alice-01-perceptron.ipynb" → alice). Each is matched to its master by the notebook's metadata
// (descent.homework, written by `npm run release`), else by the master's name in the file name.
//
// For each submission: (1) compare with the master and report tampering (a check or locked cell
// deleted or edited, points changed, grade_id duplicated, cell type changed); (2) build the graded
// notebook from the MASTER's cells (locked cells, check cells with their hidden tests) and the
// student's solution cells only; (3) run it in the Descent kernel with time limits (a crash, a
// process.exit or an endless loop in one exercise is reported for that exercise; the notebook is
// run again with that exercise's solution replaced by the stub so later exercises are still graded);
// (4) read the signed results of each check cell. Writes build/grades/gradebook.csv, one feedback
// file per student (build/grades/feedback/<student>.md) and the executed notebooks
// (build/grades/executed/<student>/), and prints a summary table.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  Cell,
  gradeIdOf,
  listMasters,
  mastersDir,
  nbgraderOf,
  Notebook,
  Output,
  readNotebook,
  releaseNotebook,
  root,
  sourceOf,
  stemOf,
  writeNotebook,
} from "./notebook";

import { RESULT_MIME, signResult, TOKEN_ENV } from "../../src/homework/report";
import { collectInbox, SubmissionRecord, writeLateness } from "../hub/inbox";

// ---------------------------------------------------------------------------------------------
// Masters

export interface Exercise {
  /** The exercise ids the check cell checks ("hw01-ex1"), joined with "+" when several. */
  name: string;
  gradeId: string;
  /** Index of the check cell in the master. */
  cell: number;
  points: number;
  visible: string[];
  hidden: string[];
}

export interface Master {
  file: string;
  name: string;
  nb: Notebook;
  released: Notebook;
  exercises: Exercise[];
  /** For each cell of the master: the index in `exercises` of the exercise it belongs to (the next check cell), or -1. */
  owner: number[];
}

function idsCalled(text: string, fn: "check" | "checkHidden"): string[] {
  const re = new RegExp(`\\bhw\\.${fn}\\(\\s*["'\`]([^"'\`]+)["'\`]`, "g");
  return [...text.matchAll(re)].map((m) => m[1]);
}

export function loadMaster(file: string): Master {
  const nb = readNotebook(file);
  const name = stemOf(file);
  const released = releaseNotebook(nb, name);
  const exercises: Exercise[] = [];
  nb.cells.forEach((cell, i) => {
    const meta = nbgraderOf(cell);
    if (!meta?.grade) return;
    const text = sourceOf(cell);
    const visible = idsCalled(text, "check");
    const hidden = idsCalled(text, "checkHidden");
    const ids = [...new Set([...visible, ...hidden])];
    exercises.push({
      name: ids.join("+") || meta.grade_id || `cell ${i + 1}`,
      gradeId: meta.grade_id ?? `cell-${i + 1}`,
      cell: i,
      points: Number(meta.points ?? 0),
      visible,
      hidden,
    });
  });
  const owner = nb.cells.map((_, i) => exercises.findIndex((e) => e.cell >= i));
  return { file, name, nb, released, exercises, owner };
}

// ---------------------------------------------------------------------------------------------
// Submissions

export interface Submission {
  student: string;
  file: string;
  master: Master | null;
  problem: string | null;
}

function safeName(s: string): string {
  return s.replace(/[^\w.@-]+/g, "_") || "_";
}

function matchMaster(file: string, nb: Notebook | null, masters: Master[]): { master: Master | null; rest: string } {
  const stem = stemOf(file);
  const tagged = nb?.metadata?.descent?.homework;
  let master = typeof tagged === "string" ? masters.find((m) => m.name === tagged) ?? null : null;
  if (!master) {
    const byName = masters.filter((m) => stem.includes(m.name)).sort((a, b) => b.name.length - a.name.length);
    master = byName[0] ?? (masters.length === 1 ? masters[0] : null);
  }
  const rest = master ? stem.replace(master.name, "").replace(/^[-_ .]+|[-_ .]+$/g, "") : stem;
  return { master, rest };
}

/** The submissions in `dir`: sub-folders are students; loose notebooks are named after their student. */
export function findSubmissions(dir: string, masters: Master[]): Submission[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`grade: ${dir} is not a folder of submissions`);
  const out: Submission[] = [];
  const add = (file: string, folderStudent: string | null) => {
    let nb: Notebook | null = null;
    let problem: string | null = null;
    try {
      nb = readNotebook(file);
    } catch (e) {
      problem = (e as Error).message.replace(file + ": ", "");
    }
    const { master, rest } = matchMaster(file, nb, masters);
    const student = folderStudent ?? (rest || stemOf(file));
    out.push({ student, file, master, problem: problem ?? (master ? null : `no master matches this notebook (masters: ${masters.map((m) => m.name).join(", ")})`) });
  };
  for (const entry of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, entry);
    if (entry.startsWith(".")) continue;
    if (fs.statSync(p).isDirectory()) {
      for (const f of fs.readdirSync(p).sort()) if (f.endsWith(".ipynb") && !f.startsWith(".")) add(path.join(p, f), entry);
    } else if (entry.endsWith(".ipynb")) add(p, null);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tampering

export interface Issue {
  /** Index of the exercise in master.exercises, or -1 for the notebook as a whole. */
  exercise: number;
  text: string;
  /** true: tampering (the exercise is marked "tampered"); false: a note. */
  tamper: boolean;
}

/** What no solution needs: the checks' internals, the kernel's globals, the process. */
const SUSPICIOUS: [RegExp, string][] = [
  [/\bhw\s*\.\s*(?!NotDoneYet\b)\w+/, "the homework module (hw.…)"],
  [/\brequire\s*\(/, "require()"],
  [/\b__tslab__\b|\bglobalThis\b/, "the kernel's globals"],
  [/\bprocess\s*\.\s*(?!hrtime\b)\w+/, "process"],
  [/vnd\.descent|DESCENT_HW/, "the grader's result format"],
];

function normalized(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
}

function kindOf(meta: { grade?: boolean; solution?: boolean; locked?: boolean }): string {
  return meta.grade ? "check cell" : meta.solution ? "solution cell" : "locked cell";
}

/** Compare a submission with its master; every difference a student should not make is an issue. */
export function findIssues(master: Master, student: Notebook): Issue[] {
  const issues: Issue[] = [];
  const byId = new Map<string, Cell[]>();
  for (const c of student.cells) {
    const g = gradeIdOf(c);
    if (g) byId.set(g, [...(byId.get(g) ?? []), c]);
  }
  const masterIds = new Set<string>();
  master.nb.cells.forEach((mc, i) => {
    const g = gradeIdOf(mc);
    const meta = nbgraderOf(mc);
    if (!g || !meta) return;
    masterIds.add(g);
    const ex = master.owner[i];
    const kind = kindOf(meta);
    const cells = byId.get(g) ?? [];
    if (cells.length === 0) {
      issues.push({ exercise: ex, text: `${kind} ${g} deleted`, tamper: true });
      return;
    }
    if (cells.length > 1) issues.push({ exercise: ex, text: `grade_id ${g} duplicated (${cells.length} cells)`, tamper: true });
    const sc = cells[0];
    if (sc.cell_type !== mc.cell_type) issues.push({ exercise: ex, text: `${kind} ${g} changed from ${mc.cell_type} to ${sc.cell_type}`, tamper: true });
    const sm = nbgraderOf(sc) ?? {};
    for (const flag of ["grade", "solution", "locked"] as const) {
      if (Boolean(sm[flag]) !== Boolean(meta[flag])) issues.push({ exercise: ex, text: `nbgrader "${flag}" of ${g} changed to ${String(sm[flag])}`, tamper: true });
    }
    if (meta.grade && Number(sm.points) !== Number(meta.points)) {
      issues.push({ exercise: ex, text: `points of ${g} changed from ${meta.points} to ${sm.points}`, tamper: true });
    }
    if (!meta.solution && (meta.locked || meta.grade)) {
      // The student's cell must read as released (or as the master itself, hidden tests included).
      const theirs = normalized(sourceOf(sc));
      if (theirs !== normalized(sourceOf(master.released.cells[i])) && theirs !== normalized(sourceOf(mc))) {
        issues.push({ exercise: ex, text: `${kind} ${g} edited`, tamper: true });
      }
    }
  });
  for (const [g, cells] of byId) {
    if (!masterIds.has(g)) issues.push({ exercise: -1, text: `cell ${g} is not in the master (${cells.length} cell${cells.length > 1 ? "s" : ""})`, tamper: true });
  }
  // Solution code that reaches into the checks or the process is flagged for review: the grader
  // runs student code in the kernel's process, where it could patch the checks.
  for (const sc of student.cells) {
    const g = gradeIdOf(sc);
    const mi = master.nb.cells.findIndex((c) => gradeIdOf(c) === g);
    if (!g || mi < 0 || !nbgraderOf(master.nb.cells[mi])?.solution) continue;
    const text = sourceOf(sc);
    const hits = SUSPICIOUS.filter(([re]) => re.test(text)).map(([, what]) => what);
    if (hits.length) issues.push({ exercise: master.owner[mi], text: `solution cell ${g} uses ${hits.join(", ")} (review it)`, tamper: false });
  }
  const extra = student.cells.filter((c) => !gradeIdOf(c) && c.cell_type === "code" && sourceOf(c).trim() !== "");
  const masterPlain = master.nb.cells.filter((c) => !gradeIdOf(c) && c.cell_type === "code").map((c) => normalized(sourceOf(c)));
  const added = extra.filter((c) => !masterPlain.includes(normalized(sourceOf(c))));
  if (added.length) issues.push({ exercise: -1, text: `${added.length} code cell${added.length > 1 ? "s" : ""} added outside the solution cells (not graded)`, tamper: false });
  return issues;
}

// ---------------------------------------------------------------------------------------------
// The graded notebook

/**
 * The master's cells (with hidden tests) with each solution cell's source taken from the student
 * (first cell of that grade_id and type), or the released stub when missing; `stubbed` lists
 * exercises whose solutions are replaced by the stub (after a crash or a timeout).
 */
export function gradedNotebook(master: Master, student: Notebook | null, stubbed: Set<number> = new Set()): Notebook {
  const cells = master.nb.cells.map((mc, i) => {
    const copy: Cell = JSON.parse(JSON.stringify(mc)) as Cell;
    if (copy.cell_type === "code") {
      copy.outputs = [];
      copy.execution_count = null;
    }
    const meta = nbgraderOf(mc);
    const g = gradeIdOf(mc);
    if (meta?.solution && g) {
      const theirs = student?.cells.find((c) => gradeIdOf(c) === g && c.cell_type === mc.cell_type);
      const stub = master.released.cells[i].source;
      copy.source = theirs && !stubbed.has(master.owner[i]) ? theirs.source : stub;
    }
    return copy;
  });
  return { ...master.nb, cells, metadata: { ...master.nb.metadata } };
}

/** The cells a student's code runs in: solution cells and check cells. */
export function studentCells(master: Master): number[] {
  return master.nb.cells.map((c, i) => (nbgraderOf(c)?.solution || nbgraderOf(c)?.grade ? i : -1)).filter((i) => i >= 0);
}

// ---------------------------------------------------------------------------------------------
// Running notebooks

export interface RunJob {
  input: string;
  output: string;
  token: string;
  /** Cells under the per-cell time limit (the student's solution cells and the check cells). */
  limited: number[];
}

export interface RunResult {
  in: string;
  out: string;
  seconds: number;
  stopped_at: number | null;
  reason: "timeout" | "notebook timeout" | "died" | "start failed" | null;
  detail: string | null;
}

function python(): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { findPython } = require(path.join(root, "scripts", "setup", "python.js")) as { findPython: () => string | null };
  const py = findPython();
  if (!py) throw new Error("grade: no Python with nbclient (Debian: apt-get install python3-nbclient; elsewhere: pip install nbclient)");
  return py;
}

function runBatch(py: string, sessions: RunJob[][], options: GradeOptions, tmp: string, k: number): Promise<RunResult[]> {
  const jobsFile = path.join(tmp, `jobs-${k}.json`);
  const jobs = {
    kernel: "descent",
    timeout: options.timeout,
    cell_timeout: options.cellTimeout,
    token_env: TOKEN_ENV,
    sessions: sessions.map((s) => ({ token: s[0].token, notebooks: s.map((j) => ({ in: j.input, out: j.output, limited: j.limited })) })),
  };
  fs.writeFileSync(jobsFile, JSON.stringify(jobs), { mode: 0o600 });
  const local = path.join(root, ".jupyter", "share", "jupyter");
  return new Promise((resolve) => {
    const child = spawn(py, [path.join(__dirname, "grade_notebooks.py"), jobsFile], {
      cwd: root,
      env: { ...process.env, JUPYTER_PATH: process.env.JUPYTER_PATH ? `${local}${path.delimiter}${process.env.JUPYTER_PATH}` : local, PYTHONWARNINGS: "ignore" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let reported = 0;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const complete = out.slice(0, out.lastIndexOf("\n") + 1).split("\n").filter((l) => l.startsWith("{"));
      for (; reported < complete.length; reported++) options.progress?.(JSON.parse(complete[reported]) as RunResult);
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => {
      const results = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as RunResult);
      const done = new Set(results.map((r) => r.in));
      for (const s of sessions) {
        for (const j of s) {
          if (!done.has(j.input)) {
            results.push({ in: j.input, out: j.output, seconds: 0, stopped_at: null, reason: "start failed", detail: `the notebook runner stopped (exit ${code}): ${err.trim().split("\n").slice(-3).join(" ")}` });
          }
        }
      }
      resolve(results);
    });
  });
}

/** Run the jobs: one kernel per notebook (or one for all with sharedKernel), `jobs` runners at once. */
export async function runNotebooks(jobs: RunJob[], options: GradeOptions): Promise<Map<string, RunResult>> {
  const py = python();
  spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-grade-"));
  try {
    let sessions: RunJob[][];
    if (options.sharedKernel) {
      const token = jobs[0]?.token ?? "";
      sessions = jobs.length ? [jobs.map((j) => ({ ...j, token }))] : [];
    } else sessions = jobs.map((j) => [j]);
    const n = Math.max(1, Math.min(options.jobs, sessions.length));
    const parts: RunJob[][][] = Array.from({ length: n }, () => []);
    sessions.forEach((s, i) => parts[i % n].push(s));
    const results = (await Promise.all(parts.filter((p) => p.length).map((p, k) => runBatch(py, p, options, tmp, k)))).flat();
    return new Map(results.map((r) => [r.in, r]));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Reading results

interface SignedResult {
  id: string;
  kind: "visible" | "hidden";
  points: number;
  max: number;
  status: string;
  firstFailure: string | null;
}

function textOf(o: Output): string {
  const t = o.text ?? "";
  return Array.isArray(t) ? t.join("") : t;
}

/** The stderr and error outputs of a cell, or "". */
export function cellErrors(cell: Cell): string {
  return (cell.outputs ?? [])
    .map((o) => (o.output_type === "stream" && o.name === "stderr" ? textOf(o) : o.output_type === "error" ? `${o.ename}: ${o.evalue}` : ""))
    .join("")
    .trim();
}

/** The printed text of a cell (stdout). */
export function cellText(cell: Cell): string {
  return (cell.outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map(textOf)
    .join("");
}

/** The results in a cell's outputs signed with `token`; forged or malformed ones are dropped. */
export function signedResults(cell: Cell, token: string): SignedResult[] {
  const out: SignedResult[] = [];
  for (const o of cell.outputs ?? []) {
    const data = o.data?.[RESULT_MIME] as { json?: unknown; sig?: unknown } | undefined;
    if (!data || typeof data.json !== "string" || typeof data.sig !== "string") continue;
    const sig = signResult(data.json, token);
    if (sig !== data.sig) continue;
    try {
      out.push(JSON.parse(data.json) as SignedResult);
    } catch {
      /* not ours */
    }
  }
  return out;
}

export type Status = "passed" | "partial" | "failed" | "not done" | "error" | "timeout" | "kernel died" | "not run" | "tampered" | "missing" | "unreadable";

export interface Row {
  student: string;
  notebook: string;
  exercise: string;
  points: number;
  max: number;
  message: string;
  status: Status;
  notes: string;
  /** What the check cell printed (for the feedback). */
  output: string;
}

function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l) ?? ""
  );
}

/** One exercise's row from an executed graded notebook. */
function exerciseRow(master: Master, e: number, executed: Notebook, run: RunResult, token: string): Omit<Row, "student" | "notebook" | "notes"> {
  const ex = master.exercises[e];
  const cell = executed.cells[ex.cell];
  const base = { exercise: ex.name, points: 0, max: ex.points, output: cell ? cellText(cell) : "" };
  if (run.stopped_at !== null && run.reason !== "start failed" && master.owner[run.stopped_at] === e && studentCells(master).includes(run.stopped_at)) {
    const where = run.stopped_at === ex.cell ? "" : ` (in cell ${run.stopped_at + 1}, before the check)`;
    return { ...base, status: run.reason === "died" ? "kernel died" : "timeout", message: `${run.detail ?? ""}${where}` };
  }
  const results = cell ? signedResults(cell, token) : [];
  const solutionErrors = master.nb.cells
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => master.owner[i] === e && nbgraderOf(c)?.solution && executed.cells[i])
    .map(({ i }) => cellErrors(executed.cells[i]))
    .filter((t) => t);
  if (solutionErrors.length && results.every((r) => r.points === 0)) {
    return { ...base, status: "error", message: `your solution cell does not run: ${firstLine(solutionErrors[0])}` };
  }
  const wanted: { id: string; kind: "visible" | "hidden" }[] = [
    ...ex.visible.map((id) => ({ id, kind: "visible" as const })),
    ...ex.hidden.map((id) => ({ id, kind: "hidden" as const })),
  ];
  const found = wanted.map((w) => results.find((r) => r.id === w.id && r.kind === w.kind) ?? null);
  if (found.every((r) => r === null)) {
    if (run.stopped_at !== null && run.stopped_at < ex.cell) {
      return { ...base, status: "not run", message: `not run: the notebook stopped in cell ${run.stopped_at + 1} (${run.reason}: ${run.detail})` };
    }
    if (run.reason === "start failed") return { ...base, status: "error", message: `the kernel could not run the notebook: ${run.detail}` };
    const err = cell ? cellErrors(cell) : "";
    if (err) return { ...base, status: "error", message: `the check cell failed: ${firstLine(err)}` };
    // A locked cell before it failed (the imports, a set-up cell): the notebook itself is broken.
    const setup = master.nb.cells.findIndex((c, i) => i < ex.cell && c.cell_type === "code" && !nbgraderOf(c)?.solution && cellErrors(executed.cells[i]) !== "");
    if (setup >= 0) return { ...base, status: "error", message: `cell ${setup + 1} of the notebook (not yours) failed: ${firstLine(cellErrors(executed.cells[setup]))}` };
    return { ...base, status: "error", message: "the check cell gave no result" };
  }
  let points = 0;
  let max = 0;
  let message = "";
  for (let k = 0; k < wanted.length; k++) {
    const r = found[k];
    if (!r) {
      message = message || `${wanted[k].kind} check of ${wanted[k].id} did not report (the cell stopped early?)`;
      continue;
    }
    points += r.points;
    max += r.max;
    if (r.firstFailure && !message) message = `${r.kind === "hidden" ? "hidden: " : ""}${r.firstFailure}`;
  }
  const allNotDone = found.every((r) => r && r.status === "not done");
  const complete = found.every((r) => r !== null);
  const status: Status = allNotDone ? "not done" : complete && points === max && max > 0 ? "passed" : points > 0 ? "partial" : "failed";
  const row = { ...base, points: Math.min(points, ex.points), status, message: firstLine(message) };
  if (complete && max !== ex.points) row.message = `${row.message ? row.message + "; " : ""}[the check's cases give ${max} points, its cell metadata says ${ex.points}]`;
  return row;
}

// ---------------------------------------------------------------------------------------------
// Grading

export interface GradeOptions {
  out: string;
  timeout: number;
  cellTimeout: number;
  jobs: number;
  sharedKernel: boolean;
  /** Stubbing rounds after a crash or timeout (default 3). */
  retries?: number;
  progress?: (r: RunResult) => void;
}

export interface GradeReport {
  rows: Row[];
  gradebook: string;
  feedbackDir: string;
}

interface Work {
  sub: Submission;
  master: Master;
  student: Notebook;
  issues: Issue[];
  stubbed: Set<number>;
  /** Final row per exercise (filled as rounds finish). */
  rows: (Omit<Row, "student" | "notebook" | "notes"> | null)[];
  executedFile: string;
}

export async function grade(submissionsDir: string, masters: Master[], options: GradeOptions): Promise<GradeReport> {
  const subs = findSubmissions(submissionsDir, masters);
  const rows: Row[] = [];
  const work: Work[] = [];
  const executedDir = path.join(options.out, "executed");
  fs.rmSync(options.out, { recursive: true, force: true });
  fs.mkdirSync(executedDir, { recursive: true });
  const seenPairs = new Set<string>();
  for (const sub of subs) {
    if (!sub.master || sub.problem) {
      rows.push({ student: sub.student, notebook: path.basename(sub.file), exercise: "", points: 0, max: 0, message: sub.problem ?? "", status: "unreadable", notes: "", output: "" });
      continue;
    }
    const key = `${sub.student}\u0000${sub.master.name}`;
    const student = readNotebook(sub.file);
    const issues = findIssues(sub.master, student);
    if (seenPairs.has(key)) issues.push({ exercise: -1, text: `a second submission of ${sub.master.name} (${path.basename(sub.file)}); both are graded`, tamper: true });
    seenPairs.add(key);
    const executedFile = path.join(executedDir, safeName(sub.student), `${sub.master.name}${work.some((w) => w.executedFile.endsWith(`${safeName(sub.student)}${path.sep}${sub.master!.name}.ipynb`)) ? "-" + work.length : ""}.ipynb`);
    work.push({ sub, master: sub.master, student, issues, stubbed: new Set(), rows: sub.master.exercises.map(() => null), executedFile });
  }
  // Rounds: run what is unfinished; after a crash or timeout in exercise e, stub e and run again.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-graded-"));
  try {
    let pending = work.filter((w) => w.master.exercises.length > 0);
    for (let round = 0; pending.length > 0 && round <= (options.retries ?? 3); round++) {
      const jobs: { w: Work; job: RunJob }[] = pending.map((w, i) => {
        const input = path.join(tmp, `r${round}-${i}-${w.master.name}.ipynb`);
        writeNotebook(input, gradedNotebook(w.master, w.student, w.stubbed));
        return { w, job: { input, output: w.executedFile, token: randomBytes(32).toString("hex"), limited: studentCells(w.master) } };
      });
      const runs = await runNotebooks(
        jobs.map((j) => j.job),
        options,
      );
      const next: Work[] = [];
      for (const { w, job } of jobs) {
        const run = runs.get(job.input)!;
        let executed: Notebook;
        try {
          executed = readNotebook(job.output);
        } catch {
          executed = gradedNotebook(w.master, w.student, w.stubbed);
        }
        // With a shared kernel every notebook uses the first job's token.
        const token = options.sharedKernel ? jobs[0].job.token : job.token;
        // A crash or timeout in a student's cell costs that exercise; one in a set-up cell, the rest.
        const stopEx = run.stopped_at !== null && studentCells(w.master).includes(run.stopped_at) ? w.master.owner[run.stopped_at] : -1;
        w.master.exercises.forEach((_, e) => {
          if (w.rows[e] !== null) return; // decided in an earlier round
          if (stopEx >= 0 && e > stopEx && run.reason !== "start failed") return; // graded again in the next round
          w.rows[e] = exerciseRow(w.master, e, executed, run, token);
        });
        if (stopEx >= 0 && run.reason !== "start failed" && w.rows.some((r) => r === null)) {
          w.stubbed.add(stopEx);
          next.push(w);
        }
      }
      pending = next;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  for (const w of work) {
    w.master.exercises.forEach((ex, e) => {
      const r = w.rows[e] ?? { exercise: ex.name, points: 0, max: ex.points, status: "not run" as Status, message: "not run (too many crashes in this notebook)", output: "" };
      const mine = w.issues.filter((i) => i.exercise === e || i.exercise === -1);
      const tampered = mine.filter((i) => i.tamper);
      rows.push({
        student: w.sub.student,
        notebook: w.master.name,
        ...r,
        status: tampered.length ? "tampered" : r.status,
        notes: mine.map((i) => i.text).join("; "),
      });
    });
  }
  // Students who handed in some notebooks but not all of the ones others handed in.
  const students = [...new Set(rows.map((r) => r.student))].sort();
  const handedIn = [...new Set(work.map((w) => w.master))];
  for (const s of students) {
    for (const m of handedIn) {
      if (work.some((w) => w.sub.student === s && w.master === m)) continue;
      for (const ex of m.exercises) rows.push({ student: s, notebook: m.name, exercise: ex.name, points: 0, max: ex.points, message: "no submission", status: "missing", notes: "", output: "" });
    }
  }
  rows.sort((a, b) => a.student.localeCompare(b.student) || a.notebook.localeCompare(b.notebook));
  const gradebook = path.join(options.out, "gradebook.csv");
  fs.writeFileSync(gradebook, toCsv(rows));
  const feedbackDir = path.join(options.out, "feedback");
  writeFeedback(rows, feedbackDir);
  return { rows, gradebook, feedbackDir };
}

// ---------------------------------------------------------------------------------------------
// Output

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: Row[]): string {
  const head = ["student", "notebook", "exercise", "points", "max_points", "status", "first_failing_message", "notes"];
  const lines = [head.join(",")];
  for (const r of rows) lines.push([r.student, r.notebook, r.exercise, r.points, r.max, r.status, r.message, r.notes].map(csvField).join(","));
  return lines.join("\n") + "\n";
}

const statusWords: Record<Status, string> = {
  passed: "✓ full marks",
  partial: "partly right",
  failed: "✗ no points",
  "not done": "not done yet",
  error: "✗ error",
  timeout: "✗ ran out of time",
  "kernel died": "✗ stopped the kernel",
  "not run": "not run",
  tampered: "⚠ needs the lecturer's review",
  missing: "not handed in",
  unreadable: "✗ could not be read",
};

function writeFeedback(rows: Row[], dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const students = [...new Set(rows.map((r) => r.student))];
  for (const s of students) {
    const mine = rows.filter((r) => r.student === s);
    const total = mine.reduce((a, r) => a + r.points, 0);
    const max = mine.reduce((a, r) => a + r.max, 0);
    const lines = [`# Homework feedback: ${s}`, "", `Total: **${total} / ${max}** points.`, ""];
    for (const nb of [...new Set(mine.map((r) => r.notebook))]) {
      const part = mine.filter((r) => r.notebook === nb);
      lines.push(`## ${nb}: ${part.reduce((a, r) => a + r.points, 0)} / ${part.reduce((a, r) => a + r.max, 0)}`, "");
      for (const r of part) {
        lines.push(`### ${r.exercise || nb}: ${r.points} / ${r.max} (${statusWords[r.status]})`, "");
        if (r.message && r.status !== "passed") lines.push(`First problem: ${r.message}`, "");
        if (r.notes) lines.push(`Notes: ${r.notes}`, "");
        if (r.output.trim()) lines.push("```text", r.output.replace(/\s+$/, ""), "```", "");
      }
    }
    fs.writeFileSync(path.join(dir, `${safeName(s)}.md`), lines.join("\n"));
  }
}

/** A fixed-width table: one line per student and notebook, and the count of each status. */
export function summaryTable(rows: Row[]): string {
  const groups = new Map<string, Row[]>();
  for (const r of rows) groups.set(`${r.student}\u0000${r.notebook}`, [...(groups.get(`${r.student}\u0000${r.notebook}`) ?? []), r]);
  const table = [...groups.values()].map((g) => {
    const statuses = [...new Set(g.map((r) => r.status))].filter((s) => s !== "passed");
    const notes = g.some((r) => r.notes) ? " (see notes)" : "";
    return [g[0].student, g[0].notebook, `${g.reduce((a, r) => a + r.points, 0)}/${g.reduce((a, r) => a + r.max, 0)}`, (statuses.length ? statuses.join(", ") : "passed") + notes];
  });
  const head = ["student", "notebook", "points", "status"];
  const widths = head.map((h, k) => Math.max(h.length, ...table.map((t) => t[k].length)));
  const fmtRow = (t: string[]) => t.map((x, k) => (k === 2 ? x.padStart(widths[k]) : x.padEnd(widths[k]))).join("  ").trimEnd();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [fmtRow(head), fmtRow(widths.map((w) => "-".repeat(w))), ...table.map(fmtRow), "", `exercises: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}`].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv: string[]): { dir: string; masters: string[]; options: GradeOptions; inbox?: string } | string {
  const options: GradeOptions = { out: path.join(root, "build", "grades"), timeout: 300, cellTimeout: 120, jobs: 1, sharedKernel: false };
  const masters: string[] = [];
  let dir = "";
  let inbox: string | undefined; // --inbox DIR: the hub's course inbox (scripts/hub/inbox.ts)
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name: string) => {
      const v = Number(argv[++i]);
      if (!(v > 0)) throw new Error(`grade: ${name} needs a positive number`);
      return v;
    };
    if (a === "--out") options.out = path.resolve(argv[++i] ?? "");
    else if (a === "--masters") masters.push(path.resolve(argv[++i] ?? ""));
    else if (a === "--timeout") options.timeout = num(a);
    else if (a === "--cell-timeout") options.cellTimeout = num(a);
    else if (a === "--jobs") options.jobs = Math.floor(num(a));
    else if (a === "--shared-kernel") options.sharedKernel = true;
    else if (a === "--inbox") inbox = path.resolve(argv[++i] ?? "");
    else if (a === "-h" || a === "--help") return "help";
    else if (a.startsWith("--")) throw new Error(`grade: unknown option ${a} (try --help)`);
    else if (dir) throw new Error(`grade: one folder of submissions, got ${dir} and ${a}`);
    else dir = path.resolve(a);
  }
  if (inbox && !dir) dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-inbox-latest-")); // not in --out: grading empties it
  if (!dir) return "help";
  return { dir, masters, options, inbox };
}

export function loadMasters(specs: string[]): Master[] {
  const files = specs.length ? specs.flatMap((p) => (fs.existsSync(p) && fs.statSync(p).isDirectory() ? listMasters(p) : [p])) : listMasters(mastersDir);
  return files.map(loadMaster);
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (typeof parsed === "string") {
    console.log("usage: npm run grade -- <folder of submissions> | --inbox DIR [--masters DIR|FILE] [--out DIR] [--timeout S] [--cell-timeout S] [--jobs N] [--shared-kernel]");
    return 0;
  }
  const { dir, options } = parsed;
  let submissions: SubmissionRecord[] | null = null;
  if (parsed.inbox) {
    try {
      submissions = collectInbox(parsed.inbox, dir);
    } catch (e) {
      console.error((e as Error).message);
      return 1;
    }
  }
  let masters: Master[];
  try {
    masters = loadMasters(parsed.masters);
  } catch (e) {
    console.error(`grade: ${(e as Error).message}`);
    return 1;
  }
  if (masters.length === 0) {
    console.error("grade: no master notebooks (notebooks/homework-masters/ is empty; use --masters)");
    return 1;
  }
  options.progress = (r) => console.error(`[grade] ${path.basename(path.dirname(r.out))}/${path.basename(r.out)} ${r.seconds}s${r.reason ? ` (${r.reason})` : ""}`);
  const report = await grade(dir, masters, options);
  console.log(summaryTable(report.rows));
  if (submissions) console.log(`lateness:  ${path.relative(process.cwd(), writeLateness(submissions, options.out))}`);
  console.log(`\ngradebook: ${path.relative(process.cwd(), report.gradebook)}\nfeedback:  ${path.relative(process.cwd(), report.feedbackDir)}/`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      console.error(`grade: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
