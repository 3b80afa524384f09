// Grading runs students' code apart from the answers (scripts/homework/grading/isolation.ts): a
// solution cell that tries to read the specs, the masters, the grader's files or another student's
// submission, or to write next to it, meets EACCES; what it leaves in the temp folder (a file, a package
// for Node to find) does not reach the next kernel; a process it leaves behind dies with its kernel;
// no grade changes. Also the edition's node_modules (editionNodeModules) and the non-root case.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { editionNodeModules } from "../scripts/homework/edition";
import {
  gradeIdOf,
  linesForSource,
  Notebook,
  readNotebook,
  sourceOf,
  writeNotebook,
} from "../scripts/homework/notebook";
import { grade, loadMaster, Master, Row } from "../scripts/homework/grade";
import { graderUser, isolatedArgv, isolationProblem, sharedTempFolders } from "../scripts/homework/grading/isolation";
import { makeGradingCourse } from "../scripts/homework/grading/gradingCourse";
import { python, root } from "./support/notebooks";

const example = path.join(root, "test", "notebooks", "homework-example.ipynb");

function setSolution(nb: Notebook, id: string, text: string): void {
  const c = nb.cells.find((x) => gradeIdOf(x) === `${id}-solution`);
  if (!c) throw new Error(`no cell ${id}-solution`);
  c.source = linesForSource(text);
}

function solved(master: Master, ids: string[]): Notebook {
  const nb = JSON.parse(JSON.stringify(master.released)) as Notebook;
  for (const id of ids) {
    const mc = master.nb.cells.find((x) => gradeIdOf(x) === `${id}-solution`)!;
    setSolution(nb, id, sourceOf(mc));
  }
  return nb;
}

const MSE =
  "function meanSquaredError(yhat: Float64Array, y: Float64Array): number {\n  let s = 0;\n  for (let i = 0; i < y.length; i++) s += (yhat[i] - y[i]) ** 2;\n  return s / y.length;\n}";

/** A file and a package that the snoop leaves in the shared temp folder, for the students graded after it. */
function plants(tag: string): { file: string; moduleDir: string; module: string } {
  const module = `descent-plant-${tag}`;
  return {
    file: path.join(os.tmpdir(), `${module}.txt`),
    moduleDir: path.join(os.tmpdir(), "node_modules", module),
    module,
  };
}

/** A solution cell that tries every way at the answers and at the other students, then answers right. */
function snoopCell(subs: string, out: string, heartbeat: string, tag: string): string {
  const plant = plants(tag);
  const S = (x: string) => JSON.stringify(x);
  return `import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
const tries: Record<string, string> = {};
function attempt(name: string, f: () => unknown): void {
  try {
    f();
    tries[name] = "ok";
  } catch (e) {
    tries[name] = (e as { code?: string }).code ?? String(e);
  }
}
attempt("spec", () => fs.readFileSync(${S(path.join(root, "src", "homework", "exercises", "example.ts"))}, "utf8"));
attempt("specs", () => fs.readdirSync(${S(path.join(root, "src", "homework", "exercises", "hw03"))}));
attempt("master", () => fs.readFileSync(${S(example)}, "utf8"));
attempt("masters", () => fs.readdirSync(${S(path.join(root, "notebooks", "homework-masters"))}));
attempt("history", () => fs.readdirSync(${S(path.join(root, ".git", "objects"))}));
const graderTemps = fs.readdirSync(${S(os.tmpdir())}).filter((f) => f.startsWith("descent-graded-"));
tries.graderTemps = String(graderTemps.length);
graderTemps.forEach((f, i) => attempt("graderTemp" + i, () => fs.readdirSync(path.join(${S(os.tmpdir())}, f))));
attempt("readOther", () => fs.readFileSync(${S(path.join(subs, "honest", "homework-example.ipynb"))}, "utf8"));
attempt("writeOther", () => fs.writeFileSync(${S(path.join(subs, "honest", "zz-forged.ipynb"))}, "{}"));
attempt("overwriteOther", () => fs.writeFileSync(${S(path.join(subs, "honest", "homework-example.ipynb"))}, "{}"));
attempt("results", () => fs.readdirSync(${S(out)}));
attempt("course", () => fs.appendFileSync("src/homework/report.ts", "\\n"));
// For the next student's kernel: a file, and a package Node's module lookup from the course folder would find.
attempt("plantFile", () => fs.writeFileSync(${S(plant.file)}, "planted"));
attempt("plantModule", () => {
  fs.mkdirSync(${S(plant.moduleDir)}, { recursive: true });
  fs.writeFileSync(path.join(${S(plant.moduleDir)}, "index.js"), "module.exports = 'planted';");
});
// A process left behind (its command line carries the heartbeat's name, for ps to find).
const watcher = spawn("sh", ["-c", "while :; do sleep 0.2; done", ${S(heartbeat)}], { detached: true, stdio: "ignore" });
watcher.unref();
const t0 = Date.now();
while (Date.now() - t0 < 300);
attempt("watcher", () => process.kill(watcher.pid!, 0));
console.log("SNOOP " + JSON.stringify(tries));
${MSE}`;
}

