// Issue 22, item 1: a solution cell that stops the kernel at its TOP LEVEL (an endless loop, process.exit
// in the cell itself) costs that exercise only: the rerun gives later exercises the grader's version of
// the function (src/homework/byGrader.ts), without its code entering the kernel. So does a function that
// loops forever when a cell of the course's own (a demo) calls it.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { grade, loadMaster, Row, servedByGrader } from "../scripts/homework/grade";
import { listMasters, mastersDir, readNotebook, sourceOf, writeNotebook } from "../scripts/homework/notebook";
import { cellById, setSource, solutionOf, submission, submissionOfKinds } from "./support/submissions";
import {
  declaresNothing,
  demoCells,
  exercisesCalledIn,
  gradedNotebook,
  SKIPPED_LOOK,
  skippedAtGrading,
  solutionCellOf,
} from "../scripts/homework/grading/gradedNotebook";
import { callWatches } from "../scripts/homework/grading/gradeSubmissions";
import { RunResult } from "../scripts/homework/grading/runNotebooks";

const rowsOf = (rows: Row[], student: string): Record<string, Row> =>
  Object.fromEntries(rows.filter((r) => r.student === student).map((r) => [r.exercise, r]));

test("every exercise of every homework can be served by the grader after a top-level crash", () => {
  for (const file of listMasters(mastersDir)) {
    const master = loadMaster(file);
    master.exercises.forEach((ex, e) => {
      const served = servedByGrader(master, e);
      assert.ok(served, `${master.name} ${ex.name}: no grader's version for a rerun`);
      assert.equal(served.id, ex.name);
      assert.match(served.source, new RegExp(`return hw\\.byGrader\\("${ex.name}", arguments\\) as any;`));
      assert.doesNotMatch(served.source, /NotDoneYet|BEGIN SOLUTION/);
    });
  }
});

