// nbgrader in full, tested with nbgrader's own code (0.9.5, vendored in test/vendor/nbgrader, run by
// test/support/nbgrader_check.py with Debian's python3):
//   - every master passes nbgrader's metadata validator, and `npm run release` gives exactly what
//     nbgrader's generate_assignment preprocessors give (LockCells, ClearSolutions with the
//     TypeScript stub, ClearOutput, ComputeChecksums, ClearHiddenTests, ClearMarkScheme,
//     ComputeChecksums): same sources, same lock flags, same checksums;
//   - nbgrader's utils.determine_grade on the check cells of notebooks executed by `npm run grade`
//     gives every exercise the points the gradebook gives it (right, wrong, half done, not done).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  Cell,
  gradeIdOf,
  linesForSource,
  listMasters,
  Notebook,
  readNotebook,
  releaseNotebook,
  sourceOf,
  stemOf,
  writeNotebook,
  nbgraderChecksum,
} from "../scripts/homework/notebook";
import { grade, gradedNotebook, loadMaster, Master } from "../scripts/homework/grade";
import { python, root } from "./support/notebooks";

const checker = path.join(root, "test", "support", "nbgrader_check.py");
const example = path.join(root, "test", "notebooks", "homework-example.ipynb");

function nbgrader(args: string[]): unknown {
  const py = python();
  assert.ok(py, "no Python with nbformat/nbconvert: run npm run setup");
  const r = spawnSync(py, [checker, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PYTHONWARNINGS: "ignore" },
  });
  assert.equal(r.status, 0, `nbgrader_check.py ${args[0]} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

test("the release sets nbgrader's lock flags and checksums exactly as generate_assignment does, for every master", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-nbgrader-"));
  try {
    for (const m of [...listMasters(), example]) {
      const released = path.join(dir, `${stemOf(m)}.ipynb`);
      writeNotebook(released, releaseNotebook(readNotebook(m), stemOf(m)));
      const r = nbgrader(["assignment", m, released]) as {
        diffs: string[];
        cells: number;
        locked: number;
        checksums: number;
      };
      assert.deepEqual(r.diffs, [], `${stemOf(m)}: the release differs from nbgrader's generate_assignment`);
      assert.ok(
        r.locked >= 4 && r.checksums >= r.locked,
        `${stemOf(m)}: ${r.locked} locked cells, ${r.checksums} checksums`,
      );
    }
    // The comparison can fail: a changed source changes the checksum nbgrader computes.
    const nb = releaseNotebook(readNotebook(example), "homework-example");
    const check = nb.cells.find((c) => gradeIdOf(c) === "hw00-ex1-check")!;
    const before = check.metadata.nbgrader!.checksum;
    check.source = linesForSource(sourceOf(check) + "\n// edited");
    assert.notEqual(nbgraderChecksum(check), before);
    const tampered = path.join(dir, "tampered.ipynb");
    writeNotebook(tampered, nb);
    const r = nbgrader(["assignment", example, tampered]) as { diffs: string[] };
    assert.ok(
      r.diffs.some((d) => d.includes("hw00-ex1-check") && d.includes("source")),
      JSON.stringify(r.diffs),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function cellById(nb: Notebook, gradeId: string): Cell {
  const c = nb.cells.find((x) => gradeIdOf(x) === gradeId);
  if (!c) throw new Error(`no cell ${gradeId}`);
  return c;
}

function submission(master: Master, solved: string[], edit?: (nb: Notebook) => void): Notebook {
  const nb = JSON.parse(JSON.stringify(master.released)) as Notebook;
  for (const id of solved) cellById(nb, `${id}-solution`).source = cellById(master.nb, `${id}-solution`).source;
  edit?.(nb);
  return nb;
}

test(
  "nbgrader autograde (its Execute, then determine_grade on each check cell) gives the gradebook's points",
  { timeout: 900_000 },
  async () => {
    const master = loadMaster(example);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-nbg-subs-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-nbg-grades-"));
    const auto = fs.mkdtempSync(path.join(os.tmpdir(), "descent-nbg-auto-"));
    try {
      const subs: { [student: string]: Notebook } = {
        perfect: submission(master, ["hw00-ex1", "hw00-ex2"]),
        empty: submission(master, []),
        half: submission(master, ["hw00-ex2"]),
        // the square of the mean error (a known mistake); a softmax without the max subtraction (fails the ±1000 cases only)
        wrong: submission(master, [], (nb) => {
          cellById(nb, "hw00-ex1-solution").source = linesForSource(
            "function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  let s = 0;\n  for (let i = 0; i < y.length; i++) s += yhat[i] - y[i];\n  return (s / y.length) ** 2;\n}",
          );
          cellById(nb, "hw00-ex2-solution").source = linesForSource(
            "function softmaxRows(Z: d.Matrix): d.Matrix {\n  const S = d.zeros(Z.rows, Z.cols);\n  for (let i = 0; i < Z.rows; i++) {\n    let t = 0;\n    for (let k = 0; k < Z.cols; k++) t += Math.exp(Z.get(i, k));\n    for (let k = 0; k < Z.cols; k++) S.set(i, k, Math.exp(Z.get(i, k)) / t);\n  }\n  return S;\n}",
          );
        }),
      };
      for (const [s, nb] of Object.entries(subs)) writeNotebook(path.join(dir, `${s}.ipynb`), nb);
      const report = await grade(dir, [master], { out, timeout: 300, cellTimeout: 30, jobs: 1, sharedKernel: false });
      // nbgrader autograde runs the master's grade cells (OverwriteCells) with the student's solution cells.
      const files = Object.entries(subs).map(([s, nb]) => {
        const f = path.join(auto, `${s}.ipynb`);
        writeNotebook(f, gradedNotebook(master, nb));
        return f;
      });
      const py = python();
      assert.ok(py, "no Python with nbclient");
      spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
      const r = spawnSync(py, [checker, "autograde", ...files], {
        cwd: root,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          JUPYTER_PATH: path.join(root, ".jupyter", "share", "jupyter"),
          PYTHONWARNINGS: "ignore",
        },
      });
      assert.equal(r.status, 0, r.stderr);
      const grades = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
        [file: string]: { [gradeId: string]: [number, number] };
      };
      let partial = 0;
      for (const [file, byId] of Object.entries(grades)) {
        const student = path.basename(file).replace(/\.autograded\.ipynb$/, "");
        for (const ex of master.exercises) {
          const row = report.rows.find((x) => x.student === student && x.exercise === ex.name);
          assert.ok(row, `no gradebook row for ${student} ${ex.name}`);
          const [got, max] = byId[ex.gradeId];
          assert.equal(max, ex.points);
          assert.equal(
            got,
            row.points,
            `${student} ${ex.name}: nbgrader gives ${got}/${max}, npm run grade ${row.points}/${row.max} (${row.status}: ${row.message})`,
          );
          if (row.points > 0 && row.points < row.max) partial++;
        }
      }
      assert.equal(Object.keys(grades).length, 4);
      const points = (s: string) => report.rows.filter((x) => x.student === s).map((x) => x.points);
      assert.deepEqual(points("empty"), [0, 0]);
      assert.deepEqual(
        points("perfect"),
        master.exercises.map((e) => e.points),
      );
      assert.ok(
        partial >= 1,
        "no partial credit among the cases: the test would not see nbgrader's partial-credit path",
      );
    } finally {
      for (const d of [dir, out, auto]) fs.rmSync(d, { recursive: true, force: true });
    }
  },
);
