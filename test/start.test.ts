// `npm start` and the kernelspecs: Jupyter comes up on 127.0.0.1 with token authentication, serving
// notebooks/ with the project kernel; `kernel:install` writes the user kernelspec only where asked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./support/notebooks";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

test("the project kernelspec names the launcher, which starts tslab in the project root", () => {
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "kernelspec.js")], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(fs.readFileSync(path.join(root, ".jupyter/share/jupyter/kernels/descent/kernel.json"), "utf8"));
  assert.equal(spec.display_name, "TypeScript (Descent)");
  assert.equal(spec.argv[spec.argv.length - 1], "{connection_file}");
  assert.ok(spec.argv.includes(path.join(root, "scripts", "kernel.js")));
});

test("npm run kernel:install writes the user kernelspec into the Jupyter data dir it is given", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-jupyter-data-"));
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "kernelspec.js"), "--user"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_DATA_DIR: dir },
  });
  assert.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, "kernels", "descent", "kernel.json"), "utf8"));
  assert.equal(spec.display_name, "TypeScript (Descent)");
  fs.rmSync(dir, { recursive: true, force: true });
});

test("npm start serves notebooks/ on 127.0.0.1 with a token and the descent kernel", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const child = spawn("bash", [path.join(root, "scripts", "start.sh"), "--no-browser"], {
    cwd: root,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  try {
    const deadline = Date.now() + 90_000;
    let token = "";
    while (Date.now() < deadline && !token) {
      await new Promise((r) => setTimeout(r, 500));
      const m = new RegExp(`http://127\\.0\\.0\\.1:${port}/\\?token=([0-9a-f]+)`).exec(log);
      if (m) token = m[1];
      if (child.exitCode !== null) break;
    }
    assert.ok(token, `no URL with a token was printed for port ${port}:\n${log}`);
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
    for (const nb of expected) assert.ok(names.includes(nb), `${nb} is not listed by the server: ${names.join(", ")}`);
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
});
