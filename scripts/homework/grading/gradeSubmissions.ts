// Grading: the steps in order (read submissions, detect tampering, build, run, read results) for a folder of submissions.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { mastersDir, nbgraderOf, Notebook, readNotebook, root, sourceOf, writeNotebook } from "../notebook";
import {
  demoCells,
  exercisesCalledIn,
  gradedNotebook,
  servedByGrader,
  solutionCellOf,
  studentCells,
} from "./gradedNotebook";
import { BUDGET, gradingCalls } from "./calls";
import { GradingCourseOptions, makeGradingCourse } from "./gradingCourse";
import { UNISOLATED_LOSS, isolationProblem, protectAnswers } from "./isolation";
import { Master } from "./masters";
import { GradeOptions } from "./options";
import { toCsv, writeFeedback } from "./outputs";
import { Row, Status, exerciseRow } from "./results";
import { collectWritten, questionsOf, readMarksFile } from "./written";
import { hideHiddenInputs, writeExports } from "./exports";
import { bundleReferenceServer, ReferenceServer, startReferenceServer } from "./referenceServer";
import { codeHash, gradingKey, keepForResume, masterKey, savedRows, saveRows } from "./resume";
import { RunJob, RunResult, RunnerPool } from "./runNotebooks";
import { Submission, findSubmissions, safeName } from "./submissions";
import { Issue, findIssues } from "./tampering";

export interface GradeReport {
  rows: Row[];
  gradebook: string;
  feedbackDir: string;
}

/** One submission being graded (exported for tests). */
export interface Work {
  sub: Submission;
  master: Master;
  student: Notebook;
  issues: Issue[];
  stubbed: Set<number>;
  /** Cells of the course's that ran out of their budget in an earlier run: the cell limit from then on. */
  relaxed: Set<number>;
  /** Final row per exercise (filled as rounds finish). */
  rows: (Omit<Row, "student" | "notebook" | "notes"> | null)[];
  executedFile: string;
}

/**
 * How students' kernels run: isolated (as root), after making the answers, the submissions and the
 * results unreadable by others (saying what it changed); unisolated only when the grader asked for it.
 */
function gradingIsolation(
  submissionsDir: string,
  masters: Master[],
  options: GradeOptions,
  tmp: string,
  pipes: string,
): GradingCourseOptions {
  const problem = isolationProblem();
  if (options.unisolated) {
    console.error(`[grade] --unisolated: ${UNISOLATED_LOSS}`);
    return { isolatedRunners: null };
  }
  if (problem)
    throw new Error(
      `${problem}; without it ${UNISOLATED_LOSS}. Run the grader as root, or pass --unisolated to grade anyway.`,
    );
  const answers = [
    path.join(root, "src", "homework", "exercises"),
    mastersDir,
    ...masters.map((m) => path.dirname(m.file)),
    submissionsDir,
  ];
  for (const note of protectAnswers(answers)) console.error(`[grade] ${note}`);
  return {
    isolatedRunners: options.sharedKernel ? 1 : Math.max(1, options.jobs),
    hidden: [root, ...answers, options.out, tmp],
    keep: [pipes],
  };
}

/**
 * Each cell's budget (ms) from the references: a solution cell 20 × its exercise's reference time over all
 * its cases (a solution cell only declares its function: a loop at its top level is cut off after seconds,
 * not minutes); a cell of the course's that calls students' functions (a demo) the same over the exercises
 * it calls (a false alarm costs a rerun, never points: those exercises' checks ran before it).
 */
export function cellBudgetsMs(master: Master, referenceMs: Map<string, number>): Record<number, number> {
  const budgets: Record<number, number> = {};
  const exerciseMs = (e: number) =>
    [...master.exercises[e].visible, ...master.exercises[e].hidden].reduce(
      (a, id) => a + (referenceMs.get(id) ?? 0),
      0,
    );
  master.nb.cells.forEach((c, i) => {
    const e = master.owner[i];
    if (c.cell_type === "code" && master.exercises[e] && nbgraderOf(c)?.solution)
      budgets[i] = BUDGET.cellFactor * exerciseMs(e);
  });
  for (const [i, called] of demoCells(master))
    budgets[i] = BUDGET.cellFactor * called.reduce((a, k) => a + exerciseMs(k), 0);
  return budgets;
}

