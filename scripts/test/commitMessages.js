#!/usr/bin/env node
// Commit messages: a subject line of at most 72 characters, then a blank line, then the detail.
//   node scripts/test/commitMessages.js FILE          check one message (git's commit-msg hook: see
//                                                     README, "Contributing"; exits 1 with the problems)
//   node scripts/test/commitMessages.js --since REV   check every commit after REV up to HEAD (merges skipped)
// test/commits.test.ts runs the second form from the commit that introduced the rule.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const MAX_SUBJECT = 72;
/** The commit that introduced the rule: the commits after it are checked. */
const RULE_SINCE = "4accb875d34698cf8fb1f2b11df4503863da06a8";

/** What is wrong with a commit message (its text as written, comments stripped), or []. */
function problems(message) {
  const lines = message
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((l) => !l.startsWith("#"));
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  const out = [];
  const subject = lines[0] ?? "";
  if (subject.trim() === "") out.push("the subject line is empty");
  if ([...subject].length > MAX_SUBJECT)
    out.push(
      `the subject line has ${[...subject].length} characters (at most ${MAX_SUBJECT}; put the detail in the body)`,
    );
  if (lines.length > 1 && lines[1].trim() !== "")
    out.push("the second line must be blank (subject, blank line, then the body)");
  return out;
}

function git(cwd, args) {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : null;
}

/**
 * The commits after `since` up to HEAD in the repository at `cwd`, merges left out, each with its
 * problems: [{ commit, subject, problems }]. Null when `cwd` is not a git work tree or `since` is not
 * an ancestor of HEAD (a shallow clone, another history).
 */
function checkRange(cwd, since = RULE_SINCE) {
  if (git(cwd, ["merge-base", "--is-ancestor", since, "HEAD"]) === null) return null;
  const hashes = git(cwd, ["rev-list", "--no-merges", `${since}..HEAD`]);
  if (hashes === null) return null;
  return hashes
    .split("\n")
    .filter(Boolean)
    .map((commit) => {
      const message = git(cwd, ["log", "-1", "--format=%B", commit]) ?? "";
      return { commit, subject: message.split("\n")[0], problems: problems(message) };
    });
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === "--since") {
    const root = path.resolve(__dirname, "..", "..");
    const commits = checkRange(root, args[1] ?? RULE_SINCE);
    if (commits === null) {
      console.error(`commit messages: ${args[1] ?? RULE_SINCE} is not an ancestor of HEAD here; nothing checked`);
      process.exit(0);
    }
    const bad = commits.filter((c) => c.problems.length);
    for (const c of bad) console.error(`${c.commit.slice(0, 10)} "${c.subject}": ${c.problems.join("; ")}`);
    console.log(`commit messages: ${commits.length - bad.length} of ${commits.length} commits follow the rule`);
    process.exit(bad.length ? 1 : 0);
  } else if (args.length === 1) {
    const found = problems(fs.readFileSync(args[0], "utf8"));
    for (const p of found) console.error(`commit message: ${p}`);
    process.exit(found.length ? 1 : 0);
  } else {
    console.error("usage: node scripts/test/commitMessages.js MESSAGE-FILE | --since REV");
    process.exit(2);
  }
}
module.exports = { problems, checkRange, MAX_SUBJECT, RULE_SINCE };
