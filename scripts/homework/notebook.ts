// Homework notebooks on disk: reading and writing .ipynb files, nbgrader metadata, and the
// release of a master (solution regions replaced by the stub, hidden tests removed, outputs cleared).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { readNotebookJson } from "../notebooks/notebookFile";

export interface NbgraderMeta {
  grade?: boolean;
  solution?: boolean;
  locked?: boolean;
  grade_id?: string;
  points?: number;
  schema_version?: number;
  [key: string]: unknown;
}

export interface Cell {
  cell_type: string;
  id?: string;
  metadata: { nbgrader?: NbgraderMeta; [key: string]: unknown };
  source: string | string[];
  outputs?: Output[];
  execution_count?: number | null;
  [key: string]: unknown;
}

export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: { [mime: string]: unknown };
  ename?: string;
  evalue?: string;
  [key: string]: unknown;
}

export interface Notebook {
  cells: Cell[];
  metadata: { [key: string]: unknown; descent?: { homework?: string } };
  nbformat: number;
  nbformat_minor: number;
}

export const root = path.resolve(__dirname, "..", "..");
export const mastersDir = path.join(root, "notebooks", "homework-masters");
export const releaseDir = path.join(root, "build", "homework");

/** A notebook read from disk; a clear error names the file when it is not a notebook. */
export function readNotebook(file: string): Notebook {
  const nb = readNotebookJson<Notebook>(file);
  for (const c of nb.cells) c.metadata = c.metadata ?? {};
  nb.metadata = nb.metadata ?? {};
  return nb;
}

/** Written as the course writes notebooks (one-space indent, final newline). */
export function writeNotebook(file: string, nb: Notebook): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(nb, null, 1) + "\n");
}

export function sourceOf(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : (cell.source ?? "");
}

/** Source as a list of lines, each but the last ending in "\n" (the form Jupyter writes). */
export function linesForSource(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  return lines
    .map((l, i) => (i < lines.length - 1 ? l + "\n" : l))
    .filter((l, i) => !(i === lines.length - 1 && l === ""));
}

export function nbgraderOf(cell: Cell): NbgraderMeta | null {
  const m = cell.metadata?.nbgrader;
  return m && typeof m === "object" ? m : null;
}

export function gradeIdOf(cell: Cell): string | null {
  const m = nbgraderOf(cell);
  return m && typeof m.grade_id === "string" ? m.grade_id : null;
}

const BEGIN_SOLUTION = /^\s*(?:\/\/+|#+)?\s*BEGIN SOLUTION\s*$/;
const END_SOLUTION = /^\s*(?:\/\/+|#+)?\s*END SOLUTION\s*$/;
const BEGIN_HIDDEN = /^\s*(?:\/\/+|#+)?\s*BEGIN HIDDEN TESTS\s*$/;
const END_HIDDEN = /^\s*(?:\/\/+|#+)?\s*END HIDDEN TESTS\s*$/;

/** What a released solution region becomes (code cells; markdown cells get "YOUR ANSWER HERE"). */
export function stubLines(indent: string): string[] {
  return [`${indent}// YOUR CODE HERE`, `${indent}throw new hw.NotDoneYet();`];
}

/** The lines inside solution and hidden-test regions (markers excluded), for tests that look for leaks. */
export function secretLines(text: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split("\n")) {
    if (BEGIN_SOLUTION.test(line) || BEGIN_HIDDEN.test(line)) inside = true;
    else if (END_SOLUTION.test(line) || END_HIDDEN.test(line)) inside = false;
    else if (inside) out.push(line);
  }
  return out;
}

/**
 * The secret lines of a master worth looking for in anything made from it: inside a solution or
 * hidden-test region, not also outside those regions, and not blank or punctuation only.
 */
export function leakCandidates(master: Notebook): string[] {
  const secret = new Set(secretLines(master.cells.map(sourceOf).join("\n")).map((l) => l.trim()));
  for (const c of master.cells)
    for (const l of releaseText(sourceOf(c), c.cell_type, "x").split("\n")) secret.delete(l.trim());
  return [...secret].filter((l) => l !== "" && !/^[{}()[\];,\s]*$/.test(l));
}

/**
 * The student's text of one cell: each BEGIN/END SOLUTION region replaced by the stub (indented
 * like its BEGIN marker), each BEGIN/END HIDDEN TESTS region removed. `where` names the cell in errors.
 */
export function releaseText(text: string, cellType: string, where: string): string {
  const out: string[] = [];
  let region: "solution" | "hidden" | null = null;
  let startLine = 0;
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const n = i + 1;
    if (BEGIN_SOLUTION.test(line) || BEGIN_HIDDEN.test(line)) {
      if (region)
        throw new Error(
          `${where}, line ${n}: "${line.trim()}" inside the ${region} region opened on line ${startLine}`,
        );
      region = BEGIN_SOLUTION.test(line) ? "solution" : "hidden";
      startLine = n;
      if (region === "solution") {
        const indent = /^\s*/.exec(line)![0];
        out.push(...(cellType === "code" ? stubLines(indent) : [`${indent}YOUR ANSWER HERE`]));
      }
      return;
    }
    if (END_SOLUTION.test(line) || END_HIDDEN.test(line)) {
      const kind = END_SOLUTION.test(line) ? "solution" : "hidden";
      if (region !== kind) throw new Error(`${where}, line ${n}: "${line.trim()}" without a matching BEGIN`);
      region = null;
      return;
    }
    if (!region) out.push(line);
  });
  if (region) throw new Error(`${where}: the ${region} region opened on line ${startLine} is never closed`);
  return out.join("\n");
}

// nbgrader's view of a cell (nbgrader 0.9.5, utils.py), so that the release marks cells as
// `nbgrader generate_assignment` does.
const isGrade = (c: Cell): unknown => nbgraderOf(c)?.grade ?? false;
const isSolution = (c: Cell): unknown => nbgraderOf(c)?.solution ?? false;
/** utils.is_locked: a solution cell is not, a grade cell is, any other nbgrader cell when it says so. */
function isLocked(c: Cell): unknown {
  if (!nbgraderOf(c)) return false;
  if (isSolution(c)) return false;
  if (isGrade(c)) return true;
  return nbgraderOf(c)?.locked ?? false;
}
/** Python's str() of a bool and of a float (5 → "5.0"). */
const pyStr = (v: unknown): string => (v === true ? "True" : v === false ? "False" : String(v));
const pyFloat = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));

