// The homework framework: checks and their diagnoses on small fake exercises, the release of the
// masters, and grading synthetic submissions (and every master and student version) in the kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { fromArrays, Matrix, matmulNT, randn, softmax, transpose } from "../src/index";
import * as hw from "../src/homework/index";
import { CheckResult, exercise } from "../src/homework/check";
import {
  Cell,
  leakCandidates,
  listMasters,
  Notebook,
  readNotebook,
  releaseAll,
  releaseNotebook,
  releaseText,
  sourceOf,
  stemOf,
  writeNotebook,
  gradeIdOf,
  nbgraderOf,
  linesForSource,
} from "../scripts/homework/notebook";
import { cellErrors, findIssues, grade, loadMaster, Master, Row } from "../scripts/homework/grade";
import { python, root } from "./support/notebooks";
import { runWithFakeKernelClient } from "./support/fakeKernelClient";

// ---------------------------------------------------------------------------------------------
// Fake exercises

/** g = (1/n) Xᵀ(Xw − y): the mean gradient of ½‖Xw − y‖² over n rows. */
function lsqGradient(X: Matrix, w: Float64Array, y: Float64Array, scale = 1, sign = 1): Float64Array {
  const n = X.rows;
  const g = new Float64Array(X.cols);
  for (let i = 0; i < n; i++) {
    let r = -y[i];
    for (let j = 0; j < X.cols; j++) r += X.get(i, j) * w[j];
    for (let j = 0; j < X.cols; j++) g[j] += (sign * scale * X.get(i, j) * r) / n;
  }
  return g;
}

exercise({
  id: "t-grad",
  title: "least-squares gradient",
  reference: (X: Matrix, w: Float64Array, y: Float64Array) => lsqGradient(X, w, y),
  cases: (rng) => [
    {
      name: "random 8×3",
      args: [randn(8, 3, rng), rng.fillNormal(new Float64Array(3)), rng.fillNormal(new Float64Array(8))],
      points: 2,
    },
  ],
  hidden: (rng) => [
    {
      name: "random 5×4",
      args: [randn(5, 4, rng), rng.fillNormal(new Float64Array(4)), rng.fillNormal(new Float64Array(5))],
    },
  ],
});

exercise({
  id: "t-linear",
  title: "Z = X·Wᵀ",
  reference: (X: Matrix, W: Matrix) => matmulNT(X, W),
  cases: (rng) => [
    { name: "random 6×3 by 2×3", args: [randn(6, 3, rng), randn(2, 3, rng)] },
    { name: "square 3×3 by 3×3", args: [randn(3, 3, rng), randn(3, 3, rng)] },
  ],
});

exercise({
  id: "t-colmean",
  title: "the mean of each column",
  reference: (X: Matrix) => {
    const m = new Float64Array(X.cols);
    for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) m[j] += X.get(i, j) / X.rows;
    return m;
  },
  cases: (rng) => [{ name: "random 7×4", args: [randn(7, 4, rng)] }],
});

exercise({
  id: "t-softmax",
  title: "softmax",
  reference: (Z: Matrix) => softmax(Z),
  cases: () => [
    {
      name: "logits ±1000",
      args: [
        fromArrays([
          [1000, 999, -1000],
          [-1000, -1001, -1002],
        ]),
      ],
    },
  ],
});

exercise({
  id: "t-predict",
  title: "predicted class",
  reference: (P: Matrix) => {
    const out = new Int32Array(P.rows);
    for (let i = 0; i < P.rows; i++) for (let k = 1; k < P.cols; k++) if (P.get(i, k) > P.get(i, out[i])) out[i] = k;
    return out;
  },
  cases: (rng) => [{ name: "random 9×4", args: [randn(9, 4, rng)] }],
});

exercise({
  id: "t-inplace",
  title: "θ ← θ − η·g in place",
  reference: (theta: Float64Array, g: Float64Array, eta: number) => {
    for (let i = 0; i < theta.length; i++) theta[i] -= eta * g[i];
  },
  cases: () => [{ name: "three numbers", args: [new Float64Array([1, 2, 3]), new Float64Array([1, -1, 0.5]), 0.1] }],
});

const argmax = (P: Matrix, shift: number) => {
  const out = new Int32Array(P.rows);
  for (let i = 0; i < P.rows; i++) {
    let k = 0;
    for (let j = 1; j < P.cols; j++) if (P.get(i, j) > P.get(i, k)) k = j;
    out[i] = k + shift;
  }
  return out;
};
const naiveSoftmax = (Z: Matrix) => {
  const S = new Matrix(Z.rows, Z.cols, new Float64Array(Z.rows * Z.cols));
  for (let i = 0; i < Z.rows; i++) {
    let s = 0;
    for (let j = 0; j < Z.cols; j++) s += Math.exp(Z.get(i, j));
    for (let j = 0; j < Z.cols; j++) S.set(i, j, Math.exp(Z.get(i, j)) / s);
  }
  return S;
};

