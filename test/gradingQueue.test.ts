// How `npm run grade` hands out its notebooks (scripts/homework/grading/runNotebooks.ts): each runner takes
// the next notebook when it is free, so one long notebook does not hold back the ones queued behind it; and
// a kernel that did not start (the machine's fault) is graded again in the next round, not given 0; a run
// stopped before a cell that calls a function which ran out of time is settled from the grader's own rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadMaster } from "../scripts/homework/grade";
import { mastersDir, Notebook, readNotebook, writeNotebook } from "../scripts/homework/notebook";
import { callWatches, settleRun, Work } from "../scripts/homework/grading/gradeSubmissions";
import { gradedNotebook, solutionCellOf } from "../scripts/homework/grading/gradedNotebook";
import { submission } from "./support/submissions";
import { defaultGradeOptions } from "../scripts/homework/grading/options";
import { Queue, RunJob, RunResult, runNotebooks } from "../scripts/homework/grading/runNotebooks";

const notebookOf = (code: string): Notebook => ({
  cells: [{ cell_type: "code", source: code, metadata: {}, outputs: [], execution_count: null }],
  metadata: { kernelspec: { name: "descent", display_name: "Descent", language: "typescript" } },
  nbformat: 4,
  nbformat_minor: 5,
});

test(
  "a runner that is free takes the next notebook: a long one does not hold back those behind it",
  { timeout: 300_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-queue-"));
    const names = ["long", "a", "b", "c"];
    const jobs: RunJob[] = names.map((name) => {
      const input = path.join(dir, `${name}.ipynb`);
      const code =
        name === "long"
          ? 'await new Promise((r) => setTimeout(r, 12_000));\nconsole.log("long done");'
          : `console.log("${name} done");`;
      writeNotebook(input, notebookOf(code));
      return { input, output: path.join(dir, "out", `${name}.ipynb`), token: "t".repeat(64) };
    });
    const order: string[] = [];
    const options = {
      ...defaultGradeOptions(path.join(dir, "grades")),
      jobs: 2,
      unisolated: true,
      progress: (r: RunResult) => order.push(path.basename(r.in, ".ipynb")),
    };
    // In turn (runner 0: long, b; runner 1: a, c) b would wait for long; taken as runners are free, it does not.
    const runs = await runNotebooks(jobs, options, null);
    assert.equal(runs.size, 4);
    for (const j of jobs) {
      const r = runs.get(j.input)!;
      assert.equal(r.reason, null, `${j.input}: ${r.detail}`);
      const text = JSON.stringify(readNotebook(j.output).cells[0].outputs);
      assert.match(text, new RegExp(`${path.basename(j.input, ".ipynb")} done`));
    }
    assert.equal(order[order.length - 1], "long", `reported in the order ${order.join(", ")}`);
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test("each runner gets the notebook it was told of (its compiler compiled it ahead), whatever order runners free up in", () => {
  const sessions: RunJob[][] = Array.from({ length: 40 }, (_, i) => [
    { input: `s${i}.ipynb`, output: `out/s${i}.ipynb`, token: "t".repeat(64) },
  ]);
  const queue = new Queue([...sessions]);
  const toldOf = new Map<number, RunJob[] | undefined>();
  const taken: RunJob[][] = [];
  let hits = 0;
  let x = 7;
  while (queue.waiting.length > 0) {
    x = (x * 1103515245 + 12345) % 2 ** 31; // runners free up in a scrambled order
    const runner = (x >>> 16) % 4;
    const s = queue.take(runner)!;
    if (toldOf.get(runner)) {
      assert.equal(s, toldOf.get(runner), `runner ${runner} did not get the notebook it was told of`);
      hits++;
    }
    taken.push(s);
    toldOf.set(runner, queue.announce(runner));
  }
  assert.ok(hits >= 30, `only ${hits} notebooks were the ones told of`);
  assert.deepEqual(new Set(taken), new Set(sessions), "every notebook once");
  assert.equal(taken.length, sessions.length);
  assert.equal(queue.take(0), undefined);
});

test("a kernel that did not start is graded again while rounds are left, and only then reported", () => {
  const master = loadMaster(path.join(mastersDir, "03-softmax.ipynb"));
  const work: Work = {
    sub: { student: "s1", file: "s1.ipynb", master, problem: null },
    master,
    student: master.nb,
    issues: [],
    stubbed: new Set(),
    relaxed: new Set(),
    rows: master.exercises.map(() => null),
    executedFile: "/nonexistent/s1.ipynb",
  };
  const job: RunJob = { input: "/nonexistent/r0.ipynb", output: "/nonexistent/out.ipynb", token: "t" };
  const run: RunResult = {
    in: job.input,
    out: job.output,
    seconds: 0,
    stopped_at: null,
    reason: "start failed",
    detail: "RuntimeError: Kernel didn't respond in 30 seconds (after 2 start attempts)",
  };
  const next: Work[] = [];
  settleRun(work, job, run, true, true, job.token, next);
  assert.deepEqual(next, [work], "run again in the next round");
  assert.equal(work.rows.filter((r) => r !== null).length, 0, "no exercise is decided by a kernel that never started");
  settleRun(work, job, run, false, true, job.token, ((next.length = 0), next));
  assert.deepEqual(next, []);
  for (const r of work.rows) {
    assert.equal(r?.status, "error");
    assert.match(r!.message, /the kernel could not run the notebook: RuntimeError: Kernel didn't respond/);
  }
});

test("a run stopped before a cell calling a function that did not run out of time in the grader's rows: not watched again", () => {
  const master = loadMaster(path.join(mastersDir, "03-softmax.ipynb"));
  const student = submission(
    master,
    master.exercises.map((e) => e.name),
    () => {},
  );
  const work: Work = {
    sub: { student: "s1", file: "s1.ipynb", master, problem: null },
    master,
    student,
    issues: [],
    stubbed: new Set(),
    relaxed: new Set(),
    rows: master.exercises.map(() => null),
    executedFile: "/nonexistent/s1.ipynb",
  };
  // crossEntropy (ex4) calls logSumExp (ex3): ex4's solution and check cells are watched on ex3's check
  const watches = callWatches(master, gradedNotebook(master, student), work.relaxed);
  const [sol4, check3, check4] = [solutionCellOf(master, 3), master.exercises[2].cell, master.exercises[3].cell];
  assert.deepEqual(watches[sol4], [check3]);
  assert.deepEqual(watches[check4], [check3]);
  const job: RunJob = { input: "/nonexistent/r0.ipynb", output: "/nonexistent/out.ipynb", token: "t", watches };
  const run: RunResult = {
    in: job.input,
    out: job.output,
    seconds: 0,
    stopped_at: sol4,
    reason: "callee timeout",
    detail: `calls a function that ran out of time in its check (cell ${check3})`,
  };
  const next: Work[] = [];
  settleRun(work, job, run, true, true, job.token, next);
  // (no result of ex3's check came in here, so its row does not say it ran out of time: nothing is served)
  assert.deepEqual(next, [work], "run again in the next round");
  assert.deepEqual([...work.stubbed], [], "nothing stubbed or served");
  assert.deepEqual(
    work.rows.map((r) => r !== null),
    master.exercises.map((_, e) => e < 3),
    "the exercises before the stopped cell's are decided",
  );
  const watching3 = Object.keys(watches)
    .map(Number)
    .filter((c) => watches[c].includes(check3));
  assert.ok(watching3.includes(sol4) && watching3.includes(check4));
  assert.deepEqual(
    [...work.relaxed].sort((a, b) => a - b),
    watching3,
    "every cell watching ex3's check is relaxed",
  );
  const again = callWatches(master, gradedNotebook(master, student), work.relaxed);
  assert.ok(
    Object.values(again).every((list) => !list.includes(check3)),
    "not watched again",
  );
});
