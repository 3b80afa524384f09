// Gradebook exports (scripts/homework/grading/exports.ts): the CSV layouts Canvas and Moodle import,
// with and without a roster, and feedback that reports hidden cases without their inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { canvasCsv, hideHiddenInputs, moodleCsv, readRoster, writeExports } from "../scripts/homework/grading/exports";
import { parseCsv } from "../scripts/homework/grading/written";
import { Row } from "../scripts/homework/grading/results";
import { formatResult } from "../src/homework/check";

const row = (
  student: string,
  notebook: string,
  exercise: string,
  points: number,
  max: number,
  status: Row["status"] = points === max ? "passed" : "partial",
  message = "",
): Row => ({ student, notebook, exercise, points, max, status, message, notes: "", output: "" });
const rows: Row[] = [
  row("ada", "01-perceptron", "hw01-ex1", 5, 5),
  row("ada", "01-perceptron", "hw01-q1", 1, 2, "partial", "half the derivation"),
  row("ada", "02-gradient-descent", "hw02-ex1", 6, 6),
  row("bob", "01-perceptron", "hw01-ex1", 0, 5, "timeout", "your code ran longer than 10 s"),
  row("bob", "01-perceptron", "hw01-q1", 2, 2),
  row("bob", "02-gradient-descent", "hw02-ex1", 0, 6, "missing", "no submission"),
  { ...row("zed", "junk.ipynb", "", 0, 0, "unreadable"), message: "not a notebook" },
];

test("canvas.csv: Student, ID, SIS User ID, SIS Login ID, Section, one column per notebook, a Points Possible row", () => {
  const csv = parseCsv(canvasCsv(rows));
  assert.deepEqual(csv[0], [
    "Student",
    "ID",
    "SIS User ID",
    "SIS Login ID",
    "Section",
    "01-perceptron",
    "02-gradient-descent",
  ]);
  assert.deepEqual(csv[1], ["    Points Possible", "", "", "", "", "7", "6"]);
  assert.deepEqual(csv.slice(2), [
    ["ada", "", "", "", "", "6", "6"],
    ["bob", "", "", "", "", "2", "0"],
  ]);
});

test("moodle.csv: Username, ID number, Email address, then a grade and a feedback column per notebook", () => {
  const csv = parseCsv(moodleCsv(rows));
  assert.deepEqual(csv[0], [
    "Username",
    "ID number",
    "Email address",
    "01-perceptron",
    "Feedback: 01-perceptron",
    "02-gradient-descent",
    "Feedback: 02-gradient-descent",
  ]);
  assert.deepEqual(csv[1], ["ada", "", "", "6", "hw01-q1: 1/2 partial (half the derivation)", "6", ""]);
  assert.equal(csv[2][3], "2");
  assert.match(csv[2][4], /hw01-ex1: 0\/5 timeout \(your code ran longer than 10 s\)/);
});

test("a roster fills the platforms' identifiers; a roster student without submission gets 0; bad rosters name file and line", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-roster-"));
  try {
    const roster = path.join(dir, "roster.csv");
    fs.writeFileSync(
      roster,
      'student,name,canvas_id,sis_user_id,sis_login_id,section,email,idnumber,username\nada,"Lovelace, Ada",1001,S1,ada.l,Tue,ada@uni.example,123,alovelace\ncat,"Cat, Kit",1003,S3,cat.k,Tue,cat@uni.example,125,ckit\n',
    );
    const [canvas, moodle] = writeExports(rows, dir, roster);
    const c = parseCsv(fs.readFileSync(canvas, "utf8"));
    assert.deepEqual(c[2], ["Lovelace, Ada", "1001", "S1", "ada.l", "Tue", "6", "6"]);
    assert.deepEqual(
      c.find((r) => r[0] === "Cat, Kit"),
      ["Cat, Kit", "1003", "S3", "cat.k", "Tue", "0", "0"],
    );
    const m = parseCsv(fs.readFileSync(moodle, "utf8"));
    assert.deepEqual(m[1].slice(0, 4), ["alovelace", "123", "ada@uni.example", "6"]);
    fs.writeFileSync(roster, "student,mail\nada,x\n");
    assert.throws(() => readRoster(roster), /roster\.csv, line 1: unknown column\(s\) mail/);
    fs.writeFileSync(roster, "student,email\nada,x\nada,y\n");
    assert.throws(() => readRoster(roster), /roster\.csv, line 3: the student "ada" is listed twice/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("--hide-hidden-inputs: hidden cases by number and result, hints kept, names, expected and got left out", () => {
  const visible = formatResult({
    id: "hw02-ex4",
    title: "A learning-rate experiment",
    kind: "visible",
    seed: 1,
    points: 2,
    max: 4,
    status: "failed",
    firstFailure: null,
    cases: [
      {
        name: "fast: from (3, 1)",
        points: 2,
        max: 2,
        status: "passed",
        message: null,
        expected: null,
        got: null,
        hints: [],
      },
      {
        name: "diverging: from (3, 1)",
        points: 0,
        max: 2,
        status: "failed",
        message: "does not diverge",
        expected: null,
        got: "0.1",
        hints: [],
      },
    ],
  });
  const hidden = formatResult({
    id: "hw02-ex4",
    title: "A learning-rate experiment",
    kind: "hidden",
    seed: 90210,
    points: 1,
    max: 2,
    status: "failed",
    firstFailure: null,
    cases: [
      {
        name: "fast rate, started at (−2, 4) instead",
        points: 1,
        max: 1,
        status: "passed",
        message: null,
        expected: null,
        got: null,
        hints: [],
      },
      {
        name: "diverging rate, started at (−2, 4) instead",
        points: 0,
        max: 1,
        status: "failed",
        message: "after 30 steps C = 0.25 ≤ C(v⁽⁰⁾) = 45",
        expected: "a cost above 45",
        got: "0.25",
        hints: ["Look for the rate at which |1 − 10η| exceeds 1."],
      },
    ],
  });
  const shown = hideHiddenInputs(`${visible}\n${hidden}\n`);
  assert.ok(shown.includes(visible), "the visible cases are reported as they were");
  assert.ok(!/−2, 4|45|0\.25/.test(shown.slice(visible.length)), `the hidden inputs or values are shown:\n${shown}`);
  assert.match(shown, /✓ hidden case 1 \(1\/1\)/);
  assert.match(shown, /✗ hidden case 2 \(0\/1\)/);
  assert.match(shown, /Hint: Look for the rate/);
  assert.match(shown, /→ 1\/2 points/);
});
