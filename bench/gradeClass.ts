/**
 * The bench's `grade_class` entry: `npm run grade`'s whole pipeline on synthetic submissions of all 7
 * homework (test/support/submissions.ts: right, wrong, stubs, throws, endless loops inside a function
 * and at a cell's top level, process.exit), reported as wall-clock seconds per notebook and projected
 * to 300 students × 7 homework on this machine. Two configurations on the same submissions, in the
 * same run: `before` (the grader's settings before session 7: one kernel at a time, every time limit
 * at its full length) and `after` (the defaults now). Each notebook still runs in a fresh kernel
 * process of its own in both.
 *
 *   npm run bench -- grade_class                 (or --only grade_class)
 *   node --import tsx bench/gradeClass.ts [--students N] [--homework 01,03] [--json] [--no-before]
 *   (--no-before: the `after` configuration alone; `before` fields are then null)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultGradeOptions, grade, GradeOptions, loadMasters, Master } from "../scripts/homework/grade";
import { writeNotebook } from "../scripts/homework/notebook";
import { Kind, submissionOfKinds } from "../test/support/submissions";

export interface GradeClassEntry {
  ms: number;
  notebooks: number;
  seconds_per_notebook: number;
  projected_hours_300x7: number;
  before_seconds_per_notebook?: number;
  before_projected_hours_300x7?: number;
  speedup?: number;
  note: string;
}

/** The mixed student's kinds: every homework gets each failure once, the rest right (a deterministic pattern). */
const MIX: Kind[] = ["right", "loop", "right", "exit", "wrong", "top-loop", "throws", "stub"];

/** Student s's kind for exercise e of homework h: 0 all right, 1 all wrong, 2 all stubs, then mixed. */
function kindOf(s: number, h: number, e: number): Kind {
  if (s === 0) return "right";
  if (s === 1) return "wrong";
  if (s === 2) return "stub";
  return MIX[(e + h + s) % MIX.length];
}

/** Writes the synthetic class: `students` per homework, one folder per student. */
export function writeClass(dir: string, masters: Master[], students: number): number {
  let n = 0;
  masters.forEach((m, h) => {
    for (let s = 0; s < students; s++) {
      const kinds = Object.fromEntries(m.exercises.map((ex, e) => [ex.name, kindOf(s, h, e)]));
      writeNotebook(path.join(dir, `student${s}`, `${m.name}.ipynb`), submissionOfKinds(m, kinds));
      n++;
    }
  });
  return n;
}

/** The grader's settings before session 7 (one kernel at a time, limits at full length, the same per-call limit). */
export function beforeOptions(out: string): GradeOptions {
  return { ...defaultGradeOptions(out), jobs: 1, cellTimeout: 30, referenceBudget: false };
}

async function timed(dir: string, masters: Master[], options: GradeOptions, log: (s: string) => void): Promise<number> {
  const t0 = performance.now();
  options.progress = (r) =>
    log(
      `      ${path.basename(path.dirname(r.out))}/${path.basename(r.out)}: ${r.seconds} s in the kernel` +
        `${r.reason ? ` (${r.reason})` : ""}, ${((performance.now() - t0) / 1000).toFixed(1)} s so far`,
    );
  await grade(dir, masters, options);
  return (performance.now() - t0) / 1000;
}

/** `homework`: the masters' name prefixes to grade ("03", "01-perceptron"; all 7 when empty). */
export async function gradeClass(
  students: number,
  log: (s: string) => void,
  homework: string[] = [],
  withBefore = true,
): Promise<GradeClassEntry> {
  const masters = loadMasters([]).filter((m) => !homework.length || homework.some((h) => m.name.startsWith(h)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-bench-class-"));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-bench-grades-"));
  try {
    const n = writeClass(dir, masters, students);
    const after = defaultGradeOptions(path.join(out, "after"));
    log(`  grade_class: ${n} notebooks (${students} students × ${masters.length} homework), jobs ${after.jobs} …`);
    const afterS = await timed(dir, masters, after, log);
    log(`    after:  ${afterS.toFixed(1)} s (${(afterS / n).toFixed(2)} s per notebook)`);
    const beforeS = withBefore ? await timed(dir, masters, beforeOptions(path.join(out, "before")), log) : null;
    if (beforeS !== null) log(`    before: ${beforeS.toFixed(1)} s (${(beforeS / n).toFixed(2)} s per notebook)`);
    const hours = (s: number) => (300 * 7 * (s / n)) / 3600;
    return {
      ms: afterS * 1000,
      notebooks: n,
      seconds_per_notebook: afterS / n,
      projected_hours_300x7: hours(afterS),
      before_seconds_per_notebook: beforeS === null ? undefined : beforeS / n,
      before_projected_hours_300x7: beforeS === null ? undefined : hours(beforeS),
      speedup: beforeS === null ? undefined : beforeS / afterS,
      note:
        `${n} synthetic notebooks (${students} students × ${masters.map((m) => m.name.slice(0, 2)).join(",")}: all right, all wrong, all ` +
        `stubs, then a mix with an endless loop in a function, one at a cell's top level, a process.exit, a ` +
        `throw, per homework); after: jobs ${after.jobs}, time budgets from the references; before: jobs 1, ` +
        `cell limit 30 s (the CLI's default was 120 s), call limit ${after.callTimeout ?? 10} s; projection: 2,100 ` +
        `notebooks at the same mix, wall-clock on this machine (${os.cpus().length} cores, load ` +
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
  gradeClass(students, log, homework, !args.includes("--no-before")).then(
    (e) => console.log(json ? JSON.stringify(e, null, 2) : JSON.stringify(e, null, 1)),
    (e: Error) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
