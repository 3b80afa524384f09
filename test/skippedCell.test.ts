// A cell never skipped in silence (issue 25, item 6): after a compile error in a solution cell, pressing
// Shift+Enter twice within 0.2 s sends the check cell while the failing one runs; tslab drops that request
// (its queue is reset 200 ms after an error) and replied "abort" with no output, leaving "In [ ]" and an
// empty output. Through the kernel protocol (jupyter_client, as JupyterLab sends it): the dropped cell's
// output must say that it did not run and which cell failed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { python, root } from "./support/notebooks";

// Sends the cells of each group back to back (no wait between them), then collects every reply and output.
const DRIVER = String.raw`
import json, os, queue, sys, time
from jupyter_client.manager import KernelManager
groups = json.load(sys.stdin)
km = KernelManager(kernel_name="descent"); km.start_kernel(cwd=os.getcwd())
kc = km.client(); kc.start_channels()
out = []
try:
    kc.wait_for_ready(timeout=120)
    for n, group in enumerate(groups):
        if n: time.sleep(0.5)
        ids = [kc.execute(code) for code in group]
        cells = {i: {"status": None, "count": None, "stdout": "", "stderr": "", "error": ""} for i in ids}
        idle = set()
        t0 = time.monotonic()
        while len(idle) < len(ids) and time.monotonic() - t0 < 120:
            try:
                msg = kc.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                continue
            pid = msg["parent_header"].get("msg_id")
            if pid not in cells:
                continue
            c, kind = msg["content"], msg["msg_type"]
            if kind == "stream":
                cells[pid][c["name"]] += c["text"]
            elif kind == "error":
                cells[pid]["error"] += c.get("ename", "") + ": " + c.get("evalue", "")
            elif kind == "status" and c["execution_state"] == "idle":
                idle.add(pid)
        while any(cells[i]["status"] is None for i in ids):
            r = kc.get_shell_msg(timeout=10)
            pid = r["parent_header"].get("msg_id")
            if pid in cells:
                cells[pid]["status"] = r["content"].get("status")
                cells[pid]["count"] = r["content"].get("execution_count")
        out.append([cells[i] for i in ids])
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
print(json.dumps(out))
`;

interface Cell {
  status: string;
  count: number | null;
  stdout: string;
  stderr: string;
  error: string;
}

test(
  "a cell sent within 0.2 s of a failing cell says it did not run and names the failing cell",
  { timeout: 300_000 },
  () => {
    const py = python();
    assert.ok(py, "no Python with jupyter_client: run `npm run setup`");
    spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
    const groups = [
      ["const answer: number = 41;"],
      // the solution cell does not compile; the check cell and one more are sent right behind it (Shift+Enter ×3)
      [
        "function solution(x: number): number { return x + ; }",
        'console.log("check", answer + 1);',
        'console.log("later");',
      ],
      // half a second later (the driver waits between groups), the same check cell runs normally
      ['console.log("check", answer + 1);'],
    ];
    const r = spawnSync(py, ["-c", DRIVER], {
      cwd: root,
      input: JSON.stringify(groups),
      encoding: "utf8",
      env: { ...process.env, JUPYTER_PATH: path.join(root, ".jupyter", "share", "jupyter"), PYTHONWARNINGS: "ignore" },
      timeout: 240_000,
    });
    const line = r.stdout.split("\n").find((l) => l.startsWith("["));
    assert.ok(line, `no report from the kernel driver (exit ${r.status}):\n${r.stderr}`);
    const [[first], [solution, check, later], [again]] = JSON.parse(line) as Cell[][];
    console.log(
      `# solution: ${solution.status} [${solution.count}]; check: ${check.status}: ${JSON.stringify(check.stderr)}`,
    );
    assert.equal(first.status, "ok");
    assert.equal(solution.status, "error");
    assert.match(solution.stderr + solution.error, /1:\d+ - /, "the solution cell shows its compile error");
    for (const [name, cell] of [
      ["check", check],
      ["later", later],
    ] as const) {
      assert.equal(cell.status, "abort", `${name}: ${JSON.stringify(cell)}`);
      assert.equal(cell.stdout, "", `${name} ran although it was dropped`);
      assert.match(
        cell.stderr,
        new RegExp(
          `^This cell did not run: cell \\[${solution.count}\\], run just before it, ended with an error .*Fix that cell and run it, then run this one again\\.`,
        ),
        `${name} says nothing about why it did not run`,
      );
    }
    assert.equal(again.status, "ok", again.stderr);
    assert.equal(again.stdout.trim(), "check 42");
    assert.equal(again.stderr, "");
  },
);
