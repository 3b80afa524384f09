// npm run hub: serve the course to a class with JupyterHub (README, "Serving a class").
//
//   sudo npm run hub -- --lecturer alice --students class.txt     a real class: PAM sign-in with Unix accounts
//   sudo npm run hub -- --demo 5                                  a try-out: 5 test students and a lecturer
//   options: --port 8000  --ip 127.0.0.1  --state /var/lib/descent-hub  --edition DIR (the student edition)
//            --mem-limit 1024 (MB per student)  --class-mem-limit MB (the whole class; 0 = none)
//            --cull-kernel 30  --cull-server 60 (minutes; 0 = never)
//            --deadlines FILE  --config EXTRA.py  --prepare-only (set up, print the command, do not start)
//            --remove-demo (delete the demo accounts and their homes)
//
// Before it starts JupyterHub (scripts/hub/jupyterhub_config.py) it: installs JupyterHub if missing (the set-up
// script, --for-hub), makes the student edition a git repository the students' servers pull from (nbgitpuller),
// builds the hub's kernel outside this repository (<state>/kernel: the edition's kernel, a read-only copy of
// node_modules, the kernelspec every student uses; their kernels run in their own ~/descent), creates the
// inbox's own Unix user and folder (mode 0700), closes the answers (exercise specs, masters, grades, .git,
// .cache) to everyone but the lecturer, and makes each student's home private.
import { spawn, spawnSync, SpawnSyncOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { editionNodeModules } from "../homework/edition";
import { protectAnswers } from "../homework/grading/isolation";

export const root = path.resolve(__dirname, "..", "..");
export const hubDir = __dirname;

/**
 * The student edition served to the class: the complete course folder `npm run release` writes for students
 * (scripts/homework/edition.ts: build/student/, with the released homework and no answers).
 */
export function defaultEdition(state: string): string {
  run(
    "node",
    ["--import", "tsx", path.join(root, "scripts", "homework", "release.ts"), "--edition", path.join(state, "edition")],
    { cwd: root },
  );
  return path.join(state, "edition");
}

export interface HubOptions {
  port: number;
  ip: string;
  state: string;
  lecturer: string;
  studentsFile?: string;
  edition?: string;
  memLimitMb: number;
  /** The whole class's memory cap, MB (the students' parent cgroup; 0 or absent: none). */
  classMemLimitMb?: number;
  cullKernelMin: number;
  cullServerMin: number;
  deadlines?: string;
  inbox?: string;
  inboxUser: string;
  cgroup: string;
  extraConfig?: string;
}

export function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...options });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr ?? ""}${r.stdout ?? ""}`);
  return String(r.stdout ?? "");
}

export function userExists(name: string): boolean {
  return spawnSync("id", ["-u", name], { stdio: "ignore" }).status === 0;
}

/** Creates a Unix user with a private home (mode 0700) and the given password (if it does not exist yet). */
export function createUser(name: string, password: string | null, options: { system?: boolean } = {}): void {
  if (!userExists(name)) {
    if (options.system) run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name]);
    else run("useradd", ["--create-home", "--shell", "/bin/bash", name]);
  }
  if (password !== null) run("chpasswd", [], { input: `${name}:${password}\n` });
  if (!options.system) privateHome(name);
}

export function homeOf(name: string): string {
  return run("getent", ["passwd", name]).split(":")[5];
}

/** A student's home is theirs alone: mode 0700. */
export function privateHome(name: string): void {
  const home = homeOf(name);
  if (home && fs.existsSync(home) && home !== "/") fs.chmodSync(home, 0o700);
}

/** The pids of every process of a Unix user (from /proc). */
export function pidsOf(name: string): number[] {
  const uid = Number(run("id", ["-u", name]).trim());
  const pids: number[] = [];
  for (const p of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, "utf8");
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && Number(m[1]) === uid) pids.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return pids;
}

/** Ends a throwaway user's processes (by pid), removes the user, their home and their memory cgroup. */
export function removeUser(name: string, cgroup: string): void {
  if (!userExists(name)) return;
  for (let round = 0; round < 20; round++) {
    const pids = pidsOf(name);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    spawnSync("sleep", ["0.2"]);
  }
  spawnSync("userdel", ["--remove", name], { stdio: "ignore" });
  try {
    fs.rmdirSync(`/sys/fs/cgroup/memory/${cgroup}/${name}`);
  } catch {
    /* none */
  }
}

/** The student edition as a git repository (one commit per change) that students' servers pull from. */
export function publishCourse(edition: string, repo: string): string {
  if (!fs.existsSync(edition)) throw new Error(`hub: the student edition ${edition} does not exist`);
  const git = (...args: string[]) =>
    run("git", ["-C", repo, "-c", "user.name=Descent hub", "-c", "user.email=hub@localhost", ...args]);
  if (!fs.existsSync(path.join(repo, ".git"))) {
    fs.mkdirSync(repo, { recursive: true });
    run("git", ["init", "-q", "-b", "main", repo]);
  }
  for (const f of fs.readdirSync(repo))
    if (f !== ".git") fs.rmSync(path.join(repo, f), { recursive: true, force: true });
  fs.cpSync(edition, repo, { recursive: true, filter: (src) => path.basename(src) !== ".git" });
  git("add", "-A");
  if (git("status", "--porcelain").trim()) git("commit", "-q", "-m", `Course edition of ${new Date().toISOString()}`);
  spawnSync("chmod", ["-R", "a+rX", repo]);
  return repo;
}

/** Reads `KEY` from the state folder, or writes a new random secret there (mode 0600). */
function secret(state: string, name: string, bytes: number, encoding: "hex" | "binary"): void {
  const p = path.join(state, name);
  if (!fs.existsSync(p))
    fs.writeFileSync(p, encoding === "hex" ? randomBytes(bytes).toString("hex") : randomBytes(bytes), { mode: 0o600 });
}

/** Everything JupyterHub needs before it starts; returns the environment for scripts/hub/jupyterhub_config.py. */
export function prepareHub(o: HubOptions, log: (s: string) => void = console.log): NodeJS.ProcessEnv {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "hub: run it as root (sudo npm run hub): it creates Unix users and starts each student's server as that user",
    );
  }
  fs.mkdirSync(o.state, { recursive: true, mode: 0o755 });
  fs.chmodSync(o.state, 0o755);
  secret(o.state, "proxy-token", 32, "hex");
  secret(o.state, "cookie_secret", 32, "hex");
  // the answers (exercise specs, masters, grades, their compiled and committed copies) are the lecturer's alone
  // (protectAnswers: the grader's own, recursive; it says what it changed, printed here as the grader prints it)
  for (const note of protectAnswers(ANSWERS.map((rel) => path.join(root, rel))))
    log(`hub: closed to students: ${note}`);
  // what runs as a student or as the inbox's user, copied where they can read it (the lecturer's folder may be
  // private, e.g. a clone in /root): the server's start script, the inbox service, the deadlines
  const bin = path.join(o.state, "bin");
  fs.rmSync(bin, { recursive: true, force: true });
  fs.mkdirSync(bin, { mode: 0o755 });
  fs.chmodSync(bin, 0o755);
  for (const f of ["singleuser.sh", "inbox_service.py", "deadlines.json"])
    fs.copyFileSync(path.join(hubDir, f), path.join(bin, f));
  const deadlines = path.join(bin, "deadlines.json");
  if (o.deadlines) fs.copyFileSync(path.resolve(o.deadlines), deadlines);
  for (const f of fs.readdirSync(bin)) fs.chmodSync(path.join(bin, f), 0o644);
  // the course content
  const edition = o.edition ?? defaultEdition(o.state);
  const repo = publishCourse(edition, path.join(o.state, "course.git"));
  log(`course: ${edition} published as ${repo}`);
  // the kernel for every user: runs in the student's own copy, from the hub's copy of the edition
  const kernelHeapMb = Math.max(256, Math.floor((o.memLimitMb * 3) / 4));
  const kernel = prepareKernel(edition, path.join(o.state, "kernel"), kernelHeapMb, log);
  // the inbox
  createUser(o.inboxUser, null, { system: true });
  const inbox = o.inbox ?? path.join(o.state, "inbox");
  fs.mkdirSync(inbox, { recursive: true });
  run("chown", [`${o.inboxUser}:`, inbox]);
  fs.chmodSync(inbox, 0o700);
  // the class list: students' homes private
  const studentsFile = o.studentsFile ?? path.join(o.state, "students.txt");
  if (!fs.existsSync(studentsFile)) fs.writeFileSync(studentsFile, "# one student's Unix user name per line\n");
  for (const s of readStudents(studentsFile)) if (userExists(s)) privateHome(s);
  if (!userExists(o.lecturer))
    log(`hub: the lecturer ${o.lecturer} has no Unix account yet: create it (adduser ${o.lecturer}) to sign in`);
  return {
    ...process.env,
    DESCENT_HUB_KERNEL: kernel,
    DESCENT_HUB_KERNEL_HEAP_MB: String(kernelHeapMb),
    DESCENT_HUB_STATE: o.state,
    DESCENT_HUB_PORT: String(o.port),
    DESCENT_HUB_IP: o.ip,
    DESCENT_HUB_LECTURER: o.lecturer,
    DESCENT_HUB_USERS_FILE: studentsFile,
    DESCENT_HUB_COURSE_REPO: repo,
    DESCENT_HUB_MEM_LIMIT_MB: String(o.memLimitMb),
    DESCENT_HUB_CLASS_MEM_LIMIT_MB: String(o.classMemLimitMb ?? 0),
    DESCENT_HUB_CULL_KERNEL_MIN: String(o.cullKernelMin),
    DESCENT_HUB_CULL_SERVER_MIN: String(o.cullServerMin),
    DESCENT_HUB_INBOX: inbox,
    DESCENT_HUB_INBOX_USER: o.inboxUser,
    DESCENT_HUB_CGROUP: o.cgroup,
    DESCENT_HUB_BIN: bin,
    DESCENT_HUB_DEADLINES: deadlines,
    ...(o.extraConfig ? { DESCENT_HUB_EXTRA_CONFIG: path.resolve(o.extraConfig) } : {}),
  };
}

export function readStudents(file: string): string[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

/**
 * The parts of the lecturer's repository that hold answers: the exercises' specs (references, hidden cases),
 * the homework masters, the grades, and the copies of them git and the kernel's compile cache keep.
 */
export const ANSWERS = ["src/homework/exercises", "notebooks/homework-masters", "build/grades", ".cache", ".git"];

/** The files of the edition a student's kernel needs from the hub (the rest is in the student's own copy). */
const KERNEL_FILES = ["src", "scripts/kernel", "scripts/setup", "tsconfig.json", "package.json", "package-lock.json"];

/**
 * The hub's kernel, outside the lecturer's repository: `dir` (root-owned, world-readable, read-only for students)
 * holds the edition's kernel scripts, src/ and tsconfig.json, a hard-linked copy of node_modules
 * (editionNodeModules), scripts/hub/studentKernel.js and the kernelspec `descent` in dir/share/jupyter (the hub
 * points every student's JUPYTER_PATH there). A student's kernel runs studentKernel.js, which starts tslab in the
 * student's own ~/descent, its node_modules a link to dir/node_modules. One kernel run here as root fills the
 * compile caches (dir/.cache/kernel) that students' kernels read. Rebuilt beside the old one, then swapped in:
 * running kernels keep their files. Returns `dir`.
 */
export function prepareKernel(
  edition: string,
  dir: string,
  heapMb: number,
  log: (s: string) => void,
  options: { warm?: boolean } = {},
): string {
  const next = `${dir}.next`;
  fs.rmSync(next, { recursive: true, force: true });
  for (const rel of KERNEL_FILES) {
    if (!fs.existsSync(path.join(edition, rel)))
      throw new Error(`hub: the student edition ${edition} has no ${rel}: build it with npm run release`);
    fs.cpSync(path.join(edition, rel), path.join(next, rel), { recursive: true });
  }
  for (const f of ["studentKernel.js", "kernelMemoryNote.js"])
    fs.cpSync(path.join(hubDir, f), path.join(next, "scripts", "hub", f));
  editionNodeModules(next, root);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { writeSpec } = require(path.join(root, "scripts", "kernel", "kernelspec.js")) as {
    writeSpec: (d: string) => string;
  };
  const specDir = writeSpec(path.join(next, "share", "jupyter"));
  const spec = JSON.parse(fs.readFileSync(path.join(specDir, "kernel.json"), "utf8")) as { argv: string[] };
  spec.argv[spec.argv.length - 2] = path.join(dir, "scripts", "hub", "studentKernel.js");
  fs.writeFileSync(
    path.join(specDir, "kernel.json"),
    JSON.stringify({ ...spec, metadata: { descent_root: "~/descent (the student's own copy)" } }, null, 2) + "\n",
  );
  if (fs.existsSync(dir)) {
    const old = `${dir}.old-${Date.now()}`;
    fs.renameSync(dir, old);
    fs.renameSync(next, dir);
    fs.rmSync(old, { recursive: true, force: true });
  } else fs.renameSync(next, dir);
  // caches: one kernel run as root in dir itself (the same src/, flags and heap limit as the students' kernels)
  const r = (options.warm ?? true) ? warmKernel(dir, heapMb) : { status: 0, stderr: "" };
  if (r.status !== 0)
    log(`hub: warming the kernel's caches failed (students' first import will be slower):\n${r.stderr}`);
  // root's, read-only for students (node_modules' files are hard links to the lecturer's: their owner is kept)
  const nm = path.join(dir, "node_modules");
  spawnSync("find", [dir, "-path", nm, "-prune", "-o", "-exec", "chown", "-h", "root:root", "{}", "+"]);
  spawnSync("find", [nm, "-type", "d", "-exec", "chown", "root:root", "{}", "+"]);
  spawnSync("chmod", ["-R", "a+rX,go-w", dir]);
  return dir;
}

/** One kernel run as root in the hub's kernel folder `dir`: imports the course, so its compile caches exist. */
function warmKernel(dir: string, heapMb: number): { status: number | null; stderr: string } {
  return spawnSync("/usr/bin/python3", [path.join(root, "scripts", "kernel", "driver.py"), "session"], {
    input: JSON.stringify({
      cells: [{ code: 'import * as d from "./src/index";\nObject.keys(d).length;' }],
      timeout: 300,
    }),
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(dir, "share", "jupyter"),
      DESCENT_KERNEL_ROOT: dir,
      DESCENT_KERNEL_HEAP_MB: String(heapMb),
    },
  });
}

/** Creates n demo students prefix01 … and returns their names and passwords (appended to the class list). */
export function createDemoStudents(
  prefix: string,
  n: number,
  studentsFile: string,
): Array<{ name: string; password: string }> {
  const out: Array<{ name: string; password: string }> = [];
  const listed = new Set(fs.existsSync(studentsFile) ? readStudents(studentsFile) : []);
  for (let i = 1; i <= n; i++) {
    const name = `${prefix}${String(i).padStart(2, "0")}`;
    const password = randomBytes(9).toString("base64url");
    createUser(name, password);
    out.push({ name, password });
    if (!listed.has(name)) fs.appendFileSync(studentsFile, name + "\n");
  }
  return out;
}

/** Whether a process runs with the pid written in `file`. */
function running(file: string): boolean {
  try {
    process.kill(Number(fs.readFileSync(file, "utf8").trim()), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts configurable-http-proxy on its own (unless it already runs), so that it outlives the hub: students'
 * open notebooks keep working while the hub restarts. Its pid goes to <state>/proxy.pid, its log to proxy.log.
 */
export function startProxy(env: NodeJS.ProcessEnv): void {
  const state = env.DESCENT_HUB_STATE!;
  const pidFile = path.join(state, "proxy.pid");
  if (running(pidFile)) return;
  const port = Number(env.DESCENT_HUB_PORT);
  const hubUrl = `http://127.0.0.1:${port + 1}`;
  const log = fs.openSync(path.join(state, "proxy.log"), "a");
  const proxy = spawn(
    "configurable-http-proxy",
    [
      "--ip",
      env.DESCENT_HUB_IP ?? "127.0.0.1",
      "--port",
      String(port),
      "--api-ip",
      "127.0.0.1",
      "--api-port",
      String(port + 2),
      "--default-target",
      hubUrl,
      "--error-target",
      `${hubUrl}/hub/error`,
      "--log-level",
      "warn",
    ],
    {
      // Debian's proxy finds its modules in /usr/share/nodejs, which Debian's own nodejs searches by default
      env: {
        PATH: env.PATH,
        NODE_PATH: "/usr/share/nodejs:/usr/lib/nodejs",
        CONFIGPROXY_AUTH_TOKEN: fs.readFileSync(path.join(state, "proxy-token"), "utf8").trim(),
      },
      stdio: ["ignore", log, log],
      detached: true,
    },
  );
  fs.writeFileSync(pidFile, String(proxy.pid));
  proxy.unref();
  fs.closeSync(log);
}

