// Time budgets from the references (scripts/homework/grading/calls.ts, BUDGET): a call of the student's
// function may take 50 × the reference's slowest case (at least 2 s; an experiment that trains at least
// 10 s, at most its own limit), a check one call's limit plus 50 ×
// the reference's time on all its cases (at least a second), so a function that loops on every case costs
// one call's limit and a little, not one limit per case; the check then stops the remaining calls at once.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { BUDGET, gradingCalls } from "../scripts/homework/grading/calls";
import { loadMaster } from "../scripts/homework/grade";
import { getExercise, guardedCaller } from "../src/homework/check";
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
