#!/usr/bin/env node
// The Descent kernel of a student on the class server (README, "Serving a class"). The hub's kernelspec (written
// by scripts/hub/hub.ts into <state>/kernel/share/jupyter, a root-owned copy of the student edition outside the
// lecturer's repository) runs this file:
//   node [flags] <state>/kernel/scripts/hub/studentKernel.js <connection-file>
// as the student, from their Notebook server. It
//   1. finds the student's course copy (DESCENT_KERNEL_ROOT, set by scripts/hub/singleuser.sh: ~/descent);
//   2. repairs what would stop the kernel from starting there, keeping the student's files: a missing or broken
//      node_modules link (→ the hub's read-only node_modules, <state>/kernel/node_modules), a missing or
//      unreadable tsconfig.json (the student's own one kept as tsconfig.json.broken-<time>), and says so in the
//      first cell's output (DESCENT_KERNEL_NOTE, printed by scripts/kernel/kernelProcess.js);
//   3. runs the usual launcher (scripts/kernel/launcher.js) there;
//   4. when the kernel still ends before it started (node exits at start-up, tslab cannot load, …), answers every
//      cell of the notebook with what went wrong and what to do — instead of Jupyter's silent "kernel died".
"use strict";
const fs = require("fs");
const path = require("path");

const kernelHome = path.resolve(__dirname, "..", ".."); // <state>/kernel: the hub's copy of the edition
const hubNodeModules = path.resolve(process.env.DESCENT_KERNEL_NODE_MODULES || path.join(kernelHome, "node_modules"));
const home = process.env.HOME || "/";
const course = path.resolve(
  process.env.DESCENT_KERNEL_ROOT || path.join(home, process.env.DESCENT_COURSE_DIR || "descent"),
);
const shown = course.startsWith(home + "/") ? "~/" + path.relative(home, course) : course;
const stamp = () => new Date().toISOString().replace(/[:.]/g, "-");

/** Whether `dir`/node_modules gives tslab (through a link or not). */
function hasTslab(dir) {
  try {
    return fs.statSync(path.join(dir, "node_modules", "tslab", "dist", "jupyter.js")).isFile();
  } catch {
    return false;
  }
}

/** Parses tsconfig.json as TypeScript does (JSON with comments and trailing commas); throws what is wrong. */
function readTsconfig(file) {
  const text = fs.readFileSync(file, "utf8");
  const ts = require(path.join(hubNodeModules, "typescript"));
  const r = ts.parseConfigFileTextToJson(file, text);
  if (r.error) throw new Error(ts.flattenDiagnosticMessageText(r.error.messageText, " "));
  if (!r.config || typeof r.config !== "object") throw new Error("it is not an object");
}

/** Repairs the course copy where it keeps the kernel from starting; returns what was done (for the first cell). */
function repair() {
  const notes = [];
  if (!fs.existsSync(course) || !fs.statSync(course).isDirectory())
    throw new Error(
      `your course folder ${shown} is missing. Stop your server (File → Hub Control Panel → Stop My Server) and ` +
        "start it again: the course is copied there afresh (your other files are not touched).",
    );
  const nm = path.join(course, "node_modules");
  if (!hasTslab(course)) {
    let was = "missing";
    try {
      const st = fs.lstatSync(nm);
      was = st.isSymbolicLink() ? `a broken link (to ${fs.readlinkSync(nm)})` : "there but without tslab";
      const kept = `${nm}.broken-${stamp()}`;
      fs.renameSync(nm, kept);
      was += `; yours is kept as ${path.basename(kept)}`;
    } catch {
      /* missing */
    }
    fs.symlinkSync(hubNodeModules, nm);
    notes.push(`${shown}/node_modules was ${was}: it links to the course's shared packages again.`);
  }
  const tsconfig = path.join(course, "tsconfig.json");
  let problem = null;
  try {
    readTsconfig(tsconfig);
  } catch (e) {
    problem = e.code === "ENOENT" ? "missing" : `unreadable (${e.message})`;
  }
  if (problem) {
    let kept = "";
    if (fs.existsSync(tsconfig)) {
      kept = `tsconfig.json.broken-${stamp()}`;
      fs.renameSync(tsconfig, path.join(course, kept));
    }
    fs.copyFileSync(path.join(kernelHome, "tsconfig.json"), tsconfig);
    notes.push(
      `${shown}/tsconfig.json was ${problem}: the course's one is back` + (kept ? ` (yours is kept as ${kept}).` : "."),
    );
  }
  return notes;
}

