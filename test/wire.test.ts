/**
 * Values cross between the grader and the kernel as data (src/homework/wire.ts): every exercise's
 * visible and hidden arguments survive encode → JSON → decode, and its reference gives the same
 * output on the decoded arguments as on the originals.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../src/core/random";
import { Matrix } from "../src/core/matrix";
import {
  casesOf,
  exerciseIds,
  getExercise,
  replayCaller,
  runCheckWith,
  seedOf,
  SentOutcome,
  sentOutcome,
} from "../src/homework/check";
import { compareValues, deepCopy } from "../src/homework/values";
import { compact, decode, encode, portable, Wire } from "../src/homework/wire";
import "../src/homework/exercises/index";

/** Exercises whose cases pass the course's reference functions as arguments (not sent to a student's kernel). */
const NOT_PORTABLE: string[] = [];

const roundTrip = (v: unknown) => decode(JSON.parse(JSON.stringify(encode(v))));

test("numbers keep NaN, ±Infinity and −0; typed arrays their type; matrices their class", () => {
  const v = roundTrip([
    NaN,
    Infinity,
    -Infinity,
    -0,
    1.5,
    { a: new Float32Array([1.25, 2]), m: new Matrix(1, 2, new Float64Array([3, 4])), $x: undefined },
  ]) as unknown[];
  assert.ok(Number.isNaN(v[0]));
  assert.equal(v[1], Infinity);
  assert.equal(v[2], -Infinity);
  assert.ok(Object.is(v[3], -0));
  const o = v[5] as { a: Float32Array; m: Matrix; $x: undefined };
  assert.ok(o.a instanceof Float32Array && o.a[0] === 1.25);
  assert.ok(o.m instanceof Matrix && o.m.get(0, 1) === 4);
  assert.ok("$x" in o);
});

test("a portable function crosses with its scope; a class instance crosses as its fields; a Map or a cycle is a clear error", () => {
  const a = [2, 3];
  const f = roundTrip(portable((v: number[]) => a[0] * v[0] + a[1], { a })) as (v: number[]) => number;
  assert.equal(f([5]), 13);
  class Model {
    W = new Matrix(1, 2, new Float64Array([1, 2]));
    b = [3];
    predict(): number {
      return 0;
    }
  }
  const m = roundTrip({ x: new Model() }) as { x: { W: Matrix; b: number[] } };
  assert.ok(m.x.W instanceof Matrix && m.x.W.get(0, 1) === 2 && m.x.b[0] === 3);
  assert.throws(() => encode({ x: new Map() }), /value\.x is a Map/);
  const c: Record<string, unknown> = {};
  c.self = c;
  assert.throws(() => encode(c), /cycle/);
});

