/**
 * An exercise names the course functions it asks the student to write; inside its check those are
 * not available to the student's function, with a message that says so (issue 22). Tested for every
 * exercise: each one names its functions (exports of src/index.ts), or is listed below as one that
 * no course function answers in one call.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as d from "../src/index";
import { exerciseIds, getExercise, runCheck } from "../src/homework/check";
import "../src/homework/exercises/index";

/** Exercises that no single course function answers (a step, an experiment, a loss of our own…). */
const NOTHING_TO_HIDE = [
  "hw00-ex1",
  "hw01-ex3",
  "hw02-ex2",
  "hw02-ex4",
  "hw04-ex5",
  "hw05-ex1",
  "hw05-ex2",
  "hw05-ex3",
  "hw05-ex4",
  "hw05-ex5",
  "hw06-ex1",
  "hw06-ex2",
  "hw06-ex3",
  "hw06-ex4",
  "hw07-ex1",
  "hw07-ex2",
];

test("every exercise names the course functions it asks for (or is listed as having none)", () => {
  for (const id of exerciseIds()) {
    const writes = getExercise(id)!.writes ?? [];
    if (NOTHING_TO_HIDE.includes(id)) assert.deepEqual(writes, [], id);
    else assert.ok(writes.length > 0, `${id} names no course function`);
    for (const n of writes)
      assert.equal(typeof (d as Record<string, unknown>)[n], "function", `${id}: d.${n} is not a course function`);
  }
});

test("inside each exercise's check (in the kernel's module form), the functions it asks for are not available, with a message; afterwards they are back", () => {
  // The kernel compiles src/ with TypeScript to CommonJS; this test's own loader (tsx) makes
  // read-only exports, so the probe runs in a child that compiles as the kernel does.
  const support = path.join(__dirname, "support");
  const r = spawnSync(
    process.execPath,
    ["-r", path.join(support, "tscRequire.js"), path.join(support, "forbiddenProbe.js")],
    { encoding: "utf8", timeout: 600_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
    id: string;
    name: string;
    points: number;
    firstFailure: string;
    restored: boolean;
  }[];
  const expected = exerciseIds().flatMap((id) => (getExercise(id)!.writes ?? []).map((name) => `${id}/${name}`));
  assert.deepEqual(
    rows.map((x) => `${x.id}/${x.name}`),
    expected,
  );
  for (const x of rows) {
    assert.equal(x.points, 0, `${x.id} / ${x.name}: ${x.firstFailure}`);
    assert.ok(
      x.firstFailure.includes(`${x.id} asks you to write ${x.name}: d.${x.name} is not available here`),
      `${x.id} / ${x.name}: ${x.firstFailure}`,
    );
    assert.ok(x.restored, `${x.id}: d.${x.name} is back after the check`);
  }
});

test("a student's own softmax passes hw03-ex2 while d.softmax is hidden", () => {
  const mine = (Z: d.Matrix): d.Matrix => {
    const S = d.zeros(Z.rows, Z.cols, "float64");
    for (let i = 0; i < Z.rows; i++) {
      let m = -Infinity;
      for (let k = 0; k < Z.cols; k++) m = Math.max(m, Z.get(i, k));
      let s = 0;
      for (let k = 0; k < Z.cols; k++) s += Math.exp(Z.get(i, k) - m);
      for (let k = 0; k < Z.cols; k++) S.set(i, k, Math.exp(Z.get(i, k) - m) / s);
    }
    return S;
  };
  assert.equal(runCheck("hw03-ex2", mine).status, "passed");
});
