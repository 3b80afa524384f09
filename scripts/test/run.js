#!/usr/bin/env node
// npm test: type-check (with the dev compiler, and src/ with tslab's own), lint, then every test file under test/ with node's test runner (unit, property,
// data, model, notebook and browser tests), then one closing line "N passed, N failed".
//   npm test                       everything
//   npm test -- test/mlp.test.ts   only the files named (after the type-check)
"use strict";
const { spawnSync, spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
process.chdir(root);

let passed = 0;
let failed = 0;

// 1. Type-check src/, test/, scripts/ and bench/ (tsconfig.json includes them all).
const tscStart = Date.now();
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "."], { stdio: "inherit" });
if (tsc.status === 0) {
  passed++;
  console.log(`✔ type-check (tsc -p .) ${((Date.now() - tscStart) / 1000).toFixed(1)}s`);
} else {
  failed++;
  console.log("✖ type-check (tsc -p .) failed");
}

// 1b. Type-check src/ as the notebook kernel compiles it (tslab's TypeScript 5.0, no DOM library).
const tslabStart = Date.now();
const tslabCheck = spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "typecheckTslab.js")], {
  stdio: "inherit",
});
if (tslabCheck.status === 0) {
  passed++;
  console.log(`✔ type-check of src/ with tslab's TypeScript ${((Date.now() - tslabStart) / 1000).toFixed(1)}s`);
} else {
  failed++;
  console.log("✖ type-check of src/ with tslab's TypeScript failed");
}

// 1c. Lint: ESLint and Prettier's check (scripts/lint/lint.js, as `npm run lint`).
const lintStart = Date.now();
const lint = spawnSync(process.execPath, [path.join(root, "scripts", "lint", "lint.js")], { stdio: "inherit" });
if (lint.status === 0) {
  passed++;
  console.log(`✔ lint (eslint, prettier --check) ${((Date.now() - lintStart) / 1000).toFixed(1)}s`);
} else {
  failed++;
  console.log("✖ lint (eslint, prettier --check) failed: npm run format fixes the layout, the rest is fixed by hand");
}

// 2. The test files, one after another (notebook and browser tests need the whole machine).
const named = process.argv.slice(2);
const files = named.length
  ? named
  : fs
      .readdirSync("test")
      .filter((f) => f.endsWith(".test.ts"))
      .sort()
      .map((f) => path.join("test", f));

const args = [
  ...require("../setup/nodeFlags").nodeFlags(),
  "--import",
  "tsx",
  "--test",
  "--test-concurrency=1",
  "--test-reporter=spec",
  ...files,
];
// This run's own folder (executed notebooks the notebook tests write and the slide test reads): tests never
// read what an earlier run, `npm start`, `npm run book` or a reader left in build/ or notebooks/.
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-test-run-"));
const env = { ...process.env, JUPYTER_PATH: jupyterPath(), DESCENT_TEST_RUN_DIR: runDir };
const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"], env });
let out = "";
child.stdout.on("data", (d) => {
  process.stdout.write(d);
  out += d.toString();
});
child.on("close", (code) => {
  fs.rmSync(runDir, { recursive: true, force: true });
  const pass = /^ℹ pass (\d+)/m.exec(out);
  const fail = /^ℹ fail (\d+)/m.exec(out);
  if (!pass || !fail) {
    console.log("the test runner ended without a summary (exit code " + code + ")");
    failed++;
  } else {
    passed += Number(pass[1]);
    failed += Number(fail[1]);
    if (code !== 0 && Number(fail[1]) === 0) failed++; // a crash outside any test
  }
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
});

function jupyterPath() {
  const local = path.join(root, ".jupyter", "share", "jupyter");
  return process.env.JUPYTER_PATH ? `${local}${path.delimiter}${process.env.JUPYTER_PATH}` : local;
}
