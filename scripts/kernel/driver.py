#!/usr/bin/env python3
"""The one Python driver of the `descent` kernel, through nbclient and jupyter_client as Jupyter does:
start a kernel (a start that fails is tried once more before it is reported), run cells with a time
limit per cell, interrupt, collect outputs, shut down.

tslab prints TypeScript compile errors (and runtime exceptions) to stderr and answers with a bare
status "error", so a cell with stderr output or an error output counts as failed.

Library (sys.path.insert(0, "scripts/kernel"); import driver):
  k = Kernel(kernel="descent", startup_timeout=120, start_attempts=2, before_start=None, after_stop=None)
  k.start(nb=None)                  start the kernel; KernelStartError after `start_attempts` failed starts
                                    (before_start() runs before each attempt, after_stop() after each stop)
  k.use(nb)                         the notebook whose cells run next (display updates, execution counts)
  k.run_cell(cell, index, timeout)  -> Outcome(status "ok" | "error" | "timeout" | "died", detail);
                                    the cell's outputs are in cell.outputs
  k.run_code(code, timeout, interrupt_after=None, settle=0)
                                    -> {"status", "stdout", "stderr", "displays", "display_at", "display_text", "seconds", "interrupt_to_end", "late"}
  k.interrupt(), k.stop()           Jupyter's interrupt; shut the kernel down (it can be started again)
  run_notebook(path, timeout, out_dir, kernel)  every code cell in order, stopping at the first failure

CLI:
  driver.py run [--timeout S] [--out DIR] [--kernel NAME] NOTEBOOK...
      (npm run nb, the book, the slides, the notebook tests) one JSON line per notebook on stdout:
      {"notebook", "ok", "seconds", "start_seconds", "cells", "failure"}; exit 1 if any failed.
      --timeout: the limit for the notebook's cells together (default $NOTEBOOK_TIMEOUT or 240 s; the
      kernel's start has its own limit); --out: write the executed copies (with outputs) to DIR.
  driver.py session [--kernel NAME] < session.json
      (test/interrupt.test.ts, the bench's kernel_first_import) cells sent as Jupyter sends them, with
      Jupyter's interrupt: {"cells": [{"code", "interrupt_after": s, "settle": s}, ...], "timeout": s}
        interrupt_after  seconds after sending the cell at which the interrupt is sent (optional)
        settle           seconds to keep listening after the cell ended, for output that should not come
      prints {"ready_seconds", "total_seconds", "cells": [run_code's report, ...]}
  driver.py grade JOBS.json
      (npm run grade: scripts/homework/grading/runNotebooks.ts) graded notebooks: every cell runs, errors
      and all, with a limit per cell and per notebook; a cell that runs out of time or kills the kernel
      ends that notebook and the kernel is replaced, so one submission never stops the batch.
      JOBS.json: {"kernel", "timeout", "cell_timeout", "token_env", "calls_env", "startup_timeout",
                  "start_attempts", "isolation", "compiler",
                  "sessions": [{"token", "calls", "notebooks": [{"in", "out", "limits", "compiled_limits"}]}]}
      ("sessions": "stdin": {"run": session} lines on stdin, each sent when the last is reported and
      followed by {"ahead": {"in": notebook} | null}, the notebook likely next, compiled while the kernel runs)
      "compiler": the command of the runner's compiler (scripts/kernel/compileServer.js, "{connection_file}"
      standing for a file it ignores): before each kernel start the notebook's cells are compiled there and
      the kernel takes them from that table (DESCENT_PRECOMPILED; scripts/kernel/precompiled.js).
      "watches" ({"cell index": [check cell indices]}): a watched cell is not run once one of those check cells
      holds an outcome {"stopped": "timeout"} (display data of "result_mime"): the run stops before it with
      the reason "callee timeout" (it calls a function that ran out of time in its own check; the grader runs
      the notebook again with that function served by the grader).
      Each session gets its own kernel (its notebooks share it; the names one defined are deleted
      before the next runs); before every start the session's token (and the grader's arguments,
      "calls") are written to private files named by token_env / calls_env, which the kernel reads and
      deletes ("isolation": {"uid", "gid", "scratch"}: each kernel start gets a scratch folder of its own in
      "scratch", owned by uid, named by DESCENT_GRADING_HOME, holding those files). Every code cell has the
      per-cell limit ("cell_timeout") unless "limits" gives it one of its own ({"cell index": seconds}),
      or "compiled_limits" while the kernel's cells come compiled ahead and no cell has failed yet. One JSON line
      per notebook: {"in", "out", "seconds", "stopped_at", "reason": "timeout" | "notebook timeout" |
      "died" | "start failed" | "callee timeout" | null, "detail"}.
Needs nbclient, nbformat and jupyter_client (Debian: python3-nbclient; elsewhere: pip install nbclient).
"""
import argparse
import hashlib
import hmac
import json
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import namedtuple

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync

