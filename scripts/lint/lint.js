#!/usr/bin/env node
// `npm run lint` and the lint step of `npm test`: ESLint (eslint.config.js) and Prettier's check
// (.prettierrc.json) over the project; exit 1 if either finds something. `npm run format` fixes the
// layout; ESLint's findings are fixed by hand.
//   node scripts/lint/lint.js                                   the whole project
//   node scripts/lint/lint.js --stdin-filename src/x.ts < FILE  one text, linted as if it were that file
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
const eslint = path.join(root, "node_modules", "eslint", "bin", "eslint.js");
const prettier = path.join(root, "node_modules", "prettier", "bin", "prettier.cjs");

/** Runs ESLint, then Prettier's check; returns the number of the two that failed. */
function lint(stdinFilename) {
  const input = stdinFilename === undefined ? undefined : fs.readFileSync(0, "utf8");
  const run = (bin, args) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: root,
      input,
      stdio: [input === undefined ? "ignore" : "pipe", "inherit", "inherit"],
    });
    return r.status === 0;
  };
  const eslintArgs = stdinFilename === undefined ? ["."] : ["--stdin", "--stdin-filename", stdinFilename];
  const prettierArgs = stdinFilename === undefined ? ["--check", "."] : ["--check", "--stdin-filepath", stdinFilename];
  let failed = 0;
  if (!run(eslint, eslintArgs)) failed++;
  if (stdinFilename === undefined) {
    if (!run(prettier, prettierArgs)) failed++;
  } else {
    // prettier --check reads no stdin: compare the text with Prettier's layout of it instead.
    const r = spawnSync(process.execPath, [prettier, "--stdin-filepath", stdinFilename], {
      cwd: root,
      input,
      encoding: "utf8",
    });
    if (r.status !== 0 || r.stdout !== input) {
      console.error(`[warn] ${stdinFilename}: not laid out as Prettier would (run npm run format)`);
      failed++;
    }
  }
  if (failed) console.error("lint: failed (npm run format fixes the layout; the rest is fixed by hand)");
  return failed;
}

if (require.main === module) {
  const i = process.argv.indexOf("--stdin-filename");
  process.exit(lint(i >= 0 ? process.argv[i + 1] : undefined) ? 1 : 0);
}
