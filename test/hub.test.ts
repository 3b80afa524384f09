// Serving a class (issue 23): a real JupyterHub (Debian's 3.0, scripts/hub/) with three throwaway students,
// driven as browsers and notebooks drive it — the login form, the REST API, the kernel websocket
// (scripts/hub/class_session.py). One student hands in right answers (twice: history kept), one the
// unfinished notebook after trying to read what is not theirs, one runs out of memory; the lecturer grades
// the inbox with one command. Then the faults: the hub restarted in the middle of a submission, and a full
// inbox disk. Everything it creates (Unix users and homes, servers, kernels, cgroups, the tmpfs inbox) is
// removed afterwards, even on failure. Needs root, cgroups v1 and JupyterHub (the set-up's --for-hub):
// skipped, saying why, where they are missing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hubUnavailable, throwawayHub, ThrowawayHub } from "../scripts/hub/throwawayHub";
import { homeOf, root } from "../scripts/hub/hub";
import { readHistory } from "../scripts/hub/inbox";
import { readNotebook } from "../scripts/homework/notebook";
import { studentNotebook, VARIANTS } from "../scripts/hub/homeworkVariants";

const HW = "01-perceptron";
const masterFile = path.join(root, "notebooks", "homework-masters", `${HW}.ipynb`);

interface CellReport {
  status: string;
  stdout: string;
  stderr: string;
  error: string;
  seconds: number;
}
interface StudentReport {
  name: string;
  login: string | null;
  server_seconds: number | null;
  cells: CellReport[];
  error: string | null;
  kernel_id?: string;
}

