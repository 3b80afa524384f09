// Running graded notebooks in the Descent kernel (through scripts/kernel/driver.py grade), with time limits.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "../notebook";
import { CALLS_ENV, RESULT_MIME, TOKEN_ENV } from "../../../src/homework/report";
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
  /**
   * Cells (by index) that call earlier exercises' functions, each with those exercises' check cells: once
   * one of those checks has seen its function run out of time, the run stops before the cell with the
   * reason "callee timeout" (gradeSubmissions.ts, callWatches).
   */
  watches?: Record<number, number[]>;
}

export interface RunResult {
  in: string;
  out: string;
  seconds: number;
  stopped_at: number | null;
  reason: "timeout" | "notebook timeout" | "died" | "start failed" | "callee timeout" | null;
  detail: string | null;
  /** Seconds outside the notebook's cells: compiling its cells ahead, starting its kernel, stopping it. */
  phases?: { compile: number; start: number; stop: number };
  /** The runner that ran it (0, 1, …). */
  runner?: number;
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

/** A session as the driver reads it (one JSON line on its stdin). */
function sessionLine(s: RunJob[]): string {
  const session = {
    token: s[0].token,
    calls: s[0].calls ?? null,
    notebooks: s.map((j) => ({
      in: j.input,
      out: j.output,
      limits: j.limits ?? {},
      compiled_limits: j.compiledLimits ?? j.limits ?? {},
      watches: j.watches ?? {},
    })),
  };
  return JSON.stringify({ run: session }) + "\n";
}

/**
 * The sessions not yet run, handed to runners as they become free. Each runner is also told which
 * session it will get next (one no other runner was told of), so its compiler can compile that notebook
 * while its kernel runs the current one. A free runner gets the session it was told of if that still waits,
 * else the first one waiting that no other runner was told of, and one told of to another only when
 * nothing else waits. (Before, a free runner took the first one waiting, most often the one told of to
 * the next runner: 71 of 77 notebooks compiled ahead were compiled in vain, then again while a runner waited.)
 */
export class Queue {
  private readonly announced = new Map<number, RunJob[]>();
  constructor(readonly waiting: RunJob[][]) {}
  take(runner: number): RunJob[] | undefined {
    const mine = this.announced.get(runner);
    this.announced.delete(runner);
    let i = mine ? this.waiting.indexOf(mine) : -1;
    if (i < 0) {
      const others = new Set(this.announced.values());
      const free = this.waiting.findIndex((s) => !others.has(s));
      i = free >= 0 ? free : 0;
    }
    return this.waiting.splice(i, 1)[0];
  }
  announce(runner: number): RunJob[] | undefined {
    const others = new Set(this.announced.values());
    const next = this.waiting.find((s) => !others.has(s));
    if (next) this.announced.set(runner, next);
    return next;
  }
}

/**
 * Runner k: one driver (scripts/kernel/driver.py grade), started when it is first given work and kept for
 * every round of the grading run (its compiler stays warm). It takes sessions from the pool's queue one at
 * a time, the next when it has reported every notebook of the last (a runner that finishes early takes
 * more: notebooks differ in length, from a second to minutes), and is told which one it will likely get next.
 */
class Runner {
  private child: ChildProcess | null = null;
  private current: RunJob[] | null = null;
  private left = 0; // notebooks of the current session not yet reported
  private ended: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: RunnerPool,
    readonly k: number,
  ) {}

  get started(): boolean {
    return this.child !== null;
  }

  /** Takes the next session if this runner is free and one is waiting. */
  feed(): void {
    if (this.current) return;
    const s = this.pool.queue.take(this.k);
    if (!s) return;
    const child = this.child ?? this.spawn();
    this.current = s;
    this.left = s.length;
    child.stdin!.write(sessionLine(s));
    const then = this.pool.queue.announce(this.k);
    child.stdin!.write(JSON.stringify({ ahead: then ? { in: then[0].input } : null }) + "\n");
  }

  /** No more work: the driver stops its compiler and ends. */
  end(): Promise<void> {
    this.child?.stdin!.end();
    return this.ended;
  }

