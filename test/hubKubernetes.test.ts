// Beyond one machine (issue 23, item 7): the Zero to JupyterHub values (scripts/hub/kubernetes/config.yaml)
// are valid for the chart they target — jupyterhub 2.0.0 (JupyterHub 3.0) — checked as helm checks them:
// merged over the chart's default values.yaml, validated against the chart's own values.schema.json (both
// vendored, with the chart's licence, in test/vendor/z2jh-2.0.0/), with a wrong value and a misspelt key
// shown to be caught. And the values agree with the single-user image's Dockerfile and the one-machine hub.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const chart = path.join(root, "test", "vendor", "z2jh-2.0.0");
const values = path.join(root, "scripts", "hub", "kubernetes", "config.yaml");
const dockerfile = path.join(root, "scripts", "hub", "kubernetes", "Dockerfile");

function validate(...sets: string[]): { status: number | null; errors: string[]; stderr: string } {
  const r = spawnSync(
    "/usr/bin/python3",
    [
      path.join(root, "scripts", "hub", "kubernetes", "validate_values.py"),
      chart,
      values,
      ...sets.flatMap((s) => ["--set", s]),
    ],
    { encoding: "utf8" },
  );
  const line = r.stdout.trim().split("\n").pop() ?? "";
  return { status: r.status, errors: line ? (JSON.parse(line) as { errors: string[] }).errors : [], stderr: r.stderr };
}

test("the chart's vendored schema and defaults are chart 2.0.0's, with its licence", () => {
  assert.match(
    fs.readFileSync(path.join(chart, "LICENSE"), "utf8"),
    /BSD 3-Clause License[\s\S]*Project Jupyter Contributors/,
  );
  const schema = JSON.parse(fs.readFileSync(path.join(chart, "values.schema.json"), "utf8"));
  assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
  assert.ok(schema.properties.singleuser.properties.memory, "the schema describes singleuser.memory");
  assert.match(fs.readFileSync(path.join(chart, "values.yaml"), "utf8"), /^singleuser:$/m);
});

test("config.yaml is valid Helm values for z2jh 2.0.0 (merged over its defaults, against its schema)", () => {
  const ok = validate();
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(ok.errors, []);
  // the validation can fail: a wrong type and a misspelt key are named
  const bad = validate('cull.timeout="soon"', 'singleuser.memroy={"limit": "1G"}');
  assert.equal(bad.status, 1);
  assert.ok(
    bad.errors.some((e) => /^cull\.timeout: 'soon' is not of type/.test(e)),
    bad.errors.join("\n"),
  );
  assert.ok(
    bad.errors.some((e) => /^singleuser: .*'memroy' was unexpected/.test(e)),
    bad.errors.join("\n"),
  );
});

test("config.yaml agrees with the image and the one-machine hub", () => {
  const text = fs.readFileSync(values, "utf8");
  const docker = fs.readFileSync(dockerfile, "utf8");
  // the image: Debian, Node 20, Debian's jupyterhub (3.0, as the chart's hub), the kernelspec, no masters
  assert.match(docker, /^FROM node:20-bookworm-slim AS node$/m);
  assert.match(docker, /^FROM debian:bookworm-slim$/m);
  assert.match(docker, /apt-get install[\s\S]*\bjupyterhub\b[\s\S]*python3-nbgitpuller/);
  assert.match(docker, /node scripts\/kernel\/kernelspec\.js/);
  assert.doesNotMatch(docker, /COPY notebooks/);
  for (const m of docker.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
    for (const src of m[1].split(" "))
      assert.ok(fs.existsSync(path.join(root, src)), `the Dockerfile copies ${src}, which exists`);
  }
  // the inbox service's code comes from the image and is the one-machine service's file
  assert.match(text, /\/opt\/descent\/scripts\/hub\/inbox_service\.py/);
  assert.ok(fs.existsSync(path.join(root, "scripts", "hub", "inbox_service.py")));
  // per-student memory: the same cap as the one-machine hub's default (1024 MB), the heap limit below it
  assert.match(text, /^\s+limit: 1G$/m);
  // the guarantee is the one the README derives from the measured class (its "Sizing on Kubernetes")
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const said = /per-student memory \(guarantee (\d+M), limit 1G\)/.exec(readme);
  assert.ok(said, "the README states the per-student guarantee");
  assert.match(text, new RegExp(`^\\s+guarantee: ${said[1]}$`, "m"));
  assert.ok(readme.includes(`a guarantee of ${said[1]}`), "the sizing uses the same guarantee");
  assert.match(text, /DESCENT_MEM_LIMIT_MB: "1024"/);
  assert.match(
    fs.readFileSync(path.join(root, "scripts", "hub", "jupyterhub_config.py"), "utf8"),
    /DESCENT_HUB_MEM_LIMIT_MB", "1024"/,
  );
});