/** Runs simulated students (scripts/hub/class_session.py) on the hub; resolves with their reports by name. */
async function session(hub: ThrowawayHub, students: object[], timeout = 600): Promise<Map<string, StudentReport>> {
  const p = spawn("/usr/bin/python3", [path.join(root, "scripts", "hub", "class_session.py")], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  p.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
  p.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
  p.stdin.end(JSON.stringify({ hub: hub.url, timeout, students }));
  const code = await new Promise((r) => p.on("close", r));
  const line = stdout.trim().split("\n").pop();
  assert.ok(
    line,
    `class_session.py gave no report (exit ${code}):\n${stderr}\n--- hub log ---\n${hub.log().slice(-4000)}`,
  );
  const reports = (JSON.parse(line) as { students: StudentReport[] }).students;
  return new Map(reports.map((s) => [s.name, s]));
}

const submitCell = `import * as hw from "./src/homework/index";\nawait hw.submit("${HW}");`;

test(
  "a class on the hub: sign in, content pulled, submit, grade, isolation, memory cap, hub restart, full inbox",
  { timeout: 1_800_000 },
  async (t) => {
    const skip = hubUnavailable();
    if (skip) return t.skip(skip);
    // the inbox on a small disk of its own, to fill it later
    const inbox = fs.mkdtempSync(path.join(os.tmpdir(), "descent-hub-inbox-"));
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", inbox]).status === 0;
    const deadlines = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "descent-hub-dl-")), "deadlines.json");
    fs.writeFileSync(deadlines, JSON.stringify({ [HW]: "2020-01-01T00:00:00+00:00" }));
    fs.chmodSync(path.dirname(deadlines), 0o755);
    let hub: ThrowawayHub | null = null;
    try {
      hub = await throwawayHub({ students: 3, memLimitMb: 1024, inbox, deadlines });
      const [a, b, c] = hub.students;
      // what runs as a student or as the inbox's user lies outside the lecturer's folder (which may be private, e.g.
      // a clone in /root or a mktemp folder), readable by them all the way down
      const bin = hub.env.DESCENT_HUB_BIN ?? "";
      assert.ok(bin && path.relative(root, bin).startsWith(".."), `the hub's scripts for students are in ${bin}`);
      for (let d = bin; d !== path.dirname(d); d = path.dirname(d))
        assert.ok((fs.statSync(d).mode & 0o001) !== 0, `${d} cannot be entered by students`);
      for (const f of ["singleuser.sh", "inbox_service.py", "deadlines.json"])
        assert.ok((fs.statSync(path.join(bin, f)).mode & 0o004) !== 0, `${f} cannot be read by students`);
      const master = readNotebook(masterFile);
      // the homework's cells with right answers, run in a's own kernel: the checks work in the student's copy
      const checks = studentNotebook(master, HW, VARIANTS[0])
        .cells.filter((cell) => cell.cell_type === "code")
        .map((cell) => (Array.isArray(cell.source) ? cell.source.join("") : cell.source));
      const spec = path.join(root, "src", "homework", "exercises", "hw01", "ex1-decide-with-threshold.ts");
      assert.ok(fs.existsSync(spec), spec);

      // --- 1. three students at once ------------------------------------------------------------------------
      const first = await session(hub, [
        {
          ...a,
          files: { [`descent/notebooks/homework/${HW}.ipynb`]: master },
          cells: ['const kept = "still here";\nconsole.log(process.pid)', submitCell, submitCell, ...checks],
        },
        {
          ...b,
          cells: [
            `const fs = require("fs");
const tryRead = (p: string) => { try { fs.readdirSync(p); return "READ"; } catch (e) { return (e as any).code; } };
const tryWrite = (p: string) => { try { fs.writeFileSync(p, "x"); return "WROTE"; } catch (e) { return (e as any).code; } };
console.log(JSON.stringify({ home: tryRead(${JSON.stringify(homeOf(a.name))}), inbox: tryRead(${JSON.stringify(inbox)}),
  inboxWrite: tryWrite(${JSON.stringify(path.join(inbox, b.name + ".ipynb"))}),
  masters: tryRead(${JSON.stringify(path.dirname(masterFile))}), master: (() => { try { fs.readFileSync(${JSON.stringify(masterFile)}); return "READ"; } catch (e) { return (e as any).code; } })(),
  course: fs.readdirSync(process.env.HOME + "/descent/notebooks/homework") }));`,
            // the lecturer's answers by absolute path, and the course's exercises as a student imports them
            `const tryFile = (p: string) => { try { require("fs").readFileSync(p); return "READ"; } catch (e) { return (e as any).code; } };
import * as exercises from "./src/homework/exercises";
const ex1 = require.resolve("./src/homework/exercises/hw01/ex1-decide-with-threshold");
console.log(JSON.stringify({ spec: tryFile(${JSON.stringify(spec)}), master: tryFile(${JSON.stringify(masterFile)}),
  git: tryFile(${JSON.stringify(path.join(root, ".git", "HEAD"))}), cwd: process.cwd(), ex1,
  reference: require("fs").readFileSync(ex1, "utf8").includes("reference"), exported: typeof exercises }));`,
            submitCell,
          ],
        },
        {
          ...c,
          cells: [
            'const hog: Float64Array[] = [];\nfor (let i = 0; i < 40; i++) hog.push(new Float64Array(1 << 24).fill(1));\nconsole.log("still alive");',
            'console.log("after the restart")',
          ],
          cell_timeout: 300,
        },
      ]);
      const ra = first.get(a.name)!;
      const rb = first.get(b.name)!;
      const rc = first.get(c.name)!;
      for (const r of [ra, rb, rc]) {
        assert.equal(r.error, null, `${r.name}: ${r.error}\n${hub.log().slice(-3000)}`);
        assert.equal(r.login, "ok");
        assert.ok(r.server_seconds !== null && r.server_seconds > 0);
      }
      // right answers submitted twice: two versions, the history kept
      assert.equal(ra.cells[1].status, "ok", JSON.stringify(ra.cells[1]));
      assert.match(ra.cells[1].stdout, new RegExp(`Submitted ${HW} .* version 1, .*minutes after the deadline`));
      assert.match(ra.cells[2].stdout, /version 2/);
      // isolation
      assert.equal(rb.cells[0].status, "ok", JSON.stringify(rb.cells[0]));
      const seen = JSON.parse(rb.cells[0].stdout.trim().split("\n").pop()!);
      assert.deepEqual(
        { home: seen.home, inbox: seen.inbox, inboxWrite: seen.inboxWrite, masters: seen.masters, master: seen.master },
        { home: "EACCES", inbox: "EACCES", inboxWrite: "EACCES", masters: "EACCES", master: "EACCES" },
      );
      assert.ok(seen.course.includes(`${HW}.ipynb`), `the course was pulled into the home: ${seen.course}`);
      // the answers are not reachable from a student's kernel, which runs in the student's own copy
      assert.equal(rb.cells[1].status, "ok", JSON.stringify(rb.cells[1]));
      const answers = JSON.parse(rb.cells[1].stdout.trim().split("\n").pop()!);
      const bHome = homeOf(b.name);
      assert.deepEqual(
        { spec: answers.spec, master: answers.master, git: answers.git, reference: answers.reference },
        { spec: "EACCES", master: "EACCES", git: "EACCES", reference: false },
      );
      assert.equal(answers.cwd, path.join(bHome, "descent"));
      assert.ok(answers.ex1.startsWith(bHome + "/descent/"), answers.ex1);
      assert.equal(rb.cells[2].status, "ok", JSON.stringify(rb.cells[2]));
      // a's homework checks ran in a's kernel: every cell ran, none reports a failure
      const checked = ra.cells.slice(3);
      assert.equal(checked.length, checks.length);
      for (const cell of checked) assert.equal(cell.status, "ok", JSON.stringify(cell));
      assert.doesNotMatch(checked.map((x) => x.stdout + x.stderr).join("\n"), /\bfailed\b|not done/i);
      // the memory cap: c's kernel is stopped, says why on its next cell; a's kernel lives on
      assert.equal(rc.cells[0].status, "died", `the memory hog was stopped: ${JSON.stringify(rc.cells[0])}`);
      assert.equal(rc.cells[1].status, "ok", JSON.stringify(rc.cells[1]));
      assert.match(
        rc.cells[1].stderr,
        /previous kernel was stopped .* more memory than your account may use \(1024 MB/,
      );
      const pidA = Number(ra.cells[0].stdout.trim());
      assert.doesNotThrow(() => process.kill(pidA, 0), "a's kernel still runs");

      // --- 2. the hub restarted while a submits: the servers survive, the submission arrives -------------------
      const go = path.join(homeOf(a.name), ".go");
      const restart = (async () => {
        for (let i = 0; i < 600 && !fs.existsSync(go); i++) await new Promise((r) => setTimeout(r, 200));
        await hub!.stopHubOnly();
        await new Promise((r) => setTimeout(r, 3000));
        await hub!.start();
      })();
      const during = await session(hub, [
        {
          ...a,
          kernel: ra.kernel_id,
          cells: [
            `console.log(kept);\nrequire("fs").writeFileSync(process.env.HOME + "/.go", "");\nawait new Promise((r) => setTimeout(r, 2000));\n${submitCell}`,
          ],
        },
      ]);
      await restart;
      const rd = during.get(a.name)!;
      assert.equal(rd.error, null, String(rd.error));
      assert.equal(rd.cells[0].status, "ok", JSON.stringify(rd.cells[0]));
      assert.match(
        rd.cells[0].stdout,
        /still here[\s\S]*version 3/,
        "same kernel, and the submission made while the hub was down arrived",
      );
      assert.doesNotThrow(() => process.kill(pidA, 0), "a's kernel survived the hub's restart");

      // --- 3. a full inbox disk: a clear message, nothing lost, accepted again once there is room --------------
      if (mounted) {
        const before = fs.readdirSync(path.join(inbox, a.name, HW)).filter((f) => f.endsWith(".ipynb"));
        const filler = path.join(inbox, "filler");
        spawnSync("dd", ["if=/dev/zero", `of=${filler}`, "bs=64k", "count=100"], { stdio: "ignore" }); // fills the 4 MB
        const full = (await session(hub, [{ ...a, kernel: ra.kernel_id, cells: [submitCell] }])).get(a.name)!;
        assert.equal(full.cells[0].status, "error");
        assert.match(
          full.cells[0].stderr + full.cells[0].error,
          /was NOT submitted: the course inbox is full .*NOT saved/,
        );
        assert.deepEqual(
          fs.readdirSync(path.join(inbox, a.name, HW)).filter((f) => f.endsWith(".ipynb")),
          before,
          "no partial file, earlier versions kept",
        );
        fs.rmSync(filler);
        const again = (await session(hub, [{ ...a, kernel: ra.kernel_id, cells: [submitCell] }])).get(a.name)!;
        assert.match(again.cells[0].stdout, /version 4/);
      } else t.diagnostic("tmpfs could not be mounted: the full-disk case was not run");

      // --- 4. the lecturer grades the inbox in one command ----------------------------------------------------
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-hub-grades-"));
      const g = spawnSync(
        "node",
        [
          "--import",
          "tsx",
          path.join(root, "scripts", "homework", "grade.ts"),
          "--inbox",
          inbox,
          "--out",
          out,
          "--masters",
          masterFile,
        ],
        {
          encoding: "utf8",
          cwd: root,
        },
      );
      assert.equal(g.status, 0, g.stderr + g.stdout);
      // the auto-graded exercises (hw01-ex1 …; written answers wait for the lecturer's marks)
      const rows = fs
        .readFileSync(path.join(out, "gradebook.csv"), "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(","))
        .filter((r) => /-ex\d+$/.test(r[2]));
      const total = (s: string) => rows.filter((r) => r[0] === s).reduce((acc, r) => acc + Number(r[3]), 0);
      const max = (s: string) => rows.filter((r) => r[0] === s).reduce((acc, r) => acc + Number(r[4]), 0);
      assert.ok(max(a.name) > 0);
      assert.equal(total(a.name), max(a.name), "right answers: full points");
      assert.equal(total(b.name), 0, "the unfinished notebook: no points");
      assert.equal(max(b.name), max(a.name));
      const late = fs.readFileSync(path.join(out, "lateness.csv"), "utf8");
      assert.match(late, new RegExp(`${a.name},${HW},[^,]+,${mounted ? 4 : 3},2020-01-01T00:00:00\\+00:00,yes,`));
      assert.match(late, new RegExp(`${b.name},${HW},[^,]+,1,`));
      assert.equal(
        readHistory(path.join(inbox, a.name, HW, "history.jsonl")).length,
        mounted ? 4 : 3,
        "every submission recorded",
      );
      fs.rmSync(out, { recursive: true, force: true });
    } finally {
      if (hub) await hub.stop();
      if (mounted) spawnSync("umount", [inbox]);
      fs.rmSync(inbox, { recursive: true, force: true });
      fs.rmSync(path.dirname(deadlines), { recursive: true, force: true });
    }
  },
);
