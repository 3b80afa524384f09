// Cells compiled ahead for grading (scripts/kernel/precompiled.js, scripts/kernel/compileServer.js): one
// compiler for many notebooks gives exactly the conversions a fresh compiler per notebook gives; the
// kernel takes a cell from the table when its key matches and compiles any other itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadMaster } from "../scripts/homework/grade";
import { Notebook } from "../scripts/homework/notebook";
import { submissionOfKinds } from "./support/submissions";
import { python, root } from "./support/notebooks";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const precompiled = require(path.join(root, "scripts", "kernel", "precompiled.js")) as {
  cellKey: (prevDecl: string, src: string) => string;
  precompiledConverter: (
    table: Record<string, Conversion>,
    create: () => FakeConverter,
  ) => FakeConverter & { hits: { taken: number; compiled: number } };
};

interface Conversion {
  output?: string;
  declOutput?: string;
  diagnostics: unknown[];
  sideOutputs?: unknown[];
}
interface FakeConverter {
  convert: (prevDecl: string, src: string) => Conversion;
  close: () => void;
}
interface Answer {
  table?: Record<string, Conversion>;
  keeps?: boolean[];
  compiled?: number;
  reused?: number;
  skip?: string;
}

const codeCells = (nb: Notebook): string[] =>
  nb.cells.filter((c) => c.cell_type === "code").map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source));

/**
 * Feeds notebooks (their code cells) to one compile server; its answers in order. `lean`: with the lean
 * builder (scripts/kernel/leanConverter.js, the default) or tslab's converter as it is.
 */
function compile(notebooks: string[][], lean = true): Answer[] {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "compileServer.js")], {
    cwd: root,
    input: notebooks.map((cells) => JSON.stringify({ cells })).join("\n") + "\n",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, DESCENT_LEAN_COMPILER: lean ? "1" : "0" },
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.deepEqual(JSON.parse(lines[0]), { ready: true, lean });
  return lines.slice(1).map((l) => JSON.parse(l) as Answer);
}

