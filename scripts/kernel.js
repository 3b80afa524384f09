#!/usr/bin/env node
// The Descent kernel launcher: starts tslab's TypeScript kernel with the project root as its
// working directory, so every notebook, wherever it sits, imports the course code as "./src" and
// reads data/ with the same relative paths. Jupyter runs it through the kernelspec that
// scripts/kernelspec.js writes:  node [flags] scripts/kernel.js <connection-file>
"use strict";
const path = require("path");

const root = path.resolve(__dirname, "..");
const configPath = process.argv[2];
if (!configPath) {
  console.error("usage: node scripts/kernel.js <jupyter-connection-file>");
  process.exit(2);
}
process.chdir(root);
let tslab;
try {
  tslab = require(path.join(root, "node_modules", "tslab", "dist", "main.js"));
} catch (e) {
  console.error(`Descent kernel: tslab is not installed in ${root}/node_modules. Run 'npm install' (or 'npm start') first.`);
  process.exit(1);
}
tslab.startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: "descent" });
