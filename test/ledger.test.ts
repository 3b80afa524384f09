// The errata ledger (src/chapters/errataLedger.ts): one shape for every chapter. Unit tests of the
// ledger itself, then every chapter notebook read as text: each ledger is declared with
// d.errataLedger, every entry has the same fields in the same order with a class from the list,
// each checks cell verifies its ledger, and the entries issue 24 asks for are there with their class.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { root } from "./support/notebooks";
import { ERRATUM_CLASSES, classAgrees, errataLedger, type LedgerEntry } from "../src/chapters/errataLedger";
import { CheckError } from "../src/core/checks";

const entry = (over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  source: "seed 000 §3",
  claim: "a formula",
  class: "error",
  asPrinted: "FAIL",
  corrected: "pass",
  evidence: "misses by 3.2",
  ...over,
});

test("ledger: a malformed entry is refused with the field and value named", () => {
  const l = errataLedger("99");
  assert.throws(
    () => l.record(entry({ class: "slip" as never })),
    /ledger 99, entry 0 \("a formula"\): class "slip" is not one of holds, error, notation, convention, teaching point/,
  );
  assert.throws(() => l.record(entry({ asPrinted: "ok" as never })), /asPrinted "ok" is not one of pass, FAIL, —/);
  assert.throws(() => l.record(entry({ evidence: " " })), /an erratum needs its evidence/);
  assert.throws(() => l.record(entry({ claim: "" })), /claim is empty/);
  l.record(entry({ class: "holds", asPrinted: "pass", corrected: "—", evidence: "" })); // a formula that holds needs no evidence
  l.record(entry());
  assert.deepEqual(l.counts(), { holds: 1, error: 1, notation: 0, convention: 0, "teaching point": 0 });
  assert.equal(l.errata().length, 1);
  assert.deepEqual(Object.keys(l.table()[0]), ["class", "source", "claim", "as printed", "corrected", "evidence"]);
});

test("ledger: each class must agree with its outcomes, and verify() fails when one does not", () => {
  assert.ok(classAgrees(entry()));
  assert.ok(!classAgrees(entry({ asPrinted: "pass" })), "an error whose printed form passes");
  assert.ok(
    !classAgrees(entry({ class: "notation", corrected: "FAIL" })),
    "a notation slip whose corrected form fails",
  );
  assert.ok(classAgrees(entry({ class: "holds", asPrinted: "pass", corrected: "—" })));
  assert.ok(!classAgrees(entry({ class: "holds", asPrinted: "—", corrected: "—" })), "holds with nothing compared");
  assert.ok(classAgrees(entry({ class: "convention", asPrinted: "—", corrected: "pass" })));
  assert.ok(!classAgrees(entry({ class: "teaching point", asPrinted: "—", corrected: "FAIL" })));
  const l = errataLedger("99");
  l.record(entry());
  l.verify();
  l.record(entry({ claim: "wrongly classed", asPrinted: "pass" }));
  assert.throws(
    () => l.verify(),
    (e: unknown) => e instanceof CheckError && /wrongly classed/.test(e.message),
  );
});

/** Code cells of a chapter notebook, joined. */
function chapterCode(nb: string): string {
  const cells = JSON.parse(fs.readFileSync(path.join(root, "notebooks", nb), "utf8")).cells as {
    cell_type: string;
    source: string | string[];
  }[];
  return cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
    .join("\n");
}

interface Parsed {
  claim: string;
  cls: string;
}
/** Every `record({ … })` call of a notebook: the field names in order, and the claim and class. */
function recordCalls(code: string): { fields: string[]; parsed: Parsed; text: string }[] {
  const out: { fields: string[]; parsed: Parsed; text: string }[] = [];
  const re = /record\(\{ ([\s\S]*?) \}\);/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    const body = m[1];
    // split the literal at its top-level commas (strings, templates and brackets skipped); each part starts with its field name
    const parts: string[] = [];
    let depth = 0;
    let quote = "";
    let start = 0;
    for (let i = 0; i < body.length; i++) {
      const ch = body[i];
      if (quote) {
        if (ch === "\\") i++;
        else if (ch === quote) quote = "";
      } else if (ch === '"' || ch === "`" || ch === "'") quote = ch;
      else if ("([{".includes(ch)) depth++;
      else if (")]}".includes(ch)) depth--;
      else if (ch === "," && depth === 0) {
        parts.push(body.slice(start, i));
        start = i + 1;
      }
    }
    parts.push(body.slice(start));
    const fields = parts.map((p) => /^\s*([A-Za-z]+):/.exec(p)?.[1] ?? `?${p.trim().slice(0, 20)}`);
    const claim = /claim: ("(?:[^"\\]|\\.)*"|`[^`]*`)/.exec(body)?.[1] ?? "";
    const cls = /class: "([^"]*)"/.exec(body)?.[1] ?? "";
    out.push({ fields, parsed: { claim, cls }, text: m[0] });
  }
  return out;
}