test(
  "a solution cell cannot read the answers or another submission, nor write beside it; no grade changes",
  { timeout: 1_800_000, skip: python() ? false : "no Python with nbclient" },
  async () => {
    const master = loadMaster(example);
    const subs = fs.mkdtempSync(path.join(os.tmpdir(), "descent-iso-subs-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-iso-out-"));
    const tag = randomBytes(6).toString("hex");
    const heartbeat = `descent-iso-heartbeat-${tag}`;
    const plant = plants(tag);
    // A lecturer's folder as it usually is: readable by everyone.
    fs.chmodSync(subs, 0o755);
    const put = (student: string, nb: Notebook) => {
      fs.mkdirSync(path.join(subs, student), { recursive: true, mode: 0o755 });
      writeNotebook(path.join(subs, student, "homework-example.ipynb"), nb);
      fs.chmodSync(path.join(subs, student, "homework-example.ipynb"), 0o644);
    };
    put("honest", solved(master, ["hw00-ex1", "hw00-ex2"]));
    put("half", solved(master, ["hw00-ex1"]));
    const snoop = solved(master, ["hw00-ex2"]);
    setSolution(snoop, "hw00-ex1", snoopCell(subs, out, heartbeat, tag));
    put("snoop", snoop);
    // Graded after the snoop by the same runner: does anything it left in the temp folder reach this kernel?
    const probe = solved(master, ["hw00-ex2"]);
    setSolution(
      probe,
      "hw00-ex1",
      `import * as fs from "fs";
import * as nodeModule from "module";
import * as path from "path";
const seen: Record<string, string> = {};
try { seen.module = nodeModule.createRequire(path.resolve("x.js")).resolve(${JSON.stringify(plant.module)}); } catch (e) { seen.module = String((e as { code?: string }).code); }
try { seen.file = fs.readFileSync(${JSON.stringify(plant.file)}, "utf8"); } catch (e) { seen.file = String((e as { code?: string }).code); }
console.log("PROBE " + JSON.stringify(seen));
${MSE}`,
    );
    put("zz-probe", probe);
    const honestBefore = fs.readFileSync(path.join(subs, "honest", "homework-example.ipynb"), "utf8");

    const report = await grade(subs, [master], {
      out,
      timeout: 300,
      cellTimeout: 60,
      callTimeout: 5,
      jobs: 1,
      sharedKernel: false,
    }).finally(() => {
      fs.rmSync(plant.file, { force: true });
      fs.rmSync(plant.moduleDir, { recursive: true, force: true });
      if (fs.existsSync(path.dirname(plant.moduleDir)) && fs.readdirSync(path.dirname(plant.moduleDir)).length === 0)
        fs.rmdirSync(path.dirname(plant.moduleDir)); // the node_modules folder the snoop made (had it reached the temp dir)
    });
    const rows = Object.fromEntries(report.rows.map((r: Row) => [`${r.student} ${r.exercise}`, r]));
    const show = JSON.stringify(
      report.rows.map(({ output: _o, ...r }) => r),
      null,
      1,
    );
    // What the snoop's kernel met.
    const printed = (student: string, tag: string): Record<string, string> => {
      const executed = readNotebook(path.join(out, "executed", student, "homework-example.ipynb"));
      const text = executed.cells
        .flatMap((c) => (c.outputs ?? []) as { text?: string | string[] }[])
        .map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")))
        .join("");
      const line = new RegExp(`${tag} (\\{.*\\})`).exec(text);
      assert.ok(line, `${student}'s cell ran and printed ${tag}:\n${text}\n${show}`);
      return JSON.parse(line[1]) as Record<string, string>;
    };
    // What the snoop left in the temp folder did not reach the next kernel of the same runner.
    assert.deepEqual(printed("zz-probe", "PROBE"), { module: "MODULE_NOT_FOUND", file: "ENOENT" });
    const tries = printed("snoop", "SNOOP");
    const said = JSON.stringify(tries);
    // The kernel's temp folder is its own: the grader's temp folders are not even listed there.
    assert.equal(tries.graderTemps, "0", `the grader's temp folders are listed in the kernel's temp folder: ${said}`);
    // The submissions and the results are in the temp folder here: not there at all in the kernel's own; so is
    // the lecturer's folder when the course was cloned into the temp folder (a newcomer's mktemp clone).
    const temps = sharedTempFolders();
    const rootInTemp = temps.some((t) => (fs.realpathSync(root) + path.sep).startsWith(t + path.sep));
    const inTemp = new Set([
      "readOther",
      "writeOther",
      "overwriteOther",
      "results",
      ...(rootInTemp ? ["spec", "specs", "master", "masters", "history"] : []),
    ]);
    for (const [what, result] of Object.entries(tries)) {
      if (what === "graderTemps") continue;
      // writing into its own temp folder works (and must reach nobody: see the probe); the process started
      const expected = /^(plant|watcher)/.test(what) ? "ok" : inTemp.has(what) ? "ENOENT" : "EACCES";
      assert.equal(result, expected, `${what}: ${said}`);
    }
    // A process the student's code left behind ended with its kernel.
    const left = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
      .stdout.split("\n")
      .filter((l) => l.includes(heartbeat));
    for (const l of left) spawnSync("kill", [l.trim().split(/\s+/)[0]]); // it survived (the test fails below)
    assert.deepEqual(left, [], "the snoop's background process still runs after its kernel was shut down");

    // Grades: the snoop's right answers count; nobody else's grade changed.
    for (const [key, points, status] of [
      ["honest hw00-ex1", 4, "passed"],
      ["honest hw00-ex2", 5, "passed"],
      ["half hw00-ex1", 4, "passed"],
      ["half hw00-ex2", 0, "not done"],
      ["snoop hw00-ex1", 4, "passed"],
      ["snoop hw00-ex2", 5, "passed"],
      ["zz-probe hw00-ex1", 4, "passed"],
      ["zz-probe hw00-ex2", 5, "passed"],
    ] as const)
      assert.deepEqual([rows[key]?.points, rows[key]?.status], [points, status], `${key}\n${show}`);
    assert.equal(rows["honest hw00-ex1"].notes, "");
    assert.equal(fs.readFileSync(path.join(subs, "honest", "homework-example.ipynb"), "utf8"), honestBefore);
    assert.deepEqual(fs.readdirSync(path.join(subs, "honest")), ["homework-example.ipynb"]);
    // The folders that hold answers or submissions are the owner's only now.
    for (const d of [path.join(root, "src", "homework", "exercises"), subs, out])
      assert.equal(fs.statSync(d).mode & 0o077, 0, `${d} is readable by others`);
  },
);

