// A throwaway hub for the tests and the load script: its own state folder, free ports, a unique user
// prefix, N students with random passwords, and a stop() that removes everything it made (hub, proxy,
// students' servers and kernels, Unix users and homes, memory cgroups, the state folder), even after a failure.
import { ChildProcess, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { createDemoStudents, createUser, HubOptions, prepareHub, removeUser, root, startHub } from "./hub";

export interface ThrowawayHub {
  url: string;
  state: string;
  inbox: string;
  prefix: string;
  lecturer: { name: string; password: string };
  students: Array<{ name: string; password: string }>;
  options: HubOptions;
  env: NodeJS.ProcessEnv;
  log: () => string;
  /** Starts the hub (again, after stopHubOnly) and waits until it answers. */
  start: () => Promise<void>;
  /** Stops the hub process alone (SIGTERM): the proxy and the students' servers keep running. */
  stopHubOnly: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Why a real hub cannot run here (root, cgroups v1 and JupyterHub are needed), or null: tests skip saying why. */
export function hubUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "needs root (real Unix users)";
  if (!fs.existsSync("/sys/fs/cgroup/memory") || !fs.statSync("/sys/fs/cgroup/memory").isDirectory())
    return "needs the cgroup v1 memory controller";
  const setup = spawnSync("bash", [path.join(root, "scripts", "setup", "setup.sh"), "--for-hub", "--quiet"], {
    encoding: "utf8",
  });
  if (setup.status !== 0) return `JupyterHub could not be set up: ${setup.stderr}`;
  return null;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A base port with base … base+3 free on 127.0.0.1. */
export async function freePorts(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const base = 20000 + 4 * Math.floor(Math.random() * 5000);
    let ok = true;
    for (let k = 0; k < 4 && ok; k++) ok = await portFree(base + k);
    if (ok) return base;
  }
  throw new Error("no four free ports in a row on 127.0.0.1");
}

async function waitFor(url: string, seconds: number, hub: () => ChildProcess | null, log: () => string): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const p = hub();
    if (p && p.exitCode !== null) throw new Error(`the hub exited (${p.exitCode}):\n${log().slice(-3000)}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the hub did not answer at ${url} within ${seconds} s:\n${log().slice(-3000)}`);
}

/** The throwaway hubs still running in this process: Ctrl-C or a kill (SIGINT, SIGTERM) removes them all first. */
const live = new Set<() => Promise<void>>();
let signalsHandled = false;
function onSignalsCleanUp(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    process.once(sig, () => {
      console.error(`throwaway hub: ${sig}: removing its users, homes, servers and cgroups first`);
      void Promise.allSettled([...live].map((stop) => stop())).finally(() =>
        process.exit(sig === "SIGINT" ? 130 : 143),
      );
    });
}

export async function throwawayHub(o: {
  students: number;
  memLimitMb?: number;
  inbox?: string;
  deadlines?: string;
  edition?: string;
  cullKernelMin?: number;
  cullServerMin?: number;
  /** Memory cap of the whole class together, MB (its parent cgroup): the machine's other work is safe. */
  classMemLimitMb?: number;
}): Promise<ThrowawayHub> {
  const prefix = `dh${randomBytes(3).toString("hex")}`; // 8 characters: dh + 6 hex, unique per run
  const state = fs.mkdtempSync(path.join(os.tmpdir(), `descent-hub-${prefix}-`));
  fs.chmodSync(state, 0o755);
  const base = await freePorts();
  const options: HubOptions = {
    port: base,
    ip: "127.0.0.1",
    state,
    lecturer: `${prefix}l`,
    memLimitMb: o.memLimitMb ?? 1024,
    cullKernelMin: o.cullKernelMin ?? 30,
    cullServerMin: o.cullServerMin ?? 60,
    inboxUser: `${prefix}i`,
    cgroup: `descent-hub-${prefix}`,
    inbox: o.inbox,
    deadlines: o.deadlines,
    edition: o.edition,
  };
  let out = "";
  let hub: ChildProcess | null = null;
  const made: string[] = [];
  const students: Array<{ name: string; password: string }> = [];
  const lecturer = { name: options.lecturer, password: randomBytes(9).toString("base64url") };
  const stopHubOnly = async () => {
    const p = hub;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 15000))]);
    if (p.exitCode === null) p.kill("SIGKILL");
  };
  const stop = async () => {
    live.delete(stop);
    await stopHubOnly();
    const pidFile = path.join(state, "proxy.pid");
    if (fs.existsSync(pidFile)) {
      try {
        process.kill(Number(fs.readFileSync(pidFile, "utf8").trim()), "SIGTERM");
      } catch {
        /* gone */
      }
    }
    for (const u of [...made, options.inboxUser]) removeUser(u, options.cgroup);
    try {
      fs.rmdirSync(`/sys/fs/cgroup/memory/${options.cgroup}`);
    } catch {
      /* none */
    }
    if (o.inbox) spawnSync("chown", ["-R", "root:", o.inbox]);
    fs.rmSync(state, { recursive: true, force: true });
  };
  const result: ThrowawayHub = {
    url: `http://127.0.0.1:${base}`,
    state,
    inbox: o.inbox ?? path.join(state, "inbox"),
    prefix,
    lecturer,
    students,
    options,
    env: {},
    log: () => out,
    start: async () => {
      hub = startHub(result.env, "pipe");
      hub.stdout?.on("data", (b: Buffer) => (out += b.toString()));
      hub.stderr?.on("data", (b: Buffer) => (out += b.toString()));
      await waitFor(
        `${result.url}/hub/login`,
        120,
        () => hub,
        () => out,
      );
    },
    stopHubOnly,
    stop,
  };
  live.add(stop);
  onSignalsCleanUp();
  try {
    const studentsFile = path.join(state, "students.txt");
    createUser(lecturer.name, lecturer.password);
    made.push(lecturer.name);
    for (let i = 1; i <= o.students; i++) made.push(`${prefix}s${String(i).padStart(2, "0")}`);
    students.push(...createDemoStudents(`${prefix}s`, o.students, studentsFile));
    result.env = prepareHub({ ...options, studentsFile, classMemLimitMb: o.classMemLimitMb }, () => {});
    await result.start();
  } catch (e) {
    await stop();
    throw e;
  }
  return result;
}
