// `npm start` and the kernelspecs: Jupyter comes up on 127.0.0.1 with token authentication, serving
// notebooks/ with the project kernel; `kernel:install` writes the user kernelspec only where asked.
// npm start runs in a copy of the project (test/support/projectCopy.ts): it releases the homework into
// build/homework/ and notebooks/homework/ and fills .cache/, which must not reach the other tests.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./support/notebooks";
import { projectCopy, removeCopy } from "./support/projectCopy";
import { freePort, RunningCourse, startCourse as startCourseIn } from "./support/course";

test("the project kernelspec names the launcher, which starts tslab in the project root", () => {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(
    fs.readFileSync(path.join(root, ".jupyter/share/jupyter/kernels/descent/kernel.json"), "utf8"),
  );
  assert.equal(spec.display_name, "TypeScript (Descent)");
  assert.equal(spec.argv[spec.argv.length - 1], "{connection_file}");
  assert.ok(spec.argv.includes(path.join(root, "scripts", "kernel", "launcher.js")));
});

test("npm run kernel:install writes the user kernelspec into the Jupyter data dir it is given", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-jupyter-data-"));
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js"), "--user"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_DATA_DIR: dir },
  });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernels", "descent", "kernel.json"), "utf8"));
  assert.equal(spec.display_name, "TypeScript (Descent)");
  fs.rmSync(dir, { recursive: true, force: true });
});

let copy: string | null = null;
/** The project copy npm start runs in (made once for this file). */
function project(): string {
  return (copy ??= projectCopy("descent-start-"));
}
after(() => {
  if (copy) removeCopy(copy);
});

/** Runs `npm start --no-browser` (scripts/setup/start.sh) with PORT=port in the copy until Jupyter prints its URL with a token. */
const startCourse = (port: number): Promise<RunningCourse> => startCourseIn(project(), port);

test(
  "npm start serves notebooks/ on 127.0.0.1 with a token and the descent kernel, and never overwrites a student's homework",
  { timeout: 240_000 },
  async () => {
    const port = await freePort();
    // a student's work in notebooks/homework/, from an earlier start
    const mine = path.join(project(), "notebooks", "homework", "01-perceptron.ipynb");
    fs.mkdirSync(path.dirname(mine), { recursive: true });
    fs.writeFileSync(mine, '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "note": "my work"}\n');
    const course = await startCourse(port);
    try {
      assert.ok(course.url, `no URL with a token was printed:\n${course.log()}`);
      assert.equal(course.url.port, port, `Jupyter is not on the port asked for:\n${course.log()}`);
      const token = course.url.token;
      const anonymous = await fetch(`http://127.0.0.1:${port}/api/kernelspecs`);
      assert.equal(anonymous.status, 403, "the API must refuse requests without the token");
      const specs = (await (await fetch(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`)).json()) as {
        kernelspecs: Record<string, { spec: { display_name: string } }>;
      };
      assert.equal(specs.kernelspecs.descent?.spec.display_name, "TypeScript (Descent)");
      const contents = (await (await fetch(`http://127.0.0.1:${port}/api/contents?token=${token}`)).json()) as {
        content: { name: string }[];
      };
      const names = contents.content.map((c) => c.name);
      const expected = fs.readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".ipynb"));
      for (const nb of expected)
        assert.ok(names.includes(nb), `${nb} is not listed by the server: ${names.join(", ")}`);
      assert.match(
        fs.readFileSync(mine, "utf8"),
        /my work/,
        "npm start overwrote a student's notebooks/homework/01-perceptron.ipynb",
      );
      const released = fs.readdirSync(path.join(project(), "build", "homework"));
      assert.ok(released.length >= 7, `released homework: ${released.join(", ")}`);
      for (const f of released)
        assert.ok(
          fs.existsSync(path.join(project(), "notebooks", "homework", f)),
          `${f} was not copied to notebooks/homework/`,
        );
    } finally {
      course.stop();
    }
  },
);

test(
  "with the port in use, the start banner names the port Jupyter really listens on",
  { timeout: 240_000 },
  async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", () => resolve()));
    const course = await startCourse(port);
    try {
      assert.ok(course.url, `no URL with a token was printed:\n${course.log()}`);
      const banner = /\[descent\] starting Jupyter Notebook on http:\/\/127\.0\.0\.1:(\d+)\//.exec(course.log());
      assert.ok(banner, `no start banner:\n${course.log()}`);
      assert.notEqual(
        Number(banner[1]),
        port,
        `the banner names port ${port}, which another program holds:\n${course.log()}`,
      );
      assert.equal(Number(banner[1]), course.url.port, `the banner and Jupyter disagree on the port:\n${course.log()}`);
      assert.match(course.log(), new RegExp(`port ${port} is in use; using ${course.url.port}`));
      const r = await fetch(`http://127.0.0.1:${course.url.port}/api/kernelspecs?token=${course.url.token}`);
      assert.equal(r.status, 200);
    } finally {
      course.stop();
      squatter.close();
    }
  },
);
