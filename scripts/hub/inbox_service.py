#!/usr/bin/env python3
"""The course inbox: a JupyterHub service that takes students' homework submissions.

Runs as its own Unix user (descent-inbox), which alone can read and write the inbox folder (mode 0700):
students can neither read nor change what is in it. A student's kernel calls hw.submit(), which POSTs the
saved notebook here with the student's own JupyterHub API token; the service asks the hub whose token it is
(GET /hub/api/user), so nobody can submit in another's name.

  POST <prefix>submit   {"homework": "01-perceptron", "notebook": {...}, "file": "homework/01-perceptron.ipynb"}
       → 201 {"student", "homework", "received_at", "file", "version", "deadline", "late", "late_minutes", "sha256"}
  GET  <prefix>submissions  → the student's own submission records (no notebook contents)

Layout (what `npm run grade -- --inbox DIR` reads):
  <inbox>/<student>/<homework>/<UTC time>.ipynb   every version ever submitted (history kept)
  <inbox>/<student>/<homework>/history.jsonl       one record per submission (time, deadline, lateness, sha256)
  <inbox>/submissions.jsonl                         all records, in order of arrival

A version is written to a temporary file, flushed to disk and renamed into place, and only then recorded:
a full disk (or any other failure) leaves no partial file, keeps every earlier version, and answers with
an error saying the submission was NOT saved (hw.submit shows it to the student).

Deadlines: a JSON file {"<homework>": "2027-01-20T23:59:00+00:00", ...} (DESCENT_DEADLINES), read at every
submission so the lecturer can change it during the term.
"""
import datetime
import errno
import hashlib
import json
import os
import re
import sys

from tornado import httpclient, ioloop, web

INBOX = os.environ.get("DESCENT_INBOX", "/var/lib/descent-hub/inbox")
DEADLINES = os.environ.get("DESCENT_DEADLINES", "")
PREFIX = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/descent-inbox/")
API_URL = os.environ.get("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")
PORT = int(os.environ.get("DESCENT_INBOX_PORT", "8003"))
MAX_BYTES = int(os.environ.get("DESCENT_INBOX_MAX_MB", "20")) * 1024 * 1024
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def deadline_of(homework):
    if not DEADLINES or not os.path.exists(DEADLINES):
        return None
    try:
        with open(DEADLINES) as f:
            text = json.load(f).get(homework)
        return datetime.datetime.fromisoformat(text) if text else None
    except (OSError, ValueError) as e:
        print(f"inbox: cannot read the deadlines in {DEADLINES}: {e}", file=sys.stderr)
        return None


