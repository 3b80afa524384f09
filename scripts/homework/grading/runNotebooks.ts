// Running graded notebooks in the Descent kernel (through scripts/kernel/driver.py grade), with time limits.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "../notebook";
import { CALLS_ENV, TOKEN_ENV } from "../../../src/homework/report";
import { GradingCourse } from "./gradingCourse";
import { GradeOptions } from "./options";

export interface RunJob {
  input: string;
  output: string;
  token: string;
  /**
   * Cells with a limit of their own (s; a budget from the references: gradeSubmissions.ts, cellLimits), by
   * cell index; every other code cell has the cell limit.
   */
  limits?: Record<number, number>;
  /** The same, while the kernel takes its cells compiled ahead and no cell before has failed (calls.ts, BUDGET). */
  compiledLimits?: Record<number, number>;
  /** The grader's arguments for the kernel (a JSON file of GradingCalls), when grading in isolation. */
  calls?: string;
}

export interface RunResult {
  in: string;
  out: string;
  seconds: number;
  stopped_at: number | null;
  reason: "timeout" | "notebook timeout" | "died" | "start failed" | null;
  detail: string | null;
  /** Seconds outside the notebook's cells: compiling its cells ahead, starting its kernel, stopping it. */
  phases?: { compile: number; start: number; stop: number };
}

function python(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { findPython } = require(path.join(root, "scripts", "setup", "python.js")) as {
    findPython: () => string | null;
  };
  const py = findPython();
  if (!py)
    throw new Error(
      "grade: no Python with nbclient (Debian: apt-get install python3-nbclient; elsewhere: pip install nbclient)",
    );
  return py;
}

function runBatch(
  py: string,
  sessions: RunJob[][],
  options: GradeOptions,
  tmp: string,
  k: number,
  course: GradingCourse | null,
): Promise<RunResult[]> {
  const jobsFile = path.join(tmp, `jobs-${k}.json`);
  const jobs = {
    kernel: course ? course.kernels[k % course.kernels.length] : "descent",
    // cells compiled ahead, once per runner (scripts/kernel/compileServer.js); not with one shared kernel
    compiler: course && !options.sharedKernel ? course.compilers[k % course.compilers.length] : null,
    // Isolated (grading/isolation.ts): each kernel's scratch folder, made by the driver, owned by this runner's user.
    isolation:
      course?.users && course.scratch ? { ...course.users[k % course.users.length], scratch: course.scratch } : null,
    calls_env: CALLS_ENV,
    timeout: options.timeout,
    cell_timeout: options.cellTimeout,
    token_env: TOKEN_ENV,
    sessions: sessions.map((s) => ({
      token: s[0].token,
      calls: s[0].calls ?? null,
      notebooks: s.map((j) => ({
        in: j.input,
        out: j.output,
        limits: j.limits ?? {},
        compiled_limits: j.compiledLimits ?? j.limits ?? {},
      })),
    })),
  };
  fs.writeFileSync(jobsFile, JSON.stringify(jobs), { mode: 0o600 });
  const local = course
    ? `${course.jupyterPath}${path.delimiter}${path.join(root, ".jupyter", "share", "jupyter")}`
    : path.join(root, ".jupyter", "share", "jupyter");
  return new Promise((resolve) => {
    const child = spawn(py, [path.join(__dirname, "..", "..", "kernel", "driver.py"), "grade", jobsFile], {
      cwd: course ? course.dir : root,
      env: {
        ...process.env,
        JUPYTER_PATH: process.env.JUPYTER_PATH ? `${local}${path.delimiter}${process.env.JUPYTER_PATH}` : local,
        PYTHONWARNINGS: "ignore",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    let reported = 0;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const complete = out
        .slice(0, out.lastIndexOf("\n") + 1)
        .split("\n")
        .filter((l) => l.startsWith("{"));
      for (; reported < complete.length; reported++) options.progress?.(JSON.parse(complete[reported]) as RunResult);
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => {
      const results = out
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as RunResult);
      const done = new Set(results.map((r) => r.in));
      for (const s of sessions) {
        for (const j of s) {
          if (!done.has(j.input)) {
            results.push({
              in: j.input,
              out: j.output,
              seconds: 0,
              stopped_at: null,
              reason: "start failed",
              detail: `the notebook runner stopped (exit ${code}): ${err.trim().split("\n").slice(-3).join(" ")}`,
            });
          }
        }
      }
      resolve(results);
    });
  });
}

/** Run the jobs: one kernel per notebook (or one for all with sharedKernel), `jobs` runners at once. */
export async function runNotebooks(
  jobs: RunJob[],
  options: GradeOptions,
  course: GradingCourse | null = null,
): Promise<Map<string, RunResult>> {
  const py = python();
  spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-grade-"));
  try {
    let sessions: RunJob[][];
    if (options.sharedKernel) {
      const token = jobs[0]?.token ?? "";
      sessions = jobs.length ? [jobs.map((j) => ({ ...j, token }))] : [];
    } else sessions = jobs.map((j) => [j]);
    const n = Math.max(1, Math.min(options.jobs, sessions.length));
    const parts: RunJob[][][] = Array.from({ length: n }, () => []);
    sessions.forEach((s, i) => parts[i % n].push(s));
    const results = (
      await Promise.all(parts.filter((p) => p.length).map((p, k) => runBatch(py, p, options, tmp, k, course)))
    ).flat();
    return new Map(results.map((r) => [r.in, r]));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