/** A kernel that answers every cell with `message` (tslab's Jupyter server from the hub's own node_modules). */
function explainingKernel(message) {
  const jupyter = require(path.join(hubNodeModules, "tslab", "dist", "jupyter.js"));
  let count = 0;
  const handler = {
    handleKernel: () => ({
      protocol_version: "5.3",
      implementation: "descent-kernel-failed",
      implementation_version: "1.0.0",
      language_info: { name: "typescript", version: "", mimetype: "text/typescript", file_extension: ".ts" },
      banner: "The Descent kernel could not start",
    }),
    handleExecute: async (req, writeStream) => {
      count++;
      writeStream("stderr", message + "\n");
      return {
        status: "error",
        execution_count: count,
        ename: "KernelStartError",
        evalue: "the Descent kernel could not start (see above)",
        traceback: [],
      };
    },
    handleIsComplete: () => ({ status: "complete" }),
    handleInspect: () => ({ status: "ok", found: false, data: {}, metadata: {} }),
    handleComplete: (c) => ({
      status: "ok",
      matches: [],
      cursor_start: c.cursor_pos,
      cursor_end: c.cursor_pos,
      metadata: {},
    }),
    handleShutdown: (c) => {
      setTimeout(() => process.exit(0), 100);
      return { restart: Boolean(c && c.restart) };
    },
    close: () => {},
  };
  for (const s of ["SIGTERM", "SIGHUP"]) {
    process.removeAllListeners(s);
    process.on(s, () => process.exit(0));
  }
  process.removeAllListeners("SIGINT");
  process.on("SIGINT", () => {});
  new jupyter.ZmqServer(handler, process.argv[2]).init();
}

function help(what) {
  return (
    `The Descent kernel could not start in ${shown}: ${what}\n` +
    "Nothing of yours was changed or lost. What to do: restart the kernel (Kernel → Restart); if this " +
    "message comes back, stop your server (File → Hub Control Panel → Stop My Server) and start it again, " +
    "and if it still comes back, send this message to your lecturer."
  );
}

function main() {
  let notes;
  try {
    notes = repair();
  } catch (e) {
    console.error(help(e.message));
    explainingKernel(help(e.message));
    return;
  }
  if (notes.length) {
    process.env.DESCENT_KERNEL_NOTE = "Before this kernel started: " + notes.join(" ");
    console.error(process.env.DESCENT_KERNEL_NOTE);
  }
  process.env.DESCENT_KERNEL_ROOT = course;
  globalThis[Symbol.for("descent.kernelStartFailed")] = (code, signal, stderrTail) => {
    // the ports Jupyter gave were taken meanwhile (kernelProcess.js): no kernel of ours can listen there;
    // ending lets Jupyter start one on fresh ports
    if (code === 75 /* kernelProcess.js, PORTS_TAKEN_EXIT */) process.exit(1);
    const why = stderrTail.trim().split("\n").slice(-6).join("\n");
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    let own = "";
    try {
      if (!fs.lstatSync(path.join(course, "node_modules")).isSymbolicLink())
        own =
          `\n${shown}/node_modules is a folder of your own, not the course's shared packages: rename it ` +
          "(e.g. to node_modules.mine), then restart the kernel: the shared packages are linked in again.";
    } catch {
      /* no node_modules */
    }
    explainingKernel(help(`its process ended at start-up (${how})` + (why ? `:\n${why}` : ".") + own));
  };
  require("../kernel/launcher.js");
}

main();
