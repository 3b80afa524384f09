#!/usr/bin/env node
// The Descent kernel process: tslab's TypeScript kernel, started in the project root (so every notebook,
// wherever it sits, imports the course code as "./src" and reads data/ with the same relative paths),
// plus what a lecture needs:
//   - interrupts that stop long runs between two steps (the flag of src/core/interrupt.ts, set by a worker
//     thread from the byte the launcher scripts/kernel/launcher.js writes on fd 3 when Jupyter interrupts);
//   - a fast first import of ./src (scripts/kernel/kernelCache.js: src/ compiled once per content, not per kernel).
// Started by scripts/kernel/launcher.js; run by hand (node scripts/kernel/kernelProcess.js <connection-file>) it works
// the same, only without the interrupt pipe.
"use strict";
const fs = require("fs");
const path = require("path");
const { Worker } = require("worker_threads");

// DESCENT_KERNEL_ROOT: the course folder to run in (a class server's kernel runs in the student's own copy,
// ~/descent, from a launcher outside it: scripts/hub/studentKernel.js)
const root = path.resolve(process.env.DESCENT_KERNEL_ROOT || path.join(__dirname, "..", ".."));
const configPath = process.argv[2];
if (!configPath) {
  console.error("usage: node scripts/kernel/kernelProcess.js <jupyter-connection-file>");
  process.exit(2);
}
process.chdir(root);

// ── Interrupts ────────────────────────────────────────────────────────────────────────────────────────
// Slots as in src/core/interrupt.ts (INTERRUPT_SLOTS); STOPPED (1) is read only by the fallback worker below.
const REQUESTED = 0;
const CELL = 2;
const RUNNING = 3;
/** How long a pending interrupt waits for a checkpoint before tslab's own interrupt takes over. */
const FALLBACK_MS = 1000;
const flag = new Int32Array(new SharedArrayBuffer(4 * 4));
globalThis[Symbol.for("descent.interruptFlag")] = flag;

function controlPipeOpen() {
  try {
    return fs.fstatSync(3).isSocket() || fs.fstatSync(3).isFIFO();
  } catch {
    return false;
  }
}

if (controlPipeOpen()) {
  // The worker's own event loop reads the pipe, so the flag is set while the main thread is busy.
  const worker = new Worker(
    `
    const { workerData } = require("worker_threads");
    const net = require("net");
    const { flag, fallbackMs } = workerData;
    const [REQUESTED, STOPPED, CELL, RUNNING] = [0, 1, 2, 3];
    const pipe = new net.Socket({ fd: 3, readable: true, writable: false });
    pipe.on("data", (bytes) => {
      if (!bytes.includes(0x69 /* "i" */)) return;
      Atomics.store(flag, REQUESTED, 1);
      const stopped = Atomics.load(flag, STOPPED);
      const cell = Atomics.load(flag, CELL);
      setTimeout(() => {
        // No checkpoint took it, and the same cell still runs: a loop of the user's own, a long await, …
        if (Atomics.load(flag, REQUESTED) === 1 && Atomics.load(flag, STOPPED) === stopped &&
            Atomics.load(flag, RUNNING) === 1 && Atomics.load(flag, CELL) === cell) {
          process.kill(process.pid, "SIGINT");
        }
      }, fallbackMs);
    });
    // The launcher is gone (killed): end the kernel with it.
    const end = () => process.kill(process.pid, "SIGKILL");
    pipe.on("end", end);
    pipe.on("close", end);
    pipe.on("error", end);
    `,
    { eval: true, workerData: { flag, fallbackMs: FALLBACK_MS } },
  );
  worker.unref();
}

// ── Caches: V8's code cache of tslab's compiler, and src/ compiled once per content ─────────────────────
// DESCENT_KERNEL_CACHE=0 turns both off (tslab compiles src/ in each kernel, as before; the bench's reference).
const kernelCache = require("./kernelCache");
const cachesOn = process.env.DESCENT_KERNEL_CACHE !== "0";
let saveCodeCache = cachesOn ? kernelCache.useCodeCache(root) : null;
// With its cells compiled ahead (grading), the kernel loads tslab's TypeScript only if a cell is not in the
// table (scripts/kernel/lazyTypeScript.js): ~0.3 s of CPU per kernel.
if (process.env.DESCENT_PRECOMPILED) {
  try {
    require("./lazyTypeScript").deferTypeScript(kernelCache.tslabTypeScriptFile(root));
  } catch {
    /* no tslab: reported below */
  }
}
if (cachesOn) {
  try {
    kernelCache.shallowNodeModulesWatch(root);
  } catch {
    /* no tslab: reported below */
  }
}
// The cache of src/ is taken (and built, if src/ changed) when the first cell runs, not before the kernel
// answers Jupyter: a build counts against the cell's time, as tslab's own compile of src/ did, never against
// Jupyter's start-up timeout.
let srcCache = null;
// DESCENT_KERNEL_TIMING=<file>: after the first cell, append {cpu_ms, wall_ms, cache} of this process (bench).
const timingFile = process.env.DESCENT_KERNEL_TIMING;