def write_durably(path, data):
    """data → path, all or nothing: a temporary file, fsync, rename, fsync of the folder."""
    tmp = f"{path}.part-{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    dfd = os.open(os.path.dirname(path), os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def append_durably(path, line):
    """Appends one line (a whole record or nothing that parses: readers skip a torn last line)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


class Base(web.RequestHandler):
    def check_xsrf_cookie(self):
        pass  # token-authenticated API, no cookies

    def fail(self, status, message):
        self.set_status(status)
        self.finish({"error": message})

    async def student(self):
        auth = self.request.headers.get("Authorization", "")
        if not auth.lower().startswith("token ") or len(auth) < 10:
            self.fail(401, "no API token: hw.submit() sends the JUPYTERHUB_API_TOKEN of your server")
            return None
        try:
            r = await httpclient.AsyncHTTPClient().fetch(f"{API_URL.rstrip('/')}/user", headers={"Authorization": auth}, request_timeout=20)
        except httpclient.HTTPClientError as e:
            if e.code in (401, 403):
                self.fail(403, "the hub does not know this API token (sign in again and restart your server)")
            else:
                self.fail(503, f"the hub did not answer ({e}); your submission was NOT saved: try again in a minute")
            return None
        except OSError as e:
            self.fail(503, f"the hub is not reachable ({e}); your submission was NOT saved: try again in a minute")
            return None
        model = json.loads(r.body)
        if model.get("kind", "user") != "user" or not NAME.match(model.get("name", "")):
            self.fail(403, "only students' own tokens may submit")
            return None
        return model["name"]


class Submit(Base):
    async def post(self):
        name = await self.student()
        if name is None:
            return
        if len(self.request.body) > MAX_BYTES:
            return self.fail(413, f"the notebook is {len(self.request.body) / 1e6:.1f} MB, more than the inbox takes "
                             f"({MAX_BYTES / 1e6:.0f} MB): clear large outputs (Cell → All Output → Clear), save, submit again")
        try:
            body = json.loads(self.request.body)
            homework = body["homework"]
            notebook = body["notebook"]
        except (ValueError, KeyError, TypeError):
            return self.fail(400, 'expected JSON {"homework": name, "notebook": {...}}')
        if not isinstance(homework, str) or not NAME.match(homework):
            return self.fail(400, f"homework name {homework!r} is not a plain name (letters, digits, . _ -)")
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            return self.fail(400, "the notebook is not a Jupyter notebook (no cells)")
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp = now.strftime("%Y-%m-%dT%H-%M-%S.%fZ")
        folder = os.path.join(INBOX, name, homework)
        data = json.dumps(notebook, indent=1, ensure_ascii=False).encode() + b"\n"
        deadline = deadline_of(homework)
        late_minutes = max(0.0, (now - deadline).total_seconds() / 60) if deadline else 0.0
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            version = len([f for f in os.listdir(folder) if f.endswith(".ipynb")]) + 1
            path = os.path.join(folder, f"{stamp}.ipynb")
            write_durably(path, data)
            record = {
                "student": name,
                "homework": homework,
                "received_at": now.isoformat(),
                "file": os.path.relpath(path, INBOX),
                "source": str(body.get("file", "")),
                "version": version,
                "deadline": deadline.isoformat() if deadline else None,
                "late": late_minutes > 0,
                "late_minutes": round(late_minutes, 1),
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            line = json.dumps(record) + "\n"
            append_durably(os.path.join(folder, "history.jsonl"), line)
            append_durably(os.path.join(INBOX, "submissions.jsonl"), line)
        except OSError as e:
            full = e.errno in (errno.ENOSPC, errno.EDQUOT)
            print(f"inbox: submission of {homework} by {name} failed: {e}", file=sys.stderr, flush=True)
            what = "the course inbox is full (no space left on its disk)" if full else f"the inbox could not store it ({e.strerror})"
            return self.fail(507 if full else 500, f"{what}: your submission was NOT saved. Your notebook is unchanged in your "
                             "home; tell your lecturer and submit again later (earlier submissions are kept)")
        print(f"inbox: {name} submitted {homework} (version {version}{', late' if record['late'] else ''})", flush=True)
        self.set_status(201)
        self.finish(record)


class Submissions(Base):
    async def get(self):
        name = await self.student()
        if name is None:
            return
        out = []
        base = os.path.join(INBOX, name)
        if os.path.isdir(base):
            for hw in sorted(os.listdir(base)):
                hist = os.path.join(base, hw, "history.jsonl")
                if os.path.exists(hist):
                    with open(hist) as f:
                        for line in f:
                            try:
                                out.append(json.loads(line))
                            except ValueError:
                                pass
        self.finish({"submissions": out})


def main():
    os.umask(0o077)
    os.makedirs(INBOX, mode=0o700, exist_ok=True)
    app = web.Application([(PREFIX + "submit", Submit), (PREFIX + "submissions", Submissions)])
    bind = os.environ.get("DESCENT_INBOX_BIND", "127.0.0.1")  # 0.0.0.0 in the hub pod on Kubernetes
    app.listen(PORT, address=bind)
    print(f"inbox: listening on {bind}:{PORT}{PREFIX}, storing in {INBOX}", flush=True)
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
