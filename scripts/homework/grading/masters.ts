// The masters: each master notebook, its released (student) version, and its graded exercises (one per check cell).
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import * as fs from "node:fs";
import {
  listMasters,
  mastersDir,
  nbgraderOf,
  Notebook,
  readNotebook,
  releaseNotebook,
  sourceOf,
  stemOf,
} from "../notebook";

export interface Exercise {
  /** The exercise ids the check cell checks ("hw01-ex1"), joined with "+" when several. */
  name: string;
  gradeId: string;
  /** Index of the check cell in the master. */
  cell: number;
  points: number;
  visible: string[];
  hidden: string[];
  /** The seed of each hidden check (from `hw.checkHidden(id, fn, { seed: N })` in the master). */
  seeds: Record<string, number>;
}

export interface Master {
  file: string;
  name: string;
  nb: Notebook;
  released: Notebook;
  exercises: Exercise[];
  /** For each cell of the master: the index in `exercises` of the exercise it belongs to (the next check cell), or -1. */
  owner: number[];
}

function idsCalled(text: string, fn: "check" | "checkHidden"): string[] {
  const re = new RegExp(`\\bhw\\.${fn}\\(\\s*["'\`]([^"'\`]+)["'\`]`, "g");
  return [...text.matchAll(re)].map((m) => m[1]);
}

function hiddenSeeds(text: string): Record<string, number> {
  const re = /\bhw\.checkHidden\(\s*["'`]([^"'`]+)["'`][^)]*?seed\s*:\s*(\d+)/g;
  return Object.fromEntries([...text.matchAll(re)].map((m) => [m[1], Number(m[2])]));
}

export function loadMaster(file: string): Master {
  const nb = readNotebook(file);
  const name = stemOf(file);
  const released = releaseNotebook(nb, name);
  const exercises: Exercise[] = [];
  nb.cells.forEach((cell, i) => {
    const meta = nbgraderOf(cell);
    if (!meta?.grade || cell.cell_type !== "code") return; // Markdown answers are marked by hand (grading/written.ts)
    const text = sourceOf(cell);
    const visible = idsCalled(text, "check");
    const hidden = idsCalled(text, "checkHidden");
    const ids = [...new Set([...visible, ...hidden])];
    exercises.push({
      name: ids.join("+") || meta.grade_id || `cell ${i + 1}`,
      gradeId: meta.grade_id ?? `cell-${i + 1}`,
      cell: i,
      points: Number(meta.points ?? 0),
      visible,
      hidden,
      seeds: hiddenSeeds(text),
    });
  });
  const owner = nb.cells.map((_, i) => exercises.findIndex((e) => e.cell >= i));
  return { file, name, nb, released, exercises, owner };
}

export function loadMasters(specs: string[]): Master[] {
  const files = specs.length
    ? specs.flatMap((p) => (fs.existsSync(p) && fs.statSync(p).isDirectory() ? listMasters(p) : [p]))
    : listMasters(mastersDir);
  return files.map(loadMaster);
}