Outcome = namedtuple("Outcome", ["status", "detail"])

# After a failed cell tslab cancels every request that arrives within 200 ms (execQueue.reset(200)):
# the next cell waits this long so it is not silently dropped.
AFTER_FAILURE_SECONDS = 0.3


class KernelStartError(RuntimeError):
    """The kernel did not start (the machine's fault, not a notebook's: no cell has run)."""


def log(line):
    print(f"[kernel] {line}", file=sys.stderr, flush=True)


class Kernel:
    """One kernel, started on demand; after stop() it can be started again (a fresh process)."""

    def __init__(self, kernel="descent", startup_timeout=120, start_attempts=2, before_start=None, after_stop=None):
        self.kernel = kernel
        self.startup_timeout = startup_timeout
        self.start_attempts = start_attempts
        self.before_start = before_start
        self.after_stop = after_stop
        self.client = None
        self._ctx = None

    @property
    def running(self):
        return self.client is not None

    def start(self, nb=None):
        nb = nb if nb is not None else nbformat.v4.new_notebook()
        for attempt in range(1, self.start_attempts + 1):
            try:
                if self.before_start:
                    self.before_start()
                self.client = NotebookClient(nb, kernel_name=self.kernel, timeout=60, allow_errors=True,
                                             record_timing=False, shutdown_kernel="immediate",
                                             startup_timeout=int(self.startup_timeout),
                                             resources={"metadata": {"path": os.getcwd()}})
                self._ctx = self.client.setup_kernel()
                self._ctx.__enter__()
                return
            except Exception as e:
                self.stop()
                if attempt == self.start_attempts:
                    tries = f"{attempt} start attempt{'s' if attempt > 1 else ''}"
                    raise KernelStartError(f"{type(e).__name__}: {e} (after {tries})") from e
                log(f"the kernel did not start ({type(e).__name__}: {e}); trying again")

    def use(self, nb):
        self.client.nb = nb
        self.client.reset_execution_trackers()

    def run_cell(self, cell, index, timeout):
        """Runs one code cell of the notebook given to use() (or start()) with a time limit in seconds."""
        self.client.timeout = max(1, int(timeout))
        try:
            self.client.execute_cell(cell, index)
        except CellTimeoutError:
            return Outcome("timeout", f"the cell ran longer than {self.client.timeout}s")
        except DeadKernelError as e:
            return Outcome("died", f"the kernel died (process.exit or a crash): {e}")
        except CellExecutionError as e:
            return Outcome("error", stderr_of(cell) or str(e))
        failure = stderr_of(cell)
        if failure or any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            time.sleep(AFTER_FAILURE_SECONDS)
            return Outcome("error", failure)
        return Outcome("ok", None)

    def interrupt(self):
        run_sync(lambda: ensure_async(self.client.km.interrupt_kernel()))()

    def run_code(self, code, timeout, interrupt_after=None, settle=0):
        """Sends `code` as Jupyter does (no notebook), with Jupyter's interrupt `interrupt_after` seconds in."""
        return run_sync(self._run_code)(code, timeout, interrupt_after, settle)

    async def _run_code(self, code, timeout, interrupt_after, settle):
        kc, km = self.client.kc, self.client.km
        start = time.monotonic()
        msg_id = kc.execute(code)
        out = {"status": None, "stdout": "", "stderr": "", "displays": 0, "display_at": [], "display_text": [], "late": []}
        interrupted_at = None
        idle = False
        while not idle:
            now = time.monotonic()
            if now - start > timeout:
                out["status"] = "timeout"
                break
            if interrupt_after is not None and interrupted_at is None and now - start >= interrupt_after:
                await ensure_async(km.interrupt_kernel())
                interrupted_at = time.monotonic()
            try:
                msg = await ensure_async(kc.get_iopub_msg(timeout=0.05))
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out[msg["content"]["name"]] += msg["content"]["text"]
            elif kind in ("display_data", "update_display_data"):
                out["displays"] += 1
                out["display_at"].append(round(time.monotonic() - start, 3))  # seconds after the cell was sent
                out["display_text"].append(text_of(msg)[:300])  # its text/plain
            elif kind == "execute_result":
                out["stdout"] += text_of(msg)
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        end = time.monotonic()
        out["seconds"] = round(end - start, 3)
        out["interrupt_to_end"] = round(end - interrupted_at, 3) if interrupted_at is not None else None
        try:
            reply = await ensure_async(kc.get_shell_msg(timeout=5))
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = await ensure_async(kc.get_shell_msg(timeout=5))
            if out["status"] is None:
                out["status"] = reply["content"].get("status")
        except queue.Empty:
            out["status"] = out["status"] or "no-reply"
        # Anything this cell still sends after it ended (a run that carries on in the background).
        settle_end = time.monotonic() + settle
        while time.monotonic() < settle_end:
            try:
                msg = await ensure_async(kc.get_iopub_msg(timeout=max(0.01, settle_end - time.monotonic())))
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] != "status":
                out["late"].append({"type": msg["msg_type"], "text": text_of(msg)[:200]})
        return out

    def stop(self):
        if self._ctx is not None:
            try:
                self._ctx.__exit__(None, None, None)
            except Exception:
                pass
        self._ctx = None
        self.client = None
        if self.after_stop:
            self.after_stop()