const chapters = fs
  .readdirSync(path.join(root, "notebooks"))
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort();
const withLedger = [
  "02-gradient-descent.ipynb",
  "04-softmax-regression.ipynb",
  "06-backpropagation.ipynb",
  "07-rmsprop.ipynb",
];

test("every chapter's ledger has one shape: d.errataLedger, the same six fields in order, a class from the list, verified in the checks cell", () => {
  const allowed = new Set<string>(["holds", ...ERRATUM_CLASSES]);
  assert.deepEqual([...ERRATUM_CLASSES], ["error", "notation", "convention", "teaching point"]);
  for (const nb of chapters) {
    const code = chapterCode(nb);
    // no chapter keeps a ledger of its own making
    for (const local of [
      /type Verdict\b/,
      /type Erratum\b/,
      /\berrata\.push\(/,
      /\bledger\.push\(/,
      /const ledger: /,
    ]) {
      assert.doesNotMatch(code, local, `${nb}: declares its own ledger (${local}); use d.errataLedger`);
    }
    const calls = recordCalls(code);
    if (!withLedger.includes(nb)) {
      assert.equal(calls.length, 0, `${nb}: records ledger entries but is not in the list of chapters with a ledger`);
      continue;
    }
    assert.match(
      code,
      new RegExp(`d\\.errataLedger\\("${nb.slice(0, 2)}"\\)`),
      `${nb}: no d.errataLedger("${nb.slice(0, 2)}")`,
    );
    assert.match(code, /\/\/ Checks[\s\S]*ledger\.verify\(\)/, `${nb}: the checks cell does not call ledger.verify()`);
    assert.ok(calls.length >= 4, `${nb}: only ${calls.length} ledger entries`);
    for (const c of calls) {
      assert.deepEqual(
        c.fields,
        ["source", "claim", "class", "asPrinted", "corrected", "evidence"],
        `${nb}: ${c.text.slice(0, 120)}`,
      );
      assert.ok(allowed.has(c.parsed.cls), `${nb}: class "${c.parsed.cls}" in ${c.text.slice(0, 120)}`);
      assert.match(
        c.text,
        /source: "seed 00[0-4]|source: "this notebook"/,
        `${nb}: every entry names its seed: ${c.text.slice(0, 120)}`,
      );
    }
  }
});

test("the ledgers hold what issue 24 asks for, each with its class", () => {
  const entries = (nb: string) => recordCalls(chapterCode(nb)).map((c) => c.parsed);
  const classOf = (nb: string, claim: RegExp) => {
    const hits = entries(nb).filter((e) => claim.test(e.claim));
    assert.equal(hits.length, 1, `${nb}: ${hits.length} entries match ${claim}`);
    return hits[0].cls;
  };
  assert.equal(classOf("04-softmax-regression.ipynb", /range\(9\)/), "error");
  assert.equal(classOf("04-softmax-regression.ipynb", /0:783/), "error");
  assert.equal(classOf("04-softmax-regression.ipynb", /PROBS = exp/), "error");
  assert.equal(classOf("06-backpropagation.ipynb", /np\.mean\(X_test/), "error");
  assert.equal(classOf("06-backpropagation.ipynb", /np\.max\(x\)/), "teaching point");
  assert.equal(classOf("06-backpropagation.ipynb", /1 ≤ j ≤ 10/), "notation");
  assert.equal(classOf("07-rmsprop.ipynb", /cross entropy with an L\^2 regularization/), "error");
  assert.equal(classOf("07-rmsprop.ipynb", /np\.exp\(z2\)/), "teaching point");
  assert.equal(classOf("07-rmsprop.ipynb", /i % 500 == 0/), "convention");
  assert.equal(classOf("07-rmsprop.ipynb", /g₋₁ = 1/), "convention");
  assert.equal(classOf("02-gradient-descent.ipynb", /≪ 0/), "error");
  assert.equal(classOf("02-gradient-descent.ipynb", /Schwartz/), "notation");
  assert.equal(classOf("02-gradient-descent.ipynb", /λ .* η/), "notation");
  assert.equal(classOf("02-gradient-descent.ipynb", /mini-batches/), "teaching point");
});
