// Every notebook of the course, executed top to bottom in the `descent` kernel. A cell that throws,
// fails to compile (tslab prints the error to stderr), or writes to stderr fails the notebook, and the
// message names the notebook and the cell. Run times are printed. Executed copies go to this run's own
// folder (runDir("notebooks"); the slide test reuses them), not to build/notebooks/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { courseNotebooks, runDir, runNotebooks } from "./support/notebooks";

const limit = Number(process.env.NOTEBOOK_TIMEOUT ?? 240);

for (const nb of courseNotebooks()) {
  test(`notebook ${nb} runs top to bottom in the descent kernel`, { timeout: (limit + 60) * 1000 }, (t) => {
    const [r] = runNotebooks([nb], { timeout: limit, outDir: runDir("notebooks") });
    t.diagnostic(`${nb}: ${r.seconds.toFixed(1)} s, ${r.cells} code cells`);
    console.log(`  ${nb}: ${r.seconds.toFixed(1)} s`);
    assert.ok(r.ok, r.failure ?? "");
  });
}