function hints(r: CheckResult): string {
  return r.cases.flatMap((c) => c.hints).join("\n");
}

function failed(r: CheckResult): void {
  assert.equal(r.points, 0, `expected no points: ${hw.formatResult(r)}`);
  assert.equal(r.status, "failed");
}

// ---------------------------------------------------------------------------------------------
// Checks and diagnoses

test("right answers get full points and no hint", () => {
  const right: [string, hw.AnyFunction][] = [
    ["t-grad", (X: Matrix, w: Float64Array, y: Float64Array) => lsqGradient(X, w, y)],
    ["t-linear", (X: Matrix, W: Matrix) => matmulNT(X, W)],
    [
      "t-colmean",
      (X: Matrix) =>
        Float64Array.from({ length: X.cols }, (_, j) => X.toArrays().reduce((s, row) => s + row[j], 0) / X.rows),
    ],
    ["t-softmax", (Z: Matrix) => softmax(Z)],
    ["t-predict", (P: Matrix) => argmax(P, 0)],
    ["t-inplace", (t: Float64Array, g: Float64Array, eta: number) => t.forEach((v, i) => (t[i] = v - eta * g[i]))],
  ];
  for (const [id, fn] of right) {
    const r = hw.runCheck(id, fn);
    assert.equal(r.status, "passed", hw.formatResult(r));
    assert.equal(r.points, r.max);
    assert.equal(hints(r), "");
  }
  const hidden = hw.runCheck("t-grad", (X: Matrix, w: Float64Array, y: Float64Array) => lsqGradient(X, w, y), {
    hidden: true,
    seed: 7,
  });
  assert.equal(hidden.kind, "hidden");
  assert.equal(hidden.points, 1);
});

test("a gradient off by a constant factor says which factor", () => {
  const sign = hw.runCheck("t-grad", (X: Matrix, w: Float64Array, y: Float64Array) => lsqGradient(X, w, y, 1, -1));
  failed(sign);
  assert.match(hints(sign), /^Wrong sign/);
  const noMean = hw.runCheck("t-grad", (X: Matrix, w: Float64Array, y: Float64Array) => lsqGradient(X, w, y, X.rows));
  failed(noMean);
  assert.match(
    hints(noMean),
    /Missing 1\/n: your result is 8 × the expected one, and 8 is the number of rows of argument 1/,
  );
  const half = hw.runCheck("t-grad", (X: Matrix, w: Float64Array, y: Float64Array) => lsqGradient(X, w, y, 0.5));
  assert.match(hints(half), /Factor ½/);
  const odd = hw.runCheck("t-grad", (X: Matrix, w: Float64Array, y: Float64Array) => lsqGradient(X, w, y, 0.3));
  assert.match(hints(odd), /constant factor: your result is 0\.3 ×/);
  // A wrong answer that is not a multiple gets no factor hint.
  const other = hw.runCheck("t-grad", (X: Matrix, w: Float64Array, y: Float64Array) =>
    lsqGradient(X, w, y).map((v, j) => v + j),
  );
  failed(other);
  assert.doesNotMatch(hints(other), /factor|sign|1\/n/i);
});

test("transposed results and sums over the wrong axis are named", () => {
  const t = hw.runCheck("t-linear", (X: Matrix, W: Matrix) => transpose(matmulNT(X, W)));
  failed(t);
  assert.match(t.cases[0].hints.join(), /^Transposed: your entries are right but your result is 2×6/);
  assert.match(t.cases[1].hints.join(), /transpose of the expected one \(a square matrix/);
  assert.match(t.cases[0].message ?? "", /expected shape 6×2, got shape 2×6/);
  const rows = hw.runCheck("t-colmean", (X: Matrix) =>
    Float64Array.from(X.toArrays(), (row) => row.reduce((a, b) => a + b) / row.length),
  );
  failed(rows);
  assert.match(
    hints(rows),
    /Wrong axis: your result has 7 entries, one per row of argument 1 \(7×4\), but one per column \(4\)/,
  );
});

test("NaN from exp overflow is diagnosed; class indices off by one are named", () => {
  const o = hw.runCheck("t-softmax", naiveSoftmax);
  failed(o);
  assert.match(hints(o), /^Overflow: .*NaN.*subtract the row maximum before exp/is);
  assert.match(o.cases[0].got ?? "", /NaN/);
  const ob = hw.runCheck("t-predict", (P: Matrix) => argmax(P, 1));
  failed(ob);
  assert.match(hints(ob), /Off by one: your class indices are 1 too high/);
});

test("in-place exercises compare the updated arguments; an input the student changes does not change the reference's", () => {
  const noop = hw.runCheck("t-inplace", () => undefined);
  failed(noop);
  assert.match(
    noop.cases[0].message ?? "",
    /\[0\]\[0\]: expected 0\.9, got 1|\[0\]: entry \[0\]: expected 0\.9, got 1/,
  );
  const plus = hw.runCheck("t-inplace", (t: Float64Array, g: Float64Array, eta: number) =>
    t.forEach((v, i) => (t[i] = v + eta * g[i])),
  );
  failed(plus);
  // The student scribbles over X before computing: the reference still sees the original.
  const scribble = hw.runCheck("t-colmean", (X: Matrix) => {
    const m = Float64Array.from({ length: X.cols }, (_, j) => X.toArrays().reduce((s, row) => s + row[j], 0) / X.rows);
    X.data.fill(0);
    return m;
  });
  assert.equal(scribble.status, "passed", hw.formatResult(scribble));
});

test("an exercise's own mistakes print their hint instead of the generic ones", () => {
  const spec = hw.getExercise("hw00-ex2")!;
  const r = hw.runCheck("hw00-ex2", spec.mistakes![0].answer);
  failed(r);
  assert.ok(
    r.cases.every((c) => c.hints.length === 1 && /Each column sums to 1/.test(c.hints[0])),
    hw.formatResult(r),
  );
  const sum = hw.runCheck("hw00-ex1", (a: Float64Array, b: Float64Array) =>
    a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0),
  );
  assert.match(hints(sum), /Missing 1\/n/);
});

