// A quiet, reproducible install: `npm ci` on the Node the README names warns of nothing. Read from the
// lockfile (a real npm ci takes a minute): every package's engines.node admits package.json's minimum
// Node (else npm warns EBADENGINE), and package.json's allowScripts names exactly the packages that have
// install scripts (npm 11 skips and lists any other; an entry for a package without one is stale).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { root } from "./support/notebooks";

interface LockPackage {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
}
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines?: { node?: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockPackage>;
};
// semver, as npm reads ranges; a dependency of tslab (so resolved through it)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require(require.resolve("semver", { paths: [path.join(root, "node_modules", "tslab")] })) as {
  minVersion: (range: string) => { version: string } | null;
  satisfies: (version: string, range: string) => boolean;
  validRange: (range: string) => string | null;
};

/** A lockfile key "node_modules/a/node_modules/@s/b" → the package name "@s/b". */
const nameOf = (key: string) => key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);

test("package.json declares the Node it needs, and every installed package runs on that Node", () => {
  const wanted = pkg.engines?.node;
  assert.ok(wanted && semver.validRange(wanted), `package.json has no valid engines.node: ${wanted}`);
  const min = semver.minVersion(wanted)!.version;
  assert.ok(
    semver.satisfies(process.versions.node, wanted),
    `this Node ${process.versions.node} is outside package.json's engines.node ${wanted}`,
  );
  const excluded: string[] = [];
  let ranged = 0;
  for (const [key, p] of Object.entries(lock.packages)) {
    const range = key && !Array.isArray(p.engines) ? p.engines?.node : undefined;
    if (!range) continue;
    ranged++;
    if (!semver.satisfies(min, range)) excluded.push(`${nameOf(key)}@${p.version} wants Node ${range}`);
  }
  assert.ok(ranged > 10, `only ${ranged} packages state engines.node: is this the lockfile?`);
  assert.deepEqual(
    excluded,
    [],
    `packages that refuse Node ${min} (pin a version that supports it, or an override in package.json)`,
  );
});

test("allowScripts names exactly the packages with install scripts", () => {
  const withScripts = [
    ...new Set(
      Object.entries(lock.packages)
        .filter(([k, p]) => k && p.hasInstallScript)
        .map(([k]) => nameOf(k)),
    ),
  ].sort();
  assert.ok(
    withScripts.length > 0,
    "the lockfile lists no install script at all (zeromq, the kernel's transport, has one)",
  );
  const allowed = Object.keys(pkg.allowScripts ?? {})
    .map((k) => k.replace(/(?<=.)@.*$/, ""))
    .sort();
  assert.deepEqual(
    allowed,
    withScripts,
    "package.json's allowScripts vs the lockfile's packages with install scripts (npm install-scripts ls)",
  );
  // true: the script runs (zeromq's loads or builds the kernel's native addon, esbuild's checks its binary); false: a reviewed denial
  for (const [k, v] of Object.entries(pkg.allowScripts ?? {}))
    assert.equal(typeof v, "boolean", `allowScripts.${k} must be true or false`);
});
