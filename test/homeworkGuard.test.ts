/**
 * A check has its own time limit and survives interrupts (issue 22, item 3), and one exercise's
 * crash or process.exit costs that exercise only (item 1): checked at the module level, with the
 * real vm time limits and a real SIGINT.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { check, runCheck } from "../src/homework/check";
import { Matrix } from "../src/core/matrix";
import * as ch03 from "../src/homework/exercises/hw03";
import "../src/homework/exercises/index";

function printed(f: () => void): string {
  const lines: string[] = [];
  const saved = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    f();
  } finally {
    console.log = saved;
  }
  return lines.join("\n");
}

test("an endless loop is cut off by the check's own time limit; later cases are not run; the next check works", () => {
  const t = Date.now();
  const r = runCheck(
    "hw03-ex3",
    () => {
      for (;;);
    },
    { callMs: 200 },
  );
  assert.ok(Date.now() - t < 5000);
  assert.equal(r.points, 0);
  assert.match(r.cases[0].message ?? "", /ran out of time/);
  assert.ok(r.cases.slice(1).every((c) => /not run/.test(c.message ?? "")));
  assert.equal(runCheck("hw03-ex3", ch03.logSumExpRef).status, "passed");
});

test("hw03: a logSumExp that loops only on one logit loses only that case, and a correct ex4 that calls it keeps full marks", () => {
  const lse = (z: number[]): number => {
    if (z.length === 1) for (;;);
    const m = Math.max(...z);
    return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  };
  const ex3 = runCheck("hw03-ex3", lse, { hidden: true, seed: 7, callMs: 300 });
  assert.equal(ex3.cases[0].status, "error");
  assert.match(ex3.cases[0].message ?? "", /ran out of time/);
  const ce = (Z: Matrix, y: number[]): number => {
    let s = 0;
    for (let i = 0; i < Z.rows; i++) s += lse(Array.from(Z.row(i))) - Z.get(i, y[i]);
    return s / Z.rows;
  };
  for (const hidden of [false, true])
    assert.equal(runCheck("hw03-ex4", ce, { hidden, seed: 7, callMs: 2000 }).status, "passed");
});

test("process.exit inside a checked function fails that case only, and the process lives on", () => {
  const softmax = (Z: Matrix) => {
    if (Z.rows === 1) process.exit(3);
    return ch03.stableSoftmaxRef(Z);
  };
  const r = runCheck("hw03-ex2", softmax, { hidden: true, seed: 1 });
  assert.match(r.cases[0].message ?? "", /process\.exit is not available/);
  assert.ok(r.points > 0);
  // ex6 calls the same softmax on bigger batches: full marks.
  const grad = (Z: Matrix, y: number[]) => {
    const S = softmax(Z);
    for (let i = 0; i < Z.rows; i++)
      for (let k = 0; k < Z.cols; k++) S.data[i * Z.cols + k] = (S.get(i, k) - (y[i] === k ? 1 : 0)) / Z.rows;
    return S;
  };
  assert.equal(runCheck("hw03-ex6", grad).status, "passed");
});

test("an interrupt (SIGINT) stops only the check; the next hw.check runs (no stuck 'running' flag, no node:vm stack)", async () => {
  spawn("sh", ["-c", `sleep 0.5; kill -INT ${process.pid}`], { stdio: "ignore" });
  const out = printed(() =>
    check("hw03-ex3", () => {
      for (;;);
    }),
  );
  assert.match(out, /interrupted \(■\)/);
  assert.doesNotMatch(out, /node:vm|evalmachine|at Script\./);
  await new Promise((r) => setImmediate(r));
  const next = printed(() => check("hw03-ex3", ch03.logSumExpRef));
  assert.doesNotMatch(next, /called while another check runs/);
  assert.match(next, /→ 6\/6 points|→ \d+\/\d+ points/);
  assert.match(next, /✓/);
});
