// Notebook hygiene: committed without outputs, in the descent kernel, ending in a checks cell. The
// notebooks are read as git holds them: Jupyter saves outputs into a reader's working copy, and that
// must not fail the tests (a notebook git does not track yet is read from disk).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { CHAPTER, committedNotebook, courseNotebooks, sourceOf, trackedNotebooks } from "./support/notebooks";

const notebooks = courseNotebooks();

test("the course has notebooks, named NN-topic.ipynb", () => {
  assert.ok(notebooks.length > 0, "no notebooks in notebooks/");
  for (const nb of notebooks) assert.match(path.basename(nb), /^\d\d-[a-z0-9-]+\.ipynb$/, nb);
  // every notebook committed at the top of notebooks/ is a chapter (what a reader saves there is not)
  for (const nb of trackedNotebooks() ?? [])
    assert.match(path.basename(nb), CHAPTER, `${nb} is committed but not named NN-topic.ipynb`);
});

for (const nb of notebooks) {
  test(`${nb}: no outputs, descent kernel, plain Markdown, imports ./src/index, ends in a checks cell`, () => {
    const j = committedNotebook(nb);
    assert.equal(j.metadata.kernelspec?.name, "descent", `${nb}: kernelspec must be 'descent'`);
    j.cells.forEach((c, i) => {
      if (c.cell_type !== "code") return;
      assert.equal((c.outputs ?? []).length, 0, `${nb}: cell ${i + 1} is committed with outputs`);
      assert.ok(c.execution_count == null, `${nb}: cell ${i + 1} is committed with an execution count`);
      // tslab cannot resolve a directory import at run time: it must name ./src/index.
      assert.doesNotMatch(
        sourceOf(c),
        /from\s+["']\.\/src["']/,
        `${nb}: cell ${i + 1} imports "./src"; use "./src/index"`,
      );
    });
    j.cells.forEach((c, i) => {
      if (c.cell_type !== "markdown") return;
      const body = sourceOf(c)
        .split("\n")
        .filter((l) => l.trim() !== "");
      // Percent-format sources write Markdown behind "// "; in the notebook it must be plain Markdown.
      assert.ok(
        body.length === 0 || !body.every((l) => l.startsWith("//")),
        `${nb}: markdown cell ${i + 1} is still commented out with "//"`,
      );
    });
    const last = j.cells[j.cells.length - 1];
    assert.equal(last.cell_type, "code", `${nb}: the last cell must be the checks code cell`);
    const src = sourceOf(last);
    assert.match(src.split("\n")[0], /^\/\/ Checks/, `${nb}: the last cell must start with "// Checks"`);
    assert.match(src, /\bcheck\w*\(/, `${nb}: the checks cell asserts nothing`);
  });
}
