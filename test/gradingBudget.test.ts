// Time budgets from the references (scripts/homework/grading/calls.ts, BUDGET): a call of the student's
// function may take 50 × the reference's slowest case (at least 2 s; an experiment that trains at least
// 10 s, at most its own limit), a check one call's limit plus 50 ×
// the reference's time on all its cases (at least a second), so a function that loops on every case costs
// one call's limit and a little, not one limit per case; the check then stops the remaining calls at once.
// An exercise's visible and hidden checks share that one whole call (src/homework/check.ts, limitsAfter).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUDGET, gradingCalls } from "../scripts/homework/grading/calls";
import { loadMaster } from "../scripts/homework/grade";
import { getExercise, guardedCaller, SentOutcome } from "../src/homework/check";
import { CALLS_ENV, RESULT_MIME, TOKEN_ENV } from "../src/homework/report";
import { root } from "./support/notebooks";

for (const hw of ["03-softmax", "05-softmax-experiments"]) {
  test(`${hw}: a call is 50 × the reference's slowest case; a check one call's limit plus the rest of the cases' budget`, () => {
    const master = loadMaster(path.join(root, "notebooks", "homework-masters", `${hw}.ipynb`));
    const limits = { callMs: 10_000, checkMs: 60_000 };
    const { calls, referenceMs } = gradingCalls(master, limits, true);
    const ids = Object.keys(calls.exercises);
    assert.ok(ids.length >= 7, `${hw}'s exercises: ${ids.join(", ")}`);
    let experiments = 0;
    for (const id of ids) {
      const e = calls.exercises[id];
      const own = getExercise(id)?.timeLimit; // an experiment that trains: its own limit, at least 10 s
      experiments += own ? 1 : 0;
      const [floor, cap] = own ? [BUDGET.experimentCallFloorMs, own * 1000] : [BUDGET.callFloorMs, limits.callMs];
      assert.ok(e.callMs !== undefined && e.checkMs !== undefined, `${id} has its budget`);
      assert.ok(e.callMs >= floor && e.callMs <= cap, `${id}: call ${e.callMs} ms, not in [${floor}, ${cap}]`);
      const rest = Math.max(BUDGET.checkRestFloorMs, BUDGET.callFactor * (referenceMs.get(id) ?? 0));
      assert.ok(e.checkMs >= e.callMs + BUDGET.checkRestFloorMs, `${id}: check ${e.checkMs} ms, call ${e.callMs} ms`);
      assert.ok(e.checkMs <= e.callMs + Math.ceil(rest), `${id}: check ${e.checkMs} ms > call + rest`);
    }
    assert.equal(experiments > 0, hw.startsWith("05"), "hw05 holds experiments, hw03 none");
  });
}

test("a function that loops on every case: the first call takes its limit, the others are stopped at once", () => {
  const loops = (): number => {
    for (;;);
  };
  const call = guardedCaller(loops, { callMs: 300, checkMs: 300 + 200 });
  const t0 = Date.now();
  const outcomes = [1, 2, 3, 4, 5, 6].map((x, i) => call([x], i));
  const ms = Date.now() - t0;
  assert.deepEqual(
    outcomes.map((o) => o.stopped),
    ["timeout", "timeout", "timeout", "timeout", "timeout", "timeout"],
  );
  // one call's limit and the check's rest (500 ms), not 6 × 300 ms (the bound leaves room for a loaded machine)
  assert.ok(ms < 1700, `the check took ${ms} ms (6 full calls take at least 1800 ms)`);
});

test("under grading an exercise's visible and hidden checks share its one whole call: a loop costs one limit, not two", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-budget-"));
  const [tokenFile, callsFile] = [path.join(dir, "token"), path.join(dir, "calls.json")];
  fs.writeFileSync(tokenFile, "k".repeat(64));
  const limits = { callMs: 1500, checkMs: 1500 + 400 };
  const cases = { visible: [[1], [2]], hidden: [[3], [4]], ...limits };
  fs.writeFileSync(
    callsFile,
    JSON.stringify({
      callMs: 10_000,
      checkMs: 60_000,
      exercises: { "hw03-ex1": cases, "hw03-ex2": cases, "hw03-ex3": cases },
    }),
  );
  // ex1 loops on every case; ex2 only on the visible case 1; ex3 takes 0.8 s on every hidden case, never
  // running out of time in the visible check (so its hidden check keeps the whole call).
  const probe = `
    require("./src/plot/display").setDisplayWriter((m) => console.log("SENT " + JSON.stringify(m.data)));
    const { check, checkHidden } = require("./src/homework/check");
    const spin = (ms) => { const t = Date.now(); while (Date.now() - t < ms); };
    const fns = {
      "hw03-ex1": (x) => { for (;;); },
      "hw03-ex2": (x) => { if (x === 1) for (;;); return x; },
      "hw03-ex3": (x) => { if (x > 2) spin(800); return x; },
    };
    const ms = {};
    for (const [id, fn] of Object.entries(fns)) {
      let t = Date.now();
      check(id, fn);
      const visible = Date.now() - t;
      t = Date.now();
      checkHidden(id, fn, { seed: 1 });
      ms[id] = { visible, hidden: Date.now() - t };
    }
    console.log("MS " + JSON.stringify(ms));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, [TOKEN_ENV]: tokenFile, [CALLS_ENV]: callsFile },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  const ms = JSON.parse(/^MS (.*)$/m.exec(r.stdout)![1]) as Record<string, { visible: number; hidden: number }>;
  // the outcomes sent, in the order of the checks: [id, kind, what each case did]
  const sent = [...r.stdout.matchAll(/^SENT (.*)$/gm)].map((m) => {
    const { json } = (JSON.parse(m[1]) as Record<string, { json: string }>)[RESULT_MIME];
    const o = JSON.parse(json) as { id: string; kind: string; outcomes: SentOutcome[] };
    return [o.id, o.kind, o.outcomes.map((x) => (x.ok ? "ok" : (x.stopped ?? x.error)))];
  });
  assert.deepEqual(sent, [
    ["hw03-ex1", "visible", ["timeout"]],
    ["hw03-ex1", "hidden", ["timeout"]],
    ["hw03-ex2", "visible", ["timeout"]],
    ["hw03-ex2", "hidden", ["ok", "ok"]],
    ["hw03-ex3", "visible", ["ok", "ok"]],
    ["hw03-ex3", "hidden", ["ok", "ok"]],
  ]);
  const show = JSON.stringify(ms);
  assert.ok(ms["hw03-ex1"].visible >= 1400, `the visible check gave the loop its whole call: ${show}`);
  // the hidden check had the rest only (400 ms), not another whole call (1500 ms)
  assert.ok(
    ms["hw03-ex1"].hidden < 1100,
    `the hidden check of a function that loops took a second whole call: ${show}`,
  );
});