/**
 * The cells to watch, each with the check cells of the earlier exercises whose functions it calls: the
 * cells of the course's that call students' functions (demos), and an exercise's solution and check cells
 * when its solution (the student's, as in `nb`) calls an earlier exercise's function. Once one of those
 * checks has seen its function run out of time, the run stops before the watched cell (no time spent
 * waiting for the loop again) and the notebook runs again with that function served by the grader, so the
 * later exercise is graded on its own work, never on a function that loops (settleRun). Cells of `relaxed`
 * are not watched (a forged "ran out of time" stops a run once).
 */
export function callWatches(master: Master, nb: Notebook, relaxed: Set<number>): Record<number, number[]> {
  const watches: Record<number, number[]> = {};
  const checkCells = (called: number[]) => called.map((e) => master.exercises[e].cell);
  for (const [i, called] of demoCells(master)) watches[i] = checkCells(called);
  master.exercises.forEach((ex, k) => {
    const sol = solutionCellOf(master, k);
    if (sol < 0 || !nb.cells[sol]) return;
    const called = exercisesCalledIn(master, sol, sourceOf(nb.cells[sol])).filter((j) => j < k);
    if (called.length) for (const i of [sol, ex.cell]) watches[i] = checkCells(called);
  });
  for (const i of relaxed) delete watches[i];
  return watches;
}

/**
 * The cells' own time limits (s) from their budgets: at least `floorS` (BUDGET: 30 s, or 10 s while the
 * kernel's cells come compiled ahead), at most the cell limit; the cells of `relaxed` (they ran out of
 * their budget in an earlier run) get the cell limit.
 */
function cellLimits(
  budgets: Record<number, number>,
  floorS: number,
  cellTimeout: number,
  relaxed: Set<number>,
): Record<number, number> {
  return Object.fromEntries(
    Object.entries(budgets)
      .filter(([i]) => !relaxed.has(Number(i)))
      .map(([i, ms]) => [i, Math.min(cellTimeout, Math.max(floorS, Math.ceil(ms / 1000)))]),
  );
}

/**
 * One run's rows: what its exercises scored, or (into `next`) a run again. A crash or timeout in a
 * student's cell costs that exercise. One in a cell of the course's that calls students' functions (a
 * demo): those exercises are run again as the grader's, and the ones after it are graded in the next run;
 * one in a set-up cell that calls none costs the rest. A kernel that did not start (the machine's fault,
 * not the student's) is run again while rounds are left.
 */
