// Grading again into the same folder (`npm run grade -- … --resume`, scripts/homework/grading/resume.ts): a
// notebook graded in full before keeps its marks without running, unless its submission, its master, the
// course's code or the limits changed; a new or changed notebook runs; a student no longer handed in leaves
// no files behind. Without --resume every notebook runs again. Real kernels, isolated (as the grader runs them).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { grade, GradeOptions, loadMaster, Row } from "../scripts/homework/grade";
import { codeHash, gradingKey, masterKey, savedRows, savedRowsFile } from "../scripts/homework/grading/resume";
import { mastersDir, writeNotebook } from "../scripts/homework/notebook";
import { Kind, submissionOfKinds } from "./support/submissions";

const master = loadMaster(path.join(mastersDir, "01-perceptron.ipynb"));
const kinds = (k: (e: number) => Kind) => Object.fromEntries(master.exercises.map((e, i) => [e.name, k(i)]));
const marks = (rows: Row[]) =>
  rows
    .filter((r) => r.notebook === master.name && master.exercises.some((e) => e.name === r.exercise))
    .map((r) => `${r.student} ${r.exercise} ${r.points}/${r.max} ${r.status}`)
    .sort();

test(
  "grading --resume: unchanged notebooks keep their marks unrun; changed, new and removed ones are handled",
  { timeout: 600_000 },
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-resume-subs-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-resume-grades-"));
    const hand = (student: string, k: (e: number) => Kind) =>
      writeNotebook(path.join(dir, student, `${master.name}.ipynb`), submissionOfKinds(master, kinds(k)));
    hand("ana", () => "right");
    hand("ben", (e) => (e % 2 ? "wrong" : "right"));
    let ran: string[] = [];
    const options = (resume: boolean): GradeOptions => ({
      out,
      timeout: 300,
      cellTimeout: 30,
      jobs: 2,
      sharedKernel: false,
      resume,
      progress: (r) => ran.push(path.basename(path.dirname(r.out))),
    });
    const run = async (resume: boolean) => {
      ran = [];
      return grade(dir, [master], options(resume));
    };

    // 1. the first run grades both and keeps their rows under their keys
    const first = await run(false);
    assert.deepEqual(ran.sort(), ["ana", "ben"]);
    const code = codeHash();
    const anaFile = path.join(out, "executed", "ana", `${master.name}.ipynb`);
    const anaKey = gradingKey(
      path.join(dir, "ana", `${master.name}.ipynb`),
      masterKey(master.file, code, options(true)),
    );
    assert.ok(savedRows(out, anaFile, anaKey, master.exercises.length), "ana's rows kept under her key");
    assert.equal(fs.statSync(savedRowsFile(out, anaFile)).mode & 0o077, 0, "the kept rows are the grader's only");

    // 2. resumed, nothing changed: nothing runs, the same marks and files
    const again = await run(true);
    assert.deepEqual(ran, []);
    assert.deepEqual(marks(again.rows), marks(first.rows));
    assert.ok(fs.existsSync(anaFile), "ana's executed notebook is still there");
    assert.equal(fs.readFileSync(path.join(out, "gradebook.csv"), "utf8"), fs.readFileSync(first.gradebook, "utf8"));

    // 3. ben hands in again (all right), cara is new, ana is unchanged: ben and cara run; ben's new marks count
    hand("ben", () => "right");
    hand("cara", () => "stub");
    const third = await run(true);
    assert.deepEqual(ran.sort(), ["ben", "cara"]);
    const ben = marks(third.rows).filter((l) => l.startsWith("ben "));
    assert.ok(
      ben.every((l) => / passed$/.test(l)),
      ben.join("\n"),
    );
    assert.ok(
      marks(third.rows)
        .filter((l) => l.startsWith("cara "))
        .every((l) => / 0\/\d+ /.test(l)),
    );

    // 4. cara withdraws: her notebook and kept rows go; different limits grade everyone again
    fs.rmSync(path.join(dir, "cara"), { recursive: true });
    const fourth = await run(true);
    assert.deepEqual(ran, []);
    for (const top of ["executed", "graded"])
      assert.ok(!fs.existsSync(path.join(out, top, "cara")), `${top}/cara is left behind`);
    assert.ok(!marks(fourth.rows).some((l) => l.startsWith("cara ")));
    ran = [];
    await grade(dir, [master], { ...options(true), cellTimeout: 29 });
    assert.deepEqual(ran.sort(), ["ana", "ben"], "new limits: every notebook runs");

    // 5. a kept file that is not what a run wrote (edited, or from another key) is graded again
    fs.writeFileSync(savedRowsFile(out, anaFile), JSON.stringify({ key: "forged", rows: [] }));
    ran = [];
    await grade(dir, [master], { ...options(true), cellTimeout: 29 });
    assert.deepEqual(ran, ["ana"]);

    // 6. without --resume everything runs
    await run(false);
    assert.deepEqual(ran.sort(), ["ana", "ben"]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
  },
);
