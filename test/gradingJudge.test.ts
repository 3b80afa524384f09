// Judging a class on the grader's side (scripts/homework/grading/results.ts, judge): every student's outcomes
// are compared on the same cases, so the cases, the reference's outcome on each and the known mistakes'
// outcomes are computed once per grading run (src/homework/check.ts, rememberReferences), with the same
// verdicts as computing them for each student, and nothing one judgement does to them reaches the next.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/core/random";
import { CheckResult, exercise, replayCaller, runCheckWith, SentOutcome } from "../src/homework/check";
import { encode } from "../src/homework/wire";
import { judge, SentResult } from "../scripts/homework/grading/results";

const calls = { cases: 0, reference: 0, mistake: 0 };
const ID = "test-judge-ex1";
exercise({
  id: ID,
  title: "doubled",
  seed: 42,
  reference: (x: Float64Array) => (calls.reference++, x.map((v) => 2 * v)),
  cases: (rng: Rng) => {
    calls.cases++;
    return [
      { name: "three", args: [Float64Array.from([1, 2, 3].map((v) => v + rng.uniform()))] },
      { name: "one", args: [Float64Array.from([rng.uniform()])] },
    ];
  },
  hidden: (rng: Rng) => {
    calls.cases++;
    return [{ name: "hidden", args: [Float64Array.from([5 + rng.uniform(), 6])] }];
  },
  mistakes: [{ answer: (x: Float64Array) => (calls.mistake++, x.map((v) => 3 * v)), hint: "tripled, not doubled" }],
  // a compare that spoils what it is given: a later judgement must not see it
  compare: (got, expected) => {
    const g = got as Float64Array;
    const e = expected as Float64Array;
    const ok = g.length === e.length && g.every((v, i) => Math.abs(v - e[i]) < 1e-9);
    e.fill(Number.NaN);
    return ok ? null : "not doubled";
  },
});

function sent(kind: "visible" | "hidden", factor: number, seed: number): SentResult {
  const rng = new Rng(seed);
  const cases =
    kind === "visible"
      ? [Float64Array.from([1, 2, 3].map((v) => v + rng.uniform())), Float64Array.from([rng.uniform()])]
      : [Float64Array.from([5 + rng.uniform(), 6])];
  const outcomes: SentOutcome[] = cases.map((x) => ({
    ok: true,
    value: encode(x.map((v) => factor * v)),
    args: encode([x]),
  }));
  return { id: ID, kind, outcomes };
}

const strip = (r: CheckResult) => JSON.parse(JSON.stringify(r)) as unknown;

test("judging a class computes each case's reference and mistakes once, with the verdicts of judging each alone", () => {
  const seed = 1234; // the hidden cases' seed
  const visibleSeed = 42;
  const students = [2, 3, 2, 7, 3, 2]; // 2: right; 3: the known mistake; 7: wrong otherwise
  // each judged alone first (references not remembered yet: every student pays for them)
  const alone = students.map((f) => [
    strip(runCheckWith(ID, replayCaller(sent("visible", f, visibleSeed).outcomes!), {})),
    strip(runCheckWith(ID, replayCaller(sent("hidden", f, seed).outcomes!), { hidden: true, seed })),
  ]);
  assert.deepEqual(calls, { cases: 12, reference: 18, mistake: 9 }, "judged alone, each student pays for every case");
  assert.deepEqual(
    alone.map(([v, h]) => [(v as CheckResult).points, (h as CheckResult).points]),
    students.map((f) => (f === 2 ? [2, 1] : [0, 0])),
  );
  assert.match(JSON.stringify(alone[1]), /tripled, not doubled/);

  for (const k of Object.keys(calls) as (keyof typeof calls)[]) calls[k] = 0;
  const judged = students.map((f) => [
    strip(judge(sent("visible", f, visibleSeed), {})),
    strip(judge(sent("hidden", f, seed), { [ID]: seed })),
  ]);
  assert.deepEqual(judged, alone, "the same verdicts, hints and messages as judging each student alone");
  assert.deepEqual(calls, { cases: 2, reference: 3, mistake: 3 }, "once per case for the whole class");

  // another hidden seed is other cases: computed (once) for it
  const other = strip(judge(sent("hidden", 2, 99), { [ID]: 99 }));
  assert.equal((other as CheckResult).points, 1);
  assert.deepEqual(calls, { cases: 3, reference: 4, mistake: 3 });
});
