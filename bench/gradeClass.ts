/**
 * The bench's `grade_class` entry: `npm run grade`'s whole pipeline on synthetic submissions of all 7
 * homework (test/support/submissions.ts: right, wrong, stubs, throws, endless loops inside a function
 * and at a cell's top level, process.exit), reported as wall-clock seconds per notebook and projected
 * to 300 students × 7 homework on this machine.
 *
 * The class (`--mix`): students 0, 1, 2 have every exercise right, wrong, a stub; each later student's
 * exercise is drawn (a fixed hash of student, homework, exercise) from
 *   class  (default) a class as a lecturer meets it, pessimistic on failures: CLASS_RATES below
 *   worst  every failure in every later notebook (each one has a loop in a function, a loop at a cell's
 *          top level, a process.exit, a throw and a wrong answer): what each failure costs
 *   answers every exercise answered, right (82 %) or wrong (18 %): no stub, crash or loop
 * Each student's solution cells start with a comment of their own, so no compile is shared between students.
 * Two configurations, same submissions, same run: `after` (the defaults now) and `before` (the grader's
 * settings before session 7: one kernel at a time, every time limit at its full length); --no-before
 * runs `after` alone. Every notebook runs in a fresh kernel process of its own in both.
 * Setup (building the grading course, timing the references, the first compiler and kernel) is paid once
 * per grading run; the projection adds it 7 times (a run per homework) to 2,100 × the seconds per
 * notebook after the first.
 *
 *   npm run bench -- grade_class                 (or --only grade_class)
 *   node --import tsx bench/gradeClass.ts [--students N] [--homework 01,03] [--mix class|worst|answers] [--jobs N] [--json] [--no-before]
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultGradeOptions, grade, GradeOptions, loadMasters, Master } from "../scripts/homework/grade";
import { exercisesCalledIn } from "../scripts/homework/grading/gradedNotebook";
import { Row } from "../scripts/homework/grading/results";
import { nbgraderOf, sourceOf, writeNotebook } from "../scripts/homework/notebook";
import { cellById, Kind, setSource, solutionOf, submissionOfKinds } from "../test/support/submissions";

export interface GradeClassEntry {
  ms: number;
  notebooks: number;
  mix: Mix;
  /** How many exercises of each kind the class holds. */
  kinds: Record<string, number>;
  seconds_per_notebook: number;
  /** From the start to the first notebook's result, less that notebook's time in its kernel. */
  setup_seconds: number;
  /** After the setup: (wall-clock − setup) / notebooks. */
  marginal_seconds_per_notebook: number;
  /** Kernel runs (a notebook run again after a top-level crash counts again), and each run's mean seconds in its cells and around them. */
  runs: number;
  mean_run_seconds: Record<string, number>;
  projected_hours_300x7: number;
  /** Exercises whose marks are not what their kind should get (unexpectedGrades): none when the grader is right. */
  unexpected: string[];
  before_seconds_per_notebook?: number;
  before_projected_hours_300x7?: number;
  speedup?: number;
  note: string;
}

export type Mix = "class" | "worst" | "answers";

/** The worst mix: every homework of a later student gets each failure once, the rest right. */
const WORST: Kind[] = ["right", "loop", "right", "exit", "wrong", "top-loop", "throws", "stub"];

/**
 * The class mix, per exercise (%): most right, many wrong or unfinished, and failures that end a run
 * or wait for a time limit far more often than in submitted homework (a student whose notebook hangs
 * or dies at the top level usually sees it before handing it in).
 */
export const CLASS_RATES: [Kind, number][] = [
  ["right", 70],
  ["wrong", 15],
  ["stub", 6],
  ["throws", 3],
  ["loop", 3],
  ["exit", 1.5],
  ["top-loop", 1.5],
];

/** A fixed hash of (s, h, e) in [0, 100). */
function draw(s: number, h: number, e: number): number {
  let x = (s * 73856093) ^ (h * 19349663) ^ (e * 83492791) ^ 0x5bd1e995;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (((x ^ (x >>> 16)) >>> 0) % 10000) / 100;
}

/** Student s's kind for exercise e of homework h: 0 all right, 1 all wrong, 2 all stubs, then the mix. */
export function kindOf(s: number, h: number, e: number, mix: Mix): Kind {
  if (s === 0) return "right";
  if (s === 1) return "wrong";
  if (s === 2) return "stub";
  if (mix === "worst") return WORST[(e + h + s) % WORST.length];
  if (mix === "answers") return draw(s, h, e) < 82 ? "right" : "wrong";
  let u = draw(s, h, e);
  for (const [kind, rate] of CLASS_RATES) {
    if (u < rate) return kind;
    u -= rate;
  }
  return "right";
}

