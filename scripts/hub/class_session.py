#!/usr/bin/env python3
"""Simulated students on a running hub, through its login form, its REST API and the kernel websocket.

Used by test/hub.test.ts and `npm run hub:load`. Reads a JSON plan on stdin, runs every student at once
(asyncio), prints one JSON report on stdout.

  plan: {"hub": "http://127.0.0.1:8000", "timeout": 600, "together_last": false (all last cells start at once),
         "rounds": [20, 10] (with together_last: afterwards, for each size k, the first k students run the last
                             cell again (with a comment of its own) at the same moment while the others stay
                             connected; report "rounds"),
         "pause_after_error": 1 (seconds a student takes before the cell after a failed one, as a person
                                 reading the error would: tslab drops a request within 200 ms of an error),
         "students": [{"name", "password",
                       "files": {"descent/homework/x.ipynb": {...notebook...}},   written via the contents API
                       "cells": ["code", ...],                                      run in one Descent kernel
                       "cell_timeout": 120, "stop": true,                           stop the server at the end
                       "kernel": "<id>"}]}                                          run in a kernel already running
  report: {"students": [{"name", "login": "ok" | "<error>", "server_seconds", "kernel_seconds",
                         "cells": [{"status", "stdout", "stderr", "error", "seconds"}], "error",
                         "rounds": {"<k>": {"status", "seconds", …}} (the rounds this student ran in)}]}

A cell's status is "ok", "error" (with ename: evalue), "timeout" (no reply within cell_timeout: the kernel is
then interrupted), or "died" (the kernel restarted or the websocket closed while it ran).
"""
import asyncio
import json
import sys
import time
import urllib.parse
import uuid

from tornado import httpclient, websocket
from tornado.httputil import HTTPHeaders

httpclient.AsyncHTTPClient.configure(None, max_clients=200)


