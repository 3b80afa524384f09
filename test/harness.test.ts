// The notebook harness itself: a type error, a thrown error or stderr output in a cell must fail the
// notebook with the notebook and the cell named; a clean notebook passes.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runNotebooks } from "./support/notebooks";

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: [
      { cell_type: "markdown", id: "m0", metadata: {}, source: "# harness test" },
      ...cells.map((source, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, source, outputs: [], execution_count: null })),
    ],
    metadata: { kernelspec: { name: "descent", display_name: "TypeScript (Descent)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

test("the harness fails on compile errors, throws and stderr, naming notebook and cell", { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-harness-"));
  const files: Record<string, string[]> = {
    "good.ipynb": ['import * as d from "./src/index";\nconst r = new d.Rng(3);', "d.check('uniform in [0,1)', r.uniform() < 1);"],
    "type-error.ipynb": ["const a = 1;", 'const x: number = "not a number";', "console.log('never reached');"],
    "throws.ipynb": ["const a = 1;", "const b = 2;", 'throw new Error("boom in cell three");'],
    "stderr.ipynb": ['console.error("something went wrong quietly");'],
  };
  for (const [name, cells] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), notebook(cells));
  const paths = Object.keys(files).map((n) => path.join(dir, n));
  const [good, typeError, throws, stderr] = runNotebooks(paths, { timeout: 120 });

  assert.ok(good.ok, `a clean notebook must pass: ${good.failure}`);
  assert.equal(good.cells, 2);

  assert.equal(typeError.ok, false);
  assert.match(typeError.failure!, /type-error\.ipynb/);
  assert.match(typeError.failure!, /cell 3 \(code cell 2/);
  assert.match(typeError.failure!, /not assignable to type 'number'/);

  assert.equal(throws.ok, false);
  assert.match(throws.failure!, /throws\.ipynb: cell 4 \(code cell 3/);
  assert.match(throws.failure!, /boom in cell three/);

  assert.equal(stderr.ok, false);
  assert.match(stderr.failure!, /stderr\.ipynb: cell 2/);
  assert.match(stderr.failure!, /something went wrong quietly/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a kernel that dies in a cell (process.exit) is reported with the notebook and the cell", { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-harness-dies-"));
  const file = path.join(dir, "dies.ipynb");
  fs.writeFileSync(file, notebook(["const a = 1;", "// leave the kernel\nprocess.exit(3);", "console.log('never reached');"]));
  const [dies] = runNotebooks([file], { timeout: 120 });
  assert.equal(dies.ok, false);
  assert.match(dies.failure!, /dies\.ipynb: cell 3 \(code cell 2, "\/\/ leave the kernel"\)/);
  assert.match(dies.failure!, /kernel died/);
  fs.rmSync(dir, { recursive: true, force: true });
});