/** Starts the proxy (if needed) and JupyterHub with the repository's configuration (cwd: the state folder). */
export function startHub(env: NodeJS.ProcessEnv, stdio: "inherit" | "pipe" = "inherit") {
  startProxy(env);
  return spawn("jupyterhub", ["-f", path.join(hubDir, "jupyterhub_config.py")], {
    cwd: env.DESCENT_HUB_STATE,
    env,
    stdio,
    detached: stdio === "pipe",
  });
}

function parse(argv: string[]): {
  o: HubOptions;
  demo: number;
  prepareOnly: boolean;
  removeDemo: boolean;
  prefix: string;
} {
  const o: HubOptions = {
    port: 8000,
    ip: "127.0.0.1",
    state: "/var/lib/descent-hub",
    lecturer: process.env.SUDO_USER && process.env.SUDO_USER !== "root" ? process.env.SUDO_USER : "lecturer",
    memLimitMb: 1024,
    cullKernelMin: 30,
    cullServerMin: 60,
    inboxUser: "descent-inbox",
    cgroup: "descent-hub",
  };
  let demo = 0;
  let prepareOnly = false;
  let removeDemo = false;
  let prefix = "demo-student";
  let lecturerGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`hub: ${a} needs a value`);
      return v;
    };
    const number = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0) throw new Error(`hub: ${a} needs a whole number ≥ 0, got ${argv[i]}`);
      return v;
    };
    if (a === "--port") o.port = number();
    else if (a === "--ip") o.ip = value();
    else if (a === "--state") o.state = path.resolve(value());
    else if (a === "--lecturer") {
      o.lecturer = value();
      lecturerGiven = true;
    } else if (a === "--students") o.studentsFile = path.resolve(value());
    else if (a === "--edition") o.edition = path.resolve(value());
    else if (a === "--mem-limit") o.memLimitMb = number();
    else if (a === "--class-mem-limit") o.classMemLimitMb = number();
    else if (a === "--cull-kernel") o.cullKernelMin = number();
    else if (a === "--cull-server") o.cullServerMin = number();
    else if (a === "--deadlines") o.deadlines = path.resolve(value());
    else if (a === "--inbox") o.inbox = path.resolve(value());
    else if (a === "--config") o.extraConfig = path.resolve(value());
    else if (a === "--demo") demo = number();
    else if (a === "--demo-prefix") prefix = value();
    else if (a === "--prepare-only") prepareOnly = true;
    else if (a === "--remove-demo") removeDemo = true;
    else if (a === "-h" || a === "--help") {
      console.log(
        fs
          .readFileSync(__filename, "utf8")
          .split("\n")
          .filter((l) => l.startsWith("//"))
          .slice(0, 13)
          .map((l) => l.slice(3))
          .join("\n"),
      );
      process.exit(0);
    } else throw new Error(`hub: unknown option ${a} (try --help)`);
  }
  if (demo > 0 && !lecturerGiven) o.lecturer = `${prefix.replace(/-student$/, "")}-lecturer`;
  return { o, demo, prepareOnly, removeDemo, prefix };
}

