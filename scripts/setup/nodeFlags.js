#!/usr/bin/env node
// The Node flags Descent runs with, keeping only those this Node accepts:
//   --experimental-wasm-relaxed-simd  lets the WebAssembly kernels use fused multiply-add (Node 20 needs it;
//                                     newer Node versions enable relaxed SIMD by default and may drop the flag)
//   --max-old-space-size=8192         room for full MNIST and its copies
// As a command, runs node with them:  node scripts/setup/nodeFlags.js [node args…]   (npm run bench uses it)
"use strict";
const { spawnSync } = require("child_process");

const WANTED = ["--experimental-wasm-relaxed-simd", "--max-old-space-size=8192"];

let cached = null;
/** The flags of WANTED that `node` (process.execPath) accepts. */
function nodeFlags() {
  if (cached) return cached;
  cached = WANTED.filter((flag) => spawnSync(process.execPath, [flag, "-e", "0"], { stdio: "ignore" }).status === 0);
  return cached;
}

if (require.main === module) {
  const r = spawnSync(process.execPath, [...nodeFlags(), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(r.status === null ? 1 : r.status);
}
module.exports = { nodeFlags };
