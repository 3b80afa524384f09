/**
 * Comparisons (issue 22, item 4): infinities equal only themselves, a difference is printed with
 * enough digits to see it, and an answer computed in float32 is judged with float32's tolerance.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareValues } from "../src/homework/values";
import { diagnose } from "../src/homework/diagnose";
import { Matrix } from "../src/core/matrix";
import { getExercise, runCheck } from "../src/homework/check";
import {
  centralDifferenceCompare,
  exactGradient,
  testFunctions,
} from "../src/homework/exercises/hw06/ex5-central-differences";
import "../src/homework/exercises/index";

test("Infinity is not close to a finite number, nor −Infinity to Infinity", () => {
  assert.match(compareValues(2501, Infinity, 1e-6) ?? "", /expected Infinity, got 2501/);
  assert.match(compareValues(-Infinity, Infinity, 1e-6) ?? "", /expected Infinity, got -Infinity/);
  assert.match(compareValues([1, Infinity], [1, 2], 1e-6) ?? "", /entry \[1\]/);
  assert.equal(compareValues(Infinity, Infinity, 1e-6), null);
  assert.equal(compareValues([NaN], [NaN], 1e-6), null);
});

test("a difference is printed with enough digits to show it", () => {
  const msg = compareValues(2.51972, 2.519725, 1e-9) ?? "";
  const [, e, g] = /expected (\S+), got (\S+)/.exec(msg) ?? [];
  assert.notEqual(e, g, msg);
  assert.ok(Math.abs(Number(e) - 2.519725) < Math.abs(Number(g) - 2.519725), msg);
});

test("an answer computed in float32 passes at a float64 exercise's tolerance of 1e-9", () => {
  const exact = Math.log(Math.exp(0.3) + Math.exp(1.7));
  assert.equal(compareValues(Math.fround(exact), exact, 1e-9), null);
  assert.equal(compareValues(Float32Array.from([exact, 2 * exact]), [exact, 2 * exact], 1e-9), null);
  // …but a float32 value that is wrong by more than float32's precision still fails.
  assert.notEqual(compareValues(Math.fround(exact * 1.001), exact, 1e-9), null);
});

test("hw06-ex5: a correct central difference of Σ m³ passes for every seed, small entries included (its error is h²)", () => {
  const { cubes } = testFunctions;
  const central = (f: (M: Matrix) => number, M: Matrix, h: number): Matrix => {
    const G = new Matrix(M.rows, M.cols, new Float64Array(M.data.length));
    for (let t = 0; t < M.data.length; t++) {
      const keep = M.data[t];
      M.data[t] = keep + h;
      const up = f(M);
      M.data[t] = keep - h;
      G.data[t] = (up - f(M)) / (2 * h);
      M.data[t] = keep;
    }
    return G;
  };
  const M = new Matrix(1, 1, new Float64Array([0.05]));
  assert.equal(centralDifferenceCompare(central(cubes, M, 1e-4), exactGradient("cubes", M), [cubes, M, 1e-4]), null);
  let failed = 0;
  for (let seed = 1; seed <= 100; seed++)
    if (runCheck("hw06-ex5", central, { hidden: true, seed }).status !== "passed") failed++;
  assert.equal(failed, 0);
  // A forward difference still fails the Σ m³ case.
  const forward = (f: (M: Matrix) => number, M: Matrix, h: number): Matrix => {
    const G = new Matrix(M.rows, M.cols, new Float64Array(M.data.length));
    const f0 = f(M);
    for (let t = 0; t < M.data.length; t++) {
      const keep = M.data[t];
      M.data[t] = keep + h;
      G.data[t] = (f(M) - f0) / h;
      M.data[t] = keep;
    }
    return G;
  };
  assert.notEqual(runCheck("hw06-ex5", forward, { hidden: true, seed: 3 }).cases[0].status, "passed");
});

test("hw02-ex4 discloses its hidden start (−2, 4) in the visible cases' names", () => {
  const r = runCheck("hw02-ex4", () => ({ fast: 0.1, diverging: 0.21 }));
  assert.ok(r.cases.every((c) => /\(−2, 4\)/.test(c.name)));
});

test("the off-by-one hint speaks of class indices only for lists of class indices", () => {
  const classes = diagnose([1, 2, 3, 1], [0, 1, 2, 0], []);
  assert.ok(
    classes.some((h) => /class indices are 1 too high/.test(h)),
    classes.join(" | "),
  );
  // A bias never updated (0 instead of 1), integer weights with negatives: no talk of classes.
  for (const [got, expected] of [
    [
      { w: [2, -1], b: 0 },
      { w: [2, -1], b: 1 },
    ],
    [
      [-1, 0, 2],
      [0, 1, 3],
    ],
  ] as const) {
    const hints = diagnose(got, expected, []);
    assert.ok(
      hints.every((h) => !/class indices/.test(h)),
      hints.join(" | "),
    );
  }
});

test("a result halved with an input of length 2 is a factor ½, not an 'extra 1/n'", () => {
  const hints = diagnose([0.5, 1.5, 2.5], [1, 3, 5], [[7, 8]]);
  assert.ok(
    hints.some((h) => /Factor ½/.test(h)),
    hints.join(" | "),
  );
  assert.ok(
    hints.every((h) => !/Extra 1\/n/.test(h)),
    hints.join(" | "),
  );
});

test("the added hints: −Σ over all classes, η applied twice, ascent, αW missing, W instead of αW", () => {
  const wanted: [string, RegExp][] = [
    ["hw03-ex4", /summed −ln s_k over ALL classes/],
    ["hw02-ex2", /learning rate is applied twice/],
    ["hw07-ex3", /gradient ASCENT/],
    ["hw07-ex2", /αW is missing/],
    ["hw07-ex2", /αW, not W/],
  ];
  for (const [id, re] of wanted) {
    const mistake = getExercise(id)!.mistakes!.find((m) => re.test(m.hint))!;
    assert.ok(mistake, `${id}: no mistake ${re}`);
    const r = runCheck(id, mistake.answer);
    assert.notEqual(r.status, "passed", id);
    const hints = r.cases.flatMap((c) => c.hints);
    assert.ok(
      hints.some((h) => re.test(h)),
      `${id}: ${hints.join(" | ")}`,
    );
  }
});