test("NotDoneYet says 'not done yet' once, with 0 points", () => {
  const r = hw.runCheck("t-linear", () => {
    throw new hw.NotDoneYet();
  });
  assert.equal(r.status, "not done");
  assert.equal(r.points, 0);
  assert.equal(r.max, 2);
  assert.equal(r.firstFailure, "not done yet");
  const text = hw.formatResult(r);
  assert.match(text, /not done yet \(0\/2\)/);
  assert.doesNotMatch(text, /✗/);
});

test("a student's exception is reported with the student's message and line, never with frames from src/", () => {
  // Defined the way tslab runs a cell: a vm script named evalmachine.<anonymous>.
  const student = vm.runInThisContext(
    [
      "(function (d) {",
      "function studentLinear(X, W) {",
      "  const Z = d.matmulNT(X, W);",
      "  const o = undefined;",
      "  return o.rows + Z.rows;",
      "}",
      "return studentLinear; })",
    ].join("\n"),
  )({ matmulNT }) as hw.AnyFunction;
  const r = hw.runCheck("t-linear", student);
  assert.equal(r.status, "failed");
  assert.equal(r.cases[0].status, "error");
  const msg = r.cases[0].message ?? "";
  assert.match(msg, /^your code threw TypeError: Cannot read properties of undefined \(reading 'rows'\)/);
  assert.match(msg, /at studentLinear, line 4 of the function: return o\.rows \+ Z\.rows;/);
  // An error raised inside the course code names the course function and the student's line.
  const shapes = vm.runInThisContext(
    [
      "(function (d) {",
      "return function wrongShapes(X, W) {",
      "  return d.matmulNT(X, X.rows > 0 ? transposeOf(W) : W);",
      "};",
      "function transposeOf(W) { return d.transpose(W); }",
      "})",
    ].join("\n"),
  )({
    matmulNT,
    transpose,
  }) as hw.AnyFunction;
  const s = hw.runCheck("t-linear", shapes);
  const text = hw.formatResult(s);
  assert.match(text, /ShapeError: matmulNT: .*\(raised inside the course function matmulNT, called from your code\)/);
  assert.match(text, /at wrongShapes, line 2 of the function: return d\.matmulNT/);
  for (const out of [hw.formatResult(r), text]) {
    assert.doesNotMatch(out, /src[/\\]/, out);
    assert.doesNotMatch(out, /node:internal|\.ts:\d+/, out);
  }
});

