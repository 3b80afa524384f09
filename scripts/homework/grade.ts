// npm run grade -- <folder of submitted notebooks>: grade homework submissions against their masters.
//
//   npm run grade -- submissions/                  masters from notebooks/homework-masters/
//   npm run grade -- submissions/ --masters DIR    masters kept elsewhere (repeatable; or MASTER.ipynb files)
//   options: --out DIR (build/grades)  --timeout S (per notebook, 300)  --cell-timeout S (per cell, 120)
//            --call-timeout S (per call of a student's function, 10)  --check-timeout S (per check, 60)
//            --jobs N (notebooks run at once, two per core)  --shared-kernel (trusted notebooks only)
//            --full-limits (no time budgets from the references: every limit at its full length)
//            --marks FILE (the written questions' marks: build/grades/written/marks.csv filled in)
//            --roster FILE (platform ids for canvas.csv / moodle.csv)  --hide-hidden-inputs (feedback)
//            --unisolated (without root: students' kernels run as the grader's user; see grading/isolation.ts)
//            --resume (into the same --out: notebooks graded in full before and unchanged are not run again)
//
// Submissions: either one sub-folder per student (student = folder name, any .ipynb inside) or
// notebooks directly in the folder (student = file name stem, without the master's name if it holds
// it: "alice-01-perceptron.ipynb" → alice). Each is matched to its master by the notebook's metadata
// (descent.homework, written by `npm run release`), else by the master's name in the file name.
//
// For each submission: (1) compare with the master and report tampering (a check or locked cell
// deleted or edited, points changed, grade_id duplicated, cell type changed); (2) build the graded
// notebook from the MASTER's cells (locked cells, check cells with their hidden tests) and the
// student's solution cells only; (3) run it in the Descent kernel with time limits, in the student
// edition, as an unprivileged user apart from the answers (grading/isolation.ts; needs root) (a crash, a
// process.exit or an endless loop in one exercise is reported for that exercise; the notebook is
// run again with that exercise's solution replaced by the stub so later exercises are still graded);
// (4) read what each check cell sent (the student's outputs on the grader's arguments) and judge it here. Writes build/grades/gradebook.csv, one feedback
// file per student (build/grades/feedback/<student>.md) and the executed notebooks
// (build/grades/executed/<student>/), and prints a summary table.
//
// The steps, one module each under scripts/homework/grading/ (like nbgrader's preprocessors):
//   submissions.ts (read submissions) → tampering.ts (detect tampering) → gradedNotebook.ts (build the
//   graded notebook) → runNotebooks.ts (run) → results.ts (read results) → gradeSubmissions.ts (grade)
//   → outputs.ts (write the gradebook and feedback); masters.ts reads the masters.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./notebook";
import { collectInbox, SubmissionRecord, writeLateness } from "../hub/inbox";
import { grade } from "./grading/gradeSubmissions";
import { Master, loadMasters } from "./grading/masters";
import { defaultGradeOptions, GradeOptions } from "./grading/options";
import { progressLine, summaryTable } from "./grading/outputs";
export * from "./grading/options";
export * from "./grading/masters";
export * from "./grading/submissions";
export * from "./grading/tampering";
export * from "./grading/gradedNotebook";
export * from "./grading/runNotebooks";
export * from "./grading/results";
export * from "./grading/gradeSubmissions";
export * from "./grading/outputs";
export * from "./grading/written";
export * from "./grading/exports";
export * from "./grading/isolation";

function parseArgs(argv: string[]): { dir: string; masters: string[]; options: GradeOptions; inbox?: string } | string {
  const options: GradeOptions = defaultGradeOptions(path.join(root, "build", "grades"));
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
    else if (a === "--call-timeout") options.callTimeout = num(a);
    else if (a === "--check-timeout") options.checkTimeout = num(a);
    else if (a === "--jobs") options.jobs = Math.floor(num(a));
    else if (a === "--shared-kernel") options.sharedKernel = true;
    else if (a === "--full-limits") options.referenceBudget = false;
    else if (a === "--inbox") inbox = path.resolve(argv[++i] ?? "");
    else if (a === "--marks") options.marks = path.resolve(argv[++i] ?? "");
    else if (a === "--roster") options.roster = path.resolve(argv[++i] ?? "");
    else if (a === "--hide-hidden-inputs") options.hideHiddenInputs = true;
    else if (a === "--unisolated") options.unisolated = true;
    else if (a === "--resume") options.resume = true;
    else if (a === "-h" || a === "--help") return "help";
    else if (a.startsWith("--")) throw new Error(`grade: unknown option ${a} (try --help)`);
    else if (dir) throw new Error(`grade: one folder of submissions, got ${dir} and ${a}`);
    else dir = path.resolve(a);
  }
  if (inbox && !dir) dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-inbox-latest-")); // not in --out: grading empties it
  if (!dir) return "help";
  return { dir, masters, options, inbox };
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
    console.log(
      "usage: npm run grade -- <folder of submissions> | --inbox DIR [--masters DIR|FILE] [--out DIR] [--timeout S] [--cell-timeout S] [--call-timeout S] [--check-timeout S] [--jobs N] [--shared-kernel] [--full-limits] [--marks FILE] [--roster FILE] [--hide-hidden-inputs] [--unisolated] [--resume]",
    );
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
  const t0 = performance.now();
  options.graded = (done, total) => {
    const line = progressLine(done, total, (performance.now() - t0) / 1000);
    if (line) console.error(line);
  };
  options.progress = (r) =>
    console.error(
      `[grade] ${path.basename(path.dirname(r.out))}/${path.basename(r.out)} ${r.seconds}s${r.reason ? ` (${r.reason})` : ""}`,
    );
  const report = await grade(dir, masters, options);
  console.log(summaryTable(report.rows));
  if (submissions) console.log(`lateness:  ${path.relative(process.cwd(), writeLateness(submissions, options.out))}`);
  console.log(
    `\ngradebook: ${path.relative(process.cwd(), report.gradebook)}\nfeedback:  ${path.relative(process.cwd(), report.feedbackDir)}/\nCanvas:    ${path.relative(process.cwd(), path.join(options.out, "canvas.csv"))}\nMoodle:    ${path.relative(process.cwd(), path.join(options.out, "moodle.csv"))}`,
  );
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
