// The class server's kernel (issue 23, items 1 and 6): the hub's kernelspec, outside the lecturer's repository,
// starts tslab in the student's own course copy (scripts/hub/studentKernel.js). A kernel that cannot start there
// is repaired where it can be without losing the student's files (a missing or broken node_modules link, an
// unreadable tsconfig.json), saying so in the first cell; where it cannot, every cell says what went wrong and
// what to do instead of Jupyter's silent "kernel died". Run through jupyter_client (scripts/kernel/driver.py),
// as the Notebook server runs kernels; no hub or Unix users needed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { prepareKernel, root } from "../scripts/hub/hub";

interface Cell {
  status: string;
  stdout: string;
  stderr: string;
}

/** Runs `cells` in one kernel of the hub's kernelspec (kernelDir) in the course folder `course`. */
function session(kernelDir: string, course: string, cells: string[]): { cells: Cell[]; stderr: string } {
  const r = spawnSync("/usr/bin/python3", [path.join(root, "scripts", "kernel", "driver.py"), "session"], {
    input: JSON.stringify({ cells: cells.map((code) => ({ code })), timeout: 240 }),
    encoding: "utf8",
    env: {
      ...process.env,
      JUPYTER_PATH: path.join(kernelDir, "share", "jupyter"),
      DESCENT_KERNEL_ROOT: course,
      DESCENT_KERNEL_NODE_MODULES: path.join(kernelDir, "node_modules"),
    },
  });
  const line = r.stdout.trim().split("\n").pop();
  assert.ok(line, `driver.py gave no report (exit ${r.status}):\n${r.stderr}`);
  return { cells: (JSON.parse(line) as { cells: Cell[] }).cells, stderr: r.stderr };
}

test(
  "the hub's kernel runs in the student's copy, repairs what it can, explains what it cannot",
  { timeout: 900_000 },
  () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-hub-kernel-"));
    try {
      // the hub's kernel folder, from this repository as the edition (its src/, kernel scripts, tsconfig.json)
      const kernelDir = prepareKernel(root, path.join(tmp, "kernel"), 768, () => {}, { warm: false });
      const spec = JSON.parse(
        fs.readFileSync(path.join(kernelDir, "share/jupyter/kernels/descent/kernel.json"), "utf8"),
      );
      assert.ok(!spec.argv.some((a: string) => a.startsWith(root + "/")), `outside the lecturer's repo: ${spec.argv}`);
      assert.ok(fs.lstatSync(path.join(kernelDir, "node_modules")).isDirectory(), "a copy of node_modules, not a link");
      // a student's course copy: no node_modules (never pulled), a tsconfig.json they broke, a file of theirs
      const course = path.join(tmp, "home", "descent");
      fs.mkdirSync(path.join(course, "src"), { recursive: true });
      fs.writeFileSync(path.join(course, "src", "mine.ts"), "export const mine = 42;\n");
      fs.writeFileSync(path.join(course, "package.json"), "{}\n");
      fs.writeFileSync(path.join(course, "tsconfig.json"), '{ "compilerOptions": { "strict": true,, ');

      // 1. repaired: the kernel starts in the course copy and says what it did; the student's file is kept
      const first = session(kernelDir, course, [
        'import { mine } from "./src/mine";\nconsole.log(process.cwd(), mine);',
        "1 + 1",
      ]);
      assert.equal(first.cells[0].status, "ok", JSON.stringify(first));
      assert.equal(first.cells[0].stdout.trim(), `${course} 42`);
      assert.match(first.cells[0].stderr, /node_modules was missing: it links to the course's shared packages again/);
      assert.match(first.cells[0].stderr, /tsconfig\.json was unreadable .*yours is kept as tsconfig\.json\.broken-/);
      assert.equal(first.cells[1].stderr, "", "the note comes once");
      assert.equal(fs.readlinkSync(path.join(course, "node_modules")), path.join(kernelDir, "node_modules"));
      const kept = fs.readdirSync(course).filter((f) => f.startsWith("tsconfig.json.broken-"));
      assert.equal(kept.length, 1);
      assert.match(fs.readFileSync(path.join(course, kept[0]), "utf8"), /"strict": true,,/);

      // 2. a kernel whose process ends at start-up (a node_modules folder of the student's own, broken): every
      //    cell says why and what to do; nothing of theirs is removed
      fs.rmSync(path.join(course, "node_modules"));
      fs.mkdirSync(path.join(course, "node_modules", "tslab", "dist"), { recursive: true });
      for (const f of ["jupyter.js", "converter.js", "executor.js"])
        fs.writeFileSync(
          path.join(course, "node_modules", "tslab", "dist", f),
          'throw new Error("a broken package");\n',
        );
      const broken = session(kernelDir, course, ["1 + 1", "2 + 2"]);
      for (const c of broken.cells) {
        assert.equal(c.status, "error", JSON.stringify(broken));
        assert.match(
          c.stderr,
          /The Descent kernel could not start in .*: its process ended at start-up \(exit code 1\)/,
        );
        assert.match(c.stderr, /node_modules is a folder of your own.*rename it/);
        assert.match(c.stderr, /Nothing of yours was changed or lost/);
      }
      assert.ok(
        fs.existsSync(path.join(course, "node_modules", "tslab", "dist", "jupyter.js")),
        "their folder is kept",
      );
      assert.ok(fs.existsSync(path.join(course, "src", "mine.ts")));

      // 3. a kernel that does start, then ends in a cell, is not taken for one that could not start
      fs.rmSync(path.join(course, "node_modules"), { recursive: true });
      const exits = session(kernelDir, course, ["process.exit(3)"]);
      assert.notEqual(exits.cells[0].status, "ok");
      assert.doesNotMatch(JSON.stringify(exits), /could not start/);

      // 4. no course folder at all: the kernel says so (and how to get it back)
      const missing = session(kernelDir, path.join(tmp, "home", "nothing"), ["1"]);
      assert.equal(missing.cells[0].status, "error");
      assert.match(missing.cells[0].stderr, /your course folder .*nothing is missing\. Stop your server/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);