test("checks never throw: stubs, odd values, unknown ids, broken specs", () => {
  exercise({
    id: "t-broken-ref",
    title: "broken reference",
    reference: () => {
      throw new Error("bug in the spec");
    },
    cases: () => [{ name: "c", args: [] }],
  });
  exercise({
    id: "t-broken-cases",
    title: "broken cases",
    reference: () => 1,
    cases: () => {
      throw new Error("no data");
    },
  });
  exercise({
    id: "t-broken-compare",
    title: "broken compare",
    reference: () => 1,
    compare: () => {
      throw new Error("compare bug");
    },
    cases: () => [{ name: "c", args: [] }],
  });
  const evil = new Proxy(
    {},
    {
      get() {
        throw new Error("gotcha");
      },
      ownKeys() {
        throw new Error("gotcha");
      },
    },
  );
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  const logged: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => logged.push(a.join(" "));
  try {
    for (const id of ["t-linear", "t-grad", "t-broken-ref", "t-broken-cases", "t-broken-compare", "no-such-exercise"]) {
      for (const fn of [
        () => evil,
        () => cyclic,
        () => NaN,
        () => "text",
        () => Promise.resolve(1),
        () => {
          throw "a string";
        },
        () => {
          throw null;
        },
        42 as unknown as hw.AnyFunction,
      ]) {
        assert.doesNotThrow(() => hw.check(id, fn));
        assert.doesNotThrow(() => hw.checkHidden(id, fn, { seed: 1 }));
      }
    }
    assert.doesNotThrow(() => hw.summary());
    assert.doesNotThrow(() => hw.summary("t"));
  } finally {
    console.log = log;
  }
  const all = logged.join("\n");
  assert.match(all, /the check itself failed \(Error: bug in the spec\): this is not your fault/);
  assert.match(all, /no exercise "no-such-exercise" is registered/);
  assert.match(all, /returned a Promise/);
  assert.doesNotMatch(all, /\n\s+at .*src[/\\]/);
  // A check inside a student's function is ignored (it cannot add results).
  logged.length = 0;
  console.log = (...a: unknown[]) => logged.push(a.join(" "));
  try {
    hw.check("t-linear", (X: Matrix, W: Matrix) => {
      hw.check("t-linear", (A: Matrix, B: Matrix) => matmulNT(A, B));
      return matmulNT(X, W);
    });
  } finally {
    console.log = log;
  }
  assert.match(logged.join("\n"), /called while another check runs: ignored/);
});

