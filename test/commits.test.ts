// Commit messages (README, "Contributing"): a subject line of at most 72 characters, a blank line,
// then the detail. Every commit since the rule was introduced is checked (scripts/test/commitMessages.js,
// also git's commit-msg hook).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./support/notebooks";

interface Checked {
  commit: string;
  subject: string;
  problems: string[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rule = require(path.join(root, "scripts", "test", "commitMessages.js")) as {
  problems: (message: string) => string[];
  checkRange: (cwd: string, since?: string) => Checked[] | null;
  MAX_SUBJECT: number;
};

test("a message is a short subject, a blank line and the detail", () => {
  assert.deepEqual(rule.problems("Lay out scripts/ by job\n\nThe detail, as long as it needs to be.\n"), []);
  assert.deepEqual(rule.problems("Fix a typo\n"), []);
  assert.deepEqual(rule.problems(`${"x".repeat(rule.MAX_SUBJECT)}\n\n# a comment git strips\n`), []);
  assert.match(rule.problems(`${"x".repeat(rule.MAX_SUBJECT + 1)}\n`).join(), /73 characters \(at most 72/);
  assert.match(rule.problems("Subject\ndetail straight after it\n").join(), /second line must be blank/);
  assert.match(rule.problems("\n\nbody only\n").join(), /subject line is empty/);
});

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@descent.invalid", ...args], {
    cwd,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

test("the range check names the commits that break the rule, and skips merges", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-commits-"));
  git(dir, "init", "-q");
  git(dir, "commit", "-q", "--allow-empty", "-m", "Base");
  const base = git(dir, "rev-parse", "HEAD");
  git(dir, "commit", "-q", "--allow-empty", "-m", "Good subject\n\nDetail.");
  git(dir, "commit", "-q", "--allow-empty", "-m", `Bad: ${"all the detail in the subject line ".repeat(3)}`);
  git(dir, "checkout", "-q", "-b", "side", base);
  git(dir, "commit", "-q", "--allow-empty", "-m", "Side work");
  git(dir, "checkout", "-q", "-");
  git(dir, "merge", "-q", "--no-ff", "--no-edit", "-m", `Merge ${"a very long merge message ".repeat(4)}`, "side");
  const checked = rule.checkRange(dir, base)!;
  assert.deepEqual(
    checked.map((c) => c.subject).sort(),
    [
      "Bad: all the detail in the subject line all the detail in the subject line all the detail in the subject line",
      "Good subject",
      "Side work",
    ].sort(),
  );
  assert.deepEqual(
    checked.filter((c) => c.problems.length).map((c) => c.subject.slice(0, 4)),
    ["Bad:"],
  );
  assert.equal(rule.checkRange(dir, "0".repeat(40)), null, "an unknown base commit: nothing to check");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("every commit since the rule was introduced follows it", (t) => {
  const checked = rule.checkRange(root);
  if (checked === null) {
    t.skip("this checkout's history does not hold the commit that introduced the rule (a shallow clone or an export)");
    return;
  }
  const bad = checked
    .filter((c) => c.problems.length)
    .map((c) => `${c.commit.slice(0, 10)} "${c.subject}": ${c.problems.join("; ")}`);
  t.diagnostic(`${checked.length} commits checked`);
  assert.deepEqual(bad, [], "reword them (git rebase -i) before they land");
});
