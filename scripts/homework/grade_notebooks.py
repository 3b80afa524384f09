#!/usr/bin/env python3
"""Execute graded homework notebooks in the `descent` kernel for scripts/homework/grade.ts.

Unlike scripts/run_notebooks.py (which stops a notebook at its first failing cell), this runner
executes every cell and keeps going after errors, with a time limit per cell and per notebook.
A cell that runs out of time or kills the kernel (process.exit, a crash) ends that notebook; the
kernel is then replaced, so one submission never stops the batch.

usage: grade_notebooks.py JOBS.json
JOBS.json: {"kernel": "descent", "timeout": s, "cell_timeout": s, "token_env": "DESCENT_HW_TOKEN_FILE",
            "sessions": [{"token": str, "notebooks": [{"in": path, "out": path, "limited": [cell index, ...]}]}]}
Optional: "startup_timeout" (s, 120) and "start_attempts" (2): a kernel that does not start is
replaced and started again before the notebook is reported as "start failed".
Each session gets its own kernel (several notebooks may share it); before every kernel start the
session's token is written to a private file named by token_env (the kernel reads and deletes it).
The per-cell limit applies to the "limited" cells (the student's solution cells and the check cells);
the notebook's own set-up cells have only the notebook's limit. When notebooks share a kernel, the
names the previous notebook defined are deleted before the next one runs.
One JSON line per notebook on stdout:
  {"in", "out", "seconds", "stopped_at": cell index or null, "reason": "timeout"|"notebook timeout"|"died"|"start failed"|null, "detail"}
"""
import json
import os
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def write_token(token, env_name, suffix=".token"):
    fd, path = tempfile.mkstemp(prefix="descent-hw-", suffix=suffix)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    os.chmod(path, 0o600)
    os.environ[env_name] = path
    return path


class Session:
    """One kernel, started on demand and replaced after a death or a timeout."""

    def __init__(self, jobs, token, calls=None):
        self.jobs = jobs
        self.token = token
        self.calls = calls  # a file of the grader's arguments, handed to each new kernel in a private copy
        self.client = None
        self.ctx = None
        self.token_file = None
        self.used = False

    def start(self, nb):
        """Starts the kernel; a start that fails (the machine's fault, not the submission's: the
        notebook has not run yet) is tried once more with a fresh kernel before it is reported."""
        attempts = int(self.jobs.get("start_attempts", 2))
        for attempt in range(1, attempts + 1):
            try:
                self.token_file = write_token(self.token, self.jobs.get("token_env", "DESCENT_HW_TOKEN_FILE"))
                if self.calls:
                    with open(self.calls) as f:
                        self.calls_file = write_token(f.read(), self.jobs.get("calls_env", "DESCENT_HW_CALLS_FILE"), ".calls.json")
                self.client = NotebookClient(nb, kernel_name=self.jobs.get("kernel", "descent"), timeout=60,
                                             allow_errors=True, record_timing=False, shutdown_kernel="immediate",
                                             startup_timeout=int(self.jobs.get("startup_timeout", 120)),
                                             resources={"metadata": {"path": os.getcwd()}})
                self.ctx = self.client.setup_kernel()
                self.ctx.__enter__()
                self.used = False
                return
            except Exception as e:
                self.stop()
                if attempt == attempts:
                    raise RuntimeError(f"{e} (after {attempts} start attempt{'s' if attempts > 1 else ''})") from e
                print(f"[grade] the kernel did not start ({type(e).__name__}: {e}); trying again", file=sys.stderr, flush=True)

    def stop(self):
        if self.ctx is not None:
            try:
                self.ctx.__exit__(None, None, None)
            except Exception:
                pass
        self.ctx = None
        self.client = None
        for f in (self.token_file, getattr(self, "calls_file", None)):
            if f and os.path.exists(f):
                os.unlink(f)
        os.environ.pop(self.jobs.get("calls_env", "DESCENT_HW_CALLS_FILE"), None)
        os.environ.pop(self.jobs.get("token_env", "DESCENT_HW_TOKEN_FILE"), None)


# Forget the previous notebook's top-level names (tslab keeps them on __tslab__.exports).
RESET = "for (const k of Object.keys((globalThis as any).__tslab__.exports)) delete (globalThis as any).__tslab__.exports[k];"


def run_notebook(session, job, timeout, cell_timeout):
    nb = nbformat.read(job["in"], as_version=4)
    limited = set(job.get("limited", range(len(nb.cells))))
    start = time.monotonic()
    stopped_at, reason, detail = None, None, None
    try:
        if session.client is None:
            session.start(nb)
            start = time.monotonic()  # the kernel's start-up does not count against the notebook's time
        elif session.used:
            session.client.execute_cell(nbformat.v4.new_code_cell(source=RESET), 0)
            time.sleep(0.3)  # the previous notebook may have ended with a failed cell (see below)
        session.used = True
        session.client.nb = nb
        session.client.reset_execution_trackers()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                stopped_at, reason, detail = index, "notebook timeout", f"the notebook's time limit of {timeout}s was reached"
                break
            per_cell = index in limited
            session.client.timeout = max(1, int(min(cell_timeout, left) if per_cell else left))
            try:
                session.client.execute_cell(cell, index)
            except CellTimeoutError:
                limit = session.client.timeout
                if per_cell and limit >= cell_timeout:
                    stopped_at, reason, detail = index, "timeout", f"the cell ran longer than {limit}s (an endless loop?)"
                else:
                    stopped_at, reason, detail = index, "notebook timeout", f"the notebook's time limit of {timeout:g}s was reached in this cell"
                break
            except DeadKernelError as e:
                stopped_at, reason, detail = index, "died", f"the kernel died (process.exit or a crash): {e}"
                break
            except CellExecutionError:
                pass  # allow_errors: the error is in the cell's outputs
            if any(o.get("output_type") == "error" or o.get("name") == "stderr" for o in cell.get("outputs", [])):
                # After a failed cell tslab cancels every request that arrives within 200 ms
                # (execQueue.reset(200)); wait so the next cell is not silently dropped.
                time.sleep(0.3)
    except DeadKernelError as e:
        stopped_at, reason, detail = stopped_at, "died", f"the kernel died: {e}"
    except Exception as e:  # the kernel could not start, etc.
        reason, detail = "start failed", f"{type(e).__name__}: {e}"
    if reason is not None:
        session.stop()  # a dead or busy kernel is replaced for the next notebook
    os.makedirs(os.path.dirname(job["out"]) or ".", exist_ok=True)
    nbformat.write(nb, job["out"])
    return {"in": job["in"], "out": job["out"], "seconds": round(time.monotonic() - start, 2),
            "stopped_at": stopped_at, "reason": reason, "detail": detail}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    timeout = float(jobs.get("timeout", 300))
    cell_timeout = float(jobs.get("cell_timeout", 120))
    for spec in jobs["sessions"]:
        session = Session(jobs, spec["token"], spec.get("calls"))
        try:
            for job in spec["notebooks"]:
                print(json.dumps(run_notebook(session, job, timeout, cell_timeout)), flush=True)
        finally:
            session.stop()


if __name__ == "__main__":
    main()
