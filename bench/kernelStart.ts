/**
 * Bench entry `kernel_first_import`: from starting the `descent` kernel (as Jupyter does, through
 * jupyter_client: scripts/kernel/driver.py) to the end of the first cell
 * `import * as d from "./src/index";` and of a trivial cell after it — what every kernel restart in a
 * lecture costs. Reference, in the same run and alternating with it: the same session with the kernel's
 * caches off (DESCENT_KERNEL_CACHE=0: tslab type-checks and compiles src/ in the kernel, as it did before
 * scripts/kernel/kernelCache.js). A first, untimed session fills the caches.
 *
 *   node --import tsx bench/kernelStart.ts [--reps N]     this entry alone
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");

export interface KernelStartEntry {
  ms: number;
  reference_ms: number;
  speedup_vs_reference: number;
  reference_note: string;
  note: string;
}

interface Session {
  /** CPU time of the kernel process (all its threads) from its start to the end of the first cell */
  kernel_cpu_ms: number;
  ready_seconds: number;
  total_seconds: number;
  cells: { status: string; seconds: number; stderr: string }[];
}

function python(): string | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { findPython } = require(path.join(root, "scripts", "setup", "python.js")) as {
    findPython: () => string | null;
  };
  return findPython();
}

/** One kernel session: start, the import cell, a trivial cell; seconds of each part. */
function session(py: string, cached: boolean): Session {
  const timing = path.join(os.tmpdir(), `descent-kernel-timing-${process.pid}.jsonl`);
  fs.rmSync(timing, { force: true });
  const r = spawnSync(py, [path.join(root, "scripts", "kernel", "driver.py"), "session"], {
    cwd: root,
    input: JSON.stringify({ cells: [{ code: 'import * as d from "./src/index";' }, { code: "1 + 1" }], timeout: 300 }),
    encoding: "utf8",
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(root, ".jupyter", "share", "jupyter"),
      PYTHONWARNINGS: "ignore",
      DESCENT_KERNEL_CACHE: cached ? "1" : "0",
      DESCENT_KERNEL_TIMING: timing,
    },
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`kernel_first_import: no report from driver.py session (exit ${r.status}):\n${r.stderr}`);
  const s = JSON.parse(line) as Session;
  for (const c of s.cells)
    if (c.status !== "ok") throw new Error(`kernel_first_import: a cell failed (${c.status}): ${c.stderr}`);
  try {
    s.kernel_cpu_ms = (JSON.parse(fs.readFileSync(timing, "utf8").split("\n")[0]) as { cpu_ms: number }).cpu_ms;
  } catch {
    s.kernel_cpu_ms = NaN;
  }
  fs.rmSync(timing, { force: true });
  return s;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];

/** Runs the entry; `log` gets progress lines. Null (with the reason logged) when no Jupyter is available. */
export function kernelFirstImport(reps: number, log: (s: string) => void): KernelStartEntry | null {
  const py = python();
  if (!py) {
    log("kernel_first_import skipped: no Python with nbclient/jupyter_client");
    return null;
  }
  spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
  session(py, true); // fills the caches (and warms the disk)
  const warm: Session[] = [];
  const cold: Session[] = [];
  for (let r = 0; r < reps; r++) {
    cold.push(session(py, false));
    warm.push(session(py, true));
    log(
      `  kernel_first_import ${r + 1}/${reps}: cached ${warm[r].total_seconds.toFixed(2)} s (kernel CPU ${warm[r].kernel_cpu_ms} ms), ` +
        `uncached ${cold[r].total_seconds.toFixed(2)} s (kernel CPU ${cold[r].kernel_cpu_ms} ms)`,
    );
  }
  const ms = 1000 * median(warm.map((s) => s.total_seconds));
  const reference = 1000 * median(cold.map((s) => s.total_seconds));
  const part = (ss: Session[], f: (s: Session) => number) => (1000 * median(ss.map(f))).toFixed(0);
  const cpu = (ss: Session[]) => median(ss.map((s) => s.kernel_cpu_ms)).toFixed(0);
  return {
    ms,
    reference_ms: reference,
    speedup_vs_reference: reference / ms,
    reference_note:
      `the same session with DESCENT_KERNEL_CACHE=0 (tslab compiles src/ in the kernel): ready ${part(cold, (s) => s.ready_seconds)} ms, ` +
      `import ${part(cold, (s) => s.cells[0].seconds)} ms, kernel CPU to the first import ${cpu(cold)} ms`,
    note:
      `kernel start (jupyter_client) → first cell \`import * as d from "./src/index"\` → a trivial cell, median of ${reps}: ` +
      `ready ${part(warm, (s) => s.ready_seconds)} ms, import ${part(warm, (s) => s.cells[0].seconds)} ms, trivial ${part(warm, (s) => s.cells[1].seconds)} ms; ` +
      `kernel CPU (all threads) to the first import ${cpu(warm)} ms (less sensitive to the machine's load than the wall times)`,
  };
}

if (require.main === module) {
  const i = process.argv.indexOf("--reps");
  const reps = i >= 0 ? Number(process.argv[i + 1]) : 3;
  const e = kernelFirstImport(reps, (s) => console.log(s));
  if (e) console.log(JSON.stringify({ kernel_first_import: e }, null, 2));
}
