import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  crossEntropy,
  crossEntropyPerExample,
  fromArrays,
  logSoftmax,
  logSumExp,
  Matrix,
  oneHot,
  ShapeError,
  softmax,
  softmaxJacobian,
  softmaxMinusOneHot,
  zeros,
} from "../src/index";

/** A batch of logits: n rows of K numbers in a moderate range, plus labels. */
const batch = fc.record({ n: fc.integer({ min: 1, max: 6 }), K: fc.integer({ min: 2, max: 8 }) }).chain(({ n, K }) =>
  fc.record({
    Z: fc.array(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: K, maxLength: K }), {
      minLength: n,
      maxLength: n,
    }),
    y: fc.array(fc.integer({ min: 0, max: K - 1 }), { minLength: n, maxLength: n }),
  }),
);

test("softmax rows are probabilities: positive entries summing to 1", () => {
  fc.assert(
    fc.property(batch, ({ Z }) => {
      const S = softmax(fromArrays(Z));
      for (let i = 0; i < S.rows; i++) {
        const row = Array.from(S.row(i));
        row.forEach((s) => assert.ok(s >= 0 && s <= 1));
        assert.ok(
          Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12,
          `row ${i} sums to ${row.reduce((a, b) => a + b, 0)}`,
        );
      }
    }),
  );
});

test("softmax is unchanged by adding a constant to a row", () => {
  fc.assert(
    fc.property(batch, fc.double({ min: -500, max: 500, noNaN: true }), ({ Z }, c) => {
      const S = softmax(fromArrays(Z));
      const T = softmax(fromArrays(Z.map((row, i) => row.map((z) => z + (i % 2 === 0 ? c : -c)))));
      for (let i = 0; i < S.data.length; i++)
        assert.ok(Math.abs(S.data[i] - T.data[i]) < 1e-9, `entry ${i}: ${S.data[i]} vs ${T.data[i]}`);
    }),
  );
});

test("softmax agrees with the naive formula e^z / Σ e^z for small logits and survives huge ones", () => {
  const z = [1, 2, 3];
  const e = z.map(Math.exp);
  const total = e.reduce((a, b) => a + b, 0);
  const S = softmax(fromArrays([z]));
  e.forEach((v, k) => assert.ok(Math.abs(S.data[k] - v / total) < 1e-15));
  const big = softmax(
    fromArrays([
      [1000, 1000, -1000],
      [-1e308, 0, 1e308],
    ]),
  );
  assert.deepEqual(Array.from(big.row(0)), [0.5, 0.5, 0]);
  assert.deepEqual(Array.from(big.row(1)), [0, 0, 1]);
  const f32 = softmax(fromArrays([[100, 0]], "float32"));
  assert.equal(f32.dtype, "float32");
  assert.ok(Number.isFinite(f32.data[0]) && f32.data[0] > 0.99);
});

test("log-softmax equals ln(softmax) and uses log-sum-exp", () => {
  fc.assert(
    fc.property(batch, ({ Z }) => {
      const M = fromArrays(Z);
      const L = logSoftmax(M);
      const S = softmax(M);
      for (let i = 0; i < L.data.length; i++) {
        if (S.data[i] > 1e-300) assert.ok(Math.abs(L.data[i] - Math.log(S.data[i])) < 1e-9, `entry ${i}`);
        assert.ok(L.data[i] <= 1e-15, "log-probabilities are ≤ 0");
      }
    }),
  );
  // where ln(softmax) underflows to −∞, log-softmax stays exact: z_k − LSE(z)
  const L = logSoftmax(fromArrays([[0, 2000]]));
  assert.equal(L.data[0], -2000);
  assert.equal(logSumExp([1000, 1000]), 1000 + Math.log(2));
});