test(
  "hw03: a top-level endless loop in logSumExp's cell and a top-level process.exit in softmax's cost those exercises only",
  { timeout: 900_000 },
  async () => {
    const master = loadMaster(path.join(mastersDir, "03-softmax.ipynb"));
    const all = master.exercises.map((e) => e.name);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-crash-subs-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-crash-grades-"));
    // ex3's cell loops after defining a correct logSumExp; ex4 (calls logSumExp) also tries to print it.
    writeNotebook(
      path.join(dir, "looper.ipynb"),
      submission(master, all, (nb) => {
        setSource(cellById(nb, "hw03-ex3-solution"), `${solutionOf(master, "hw03-ex3")}\nwhile (true) {}`);
        setSource(
          cellById(nb, "hw03-ex4-solution"),
          `${solutionOf(master, "hw03-ex4")}\nconsole.log("PRINTED " + logSumExp.toString() + String((logSumExp as any).reference));`,
        );
      }),
    );
    // ex2's cell exits after defining a correct stableSoftmax; ex6 calls stableSoftmax (and ex5's look cell).
    writeNotebook(
      path.join(dir, "exiter.ipynb"),
      submission(master, all, (nb) =>
        setSource(cellById(nb, "hw03-ex2-solution"), `${solutionOf(master, "hw03-ex2")}\nprocess.exit(1);`),
      ),
    );
    // each run as reported: which notebook, when its run began (its report less its time), when it was reported
    const runs: { who: string; began: number; reported: number }[] = [];
    const graded: [number, number, number][] = []; // (done, total, runs reported by then)
    const t0 = performance.now();
    const report = await grade(dir, [master], {
      graded: (done, total) => graded.push([done, total, runs.length]),
      out,
      timeout: 300,
      cellTimeout: 8,
      callTimeout: 5,
      jobs: 2,
      sharedKernel: false,
      progress: (r) => {
        const reported = (performance.now() - t0) / 1000;
        const p = r.phases ?? { compile: 0, start: 0, stop: 0 };
        const who = path.basename(path.dirname(r.out));
        runs.push({ who, began: reported - r.seconds - p.compile - p.start - p.stop, reported });
      },
    });
    const show = JSON.stringify(
      report.rows.map(({ output: _o, ...r }) => r),
      null,
      1,
    );
    const full = (r: Row) => [r.points, r.status];

    const looper = rowsOf(report.rows, "looper");
    assert.deepEqual(full(looper["hw03-ex3"]), [0, "timeout"], show);
    assert.match(looper["hw03-ex3"].message, /the cell ran longer than 8s/);
    for (const ex of master.exercises.filter((x) => x.name !== "hw03-ex3"))
      assert.deepEqual(full(looper[ex.name]), [ex.points, "passed"], `looper ${ex.name}: ${show}`);

    const exiter = rowsOf(report.rows, "exiter");
    assert.deepEqual(full(exiter["hw03-ex2"]), [0, "kernel died"], show);
    assert.match(exiter["hw03-ex2"].message, /the kernel died/);
    for (const ex of master.exercises.filter((x) => x.name !== "hw03-ex2"))
      assert.deepEqual(full(exiter[ex.name]), [ex.points, "passed"], `exiter ${ex.name}: ${show}`);

    // The exiter's rerun went to a runner as soon as its first run died, while the looper's first run was
    // still waiting for its loop's limit (before, a rerun waited for the last notebook of its round).
    const [exiter1, exiter2] = runs.filter((r) => r.who === "exiter");
    const looper1 = runs.find((r) => r.who === "looper")!;
    assert.ok(exiter2, JSON.stringify(runs));
    assert.ok(
      exiter2.began < looper1.reported - 1,
      `the exiter's rerun began at ${exiter2.began.toFixed(1)} s (its first run reported at ` +
        `${exiter1.reported.toFixed(1)} s), after the looper's first run ended (${looper1.reported.toFixed(1)} s)`,
    );

    // Each notebook is counted graded once, when its last run is judged (two runs each here), not per run.
    assert.equal(runs.length, 4, JSON.stringify(runs));
    assert.deepEqual(
      graded.map(([done, total]) => [done, total]),
      [
        [1, 2],
        [2, 2],
      ],
    );
    assert.equal(graded[1][2], 4, "the second notebook is graded with the last run");

    // The grader's version printed from the kernel shows the call, never the reference's code.
    const executed = readNotebook(path.join(out, "executed", "looper", "03-softmax.ipynb"));
    const printed = JSON.stringify(executed.cells.map((c) => c.outputs ?? []));
    assert.match(printed, /PRINTED function logSumExp/);
    assert.match(printed, /hw\.byGrader/);
    const feedback = fs.readFileSync(path.join(report.feedbackDir, "looper.md"), "utf8");
    for (const secret of ["sm.logSumExp", "logSumExpRef", "reference"])
      assert.ok(!printed.includes(secret) && !feedback.includes(secret), `${secret} reached the student`);
    // The rerun's notebook says what happened in the crashed exercise's cells.
    assert.match(sourceOf(cellById(executed, "hw03-ex3-check")), /graded in an earlier run/);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  },
);

/**
 * Grades one student ("looper") whose exercises are all right but `loops` (an endless loop inside the
 * function), with two runners (the second never needed); checks that `loops` got 0 and every other
 * exercise full marks, and that the rerun served exactly `served` (function names) by the grader.
 * Returns the runs as reported.
 */