// ── tslab (as tslab's startKernel, with the executor wrapped) ─────────────────────────────────────────
const tslabDir = path.join(root, "node_modules", "tslab", "dist");
let converter, executorModule, jupyter;
try {
  converter = require(path.join(tslabDir, "converter.js"));
  executorModule = require(path.join(tslabDir, "executor.js"));
  jupyter = require(path.join(tslabDir, "jupyter.js"));
} catch (e) {
  console.error(
    `Descent kernel: tslab is not installed in ${root}/node_modules. Run 'npm install' (or 'npm start') first.`,
  );
  process.exit(1);
}

// the previous kernel was stopped for memory (on a class's hub; optional: a copy of scripts/kernel/ alone goes
// without). Taken before the compiler watches anything: removing the note is no change for it to see.
let outOfMemoryNote = null;
try {
  outOfMemoryNote = require("../hub/kernelMemoryNote").takeNote();
} catch {
  /* no scripts/hub/ beside scripts/kernel/ */
}
// DESCENT_PRECOMPILED=<file>: cells compiled before the kernel started (grading: scripts/kernel/precompiled.js,
// made by scripts/kernel/compileServer.js); tslab's own compiler is then created only if a cell is not in it.
const precompiled = readPrecompiled(process.env.DESCENT_PRECOMPILED);
if (precompiled) {
  // tslab reads each cell's metadata (its leading /** @module … */ comment) with TypeScript's scanner: the
  // compiler read it too, and put it in the table (precompiled.js, cellMetadata)
  const metadata = require(path.join(tslabDir, "metadata.js"));
  const scan = metadata.getCodeMetadata;
  metadata.getCodeMetadata = (src) => require("./precompiled").cellMetadata(precompiled, src) ?? scan(src);
}
const convs = {
  _node: null,
  _browser: null,
  get node() {
    return (this._node ??= precompiled
      ? require("./precompiled").precompiledConverter(precompiled, createNodeConverter)
      : createNodeConverter());
  },
  get browser() {
    return (this._browser ??= converter.createConverter({ isJS: false, isBrowser: true }));
  },
  close() {
    this._node?.close();
    this._browser?.close();
  },
};
// (with precompiled cells it is created inside a cell, after the kernel cache of src/ is in place: ensureSrcCache)
function createNodeConverter() {
  return converter.createConverter({ isJS: false, isBrowser: false });
}
function readPrecompiled(file) {
  if (!file) return null;
  try {
    const table = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.rmSync(file, { force: true }); // read once: nothing of it stays for the cells to find
    return table && typeof table === "object" ? table : null;
  } catch (e) {
    console.error(`Descent kernel: ${file}: cannot read the precompiled cells (${e.message}); compiling them here`);
    return null;
  }
}
void convs.node; // warm the converter for Node.js, as tslab does (with precompiled cells: a table lookup)
const executor = executorModule.createExecutor(process.cwd(), convs, { log: console.log, error: console.error });

// Each cell starts with no interrupt pending; the worker's fallback needs to know which cell runs.
const execute = executor.execute;
const ensureSrcCache = () => {
  if (srcCache === null)
    srcCache = cachesOn ? kernelCache.useInKernel(root) : { used: false, why: "DESCENT_KERNEL_CACHE=0" };
};
for (const name of ["inspect", "complete"]) {
  const original = executor[name];
  executor[name] = (...args) => {
    ensureSrcCache();
    return original(...args);
  };
}
// what the launcher repaired in the course folder before the kernel started (scripts/hub/studentKernel.js)
const startNote = process.env.DESCENT_KERNEL_NOTE || null;
executor.execute = async (src) => {
  ensureSrcCache();
  if (outOfMemoryNote && Atomics.load(flag, CELL) === 0) console.error(outOfMemoryNote);
  if (startNote && Atomics.load(flag, CELL) === 0) console.error(startNote);
  Atomics.store(flag, REQUESTED, 0);
  Atomics.add(flag, CELL, 1);
  Atomics.store(flag, RUNNING, 1);
  try {
    return await execute(src);
  } finally {
    Atomics.store(flag, RUNNING, 0);
    if (timingFile && Atomics.load(flag, CELL) === 1) {
      const cpu = process.cpuUsage();
      const line = {
        cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
        wall_ms: Math.round(performance.now()),
        cache: srcCache,
      };
      try {
        fs.appendFileSync(timingFile, JSON.stringify(line) + "\n");
      } catch {
        /* no timing */
      }
    }
    if (saveCodeCache) {
      // after the first cell the compiler's busy functions are compiled: keep them for the next kernel
      // (written once, when there was no usable cache: ~0.1 s added to that first cell)
      saveCodeCache();
      saveCodeCache = null;
    }
  }
};

