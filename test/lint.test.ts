// The lint step of npm test can fail: scripts/lint/lint.js, given small texts as if they were project
// files, finds what ESLint and Prettier are configured to find; `npm run format`'s wrapper brings an
// over-long comment of src/ within the width and leaves strings whole, and its string joiner makes
// literals split with + one literal again, neither changing what the code computes.
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
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JavaScript script
const { joinText } = require(path.join(root, "scripts", "lint", "joinStrings.js")) as {
  joinText(file: string, text: string): { text: string; count: number };
};

/** The exports of a TypeScript module's text, run in a fresh context. */
function exportsOf(source: string): Record<string, unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const m = { exports: {} as Record<string, unknown> };
  vm.runInNewContext(js, { module: m, exports: m.exports });
  return m.exports;
}

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

test("lint passes a string or template literal over the width in src/: it stays one literal", () => {
  const words = "word ".repeat(40).trimEnd();
  const text = `export const message =\n  "${words}";\nexport const templ = (k: number): string =>\n  \`${words} \${k}\`;\n`;
  assert.ok(text.split("\n").some((l) => l.length > printWidth));
  const r = lint("src/core/lintExample.ts", text);
  assert.equal(r.status, 0, r.out);
});

test("lint fails on code Prettier would lay out otherwise", () => {
  const r = lint("src/core/lintExample.ts", "export function double(x: number): number { return 2*x }\n");
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /not laid out as Prettier would/);
});

test("wrapLongLines brings comments of src/ within the width and leaves strings whole, the values unchanged", async () => {
  const long = "a long message that goes on and on, ".repeat(6);
  const minified = "var a=1;".repeat(30);
  const text = [
    `/** ${"A doc comment that is far too long for one line. ".repeat(4)}*/`,
    `export const plain = "${long}";`,
    `export const n = 7; // ${"a trailing comment after the code ".repeat(4)}`,
    `export const templ = (k: number) => \`${long} k = \${k}, k² = \${k * k}; ${long}\`;`,
    `export const minified = "${minified}";`,
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
    const literals = [`"${long}"`, `"${minified}"`, `\`${long} k = \${k}, k² = \${k * k}; ${long}\``];
    for (const literal of literals) assert.ok(r.text.includes(literal), `${literal.slice(0, 40)}… is one literal`);
    assert.ok(over.length >= 4, "the long strings stay on long lines");
    for (const l of over)
      assert.ok(
        literals.some((literal) => l.includes(literal)),
        `only a line with a string is over the width: ${l}`,
      );
    const run = (source: string) => {
      const e = exportsOf(source);
      return [e.plain, e.n, (e.templ as (k: number) => string)(3), e.minified, e.length];
    };
    assert.deepEqual(run(r.text), run(text));
    assert.match(r.text, /\/\/ a trailing comment/, "the trailing comment is kept");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("joinStrings makes literals split with + one literal, the values unchanged", () => {
  const text = [
    'export const plain = "a long message " + "that was split " + "in three";',
    'export const mixed = (k: number) => `k = ${k}, ` + \'it\\\'s "quoted", `ticked` and ${not} a slot\' + ("!");',
    'export const tail = (x: number) => x + 1 + " items, " + "counted";',
    'export const head = (x: number) => "items: " + "counted " + x + 1;',
    'export const nested = `a${"b" + "c"}d` + "e";',
    'export const parts = ["one " + "two", "three"];',
    'export const kept = "a" + /* a reason */ "b";',
    "export const code = (x: number) => x + 1;",
    "",
  ].join("\n");
  const r = joinText("example.ts", text);
  assert.equal(r.count, 7);
  const lines = r.text.split("\n");
  assert.equal(lines[0], 'export const plain = "a long message that was split in three";');
  assert.equal(lines[2], 'export const tail = (x: number) => x + 1 + " items, counted";');
  assert.equal(lines[3], 'export const head = (x: number) => "items: counted " + x + 1;');
  assert.equal(lines[4], 'export const nested = `a${"bc"}de`;');
  assert.equal(lines[6], text.split("\n")[6], "a comment between the pieces keeps them apart");
  assert.equal(lines[7], text.split("\n")[7]);
  assert.doesNotMatch(lines[1], /\+/);
  const values = (source: string) => {
    const e = exportsOf(source);
    return [
      e.plain,
      (e.mixed as (k: number) => string)(3),
      (e.tail as (x: number) => string)(2),
      (e.head as (x: number) => string)(2),
      e.nested,
      JSON.stringify(e.parts),
      e.kept,
    ];
  };
  assert.deepEqual(values(r.text), values(text));
  assert.deepEqual(joinText("example.ts", r.text), { text: r.text, count: 0 }, "a second run changes nothing");
});
