// Reading a notebook file, shared by the book/slides builder (scripts/notebook-html.ts) and the
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
