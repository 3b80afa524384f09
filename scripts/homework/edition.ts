// The student edition: a complete course for students, written by `npm run release` to build/student/
// (a folder that can be committed as the students' own repository, or pulled by a class server).
//   - chapters (notebooks/*.ipynb), data/, the set-up and kernel scripts, package.json, so that
//     `npm start` works there; no homework masters, no grader (scripts/homework/), no tests;
//   - notebooks/homework/: the released homework (solutions stubbed, hidden tests removed);
//   - src/ with the exercise files stripped of everything secret: each `exercise({...})` keeps its
//     id, title and how it compares (compare, output, tolerance) and takes its visible cases, expected
//     outputs and known mistakes' outputs from a fixture (src/homework/fixtures/<id>.json, made here
//     from the lecturer's exercises); references, case generators, hidden cases, mistake functions and
//     whatever only they used are removed from the file.
// Re-releasing into the same folder keeps its .git (the students' repository) and replaces the rest.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { getExercise } from "../../src/homework/check";
import { Blobs, Fixture, makeFixture, writeFixtures } from "../../src/homework/fixtures";
import "../../src/homework/index";
import { lecturerOnly } from "../notebooks/notebookFile";
import { listMasters, readNotebook, releaseNotebook, root, stemOf, writeNotebook } from "./notebook";

export const editionDir = path.join(root, "build", "student");

/** What an exercise spec holds that students must not have (the fixture replaces the visible part). */
export const SECRET_KEYS = ["reference", "cases", "hidden", "mistakes", "seed"];

/** The exercise files: src/homework/exercises/**.ts except the index that imports them. */
const EXERCISES = path.join("src", "homework", "exercises");

function relImport(fromFile: string, target: string): string {
  let r = path.relative(path.dirname(fromFile), target).split(path.sep).join("/");
  if (!r.startsWith(".")) r = "./" + r;
  return r;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
}

/** The `exercise({...})` calls of a file, with their object literal and id. */
function exerciseCalls(sf: ts.SourceFile): { obj: ts.ObjectLiteralExpression; id: string }[] {
  const out: { obj: ts.ObjectLiteralExpression; id: string }[] = [];
  const visit = (n: ts.Node): void => {
    if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === "exercise" &&
      n.arguments.length === 1
    ) {
      const obj = n.arguments[0];
      if (!ts.isObjectLiteralExpression(obj))
        throw new Error(`${sf.fileName}: exercise(...) must be given an object literal`);
      const idProp = obj.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === "id");
      if (!idProp || !ts.isPropertyAssignment(idProp) || !ts.isStringLiteral(idProp.initializer)) {
        throw new Error(
          `${sf.fileName}, line ${sf.getLineAndCharacterOfPosition(obj.getStart()).line + 1}: exercise({...}) needs id: "hwNN-exK" as a string literal`,
        );
      }
      out.push({ obj, id: idProp.initializer.text });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Does the statement call exercise(...) (so it registers an exercise, whatever it declares)? */
function registers(s: ts.Node): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "exercise") found = true;
    else ts.forEachChild(n, visit);
  };
  visit(s);
  return found;
}

