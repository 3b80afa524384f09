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
// A wrapper (the class server's scripts/hub/studentKernel.js) may take over when the kernel ends before it
// started: startFailed(code, signal, stderrTail) then answers the notebook instead of this process exiting.
const startFailed = globalThis[Symbol.for("descent.kernelStartFailed")];
const kernel = spawn(
  process.execPath,
  [...process.execArgv, ...memory.heapFlags(), path.join(__dirname, "kernelProcess.js"), configPath],
  {
    stdio: ["inherit", "inherit", startFailed ? "pipe" : "inherit", "pipe"],
    detached: true, // its own process group: Jupyter's SIGINT to our group does not reach it
  },
);
let stderrTail = "";
kernel.stderr?.on("data", (b) => {
  process.stderr.write(b);
  stderrTail = (stderrTail + b.toString()).slice(-4000);
});
let started = false; // the kernel writes "r" on the control pipe once it listens (kernelProcess.js)
const control = kernel.stdio[3];
control.on("data", (b) => (started ||= b.includes(0x72 /* "r" */)));
control.on("error", () => {}); // the kernel is gone; its exit event ends us
process.on("SIGINT", () => control.write("i"));
let stopping = false;
for (const signal of ["SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopping = true;
    try {
      kernel.kill(signal);
    } catch {
      process.exit(1);
    }
  });
}
const failsBefore = memory.memoryFailures();
kernel.on("exit", (code, signal) => memory.noteIfOutOfMemory(signal, failsBefore));
kernel.on("exit", (code, signal) => {
  if (!started && startFailed && !stopping) return startFailed(code, signal, stderrTail);
  process.exit(code ?? (signal ? 128 + (require("os").constants.signals[signal] ?? 0) : 1));
});
kernel.on("error", (e) => {
  console.error(`Descent kernel: cannot start ${process.execPath}: ${e.message}`);
  process.exit(1);
});