# ── Outputs ─────────────────────────────────────────────────────────────────────────────────────────────

def stderr_of(cell):
    """A cell's stderr text and error outputs, joined."""
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and o.get("name") == "stderr":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append(f"{o.get('ename')}: {o.get('evalue')}")
    return "".join(parts).strip()


def text_of(msg):
    c = msg["content"]
    if msg["msg_type"] == "stream":
        return c.get("text", "")
    if msg["msg_type"] in ("display_data", "update_display_data", "execute_result"):
        return c.get("data", {}).get("text/plain", "")
    if msg["msg_type"] == "error":
        return f"{c.get('ename')}: {c.get('evalue')}"
    return ""


def first_line(src):
    for line in src.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


# ── Running a notebook (stops at its first failing cell) ────────────────────────────────────────────────

def describe(nb_path, index, number, cell, what):
    return f"{nb_path}: cell {number} (code cell {index + 1}, \"{first_line(cell.source)}\") failed:\n{what.rstrip()}"


def run_notebook(nb_path, timeout, out_dir=None, kernel="descent"):
    nb = nbformat.read(nb_path, as_version=4)
    k = Kernel(kernel)
    t0 = time.monotonic()
    start = t0
    failure = None
    code_index = -1
    try:
        k.start(nb)
        start = time.monotonic()  # the kernel's start has its own limit, not the notebook's
        for number, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            code_index += 1
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                failure = describe(nb_path, code_index, number, cell, f"notebook time limit of {timeout}s reached")
                break
            outcome = k.run_cell(cell, number - 1, left)
            if outcome.status == "timeout":
                failure = describe(nb_path, code_index, number, cell, f"notebook time limit of {timeout}s reached in this cell")
            elif outcome.status == "died":
                failure = describe(nb_path, code_index, number, cell, f"the kernel died while running this cell ({outcome.detail})")
            elif outcome.status == "error":
                failure = describe(nb_path, code_index, number, cell, outcome.detail)
            if failure:
                break
    except KernelStartError as e:
        failure = f"{nb_path}: the kernel did not start: {e}"
    except DeadKernelError as e:  # died outside any cell (at shut-down)
        failure = f"{nb_path}: the kernel died outside any cell: {e}"
    finally:
        k.stop()
    seconds = time.monotonic() - start
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        nbformat.write(nb, os.path.join(out_dir, os.path.basename(nb_path)))
    return {"notebook": nb_path, "ok": failure is None, "seconds": round(seconds, 2),
            "start_seconds": round(start - t0, 2), "cells": code_index + 1, "failure": failure}


