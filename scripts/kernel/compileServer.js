#!/usr/bin/env node
// tslab's compiler as a service, for grading (scripts/kernel/driver.py grade starts one per runner, as
// the runner's isolated user, like its kernels: scripts/homework/grading/isolation.ts). It compiles a
// notebook's cells in the course folder exactly as a kernel there would (the same tslab converter, the
// same kernel cache of src/: scripts/kernel/kernelCache.js), once per runner instead of once per kernel,
// and answers each notebook with the table the kernel takes its cells from (scripts/kernel/precompiled.js).
// No cell runs here: TypeScript only type-checks and emits.
//
//   node scripts/kernel/compileServer.js [ignored]   in the course folder ($DESCENT_KERNEL_ROOT or ../..)
//   stdin:  one JSON line per notebook: {"cells": ["source", ...]}   (the code cells in order)
//   stdout: one JSON line per notebook: {"table": {key: conversion}, "keeps": [bool], "compiled": n, "reused": n}
//           or {"skip": "why"} (the kernel then compiles that notebook itself); first, once:
//           {"ready": true, "lean": whether tslab's converter has the lean builder (scripts/kernel/leanConverter.js)}
"use strict";
const path = require("path");
const readline = require("readline");
const kernelCache = require("./kernelCache");
const { convertNotebook } = require("./precompiled");

const root = path.resolve(process.env.DESCENT_KERNEL_ROOT || path.join(__dirname, "..", ".."));
process.chdir(root); // tslab's compiler works in the current folder, as in the kernel

const cachesOn = process.env.DESCENT_KERNEL_CACHE !== "0";
if (cachesOn) {
  kernelCache.useCodeCache(root);
  kernelCache.shallowNodeModulesWatch(root);
}
const tslabDir = path.join(root, "node_modules", "tslab", "dist");
// tslab's converter with a lean builder (scripts/kernel/leanConverter.js; DESCENT_LEAN_COMPILER=0: tslab's as it is)
const lean = process.env.DESCENT_LEAN_COMPILER === "0" ? null : require("./leanConverter").leanConverter(tslabDir);
const { createConverter } = lean ?? require(path.join(tslabDir, "converter.js"));
const { getCodeMetadata } = require(path.join(tslabDir, "metadata.js"));

// In the kernel's order (scripts/kernel/kernelProcess.js): the compiler first, then the cache of src/
// (created after it, the compiler's first program takes seconds longer).
let converter = createConverter({ isJS: false, isBrowser: false });
if (cachesOn) kernelCache.useInKernel(root);
const memo = new Map();
const send = (line) => process.stdout.write(JSON.stringify(line) + "\n");
send({ ready: true, lean: lean !== null });

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", (line) => {
  if (!line.trim()) return;
  let answer;
  try {
    const { cells } = JSON.parse(line);
    if (!Array.isArray(cells) || !cells.every((c) => typeof c === "string"))
      throw new Error('expected {"cells": ["source", ...]}');
    answer = convertNotebook(converter, cells, memo, getCodeMetadata);
    if (answer.dirty) {
      // this compiler has emitted a source file once: a fresh one for the next notebook
      converter.close();
      converter = createConverter({ isJS: false, isBrowser: false });
      memo.clear();
      delete answer.dirty;
    }
  } catch (e) {
    answer = { skip: `the compiler failed: ${e && e.message}` };
  }
  send(answer);
});
input.on("close", () => {
  converter.close();
  process.exit(0);
});