function main(): void {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const { o, demo, prepareOnly, removeDemo, prefix } = args;
  if (removeDemo) {
    const file = path.join(o.state, "demo-accounts.txt");
    const names = fs.existsSync(file)
      ? fs
          .readFileSync(file, "utf8")
          .split("\n")
          .map((l) => l.split(" ")[0])
          .filter(Boolean)
      : [];
    for (const n of names) removeUser(n, o.cgroup);
    fs.rmSync(file, { force: true });
    const list = o.studentsFile ?? path.join(o.state, "students.txt");
    if (fs.existsSync(list))
      fs.writeFileSync(
        list,
        readStudents(list)
          .filter((s) => !names.includes(s))
          .map((s) => s + "\n")
          .join(""),
      );
    console.log(`hub: removed ${names.length} demo accounts`);
    return;
  }
  const setup = spawnSync("bash", [path.join(root, "scripts", "setup", "setup.sh"), "--for-hub", "--quiet"], {
    stdio: "inherit",
  });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
  let env: NodeJS.ProcessEnv;
  try {
    fs.mkdirSync(o.state, { recursive: true });
    if (demo > 0) {
      const studentsFile = o.studentsFile ?? path.join(o.state, "students.txt");
      const accounts = createDemoStudents(prefix, demo, studentsFile);
      const lecturerPassword = randomBytes(9).toString("base64url");
      const newLecturer = !userExists(o.lecturer);
      if (newLecturer) createUser(o.lecturer, lecturerPassword);
      const lines = [...(newLecturer ? [{ name: o.lecturer, password: lecturerPassword }] : []), ...accounts].map(
        (a) => `${a.name} ${a.password}\n`,
      );
      fs.appendFileSync(path.join(o.state, "demo-accounts.txt"), lines.join(""), { mode: 0o600 });
      console.log(
        `hub: demo accounts (name password), also in ${path.join(o.state, "demo-accounts.txt")}:\n${lines.join("")}`,
      );
    }
    env = prepareHub(o);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
  const cmd = `jupyterhub -f ${path.join(hubDir, "jupyterhub_config.py")}`;
  if (prepareOnly) {
    console.log(`hub: ready; start it with the DESCENT_HUB_* environment printed below and: ${cmd}`);
    for (const [k, v] of Object.entries(env)) if (k.startsWith("DESCENT_")) console.log(`${k}=${v}`);
    return;
  }
  console.log(
    `hub: http://${o.ip}:${o.port}/ (lecturer: ${o.lecturer}, admin) — Ctrl-C stops the hub; the proxy and students' servers keep running (stop the proxy: kill $(cat ${o.state}/proxy.pid))`,
  );
  const hub = startHub(env);
  for (const s of ["SIGINT", "SIGTERM"] as const) process.on(s, () => hub.kill(s));
  hub.on("exit", (code) => process.exit(code ?? 1));
}

if (require.main === module) main();
