// The grader's time is not the student's (src/homework/check.ts, guardedCaller; src/homework/byGrader.ts,
// servedTime). In a rerun, a function that looped or stopped the kernel is computed by the grader, one round
// trip between two processes per call and per callback: hw02-ex4's chooseRates calls gradientDescent (ex3)
// ~150 times, with ~60 callbacks each (the cost and its gradient). On a loaded machine (the bench's 300
// students: load 6–8 on 2 cores) those round trips took longer than ex4's 2 s limit, and 20 right ex4s got
// 0–4 of 6 points. The load is made here by the grader's reference process waiting before each message
// (DESCENT_REFERENCE_DELAY_MS); the kernels are real and isolated.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { grade, loadMaster, Row } from "../scripts/homework/grade";
import { mastersDir, writeNotebook } from "../scripts/homework/notebook";
import { cellById, setSource, solutionOf, submissionOfKinds } from "./support/submissions";

const master = loadMaster(path.join(mastersDir, "02-gradient-descent.ipynb"));

test(
  "hw02: with gradientDescent served slowly, a right chooseRates keeps its marks; one that loops after a served call still stops",
  { timeout: 600_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-served-subs-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-served-grades-"));
    const kinds = Object.fromEntries(
      master.exercises.map((e) => [e.name, e.name === "hw02-ex3" ? "loop" : "right"] as const),
    );
    // honest: every exercise right but ex3, whose function loops (so the rerun serves gradientDescent)
    writeNotebook(path.join(dir, "honest", `${master.name}.ipynb`), submissionOfKinds(master, kinds));
    // looper: the same, and its chooseRates loops after one call of the served gradientDescent
    const looper = submissionOfKinds(master, kinds);
    setSource(
      cellById(looper, "hw02-ex4-solution"),
      solutionOf(master, "hw02-ex4").replace(
        "// BEGIN SOLUTION",
        "// BEGIN SOLUTION\n  gradientDescent(bowl, bowlGrad, [3, 1], 0.1, 30);\n  while (true) {}",
      ),
    );
    writeNotebook(path.join(dir, "looper", `${master.name}.ipynb`), looper);
    process.env.DESCENT_REFERENCE_DELAY_MS = "0.5";
    let report: Awaited<ReturnType<typeof grade>>;
    try {
      report = await grade(dir, [master], { out, timeout: 300, cellTimeout: 120, jobs: 2, sharedKernel: false });
    } finally {
      delete process.env.DESCENT_REFERENCE_DELAY_MS;
    }
    const rows = (student: string): Record<string, Row> =>
      Object.fromEntries(report.rows.filter((r) => r.student === student).map((r) => [r.exercise, r]));
    const show = JSON.stringify(
      report.rows.map(({ output: _o, ...r }) => r),
      null,
      1,
    );
    for (const student of ["honest", "looper"]) {
      const mine = rows(student);
      assert.deepEqual([mine["hw02-ex3"].points, mine["hw02-ex3"].status], [0, "timeout"], show);
      for (const ex of master.exercises.filter((x) => !["hw02-ex3", "hw02-ex4"].includes(x.name)))
        assert.deepEqual(
          [mine[ex.name].points, mine[ex.name].status],
          [ex.points, "passed"],
          `${student} ${ex.name}: ${show}`,
        );
    }
    const ex4 = master.exercises.find((x) => x.name === "hw02-ex4")!;
    assert.deepEqual(
      [rows("honest")["hw02-ex4"].points, rows("honest")["hw02-ex4"].status],
      [ex4.points, "passed"],
      show,
    );
    assert.deepEqual([rows("looper")["hw02-ex4"].points, rows("looper")["hw02-ex4"].status], [0, "timeout"], show);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  },
);