  private spawn(): ChildProcess {
    const { options, course, tmp } = this.pool;
    const k = this.k;
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
      startup_timeout: GRADING_STARTUP_TIMEOUT_S,
      // a check whose function ran out of time (src/homework/check.ts sends {"stopped": "timeout"} under this type)
      result_mime: RESULT_MIME,
      sessions: "stdin",
    };
    fs.writeFileSync(jobsFile, JSON.stringify(jobs), { mode: 0o600 });
    const local = course
      ? `${course.jupyterPath}${path.delimiter}${path.join(root, ".jupyter", "share", "jupyter")}`
      : path.join(root, ".jupyter", "share", "jupyter");
    const child = spawn(this.pool.py, [path.join(__dirname, "..", "..", "kernel", "driver.py"), "grade", jobsFile], {
      cwd: course ? course.dir : root,
      env: {
        ...process.env,
        JUPYTER_PATH: process.env.JUPYTER_PATH ? `${local}${path.delimiter}${process.env.JUPYTER_PATH}` : local,
        PYTHONWARNINGS: "ignore",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child = child;
    child.stdin!.on("error", () => {}); // the driver ended: its close event reports what it did not run
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const end = out.lastIndexOf("\n");
      if (end < 0) return;
      const lines = out.slice(0, end).split("\n");
      out = out.slice(end + 1);
      for (const l of lines) {
        if (!l.startsWith("{")) continue;
        const r = { ...(JSON.parse(l) as RunResult), runner: k };
        const mine = this.current?.some((j) => j.input === r.in);
        // free before the report: a notebook to run again that the report adds (RunnerPool.more) goes to
        // this runner, whose compiler is warm, rather than to a new runner
        const done = mine && --this.left === 0;
        if (done) this.current = null;
        this.pool.report(r);
        if (done) this.feed();
      }
    });
    child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    this.ended = new Promise((resolve) =>
      child.on("close", (code) => {
        const session = this.current ?? [];
        this.child = null;
        this.current = null;
        // what the driver did not report (the pool takes each notebook's first result only)
        for (const j of session)
          this.pool.report({
            in: j.input,
            out: j.output,
            seconds: 0,
            stopped_at: null,
            reason: "start failed",
            detail: `the notebook runner stopped (exit ${code}): ${err.trim().split("\n").slice(-3).join(" ")}`,
          });
        resolve();
        this.feed(); // a runner that died: a new driver for what is still waiting
      }),
    );
    return child;
  }
}

/**
 * How long a grading kernel may take to start (s). A start takes about a second; one that hangs (seen here
 * once in about a hundred starts, two runners starting at once: no answer at all, cause not found) is given
 * up after this and started once more, instead of holding its runner for Jupyter's two minutes.
 */
export const GRADING_STARTUP_TIMEOUT_S = 30;

/**
 * The runners of one grading run (`jobs` at most; one with a shared kernel). Notebooks go to run(), which
 * resolves when every one is reported, those added by more() while it runs among them; close() ends the
 * runners.
 */
export class RunnerPool {
  readonly queue = new Queue([]);
  readonly py = python();
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-grade-"));
  private readonly runners: Runner[];
  private batch: {
    left: Set<string>;
    results: Map<string, RunResult>;
    onResult?: (r: RunResult) => void;
    done: () => void;
  } | null = null;

  constructor(
    readonly options: GradeOptions,
    readonly course: GradingCourse | null = null,
  ) {
    spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
    const n = options.sharedKernel ? 1 : Math.max(1, options.jobs);
    this.runners = Array.from({ length: n }, (_, k) => new Runner(this, k));
  }

  /** Runs the jobs, one kernel per notebook (or one for all with sharedKernel); `onResult` as each is reported. */
  run(jobs: RunJob[], onResult?: (r: RunResult) => void): Promise<Map<string, RunResult>> {
    let sessions: RunJob[][];
    if (this.options.sharedKernel) {
      const token = jobs[0]?.token ?? "";
      sessions = jobs.length ? [jobs.map((j) => ({ ...j, token }))] : [];
    } else sessions = jobs.map((j) => [j]);
    const results = new Map<string, RunResult>();
    if (!sessions.length) return Promise.resolve(results);
    return new Promise((resolve) => {
      this.batch = { left: new Set(jobs.map((j) => j.input)), results, onResult, done: () => resolve(results) };
      this.queue.waiting.push(...sessions);
      this.feedRunners();
    });
  }

  /**
   * More notebooks for the run in progress (from its `onResult`: a notebook to run again), ahead of those
   * waiting: a rerun started early is not left for the end, where one long rerun would hold up the
   * grading run while the other runners have nothing to do (before, every rerun waited for the last
   * notebook of its round: in one 10-student bench, three runners idle for 18 s before the reruns).
   */
  more(jobs: RunJob[]): void {
    const b = this.batch;
    if (!b) throw new Error("RunnerPool.more: no run in progress");
    if (this.options.sharedKernel) throw new Error("RunnerPool.more: one shared kernel runs its notebooks in rounds");
    for (const j of jobs) b.left.add(j.input);
    this.queue.waiting.unshift(...jobs.map((j) => [j]));
    this.feedRunners();
  }

  /**
   * Hands waiting notebooks to free runners: those already started first (their compilers are warm), then
   * new ones as far as there is work.
   */
  private feedRunners(): void {
    for (const r of [...this.runners].sort((a, b) => Number(b.started) - Number(a.started))) r.feed();
  }

  /** A notebook's result; any later one for the same notebook is ignored. */
  report(r: RunResult): void {
    const b = this.batch;
    if (!b || !b.left.has(r.in)) return;
    b.left.delete(r.in);
    b.results.set(r.in, r);
    this.options.progress?.(r);
    b.onResult?.(r);
    if (b.left.size === 0) {
      this.batch = null;
      b.done();
    }
  }

  /** Ends the runners (each stops its compiler) and removes their files. */
  async close(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.end()));
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

/** Run the jobs: one kernel per notebook (or one for all with sharedKernel), `jobs` runners at once. */
export async function runNotebooks(
  jobs: RunJob[],
  options: GradeOptions,
  course: GradingCourse | null = null,
): Promise<Map<string, RunResult>> {
  const pool = new RunnerPool(options, course);
  try {
    return await pool.run(jobs);
  } finally {
    await pool.close();
  }
}
