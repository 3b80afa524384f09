#!/usr/bin/env python3
"""Drive one session of the `descent` kernel through jupyter_client, as Jupyter does, and report in JSON.

Used by test/interrupt.test.ts (interrupts through Jupyter's own interrupt_kernel) and by `npm run bench`
(kernel_first_import: kernel start to the first import done).

usage: kernel_session.py [--kernel NAME] < session.json
  session.json: {"cells": [{"code": "...", "interrupt_after": 2.0, "settle": 1.5}, ...], "timeout": 300}
    interrupt_after  seconds after sending the cell at which Jupyter's interrupt is sent (optional)
    settle           seconds to keep listening after the cell ended, for output that should not come (optional)
  prints: {"ready_seconds": s, "cells": [{"status", "stdout", "stderr", "displays", "display_at" (seconds after
           the cell was sent), "display_text" (text/plain of each), "seconds",
           "interrupt_to_end", "late": [{"type", "text"}]}]}
Needs jupyter_client (Debian: python3-jupyter-client, with python3-nbclient).
"""
import argparse
import json
import os
import queue
import sys
import time

from jupyter_client.manager import KernelManager


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="descent")
    args = ap.parse_args()
    session = json.load(sys.stdin)
    timeout = session.get("timeout", 300)
    t0 = time.monotonic()
    km = KernelManager(kernel_name=args.kernel)
    km.start_kernel(cwd=os.getcwd())
    kc = km.client()
    kc.start_channels()
    report = {"cells": []}
    try:
        kc.wait_for_ready(timeout=timeout)
        report["ready_seconds"] = round(time.monotonic() - t0, 3)
        for cell in session["cells"]:
            report["cells"].append(run_cell(km, kc, cell, timeout))
        report["total_seconds"] = round(time.monotonic() - t0, 3)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(report), flush=True)


def text_of(msg):
    c = msg["content"]
    if msg["msg_type"] == "stream":
        return c.get("text", "")
    if msg["msg_type"] in ("display_data", "update_display_data", "execute_result"):
        return c.get("data", {}).get("text/plain", "")
    if msg["msg_type"] == "error":
        return f"{c.get('ename')}: {c.get('evalue')}"
    return ""


def run_cell(km, kc, cell, timeout):
    start = time.monotonic()
    msg_id = kc.execute(cell["code"])
    out = {"status": None, "stdout": "", "stderr": "", "displays": 0, "display_at": [], "display_text": [], "late": []}
    interrupted_at = None
    idle = False
    while not idle:
        now = time.monotonic()
        if now - start > timeout:
            out["status"] = "timeout"
            break
        if cell.get("interrupt_after") is not None and interrupted_at is None and now - start >= cell["interrupt_after"]:
            km.interrupt_kernel()
            interrupted_at = time.monotonic()
        try:
            msg = kc.get_iopub_msg(timeout=0.05)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream":
            out[msg["content"]["name"]] += msg["content"]["text"]
        elif kind in ("display_data", "update_display_data"):
            out["displays"] += 1
            out["display_at"].append(round(time.monotonic() - start, 3))
            out["display_text"].append(text_of(msg)[:300])
        elif kind == "execute_result":
            out["stdout"] += text_of(msg)
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    end = time.monotonic()
    out["seconds"] = round(end - start, 3)
    out["interrupt_to_end"] = round(end - interrupted_at, 3) if interrupted_at is not None else None
    try:
        reply = kc.get_shell_msg(timeout=5)
        while reply["parent_header"].get("msg_id") != msg_id:
            reply = kc.get_shell_msg(timeout=5)
        if out["status"] is None:
            out["status"] = reply["content"].get("status")
    except queue.Empty:
        out["status"] = out["status"] or "no-reply"
    # Anything this cell still sends after it ended (a run that carries on in the background).
    settle_end = time.monotonic() + cell.get("settle", 0)
    while time.monotonic() < settle_end:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.01, settle_end - time.monotonic()))
        except queue.Empty:
            break
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] != "status":
            out["late"].append({"type": msg["msg_type"], "text": text_of(msg)[:200]})
    return out


if __name__ == "__main__":
    main()
