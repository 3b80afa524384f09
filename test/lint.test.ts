// The lint step of npm test can fail: scripts/lint/lint.js, given small texts as if they were project
// files, finds what ESLint and Prettier are configured to find; and `npm run format`'s wrapper brings an
// over-long line of src/ within the width without changing what the code computes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..");
const { printWidth } = JSON.parse(fs.readFileSync(path.join(root, ".prettierrc.json"), "utf8")) as {
  printWidth: number;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JavaScript script
const { wrapFile } = require(path.join(root, "scripts", "lint", "wrapLongLines.js")) as {
  wrapFile(file: string, options: object): Promise<{ changed: boolean; text: string; problems: string[] }>;
};

/** Lints `text` as if it were the project file `as`; the exit code and everything printed. */
function lint(as: string, text: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "lint", "lint.js"), "--stdin-filename", as], {
    cwd: root,
    input: text,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const clean = "export function double(x: number): number {\n  return 2 * x;\n}\n";

test("lint passes a clean file", () => {
  const r = lint("src/core/lintExample.ts", clean);
  assert.equal(r.status, 0, r.out);
});

test("lint fails on an unused variable and an explicit any, naming the rules", () => {
  const r = lint("test/lintExample.ts", "export function f(x: any): number {\n  const unused = 1;\n  return x;\n}\n");
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /@typescript-eslint\/no-unused-vars/);
  assert.match(r.out, /@typescript-eslint\/no-explicit-any/);
});

test("lint fails on a comment over the width in src/, and not in test/", () => {
  const text = `// ${"word ".repeat(Math.ceil(printWidth / 5)).trimEnd()}\n${clean}`;
  const src = lint("src/core/lintExample.ts", text);
  assert.equal(src.status, 1, src.out);
  assert.match(src.out, /max-len/);
  const tst = lint("test/lintExample.ts", text);
  assert.equal(tst.status, 0, tst.out);
});

test("lint fails on code Prettier would lay out otherwise", () => {
  const r = lint("src/core/lintExample.ts", "export function double(x: number): number { return 2*x }\n");
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /not laid out as Prettier would/);
});

test("wrapLongLines brings comments and strings of src/ within the width, the values unchanged", async () => {
  const long = "a long message that goes on and on, ".repeat(6);
  const text = [
    `/** ${"A doc comment that is far too long for one line. ".repeat(4)}*/`,
    `export const plain = "${long}";`,
    `export const n = 7; // ${"a trailing comment after the code ".repeat(4)}`,
    `export const templ = (k: number) => \`${long} k = \${k}, k² = \${k * k}; ${long}\`;`,
    `export const minified = "${"var a=1;".repeat(30)}";`,
    `export const length = "${long}".length;`,
    "",
  ].join("\n");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-wrap-"));
  try {
    const file = path.join(dir, "example.ts");
    fs.writeFileSync(file, text);
    const r = await wrapFile(file, { printWidth });
    assert.deepEqual(r.problems, []);
    assert.ok(r.changed);
    const over = r.text.split("\n").filter((l) => Array.from(l).length > printWidth);
    assert.deepEqual(over, [], "no line over the width");
    const run = (source: string) => {
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
      const m = { exports: {} as Record<string, unknown> };
      vm.runInNewContext(js, { module: m, exports: m.exports });
      const e = m.exports;
      return [e.plain, e.n, (e.templ as (k: number) => string)(3), e.minified, e.length];
    };
    assert.deepEqual(run(r.text), run(text));
    assert.match(r.text, /\/\/ a trailing comment/, "the trailing comment is kept");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