# ── Grading (every cell runs; a kernel per session, replaced after a death or a timeout) ──────────────

def private_file(text, env_name, suffix, folder=None, owner=None):
    """Writes `text` to a file only this user (or `owner`, (uid, gid)) can read and names it in the environment the kernel inherits."""
    fd, file = tempfile.mkstemp(prefix="descent-hw-", suffix=suffix, dir=folder)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(file, 0o600)
    if owner:
        os.chown(file, *owner)
    os.environ[env_name] = file
    return file


def scratch_folder(isolation, prefix):
    """A folder of its own in the isolation's scratch folder, owned by its user (HOME of a kernel or a compiler)."""
    folder = tempfile.mkdtemp(prefix=prefix, dir=isolation["scratch"])
    os.chown(folder, int(isolation["uid"]), int(isolation["gid"]))
    return folder


class Compiler:
    """The runner's compiler (scripts/kernel/compileServer.js), started on first need with `argv` (the runner's
    isolation, like its kernels): a notebook's cells in, the table its kernel takes them from out
    (scripts/kernel/precompiled.js). Any failure (no answer within `timeout`, a crash) gives None for that
    notebook, whose kernel then compiles its cells itself, and a fresh compiler for the next."""

    def __init__(self, argv, isolation=None, timeout=60):
        self.argv, self.isolation, self.timeout = argv, isolation, timeout
        self.proc, self.home, self.buffer = None, None, b""
        self.asked = None  # the key of the notebook asked ahead, whose answer is not read yet
        # cells compiled, taken from earlier notebooks, notebooks not compiled, compilers that failed; notebooks
        # compiled while the one before ran (ahead) and answers not used (another runner got that notebook)
        self.stats = {"compiled": 0, "reused": 0, "skipped": 0, "failed": 0, "ahead": 0, "dropped": 0}

    def _start(self):
        env = dict(os.environ)
        if self.isolation:
            self.home = scratch_folder(self.isolation, "c-")
            env["DESCENT_GRADING_HOME"] = self.home
        argv = [a.replace("{connection_file}", os.devnull) for a in self.argv]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.buffer = b""
        if not (self._line() or {}).get("ready"):
            raise RuntimeError("the compiler did not start")

    def _line(self):
        deadline = time.monotonic() + self.timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError(f"no answer within {self.timeout:g}s")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise RuntimeError(f"the compiler ended (exit {self.proc.wait()})")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def ask(self, key, nb):
        """Sends `nb`'s code cells to be compiled while the runner does something else (its kernel runs the
        notebook before); table(key, nb) takes the answer. One notebook at a time is asked ahead."""
        if self.asked is not None:
            return
        try:
            if self.proc is None:
                self._start()
            cells = [c.source for c in nb.cells if c.cell_type == "code"]
            self.proc.stdin.write((json.dumps({"cells": cells}) + "\n").encode())
            self.proc.stdin.flush()
            self.asked = key
        except Exception as e:
            self._failed(e)

    def _failed(self, e):
        log(f"compiling ahead failed ({type(e).__name__}: {e}); the kernel compiles that notebook itself")
        self.stats["failed"] += 1
        self.stop()

    def table(self, key, nb):
        """(the JSON text of the table for `nb`'s code cells, keeps: per code cell, whether it leaves the
        declarations as they were), or (None, None). `key` names the notebook (asked ahead, or not)."""
        try:
            if self.asked is not None and self.asked != key:
                self._line()  # an answer for a notebook asked ahead but not run after all: dropped
                self.asked = None
                self.stats["dropped"] += 1
            if self.asked == key:
                self.stats["ahead"] += 1
            else:
                self.ask(key, nb)
                if self.asked is None:
                    return None, None
            self.asked = None
            answer = self._line()
        except Exception as e:
            self.asked = None
            self._failed(e)
            return None, None
        if "table" not in answer:
            self.stats["skipped"] += 1
            return None, None
        self.stats["compiled"] += answer.get("compiled", 0)
        self.stats["reused"] += answer.get("reused", 0)
        return json.dumps(answer["table"]), answer.get("keeps", [])

    def stop(self):
        self.asked = None
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except Exception:
                pass
        self.proc = None
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None