/** Names a top-level statement declares (imports: per specifier, handled apart). */
function declaredNames(s: ts.Statement): string[] {
  if (
    ts.isFunctionDeclaration(s) ||
    ts.isClassDeclaration(s) ||
    ts.isInterfaceDeclaration(s) ||
    ts.isTypeAliasDeclaration(s) ||
    ts.isEnumDeclaration(s)
  ) {
    return s.name ? [s.name.text] : [];
  }
  if (ts.isVariableStatement(s)) {
    const names: string[] = [];
    const bind = (b: ts.BindingName): void => {
      if (ts.isIdentifier(b)) names.push(b.text);
      else for (const e of b.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
    };
    for (const d of s.declarationList.declarations) bind(d.name);
    return names;
  }
  return [];
}

/** Identifiers used as references (not property names after a dot or before a colon), with positions. */
function references(sf: ts.SourceFile): { name: string; pos: number }[] {
  const out: { name: string; pos: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isName =
        (ts.isPropertyAccessExpression(p) && p.name === n) ||
        (ts.isPropertyAssignment(p) && p.name === n) ||
        ((ts.isPropertySignature(p) ||
          ts.isPropertyDeclaration(p) ||
          ts.isMethodDeclaration(p) ||
          ts.isMethodSignature(p)) &&
          p.name === n) ||
        ts.isImportSpecifier(p) ||
        ts.isNamespaceImport(p) ||
        ts.isImportClause(p);
      if (!isName) out.push({ name: n.text, pos: n.getStart() });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** One pass of removing top-level declarations and imports that nothing else in the file uses (nor `keep`: names other files import). */
function shakeOnce(file: string, text: string, keep: Set<string> = new Set()): string {
  const sf = parse(file, text);
  const refs = references(sf);
  const usedOutside = (name: string, node: ts.Node): boolean =>
    refs.some((r) => r.name === name && (r.pos < node.getStart() || r.pos >= node.end));
  const edits: Edit[] = [];
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      if (!clause) continue; // import "./x": a side effect
      const names: string[] = [];
      if (clause.name) names.push(clause.name.text);
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.push(nb.name.text);
      const specs = nb && ts.isNamedImports(nb) ? nb.elements : ts.factory.createNodeArray<ts.ImportSpecifier>([]);
      const keptSpecs = specs.filter((e) => usedOutside(e.name.text, s));
      const keptOthers = names.filter((n) => usedOutside(n, s));
      if (keptSpecs.length === specs.length && keptOthers.length === names.length) continue;
      if (keptSpecs.length === 0 && keptOthers.length === 0) {
        edits.push({ start: s.getFullStart(), end: s.end, text: "" });
        continue;
      }
      const parts: string[] = [];
      if (clause.name && keptOthers.includes(clause.name.text)) parts.push(clause.name.text);
      if (nb && ts.isNamespaceImport(nb) && keptOthers.includes(nb.name.text)) parts.push(`* as ${nb.name.text}`);
      if (keptSpecs.length) parts.push(`{ ${keptSpecs.map((e) => e.getText()).join(", ")} }`);
      edits.push({
        start: s.getStart(),
        end: s.end,
        text: `import ${clause.isTypeOnly ? "type " : ""}${parts.join(", ")} from ${s.moduleSpecifier.getText()};`,
      });
      continue;
    }
    const names = declaredNames(s);
    if (
      names.length &&
      names.every((n) => !usedOutside(n, s) && !keep.has(n) && n !== "FROM_FIXTURES") &&
      !registers(s)
    )
      edits.push({ start: s.getFullStart(), end: s.end, text: "" });
  }
  return applyEdits(text, edits);
}

/**
 * The student edition of one exercise file, before shaking: every exercise({...}) without its
 * secret keys, taking them from its fixture instead. Returns the text and the ids it registers.
 */
function stripCalls(file: string, text: string, srcDir: string): { text: string; ids: string[] } {
  const sf = parse(file, text);
  const calls = exerciseCalls(sf);
  if (calls.length === 0) return { text, ids: [] };
  const edits: Edit[] = [];
  for (const { obj, id } of calls) {
    for (const p of obj.properties) {
      const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
      if (name && SECRET_KEYS.includes(name)) {
        const comma = /^\s*,/.exec(text.slice(p.end));
        edits.push({ start: p.getFullStart(), end: p.end + (comma ? comma[0].length : 0), text: "" });
      }
      if (ts.isSpreadAssignment(p))
        throw new Error(
          `${file}: exercise "${id}" spreads another object into its spec; name each key so the edition can drop the secret ones`,
        );
    }
    edits.push({
      start: obj.getStart() + 1,
      end: obj.getStart() + 1,
      text: `\n  ...fromFixture(${JSON.stringify(id)}),`,
    });
  }
  let out = applyEdits(text, edits);
  const fixtures = relImport(file, path.join(srcDir, "homework", "fixtures"));
  out = `import { fromFixture } from "${fixtures}";\n` + out;
  // tslab rewrites a file's last expression statement: end with a declaration.
  out =
    out.replace(/\s*$/, "\n") +
    `\n/** Student edition: this file's checks come from fixtures (src/homework/fixtures/). */\nconst FROM_FIXTURES: readonly string[] = ${JSON.stringify(calls.map((c) => c.id))};\n`;
  return { text: out, ids: calls.map((c) => c.id) };
}

/** Names each file imports by name from another file of the set (relative imports resolved to .ts files). */
function importedFrom(files: Map<string, string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    for (const s of parse(file, text).statements) {
      if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier)) continue;
      const spec = s.moduleSpecifier.text;
      if (!spec.startsWith(".")) continue;
      const base = path.resolve(path.dirname(file), spec);
      const target = [`${base}.ts`, path.join(base, "index.ts")].find((t) => files.has(t));
      const nb = s.importClause?.namedBindings;
      if (!target || !nb || !ts.isNamedImports(nb)) continue;
      const set = out.get(target) ?? new Set<string>();
      for (const e of nb.elements) set.add((e.propertyName ?? e.name).text);
      out.set(target, set);
    }
  }
  return out;
}

/**
 * The student edition of the exercise files (absolute path → text): each exercise({...}) stripped
 * of its secret keys and given its fixture, then whatever no file uses any more removed (a name
 * another exercise file imports is kept). Returns the new texts and the ids registered.
 */