export function settleRun(
  w: Work,
  job: RunJob,
  run: RunResult,
  roundsLeft: boolean,
  serve: boolean,
  token: string,
  next: Work[],
): void {
  if (run.reason === "start failed" && roundsLeft) {
    next.push(w);
    return;
  }
  let executed: Notebook;
  try {
    executed = readNotebook(job.output);
  } catch {
    executed = gradedNotebook(w.master, w.student, w.stubbed);
  }
  // this run's row of each exercise, judged once (a suspect's is looked at before it is kept)
  const judged = new Map<number, ReturnType<typeof exerciseRow>>();
  const rowNow = (e: number) => {
    let r = judged.get(e);
    if (!r) judged.set(e, (r = exerciseRow(w.master, e, executed, run, token)));
    return r;
  };
  const stuckIn = (es: number[]) =>
    es.filter((e) => !w.stubbed.has(e) && ["timeout", "kernel died"].includes((w.rows[e] ?? rowNow(e)).status));
  // Exercises from `firstAgain` on are graded again in the next round, with the exercises of `toStub` stubbed.
  let firstAgain = Infinity;
  let toStub: number[] = [];
  if (run.reason === "callee timeout" && run.stopped_at !== null) {
    // Stopped before a cell that calls a function that ran out of time in its own check (callWatches):
    // the exercises before that cell are decided; the rest run again with that function served by the grader.
    const i = run.stopped_at;
    const watches = job.watches ?? {};
    const checks = watches[i] ?? [];
    toStub = stuckIn(checks.map((cell) => w.master.exercises.findIndex((x) => x.cell === cell)));
    // none of those exercises' rows says so (an outcome of another check shown in that cell): those cells
    // are not watched again
    if (!toStub.length)
      for (const [c, list] of Object.entries(watches)) if (list.some((x) => checks.includes(x))) w.relaxed.add(+c);
    firstAgain = w.master.owner[i] >= 0 ? w.master.owner[i] : w.master.exercises.length;
  } else if (run.stopped_at !== null && run.reason !== "start failed") {
    // (the suspects: those whose own check ran out of time or died, else every one it calls)
    const inStudentCell = studentCells(w.master).includes(run.stopped_at);
    const called = inStudentCell
      ? []
      : (demoCells(w.master).get(run.stopped_at) ?? []).filter((e) => !w.stubbed.has(e));
    const stuck = stuckIn(called);
    const suspects = stuck.length ? stuck : called;
    const stopEx = inStudentCell ? w.master.owner[run.stopped_at] : suspects.length ? Math.max(...suspects) : -1;
    if (suspects.length) w.relaxed.add(run.stopped_at);
    if (stopEx >= 0) [firstAgain, toStub] = [stopEx + 1, [...suspects.slice(0, -1), stopEx]];
  }
  const now: number[] = []; // decided in this run
  w.master.exercises.forEach((_, e) => {
    if (w.rows[e] !== null) return; // decided in an earlier round
    if (e >= firstAgain) return; // graded again in the next round
    w.rows[e] = rowNow(e);
    now.push(e);
  });
  let again = w.rows.some((r) => r === null);
  if (again) for (const e of toStub) w.stubbed.add(e);
  // A check that ran out of time in a function that calls an earlier exercise's function which ran out of
  // time in its own check (hw05: the experiments call miniBatches): graded again with that earlier
  // function served by the grader, so the later exercise is judged on its own work.
  // (in order: one that calls a function graded again this way is graded again too, hw05's ex3 calling ex2)
  if (serve && roundsLeft) {
    const regraded = new Set<number>();
    for (const k of now) {
      if (w.rows[k]?.status !== "timeout") continue;
      const sol = solutionCellOf(w.master, k);
      if (sol < 0 || !executed.cells[sol]) continue;
      const callees = exercisesCalledIn(w.master, sol, sourceOf(executed.cells[sol])).filter((j) => j < k);
      const served = callees.filter(
        (j) =>
          !regraded.has(j) &&
          w.rows[j]?.status === "timeout" &&
          !w.stubbed.has(j) &&
          servedByGrader(w.master, j) !== null,
      );
      if (!served.length && !callees.some((j) => regraded.has(j))) continue;
      w.rows[k] = null;
      regraded.add(k);
      for (const j of served) w.stubbed.add(j);
      again = true;
    }
  }
  if (again) next.push(w);
}

