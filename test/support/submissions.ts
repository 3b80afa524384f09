// Synthetic homework submissions (the released notebook with some solutions filled in, some broken),
// for the grading tests and the bench's grade_class.
import { Cell, gradeIdOf, linesForSource, Notebook, sourceOf } from "../../scripts/homework/notebook";
import { Master } from "../../scripts/homework/grading/masters";

export type Edit = (nb: Notebook) => void;

export function cellById(nb: Notebook, gradeId: string): Cell {
  const c = nb.cells.find((x) => gradeIdOf(x) === gradeId);
  if (!c) throw new Error(`no cell ${gradeId}`);
  return c;
}

export function setSource(c: Cell, text: string): void {
  c.source = linesForSource(text);
}

/** The master's solution of exercise `id` ("hw03-ex3"), markers and all (they are comments). */
export function solutionOf(master: Master, id: string): string {
  return sourceOf(cellById(master.nb, `${id}-solution`));
}

/** A submission: the student version with some solutions filled in (from the master) and some edits. */
export function submission(master: Master, solved: string[], ...edits: Edit[]): Notebook {
  const nb = JSON.parse(JSON.stringify(master.released)) as Notebook;
  for (const id of solved) setSource(cellById(nb, `${id}-solution`), solutionOf(master, id));
  for (const e of edits) e(nb);
  return nb;
}

/** The ways a solution cell is handed in (grade_class mixes them). */
export type Kind = "right" | "wrong" | "stub" | "throws" | "loop" | "exit" | "top-loop";

/** Exercise `id`'s solution cell as a student of that kind writes it (built from the master's solution). */
export function solutionOfKind(master: Master, id: string, kind: Kind): string | null {
  const right = solutionOf(master, id);
  const body = (text: string) => right.replace(/\/\/ BEGIN SOLUTION[\s\S]*?\/\/ END SOLUTION/, text);
  switch (kind) {
    case "right":
      return right;
    case "stub":
      return null;
    case "wrong":
      return body("return null as any; // a wrong answer");
    case "throws":
      return body('throw new Error("oops");');
    case "loop": // an endless loop inside the function: cut off per call by the check
      return body("while (true) {}");
    case "exit": // process.exit at the cell's top level: the kernel dies
      return `${right}\nprocess.exit(1);`;
    case "top-loop": // an endless loop at the cell's top level: the cell's time limit
      return `${right}\nwhile (true) {}`;
  }
}

/** A submission with each exercise's solution of the given kind (missing: the stub). */
export function submissionOfKinds(master: Master, kinds: Record<string, Kind>): Notebook {
  return submission(master, [], (nb) => {
    for (const [id, kind] of Object.entries(kinds)) {
      const text = solutionOfKind(master, id, kind);
      if (text !== null) setSource(cellById(nb, `${id}-solution`), text);
    }
  });
}
