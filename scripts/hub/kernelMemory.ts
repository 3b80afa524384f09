// npm run hub:memory: the memory of one Descent kernel (resident set, MB) at the steps a student goes
// through: started, after `import * as d from "./src/index"`, after `d.loadMnist()`, after one epoch of a
// 784-256-10 network on all 60,000 training images. Prints one JSON line (and a table with --table).
//
// The kernel is started through jupyter_client (scripts/kernel/driver.py session) as Jupyter starts it; each
// cell reports the RSS of the kernel process (VmRSS) and of its launcher (scripts/kernel/launcher.js), read from
// /proc. "kernel" below is the two together: what one open notebook costs beside the Notebook server.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");

export interface KernelMemory {
  /** MB (10^6 bytes) of kernel + launcher after each step. */
  started: number;
  imported: number;
  loadMnist: number;
  epoch: number;
  /** The same steps, the kernel process alone. */
  kernelOnly: { started: number; imported: number; loadMnist: number; epoch: number };
  /** Seconds of the epoch cell. */
  epochSeconds: number;
}

/** One cell's worth of code: prints "RSS <kernel kB> <launcher kB>" from /proc. */
const RSS_CELL = `{
  const rssKb = (pid: number) => { try { const m = /VmRSS:\\s+(\\d+)/.exec(require("fs").readFileSync("/proc/" + pid + "/status", "utf8")); return m ? Number(m[1]) : 0; } catch { return 0; } };
  console.log("RSS " + rssKb(process.pid) + " " + rssKb(process.ppid));
}`;

export function measureKernelMemory(): KernelMemory {
  const cells = [
    { code: RSS_CELL },
    { code: `import * as d from "./src/index";\n${RSS_CELL}` },
    { code: `const { train } = d.loadMnist();\n${RSS_CELL}` },
    {
      code:
        `const net = new d.MLP({ sizes: [784, 256, 10], activations: ["relu"], init: "he", rng: d.rng(1) });\n` +
        `await d.train(net, train, { epochs: 1, batchSize: 64, optimizer: d.sgd(0.1), shuffle: true, rng: d.rng(2), evaluateAtStart: false });\n` +
        RSS_CELL,
    },
  ];
  // src/ compiled for the kernel first (as npm start and npm run hub do): the first kernel after a change of src/
  // would otherwise build that cache itself and hold ~190 MB more than a student's kernel does
  const cache = spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelCache.js")], {
    cwd: root,
    encoding: "utf8",
  });
  if (cache.status !== 0)
    throw new Error(`kernel memory: kernelCache.js failed (exit ${cache.status}):\n${cache.stderr}`);
  const py = process.env.DESCENT_PYTHON || "/usr/bin/python3";
  const r = spawnSync(py, [path.join(root, "scripts", "kernel", "driver.py"), "session"], {
    input: JSON.stringify({ cells, timeout: 600 }),
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: path.join(root, ".jupyter", "share", "jupyter") },
    maxBuffer: 64 << 20,
  });
  const line = r.stdout.trim().split("\n").pop();
  if (!line) throw new Error(`kernel memory: no report from driver.py session (exit ${r.status}):\n${r.stderr}`);
  const report = JSON.parse(line) as {
    cells: Array<{ status: string; stdout: string; stderr: string; seconds: number }>;
  };
  const steps = report.cells.map((c, i) => {
    const m = /RSS (\d+) (\d+)/.exec(c.stdout);
    if (c.status !== "ok" || !m)
      throw new Error(`kernel memory: step ${i + 1} failed (${c.status}): ${c.stdout}\n${c.stderr}`);
    return { kernel: Number(m[1]) * 1024e-6, launcher: Number(m[2]) * 1024e-6 };
  });
  const mb = (x: number) => Math.round(x);
  return {
    started: mb(steps[0].kernel + steps[0].launcher),
    imported: mb(steps[1].kernel + steps[1].launcher),
    loadMnist: mb(steps[2].kernel + steps[2].launcher),
    epoch: mb(steps[3].kernel + steps[3].launcher),
    kernelOnly: {
      started: mb(steps[0].kernel),
      imported: mb(steps[1].kernel),
      loadMnist: mb(steps[2].kernel),
      epoch: mb(steps[3].kernel),
    },
    epochSeconds: report.cells[3].seconds,
  };
}

if (require.main === module) {
  const m = measureKernelMemory();
  if (process.argv.includes("--table")) {
    console.log("step           kernel+launcher MB   kernel alone MB");
    for (const k of ["started", "imported", "loadMnist", "epoch"] as const) {
      console.log(`${k.padEnd(14)} ${String(m[k]).padStart(18)} ${String(m.kernelOnly[k]).padStart(17)}`);
    }
    console.log(`epoch: ${m.epochSeconds} s`);
  } else console.log(JSON.stringify(m));
}