test("without root, grading says isolation needs root and what is lost, and asks for --unisolated", () => {
  if (process.getuid?.() !== 0) return; // as another user the check below is what the grader meets anyway
  const probe = `const { isolationProblem, UNISOLATED_LOSS } = require(${JSON.stringify(path.join(root, "scripts", "homework", "grading", "isolation.ts"))});
console.log(JSON.stringify({ problem: isolationProblem(), loss: UNISOLATED_LOSS }));`;
  // A grader that is not root (uid 65534): getuid says so from the start (the clone itself may be closed to other
  // users, e.g. a fresh clone in a mktemp folder, so the probe cannot run as another user).
  const notRoot = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "descent-not-root-")), "notRoot.js");
  fs.writeFileSync(notRoot, "process.getuid = () => 65534; process.geteuid = () => 65534;\n");
  const r = spawnSync(process.execPath, ["--require", notRoot, "--import", "tsx", "-e", probe], {
    cwd: root,
    encoding: "utf8",
  });
  fs.rmSync(path.dirname(notRoot), { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  const said = JSON.parse(r.stdout.trim().split("\n").pop()!) as { problem: string | null; loss: string };
  assert.match(said.problem ?? "", /needs root/);
  assert.match(said.loss, /read the exercises' specs.*masters.*other students' submissions/);
  // As root: nothing stands in the way.
  const asRoot = spawnSync(process.execPath, ["--import", "tsx", "-e", probe], { cwd: root, encoding: "utf8" });
  assert.equal((JSON.parse(asRoot.stdout.trim().split("\n").pop()!) as { problem: string | null }).problem, null);
});