async function gradeLooper(
  master: ReturnType<typeof loadMaster>,
  loops: string,
  cellTimeout: number,
  served: string[],
): Promise<RunResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-looper-subs-"));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-looper-grades-"));
  const kinds = Object.fromEntries(master.exercises.map((e) => [e.name, e.name === loops ? "loop" : "right"] as const));
  writeNotebook(path.join(dir, "looper.ipynb"), submissionOfKinds(master, kinds));
  const runs: RunResult[] = [];
  const report = await grade(dir, [master], {
    out,
    timeout: 300,
    cellTimeout,
    callTimeout: 5,
    jobs: 2, // one notebook: the rerun goes to the runner that ran it (its compiler warm), not to a new one
    sharedKernel: false,
    progress: (r) => runs.push(r),
  });
  assert.deepEqual(
    runs.map((r) => r.runner),
    runs.map(() => 0),
    "each run's runner",
  );
  const show = JSON.stringify(
    report.rows.map(({ output: _o, ...r }) => r),
    null,
    1,
  );
  const looper = rowsOf(report.rows, "looper");
  assert.deepEqual([looper[loops].points, looper[loops].status], [0, "timeout"], show);
  for (const ex of master.exercises.filter((x) => x.name !== loops))
    assert.deepEqual([looper[ex.name].points, looper[ex.name].status], [ex.points, "passed"], `${ex.name}: ${show}`);
  const executed = readNotebook(path.join(out, "executed", "looper", `${master.name}.ipynb`));
  assert.deepEqual(
    executed.cells
      .filter((c) => /Graded in an earlier run/.test(sourceOf(c)))
      .map((c) => /Graded in an earlier run, which (\w+)/.exec(sourceOf(c))?.[1]),
    served,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
  return runs;
}