/**
 * nbgrader's utils.compute_checksum: md5 of the source, the cell type, is_grade, is_solution,
 * is_locked, the grade id and (grade cells) the points as a float.
 */
export function nbgraderChecksum(cell: Cell): string {
  const m = createHash("md5");
  m.update(sourceOf(cell), "utf8");
  m.update(cell.cell_type, "utf8");
  m.update(pyStr(isGrade(cell)));
  m.update(pyStr(isSolution(cell)));
  m.update(pyStr(isLocked(cell)));
  m.update(String(nbgraderOf(cell)?.grade_id ?? ""), "utf8");
  if (isGrade(cell)) m.update(pyFloat(Number(nbgraderOf(cell)?.points)));
  return m.digest("hex");
}

/**
 * The cell metadata `nbgrader generate_assignment` writes, with LockCells' defaults (solution,
 * grade and read-only cells locked) and ComputeChecksums: solution cells undeletable; grade and
 * read-only cells undeletable and uneditable (a cell both solution and grade stays editable);
 * every grade, solution or locked cell gets its checksum and cell_type.
 */
export function nbgraderLocks(cell: Cell): Cell {
  const metadata = { ...cell.metadata };
  if (isSolution(cell) && isGrade(cell)) metadata.deletable = false;
  else if (isSolution(cell)) metadata.deletable = false;
  else if (isGrade(cell)) Object.assign(metadata, { deletable: false, editable: false });
  else if (isLocked(cell)) Object.assign(metadata, { deletable: false, editable: false });
  const out: Cell = { ...cell, metadata };
  if (isGrade(cell) || isSolution(cell) || isLocked(cell)) {
    metadata.nbgrader = { ...nbgraderOf(cell), checksum: nbgraderChecksum(out), cell_type: cell.cell_type };
  }
  return out;
}

/** The stem of a master's file name ("01-perceptron"). */
export function stemOf(file: string): string {
  return path.basename(file).replace(/\.ipynb$/, "");
}

/**
 * The student version of a master: solutions replaced by the stub, hidden tests removed, outputs
 * and execution counts cleared, nbgrader metadata kept and completed as nbgrader's LockCells and
 * ComputeChecksums complete it; metadata.descent.homework names the master.
 */
export function releaseNotebook(master: Notebook, name: string): Notebook {
  const cells = master.cells.map((cell, i) => {
    const where = `${name}: cell ${i + 1}${gradeIdOf(cell) ? ` (${gradeIdOf(cell)})` : ""}`;
    const text = releaseText(sourceOf(cell), cell.cell_type, where);
    const metadata = { ...cell.metadata };
    delete metadata.execution;
    delete metadata.ExecuteTime;
    const out: Cell = { ...cell, metadata, source: linesForSource(text) };
    if (cell.cell_type === "code") {
      out.outputs = [];
      out.execution_count = null;
    }
    return nbgraderLocks(out);
  });
  const metadata = { ...master.metadata, descent: { ...(master.metadata.descent ?? {}), homework: name } };
  return { ...master, cells, metadata };
}

/** The masters: every .ipynb in `dir` (default notebooks/homework-masters/), sorted. */
export function listMasters(dir = mastersDir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Release every master to `outDir`; returns the files written. Writes only when the content changed. */
export function releaseAll(masters: string[], outDir = releaseDir): string[] {
  const written: string[] = [];
  for (const file of masters) {
    const name = stemOf(file);
    const student = releaseNotebook(readNotebook(file), name);
    const target = path.join(outDir, `${name}.ipynb`);
    const text = JSON.stringify(student, null, 1) + "\n";
    fs.mkdirSync(outDir, { recursive: true });
    if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== text) fs.writeFileSync(target, text);
    written.push(target);
  }
  return written;
}
