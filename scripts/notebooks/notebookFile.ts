// Reading a notebook file, shared by the book/slides builder (scripts/book/notebookHtml.ts) and the
// homework tools (scripts/homework/notebook.ts).
import * as fs from "node:fs";

/** A notebook's JSON read from disk; a clear error names the file when it is not a notebook. */
export function readNotebookJson<T extends { cells: unknown[] }>(file: string): T {
  let nb: T;
  try {
    nb = JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch (e) {
    throw new Error(`${file}: not a readable notebook (${(e as Error).message})`);
  }
  if (!nb || !Array.isArray(nb.cells)) throw new Error(`${file}: not a notebook (no "cells" array, as nbformat 4 has)`);
  return nb;
}

interface SourceCell {
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}
/**
 * Whether a cell is for the lecturer only: speaker notes (slide type "notes") or the answer to a question for
 * the room (tag "answer"). The book's student edition and the student edition of the course leave them out.
 */
export function lecturerOnly(cell: SourceCell): boolean {
  const m = cell.metadata as { slideshow?: { slide_type?: string }; tags?: unknown } | undefined;
  const answer = Array.isArray(m?.tags) && m.tags.includes("answer");
  return cell.cell_type === "markdown" && (m?.slideshow?.slide_type === "notes" || answer);
}

/** A cell's source as one string (nbformat allows a string or a list of lines). */
export const text = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join("") : s ?? "");

/**
 * The source notebook with the outputs of its executed copy (as `npm run nb` or the notebook tests
 * write it to build/notebooks/), or the reason the copy cannot serve: missing, or a cell's type or
 * code differs. Metadata (slides, nbgrader) is the source's, so metadata edits need no re-run.
 */
export function withOutputsOf<T extends { cells: SourceCell[] }>(sourceFile: string, executedFile: string): { notebook: T } | { stale: string } {
  if (!fs.existsSync(executedFile)) return { stale: `${executedFile} does not exist` };
  const source = readNotebookJson<T>(sourceFile);
  const executed = readNotebookJson<T>(executedFile);
  if (source.cells.length !== executed.cells.length) return { stale: `${executedFile} has ${executed.cells.length} cells, ${sourceFile} ${source.cells.length}` };
  for (let i = 0; i < source.cells.length; i++) {
    const a = source.cells[i], b = executed.cells[i];
    if (a.cell_type !== b.cell_type || text(a.source) !== text(b.source)) return { stale: `${executedFile}: cell ${i + 1} differs from ${sourceFile}` };
  }
  source.cells.forEach((c, i) => {
    if (c.cell_type !== "code") return;
    c.outputs = executed.cells[i].outputs ?? [];
    c.execution_count = executed.cells[i].execution_count ?? null;
  });
  return { notebook: source };
}
