// The kernel's compile cache of src/ (scripts/kernel/kernelCache.js, issue 12 item 3): keyed on the contents of
// src/, never used stale, never used when src/ does not compile; and the kernel still reports a cell's type
// errors against the API of src/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root, runNotebooks } from "./support/notebooks";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cache = require(path.join(root, "scripts", "kernel", "kernelCache.js")) as {
  current(root: string): {
    cache: { key: string; ok: boolean; js?: Record<string, string>; dts?: Record<string, string>; errors?: string[] };
    built: boolean;
    files: string[] | null;
  };
  cacheFile(root: string, key: string): string;
};

/** A project of its own: a small src/, the real node_modules (for tslab's TypeScript). */
function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-kernel-cache-"));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

test(
  "the cache is built once per content of src/, and an edit means a new key, never the stale code",
  { timeout: 120_000 },
  () => {
    const dir = project({
      "src/index.ts": 'export * from "./core/twice";\n',
      "src/core/twice.ts": "/** 2x */\nexport function twice(x: number): number {\n  return 2 * x;\n}\n",
    });
    try {
      const first = cache.current(dir);
      assert.equal(first.built, true);
      assert.equal(first.cache.ok, true, String(first.cache.errors));
      assert.deepEqual(first.files, ["src/core/twice.ts", "src/index.ts"]);
      assert.match(first.cache.dts!["src/core/twice.ts"], /export declare function twice\(x: number\): number;/);
      assert.match(first.cache.js!["src/core/twice.ts"], /return 2 \* x;/);
      assert.ok(fs.existsSync(cache.cacheFile(dir, first.cache.key)));

      const again = cache.current(dir);
      assert.equal(again.built, false, "an unchanged src/ must reuse the cache");
      assert.equal(again.cache.key, first.cache.key);

      fs.writeFileSync(
        path.join(dir, "src/core/twice.ts"),
        "export function twice(x: number): number {\n  return x + x + 0;\n}\n",
      );
      const edited = cache.current(dir);
      assert.notEqual(edited.cache.key, first.cache.key, "an edit must change the key");
      assert.equal(edited.built, true);
      assert.match(edited.cache.js!["src/core/twice.ts"], /return x \+ x \+ 0;/);

      fs.writeFileSync(path.join(dir, "src/core/extra.ts"), "export const one = 1;\n");
      assert.notEqual(cache.current(dir).cache.key, edited.cache.key, "a new file must change the key");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "a frozen folder (the grader's edition: kernelCache.js --freeze) takes the cache's key without hashing src/",
  { timeout: 120_000 },
  () => {
    const dir = project({
      "src/index.ts": 'export * from "./core/twice";\n',
      "src/core/twice.ts": "export function twice(x: number): number {\n  return 2 * x;\n}\n",
    });
    try {
      // the command builds the cache of its own folder's src/
      for (const f of ["kernelCache.js", "lazyTypeScript.js"]) {
        fs.mkdirSync(path.join(dir, "scripts", "kernel"), { recursive: true });
        fs.copyFileSync(path.join(root, "scripts", "kernel", f), path.join(dir, "scripts", "kernel", f));
      }
      const r = spawnSync(process.execPath, [path.join(dir, "scripts", "kernel", "kernelCache.js"), "--freeze"], {
        encoding: "utf8",
      });
      assert.equal(r.status, 0, r.stderr);
      const frozen = cache.current(dir);
      assert.equal(frozen.built, false);
      assert.equal(frozen.files, null, "a frozen folder's src/ is not listed, read or hashed");
      assert.match(frozen.cache.js!["src/core/twice.ts"], /return 2 \* x;/);
      // (what freezing promises: nobody edits src/ there; an edit would not be seen)
      fs.writeFileSync(
        path.join(dir, "src/core/twice.ts"),
        "export function twice(x: number): number {\n  return x + x;\n}\n",
      );
      assert.equal(cache.current(dir).cache.key, frozen.cache.key);
      fs.rmSync(path.join(dir, ".cache", "kernel", "frozen-key"));
      const thawed = cache.current(dir);
      assert.notEqual(thawed.cache.key, frozen.cache.key, "without the file, the edit means a new key");
      assert.match(thawed.cache.js!["src/core/twice.ts"], /return x \+ x;/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "a src/ that does not compile gets no cache (tslab compiles it and reports the error, as before)",
  { timeout: 120_000 },
  () => {
    const dir = project({ "src/index.ts": 'export const n: number = "not a number";\n' });
    try {
      const r = cache.current(dir);
      assert.equal(r.cache.ok, false);
      assert.match(r.cache.errors!.join("\n"), /src\/index\.ts:1: .*not assignable to type 'number'/);
      assert.equal(r.cache.js, undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: cells.map((source, i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    })),
    metadata: { kernelspec: { name: "descent", display_name: "TypeScript (Descent)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

test("with the cache, the kernel still type-checks cells against src/ and runs src/", { timeout: 240_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-kernel-cache-nb-"));
  try {
    const good = path.join(dir, "good.ipynb");
    const bad = path.join(dir, "bad.ipynb");
    fs.writeFileSync(
      good,
      notebook([
        'import * as d from "./src/index";',
        "const r = new d.Rng(3);\nd.check('uniform in [0,1)', r.uniform() < 1);",
      ]),
    );
    fs.writeFileSync(
      bad,
      notebook(['import * as d from "./src/index";', "const r = new d.Rng(3);\nconst u: string = r.uniform();"]),
    );
    const [ok, typeError] = runNotebooks([good, bad], { timeout: 200 });
    assert.ok(ok.ok, String(ok.failure));
    assert.equal(typeError.ok, false);
    assert.match(typeError.failure!, /cell 2 .*\n.*Type 'number' is not assignable to type 'string'/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
