// Starting a course's `npm start` (scripts/setup/start.sh --no-browser) from tests, in the project or in
// the student edition, until Jupyter prints its URL with a token.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface RunningCourse {
  log: () => string;
  url: { port: number; token: string } | null;
  stop: () => void;
}

/** The course's npm start script (scripts/setup/start.sh; scripts/start.sh before the re-layout). */
function startScript(dir: string): string {
  const laidOut = path.join(dir, "scripts", "setup", "start.sh");
  return fs.existsSync(laidOut) ? laidOut : path.join(dir, "scripts", "start.sh");
}

/** Runs `npm start --no-browser` of the course in `dir` with PORT=port (and `env`) until Jupyter prints its URL. */
export async function startCourse(dir: string, port: number, env: NodeJS.ProcessEnv = {}): Promise<RunningCourse> {
  const child = spawn("bash", [startScript(dir), "--no-browser"], {
    cwd: dir,
    env: { ...process.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const stop = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 170_000; // a first start compiles src/ for the kernel
  let url: { port: number; token: string } | null = null;
  while (Date.now() < deadline && !url) {
    await new Promise((r) => setTimeout(r, 500));
    const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+)/.exec(log);
    if (m) url = { port: Number(m[1]), token: m[2] };
    if (child.exitCode !== null) break;
  }
  return { log: () => log, url, stop };
}

/** The HTTP status of GET `urlPath` on a running course (with its token). */
export async function statusOf(course: RunningCourse, urlPath: string): Promise<number> {
  const { port, token } = course.url!;
  const r = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    headers: { Authorization: `token ${token}` },
    redirect: "manual",
  });
  await r.arrayBuffer();
  return r.status;
}