test("every exercise's arguments cross intact: the reference gives the same output on them", () => {
  const failures: string[] = [];
  for (const id of exerciseIds()) {
    const spec = getExercise(id)!;
    if (!spec.reference || NOT_PORTABLE.includes(id)) continue;
    const sets = [spec.cases(new Rng(spec.seed ?? seedOf(id))), ...(spec.hidden ? [spec.hidden(new Rng(12345))] : [])];
    for (const c of sets.flat()) {
      try {
        const a = deepCopy(c.args);
        const b = roundTrip(c.args) as unknown[];
        const ra = spec.reference(...a);
        const rb = spec.reference(...b);
        const oa = spec.output ? spec.output(ra, a) : ra === undefined ? a : ra;
        const ob = spec.output ? spec.output(rb, b) : rb === undefined ? b : rb;
        // outputs compared as they cross (a trained model as its data fields, without its methods and caches)
        const diff = compareValues(roundTrip(ob), roundTrip(oa), 1e-6);
        if (diff) failures.push(`${id} / ${c.name}: ${diff}`);
      } catch (e) {
        failures.push(`${id} / ${c.name}: ${(e as Error).message}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

/**
 * Every exercise's reference judged on the grader's side, visible and hidden, from the outcomes `send` makes
 * of each case (what a kernel would send: the reference's value on the case's arguments, as data): the
 * failures, and the outcomes sent per exercise.
 */
function judgeReferences(send: (reference: (...a: unknown[]) => unknown, args: unknown[]) => SentOutcome): {
  failures: string[];
  sent: Map<string, SentOutcome[]>;
} {
  const failures: string[] = [];
  const sent = new Map<string, SentOutcome[]>();
  for (const id of exerciseIds()) {
    const spec = getExercise(id)!;
    if (!spec.reference) continue;
    for (const hidden of [false, true]) {
      const seed = hidden ? 4242 : undefined;
      const outcomes = casesOf(spec, { hidden, seed }).map(
        (c) => JSON.parse(JSON.stringify(send(spec.reference!, c.args))) as SentOutcome,
      );
      sent.set(id, [...(sent.get(id) ?? []), ...outcomes]);
      const r = runCheckWith(id, replayCaller(outcomes), { hidden, seed });
      if (r.status !== "passed") failures.push(`${id} ${hidden ? "hidden" : "visible"}: ${r.firstFailure}`);
    }
  }
  return { failures, sent };
}

test("judged on the grader's side from sent outcomes, every exercise's reference gets full marks (a trained model included)", () => {
  const { failures } = judgeReferences((reference, caseArgs) => {
    const args = roundTrip(caseArgs) as unknown[];
    const value = reference(...args);
    return { ok: true, value: encode(value), args: encode(args) };
  });
  assert.deepEqual(failures, []);
});

test("a kernel sends back only arguments its call changed; judged the same either way, a change still seen", () => {
  // as sendOutcomes does: the arguments as sent (compact), decoded; the value, and the arguments only if changed
  const { failures, sent } = judgeReferences((reference, caseArgs) => {
    const args = decode(JSON.parse(JSON.stringify(compact(encode(caseArgs)))) as Wire) as unknown[];
    const before = encode(args);
    const value = reference(...args);
    return sentOutcome(value, args, before);
  });
  const same = [...sent]
    .filter(([, os]) => os.every((o) => o.argsSame === true && o.args === undefined))
    .map(([id]) => id);
  assert.deepEqual(failures, []);
  // hw05's experiments take their datasets back no more (~17 MB each as data)
  for (const id of ["hw05-ex3", "hw05-ex4", "hw05-ex5", "hw04-ex5"])
    assert.ok(same.includes(id), `${id} sends its arguments back`);
  assert.ok(same.length >= exerciseIds().length / 2, `only ${same.join(", ")}`);

  // hw04-ex4 asks that the matrix be left as it was: a function that leaves one entry moved sends M back, and fails
  const spec = getExercise("hw04-ex4")!;
  const cases = casesOf(spec, {});
  const outcomes = cases.map((c) => {
    const args = decode(JSON.parse(JSON.stringify(compact(encode(c.args))))) as unknown[];
    const before = encode(args);
    const value = spec.reference!(...args);
    (args[1] as Matrix).data[0] += 1e-3; // the perturbation never undone
    return JSON.parse(JSON.stringify(sentOutcome(value, args, before))) as SentOutcome;
  });
  assert.ok(outcomes.every((o) => o.argsSame === undefined && o.args !== undefined));
  const r = runCheckWith("hw04-ex4", replayCaller(outcomes), {});
  assert.notEqual(r.status, "passed");
});

test("compact: a large typed array of at most 256 distinct values as those values and a byte each, bit for bit", () => {
  const n = 5000;
  const pixels = Float32Array.from({ length: n }, (_, i) => ((i * 37) % 256) / 255);
  const special = Float64Array.from({ length: n }, (_, i) => [0, -0, NaN, Infinity, -Infinity, 1e-300, 0.1][i % 7]);
  const wide = Float64Array.from({ length: n }, (_, i) => i % 300); // 300 distinct: left as it is
  const small = Float64Array.from([1, 1, 1]); // too short to bother
  const words = Uint16Array.from({ length: n }, (_, i) => (i % 3) * 1000);
  const value = {
    pixels,
    special,
    wide,
    small,
    words,
    m: new Matrix(
      50,
      100,
      Float64Array.from({ length: n }, (_, i) => i % 2),
    ),
  };
  const w = encode(value) as Record<string, Wire>;
  const c = JSON.parse(JSON.stringify(compact(w))) as Record<string, Record<string, Wire>>;
  for (const k of ["pixels", "special", "words"]) assert.ok("idx" in c[k] && !("b64" in c[k]), `${k} compacted`);
  for (const k of ["wide", "small"]) assert.ok("b64" in c[k] && !("idx" in c[k]), `${k} left as it is`);
  assert.ok("idx" in (c.m.data as Record<string, Wire>), "a matrix's data compacted");
  const back = decode(c as Wire) as typeof value;
  assert.ok(
    back.pixels instanceof Float32Array && back.special instanceof Float64Array && back.words instanceof Uint16Array,
  );
  assert.ok(back.m instanceof Matrix);
  // the same bits: re-encoded, the data is what encode() made of the original
  assert.equal(JSON.stringify(encode(back)), JSON.stringify(w));
  assert.ok(Object.is(back.special[1], -0) && Number.isNaN(back.special[2]));
  // every exercise's arguments: the same after compact → JSON → decode, and hw05's datasets 3 × smaller or more
  const sizes: Record<string, [number, number]> = {};
  for (const id of exerciseIds()) {
    for (const c2 of casesOf(getExercise(id)!, {})) {
      const plain = encode(c2.args);
      const small2 = JSON.stringify(compact(plain));
      // (a function crosses as source and scope, which a rebuilt function does not encode again: left as it is)
      if (JSON.stringify(plain).includes('"$fn"')) assert.equal(small2, JSON.stringify(plain), `${id} ${c2.name}`);
      else
        assert.equal(
          JSON.stringify(encode(decode(JSON.parse(small2) as Wire))),
          JSON.stringify(plain),
          `${id} ${c2.name}`,
        );
      const [a, b] = sizes[id] ?? [0, 0];
      sizes[id] = [a + JSON.stringify(plain).length, b + small2.length];
    }
  }
  for (const id of ["hw05-ex3", "hw05-ex4", "hw05-ex5", "hw04-ex5"])
    assert.ok(sizes[id][0] > 3 * sizes[id][1], `${id}: ${sizes[id][0]} → ${sizes[id][1]} bytes`);
});
