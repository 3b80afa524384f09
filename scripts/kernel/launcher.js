#!/usr/bin/env node
// The Descent kernel launcher. Jupyter runs it through the kernelspec that scripts/kernel/kernelspec.js writes:
//   node [flags] scripts/kernel/launcher.js <connection-file>
// It starts the kernel itself (scripts/kernel/kernelProcess.js: tslab's TypeScript kernel in the project root)
// as a child in a process group of its own, and stays beside it as a small relay:
//   - Jupyter's interrupt (■) is a SIGINT to the launcher's process group. The kernel does not get that
//     signal; the launcher writes one byte on a pipe instead, and a worker thread in the kernel sets the
//     flag that every long loop in src/ checks between two steps (src/core/interrupt.ts). A signal
//     straight to the kernel would cut a synchronous cell anywhere, e.g. in the middle of a weight update.
//     If no loop takes the interrupt within a second, the kernel interrupts itself the old way (tslab).
//   - SIGTERM / SIGHUP go on to the kernel; when the kernel exits, the launcher exits with its code.
//   - If the launcher dies (SIGKILL), the pipe closes and the kernel ends itself.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const configPath = process.argv[2];
if (!configPath) {
  console.error("usage: node scripts/kernel/launcher.js <jupyter-connection-file>");
  process.exit(2);
}
// On a class's hub (scripts/hub/): Node's heap limit for the kernel, and a note when memory stopped it.
// (optional: a kernel run from a copy of scripts/kernel/ alone, e.g. by the grader, goes without)
let memory = { heapFlags: () => [], memoryFailures: () => null, noteIfOutOfMemory: () => {} };
try {
  memory = require("../hub/kernelMemoryNote");
} catch {
  /* no scripts/hub/ beside scripts/kernel/ */
}
const kernel = spawn(
  process.execPath,
  [...process.execArgv, ...memory.heapFlags(), path.join(__dirname, "kernelProcess.js"), configPath],
  {
    stdio: ["inherit", "inherit", "inherit", "pipe"],
    detached: true, // its own process group: Jupyter's SIGINT to our group does not reach it
  },
);
const control = kernel.stdio[3];
control.on("error", () => {}); // the kernel is gone; its exit event ends us
process.on("SIGINT", () => control.write("i"));
for (const signal of ["SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    try {
      kernel.kill(signal);
    } catch {
      process.exit(1);
    }
  });
}
const failsBefore = memory.memoryFailures();
kernel.on("exit", (code, signal) => memory.noteIfOutOfMemory(signal, failsBefore));
kernel.on("exit", (code, signal) =>
  process.exit(code ?? (signal ? 128 + (require("os").constants.signals[signal] ?? 0) : 1)),
);
kernel.on("error", (e) => {
  console.error(`Descent kernel: cannot start ${process.execPath}: ${e.message}`);
  process.exit(1);
});
