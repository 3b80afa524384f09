// The notebook harness itself: a type error, a thrown error or stderr output in a cell must fail the
// notebook with the notebook and the cell named; a clean notebook passes; a kernel that does not start
// is started once more (scripts/kernel/driver.py), then reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { python, root, runNotebooks } from "./support/notebooks";
import { runWithFakeKernelClient } from "./support/fakeKernelClient";

function notebook(cells: string[]): string {
  return JSON.stringify({
    cells: [
      { cell_type: "markdown", id: "m0", metadata: {}, source: "# harness test" },
      ...cells.map((source, i) => ({
        cell_type: "code",
        id: `c${i}`,
        metadata: {},
        source,
        outputs: [],
        execution_count: null,
      })),
    ],
    metadata: { kernelspec: { name: "descent", display_name: "TypeScript (Descent)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

test("the harness fails on compile errors, throws and stderr, naming notebook and cell", { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-harness-"));
  const files: Record<string, string[]> = {
    "good.ipynb": [
      'import * as d from "./src/index";\nconst r = new d.Rng(3);',
      "d.check('uniform in [0,1)', r.uniform() < 1);",
    ],
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

test(
  "a kernel that dies in a cell (process.exit) is reported with the notebook and the cell",
  { timeout: 180_000 },
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-harness-dies-"));
    const file = path.join(dir, "dies.ipynb");
    fs.writeFileSync(
      file,
      notebook(["const a = 1;", "// leave the kernel\nprocess.exit(3);", "console.log('never reached');"]),
    );
    const [dies] = runNotebooks([file], { timeout: 120 });
    assert.equal(dies.ok, false);
    assert.match(dies.failure!, /dies\.ipynb: cell 3 \(code cell 2, "\/\/ leave the kernel"\)/);
    assert.match(dies.failure!, /kernel died/);
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test("the kernel driver starts a kernel once more after a failed start, then reports it with the notebook", () => {
  // scripts/kernel/driver.py with nbclient's client replaced by one whose starts fail as asked
  // (test/support/fakeKernelClient.ts).
  const py = python();
  assert.ok(py, "no Python with nbclient");
  const script = `
hooks = []
k = driver.Kernel("descent", before_start=lambda: hooks.append("before"), after_stop=lambda: hooks.append("after"))
k.start()
out = {"starts": len(starts), "running": k.running, "startup_timeout": k.client.kw["startup_timeout"]}
k.stop()
out["hooks"] = hooks
starts.clear()
fail_first[0] = 99
try:
    driver.Kernel("descent", start_attempts=1).start()
    out["error"] = None
except driver.KernelStartError as e:
    out["error"] = str(e)
starts.clear()
out["notebook"] = driver.run_notebook(${JSON.stringify(path.join(root, "notebooks", "00-tour.ipynb"))}, 60)
out["notebook_starts"] = len(starts)
print(json.dumps(out))
`;
  const r = runWithFakeKernelClient(py, script);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as {
    starts: number;
    running: boolean;
    startup_timeout: number;
    hooks: string[];
    error: string | null;
    notebook: { ok: boolean; failure: string; cells: number };
    notebook_starts: number;
  };
  assert.deepEqual([out.starts, out.running, out.startup_timeout], [2, true, 120], "the second start is used");
  assert.deepEqual(
    out.hooks,
    ["before", "after", "before", "after"],
    "before_start before each attempt, after_stop after each stop",
  );
  assert.match(
    r.stderr,
    /the kernel did not start \(RuntimeError: Kernel didn't respond in 120 seconds\); trying again/,
  );
  assert.equal(out.error, "RuntimeError: Kernel didn't respond in 120 seconds (after 1 start attempt)");
  assert.equal(out.notebook.ok, false);
  assert.equal(out.notebook_starts, 2);
  assert.match(out.notebook.failure, /00-tour\.ipynb: the kernel did not start: .*\(after 2 start attempts\)/);
  assert.equal(out.notebook.cells, 0, "no cell ran");
});