test(
  "hw06: a gradient check that loops forever also hangs the course's demo cell that calls it: it costs ex6 only",
  { timeout: 900_000 },
  async () => {
    const master = loadMaster(path.join(mastersDir, "06-backpropagation.ipynb"));
    // the demo cell after ex6's check runs the student's gradientCheck on the student's own backprop
    const demo = master.nb.cells.findIndex(
      (c, i) => i > master.exercises[5].cell && /gradientCheck\(demoNet/.test(sourceOf(c)),
    );
    assert.ok(demo > 0, "hw06 has a demo cell that calls gradientCheck after ex6's check");
    // it calls the student's forward, deltas, weightGradients and gradientCheck
    assert.deepEqual(exercisesCalledIn(master, demo, sourceOf(master.nb.cells[demo])), [0, 1, 2, 5]);
    // the rerun replaces only the function whose check ran out of time (the student's forward, … stay theirs)
    const runs = await gradeLooper(master, "hw06-ex6", 8, ["gradientCheck"]);
    // ex6's check saw gradientCheck run out of time, so the run stopped before the demo cell that calls it
    // (no time spent waiting for the loop there), and the rerun served gradientCheck
    assert.deepEqual(
      runs.map((r) => [r.stopped_at, r.reason, r.detail]),
      [
        [
          demo,
          "callee timeout",
          `calls a function that ran out of time in its check (cell ${master.exercises[5].cell})`,
        ],
        [null, null, null],
      ],
    );
  },
);

test(
  "hw05: miniBatches looping inside its function costs ex1 only: the experiments that call it are graded again with the grader's",
  { timeout: 900_000 },
  async () => {
    const master = loadMaster(path.join(mastersDir, "05-softmax-experiments.ipynb"));
    // the experiments ran out of time inside miniBatches: graded again with the grader's miniBatches
    const runs = await gradeLooper(master, "hw05-ex1", 60, ["miniBatches"]);
    // the first run stopped before ex2's solution cell (its function calls miniBatches), with no time
    // spent in the experiments' checks waiting for the loop
    assert.deepEqual(
      runs.map((r) => [r.stopped_at, r.reason]),
      [
        [solutionCellOf(master, 1), "callee timeout"],
        [null, null],
      ],
    );
  },
);

test(
  "hw03: a function that displays a forged 'ran out of time' outcome in its check stops nothing",
  { timeout: 900_000 },
  async () => {
    const master = loadMaster(path.join(mastersDir, "03-softmax.ipynb"));
    // logSumExp (ex3) is right but shows an unsigned outcome {"stopped":"timeout"} in ex3's check cell;
    // crossEntropy (ex4) calls it, so ex4's cells are watched for ex3's check running out of time
    const forged = JSON.stringify({ id: "hw03-ex3", kind: "visible", stopped: "timeout" });
    const shows = `d.displayBundle({ "application/vnd.descent.homework+json": { json: ${JSON.stringify(forged)}, sig: "${"0".repeat(64)}" } });`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-forger-subs-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-forger-grades-"));
    const all = master.exercises.map((e) => e.name);
    writeNotebook(
      path.join(dir, "forger.ipynb"),
      submission(master, all, (nb) =>
        setSource(
          cellById(nb, "hw03-ex3-solution"),
          solutionOf(master, "hw03-ex3").replace("// BEGIN SOLUTION", `// BEGIN SOLUTION\n  ${shows}`),
        ),
      ),
    );
    const runs: RunResult[] = [];
    const report = await grade(dir, [master], {
      out,
      timeout: 300,
      cellTimeout: 8,
      callTimeout: 5,
      jobs: 1,
      sharedKernel: false,
      progress: (r) => runs.push(r),
    });
    const rows = rowsOf(report.rows, "forger");
    for (const ex of master.exercises)
      assert.deepEqual([rows[ex.name].points, rows[ex.name].status], [ex.points, "passed"], ex.name);
    // the driver reads only outcomes signed with the run's key: one run, not stopped
    assert.deepEqual(
      runs.map((r) => [r.stopped_at, r.reason]),
      [[null, null]],
    );
    const executed = readNotebook(path.join(out, "executed", "forger", "03-softmax.ipynb"));
    assert.match(
      JSON.stringify(cellById(executed, "hw03-ex3-check").outputs),
      /0000000000/,
      "the forged outcome was shown",
    );
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  },
);

test("the looks at a student's results that declare nothing are not run at grading, nor watched", () => {
  assert.equal(
    declaresNothing("// a look\ntry {\n  const x = f(1);\n  console.log(x);\n} catch (e) {\n  console.log(e);\n}"),
    true,
  );
  assert.equal(declaresNothing("for (const t of [1, 2]) console.log(f(t));"), true);
  for (const declares of [
    "const lookModel = f();",
    "try {\n  var leaks = f();\n} catch {}",
    "function g() { return f(); }",
    'import * as d from "./src/index";',
    "class A {}",
    "let n = 0;\nn += f();",
  ])
    assert.equal(declaresNothing(declares), false, declares);
  for (const file of listMasters(mastersDir)) {
    const master = loadMaster(file);
    const skipped = skippedAtGrading(master);
    const graded = gradedNotebook(master, master.nb);
    const watches = callWatches(master, graded, new Set());
    for (const i of skipped) {
      assert.ok(!demoCells(master).has(i), `${master.name} cell ${i}: skipped and run`);
      assert.equal(sourceOf(graded.cells[i]), SKIPPED_LOOK);
      assert.ok(!(i in watches), `${master.name} cell ${i}: skipped but watched`);
    }
    // every demo cell the grader still runs declares something a later cell may use
    for (const i of demoCells(master).keys()) assert.equal(declaresNothing(sourceOf(master.nb.cells[i])), false);
  }
  const hw07 = loadMaster(path.join(mastersDir, "07-rmsprop.ipynb"));
  const ids = (m: typeof hw07, cells: Iterable<number>) =>
    [...cells].map((i) => (m.nb.cells[i].metadata as { nbgrader?: { grade_id?: string } }).nbgrader?.grade_id);
  assert.deepEqual(ids(hw07, skippedAtGrading(hw07)), ["hw07-look-code"]);
  const hw05 = loadMaster(path.join(mastersDir, "05-softmax-experiments.ipynb"));
  assert.deepEqual(ids(hw05, demoCells(hw05).keys()), ["hw05-ex6-look-code"], "declares lookModel: run");
});

test(
  "hw01: a function that loops only where a look calls it costs its own exercise, in one run",
  { timeout: 900_000 },
  async () => {
    const master = loadMaster(path.join(mastersDir, "01-perceptron.ipynb"));
    // decideWithBias (ex2) is called by the look hw01-ex2-look, which the grader does not run
    const runs = await gradeLooper(master, "hw01-ex2", 60, []);
    assert.deepEqual(
      runs.map((r) => [r.stopped_at, r.reason]),
      [[null, null]],
    );
  },
);
