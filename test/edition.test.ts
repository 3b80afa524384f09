// The student edition (`npm run release` → build/student/, scripts/homework/edition.ts): a complete
// course without answers. Searched for every reference body, hidden generator, mistake function,
// hidden seed and solution line; a homework notebook run in the edition's own kernel shows that the
// visible checks and hints work there from fixtures; its Jupyter serves no masters.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as hw from "../src/homework/index";
import { buildEdition, editionFiles, exerciseSecrets, EditionReport } from "../scripts/homework/edition";
import {
  Cell,
  leakCandidates,
  linesForSource,
  listMasters,
  nbgraderOf,
  readNotebook,
  releaseNotebook,
  releaseText,
  sourceOf,
  stemOf,
  writeNotebook,
} from "../scripts/homework/notebook";
import { python, root } from "./support/notebooks";
import { freePort, startCourse, statusOf } from "./support/course";
import { projectCopy, removeCopy } from "./support/projectCopy";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-edition-"));
let built: EditionReport | null = null;
function edition(): EditionReport {
  if (!built) {
    built = buildEdition(dir);
    // the edition runs on this clone's node modules (set-up accepts a linked install)
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  }
  return built;
}
process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));

const squash = (s: string): string => s.replace(/\s+/g, "");

test("the edition has the chapters, the released homework, src/, fixtures and npm start; no masters, grader or tests", () => {
  const r = edition();
  const files = editionFiles(dir);
  for (const f of [
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "scripts/setup/start.sh",
    "scripts/setup/setup.sh",
    "scripts/kernel/kernelspec.js",
    "src/index.ts",
    "src/homework/check.ts",
    "src/homework/fixtures.ts",
    "README.md",
  ])
    assert.ok(files.includes(f), `the edition has no ${f}`);
  for (const m of listMasters())
    assert.ok(files.includes(`notebooks/homework/${stemOf(m)}.ipynb`), `no released ${stemOf(m)}`);
  assert.ok(
    files.some((f) => /^notebooks\/0\d-[^/]+\.ipynb$/.test(f)),
    "no chapters",
  );
  for (const f of files) {
    // (src/homework/byGrader.ts is the kernel's side of a grading rerun: no answer in it)
    assert.ok(
      !/homework-masters|^test\/|^scripts\/homework\/|(^|\/)grade(s|book)?(\/|\.|$)/i.test(f),
      `the edition holds ${f}`,
    );
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  assert.ok(
    pkg.scripts.start && !pkg.scripts.grade && !pkg.scripts.release && !pkg.scripts.test,
    JSON.stringify(pkg.scripts),
  );
  assert.ok(r.exercises.length >= 38, `${r.exercises.length} exercises`);
  for (const id of r.exercises) assert.ok(files.includes(`src/homework/fixtures/${id}.json`), `no fixture for ${id}`);
  // Every fixture is a visible case set: no hidden case leaves the lecturer's side.
  for (const id of r.exercises) {
    const fx = JSON.parse(fs.readFileSync(path.join(dir, "src/homework/fixtures", `${id}.json`), "utf8"));
    const visible = hw.runCheck(id, () => 0).cases.map((c) => c.name);
    for (const c of fx.cases)
      assert.ok(visible.includes(c.name), `${id}: the fixture holds "${c.name}", not a visible case`);
  }
});

test("the edition's chapters leave out the lecturer's speaker notes and the answers for the room, and only those", () => {
  edition();
  let dropped = 0;
  for (const f of fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb"))) {
    const mine = readNotebook(path.join(root, "notebooks", f));
    const theirs = readNotebook(path.join(dir, "notebooks", f));
    const forLecturer = (c: Cell): boolean => {
      const m = c.metadata as { slideshow?: { slide_type?: string }; tags?: string[] };
      return c.cell_type === "markdown" && (m.slideshow?.slide_type === "notes" || !!m.tags?.includes("answer"));
    };
    assert.ok(!theirs.cells.some(forLecturer), `${f}: the edition keeps a lecturer-only cell`);
    assert.deepEqual(
      theirs.cells.map(sourceOf),
      mine.cells.filter((c) => !forLecturer(c)).map(sourceOf),
      `${f}: the edition's cells differ from the chapter's beyond the lecturer's cells`,
    );
    dropped += mine.cells.length - theirs.cells.length;
  }
  assert.ok(dropped >= 9, `only ${dropped} lecturer-only cells left out (every chapter opens with speaker notes)`);
});

test("the edition commits as a repository of its own: released homework, fixtures and scripts tracked, nothing it needs ignored", () => {
  edition();
  const git = (...args: string[]) =>
    spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, encoding: "utf8" });
  assert.equal(git("init", "-q").status, 0);
  assert.equal(git("add", "-A").status, 0);
  const c = git("commit", "-qm", "release");
  assert.equal(c.status, 0, c.stderr);
  const tracked = git("ls-files").stdout.split("\n");
  for (const f of editionFiles(dir).filter((f) => f !== "node_modules"))
    assert.ok(tracked.includes(f), `${f} is not committed (ignored?)`);
  assert.ok(
    tracked.some((f) => f.startsWith("notebooks/homework/")) &&
      tracked.some((f) => f.startsWith("src/homework/fixtures/blobs/")),
  );
  assert.ok(!tracked.some((f) => f.startsWith("node_modules")), "node_modules is committed");
});

