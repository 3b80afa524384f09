// hw.submit (issue 23, item 3) without a hub: the notebook found by name (the homework, not the chapter of the
// same name), a clear error off the hub, waiting through a restarting inbox, and a refusal (a full inbox disk)
// reported as "NOT submitted" with the inbox's reason. test/hub.test.ts does the same on a real hub.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { findHomeworkNotebook, submit } from "../src/homework/submit";

const chapter = {
  cells: [{ cell_type: "markdown", metadata: {}, source: ["# The perceptron"] }],
  metadata: {},
  nbformat: 4,
  nbformat_minor: 5,
};
const homework = {
  cells: [
    {
      cell_type: "code",
      metadata: { nbgrader: { grade_id: "hw01-ex1-solution", solution: true } },
      source: ["1"],
      outputs: [],
      execution_count: null,
    },
  ],
  metadata: { descent: { homework: "01-perceptron" } },
  nbformat: 4,
  nbformat_minor: 5,
};

function fakeHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "descent-submit-"));
  fs.mkdirSync(path.join(home, "descent", "homework"), { recursive: true });
  fs.writeFileSync(path.join(home, "descent", "01-perceptron.ipynb"), JSON.stringify(chapter));
  fs.writeFileSync(path.join(home, "descent", "homework", "01-perceptron.ipynb"), JSON.stringify(homework));
  return home;
}

function withEnv<T>(env: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const before: Record<string, string | undefined> = {};
  for (const k of Object.keys(env)) {
    before[k] = process.env[k];
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  return body().finally(() => {
    for (const k of Object.keys(before)) {
      if (before[k] === undefined) delete process.env[k];
      else process.env[k] = before[k];
    }
  });
}

test("the homework notebook is found by name, not the chapter of the same name", () => {
  const home = fakeHome();
  try {
    assert.equal(
      findHomeworkNotebook("01-perceptron", home, "descent"),
      path.join(home, "descent", "homework", "01-perceptron.ipynb"),
    );
    assert.throws(
      () => findHomeworkNotebook("02-gradient-descent", home, "descent"),
      /no notebook 02-gradient-descent\.ipynb in .*descent/,
    );
    assert.throws(
      () => findHomeworkNotebook("homework/nope.ipynb", home, "descent"),
      /there is no notebook .*nope\.ipynb/,
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});

test("off the hub, hw.submit says there is no inbox", async () => {
  await withEnv({ DESCENT_SUBMIT_URL: undefined, JUPYTERHUB_API_TOKEN: undefined }, async () => {
    await assert.rejects(submit("01-perceptron", { quiet: true }), /not running on the course's JupyterHub/);
  });
});

test("hw.submit waits through a restarting inbox, and reports a refusal as NOT submitted", async () => {
  const home = fakeHome();
  const seen: Array<{ auth: string | undefined; body: { homework: string; notebook: unknown } }> = [];
  let answers = [503, 503, 201];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ auth: req.headers.authorization, body: JSON.parse(body) });
      const status = answers.shift() ?? 500;
      res.writeHead(status, { "Content-Type": "application/json" });
      if (status === 201) {
        res.end(
          JSON.stringify({
            student: "s",
            homework: "01-perceptron",
            received_at: "2027-01-01T00:00:00+00:00",
            version: 2,
            deadline: null,
            late: false,
            late_minutes: 0,
            sha256: "x",
          }),
        );
      } else if (status === 507)
        res.end(
          JSON.stringify({
            error: "the course inbox is full (no space left on its disk): your submission was NOT saved.",
          }),
        );
      else res.end(JSON.stringify({ error: "the hub did not answer" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  try {
    await withEnv(
      {
        DESCENT_SUBMIT_URL: `http://127.0.0.1:${port}/services/descent-inbox/`,
        JUPYTERHUB_API_TOKEN: "tok123",
        HOME: home,
        DESCENT_COURSE_DIR: "descent",
      },
      async () => {
        const receipt = await submit("01-perceptron", { quiet: true, waitSeconds: 30 });
        assert.equal(receipt.version, 2);
        assert.equal(seen.length, 3, "two 503s, then accepted");
        assert.equal(seen[2].auth, "token tok123");
        assert.equal(seen[2].body.homework, "01-perceptron");
        assert.deepEqual(seen[2].body.notebook, homework);
        answers = [507];
        await assert.rejects(
          submit("01-perceptron", { quiet: true }),
          /01-perceptron was NOT submitted: the course inbox is full/,
        );
        assert.equal(seen.length, 4, "a full disk is not retried");
      },
    );
  } finally {
    server.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
});
