// Building the graded notebook: the master's cells with the student's solution cells only.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import * as ts from "typescript";
import { Cell, gradeIdOf, nbgraderOf, Notebook, sourceOf } from "../notebook";
import { Master } from "./masters";

/** The id and the function name exercise e's check cell checks (`hw.check("hw03-ex2", softmax)`), or null. */
export function checkedFunction(master: Master, e: number): { id: string; name: string } | null {
  const check = sourceOf(master.nb.cells[master.exercises[e].cell]);
  const called = /\bhw\.check(?:Hidden)?\(\s*["'`]([^"'`]+)["'`]\s*,\s*([A-Za-z_$][\w$]*)\s*[,)]/.exec(check);
  return called ? { id: called[1], name: called[2] } : null;
}

/**
 * The exercises before cell `index` whose functions that cell calls (by name): the suspects when a cell
 * of the course's own (a demo that runs the students' functions) runs out of time or kills the kernel.
 */
export function exercisesCalledIn(master: Master, index: number, source: string): number[] {
  return master.exercises
    .map((ex, e) => ({ e, f: ex.cell < index ? checkedFunction(master, e) : null }))
    .filter(({ f }) => f !== null && new RegExp(`(^|[^\\w$.])${f.name.replace(/\$/g, "\\$")}\\s*\\(`).test(source))
    .map(({ e }) => e);
}

/** The index of exercise `e`'s solution cell (a code cell) in the master, or -1. */
export function solutionCellOf(master: Master, e: number): number {
  return master.nb.cells.findIndex(
    (c, k) => master.owner[k] === e && nbgraderOf(c)?.solution && c.cell_type === "code",
  );
}

/**
 * Does this cell's code declare nothing that outlives it: no declaration, import or export at its top
 * level and no `var` anywhere (a `var` in a block is the cell's)? Then tslab passes nothing of it on to
 * the cells after it.
 */
export function declaresNothing(source: string): boolean {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const outlives = (s: ts.Statement) =>
    ts.isVariableStatement(s) ||
    ts.isFunctionDeclaration(s) ||
    ts.isClassDeclaration(s) ||
    ts.isInterfaceDeclaration(s) ||
    ts.isTypeAliasDeclaration(s) ||
    ts.isEnumDeclaration(s) ||
    ts.isModuleDeclaration(s) ||
    ts.isImportDeclaration(s) ||
    ts.isImportEqualsDeclaration(s) ||
    ts.isExportDeclaration(s) ||
    ts.isExportAssignment(s);
  let hasVar = false;
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclarationList(n) && (n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0) hasVar = true;
    if (!hasVar) ts.forEachChild(n, visit);
  };
  visit(file);
  return !hasVar && !file.statements.some(outlives);
}

interface Demos {
  /** Demo cells the grader runs, each with the exercises it calls. */
  run: Map<number, number[]>;
  /** Demo cells it does not run (they declare nothing: looks at the student's results). */
  skipped: Set<number>;
}
const demos = new WeakMap<Master, Demos>();

function demosOf(master: Master): Demos {
  let found = demos.get(master);
  if (!found) {
    const student = new Set(studentCells(master));
    found = { run: new Map(), skipped: new Set() };
    for (const [i, c] of master.nb.cells.entries()) {
      if (c.cell_type !== "code" || student.has(i)) continue;
      const called = exercisesCalledIn(master, i, sourceOf(c));
      if (!called.length) continue;
      if (declaresNothing(sourceOf(c))) found.skipped.add(i);
      else found.run.set(i, called);
    }
    demos.set(master, found);
  }
  return found;
}

/**
 * The cells of the course's that call students' functions (demos) and that the grader runs (they declare
 * something later cells may use), each with the exercises it calls (exercisesCalledIn), by cell index;
 * worked out once per master.
 */
export function demoCells(master: Master): Map<number, number[]> {
  return demosOf(master).run;
}

/**
 * The demo cells the grader does not run: looks at the student's results (hw07's training curve, hw04's
 * templates) that declare nothing (declaresNothing), so no later cell depends on them and no mark comes
 * from them; the student's own notebook shows their output. (About 40 % of the kernels' time in cells went
 * into them; and a function that loops in one no longer stops a run.)
 */
export function skippedAtGrading(master: Master): Set<number> {
  return demosOf(master).skipped;
}

/** What a skipped demo cell holds in the graded notebook. */
export const SKIPPED_LOOK =
  "// A look at your results (a cell of the course's): not run at grading, which needs only the checks; your own notebook shows it.\n";

/**
 * After exercise `e`'s solution cell stopped the kernel at its top level, the cell the rerun runs in
 * its place: the released stub's declaration with `throw new hw.NotDoneYet();` replaced by a call to
 * the grader's reference (src/homework/byGrader.ts), so later exercises that call the function are
 * graded on their own work. Null (the plain stub is used) unless the stub has exactly one
 * `throw new hw.NotDoneYet()` and declares the function the check cell checks (`hw.check(id, name)`).
 */
export function servedByGrader(master: Master, e: number): { id: string; source: string } | null {
  const f = checkedFunction(master, e);
  const i = solutionCellOf(master, e);
  if (!f || i < 0) return null;
  const { id, name } = f;
  const stub = sourceOf(master.released.cells[i]);
  const throws = stub.match(/throw new hw\.NotDoneYet\(\);/g) ?? [];
  if (throws.length !== 1 || !new RegExp(`\\bfunction\\s+${name.replace(/\$/g, "\\$")}\\s*[(<]`).test(stub))
    return null;
  const note = `// Graded in an earlier run, which ${name} stopped (here or in a cell that calls it). Later exercises use the grader's ${name}.\n`;
  return {
    id,
    source:
      note +
      stub.replace(/throw new hw\.NotDoneYet\(\);/, `return hw.byGrader(${JSON.stringify(id)}, arguments) as any;`),
  };
}

/**
 * The master's cells (with hidden tests) with each solution cell's source taken from the student
 * (first cell of that grade_id and type), or the released stub when missing, and the looks at the
 * student's results not run (skippedAtGrading); `stubbed` lists
 * exercises whose solutions are replaced by the stub (after a crash or a timeout); `served`, those of
 * them whose function the grader computes instead (servedByGrader); their check cells are not run again.
 */
export function gradedNotebook(
  master: Master,
  student: Notebook | null,
  stubbed: Set<number> = new Set(),
  served: Set<number> = new Set(),
): Notebook {
  const skipped = skippedAtGrading(master);
  const cells = master.nb.cells.map((mc, i) => {
    const copy: Cell = JSON.parse(JSON.stringify(mc)) as Cell;
    if (copy.cell_type === "code") {
      copy.outputs = [];
      copy.execution_count = null;
      if (skipped.has(i)) copy.source = SKIPPED_LOOK;
    }
    const meta = nbgraderOf(mc);
    const g = gradeIdOf(mc);
    if (meta?.solution && g) {
      const theirs = student?.cells.find((c) => gradeIdOf(c) === g && c.cell_type === mc.cell_type);
      const stub = master.released.cells[i].source;
      copy.source = theirs && !stubbed.has(master.owner[i]) ? theirs.source : stub;
      const byGrader = served.has(master.owner[i]) ? servedByGrader(master, master.owner[i]) : null;
      if (byGrader && copy.cell_type === "code") copy.source = byGrader.source;
    } else if (meta?.grade && served.has(master.owner[i]) && master.exercises[master.owner[i]]?.cell === i) {
      copy.source = `// ${master.exercises[master.owner[i]].name}: graded in an earlier run (its solution cell stopped the kernel).\n`;
    }
    return copy;
  });
  return { ...master.nb, cells, metadata: { ...master.nb.metadata } };
}

/** The cells a student's code runs in: solution cells and check cells. */
export function studentCells(master: Master): number[] {
  return master.nb.cells
    .map((c, i) => (nbgraderOf(c)?.solution || nbgraderOf(c)?.grade ? i : -1))
    .filter((i) => i >= 0);
}