// ── A cell's value (execute_result) ───────────────────────────────────────────────────────────────
// tslab prints a cell's last value on stdout and never sends an execute_result. nbgrader's autograde
// takes a check cell's points from its execute_result (utils.determine_grade), so a homework check
// sends its points as a display of CELL_VALUE_MIME (src/homework/report.ts); the last one a cell sends
// is held back and sent, when the cell ends without an error, as that cell's execute_result.
const CELL_VALUE_MIME = "application/vnd.descent.cell-value+json";
jupyter.ZmqServer.prototype.handleExecute = async function handleExecute(sock, msg) {
  const send = (type, content) => {
    const m = msg.createReply();
    m.header.msg_type = type;
    m.content = content;
    m.signAndSend(this.connInfo.key, this.iopub);
  };
  let value = null;
  const writeStream = (name, text) => send("stream", { name, text });
  const writeDisplayData = (data, update) => {
    if (!update && data && data.data && Object.prototype.hasOwnProperty.call(data.data, CELL_VALUE_MIME)) {
      value = String(data.data[CELL_VALUE_MIME].text);
      return;
    }
    send(update ? "update_display_data" : "display_data", data);
  };
  const content = await this.handler.handleExecute(msg.content, writeStream, writeDisplayData);
  if (value !== null && content.status === "ok")
    send("execute_result", { execution_count: content.execution_count, data: { "text/plain": value }, metadata: {} });
  const reply = msg.createReply();
  reply.header.msg_type = "execute_reply";
  reply.content = content;
  reply.signAndSend(this.connInfo.key, sock);
};

// ── A cell never skipped in silence ───────────────────────────────────────────────────────────────────
// After a cell fails, tslab drops every execute request that arrives within 200 ms (its handler resets its
// queue 200 ms after an error; node_modules/tslab/dist/jupyter.js, handleExecute): the reply is "abort"
// and nothing else, so a cell run right after a failing one (Shift+Enter twice, Run All) stays "In [ ]"
// with no output. Dropping is right (the later cells may need the failed one); silence is not: the
// dropped cell says which cell failed and what to do.
const handler = new jupyter.JupyterHandlerImpl(executor, false);
let lastFailed = null; // the execution count of the last cell that ended with an error
const handleExecute = handler.handleExecute.bind(handler);
handler.handleExecute = async (req, writeStream, writeDisplayData) => {
  const reply = await handleExecute(req, writeStream, writeDisplayData);
  if (reply.status === "error") lastFailed = reply.execution_count ?? null;
  else if (reply.status === "abort") writeStream("stderr", notRunMessage(lastFailed));
  return reply;
};
function notRunMessage(failed) {
  const which = failed === null ? "the cell run just before it" : `cell [${failed}], run just before it,`;
  return `This cell did not run: ${which} ended with an error (see that cell's output), and the cells queued behind a failing cell are skipped. Fix that cell and run it, then run this one again.\n`;
}

const server = new jupyter.ZmqServer(handler, configPath);
process.on("SIGINT", () => executor.interrupt());
process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
/** The exit code of a kernel whose ports were taken (scripts/hub/studentKernel.js lets Jupyter retry on it). */
const PORTS_TAKEN_EXIT = 75; // EX_TEMPFAIL
// the launcher learns that the kernel started (one byte "r" on fd 3): a kernel ending before that could not start
server.init().then(
  () => {
    try {
      if (controlPipeOpen()) fs.writeSync(3, "r");
    } catch {
      /* no launcher */
    }
  },
  (e) => {
    // a port Jupyter chose was taken meanwhile (EADDRINUSE, many kernels starting at once): a kernel half
    // bound would hang its notebook; ending it lets Jupyter start another on fresh ports
    console.error(`Descent kernel: cannot listen on the ports Jupyter gave (${e && e.message}); ending`);
    process.exit(PORTS_TAKEN_EXIT);
  },
);