test("check prints one line per case with points, and expected vs got on a failure", () => {
  const logged: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => logged.push(a.join(" "));
  try {
    assert.equal(
      hw.check("t-linear", (X: Matrix, W: Matrix) => (X.rows === 3 ? transpose(matmulNT(X, W)) : matmulNT(X, W))),
      undefined,
    );
  } finally {
    console.log = log;
  }
  const out = logged.join("\n");
  assert.match(
    out,
    /^t-linear · Z = X·Wᵀ\n {2}✓ random 6×3 by 2×3 \(1\/1\)\n {2}✗ square 3×3 by 3×3 \(0\/1\): entry \[0, 1\]/,
  );
  assert.match(out, /expected: Matrix 3×3 \[\[/);
  assert.match(out, /got: {6}Matrix 3×3 \[\[/);
  assert.match(out, /Hint: Transposed/);
  assert.match(out, /→ 1\/2 points/);
});

// ---------------------------------------------------------------------------------------------
// Release

const example = path.join(root, "test", "notebooks", "homework-example.ipynb");
const allMasters = [example, ...listMasters()];

test("release writes student versions: stubs, no solution or hidden-test line, no outputs, metadata kept; twice gives the same files", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-release-"));
  const first = releaseAll(allMasters, out);
  const bytes = first.map((f) => fs.readFileSync(f, "utf8"));
  const second = releaseAll(allMasters, out);
  assert.deepEqual(second, first);
  assert.deepEqual(
    second.map((f) => fs.readFileSync(f, "utf8")),
    bytes,
  );
  assert.deepEqual(fs.readdirSync(out).sort(), allMasters.map((m) => `${stemOf(m)}.ipynb`).sort());
  for (const m of allMasters) {
    const master = readNotebook(m);
    const released = readNotebook(path.join(out, `${stemOf(m)}.ipynb`));
    const text = released.cells.map(sourceOf).join("\n");
    for (const line of leakCandidates(master))
      assert.ok(
        !text.includes(line),
        `${stemOf(m)}: the released notebook contains the secret line ${JSON.stringify(line)}`,
      );
    assert.doesNotMatch(text, /^\s*\/\/\s*(BEGIN|END) (SOLUTION|HIDDEN TESTS)\s*$|checkHidden/m);
    assert.equal(released.cells.length, master.cells.length);
    assert.equal(released.metadata.descent?.homework, stemOf(m));
    master.cells.forEach((mc, i) => {
      const rc = released.cells[i];
      const { checksum, cell_type, ...kept } = rc.metadata.nbgrader ?? {};
      void [checksum, cell_type]; // added as nbgrader's ComputeChecksums adds them (test/nbgrader.test.ts)
      assert.deepEqual(
        rc.metadata.nbgrader ? kept : undefined,
        mc.metadata.nbgrader,
        `${stemOf(m)} cell ${i + 1}: nbgrader metadata`,
      );
      if (rc.cell_type === "code") {
        assert.deepEqual(rc.outputs, []);
        assert.equal(rc.execution_count, null);
      }
      if (nbgraderOf(mc)?.solution && mc.cell_type === "code")
        assert.match(sourceOf(rc), /\/\/ YOUR CODE HERE\n\s*throw new hw\.NotDoneYet\(\);/);
    });
  }
  fs.rmSync(out, { recursive: true, force: true });
});

test("release refuses unbalanced markers and names the cell", () => {
  assert.throws(
    () => releaseText("a\n// BEGIN SOLUTION\nb", "code", "nb: cell 3"),
    /nb: cell 3: the solution region opened on line 2 is never closed/,
  );
  assert.throws(
    () => releaseText("// END SOLUTION", "code", "nb: cell 4"),
    /nb: cell 4, line 1: "\/\/ END SOLUTION" without a matching BEGIN/,
  );
  assert.throws(
    () => releaseText("// BEGIN SOLUTION\n// BEGIN HIDDEN TESTS\n", "code", "c"),
    /inside the solution region/,
  );
  assert.equal(
    releaseText("f() {\n    // BEGIN SOLUTION\n    return 1;\n    // END SOLUTION\n}", "code", "c"),
    "f() {\n    // YOUR CODE HERE\n    throw new hw.NotDoneYet();\n}",
  );
});

// ---------------------------------------------------------------------------------------------
// Grading synthetic submissions of the example master

type Edit = (nb: Notebook) => void;

function cellById(nb: Notebook, gradeId: string): Cell {
  const c = nb.cells.find((x) => gradeIdOf(x) === gradeId);
  if (!c) throw new Error(`no cell ${gradeId}`);
  return c;
}

function setSource(c: Cell, text: string): void {
  c.source = linesForSource(text);
}

/** A submission: the student version with some solutions filled in (from the master) and some edits. */
function submission(master: Master, solved: string[], ...edits: Edit[]): Notebook {
  const nb = JSON.parse(JSON.stringify(master.released)) as Notebook;
  for (const id of solved) setSource(cellById(nb, `${id}-solution`), sourceOf(cellById(master.nb, `${id}-solution`)));
  for (const e of edits) e(nb);
  return nb;
}

function rowsOf(rows: Row[], student: string): Record<string, Row> {
  return Object.fromEntries(rows.filter((r) => r.student === student).map((r) => [r.exercise, r]));
}

test("grading synthetic submissions gives the expected gradebook rows", { timeout: 1_800_000 }, async () => {
  const master = loadMaster(example);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-subs-"));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-grades-"));
  const put = (name: string, nb: Notebook) => writeNotebook(path.join(dir, `${name}.ipynb`), nb);
  put("perfect", submission(master, ["hw00-ex1", "hw00-ex2"]));
  put("empty", submission(master, []));
  put("half", submission(master, ["hw00-ex1"]));
  put(
    "throwing",
    submission(master, ["hw00-ex2"], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        "function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  const o: any = undefined;\n  return o.total / y.length;\n}",
      ),
    ),
  );
  put(
    "y-looping",
    submission(master, ["hw00-ex2"], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        "function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  let s = 0;\n  while (true) s++;\n}",
      ),
    ),
  );
  put(
    "z-exiting",
    submission(master, ["hw00-ex1"], (nb) =>
      setSource(
        cellById(nb, "hw00-ex2-solution"),
        "function softmaxRows(Z: d.Matrix): d.Matrix {\n  process.exit(3);\n}",
      ),
    ),
  );
  put(
    "uncompiled",
    submission(master, ["hw00-ex2"], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        'function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  return "zero";\n}',
      ),
    ),
  );
  put(
    "forger",
    submission(master, [], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        'function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  const j = JSON.stringify({ id: "hw00-ex1", kind: "visible", points: 2, max: 2, status: "passed", firstFailure: null });\n  require("tslab").display.raw("application/vnd.descent.homework+json", { json: j, sig: "0".repeat(64) } as any);\n  console.log("✓ all good (2/2)");\n  return 0;\n}',
      ),
    ),
  );
  // Tampering, two kinds per notebook (one per exercise).
  put(
    "tamper-a",
    submission(
      master,
      ["hw00-ex1", "hw00-ex2"],
      (nb) => (nb.cells = nb.cells.filter((c) => gradeIdOf(c) !== "hw00-ex1-check")),
      (nb) => (cellById(nb, "hw00-ex2-check").metadata.nbgrader!.points = 50),
    ),
  );
  put(
    "tamper-b",
    submission(
      master,
      ["hw00-ex1", "hw00-ex2"],
      (nb) => {
        const i = nb.cells.findIndex((c) => gradeIdOf(c) === "hw00-ex1-solution");
        nb.cells.splice(i + 1, 0, JSON.parse(JSON.stringify(nb.cells[i])) as Cell);
      },
      (nb) => setSource(cellById(nb, "hw00-ex2-check"), 'console.log("✓ everything passed");'),
    ),
  );
  put(
    "tamper-c",
    submission(
      master,
      ["hw00-ex1"],
      (nb) => setSource(cellById(nb, "hw00-ex1-task"), "## Exercise 1\nI rewrote the task."),
      (nb) => {
        const c = cellById(nb, "hw00-ex2-solution");
        c.cell_type = "markdown";
        delete c.outputs;
        delete c.execution_count;
      },
    ),
  );
  // Attacks from a solution cell (issue 22, item 2): none may change a grade. Each submits a WRONG
  // ex1 (returns 0) or a correct one that proves it could not read the answers.
  const wrongMse = "function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  return 0;\n}";
  put(
    "x-mathabs",
    submission(master, [], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        `Math.abs = () => 0;\nMath.max = () => 0;\nNumber.isFinite = () => true;\n${wrongMse}`,
      ),
    ),
  );
  put(
    "x-protos",
    submission(master, [], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        `Object.defineProperty(Object.prototype, "status", { get: () => "passed", configurable: true });\n(Array.prototype as any).some = () => false;\n(Array.prototype as any).find = () => undefined;\nJSON.stringify = () => '{"id":"hw00-ex1","kind":"visible","outcomes":[]}';\n${wrongMse}`,
      ),
    ),
  );
  put(
    "x-emit",
    submission(master, [], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        `import * as report from "./src/homework/report";\nimport * as check from "./src/homework/check";\nconst link = report.takeGraderLink();\nif (link) { link.send({ id: "hw00-ex1", kind: "visible", outcomes: [] }); }\n(check as any).check = () => {};\n(hw as any).check = () => {};\nprocess.stdout.write = (() => true) as any;\n${wrongMse}`,
      ),
    ),
  );
  put(
    "x-reader",
    submission(master, ["hw00-ex2"], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        `import * as fs from "fs";\nconst leak = ["src/homework/exercises/example.ts", "notebooks/homework-masters", "test/notebooks/homework-example.ipynb"].filter((f) => fs.existsSync(f) && (!f.endsWith(".ts") || /\\b(reference|hidden)\\s*:/.test(fs.readFileSync(f, "utf8"))));\nconst env = Object.keys(process.env).filter((k) => /DESCENT_HW/.test(k));\nfunction meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  if (leak.length || env.length) throw new Error("LEAK " + leak.join(",") + env.join(","));\n  let s = 0;\n  for (let i = 0; i < y.length; i++) s += (yhat[i] - y[i]) ** 2;\n  return s / y.length;\n}`,
      ),
    ),
  );
  put(
    "x-timer",
    submission(master, [], (nb) =>
      setSource(
        cellById(nb, "hw00-ex1-solution"),
        `setTimeout(() => { (Math as any).abs = () => 0; }, 0);\nsetInterval(() => console.log("✓ passed (2/2)"), 50);\n${wrongMse}`,
      ),
    ),
  );
  fs.writeFileSync(path.join(dir, "broken.ipynb"), "{ not json");

  // A fresh kernel per submission (the default), so no submission's patches reach another.
  const report = await grade(dir, [master], {
    out,
    timeout: 300,
    cellTimeout: 20,
    callTimeout: 2,
    jobs: 1,
    sharedKernel: false,
  });
  const rows = report.rows;
  const csv = fs.readFileSync(report.gradebook, "utf8");
  assert.match(csv.split("\n")[0], /^student,notebook,exercise,points,max_points,status,first_failing_message,notes$/);
  const show = JSON.stringify(
    rows.map(({ output: _o, ...r }) => r),
    null,
    1,
  );

  const perfect = rowsOf(rows, "perfect");
  assert.deepEqual(
    [perfect["hw00-ex1"].points, perfect["hw00-ex1"].status, perfect["hw00-ex2"].points, perfect["hw00-ex2"].status],
    [4, "passed", 5, "passed"],
    show,
  );
  assert.equal(perfect["hw00-ex1"].notes, "");

  const empty = rowsOf(rows, "empty");
  for (const e of ["hw00-ex1", "hw00-ex2"])
    assert.deepEqual([empty[e].points, empty[e].status, empty[e].message], [0, "not done", "not done yet"], show);

  const half = rowsOf(rows, "half");
  assert.deepEqual(
    [half["hw00-ex1"].points, half["hw00-ex1"].status, half["hw00-ex2"].status],
    [4, "passed", "not done"],
    show,
  );

  const throwing = rowsOf(rows, "throwing");
  assert.equal(throwing["hw00-ex1"].points, 0, show);
  assert.equal(throwing["hw00-ex1"].status, "failed");
  assert.match(
    throwing["hw00-ex1"].message,
    /your code threw TypeError: Cannot read properties of undefined \(reading 'total'\)/,
  );
  assert.match(
    throwing["hw00-ex1"].output,
    /at meanSquaredError, line 3 of the function: return o\.total \/ y\.length;/,
  );
  assert.doesNotMatch(throwing["hw00-ex1"].output, /src\/|node:internal/);
  assert.equal(throwing["hw00-ex2"].status, "passed");

  // An endless loop is cut off per call (its own time limit), not per notebook: the rest is graded.
  const looping = rowsOf(rows, "y-looping");
  assert.deepEqual([looping["hw00-ex1"].points, looping["hw00-ex1"].status], [0, "timeout"], show);
  assert.match(looping["hw00-ex1"].message, /ran out of time/);
  assert.deepEqual([looping["hw00-ex2"].points, looping["hw00-ex2"].status], [5, "passed"], show);

  // process.exit inside a checked function is refused: the kernel lives on, the exercise fails.
  const exiting = rowsOf(rows, "z-exiting");
  assert.deepEqual(
    [exiting["hw00-ex1"].status, exiting["hw00-ex2"].points, exiting["hw00-ex2"].status],
    ["passed", 0, "failed"],
    show,
  );
  assert.match(exiting["hw00-ex2"].message, /process\.(exit|reallyExit) is not available/);

  // Attacks: wrong answers stay wrong whatever the solution cell patched; answers are not readable.
  for (const s of ["x-mathabs", "x-protos", "x-emit", "x-timer"]) {
    const r = rowsOf(rows, s)["hw00-ex1"];
    assert.equal(r.points, 0, `${s}: ${show}`);
    assert.notEqual(r.status, "passed", `${s}: ${show}`);
  }
  const reader = rowsOf(rows, "x-reader");
  assert.deepEqual([reader["hw00-ex1"].points, reader["hw00-ex2"].points], [4, 5], show);

  const uncompiled = rowsOf(rows, "uncompiled");
  assert.equal(uncompiled["hw00-ex1"].status, "error", show);
  assert.match(
    uncompiled["hw00-ex1"].message,
    /your solution cell does not run: .*Type 'string' is not assignable to type 'number'/,
  );
  assert.equal(uncompiled["hw00-ex2"].status, "passed");

  const forger = rowsOf(rows, "forger");
  assert.deepEqual([forger["hw00-ex1"].points, forger["hw00-ex1"].status], [0, "failed"], show);
  assert.match(
    forger["hw00-ex1"].notes,
    /solution cell hw00-ex1-solution uses require\(\), the grader's result format \(review it\)/,
  );
  assert.match(exiting["hw00-ex2"].notes, /solution cell hw00-ex2-solution uses process \(review it\)/);

  const a = rowsOf(rows, "tamper-a");
  assert.equal(a["hw00-ex1"].status, "tampered", show);
  assert.match(a["hw00-ex1"].notes, /check cell hw00-ex1-check deleted/);
  assert.equal(a["hw00-ex1"].points, 4); // graded with the master's check cell, for the lecturer to decide
  assert.match(a["hw00-ex2"].notes, /points of hw00-ex2-check changed from 5 to 50/);
  assert.equal(a["hw00-ex2"].max, 5);
  const b = rowsOf(rows, "tamper-b");
  assert.match(b["hw00-ex1"].notes, /grade_id hw00-ex1-solution duplicated \(2 cells\)/, show);
  assert.match(b["hw00-ex2"].notes, /check cell hw00-ex2-check edited/);
  assert.deepEqual([b["hw00-ex1"].status, b["hw00-ex2"].status], ["tampered", "tampered"]);
  assert.equal(b["hw00-ex2"].points, 5);
  const c = rowsOf(rows, "tamper-c");
  assert.match(c["hw00-ex1"].notes, /locked cell hw00-ex1-task edited/, show);
  assert.match(c["hw00-ex2"].notes, /solution cell hw00-ex2-solution changed from code to markdown/);
  assert.equal(c["hw00-ex2"].points, 0);

  const broken = rows.find((r) => r.student === "broken")!;
  assert.equal(broken.status, "unreadable");
  // Nobody else's rows carry tampering notes.
  for (const s of ["perfect", "empty", "half", "throwing", "y-looping", "uncompiled"]) {
    assert.ok(
      rows.filter((r) => r.student === s).every((r) => r.status !== "tampered" && r.notes === ""),
      `${s}: ${show}`,
    );
  }
  // Feedback: one file per student with what the checks printed, hidden cases included.
  const fb = fs.readFileSync(path.join(report.feedbackDir, "half.md"), "utf8");
  assert.match(fb, /Total: \*\*4 \/ 9\*\* points/);
  assert.match(fb, /hidden tests/);
  assert.match(fb, /not done yet/);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(out, { recursive: true, force: true });
});

