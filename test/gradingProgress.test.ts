// What `npm run grade` prints while a class is graded (scripts/homework/grading/outputs.ts, progressLine):
// how many notebooks of how many, since when, and about how long is left, every 25 notebooks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { progressLine } from "../scripts/homework/grading/outputs";

test("grading progress: the first, every 25th and the last notebook, with the time left from the mean so far", () => {
  assert.equal(progressLine(1, 2100, 12), "[grade] 1 of 2100 notebooks graded in 12 s; about 7 h 00 min left");
  assert.equal(progressLine(2, 2100, 13), null);
  assert.equal(progressLine(24, 2100, 40), null);
  // 300 of 2,100 in 8 min 34 s: 1.71 s each, 1,800 left → 51 min
  assert.equal(progressLine(300, 2100, 514), "[grade] 300 of 2100 notebooks graded in 9 min; about 51 min left");
  assert.equal(progressLine(2075, 2100, 3400), "[grade] 2075 of 2100 notebooks graded in 57 min; about 41 s left");
  assert.equal(progressLine(2100, 2100, 3441), "[grade] 2100 of 2100 notebooks graded in 57 min");
  assert.equal(progressLine(7, 7, 20), "[grade] 7 of 7 notebooks graded in 20 s");
  assert.equal(progressLine(10, 40, 70, 10), "[grade] 10 of 40 notebooks graded in 70 s; about 4 min left");
});
