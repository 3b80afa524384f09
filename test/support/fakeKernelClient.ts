// scripts/kernel/driver.py with nbclient's NotebookClient replaced by a fake whose kernel starts fail
// as asked: the kernel driver's retry of a failed start, tested without starting a kernel.
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";
import { root } from "./notebooks";

/**
 * Python run before a test's own script. It imports scripts/kernel/driver.py as `driver` and replaces
 * its NotebookClient: each kernel start appends to `starts` and fails (RuntimeError "Kernel didn't
 * respond in 120 seconds") while `len(starts) <= fail_first[0]` (the first start only, unless the
 * script changes `fail_first[0]`). A fake client keeps its keyword arguments in `client.kw`.
 */
const fakeClient = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(root, "scripts", "kernel"))})
import driver
fail_first = [1]
starts = []
class Ctx:
    def __enter__(self):
        starts.append(1)
        if len(starts) <= fail_first[0]:
            raise RuntimeError("Kernel didn't respond in 120 seconds")
    def __exit__(self, *a):
        pass
class Client:
    def __init__(self, nb, **kw):
        self.kw = kw
    def setup_kernel(self):
        return Ctx()
driver.NotebookClient = Client
`;

/** Runs `script` (Python, after the fake client above) with `py`; the caller checks status and output. */
export function runWithFakeKernelClient(py: string, script: string): SpawnSyncReturns<string> {
  return spawnSync(py, ["-c", fakeClient + script], {
    encoding: "utf8",
    env: { ...process.env, PYTHONWARNINGS: "ignore" },
  });
}