export function stripExerciseFiles(
  files: Map<string, string>,
  srcDir: string,
): { files: Map<string, string>; ids: string[] } {
  const out = new Map<string, string>();
  const ids: string[] = [];
  for (const [file, text] of files) {
    const r = stripCalls(file, text, srcDir);
    out.set(file, r.text);
    ids.push(...r.ids);
  }
  for (let round = 0; round < 50; round++) {
    const keep = importedFrom(out);
    let changed = false;
    for (const [file, text] of out) {
      if (path.basename(file) === "index.ts") continue;
      const next = shakeOnce(file, text, keep.get(file));
      if (next !== text) {
        out.set(file, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  // "./hw05" → "./hw05/index": tslab's module loader does not resolve a folder to its index.ts.
  for (const [file, text] of out) {
    out.set(
      file,
      text.replace(
        /((?:^|\n)\s*(?:import|export)\b[^;]*?["'])(\.{1,2}\/[^"']+)(["'])/g,
        (m, pre: string, spec: string, post: string) =>
          [...out.keys()].includes(path.join(path.resolve(path.dirname(file), spec), "index.ts"))
            ? `${pre}${spec}/index${post}`
            : m,
      ),
    );
  }
  // A file left with nothing (a helpers file only the references used) stays a module for `export * from`.
  for (const [file, text] of out) {
    const sf = parse(file, text);
    const exported = (st: ts.Statement): boolean =>
      ts.canHaveModifiers(st) && !!ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!sf.statements.some((st) => ts.isImportDeclaration(st) || ts.isExportDeclaration(st) || exported(st))) {
      out.set(
        file,
        text.replace(/\s*$/, "\n") +
          "// Student edition: what this file held is used by the references only (on the lecturer's side).\nexport {};\n",
      );
    }
  }
  return { files: out, ids };
}

/** Files of the lecturer's course that go into the edition (tracked or new, not ignored). */
function courseFiles(from: string): string[] {
  const r = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: from,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`edition: cannot list the course's files with git in ${from}: ${r.stderr}`);
  const keep = (f: string): boolean => {
    if (!fs.existsSync(path.join(from, f))) return false; // deleted, not yet committed
    if (f.startsWith("src/")) return f.endsWith(".ts") || f.endsWith(".js") || f.endsWith(".json");
    if (f.startsWith("data/")) return true;
    // the scripts npm start needs; not the grader (homework/), the book and slides, the tests, the class server
    if (f.startsWith("scripts/"))
      return (
        !/(^|\/)homework\//.test(f) && !/^(book|slides|reproduce|hub|test)(\/|[.-])/i.test(f.slice("scripts/".length))
      );
    if (/^notebooks\/[^/]+\.ipynb$/.test(f)) return true;
    return ["package.json", "package-lock.json", "tsconfig.json", ".gitignore"].includes(f);
  };
  return r.stdout.split("\0").filter((f) => f && keep(f));
}

/** A chapter notebook's JSON without its lecturer-only cells (same formatting as the committed notebooks). */
function withoutLecturerCells(json: string): string {
  const nb = JSON.parse(json) as { cells: Parameters<typeof lecturerOnly>[0][] };
  nb.cells = nb.cells.filter((c) => !lecturerOnly(c));
  return JSON.stringify(nb, null, 1) + "\n";
}

/** Empty `dir` but for its .git (the students' repository survives a new release). */
function clearKeepingGit(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir)) if (e !== ".git") fs.rmSync(path.join(dir, e), { recursive: true, force: true });
}

const STUDENT_README = `# Descent · student edition

Neural networks from scratch, in TypeScript Jupyter notebooks.

    npm start        # sets up what is missing (node modules, Jupyter, the kernel), then opens the course

The chapters are in \`notebooks/\`, your homework in \`notebooks/homework/\`. In a homework notebook,
write your code where it says \`// YOUR CODE HERE\`, run the cell, then run the check cell below it:
it runs your function on the visible cases and prints what is wrong, with a hint. When your work is
graded, hidden cases are added. Written questions are answered in the markdown cells that say
"YOUR ANSWER HERE".
`;

/** package.json of the edition: the lecturer's, with only the scripts a student uses. */
function studentPackage(text: string): string {
  const pkg = JSON.parse(text) as { scripts?: Record<string, string>; description?: string; name?: string };
  const scripts = pkg.scripts ?? {};
  pkg.scripts = Object.fromEntries(
    Object.entries(scripts).filter(([k]) => ["start", "setup", "typecheck", "nb", "kernel:install"].includes(k)),
  );
  pkg.name = `${pkg.name ?? "descent"}-student`;
  return JSON.stringify(pkg, null, 2) + "\n";
}

export interface EditionReport {
  dir: string;
  files: number;
  exercises: string[];
  /** Visible cases kept for grading only (their arguments cannot be saved), by exercise. */
  leftOut: { [id: string]: string[] };
}