/** Writes the synthetic class: `students` per homework, one folder per student; counts each kind. */
export function writeClass(
  dir: string,
  masters: Master[],
  students: number,
  mix: Mix = "class",
): { notebooks: number; kinds: Record<string, number> } {
  let notebooks = 0;
  const counts: Record<string, number> = {};
  masters.forEach((m, h) => {
    for (let s = 0; s < students; s++) {
      const kinds = Object.fromEntries(m.exercises.map((ex, e) => [ex.name, kindOf(s, h, e, mix)]));
      for (const k of Object.values(kinds)) counts[k] = (counts[k] ?? 0) + 1;
      const nb = submissionOfKinds(m, kinds);
      // each student's cells their own (students write differently): no compile is reused from another's
      for (const c of nb.cells) if (nbgraderOf(c)?.solution) setSource(c, `// student ${s}\n${sourceOf(c)}`);
      writeNotebook(path.join(dir, `student${s}`, `${m.name}.ipynb`), nb);
      notebooks++;
    }
  });
  return { notebooks, kinds: counts };
}

/** The kinds after which a right exercise that calls the function keeps its full marks: the grader serves it. */
const SERVED_WHEN: Kind[] = ["loop", "exit", "top-loop"];

/**
 * The grades that are not what the class's kinds should get, one line each: a right exercise gets its full
 * points, also when it calls an earlier exercise's function that loops or whose cell stops the kernel (the
 * grader serves that function: an honest exercise never pays for another's crash), and may lose them only
 * when it calls one that is wrong, a stub or throws (the student's own chain); every other kind gets 0.
 * A missing row is unexpected too. The bench's check that speed was not bought with wrong marks.
 */
export function unexpectedGrades(masters: Master[], students: number, mix: Mix, rows: Row[]): string[] {
  const byKey = new Map(rows.map((r) => [`${r.student}/${r.notebook}/${r.exercise}`, r]));
  const wrong: string[] = [];
  masters.forEach((m, h) => {
    const calls = m.exercises.map((_, e) => calledFrom(m, e));
    for (let s = 0; s < students; s++) {
      const kinds = m.exercises.map((_, e) => kindOf(s, h, e, mix));
      m.exercises.forEach((ex, e) => {
        const key = `student${s}/${m.name}/${ex.name}`;
        const r = byKey.get(key);
        if (!r) return void wrong.push(`${key}: no row`);
        const kind = kinds[e];
        const callees = calls[e];
        const mayLose = callees.some((j) => !["right", ...SERVED_WHEN].includes(kinds[j]));
        const ok = kind === "right" ? mayLose || r.points === r.max : r.points === 0;
        if (!ok)
          wrong.push(
            `${key} (${kind}${callees.length ? `, calls ${callees.map((j) => `${m.exercises[j].name}: ${kinds[j]}`).join(", ")}` : ""}): ` +
              `${r.points}/${r.max} ${r.status}: ${r.message}`,
          );
      });
    }
  });
  return wrong;
}

/** The earlier exercises whose functions exercise e's right solution calls, directly or through another (hw05: ex4 → ex2 → ex1). */
function calledFrom(m: Master, e: number): number[] {
  const direct = (k: number) => {
    const id = m.exercises[k].name;
    return exercisesCalledIn(m, m.nb.cells.indexOf(cellById(m.nb, `${id}-solution`)), solutionOf(m, id));
  };
  const seen = new Set<number>();
  const visit = (k: number): void => {
    for (const j of direct(k)) {
      if (seen.has(j)) continue;
      seen.add(j);
      visit(j);
    }
  };
  visit(e);
  return [...seen].sort((a, b) => a - b);
}

/** The grader's settings before session 7 (one kernel at a time, limits at full length, the same per-call limit). */
export function beforeOptions(out: string): GradeOptions {
  return { ...defaultGradeOptions(out), jobs: 1, cellTimeout: 30, referenceBudget: false };
}

/** Wall-clock seconds of a grading run, and its setup (to the first result, less that notebook's kernel time). */
async function timed(
  dir: string,
  masters: Master[],
  options: GradeOptions,
  log: (s: string) => void,
): Promise<{ seconds: number; setup: number; runs: number; mean: Record<string, number>; rows: Row[] }> {
  const t0 = performance.now();
  let setup = NaN;
  const total = { cells: 0, compile: 0, start: 0, stop: 0 };
  let runs = 0;
  options.progress = (r) => {
    const now = (performance.now() - t0) / 1000;
    const p = r.phases ?? { compile: 0, start: 0, stop: 0 };
    if (Number.isNaN(setup)) setup = Math.max(0, now - r.seconds - p.compile - p.start - p.stop);
    runs++;
    total.cells += r.seconds;
    for (const k of ["compile", "start", "stop"] as const) total[k] += p[k];
    log(
      `      ${path.basename(path.dirname(r.out))}/${path.basename(r.out)}: ${r.seconds} s in the kernel` +
        `${r.reason ? ` (${r.reason})` : ""} (compile ${p.compile} s, start ${p.start} s, stop ${p.stop} s), ` +
        `${now.toFixed(1)} s so far`,
    );
  };
  const { rows } = await grade(dir, masters, options);
  const mean = Object.fromEntries(Object.entries(total).map(([k, v]) => [k, runs ? v / runs : 0]));
  return { seconds: (performance.now() - t0) / 1000, setup: Number.isNaN(setup) ? 0 : setup, runs, mean, rows };
}

