// protectAnswers (scripts/homework/grading/isolation.ts), which both the grader and `npm run hub` use to close
// the answers to other users: recursive, symbolic links not followed, a note for each folder it changed and
// none the second time; and the folders the hub closes with it (ANSWERS; test/hub.test.ts checks a student meets
// EACCES there).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { protectAnswers } from "../scripts/homework/grading/isolation";
import { ANSWERS } from "../scripts/hub/hub";

const modeOf = (p: string) => fs.lstatSync(p).mode & 0o7777;

test("protectAnswers clears group and others' bits below each folder, says so once, follows no link", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-protect-"));
  try {
    const specs = path.join(tmp, "specs");
    const outside = path.join(tmp, "outside.txt");
    fs.mkdirSync(path.join(specs, "hw01"), { recursive: true, mode: 0o755 });
    fs.chmodSync(specs, 0o755);
    fs.chmodSync(path.join(specs, "hw01"), 0o775);
    fs.writeFileSync(path.join(specs, "hw01", "ex1.ts"), "export const reference = 42;\n", { mode: 0o644 });
    fs.chmodSync(path.join(specs, "hw01", "ex1.ts"), 0o644);
    fs.writeFileSync(outside, "not an answer\n");
    fs.chmodSync(outside, 0o644);
    fs.symlinkSync(outside, path.join(specs, "link.txt"));
    const closed = path.join(tmp, "closed");
    fs.mkdirSync(closed, { mode: 0o700 });
    fs.chmodSync(closed, 0o700);

    const notes = protectAnswers([specs, specs + "/", closed, path.join(tmp, "missing")]);
    assert.deepEqual(notes, [`${specs}: readable by other users; now only by its owner (mode 0700, files 0600)`]);
    assert.equal(modeOf(specs), 0o700);
    assert.equal(modeOf(path.join(specs, "hw01")), 0o700);
    assert.equal(modeOf(path.join(specs, "hw01", "ex1.ts")), 0o600);
    assert.equal(modeOf(outside), 0o644, "the file a link points to is not the answers'");
    assert.equal(modeOf(closed), 0o700);
    // a folder open only deep inside is noted too; once closed, nothing more to say
    fs.chmodSync(path.join(specs, "hw01", "ex1.ts"), 0o604);
    assert.equal(protectAnswers([specs]).length, 1);
    assert.equal(modeOf(path.join(specs, "hw01", "ex1.ts")), 0o600);
    assert.deepEqual(protectAnswers([specs, closed]), []);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("the hub's answer folders are the exercises, the masters, the grades and git's and the kernel's copies", () => {
  for (const rel of ["src/homework/exercises", "notebooks/homework-masters", "build/grades", ".git", ".cache"])
    assert.ok(ANSWERS.includes(rel), `ANSWERS has ${rel}`);
});