/**
 * Write the student edition of the course at `from` to `outDir`, with the released homework of
 * `masters`. Every exercise file is stripped; every exercise it registers gets a fixture.
 */
export function buildEdition(outDir = editionDir, masters = listMasters(), from = root): EditionReport {
  const files = courseFiles(from);
  clearKeepingGit(outDir);
  fs.mkdirSync(outDir, { recursive: true });
  const srcDir = path.join(outDir, "src");
  const report: EditionReport = { dir: outDir, files: 0, exercises: [], leftOut: {} };
  const isExerciseFile = (f: string): boolean => f.startsWith(EXERCISES + "/") && f.endsWith(".ts");
  const stripped = stripExerciseFiles(
    new Map(
      files.filter(isExerciseFile).map((f) => [path.join(outDir, f), fs.readFileSync(path.join(from, f), "utf8")]),
    ),
    srcDir,
  );
  report.exercises.push(...stripped.ids);
  for (const f of files) {
    const target = path.join(outDir, f);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    let text: string | Buffer = fs.readFileSync(path.join(from, f));
    if (isExerciseFile(f)) text = stripped.files.get(target)!;
    else if (f === "package.json") text = studentPackage(text.toString("utf8"));
    // a chapter without the lecturer's speaker notes and the answers to the questions for the room
    else if (/^notebooks\/[^/]+\.ipynb$/.test(f)) text = withoutLecturerCells(text.toString("utf8"));
    // the students' repository keeps their homework; node_modules may be a link (a class server's shared install)
    else if (f === ".gitignore")
      text = text
        .toString("utf8")
        .replace(/^notebooks\/homework\/\n?/m, "")
        .replace(/^node_modules\/$/m, "node_modules");
    fs.writeFileSync(target, text);
    report.files++;
  }
  // Fixtures of every exercise the edition registers, from the lecturer's exercises.
  const blobs: Blobs = new Map();
  const fixtures: Fixture[] = [];
  for (const id of report.exercises) {
    const spec = getExercise(id);
    if (!spec) throw new Error(`edition: ${id} is in an exercise file but not registered on the lecturer's side`);
    const fx = makeFixture(spec, blobs);
    if (fx.leftOut.length) report.leftOut[id] = fx.leftOut;
    fixtures.push(fx);
  }
  writeFixtures(path.join(srcDir, "homework", "fixtures"), fixtures, blobs);
  // The released homework.
  for (const m of masters) {
    const name = stemOf(m);
    writeNotebook(path.join(outDir, "notebooks", "homework", `${name}.ipynb`), releaseNotebook(readNotebook(m), name));
    report.files++;
  }
  fs.writeFileSync(path.join(outDir, "README.md"), STUDENT_README);
  return report;
}

/** Every file of the edition (relative paths), for tests that search it. */
export function editionFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(path.join(dir, d), { withFileTypes: true })) {
      if (e.name === ".git" || e.name === "node_modules" || e.name === ".jupyter" || e.name === ".cache") continue;
      const rel = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else out.push(rel);
    }
  };
  walk("");
  return out.sort();
}

/**
 * What an exercise file holds that must never reach students, as code snippets: each exercise's
 * reference, hidden cases and known mistakes' functions (an identifier is followed to the
 * declaration it names in the file). For tests that search the edition.
 */
export function exerciseSecrets(file: string, text: string): { id: string; what: string; code: string }[] {
  const sf = parse(file, text);
  const decls = new Map<string, ts.Node>();
  for (const s of sf.statements) {
    if (ts.isFunctionDeclaration(s) && s.name && s.body) decls.set(s.name.text, s.body);
    if (ts.isVariableStatement(s))
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer) decls.set(d.name.text, d.initializer);
  }
  const codeOf = (e: ts.Expression): string =>
    ts.isIdentifier(e) && decls.has(e.text) ? decls.get(e.text)!.getText() : e.getText();
  const out: { id: string; what: string; code: string }[] = [];
  for (const { obj, id } of exerciseCalls(sf)) {
    for (const p of obj.properties) {
      if (!ts.isPropertyAssignment(p) || !ts.isIdentifier(p.name)) continue;
      const key = p.name.text;
      if (key === "reference" || key === "hidden") out.push({ id, what: key, code: codeOf(p.initializer) });
      if (key === "mistakes" && ts.isArrayLiteralExpression(p.initializer)) {
        p.initializer.elements.forEach((m, i) => {
          if (!ts.isObjectLiteralExpression(m)) return;
          for (const q of m.properties)
            if (ts.isPropertyAssignment(q) && ts.isIdentifier(q.name) && q.name.text === "answer")
              out.push({ id, what: `mistake ${i + 1}`, code: codeOf(q.initializer) });
        });
      }
    }
  }
  return out;
}
