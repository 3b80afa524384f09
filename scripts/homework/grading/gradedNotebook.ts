// Building the graded notebook: the master's cells with the student's solution cells only.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import { Cell, gradeIdOf, nbgraderOf, Notebook } from "../notebook";
import { Master } from "./masters";

/**
 * The master's cells (with hidden tests) with each solution cell's source taken from the student
 * (first cell of that grade_id and type), or the released stub when missing; `stubbed` lists
 * exercises whose solutions are replaced by the stub (after a crash or a timeout).
 */
export function gradedNotebook(master: Master, student: Notebook | null, stubbed: Set<number> = new Set()): Notebook {
  const cells = master.nb.cells.map((mc, i) => {
    const copy: Cell = JSON.parse(JSON.stringify(mc)) as Cell;
    if (copy.cell_type === "code") {
      copy.outputs = [];
      copy.execution_count = null;
    }
    const meta = nbgraderOf(mc);
    const g = gradeIdOf(mc);
    if (meta?.solution && g) {
      const theirs = student?.cells.find((c) => gradeIdOf(c) === g && c.cell_type === mc.cell_type);
      const stub = master.released.cells[i].source;
      copy.source = theirs && !stubbed.has(master.owner[i]) ? theirs.source : stub;
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
