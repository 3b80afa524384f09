/**
 * Comparisons (issue 22, item 4): infinities equal only themselves, a difference is printed with
 * enough digits to see it, and an answer computed in float32 is judged with float32's tolerance.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareValues } from "../src/homework/values";

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
