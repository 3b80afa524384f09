// npm run hub:load -- --students 30: a class on a throwaway hub, measured.
//
// N simulated students (scripts/hub/class_session.py) sign in through the login form at once, get a server,
// open a kernel over the websocket, import the course, load MNIST, run homework 01 with their own answers
// (right; one exercise wrong; one crashing the kernel with process.exit; one looping for ever — in turn)
// and submit it; then every student runs a trivial cell at the same moment. The lecturer grades the inbox
// (`npm run grade -- --inbox`), and the gradebook must give each student the points their answers earn.
//
// Prints (and writes to build/hub-load.json): time to a running server per student, memory per student
// (the cgroup's working set: server + kernel) after start, import, loadMnist and the homework, CPU seconds
// of the kernel per homework, the trivial cell's latency with everyone connected (all N at once, then groups
// of …, 10, 5 of them at once: the largest class answered within 2 s), the machine's load average, and the
// gradebook check (each student's cells in build/hub-load-students.json).
// Options: --students N (30)  --mem-limit MB (1024)  --class-mem-limit MB (the whole class's cap, 0 = none)
//          --keep-going (report a wrong gradebook instead of failing).
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./hub";
import { throwawayHub } from "./throwawayHub";
import { Notebook, readNotebook } from "../homework/notebook";
import { pointsOf, studentNotebook, VARIANTS, Variant } from "./homeworkVariants";

const HW = "01-perceptron";

/** A cell printing the student's cgroup working set (usage − inactive file cache) and the kernel's CPU seconds. */
const MEASURE = `{
  const fs_ = require("fs");
  const g = process.env.DESCENT_MEM_CGROUP;
  let ws = -1;
  try {
    const usage = Number(fs_.readFileSync(g + "/memory.usage_in_bytes", "utf8"));
    const inactive = Number((/^total_inactive_file (\\d+)$/m.exec(fs_.readFileSync(g + "/memory.stat", "utf8")) || [0, 0])[1]);
    ws = usage - inactive;
  } catch {}
  const cpu = process.cpuUsage();
  console.log("MEASURE " + JSON.stringify({ ws, rss: process.memoryUsage.rss(), cpu: (cpu.user + cpu.system) / 1e6 }));
}`;