test("no reference body, hidden generator, mistake function, hidden seed or solution line is in the edition", () => {
  edition();
  const texts = editionFiles(dir)
    .filter((f) => /\.(ts|js|json|ipynb|md|sh|py)$/.test(f))
    .map((f) => ({ f, text: fs.readFileSync(path.join(dir, f), "utf8") }));
  const squashed = texts.map((t) => ({ f: t.f, text: squash(t.text) }));
  const exerciseDir = path.join(root, "src", "homework", "exercises");
  let secrets = 0;
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".ts") ? [path.join(d, e.name)] : [],
      );
  for (const file of walk(exerciseDir)) {
    for (const s of exerciseSecrets(file, fs.readFileSync(file, "utf8"))) {
      const needle = squash(s.code);
      if (needle.length < 12) continue; // e.g. `refFn`: names, not bodies
      secrets++;
      const hit = squashed.find((t) => t.text.includes(needle));
      assert.equal(hit, undefined, `${s.id}'s ${s.what} is in the edition's ${hit?.f}:\n${s.code.slice(0, 300)}`);
    }
  }
  assert.ok(secrets >= 80, `only ${secrets} secrets looked for: the search finds too little`);
  // A solution line that is also in the course's own code (src/ outside the exercises, the chapters) is not a secret
  // of the homework: the edition copies that code unchanged (that the course solves exercises is
  // checked by the exercises' "not available here" tests).
  const chapters = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb"));
  const courseCode = [
    ...walk(path.join(root, "src"))
      .filter((f) => !f.startsWith(exerciseDir))
      .map((f) => fs.readFileSync(f, "utf8")),
    ...chapters.map((f) =>
      readNotebook(path.join(root, "notebooks", f))
        .cells.map(sourceOf)
        .join("\n"),
    ),
    // and the public part of every master (a line one master hides may be shown in another)
    ...listMasters().map((m) => releaseNotebook(readNotebook(m), stemOf(m)).cells.map(sourceOf).join("\n")),
  ].join("\n");
  let lines = 0;
  for (const m of listMasters()) {
    for (const line of leakCandidates(readNotebook(m)).filter((l) => !courseCode.includes(l))) {
      lines++;
      const hit = texts.find((t) => t.text.includes(line) || t.text.includes(JSON.stringify(line).slice(1, -1)));
      assert.equal(
        hit,
        undefined,
        `${stemOf(m)}: the solution or hidden-test line ${JSON.stringify(line)} is in the edition's ${hit?.f}`,
      );
    }
  }
  assert.ok(lines > 100, `only ${lines} solution lines looked for`);
  const seeds = listMasters().flatMap((m) =>
    [
      ...readNotebook(m)
        .cells.map(sourceOf)
        .join("\n")
        .matchAll(/checkHidden\([^)]*seed:\s*(\d+)/g),
    ].map((x) => x[1]),
  );
  assert.ok(seeds.length > 0, "no hidden seed found in the masters");
  for (const seed of new Set(seeds)) {
    const hit = texts.find((t) => t.f.startsWith("notebooks/homework/") && t.text.includes(seed));
    assert.equal(hit, undefined, `the hidden seed ${seed} is in ${hit?.f}`);
  }
});

