#!/usr/bin/env python3
"""Execute notebooks headlessly in the `descent` kernel and report each cell that fails.

tslab prints TypeScript compile errors (and runtime exceptions) to stderr and answers with a bare
status "error", so this runner treats any stderr output or error reply as a failed cell and names
the notebook, the cell number and its first line. One JSON line per notebook goes to stdout:
  {"notebook": ..., "ok": bool, "seconds": float, "cells": n, "failure": str | null}

usage: run_notebooks.py [--timeout SECONDS] [--out DIR] NOTEBOOK...
  --timeout  time limit per notebook (whole notebook, not per cell); default 240
  --out      write executed copies (with outputs) to DIR
Needs: nbclient and nbformat (Debian: python3-nbclient; elsewhere: pip install nbclient).
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def first_line(src):
    for line in src.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


def describe(nb_path, index, number, cell, what):
    return f"{nb_path}: cell {number} (code cell {index + 1}, \"{first_line(cell.source)}\") failed:\n{what.rstrip()}"


def run(nb_path, timeout, out_dir, kernel):
    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(nb, kernel_name=kernel, timeout=timeout, allow_errors=False,
                            record_timing=False, resources={"metadata": {"path": os.getcwd()}})
    start = time.monotonic()
    failure = None
    code_index = -1
    try:
        with client.setup_kernel():
            for number, cell in enumerate(nb.cells, start=1):
                if cell.cell_type != "code":
                    continue
                code_index += 1
                left = timeout - (time.monotonic() - start)
                if left <= 0:
                    failure = describe(nb_path, code_index, number, cell, f"notebook time limit of {timeout}s reached")
                    break
                client.timeout = max(1, int(left))
                try:
                    client.execute_cell(cell, number - 1)
                except CellTimeoutError:
                    failure = describe(nb_path, code_index, number, cell, f"notebook time limit of {timeout}s reached in this cell")
                    break
                except DeadKernelError as e:
                    failure = describe(nb_path, code_index, number, cell,
                                       f"the kernel died while running this cell (process.exit or a crash): {e}")
                    break
                except CellExecutionError as e:
                    failure = describe(nb_path, code_index, number, cell, stderr_of(cell) or str(e))
                    break
                err = stderr_of(cell)
                if err:
                    failure = describe(nb_path, code_index, number, cell, err)
                    break
    except DeadKernelError as e:  # died outside any cell (at start-up or shut-down)
        failure = f"{nb_path}: the kernel died outside any cell: {e}"
    except Exception as e:  # kernel could not start, etc.
        failure = f"{nb_path}: {type(e).__name__}: {e}"
    seconds = time.monotonic() - start
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        nbformat.write(nb, os.path.join(out_dir, os.path.basename(nb_path)))
    return {"notebook": nb_path, "ok": failure is None, "seconds": round(seconds, 2),
            "cells": code_index + 1, "failure": failure}


def stderr_of(cell):
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and o.get("name") == "stderr":
            parts.append(o.get("text", ""))
        elif o.get("output_type") == "error":
            parts.append(f"{o.get('ename')}: {o.get('evalue')}")
    return "".join(parts).strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("NOTEBOOK_TIMEOUT", "240")))
    ap.add_argument("--out", default=None)
    ap.add_argument("--kernel", default="descent")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()
    bad = 0
    for path in args.notebooks:
        result = run(path, args.timeout, args.out, args.kernel)
        bad += 0 if result["ok"] else 1
        print(json.dumps(result), flush=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