PRECOMPILED_ENV = "DESCENT_PRECOMPILED"


class GradeSession:
    """One session's kernel, with its token (and the grader's arguments) handed over at every start."""

    def __init__(self, jobs, token, calls=None, compiler=None):
        self.token_env = jobs.get("token_env", "DESCENT_HW_TOKEN_FILE")
        self.calls_env = jobs.get("calls_env", "DESCENT_HW_CALLS_FILE")
        self.token, self.calls, self.files = token, calls, []
        # the next kernel start's precompiled cells (JSON text; Compiler.table), or None, and its keeps
        self.compiler, self.precompiled, self.keeps = compiler, None, None
        # Isolated grading: {"uid", "gid", "scratch"}; each kernel start gets a scratch folder of its own
        # there (HOME of the kernel, which runs as uid: see scripts/homework/grading/isolation.ts).
        self.isolation, self.home = jobs.get("isolation"), None
        # the type of a check's outcome, read to stop before a cell that calls a function that ran out of
        # time in its check (grade_notebook, "watches")
        self.result_mime = jobs.get("result_mime")
        self.kernel = Kernel(jobs.get("kernel", "descent"), startup_timeout=int(jobs.get("startup_timeout", 120)),
                             start_attempts=int(jobs.get("start_attempts", 2)),
                             before_start=self._hand_over, after_stop=self._clean_up)
        self.used = False

    def _hand_over(self):
        owner = None
        if self.isolation:
            owner = (int(self.isolation["uid"]), int(self.isolation["gid"]))
            self.home = scratch_folder(self.isolation, "s-")
            os.environ["DESCENT_GRADING_HOME"] = self.home
        self.files.append(private_file(self.token, self.token_env, ".token", self.home, owner))
        if self.calls:
            with open(self.calls) as f:
                self.files.append(private_file(f.read(), self.calls_env, ".calls.json", self.home, owner))
        if self.precompiled is not None:
            self.files.append(private_file(self.precompiled, PRECOMPILED_ENV, ".cells.json", self.home, owner))

    def _clean_up(self):
        for f in self.files:
            if os.path.exists(f):
                os.unlink(f)
        self.files = []
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None
            os.environ.pop("DESCENT_GRADING_HOME", None)
        os.environ.pop(self.token_env, None)
        os.environ.pop(self.calls_env, None)
        os.environ.pop(PRECOMPILED_ENV, None)


def ran_out_of_time(cell, mime, key):
    """Did this check cell see its function run out of time: an outcome {"stopped": "timeout"} signed with the
    session's key (src/homework/report.ts, signResult; what a student's code displays is not signed)? Only where
    a run stops depends on it, never a verdict: the grader serves a function only when its own row of that
    exercise says it ran out of time (gradeSubmissions.ts, settleRun)."""
    for o in cell.get("outputs", []):
        data = (o.get("data") or {}).get(mime) if mime else None
        if not isinstance(data, dict) or not isinstance(data.get("json"), str) or not isinstance(data.get("sig"), str):
            continue
        signed = hmac.new(key.encode(), data["json"].encode(), hashlib.sha256).hexdigest()
        if hmac.compare_digest(signed, data["sig"]) and '"stopped":"timeout"' in data["json"]:
            return True
    return False


# Forget the previous notebook's top-level names (tslab keeps them on __tslab__.exports).
RESET = "for (const k of Object.keys((globalThis as any).__tslab__.exports)) delete (globalThis as any).__tslab__.exports[k];"


