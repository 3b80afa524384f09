// tslab (the notebook kernel) turns the last expression statement of every file it compiles into
// `export const tsLastExpr = …`, in place; when that expression holds a function (a registration
// call such as `register((x) => …)`), its declaration emit then crashes on the cell
// `import * as d from "./src/index"` with "Cannot read properties of undefined (reading 'parent')".
// So no file in src/ may end in such a statement (end it with a declaration, or pass a named function).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

function holdsFunction(node: ts.Node): boolean {
  return (
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isClassExpression(node) ||
    ts.forEachChild(node, holdsFunction) === true
  );
}

test("no file in src/ ends in an expression statement that holds a function", () => {
  const root = path.join(__dirname, "..", "src");
  const files = sources(root);
  assert.ok(files.length > 20);
  for (const file of files) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    const last = [...sf.statements].reverse().find((s) => !ts.isExportDeclaration(s));
    const bad = last !== undefined && ts.isExpressionStatement(last) && holdsFunction(last);
    assert.ok(!bad, `${path.relative(root, file)} ends in ${last?.getText(sf).slice(0, 80)}`);
  }
  // the rule catches what crashed tslab
  const crashed = ts.createSourceFile(
    "x.ts",
    "registerBatchSource((X, y, B) => make(X, y, B));",
    ts.ScriptTarget.ES2022,
    true,
  );
  assert.ok(holdsFunction(crashed.statements[0]));
});
