// Fixtures (src/homework/fixtures.ts): every exercise's visible check, run from its saved fixture
// (as in the student edition, without reference, generators or mistake functions), prints exactly
// what the lecturer's check prints, for the reference, for every known mistake and for the stub.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as hw from "../src/homework/index";
import { exercise, formatResult, getExercise, runCheck } from "../src/homework/check";
import { decode, encode, fixtureSpec, makeFixture } from "../src/homework/fixtures";
import { Matrix } from "../src/core/matrix";
import { gunzipSync } from "node:zlib";

test("encode/decode keep dtypes, non-finite numbers, −0, undefined and nesting", () => {
  const v = {
    m: new Matrix(2, 2, new Float32Array([1.5, -0, Infinity, NaN])),
    i: new Int32Array([3, -4]),
    a: [1, -Infinity, undefined, null, "x"],
    $k: -0,
  };
  const back = decode(JSON.parse(JSON.stringify(encode(v)))) as typeof v;
  assert.ok(back.m instanceof Matrix && back.m.data instanceof Float32Array);
  assert.deepEqual(Array.from(back.m.data), [1.5, -0, Infinity, NaN]);
  assert.ok(Object.is(back.m.data[1], -0));
  assert.ok(back.i instanceof Int32Array);
  assert.deepEqual(back.a, [1, -Infinity, undefined, null, "x"]);
  assert.ok(Object.is(back.$k, -0));
  assert.throws(() => encode({ s: Symbol("x") }, "arg"), /arg\.s is a symbol/);
  // a large array goes to a blob and comes back
  const blobs = new Map<string, Buffer>();
  const big = new Float32Array(5000).map((_, i) => i / 7);
  const saved = encode({ big }, "v", blobs);
  assert.equal(blobs.size, 1);
  assert.ok(JSON.stringify(saved).length < 200);
  const again = decode(saved, "v", { readBlob: (h) => gunzipSync(blobs.get(h)!) }) as { big: Float32Array };
  assert.ok(again.big instanceof Float32Array && again.big.every((x, i) => x === big[i]));
});

const ids = hw.exerciseIds().filter((id) => /^hw0\d-ex\d+$/.test(id));

test("every exercise's check from its fixture prints what the lecturer's check prints", () => {
  assert.ok(ids.length >= 30, `only ${ids.length} exercises registered`);
  let compared = 0;
  let hinted = 0;
  for (const id of ids) {
    const spec = getExercise(id)!;
    const blobs = new Map<string, Buffer>();
    const fixture = JSON.parse(JSON.stringify(makeFixture(spec, blobs)));
    const ctx = { readBlob: (h: string) => gunzipSync(blobs.get(h)!) };
    if (fixture.cases.length === 0) {
      assert.equal(id, "hw06-ex6", `${id}: no visible case could be saved`);
      continue;
    }
    const { reference, cases, hidden, mistakes, seed, ...judging } = spec;
    void [reference, cases, hidden, mistakes, seed];
    const copyId = `fx-${id}`;
    if (!getExercise(copyId)) exercise({ ...judging, id: copyId, ...fixtureSpec(fixture, ctx) });
    const keep = new Set(fixture.cases.map((c: { name: string }) => c.name));
    const students: hw.AnyFunction[] = [
      ...(spec.reference ? [spec.reference] : []),
      ...(spec.mistakes ?? []).map((m) => m.answer),
      () => {
        throw new hw.NotDoneYet();
      },
    ];
    for (const fn of students) {
      const want = runCheck(id, fn);
      const got = runCheck(copyId, fn);
      want.cases = want.cases.filter((c) => keep.has(c.name));
      want.points = want.cases.reduce((s, c) => s + c.points, 0);
      want.max = want.cases.reduce((s, c) => s + c.max, 0);
      const norm = (r: hw.CheckResult) =>
        formatResult(r)
          .replace(copyId, id)
          .replace(/^ {2}→.*$/m, "")
          .replace(/\(as above\)/g, "");
      assert.equal(norm(got), norm(want), `${id}: the fixture's check differs`);
      assert.equal(got.points, want.points, `${id}: points differ`);
      compared++;
      hinted += got.cases.filter((c) => c.hints.length > 0).length;
    }
  }
  assert.ok(compared > 100, `only ${compared} comparisons`);
  assert.ok(hinted > 30, `only ${hinted} hinted cases: the mistakes' outputs are not used`);
});