export async function grade(submissionsDir: string, masters: Master[], options: GradeOptions): Promise<GradeReport> {
  const subs = findSubmissions(submissionsDir, masters);
  const marks = readMarksFile(options.marks); // before the output folder (which may hold it) is emptied
  const rows: Row[] = [];
  const work: Work[] = [];
  const executedDir = path.join(options.out, "executed");
  if (!options.resume) fs.rmSync(options.out, { recursive: true, force: true }); // (resumed: keepForResume below)
  fs.mkdirSync(executedDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(options.out, 0o700); // other students' results: the grader's only
  const seenPairs = new Set<string>();
  for (const sub of subs) {
    if (!sub.master || sub.problem) {
      rows.push({
        student: sub.student,
        notebook: path.basename(sub.file),
        exercise: "",
        points: 0,
        max: 0,
        message: sub.problem ?? "",
        status: "unreadable",
        notes: "",
        output: "",
      });
      continue;
    }
    const key = `${sub.student}\u0000${sub.master.name}`;
    const student = readNotebook(sub.file);
    const issues = findIssues(sub.master, student);
    if (seenPairs.has(key))
      issues.push({
        exercise: -1,
        text: `a second submission of ${sub.master.name} (${path.basename(sub.file)}); both are graded`,
        tamper: true,
      });
    seenPairs.add(key);
    const executedFile = path.join(
      executedDir,
      safeName(sub.student),
      `${sub.master.name}${work.some((w) => w.executedFile.endsWith(`${safeName(sub.student)}${path.sep}${sub.master!.name}.ipynb`)) ? "-" + work.length : ""}.ipynb`,
    );
    work.push({
      sub,
      master: sub.master,
      student,
      issues,
      stubbed: new Set(),
      relaxed: new Set(),
      rows: sub.master.exercises.map(() => null),
      executedFile,
    });
  }
  // Each notebook's key (grading/resume.ts); resumed, a notebook graded in full under the same key keeps its rows.
  const code = codeHash();
  const masterKeys = new Map([...new Set(work.map((w) => w.master))].map((m) => [m, masterKey(m.file, code, options)]));
  const keys = new Map(work.map((w) => [w, gradingKey(w.sub.file, masterKeys.get(w.master)!)]));
  if (options.resume) {
    keepForResume(
      options.out,
      work.map((w) => w.executedFile),
    );
    let reused = 0;
    for (const w of work) {
      const saved = savedRows(options.out, w.executedFile, keys.get(w)!, w.master.exercises.length);
      if (saved) [w.rows, reused] = [saved, reused + 1];
    }
    console.error(`[grade] --resume: ${reused} of ${work.length} notebooks graded before, unchanged; grading the rest`);
  }
  // Rounds: run what is unfinished; after a crash or timeout in exercise e, stub e and run again.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-graded-"));
  const cleanUps = [() => fs.rmSync(tmp, { recursive: true, force: true })];
  let pool: RunnerPool | null = null;
  try {
    // Student code runs in a copy of the course without answers; each master's case arguments go
    // to the kernel as data, and the checks are judged here (results.ts).
    // Run as an unprivileged user, apart from the answers, unless the grader said --unisolated (isolation.ts).
    // A rerun after a top-level crash: the crashed exercises' functions are computed by a process of the
    // grader's (referenceServer.ts, src/homework/byGrader.ts says why there), one per rerun notebook.
    // Their pipes are outside `tmp` (which an isolated kernel cannot see): a folder others may pass through
    // but not list, each server's pipes in a folder of a random name that only that notebook's calls file holds.
    const pipes = fs.mkdtempSync(path.join(os.tmpdir(), "descent-by-grader-"));
    fs.chmodSync(pipes, 0o711);
    cleanUps.push(() => fs.rmSync(pipes, { recursive: true, force: true }));
    const course = makeGradingCourse(
      gradingIsolation(submissionsDir, [...new Set(work.map((w) => w.master))], options, tmp, pipes),
    );
    cleanUps.push(course.remove);
    // (the edition's kernel cache of src/ is compiled when the course is built: gradingCourse.ts)
    const limits = { callMs: 1000 * (options.callTimeout ?? 10), checkMs: 1000 * (options.checkTimeout ?? 60) };
    const callsFiles = new Map<Master, string>();
    const masters = [...new Set(work.map((w) => w.master))];
    const budget = options.referenceBudget ?? true;
    const made = new Map(masters.map((m) => [m, gradingCalls(m, limits, budget)]));
    // without a budget every cell gets the cell limit
    const budgets = new Map(masters.map((m) => [m, budget ? cellBudgetsMs(m, made.get(m)!.referenceMs) : {}]));
    if (options.sharedKernel) {
      // One kernel reads one file at its start: every master's arguments in it (exercise ids are unique).
      const all = masters.map((m) => made.get(m)!.calls);
      const file = path.join(tmp, "calls-all.json");
      fs.writeFileSync(
        file,
        JSON.stringify({ ...limits, exercises: Object.assign({}, ...all.map((c) => c.exercises)) }),
        { mode: 0o600 },
      );
      for (const m of masters) callsFiles.set(m, file);
    } else {
      for (const m of masters) {
        const file = path.join(tmp, `calls-${callsFiles.size}.json`);
        fs.writeFileSync(file, JSON.stringify(made.get(m)!.calls), { mode: 0o600 });
        callsFiles.set(m, file);
      }
    }
    // The homework whose checks may take longest first (the sum of its checks' limits: hw04, hw05 and hw07 train
    // models), so that a long run (an endless loop in an experiment waits 10 s or more per check) starts early
    // and the grading run does not end with one runner working on it while the others have nothing left.
    const longest = new Map(
      masters.map((m) => [
        m,
        Object.values(made.get(m)!.calls.exercises).reduce((t, e) => t + (e.checkMs ?? limits.checkMs), 0),
      ]),
    );
    let pending = work
      .filter((w) => w.master.exercises.length > 0 && w.rows.some((r) => r === null))
      .sort((a, b) => longest.get(b.master)! - longest.get(a.master)!);
    // the runners, kept for the whole grading run (grading/runNotebooks.ts)
    pool = new RunnerPool(options, course);
    // the reference servers' code, bundled once (in `tmp`: no kernel sees it)
    const referenceBundle = options.sharedKernel
      ? null
      : await bundleReferenceServer(tmp).catch((e: Error) => {
          console.error(
            `[grade] the reference server could not be bundled (${e.message}); reruns start it through tsx`,
          );
          return null;
        });
    const retries = options.retries ?? 3;
    // A notebook's round: 0 for its first run, then one more for each run again after a crash or timeout.
    const rounds = new Map<Work, number>();
    let runsMade = 0; // (their files' names)
    type Started = { w: Work; job: RunJob; server: ReferenceServer | null };
    const started: Started[] = [];
    const start = (w: Work, sharedToken?: string): Started => {
      const round = rounds.get(w) ?? 0;
      const n = runsMade++;
      const input = path.join(tmp, `r${round}-${n}-${w.master.name}.ipynb`);
      const served = new Set(
        options.sharedKernel ? [] : [...w.stubbed].filter((e) => servedByGrader(w.master, e) !== null),
      );
      const graded = gradedNotebook(w.master, w.student, w.stubbed, served);
      writeNotebook(input, graded);
      let calls = callsFiles.get(w.master);
      let server: ReferenceServer | null = null;
      if (served.size && calls && !options.sharedKernel) {
        server = startReferenceServer(
          pipes,
          [...served].map((e) => servedByGrader(w.master, e)!.id),
          referenceBundle,
        );
        const own = JSON.parse(fs.readFileSync(calls, "utf8")) as object;
        calls = path.join(tmp, `calls-r${round}-${n}.json`);
        const byGrader = { request: server.request, response: server.response };
        fs.writeFileSync(calls, JSON.stringify({ ...own, byGrader }), { mode: 0o600 });
      }
      const s: Started = {
        w,
        server,
        job: {
          input,
          output: w.executedFile,
          // (one kernel for all: one token, the first notebook's)
          token: sharedToken ?? randomBytes(32).toString("hex"),
          limits: cellLimits(budgets.get(w.master)!, BUDGET.cellFloorS, options.cellTimeout, w.relaxed),
          compiledLimits: cellLimits(budgets.get(w.master)!, BUDGET.compiledCellFloorS, options.cellTimeout, w.relaxed),
          calls,
          // with budgets only (--full-limits waits for every limit at its full length), while a round is left
          ...(budget && round < retries ? { watches: callWatches(w.master, graded, w.relaxed) } : {}),
        },
      };
      started.push(s);
      return s;
    };
    // Each notebook's rows are judged as its result comes in, while the runners go on with the others; a
    // notebook to run again (after a crash or timeout in exercise e: e stubbed or served) goes back to the
    // runners at once. (One shared kernel: in rounds, every notebook of a round in one kernel.)
    const byInput = new Map<string, Started>();
    let failure: unknown = null;
    const toGrade = pending.length;
    let fullyGraded = 0;
    // the notebooks of `ws` to run again (rounds left)
    const again = (ws: Work[]) => ws.filter((w) => (rounds.get(w) ?? 0) < retries);
    const settle = (run: RunResult, next: Work[]) => {
      const j = byInput.get(run.in);
      if (!j) return;
      byInput.delete(run.in);
      j.server?.stop();
      try {
        const round = rounds.get(j.w) ?? 0;
        settleRun(j.w, j.job, run, round < retries, !options.sharedKernel, j.job.token, next);
        // graded in full: not run again (no run left counts too: its undecided rows say "not run")
        if (!again(next).includes(j.w)) {
          saveRows(options.out, j.w.executedFile, keys.get(j.w)!, j.w.rows);
          options.graded?.(++fullyGraded, toGrade);
        }
      } catch (e) {
        failure ??= e;
      }
    };
    try {
      for (let round = 0; pending.length > 0; round++) {
        for (const w of pending) rounds.set(w, round);
        const first = options.sharedKernel ? randomBytes(32).toString("hex") : undefined;
        const jobs = pending.map((w) => start(w, first));
        for (const j of jobs) byInput.set(j.job.input, j);
        const next: Work[] = [];
        await pool.run(
          jobs.map((j) => j.job),
          (run) => {
            settle(run, next);
            if (options.sharedKernel || failure) return;
            try {
              const more = again(next.splice(0)).map((w) => {
                rounds.set(w, (rounds.get(w) ?? 0) + 1);
                const j = start(w);
                byInput.set(j.job.input, j);
                return j.job;
              });
              if (more.length) pool!.more(more);
            } catch (e) {
              failure ??= e; // (a rerun that cannot be prepared: the grading run ends with this error)
            }
          },
        );
        if (failure) throw failure;
        pending = again(next);
      }
    } finally {
      for (const s of started) s.server?.stop();
    }
  } finally {
    await pool?.close(); // (before the course its kernels run in goes)
    for (const c of cleanUps) c();
  }
  for (const w of work) {
    w.master.exercises.forEach((ex, e) => {
      const r = w.rows[e] ?? {
        exercise: ex.name,
        points: 0,
        max: ex.points,
        status: "not run" as Status,
        message: "not run (too many crashes in this notebook)",
        output: "",
      };
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
  // Written questions: answers collected for marking, marks merged (grading/written.ts).
  rows.push(
    ...collectWritten(
      work.map((w) => ({ student: w.sub.student, master: w.master, nb: w.student })),
      options.out,
      marks,
    ),
  );
  // Students who handed in some notebooks but not all of the ones others handed in.
  const students = [...new Set(rows.map((r) => r.student))].sort();
  const handedIn = [...new Set(work.map((w) => w.master))];
  for (const s of students) {
    for (const m of handedIn) {
      if (work.some((w) => w.sub.student === s && w.master === m)) continue;
      for (const ex of m.exercises)
        rows.push({
          student: s,
          notebook: m.name,
          exercise: ex.name,
          points: 0,
          max: ex.points,
          message: "no submission",
          status: "missing",
          notes: "",
          output: "",
        });
      for (const q of questionsOf(m))
        rows.push({
          student: s,
          notebook: m.name,
          exercise: q.gradeId,
          points: 0,
          max: q.points,
          message: "no submission",
          status: "missing",
          notes: "",
          output: "",
        });
    }
  }
  rows.sort((a, b) => a.student.localeCompare(b.student) || a.notebook.localeCompare(b.notebook));
  const gradebook = path.join(options.out, "gradebook.csv");
  fs.writeFileSync(gradebook, toCsv(rows));
  const feedbackDir = path.join(options.out, "feedback");
  writeFeedback(
    options.hideHiddenInputs ? rows.map((r) => ({ ...r, output: hideHiddenInputs(r.output) })) : rows,
    feedbackDir,
  );
  writeExports(rows, options.out, options.roster); // canvas.csv, moodle.csv (grading/exports.ts)
  return { rows, gradebook, feedbackDir };
}