/** `homework`: the masters' name prefixes to grade ("03", "01-perceptron"; all 7 when empty). */
export async function gradeClass(
  students: number,
  log: (s: string) => void,
  homework: string[] = [],
  withBefore = true,
  mix: Mix = "class",
  jobs?: number,
): Promise<GradeClassEntry> {
  const masters = loadMasters([]).filter((m) => !homework.length || homework.some((h) => m.name.startsWith(h)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-bench-class-"));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-bench-grades-"));
  try {
    const { notebooks: n, kinds } = writeClass(dir, masters, students, mix);
    const after = { ...defaultGradeOptions(path.join(out, "after")), ...(jobs ? { jobs } : {}) };
    log(
      `  grade_class: ${n} notebooks (${students} students × ${masters.length} homework, mix ${mix}: ` +
        `${JSON.stringify(kinds)}), jobs ${after.jobs} …`,
    );
    const a = await timed(dir, masters, after, log);
    const marginal = (a.seconds - a.setup) / n;
    log(
      `    after:  ${a.seconds.toFixed(1)} s (${(a.seconds / n).toFixed(2)} s per notebook; setup ` +
        `${a.setup.toFixed(1)} s, then ${marginal.toFixed(2)} s per notebook)`,
    );
    const unexpected = unexpectedGrades(masters, students, mix, a.rows);
    log(
      `    marks: ${unexpected.length ? `${unexpected.length} unexpected:\n      ${unexpected.join("\n      ")}` : "as the kinds should get"}`,
    );
    const b = withBefore ? await timed(dir, masters, beforeOptions(path.join(out, "before")), log) : null;
    if (b !== null) log(`    before: ${b.seconds.toFixed(1)} s (${(b.seconds / n).toFixed(2)} s per notebook)`);
    // 7 grading runs (one per homework), each with its setup, and 2,100 notebooks
    const hours = (setup: number, perNotebook: number) => (7 * setup + 300 * 7 * perNotebook) / 3600;
    return {
      ms: a.seconds * 1000,
      notebooks: n,
      mix,
      kinds,
      seconds_per_notebook: a.seconds / n,
      setup_seconds: a.setup,
      marginal_seconds_per_notebook: marginal,
      runs: a.runs,
      mean_run_seconds: a.mean,
      projected_hours_300x7: hours(a.setup, marginal),
      unexpected,
      before_seconds_per_notebook: b === null ? undefined : b.seconds / n,
      before_projected_hours_300x7: b === null ? undefined : hours(b.setup, (b.seconds - b.setup) / n),
      speedup: b === null ? undefined : b.seconds / a.seconds,
      note:
        `${n} synthetic notebooks (${students} students × ${masters.map((m) => m.name.slice(0, 2)).join(",")}: all right, all wrong, all ` +
        `stubs, then the ${mix} mix); after: jobs ${after.jobs}, cells compiled ahead per runner, time budgets ` +
        `from the references; before: jobs 1, cell limit 30 s, call limit ${after.callTimeout ?? 10} s; projection: ` +
        `7 setups + 2,100 notebooks at the same mix, wall-clock on this machine (${os.cpus().length} cores, load ` +
        `${os
          .loadavg()
          .map((v) => v.toFixed(1))
          .join(" ")})`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--students");
  const students = i >= 0 ? Number(args[i + 1]) : 4;
  const json = args.includes("--json");
  const h = args.indexOf("--homework");
  const homework = h >= 0 ? args[h + 1].split(",") : [];
  const log = (s: string) => (json ? process.stderr.write(s + "\n") : console.log(s));
  const m = args.indexOf("--mix");
  const mix: Mix = m >= 0 && (args[m + 1] === "worst" || args[m + 1] === "answers") ? (args[m + 1] as Mix) : "class";
  const j = args.indexOf("--jobs");
  gradeClass(
    students,
    log,
    homework,
    !args.includes("--no-before"),
    mix,
    j >= 0 ? Number(args[j + 1]) : undefined,
  ).then(
    (e) => {
      console.log(json ? JSON.stringify(e, null, 2) : JSON.stringify(e, null, 1));
      if (e.unexpected.length) process.exitCode = 1; // fast, but wrong marks
    },
    (e: Error) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