test("findIssues: a submission as released has no issue; each kind of tampering is one; code reaching into the checks is noted", () => {
  const master = loadMaster(example);
  assert.deepEqual(findIssues(master, master.released), []);
  assert.deepEqual(findIssues(master, master.nb), []); // the master itself (hidden tests included) is not tampered
  const nb = JSON.parse(JSON.stringify(master.released)) as Notebook;
  const task = cellById(nb, "hw00-ex2-task");
  task.cell_type = "code";
  const issues = findIssues(master, nb).map((i) => i.text);
  assert.deepEqual(issues, ["locked cell hw00-ex2-task changed from markdown to code"]);
  const sneaky = JSON.parse(JSON.stringify(master.released)) as Notebook;
  setSource(
    cellById(sneaky, "hw00-ex1-solution"),
    'function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  return (hw.getExercise("hw00-ex1")!.reference as any)(yhat, y);\n}',
  );
  assert.deepEqual(
    findIssues(master, sneaky).map((i) => [i.text, i.tamper]),
    [["solution cell hw00-ex1-solution uses the homework module (hw.…) (review it)", false]],
  );
});

// ---------------------------------------------------------------------------------------------
// Every master and every student version, graded

test("grading: a kernel that does not start is started once more before the notebook is reported 'start failed'", () => {
  // The kernel driver's grading session (scripts/kernel/driver.py) with nbclient's client replaced by one whose first start fails
  // (test/support/fakeKernelClient.ts).
  const py = python();
  assert.ok(py, "no Python with nbclient");
  const script = `
s = driver.GradeSession({"kernel": "descent"}, "token")
s.kernel.start(None)
out = {"starts": len(starts), "running": s.kernel.running, "token_files": len(s.files)}
s.kernel.stop()
out["token_files_left"] = len(s.files)
starts.clear()
try:
    driver.GradeSession({"kernel": "descent", "start_attempts": 1}, "token").kernel.start(None)
    out["error"] = None
except driver.KernelStartError as e:
    out["error"] = str(e)
print(json.dumps(out))
`;
  const r = runWithFakeKernelClient(py, script);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
    starts: number;
    running: boolean;
    token_files: number;
    token_files_left: number;
    error: string | null;
  };
  assert.deepEqual([out.starts, out.running], [2, true], "the second start is used");
  assert.deepEqual(
    [out.token_files, out.token_files_left],
    [1, 0],
    "one token file for the running kernel, none after stop",
  );
  assert.match(
    r.stderr,
    /the kernel did not start \(RuntimeError: Kernel didn't respond in 120 seconds\); trying again/,
  );
  assert.equal(out.error, "RuntimeError: Kernel didn't respond in 120 seconds (after 1 start attempt)");
});