function codeCells(nb: Notebook): string[] {
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const opt = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const n = opt("--students", 30);
  const memLimitMb = opt("--mem-limit", 1024);
  const keepGoing = args.includes("--keep-going");
  // the whole class's memory cap (0 = none): on a shared machine, the class cannot take the others' memory
  const classMemLimitMb = opt("--class-mem-limit", 0);
  const master = readNotebook(path.join(root, "notebooks", "homework-masters", `${HW}.ipynb`));
  const load0 = os.loadavg();
  const t0 = Date.now();
  const hub = await throwawayHub({ students: n, memLimitMb, classMemLimitMb });
  let failed = false;
  try {
    console.log(
      `hub up in ${((Date.now() - t0) / 1000).toFixed(1)} s at ${hub.url}; ${n} students, load average ${load0.map((x) => x.toFixed(1)).join(" ")}`,
    );
    const variantOf = (i: number): Variant => VARIANTS[i % VARIANTS.length];
    const students = hub.students.map((s, i) => {
      const nb = studentNotebook(master, HW, variantOf(i));
      return {
        ...s,
        files: { [`descent/notebooks/homework/${HW}.ipynb`]: nb },
        cells: [
          MEASURE,
          `import * as d from "./src/index";\n${MEASURE}`,
          `const { train, test } = d.loadMnist();\n${MEASURE}`,
          ...codeCells(nb),
          `import * as hw from "./src/homework/index";\nawait hw.submit("${HW}");\n${MEASURE}`,
          "1 + 1",
        ],
        cell_timeout: 60,
      };
    });
    const p = spawn("/usr/bin/python3", [path.join(root, "scripts", "hub", "class_session.py")], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (b: Buffer) => (out += b.toString()));
    // after all n at once, smaller groups of the same connected class run the trivial cell at once (largest class)
    const rounds: number[] = [n]; // all n again, then the multiples of 5 below n, largest first
    for (let k = 5 * Math.floor((n - 1) / 5); k >= 5; k -= 5) rounds.push(k);
    p.stdin.end(JSON.stringify({ hub: hub.url, timeout: 900, together_last: true, rounds, students }));
    const loadDuring: number[] = [];
    const sampler = setInterval(() => loadDuring.push(os.loadavg()[0]), 5000);
    await new Promise((r) => p.on("close", r));
    clearInterval(sampler);
    const reports = (
      JSON.parse(out.trim().split("\n").pop()!) as {
        students: Array<{
          name: string;
          error: string | null;
          server_seconds: number;
          cells: Array<{ status: string; stdout: string; seconds: number; error: string }>;
          rounds?: Record<string, { status: string; seconds: number }>;
          kernels_replaced?: string[];
        }>;
      }
    ).students;
    // every student's cells as class_session.py reported them (status, seconds, output), to see what went wrong
    fs.mkdirSync(path.join(root, "build"), { recursive: true });
    fs.writeFileSync(path.join(root, "build", "hub-load-students.json"), JSON.stringify(reports, null, 1) + "\n");
    const measures = reports.map((r) =>
      r.cells
        .filter((c) => c.stdout.includes("MEASURE "))
        .map(
          (c) =>
            JSON.parse(c.stdout.slice(c.stdout.lastIndexOf("MEASURE ") + 8).split("\n")[0]) as {
              ws: number;
              rss: number;
              cpu: number;
            },
        ),
    );
    const errors = reports.filter((r) => r.error).map((r) => `${r.name}: ${r.error}`);
    const mb = (x: number) => Math.round(x / 1e6);
    const col = (k: number) => measures.filter((m) => m.length > k).map((m) => m[k].ws);
    const trivial = reports
      .map((r) => r.cells[r.cells.length - 1])
      .filter((c) => c && c.status === "ok")
      .map((c) => c.seconds);
    // the trivial cell with k students at once, in each round (the kernels warm: not the first cell after the
    // homework); a student without a kernel (their server failed) takes no part and is among the errors
    const bySize: Record<string, { ran: number; answered: number; median: number; max: number }> = {};
    for (const k of rounds) {
      const ran = reports.flatMap((r) => (r.rounds?.[String(k)] ? [r.rounds[String(k)]] : []));
      const xs = ran.filter((c) => c.status === "ok").map((c) => c.seconds);
      bySize[k] = { ran: ran.length, answered: xs.length, median: pct(xs, 50), max: Math.max(...xs) };
    }
    // the largest class whose every student got the answer within 2 s
    const within2s = Math.max(
      0,
      ...Object.entries(bySize)
        .filter(([, l]) => l.ran > 0 && l.answered === l.ran && l.max <= 2)
        .map(([k]) => Number(k)),
    );
    const cpu = measures.filter((m) => m.length === 4).map((m) => m[3].cpu - m[0].cpu);
    const result = {
      students: n,
      mem_limit_mb: memLimitMb,
      class_mem_limit_mb: classMemLimitMb,
      errors,
      // kernels that did not answer (a port two kernels were given at once) and were replaced, as a student would
      kernels_replaced: reports.flatMap((r) => (r.kernels_replaced ?? []).map((x) => `${r.name}: ${x}`)),
      load_average_before: load0,
      load_average_during_max: Math.max(...loadDuring, 0),
      server_seconds: {
        median: pct(
          reports.map((r) => r.server_seconds).filter((x) => x),
          50,
        ),
        max: Math.max(...reports.map((r) => r.server_seconds ?? 0)),
      },
      memory_mb_median: {
        started: mb(pct(col(0), 50)),
        imported: mb(pct(col(1), 50)),
        loadMnist: mb(pct(col(2), 50)),
        homework: mb(pct(col(3), 50)),
      },
      memory_mb_max: { homework: mb(Math.max(...col(3))) },
      kernel_cpu_seconds_per_homework: { median: pct(cpu, 50), max: Math.max(...cpu) },
      trivial_cell_seconds: {
        answered: trivial.length,
        median: pct(trivial, 50),
        p95: pct(trivial, 95),
        max: Math.max(...trivial),
      },
      trivial_cell_seconds_by_class_size: bySize,
      largest_class_trivial_cell_within_2s: within2s,
      grade: {} as Record<string, unknown>,
    };
    // the lecturer grades the inbox
    const gout = fs.mkdtempSync(path.join(os.tmpdir(), "descent-hub-load-grades-"));
    const tg = Date.now();
    const g = spawnSync(
      "node",
      [
        "--import",
        "tsx",
        path.join(root, "scripts", "homework", "grade.ts"),
        "--inbox",
        hub.inbox,
        "--out",
        gout,
        "--masters",
        path.join(root, "notebooks", "homework-masters", `${HW}.ipynb`),
        "--jobs",
        "2",
        "--cell-timeout",
        "60",
      ],
      { encoding: "utf8", cwd: root },
    );
    const rows = fs.existsSync(path.join(gout, "gradebook.csv"))
      ? fs
          .readFileSync(path.join(gout, "gradebook.csv"), "utf8")
          .trim()
          .split("\n")
          .slice(1)
          .map((l) => l.split(","))
      : [];
    const wrong: string[] = [];
    hub.students.forEach((s, i) => {
      const got = rows.filter((r) => r[0] === s.name).reduce((a, r) => a + Number(r[3]), 0);
      const want = pointsOf(master, variantOf(i));
      if (got !== want) wrong.push(`${s.name} (${variantOf(i).name}): ${got} points, expected ${want}`);
    });
    result.grade = { exit: g.status, seconds: (Date.now() - tg) / 1000, wrong };
    fs.rmSync(gout, { recursive: true, force: true });
    fs.mkdirSync(path.join(root, "build"), { recursive: true });
    fs.writeFileSync(path.join(root, "build", "hub-load.json"), JSON.stringify(result, null, 2) + "\n");
    console.log(JSON.stringify(result, null, 2));
    failed = errors.length > 0 || g.status !== 0 || (wrong.length > 0 && !keepGoing);
    if (g.status !== 0) console.error(g.stderr.slice(-3000));
  } finally {
    await hub.stop();
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    console.error(`hub:load: ${e.stack ?? e.message}`);
    process.exitCode = 1;
  },
);