def grade_notebook(session, job, timeout, cell_timeout, ahead=lambda: None):
    nb = nbformat.read(job["in"], as_version=4)
    own_limits = job.get("limits") or {}
    # while the kernel takes its cells compiled ahead and no cell has failed: the shorter limits
    compiled_limits = job.get("compiled_limits") or own_limits
    failed_before = False  # a cell that declares something failed: the kernel may compile later cells itself
    code_index = -1
    k = session.kernel
    start = time.monotonic()
    phases = {"compile": 0.0, "start": 0.0, "stop": 0.0}  # seconds outside the notebook's cells
    stopped_at, reason, detail = None, None, None
    try:
        if not k.running:
            session.precompiled, session.keeps = (
                session.compiler.table(job["in"], nb) if session.compiler else (None, None))
            phases["compile"] = time.monotonic() - start
            k.start(nb)
            phases["start"] = time.monotonic() - start - phases["compile"]
            session.used = False
            following = ahead()  # the notebook this runner gets next: compiled while this one runs
            if session.compiler and following and following.get("in") != job["in"]:
                try:
                    session.compiler.ask(following["in"], nbformat.read(following["in"], as_version=4))
                except Exception as e:
                    log(f"cannot compile {following['in']} ahead: {type(e).__name__}: {e}")
            start = time.monotonic()  # compiling ahead and the kernel's start-up do not count against the notebook's time
        elif session.used:
            k.run_cell(nbformat.v4.new_code_cell(source=RESET), 0, 60)
            time.sleep(AFTER_FAILURE_SECONDS)  # the previous notebook may have ended with a failed cell
        session.used = True
        k.use(nb)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            code_index += 1
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                stopped_at, reason, detail = index, "notebook timeout", f"the notebook's time limit of {timeout:g}s was reached"
                break
            watched = (job.get("watches") or {}).get(str(index)) or []
            stuck = [j for j in watched if ran_out_of_time(nb.cells[j], session.result_mime, session.token)]
            if stuck:  # it calls a function that ran out of time in its own check: graded again, that one served
                stopped_at, reason = index, "callee timeout"
                detail = "calls a function that ran out of time in its check (cell " + ", ".join(str(j) for j in stuck) + ")"
                break
            quick = session.precompiled is not None and not failed_before
            # the cell's budget from the references, or the cell limit
            own = float((compiled_limits if quick else own_limits).get(str(index), cell_timeout))
            limit = max(1, int(min(own, left)))
            outcome = k.run_cell(cell, index, limit)  # an "error" stays in the cell's outputs: grading goes on
            if outcome.status == "timeout":
                if limit >= own:
                    stopped_at, reason, detail = index, "timeout", f"the cell ran longer than {limit}s (an endless loop?)"
                else:
                    stopped_at, reason, detail = index, "notebook timeout", f"the notebook's time limit of {timeout:g}s was reached in this cell"
                break
            if outcome.status == "died":
                stopped_at, reason, detail = index, "died", outcome.detail
                break
            keeps = session.keeps or []
            if outcome.status == "error" and not (code_index < len(keeps) and keeps[code_index]):
                failed_before = True
    except KernelStartError as e:
        reason, detail = "start failed", str(e)
    except DeadKernelError as e:
        reason, detail = "died", f"the kernel died: {e}"
    except Exception as e:  # anything else that ends the run (a malformed reply, …): this notebook only
        reason, detail = "start failed", f"{type(e).__name__}: {e}"
    seconds = time.monotonic() - start
    if reason is not None:
        k.stop()  # a dead or busy kernel is replaced for the next notebook
        phases["stop"] = time.monotonic() - start - seconds
    os.makedirs(os.path.dirname(job["out"]) or ".", exist_ok=True)
    # (nbformat.write would validate the notebook against its schema first: 1.5 s for a notebook with charts)
    with open(job["out"], "w", encoding="utf-8") as f:
        f.write(nbformat.v4.nbjson.writes(nb))
    return {"in": job["in"], "out": job["out"], "seconds": round(seconds, 2),
            "stopped_at": stopped_at, "reason": reason, "detail": detail,
            "phases": {k: round(v, 2) for k, v in phases.items()}}