test(
  "every master scores full marks; every student version runs and scores 0 with 'not done yet'",
  { timeout: 900_000 },
  async () => {
    const masters = allMasters.map(loadMaster);
    const dirM = fs.mkdtempSync(path.join(os.tmpdir(), "descent-masters-"));
    const dirS = fs.mkdtempSync(path.join(os.tmpdir(), "descent-students-"));
    for (const m of masters) {
      writeNotebook(path.join(dirM, "master", `${m.name}.ipynb`), m.nb);
      writeNotebook(path.join(dirS, "student", `${m.name}.ipynb`), releaseNotebook(m.nb, m.name));
    }
    const options = { timeout: 300, cellTimeout: 240, jobs: 1, sharedKernel: true };
    const [gm, gs] = await Promise.all([
      grade(dirM, masters, { ...options, out: fs.mkdtempSync(path.join(os.tmpdir(), "descent-gm-")) }),
      grade(dirS, masters, { ...options, out: fs.mkdtempSync(path.join(os.tmpdir(), "descent-gs-")) }),
    ]);
    const written = (r: { exercise: string }) => /-q\d+$/.test(r.exercise); // marked by hand, not by a check
    for (const m of masters) {
      const mine = gm.rows.filter((r) => r.notebook === m.name && !written(r));
      assert.equal(mine.length, m.exercises.length, m.name);
      const questions = gm.rows.filter((r) => r.notebook === m.name && written(r));
      if (m.name !== "homework-example")
        assert.ok(questions.length >= 2, `${m.name}: ${questions.length} written questions`);
      for (const r of questions) assert.equal(r.status, "to mark", `${m.name} ${r.exercise}`);
      for (const r of mine)
        assert.deepEqual(
          [r.points, r.status, r.notes],
          [r.max, "passed", ""],
          `${m.name} ${r.exercise}: ${r.message}\n${r.output}`,
        );
      for (const r of gs.rows.filter((x) => x.notebook === m.name && !written(x))) {
        assert.deepEqual(
          [r.points, r.status, r.message],
          [0, "not done", "not done yet"],
          `${m.name} ${r.exercise} (student version): ${r.message}\n${r.output}`,
        );
      }
      assert.ok(
        m.exercises.every((e) => e.points > 0),
        `${m.name}: every check cell has points`,
      );
    }
    // Top to bottom without a crash: no cell of any executed notebook has an error.
    for (const g of [gm, gs]) {
      const executed = path.join(path.dirname(g.gradebook), "executed");
      for (const who of fs.readdirSync(executed)) {
        for (const f of fs.readdirSync(path.join(executed, who))) {
          const nb = readNotebook(path.join(executed, who, f));
          nb.cells.forEach((c, i) => assert.equal(cellErrors(c), "", `${who}/${f} cell ${i + 1}`));
        }
      }
    }
  },
);