test("one compiler for many notebooks gives what a fresh compiler per notebook gives", { timeout: 300_000 }, () => {
  const master = loadMaster(path.join(root, "notebooks", "homework-masters", "03-softmax.ipynb"));
  const kinds = (k: "right" | "wrong" | "stub") => Object.fromEntries(master.exercises.map((e) => [e.name, k]));
  const right = codeCells(submissionOfKinds(master, kinds("right")));
  const wrong = codeCells(submissionOfKinds(master, kinds("wrong")));
  // a type error in one cell: it does not run, so the cells after it are compiled after the declarations before it
  const typo = right.map((c, i) => (i === 2 ? c.replace(/\bhw\.check\(/, "hw.chek(") : c));
  assert.notDeepEqual(typo, right, "the typo was made");
  const shared = compile([right, wrong, typo, right]);
  const fresh = [right, wrong, typo].map((cells) => compile([cells])[0]);
  for (const [i, name] of ["right", "wrong", "typo"].entries()) {
    assert.ok(shared[i].table && fresh[i].table, `${name}: ${shared[i].skip ?? fresh[i].skip}`);
    assert.deepEqual(shared[i].table, fresh[i].table, `${name}: the shared compiler's table differs`);
    assert.deepEqual(shared[i].keeps, fresh[i].keeps);
  }
  // the same notebook again is taken from the compiler's memory, not compiled
  assert.deepEqual([shared[3].compiled, shared[3].reused], [0, right.length]);
  assert.deepEqual(shared[3].table, shared[0].table);
  // the typo is reported as tslab reports it, and that cell keeps the declarations
  const typoKey = precompiled.cellKey((Object.values(fresh[2].table!)[1] as Conversion).declOutput ?? "", typo[2]);
  assert.ok((fresh[2].table![typoKey]?.diagnostics.length ?? 0) > 0, "the typo gives a diagnostic");
  assert.equal(fresh[2].keeps![2], true);
  // check cells keep the declarations; solution cells add to them
  assert.deepEqual(fresh[0].keeps!.slice(0, 4), [false, false, true, false], "import, solution, check, solution");
});

test(
  "the lean builder compiles exactly as tslab's own converter: every homework, right, wrong and stubs, a type error",
  { timeout: 300_000 },
  () => {
    const notebooks: string[][] = [];
    for (const name of fs.readdirSync(path.join(root, "notebooks", "homework-masters")).sort()) {
      if (!name.endsWith(".ipynb")) continue;
      const master = loadMaster(path.join(root, "notebooks", "homework-masters", name));
      for (const kind of ["right", "wrong", "stub"] as const)
        notebooks.push(
          codeCells(submissionOfKinds(master, Object.fromEntries(master.exercises.map((e) => [e.name, kind])))),
        );
    }
    assert.equal(notebooks.length, 21, "7 homework × 3");
    // a type error in a solution cell: no emit, the declarations kept
    notebooks.push(notebooks[0].map((c, i) => (i === 1 ? `${c}\nconst oops: number = "text";` : c)));
    const lean = compile(notebooks);
    const tslab = compile(notebooks, false);
    assert.ok(
      lean.every((a) => a.table),
      "every notebook compiled",
    );
    assert.ok(
      Object.values(lean[21].table!).some((c) => (c as Conversion).diagnostics?.length),
      "the type error is reported",
    );
    lean.forEach((a, i) =>
      assert.deepEqual(a, tslab[i], `notebook ${i}: the lean builder's answer differs from tslab's`),
    );
  },
);

test("a notebook with a tslab module cell is left to the kernel", { timeout: 120_000 }, () => {
  const [answer] = compile([["/** @module helper */\nexport const x = 1;", "import { x } from './helper';\nx"]]);
  assert.equal(answer.table, undefined);
  assert.match(answer.skip ?? "", /module/);
});

test("precompiledConverter: the table first; any other cell from a compiler made once, on first need", () => {
  let made = 0;
  const table = { [precompiled.cellKey("", "a")]: { output: "from the table", declOutput: "", diagnostics: [] } };
  const conv = precompiled.precompiledConverter(table, () => {
    made++;
    return { convert: (_p, src) => ({ output: `compiled ${src}`, diagnostics: [] }), close: () => {} };
  });
  assert.equal(conv.convert("", "a").output, "from the table");
  assert.equal(made, 0, "no compiler while the table answers");
  assert.equal(conv.convert("declare const z: number;\n", "a").output, "compiled a", "another prevDecl is another key");
  assert.equal(conv.convert("", "b").output, "compiled b");
  assert.equal(made, 1);
  assert.deepEqual(conv.hits, { taken: 1, compiled: 2 });
});

test(
  "in the kernel, a cell comes from the table when its key matches (no TypeScript loaded), and is compiled there otherwise",
  { timeout: 300_000, skip: python() ? false : "no Python with nbclient" },
  () => {
    // does this kernel hold tslab's TypeScript? (scripts/kernel/lazyTypeScript.js: not while the table answers)
    const probe =
      'console.log("TypeScript loaded:", require(require("path").join(process.cwd(), "scripts/kernel/lazyTypeScript.js"))' +
      '.typeScriptLoaded(require.resolve("@tslab/typescript-for-tslab", { paths: [require("path").join(process.cwd(), "node_modules/tslab/dist")] })));';
    const cells = ["const a: number = 20;\na", "a + 1", probe];
    const [answer] = compile([cells]);
    const table = answer.table!;
    const first = precompiled.cellKey("", cells[0]);
    assert.ok(table[first], "the first cell is in the table");
    table[first] = { ...table[first], output: `console.log("from the table");\n${table[first].output}` };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-precompiled-"));
    const file = path.join(dir, "cells.json");
    fs.writeFileSync(file, JSON.stringify(table));
    try {
      spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
      const r = spawnSync(python()!, [path.join(root, "scripts", "kernel", "driver.py"), "session"], {
        cwd: root,
        input: JSON.stringify({ cells: [...cells, "a * 10", probe].map((code) => ({ code })), timeout: 120 }),
        encoding: "utf8",
        env: {
          ...process.env,
          DESCENT_PRECOMPILED: file,
          JUPYTER_PATH: path.join(root, ".jupyter", "share", "jupyter"),
          PYTHONWARNINGS: "ignore",
        },
      });
      const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
      assert.ok(line, `no report (exit ${r.status}): ${r.stderr}`);
      const out = (JSON.parse(line) as { cells: { status: string; stdout: string; stderr: string }[] }).cells;
      assert.deepEqual(
        out.map((c) => [c.status, c.stdout.trim(), c.stderr.trim()]),
        [
          ["ok", "from the table\n20", ""], // the table's code ran, not a compile of the source
          ["ok", "21", ""], // from the table too (its key: the first cell's declarations)
          ["ok", "TypeScript loaded: false", ""], // every cell so far from the table: no TypeScript in the kernel
          ["ok", "200", ""], // not in the table: compiled in the kernel
          ["ok", "TypeScript loaded: true", ""], // (loaded for that cell)
        ],
      );
      assert.ok(!fs.existsSync(file), "the kernel read the table once and removed it");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "a runner compiles the notebook it gets next while its kernel runs the current one, and uses that answer",
  { timeout: 300_000, skip: python() ? false : "no Python with nbclient" },
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-ahead-"));
    const notebook = (name: string, code: string) => {
      const file = path.join(dir, `${name}.ipynb`);
      const nb = {
        cells: [{ cell_type: "code", source: code, metadata: {}, outputs: [], execution_count: null }],
        metadata: {},
        nbformat: 4,
        nbformat_minor: 5,
      };
      fs.writeFileSync(file, JSON.stringify(nb));
      return { in: file, out: path.join(dir, "out", `${name}.ipynb`), limits: {}, compiled_limits: {} };
    };
    const names = ["first", "second", "third"];
    const jobs = {
      kernel: "descent",
      compiler: [process.execPath, path.join(root, "scripts", "kernel", "compileServer.js"), "{connection_file}"],
      timeout: 120,
      cell_timeout: 60,
      sessions: names.map((n, i) => ({
        token: "t",
        notebooks: [notebook(n, `const v${i}: number = ${i} * 7;\nconsole.log("${n}", v${i});`)],
      })),
    };
    const jobsFile = path.join(dir, "jobs.json");
    fs.writeFileSync(jobsFile, JSON.stringify(jobs));
    try {
      spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
      const r = spawnSync(python()!, [path.join(root, "scripts", "kernel", "driver.py"), "grade", jobsFile], {
        cwd: root,
        encoding: "utf8",
        env: {
          ...process.env,
          JUPYTER_PATH: path.join(root, ".jupyter", "share", "jupyter"),
          PYTHONWARNINGS: "ignore",
        },
      });
      assert.equal(r.status, 0, r.stderr);
      const results = r.stdout
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { reason: string | null });
      assert.deepEqual(
        results.map((x) => x.reason),
        [null, null, null],
      );
      names.forEach((n, i) => {
        const out = fs.readFileSync(path.join(dir, "out", `${n}.ipynb`), "utf8");
        assert.match(out, new RegExp(`${n} ${i * 7}`));
      });
      const stats = JSON.parse(/compiled ahead: (\{.*\})/.exec(r.stderr)![1]) as Record<string, number>;
      // the first notebook is compiled when its runner starts; each of the others while the one before ran
      assert.deepEqual([stats.compiled, stats.ahead, stats.dropped, stats.failed], [3, 2, 0, 0], r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