/** hw03 as a student would hand it in: the master's solutions, ex2 written without the max subtraction. */
function studentHw03(): { file: string; naive: string } {
  const master = readNotebook(listMasters().find((m) => stemOf(m) === "03-softmax")!);
  const naive = [
    "function stableSoftmax(Z: d.Matrix): d.Matrix {",
    "  const S = d.zeros(Z.rows, Z.cols);",
    "  for (let i = 0; i < Z.rows; i++) {",
    "    let total = 0;",
    "    for (let k = 0; k < Z.cols; k++) total += Math.exp(Z.get(i, k));",
    "    for (let k = 0; k < Z.cols; k++) S.set(i, k, Math.exp(Z.get(i, k)) / total);",
    "  }",
    "  return S;",
    "}",
  ].join("\n");
  const cells: Cell[] = master.cells.map((c) => {
    const id = nbgraderOf(c)?.grade_id ?? "";
    let text = sourceOf(c);
    if (id === "hw03-ex2-solution") text = naive;
    else if (nbgraderOf(c)?.solution)
      text = text
        .split("\n")
        .filter((l) => !/BEGIN SOLUTION|END SOLUTION/.test(l))
        .join("\n");
    else text = releaseText(text, c.cell_type, id);
    return {
      ...c,
      source: linesForSource(text),
      ...(c.cell_type === "code" ? { outputs: [], execution_count: null } : {}),
    };
  });
  const file = path.join(dir, "notebooks", "homework", "03-student.ipynb");
  writeNotebook(file, { ...master, cells });
  return { file, naive };
}

test(
  "a homework notebook runs in the edition's kernel: visible checks and hints from fixtures",
  { timeout: 600_000 },
  () => {
    edition();
    const py = python();
    if (!py) return assert.fail("no Python with nbclient: run npm run setup");
    const { file } = studentHw03();
    const ks = spawnSync(process.execPath, [path.join(dir, "scripts", "kernel", "kernelspec.js")], {
      cwd: dir,
      encoding: "utf8",
    });
    assert.equal(ks.status, 0, ks.stderr);
    const out = path.join(dir, "executed");
    const r = spawnSync(
      py,
      [path.join(dir, "scripts", "kernel", "driver.py"), "run", "--timeout", "300", "--out", out, file],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, JUPYTER_PATH: path.join(dir, ".jupyter", "share", "jupyter"), PYTHONWARNINGS: "ignore" },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const executed = path.join(out, path.basename(file));
    assert.ok(fs.existsSync(executed), `the notebook did not run:\n${r.stdout}\n${r.stderr}`);
    const nb = readNotebook(executed);
    const outputOf = (gradeId: string): string => {
      const c = nb.cells.find((x) => nbgraderOf(x)?.grade_id === gradeId);
      assert.ok(c, `no cell ${gradeId}`);
      return (c.outputs ?? [])
        .map(
          (o) =>
            (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")) + (o.ename ? `${o.ename}: ${o.evalue}` : ""),
        )
        .join("");
    };
    /** The cell's execute_result (Out[n]): the points, as nbgrader reads them. */
    const valueOf = (gradeId: string): string | null => {
      const c = nb.cells.find((x) => nbgraderOf(x)?.grade_id === gradeId)!;
      const r = (c.outputs ?? []).filter((o) => o.output_type === "execute_result");
      assert.ok(r.length <= 1, `${gradeId}: ${r.length} execute_results`);
      const t = r[0]?.data?.["text/plain"];
      return r.length ? (Array.isArray(t) ? t.join("") : String(t)) : null;
    };
    // The kernel is the edition's: it loads the fixtures, and the lecturer's exercise files are not there.
    const ex2 = fs.readFileSync(path.join(dir, "src/homework/exercises/hw03/ex2-stable-softmax.ts"), "utf8");
    assert.ok(ex2.includes('fromFixture("hw03-ex2"') && !/\b(reference|hidden|mistakes):/.test(ex2), ex2);
    // (ex6 calls this notebook's softmax, the naive one below: it is expected to fail there)
    for (const k of [1, 3, 4, 5]) {
      const text = outputOf(`hw03-ex${k}-check`);
      const want = hw.formatResult(hw.runCheck(`hw03-ex${k}`, hw.getExercise(`hw03-ex${k}`)!.reference!));
      assert.ok(text.includes(want), `hw03-ex${k} in the edition printed\n${text}\ninstead of the lecturer's\n${want}`);
      assert.ok(!text.includes("hidden tests"), `hw03-ex${k}: a hidden check ran in the edition`);
      assert.equal(
        valueOf(`hw03-ex${k}-check`),
        String(hw.runCheck(`hw03-ex${k}`, hw.getExercise(`hw03-ex${k}`)!.reference!).points),
        `hw03-ex${k}: the cell's value`,
      );
    }
    const ex2out = outputOf("hw03-ex2-check");
    const naiveResult = hw.runCheck("hw03-ex2", (Z: import("../src/index").Matrix) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the student's function as a notebook cell writes it
      const S = new (require("../src/index").Matrix)(Z.rows, Z.cols, new Float64Array(Z.rows * Z.cols));
      for (let i = 0; i < Z.rows; i++) {
        let total = 0;
        for (let k = 0; k < Z.cols; k++) total += Math.exp(Z.get(i, k));
        for (let k = 0; k < Z.cols; k++) S.set(i, k, Math.exp(Z.get(i, k)) / total);
      }
      return S;
    });
    assert.ok(
      naiveResult.cases.some((c) => c.hints.some((h) => h.startsWith("No max subtraction"))),
      "the lecturer's check gives no hint for the naive softmax",
    );
    assert.ok(
      ex2out.includes(hw.formatResult(naiveResult)),
      `hw03-ex2 in the edition printed\n${ex2out}\ninstead of the lecturer's\n${hw.formatResult(naiveResult)}`,
    );
    assert.match(ex2out, /Hint: No max subtraction/);
    assert.equal(valueOf("hw03-ex2-check"), String(naiveResult.points));
    assert.ok(naiveResult.points < naiveResult.max);
  },
);