class Sessions:
    """The sessions to grade, in order: the jobs file's list, or ("stdin") what npm run grade sends on stdin, one
    JSON line each: {"run": session} when this runner is free for it, each followed by {"ahead": {"in":
    notebook} or null}, the notebook it will most likely get next, whose cells the compiler may compile while
    the kernel runs the current one (scripts/homework/grading/runNotebooks.ts). next() waits for the next
    session (None at the end); ahead() is the notebook announced last (never waits), or None."""

    def __init__(self, jobs):
        self.announced = None
        self.listed = None if jobs["sessions"] == "stdin" else list(jobs["sessions"])
        if self.listed is None:
            self.runs = queue.Queue()
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in sys.stdin:
            if not line.strip():
                continue
            message = json.loads(line)
            if "ahead" in message:
                self.announced = message["ahead"]
            else:
                self.runs.put(message["run"])
        self.runs.put(None)

    def next(self):
        if self.listed is None:
            return self.runs.get()
        if not self.listed:
            return None
        spec = self.listed.pop(0)
        self.announced = self.listed[0]["notebooks"][0] if self.listed else None
        return spec

    def ahead(self):
        return self.announced


def main_grade(args):
    with open(args.jobs) as f:
        jobs = json.load(f)
    timeout = float(jobs.get("timeout", 300))
    cell_timeout = float(jobs.get("cell_timeout", 120))
    compiler = Compiler(jobs["compiler"], jobs.get("isolation")) if jobs.get("compiler") else None
    try:
        sessions = Sessions(jobs)
        while (spec := sessions.next()) is not None:
            session = GradeSession(jobs, spec["token"], spec.get("calls"), compiler)
            last = None  # the session's last result waits for the kernel's stop, whose time it reports
            try:
                for job in spec["notebooks"]:
                    if last:
                        print(json.dumps(last), flush=True)
                    last = grade_notebook(session, job, timeout, cell_timeout, sessions.ahead)
            finally:
                t0 = time.monotonic()
                session.kernel.stop()
                if last:
                    last["phases"]["stop"] = round(last["phases"]["stop"] + time.monotonic() - t0, 2)
                    print(json.dumps(last), flush=True)
    finally:
        if compiler:
            compiler.stop()
            log(f"compiled ahead: {json.dumps(compiler.stats)}")
    return 0


# ── CLI ─────────────────────────────────────────────────────────────────────────────────────────────────

def main_run(args):
    bad = 0
    for path in args.notebooks:
        result = run_notebook(path, args.timeout, args.out, args.kernel)
        bad += 0 if result["ok"] else 1
        print(json.dumps(result), flush=True)
    return 1 if bad else 0


def main_session(args):
    session = json.load(sys.stdin)
    timeout = session.get("timeout", 300)
    t0 = time.monotonic()
    k = Kernel(args.kernel, startup_timeout=timeout)
    report = {"cells": []}
    try:
        k.start()
        report["ready_seconds"] = round(time.monotonic() - t0, 3)
        for cell in session["cells"]:
            report["cells"].append(k.run_code(cell["code"], timeout, cell.get("interrupt_after"), cell.get("settle", 0)))
        report["total_seconds"] = round(time.monotonic() - t0, 3)
    finally:
        k.stop()
    print(json.dumps(report), flush=True)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="Drive the descent kernel (see the module's doc).")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="execute notebooks, stopping each at its first failing cell")
    run.add_argument("--timeout", type=int, default=int(os.environ.get("NOTEBOOK_TIMEOUT", "240")))
    run.add_argument("--out", default=None)
    run.add_argument("--kernel", default="descent")
    run.add_argument("notebooks", nargs="+")
    session = sub.add_parser("session", help="run cells from a JSON session on stdin, with interrupts")
    session.add_argument("--kernel", default="descent")
    grade = sub.add_parser("grade", help="run graded notebooks (npm run grade), every cell, with limits")
    grade.add_argument("jobs")
    args = ap.parse_args(argv)
    return {"run": main_run, "session": main_session, "grade": main_grade}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
