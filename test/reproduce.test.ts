/**
 * `npm run reproduce -- --quick` (scripts/notebooks/reproduce.ts in smoke mode: every experiment on a few hundred
 * images): it runs, its table has rows for all five seeds with a verdict each, the report files are
 * written, and --json prints one parseable object with the same rows. The full run is not a test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodeFlags } = require("../scripts/setup/nodeFlags") as { nodeFlags: () => string[] };

const root = path.join(__dirname, "..");
const VERDICT = /\*\*(reproduced|differs|nothing to compare)\*\*: \S/;

function reproduce(...extra: string[]) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "reproduce-"));
  const r = spawnSync(
    process.execPath,
    [
      ...nodeFlags(),
      "--import",
      "tsx",
      path.join(root, "scripts", "notebooks", "reproduce.ts"),
      "--quick",
      "--out",
      out,
      ...extra,
    ],
    { cwd: root, encoding: "utf8", timeout: 300_000 },
  );
  return { ...r, out };
}

test("reproduce --quick: a table row with a verdict for every seed's experiments, report files written", () => {
  const r = reproduce();
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.split("\n").filter((l) => /^\| 00\d /.test(l));
  const seeds = new Set(rows.map((l) => l.slice(2, 5)));
  assert.deepEqual([...seeds].sort(), ["000", "001", "002", "003", "004"]);
  assert.ok(rows.length >= 10, `${rows.length} rows`);
  for (const l of rows) {
    const cells = l.split(" | ");
    assert.equal(cells.length, 6, l);
    assert.match(l, VERDICT);
    assert.match(cells[4], /^\d+\.\d s$/, l);
  }
  assert.match(r.stdout, /\| seed \| experiment \| the seed reports \| Descent gets \| time \| verdict \|/);
  assert.match(r.stdout, /0\.9966.*0\.9397/, "the homework's reported numbers are in the table");
  assert.match(r.stderr, /\[[█░]+\]\s+100 %.*left/, "a progress bar with time left on stderr");
  const md = fs.readFileSync(path.join(r.out, "quick-report.md"), "utf8");
  assert.ok(md.includes(rows[0]));
  assert.ok(!fs.existsSync(path.join(r.out, "report.md")), "quick mode must not write the full report");
});

test("reproduce --quick --json --only 004: one JSON object, rows of seed 004 only, numbers and verdicts", () => {
  const r = reproduce("--json", "--only", "004");
  assert.equal(r.status, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as {
    mode: string;
    rows: { seed: string; verdict: string; why: string; seconds: number; numbers: Record<string, number> }[];
  };
  assert.equal(rep.mode, "quick");
  assert.ok(rep.rows.length >= 4);
  for (const row of rep.rows) {
    assert.equal(row.seed, "004");
    assert.ok(["reproduced", "differs", "nothing to compare"].includes(row.verdict));
    assert.ok(row.why.length > 0 && row.seconds >= 0);
    for (const v of Object.values(row.numbers)) assert.ok(Number.isFinite(v));
  }
  const sorted = rep.rows.find((x) => "sorted" in x.numbers)!;
  assert.ok(
    sorted.numbers.sorted < sorted.numbers.shuffled,
    "sorted data trains worse than shuffled, even in quick mode",
  );
  assert.deepEqual(
    JSON.parse(fs.readFileSync(path.join(r.out, "quick-report.json"), "utf8")).rows.length,
    rep.rows.length,
  );
});

test("reproduce --only with no match: a clear error", () => {
  const r = reproduce("--only", "no-such-seed");
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no experiment matches --only "no-such-seed"/);
});