test(
  "the edition's npm start serves the course and no masters: their URLs answer 404",
  { timeout: 240_000 },
  async () => {
    edition();
    const port = await freePort();
    const course = await startCourse(dir, port);
    try {
      assert.ok(course.url, `the edition's npm start printed no URL:\n${course.log()}`);
      assert.equal(await statusOf(course, "/api/contents/homework"), 200, course.log());
      assert.equal(await statusOf(course, "/notebooks/homework/03-softmax.ipynb"), 200);
      assert.equal(await statusOf(course, "/notebooks/homework-masters/04-softmax-regression.ipynb"), 404);
      assert.equal(await statusOf(course, "/api/contents/homework-masters"), 404);
      assert.equal(await statusOf(course, "/api/contents/homework-masters/03-softmax.ipynb"), 404);
      assert.equal(await statusOf(course, "/files/homework-masters/03-softmax.ipynb"), 404);
    } finally {
      course.stop();
    }
  },
);

test(
  "the lecturer's npm start does not serve the masters either (404), unless DESCENT_SHOW_MASTERS=1",
  { timeout: 300_000 },
  async () => {
    const master = path.basename(listMasters()[0]);
    const project = projectCopy("descent-masters-404-"); // npm start writes build/ and notebooks/homework/: not in this clone
    after(() => removeCopy(project));
    for (const show of [false, true]) {
      const port = await freePort();
      const course = await startCourse(
        project,
        port,
        show ? { DESCENT_SHOW_MASTERS: "1" } : { DESCENT_SHOW_MASTERS: "" },
      );
      try {
        assert.ok(course.url, `npm start printed no URL:\n${course.log()}`);
        const want = show ? 200 : 404;
        assert.equal(
          await statusOf(course, `/notebooks/homework-masters/${master}`),
          want,
          `/notebooks/homework-masters/${master}\n${course.log()}`,
        );
        assert.equal(await statusOf(course, "/api/contents/homework-masters"), want);
        assert.equal(await statusOf(course, `/api/contents/homework-masters/${master}`), want);
        assert.equal(await statusOf(course, `/files/homework-masters/${master}`), want);
        assert.equal(await statusOf(course, "/tree/homework-masters"), want);
        assert.equal(await statusOf(course, "/api/contents/01-perceptron.ipynb"), 200, "the chapters are served");
      } finally {
        course.stop();
      }
    }
  },
);
