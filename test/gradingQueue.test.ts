// How `npm run grade` hands out its notebooks (scripts/homework/grading/runNotebooks.ts): each runner takes
// the next notebook when it is free, so one long notebook does not hold back the ones queued behind it; and
// a kernel that did not start (the machine's fault) is graded again in the next round, not given 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadMaster } from "../scripts/homework/grade";
import { mastersDir, Notebook, readNotebook, writeNotebook } from "../scripts/homework/notebook";
import { settleRun, Work } from "../scripts/homework/grading/gradeSubmissions";
import { defaultGradeOptions } from "../scripts/homework/grading/options";
import { RunJob, RunResult, runNotebooks } from "../scripts/homework/grading/runNotebooks";

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
