// Tests hold whatever ran before them. In a copy of the project, the places the project's commands and
// a reader write to are filled as they would be after `npm start`, `npm run release`, `npm run book`
// and a student's work: build/homework/ (with a notebook no master has), notebooks/homework/ (a
// student's answers), a chapter saved by Jupyter with its outputs, an Untitled.ipynb, build/notebooks/
// with executed copies whose outputs are wrong, .cache/ and .jupyter/ junk. The tests that read those
// folders' neighbourhood (notebook hygiene, architecture, the book builder and its editions) then run in the
// copy and must pass there as they do on a clean clone. .ci/run does the same with the real commands,
// in the README's order, before the whole suite.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { root } from "./support/notebooks";
import { projectCopy, removeCopy } from "./support/projectCopy";

const notebook = (
  cells: { cell_type: string; source: string; outputs?: unknown[]; execution_count?: number | null }[],
) =>
  JSON.stringify({
    cells: cells.map((c) => ({ metadata: {}, ...c })),
    metadata: { kernelspec: { name: "descent", display_name: "TypeScript (Descent)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });

/** The environment of a test run of its own (not a child of this test, not sharing this run's folder). */
function ownRun(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  delete env.DESCENT_TEST_RUN_DIR;
  return env;
}

/** Fills the copy's build/, notebooks/, .cache/ and .jupyter/ as a used clone has them; returns what it wrote. */
function pollute(copy: string): string[] {
  const written: string[] = [];
  const put = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(copy, rel)), { recursive: true });
    fs.writeFileSync(path.join(copy, rel), text);
    written.push(rel);
  };
  // npm run release (the real command) and npm start's copy of it into notebooks/homework/
  const release = spawnSync(
    process.execPath,
    ["--import", "tsx", path.join(copy, "scripts", "homework", "release.ts")],
    { cwd: copy, encoding: "utf8" },
  );
  assert.equal(release.status, 0, `npm run release in the copy: ${release.stderr}`);
  const released = fs.readdirSync(path.join(copy, "build", "homework"));
  assert.ok(released.length > 0, "npm run release wrote nothing");
  for (const f of released) {
    fs.mkdirSync(path.join(copy, "notebooks", "homework"), { recursive: true });
    fs.copyFileSync(path.join(copy, "build", "homework", f), path.join(copy, "notebooks", "homework", f));
  }
  // a stale release (a master since removed) and a student's answers
  put(
    "build/homework/99-removed-master.ipynb",
    notebook([{ cell_type: "markdown", source: "# An exercise no master has" }]),
  );
  put(
    `notebooks/homework/${released[0]}`,
    notebook([
      {
        cell_type: "code",
        source: "let answer = 42;",
        outputs: [{ output_type: "stream", name: "stdout", text: "42\n" }],
        execution_count: 3,
      },
    ]),
  );
  // Jupyter: a new notebook, and a chapter saved with the outputs of a run
  put("notebooks/Untitled.ipynb", notebook([{ cell_type: "code", source: "1 + 1", outputs: [], execution_count: 1 }]));
  const tour = JSON.parse(fs.readFileSync(path.join(copy, "notebooks", "00-tour.ipynb"), "utf8")) as {
    cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[];
  };
  for (const c of tour.cells) {
    if (c.cell_type !== "code") continue;
    c.outputs = [{ output_type: "stream", name: "stdout", text: "saved by Jupyter\n" }];
    c.execution_count = 7;
  }
  put("notebooks/00-tour.ipynb", JSON.stringify(tour));
  // npm run nb / npm run book from other sources: executed copies that do not match, an old book
  put(
    "build/notebooks/00-tour.ipynb",
    notebook([
      {
        cell_type: "code",
        source: "// from last month",
        outputs: [{ output_type: "error", ename: "Error", evalue: "stale", traceback: [] }],
        execution_count: 1,
      },
    ]),
  );
  put(
    "build/notebooks/charts.ipynb",
    notebook([{ cell_type: "markdown", source: "# A test notebook's executed copy" }]),
  );
  put("build/book/index.html", "<!doctype html><title>last month's book</title>");
  // caches and the kernelspec of another place
  put(".cache/kernel/src-00000000000000000000000000000000.json", "{ not json");
  put(
    ".jupyter/share/jupyter/kernels/descent/kernel.json",
    JSON.stringify({
      argv: ["/nowhere/node", "/nowhere/kernel.js", "{connection_file}"],
      display_name: "stale",
      language: "typescript",
    }),
  );
  return written;
}

test(
  "after npm start, release, book and a student's work, the tests that read near those folders pass unchanged",
  { timeout: 600_000 },
  (t) => {
    const copy = projectCopy("descent-order-");
    try {
      const written = pollute(copy);
      t.diagnostic(`polluted: ${written.join(", ")}`);
      const files = ["test/hygiene.test.ts", "test/architecture.test.ts", "test/book.test.ts"];
      // everything in those files but the book in Chromium (it runs notebooks in a kernel: the suite runs it)
      const r = spawnSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "--test",
          "--test-concurrency=1",
          "--test-reporter=spec",
          "--test-name-pattern=^(?!the book: a static site)",
          ...files,
        ],
        {
          cwd: copy,
          encoding: "utf8",
          env: ownRun(),
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const out = r.stdout + r.stderr;
      const passed = Number(/^ℹ pass (\d+)/m.exec(out)?.[1] ?? NaN);
      const failed = Number(/^ℹ fail (\d+)/m.exec(out)?.[1] ?? NaN);
      const failures = out
        .split("\n")
        .filter((l) => l.startsWith("✖"))
        .slice(0, 20);
      assert.equal(failed, 0, `in the polluted copy:\n${failures.join("\n")}\n${out.slice(-3000)}`);
      assert.ok(passed >= 15, `only ${passed} tests ran in the copy:\n${out.slice(-3000)}`);
      assert.equal(r.status, 0, out.slice(-3000));
      // and the pollution was there for them to see
      assert.ok(fs.existsSync(path.join(copy, "build", "homework", "99-removed-master.ipynb")));
      assert.ok(
        spawnSync("git", ["diff", "--quiet", "--", "notebooks/00-tour.ipynb"], { cwd: copy }).status === 1,
        "00-tour.ipynb was not changed in the work tree",
      );
    } finally {
      removeCopy(copy);
    }
    assert.ok(
      !fs.existsSync(path.join(root, "build", "homework", "99-removed-master.ipynb")),
      "the copy reached the clone under test",
    );
  },
);