test("the softmax Jacobian S_i(1{i=j} − S_j) matches central differences of softmax", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 6 }), (z) => {
      const K = z.length;
      const s = softmax(fromArrays([z])).data;
      const J = softmaxJacobian(s);
      assert.equal(J.shape, `${K}×${K}`);
      const h = 1e-6;
      for (let j = 0; j < K; j++) {
        const up = softmax(fromArrays([z.map((v, l) => (l === j ? v + h : v))])).data;
        const down = softmax(fromArrays([z.map((v, l) => (l === j ? v - h : v))])).data;
        for (let i = 0; i < K; i++) {
          const numeric = (up[i] - down[i]) / (2 * h);
          assert.ok(Math.abs(J.get(i, j) - numeric) < 1e-8, `J[${i},${j}] = ${J.get(i, j)}, numeric ${numeric}`);
        }
      }
      // each column sums to 0: the probabilities always sum to 1
      for (let j = 0; j < K; j++) {
        let col = 0;
        for (let i = 0; i < K; i++) col += J.get(i, j);
        assert.ok(Math.abs(col) < 1e-15);
      }
    }),
    { numRuns: 50 },
  );
});

test("cross-entropy is ≥ 0, equals the mean of −ln softmax at the true class, and is stable", () => {
  fc.assert(
    fc.property(batch, ({ Z, y }) => {
      const M = fromArrays(Z);
      const L = crossEntropy(M, y);
      assert.ok(L >= 0, `cross-entropy ${L} < 0`);
      const S = softmax(M);
      const per = crossEntropyPerExample(M, y);
      let mean = 0;
      y.forEach((k, i) => {
        if (S.get(i, k) > 1e-200) assert.ok(Math.abs(per[i] + Math.log(S.get(i, k))) < 1e-9);
        mean += per[i] / y.length;
      });
      assert.ok(Math.abs(L - mean) < 1e-12);
    }),
  );
  assert.equal(crossEntropy(fromArrays([[0, 1000]]), [0]), 1000); // naive −ln(softmax) would give Infinity
  assert.ok(Math.abs(crossEntropy(zeros(3, 10), [0, 5, 9]) - Math.log(10)) < 1e-15, "uniform logits give ln K");
});

test("∂L/∂Z = (S − Y)/n matches central differences of the mean cross-entropy", () => {
  fc.assert(
    fc.property(batch, ({ Z, y }) => {
      const M = fromArrays(Z.map((row) => row.map((z) => z / 10)));
      const G = softmaxMinusOneHot(softmax(M), y);
      const n = M.rows;
      const h = 1e-6;
      for (let k = 0; k < M.data.length; k++) {
        const t = M.data[k];
        M.data[k] = t + h;
        const up = crossEntropy(M, y);
        M.data[k] = t - h;
        const down = crossEntropy(M, y);
        M.data[k] = t;
        const numeric = (up - down) / (2 * h);
        assert.ok(Math.abs(G.data[k] / n - numeric) < 1e-7, `entry ${k}: ${G.data[k] / n} vs ${numeric}`);
      }
    }),
    { numRuns: 40 },
  );
});

test("one-hot encoding, and labels outside 0…K−1 throw naming the row and value", () => {
  assert.deepEqual(oneHot([2, 0], 3).toArrays(), [
    [0, 0, 1],
    [1, 0, 0],
  ]);
  assert.equal(oneHot(new Uint8Array([1]), 2, "float32").dtype, "float32");
  assert.throws(
    () => oneHot([0, 1, 10], 10),
    (e: Error) => /y\[2\] = 10/.test(e.message) && /0…9/.test(e.message),
  );
  assert.throws(() => oneHot([0, -1], 10), /y\[1\] = -1/);
  assert.throws(() => oneHot([1.5], 10), /y\[0\] = 1.5/);
  assert.throws(() => crossEntropy(zeros(2, 3), [0, 3]), /y\[1\] = 3/);
  assert.throws(
    () => crossEntropy(zeros(2, 3), [0]),
    (e: Error) => e instanceof ShapeError && /2×3/.test(e.message) && /1 labels/.test(e.message),
  );
  assert.throws(() => crossEntropy(zeros(0, 3), []), /no rows/);
  assert.throws(
    () => softmax(zeros(2, 3), zeros(3, 2)),
    (e: Error) => e instanceof ShapeError && /3×2/.test(e.message),
  );
});

test("softmax can work in place (out = Z)", () => {
  const Z: Matrix = fromArrays([
    [1, 2],
    [3, 3],
  ]);
  const expected = softmax(Z).data.slice();
  softmax(Z, Z);
  assert.deepEqual(Array.from(Z.data), Array.from(expected));
});