class Student:
    barrier = None  # (count, event) when the plan says "together_last": every student's last cell starts at once
    rounds = []  # group sizes of the trivial-cell rounds after the last cell (with together_last)
    round_barrier = None  # asyncio.Barrier of every student: each round starts, and ends, for all at once
    pause_after_error = 1.0

    def __init__(self, hub, spec, timeout, index=0):
        self.hub = hub.rstrip("/")
        self.spec = spec
        self.name = spec["name"]
        self.index = index
        self.timeout = timeout
        self.round_waits = 0  # round barriers passed (2 a round: its start and its end)
        self.kernels_replaced = []
        self.round_results = {}
        self.cookies = {}
        self.token = None
        self.http = httpclient.AsyncHTTPClient()
        self.arrived_last = False
        self.step = "starting"

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers):
        for c in headers.get_list("Set-Cookie"):
            k, _, rest = c.partition("=")
            self.cookies[k.strip()] = rest.split(";")[0]

    async def fetch(self, url, method="GET", body=None, headers=None, auth="token", ok=(200, 201, 202, 204), timeout=60):
        h = dict(headers or {})
        if auth == "token" and self.token:
            h["Authorization"] = f"token {self.token}"
        elif auth == "cookie":
            h["Cookie"] = self._cookie_header()
            h["Referer"] = self.hub + "/hub/home"  # JupyterHub 3 refuses cookie-authenticated API calls without it
            if "_xsrf" in self.cookies:
                h["X-XSRFToken"] = self.cookies["_xsrf"]
        r = await self.http.fetch(self.hub + url, method=method, body=body, headers=h, follow_redirects=False,
                                  raise_error=False, request_timeout=timeout)
        self._keep_cookies(r.headers)
        if r.code not in ok:
            raise RuntimeError(f"{method} {url}: HTTP {r.code} {r.body[:300].decode(errors='replace') if r.body else ''}")
        return r

    async def login(self):
        """The login form, as a browser fills it in; then a token of the student's own for the APIs."""
        await self.fetch("/hub/login", auth=None)
        form = urllib.parse.urlencode({"username": self.name, "password": self.spec["password"], "_xsrf": self.cookies.get("_xsrf", "")})
        r = await self.fetch("/hub/login", method="POST", body=form, auth="cookie", ok=(200, 302, 403),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
        if r.code != 302:
            text = r.body.decode(errors="replace")
            message = "Invalid username or password" if "Invalid username or password" in text else f"HTTP {r.code}"
            raise PermissionError(message)
        # a token for the REST API and the kernel websocket (the hub's own token API, with the same credentials)
        r = await self.fetch(f"/hub/api/users/{self.name}/tokens", method="POST", auth=None,
                             body=json.dumps({"note": "class_session", "expires_in": 3600,
                                              "auth": {"username": self.name, "password": self.spec["password"]}}))
        self.token = json.loads(r.body)["token"]

    async def start_server(self):
        r = await self.fetch(f"/hub/api/users/{self.name}/server", method="POST", body="{}", ok=(201, 202, 400))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            r = await self.fetch(f"/hub/api/users/{self.name}")
            server = json.loads(r.body).get("servers", {}).get("")
            if server and server.get("ready"):
                return
            if not server or (server.get("stopped") and not server.get("pending")):
                if time.monotonic() > deadline - self.timeout + 5:
                    raise RuntimeError(f"the server of {self.name} failed to start: {server}")
            await asyncio.sleep(0.5)
        raise TimeoutError(f"the server of {self.name} was not ready within {self.timeout} s")

    async def put_file(self, path, notebook):
        parts = path.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            await self.fetch(f"/user/{self.name}/api/contents/{d}", method="PUT", body=json.dumps({"type": "directory"}), ok=(200, 201, 409))
        await self.fetch(f"/user/{self.name}/api/contents/{path}", method="PUT",
                         body=json.dumps({"type": "notebook", "format": "json", "content": notebook}))

    async def connect(self, kid):
        ws_url = self.hub.replace("http", "ws", 1) + f"/user/{self.name}/api/kernels/{kid}/channels"
        req = httpclient.HTTPRequest(ws_url, headers=HTTPHeaders({"Authorization": f"token {self.token}"}),
                                     request_timeout=self.timeout)
        return await websocket.websocket_connect(req, max_message_size=64 << 20)

    async def wait_kernel_idle(self, kid, seconds=120):
        """After a kernel died: wait until the Notebook server has restarted it."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            r = await self.fetch(f"/user/{self.name}/api/kernels/{kid}", ok=(200, 404))
            if r.code == 200 and json.loads(r.body).get("execution_state") == "idle":
                return
            await asyncio.sleep(1)

    async def new_kernel(self):
        # a kernel's start can take minutes when a whole class starts at once on a loaded machine
        r = await self.fetch(f"/user/{self.name}/api/kernels", method="POST", body=json.dumps({"name": "descent"}),
                             timeout=self.timeout)
        return json.loads(r.body)["id"]

    async def answers(self, conn, session, seconds=90):
        """Does the kernel answer? A kernel_info request must get its reply (shell) and its status (iopub); sent
        again every 10 s (a status published before the websocket's iopub joined is not seen)."""
        seen = {}  # msg_id -> the kinds of answer it got
        end = time.monotonic() + seconds
        next_send = 0
        while True:
            now = time.monotonic()
            if now >= end:
                return False
            if now >= next_send:
                msg_id = uuid.uuid4().hex
                seen[msg_id] = set()
                await conn.write_message(json.dumps({
                    "header": {"msg_id": msg_id, "username": self.name, "session": session,
                               "msg_type": "kernel_info_request", "version": "5.3", "date": ""},
                    "parent_header": {}, "metadata": {}, "channel": "shell", "content": {}}))
                next_send = now + 10
            try:
                raw = await asyncio.wait_for(conn.read_message(), timeout=max(0.1, min(end, next_send) - now))
            except asyncio.TimeoutError:
                continue
            if raw is None:
                return False
            m = json.loads(raw)
            parent = m.get("parent_header", {}).get("msg_id")
            if parent in seen:
                seen[parent].add(m.get("msg_type") or m["header"]["msg_type"])
                if {"kernel_info_reply", "status"} <= seen[parent]:
                    return True

    async def run_cells(self, cells, cell_timeout, kid=None):
        session = uuid.uuid4().hex
        if kid:
            conn = await self.connect(kid)
        else:
            # A kernel that does not answer is shut down and another started, as a student would (Kernel → Shutdown,
            # then open the notebook again): with a class starting kernels at once, Jupyter can give two kernels the
            # same port (it picks ports free at that moment; the kernels bind them seconds later), and the one that
            # could not bind its port stays half-started (reported in "kernels_replaced").
            kid = await self.new_kernel()
            conn = await self.connect(kid)
            for attempt in range(3):
                if await self.answers(conn, session):
                    break
                conn.close()
                self.kernels_replaced.append(f"kernel {kid} did not answer a kernel_info request within 90 s")
                await self.fetch(f"/user/{self.name}/api/kernels/{kid}", method="DELETE", ok=(204, 404))
                kid = await self.new_kernel()
                conn = await self.connect(kid)
        self.kernel_id = kid
        out = []
        try:
            for k, code in enumerate(cells):
                if k == len(cells) - 1 and Student.barrier is not None:
                    self.arrived_last = True
                    await Student.arrive()
                res = await self._execute(conn, session, kid, code, cell_timeout)
                out.append(res)
                if res["status"] == "died":  # the kernel restarts: connect again for the next cell
                    conn.close()
                    await asyncio.sleep(2)
                    await self.wait_kernel_idle(kid)
                    conn = await self.connect(kid)
                elif res["status"] != "ok":
                    await asyncio.sleep(Student.pause_after_error)
            # the rounds: the first k students run the last cell again at the same moment, the others wait
            for k in Student.rounds:
                await self.round_wait()
                if self.index < k:
                    # a source of its own each round (a cell run before with the same source answers faster)
                    code = f"{cells[-1]}  // {k} at once"
                    self.round_results[str(k)] = await self._execute(conn, session, kid, code, cell_timeout)
                await self.round_wait()
        finally:
            conn.close()
        return out

    async def round_wait(self):
        self.round_waits += 1
        await Student.round_barrier.wait()

    @staticmethod
    async def arrive():
        Student.barrier[0] -= 1
        if Student.barrier[0] <= 0:
            Student.barrier[1].set()
        await Student.barrier[1].wait()

    async def _execute(self, conn, session, kid, code, cell_timeout):
        msg_id = uuid.uuid4().hex
        msg = {"header": {"msg_id": msg_id, "username": self.name, "session": session, "msg_type": "execute_request", "version": "5.3",
                          "date": ""}, "parent_header": {}, "metadata": {}, "channel": "shell",
               "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}
        start = time.monotonic()
        await conn.write_message(json.dumps(msg))
        res = {"status": None, "stdout": "", "stderr": "", "error": "", "seconds": None}
        idle = replied = False
        while not (idle and replied):
            left = start + cell_timeout - time.monotonic()
            if left <= 0:
                res["status"] = "timeout"
                await self.fetch(f"/user/{self.name}/api/kernels/{kid}/interrupt", method="POST", body="", ok=(204, 200, 404))
                break
            try:
                raw = await asyncio.wait_for(conn.read_message(), timeout=left)
            except asyncio.TimeoutError:
                continue
            if raw is None:
                res["status"] = "died"
                break
            m = json.loads(raw)
            t = m.get("msg_type") or m["header"]["msg_type"]
            if t == "status" and m["content"].get("execution_state") in ("restarting", "dead"):
                res["status"] = "died"
                break
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if t == "stream":
                res[m["content"]["name"]] += m["content"]["text"]
            elif t == "execute_result":
                res["stdout"] += m["content"]["data"].get("text/plain", "")
            elif t == "error":
                res["error"] = f"{m['content']['ename']}: {m['content']['evalue']}"
            elif t == "status" and m["content"]["execution_state"] == "idle":
                idle = True
            elif t == "execute_reply":
                replied = True
                res["status"] = m["content"]["status"]
        res["seconds"] = round(time.monotonic() - start, 3)
        return res

    async def stop_server(self):
        await self.fetch(f"/hub/api/users/{self.name}/server", method="DELETE", ok=(202, 204, 400))

    async def run(self):
        rep = {"name": self.name, "login": None, "server_seconds": None, "cells": [], "error": None}
        try:
            t0 = time.monotonic()
            self.step = "signing in"
            try:
                await self.login()
                rep["login"] = "ok"
            except PermissionError as e:
                rep["login"] = str(e)
                return rep
            rep["login_seconds"] = round(time.monotonic() - t0, 3)
            t1 = time.monotonic()
            self.step = "starting the server"
            await self.start_server()
            rep["server_seconds"] = round(time.monotonic() - t1, 3)
            self.step = "writing files"
            for path, nb in self.spec.get("files", {}).items():
                await self.put_file(path, nb)
            self.step = "running cells"
            if self.spec.get("cells"):
                t2 = time.monotonic()
                rep["cells"] = await self.run_cells(self.spec["cells"], self.spec.get("cell_timeout", 120), self.spec.get("kernel"))
                rep["kernel_id"] = self.kernel_id
                rep["kernel_seconds"] = round(time.monotonic() - t2, 3)
            if self.spec.get("stop"):
                await self.stop_server()
        except Exception as e:  # noqa: BLE001 — reported per student
            rep["error"] = f"{type(e).__name__} while {self.step}: {e}"
        finally:
            if self.kernels_replaced:
                rep["kernels_replaced"] = self.kernels_replaced
            if Student.barrier is not None and not self.arrived_last:
                await Student.arrive()  # a student who failed early does not hold the others back
            while self.round_waits < 2 * len(Student.rounds):
                await self.round_wait()  # nor the rounds
            if Student.rounds:
                rep["rounds"] = self.round_results
        return rep


async def main():
    plan = json.load(sys.stdin)
    students = [Student(plan["hub"], s, plan.get("timeout", 600), i) for i, s in enumerate(plan["students"])]
    Student.pause_after_error = plan.get("pause_after_error", 1)
    if plan.get("together_last"):
        Student.barrier = [len(students), asyncio.Event()]
        Student.rounds = list(plan.get("rounds", []))
        Student.round_barrier = asyncio.Barrier(len(students))
    reports = await asyncio.gather(*(s.run() for s in students))
    print(json.dumps({"students": reports}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
