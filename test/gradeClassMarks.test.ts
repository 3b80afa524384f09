// The grade_class bench checks the marks it was given (bench/gradeClass.ts, unexpectedGrades): speed must
// not be bought with wrong marks. These cases hold that check to what it claims, on rows made here (no
// grading run): a right exercise gets its full points, also after a callee that loops or stops the kernel
// (the grader serves it), and may lose them only after a callee that is wrong, a stub or throws, directly
// or through another exercise (hw05: ex4 → ex2 → ex1); every other kind gets 0; a missing row is reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { kindOf, Mix, unexpectedGrades } from "../bench/gradeClass";
import { loadMaster, Master } from "../scripts/homework/grade";
import { Row } from "../scripts/homework/grading/results";
import { root } from "./support/notebooks";

const hw05 = loadMaster(path.join(root, "notebooks", "homework-masters", "05-softmax-experiments.ipynb"));
const mix: Mix = "class";
const students = 300;

/** The rows a right grader gives: full marks to right exercises whose callees are right, 0 to the rest. */
function rowsAsExpected(m: Master, mayLose: (s: number, e: number) => boolean): Row[] {
  const rows: Row[] = [];
  for (let s = 0; s < students; s++)
    m.exercises.forEach((ex, e) => {
      const right = kindOf(s, 0, e, mix) === "right" && !mayLose(s, e);
      rows.push({
        student: `student${s}`,
        notebook: m.name,
        exercise: ex.name,
        points: right ? ex.points : 0,
        max: ex.points,
        message: "",
        status: right ? "passed" : "failed",
        notes: "",
        output: "",
      });
    });
  return rows;
}

const index = (name: string) => hw05.exercises.findIndex((x) => x.name === name);
const kinds = (s: number) => hw05.exercises.map((_, e) => kindOf(s, 0, e, mix));
/** ex2, ex4 and ex5 train through ex1's miniBatches (ex4, ex5 through ex2's trainSoftmaxSgd). */
const chain = (e: number) => ["hw05-ex2", "hw05-ex4", "hw05-ex5"].map(index).includes(e);
const firstWith = (ok: (k: string[]) => boolean) => [...Array(students).keys()].find((s) => ok(kinds(s)))!;

test("grade_class: marks as the kinds should get are not reported", () => {
  const lost = (s: number, e: number) => chain(e) && ["wrong", "stub", "throws"].includes(kinds(s)[index("hw05-ex1")]);
  assert.deepEqual(unexpectedGrades([hw05], students, mix, rowsAsExpected(hw05, lost)), []);
});

test("grade_class: a right exercise that lost points is reported, unless a callee (even through another) is wrong", () => {
  const s = firstWith(
    (k) => k[index("hw05-ex1")] === "wrong" && k[index("hw05-ex2")] === "right" && k[index("hw05-ex4")] === "right",
  );
  const rows = rowsAsExpected(hw05, () => false);
  const row = (sx: number, name: string) => rows.find((r) => r.student === `student${sx}` && r.exercise === name)!;
  // ex4 → ex2 → ex1 (wrong): losing ex4's points is the student's own chain
  row(s, "hw05-ex4").points = 0;
  assert.deepEqual(unexpectedGrades([hw05], students, mix, rows), []);
  // student 0 has everything right: a lost exercise is the grader's fault
  row(0, "hw05-ex6").points = 1;
  const found = unexpectedGrades([hw05], students, mix, rows);
  assert.equal(found.length, 1, found.join("\n"));
  assert.match(found[0], /^student0\/05-softmax-experiments\/hw05-ex6 \(right\): 1\/\d+ passed/);
});

test("grade_class: a right exercise whose callee loops keeps its marks; a failing kind never earns any", () => {
  const s = firstWith((k) => k[index("hw05-ex1")] === "right" && k[index("hw05-ex2")] === "right");
  const rows = rowsAsExpected(hw05, () => false);
  const row = (name: string, sx = s) => rows.find((r) => r.student === `student${sx}` && r.exercise === name)!;
  // student 1's exercises are all wrong: one given points is reported
  row("hw05-ex7", 1).points = 2;
  // a right ex2 after a looping ex1 is served: losing it is reported
  const looper = firstWith((k) => k[index("hw05-ex1")] === "loop" && k[index("hw05-ex2")] === "right");
  assert.notEqual(looper, undefined, "a student whose ex1 loops and ex2 is right");
  row("hw05-ex2", looper).points = 0;
  // a missing row
  rows.splice(rows.indexOf(row("hw05-ex3")), 1);
  const found = unexpectedGrades([hw05], students, mix, rows);
  assert.ok(
    found.some((l) => l.startsWith("student1/05-softmax-experiments/hw05-ex7 (wrong): 2/")),
    found.join("\n"),
  );
  assert.ok(found.includes(`student${s}/05-softmax-experiments/hw05-ex3: no row`), found.join("\n"));
  assert.ok(
    found.some((l) =>
      l.startsWith(`student${looper}/05-softmax-experiments/hw05-ex2 (right, calls hw05-ex1: loop): 0/`),
    ),
    found.join("\n"),
  );
  assert.equal(found.length, 3, found.join("\n"));
});
