// The Descent kernel on a class's hub: its memory limits, and a clear message when they stopped it.
//   heapFlags()          Node's heap limit for the kernel (DESCENT_KERNEL_HEAP_MB, set by the hub), after the
//                        kernelspec's own flags so it wins
//   memoryFailures()     how many processes the student's memory cgroup (DESCENT_MEM_CGROUP) killed so far
//   noteIfOutOfMemory()  called by the launcher when the kernel ended: if the cgroup's OOM killer (SIGKILL, with
//                        more kills than at the start) or the heap limit (SIGABRT) stopped it, writes a note
//                        in the student's home, and says it on the server's log
//   takeNote()           the new kernel reads (and removes) the note, and shows it under the first cell it runs
// Outside a hub (no DESCENT_MEM_CGROUP, no DESCENT_KERNEL_HEAP_MB) all four do nothing.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const noteFile = () => path.join(os.homedir(), ".descent-kernel-stopped.txt");

function heapFlags() {
  const mb = Number(process.env.DESCENT_KERNEL_HEAP_MB);
  return Number.isInteger(mb) && mb > 0 ? [`--max-old-space-size=${mb}`] : [];
}

function memoryFailures() {
  const dir = process.env.DESCENT_MEM_CGROUP;
  if (!dir) return null;
  // the cgroup's OOM kills (memory.oom_control's oom_kill, Linux 4.13+), else the times it hit its limit
  try {
    const m = /^oom_kill (\d+)$/m.exec(fs.readFileSync(path.join(dir, "memory.oom_control"), "utf8"));
    if (m) return Number(m[1]);
  } catch {
    /* older kernel */
  }
  try {
    return Number(fs.readFileSync(path.join(dir, "memory.failcnt"), "utf8").trim());
  } catch {
    return null;
  }
}

function noteIfOutOfMemory(signal, failuresBefore) {
  const limit = process.env.DESCENT_MEM_LIMIT_MB;
  let why = null;
  if (signal === "SIGKILL" && failuresBefore !== null && (memoryFailures() ?? 0) > failuresBefore) {
    why = `it used more memory than your account may use (${limit} MB for your server and all its kernels together)`;
  } else if (signal === "SIGABRT" && process.env.DESCENT_KERNEL_HEAP_MB) {
    why = `its JavaScript heap grew past the limit of ${process.env.DESCENT_KERNEL_HEAP_MB} MB per kernel`;
  }
  if (!why) return;
  const text =
    `⚠ Your previous kernel was stopped at ${new Date().toLocaleTimeString("en-GB")} because ${why}. ` +
    "Its variables are gone: run the notebook again from the top. To use less memory: work on part of the data " +
    "(e.g. d.takeFirst(train, 10000)), avoid copies of the whole data set, and shut down the kernels of notebooks " +
    "you are not using (the Running tab).";
  console.error(`Descent kernel: ${text}`);
  try {
    fs.writeFileSync(noteFile(), text + "\n");
  } catch {
    /* no home */
  }
}

function takeNote() {
  try {
    const text = fs.readFileSync(noteFile(), "utf8").trim();
    fs.rmSync(noteFile(), { force: true });
    return text || null;
  } catch {
    return null;
  }
}

module.exports = { heapFlags, memoryFailures, noteIfOutOfMemory, takeNote };
