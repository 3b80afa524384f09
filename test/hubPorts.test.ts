// Students' servers on ports of their own (scripts/hub/descent_spawner.py, own_port): from port_base + uid mod
// port_count on, skipping the ports this hub gave other students and ports in use, below the range the
// system hands out for port 0 (where Jupyter's kernels take theirs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { root } from "./support/notebooks";

const HUB = path.join(root, "scripts", "hub");
const hasJupyterHub = spawnSync("/usr/bin/python3", ["-c", "import jupyterhub.spawner"]).status === 0;

function py(code: string): string {
  const r = spawnSync("/usr/bin/python3", ["-c", `import sys; sys.path.insert(0, ${JSON.stringify(HUB)})\n${code}`], {
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test(
  "own_port: uid-based, skipping ports given to others and ports in use",
  { skip: !hasJupyterHub && "needs Debian's jupyterhub (setup.sh --for-hub)" },
  () => {
    const out = py(`
from descent_spawner import own_port, port_free
import socket
busy = {10006}
free = lambda p: p not in busy
print(own_port(1234, 10000, 10, set(), free))          # 10000 + 1234 % 10
print(own_port(1234, 10000, 10, {10004}, free))        # taken by another student
print(own_port(1234, 10000, 10, {10004, 10005}, free)) # 10006 in use too
print(own_port(1239, 10000, 10, set(), free))          # wraps: 10009
print(own_port(1239, 10000, 10, {10009}, free))        # … then 10000
print(own_port(1, 10000, 3, {10001, 10002}, lambda p: False))
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); p = s.getsockname()[1]
print(port_free(p), port_free(p) == port_free(p))
`);
    assert.deepEqual(out.split("\n"), ["10004", "10005", "10007", "10009", "10000", "None", "False True"]);
  },
);

test("the hub's ports for students lie below the range the system gives out for port 0", () => {
  const text = fs.readFileSync(path.join(HUB, "descent_spawner.py"), "utf8");
  const base = Number(/port_base = Integer\((\d+)/.exec(text)![1]);
  const count = Number(/port_count = Integer\((\d+)/.exec(text)![1]);
  const range = fs.existsSync("/proc/sys/net/ipv4/ip_local_port_range")
    ? fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number)
    : [32768, 60999];
  assert.ok(base + count - 1 < range[0], `${base}+${count} below ${range[0]}`);
  // … and away from the hub's own default ports (8000-8003) and the throwaway hubs' (20000-39999)
  assert.ok(base > 8003 && base + count <= 20000);
});