test("editionNodeModules: a hard-linked copy, kept while the install is the same; files others may write are copied", () => {
  const from = fs.mkdtempSync(path.join(os.tmpdir(), "descent-nm-from-"));
  const ed = fs.mkdtempSync(path.join(os.tmpdir(), "descent-nm-ed-"));
  const nm = path.join(from, "node_modules");
  fs.mkdirSync(path.join(nm, "pkg"), { recursive: true });
  fs.writeFileSync(path.join(nm, ".package-lock.json"), '{"v":1}');
  fs.writeFileSync(path.join(nm, "pkg", "index.js"), "module.exports = 1;\n");
  fs.writeFileSync(path.join(nm, "pkg", "open.js"), "module.exports = 2;\n");
  fs.chmodSync(path.join(nm, "pkg", "open.js"), 0o666);
  try {
    assert.equal(editionNodeModules(ed, from), "linked");
    const ino = (p: string) => fs.statSync(p).ino;
    assert.equal(ino(path.join(ed, "node_modules", "pkg", "index.js")), ino(path.join(nm, "pkg", "index.js")));
    assert.notEqual(ino(path.join(ed, "node_modules", "pkg", "open.js")), ino(path.join(nm, "pkg", "open.js")));
    assert.equal(fs.statSync(path.join(ed, "node_modules", "pkg", "open.js")).mode & 0o022, 0);
    assert.equal(fs.readFileSync(path.join(ed, "node_modules", "pkg", "open.js"), "utf8"), "module.exports = 2;\n");
    assert.ok(!fs.lstatSync(path.join(ed, "node_modules")).isSymbolicLink());
    assert.equal(editionNodeModules(ed, from), "kept");
    fs.writeFileSync(path.join(nm, ".package-lock.json"), '{"v":2}');
    assert.equal(editionNodeModules(ed, from), "linked");
    assert.throws(() => editionNodeModules(ed, path.join(from, "nowhere")), /node_modules does not exist/);
  } finally {
    fs.rmSync(from, { recursive: true, force: true });
    fs.rmSync(ed, { recursive: true, force: true });
  }
});

test("a grader killed outright (SIGKILL) takes its isolated kernels with it", async () => {
  if (isolationProblem()) return; // not root: no isolated kernels to leave behind
  const marker = `descent-orphan-${randomBytes(6).toString("hex")}`;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "descent-orphan-home-"));
  const user = graderUser(0);
  fs.chownSync(home, user.uid, user.gid);
  const connection = path.join(home, "connection.json");
  fs.writeFileSync(connection, "{}");
  // the kernel: a process that starts another and waits (its command lines carry the marker)
  const argv = isolatedArgv(user, ["/bin/sh", "-c", `sleep 600 & sleep 601; : ${marker}`], []).map((a) =>
    a === "{connection_file}" ? connection : a,
  );
  // the grader stand-in: a process that starts the kernel as the driver does, and is then killed
  const grader = spawn(
    process.execPath,
    [
      "-e",
      `require("child_process").spawn(${JSON.stringify(argv[0])}, ${JSON.stringify(argv.slice(1))}, { stdio: "ignore" }); setInterval(() => {}, 1000);`,
    ],
    {
      env: { ...process.env, DESCENT_GRADING_HOME: home },
      stdio: "ignore",
    },
  );
  const running = () =>
    spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
      .stdout.split("\n")
      .filter((l) => l.includes(marker) && !l.includes("child_process"));
  try {
    for (let i = 0; i < 50 && running().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(running().length >= 2, "the kernel stand-in started");
    grader.kill("SIGKILL");
    for (let i = 0; i < 50 && running().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(running(), [], "the kernel outlived its grader");
  } finally {
    grader.kill("SIGKILL");
    for (const l of running()) spawnSync("kill", ["-9", l.trim().split(/\s+/)[0]]);
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("a grading kernel is the kernel process itself, without the launcher's relay (grading never interrupts)", () => {
  const course = makeGradingCourse({ isolatedRunners: isolationProblem() ? null : 1 });
  try {
    for (const name of course.kernels) {
      const spec = JSON.parse(
        fs.readFileSync(path.join(course.jupyterPath, "kernels", name, "kernel.json"), "utf8"),
      ) as { argv: string[] };
      const started = spec.argv.filter((a) => /scripts[\\/]kernel[\\/]\w+\.js$/.test(a)).map((a) => path.basename(a));
      assert.deepEqual(started, ["kernelProcess.js"], `${name} starts ${started.join(", ")}`);
    }
  } finally {
    course.remove();
  }
});
