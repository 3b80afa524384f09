// Property tests of the shared contract: src/core/matrix.ts, src/core/random.ts and the gemm reference kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  addRowVector,
  argmaxRows,
  fromArrays,
  gatherRows,
  gemmBackendName,
  gemmReference,
  Matrix,
  matmul,
  matmulNT,
  matmulTN,
  randn,
  rng,
  Rng,
  ShapeError,
  sumCols,
  sumRows,
  transpose,
  zeros,
  DType,
} from "../src/index";

/** C[i][j] = Σ_p A[i][p] B[p][j], on nested arrays, the textbook triple loop. */
function naive(A: number[][], B: number[][]): number[][] {
  const m = A.length;
  const k = B.length;
  const n = k > 0 ? B[0].length : 0;
  const C: number[][] = [];
  for (let i = 0; i < m; i++) {
    C.push([]);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A[i][p] * B[p][j];
      C[i].push(s);
    }
  }
  return C;
}

function tr(A: number[][], cols: number): number[][] {
  const T: number[][] = Array.from({ length: cols }, () => []);
  for (const row of A) row.forEach((v, j) => T[j].push(v));
  return T;
}

function nested(rows: number, cols: number, seed: number): number[][] {
  const r = rng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(r.normal() * 1000) / 100));
}

// |a − e| ≤ tol·(1 + s), where s is |e| or, when given, Σ_p |A[i,p]|·|B[p,j]| (the scale of the rounding
// error of a float32 sum, which can exceed |e| a lot when terms cancel).
function assertClose(actual: Matrix, expected: number[][], tol: number, what: string, scale?: number[][]): void {
  assert.equal(actual.rows, expected.length, `${what}: rows`);
  for (let i = 0; i < expected.length; i++) {
    for (let j = 0; j < expected[i].length; j++) {
      const a = actual.get(i, j);
      const e = expected[i][j];
      const sc = scale ? scale[i][j] : Math.abs(e);
      assert.ok(Math.abs(a - e) <= tol * (1 + sc), `${what}: (${i}, ${j}) is ${a}, expected ${e}`);
    }
  }
}

const dims = fc.record({
  m: fc.integer({ min: 1, max: 9 }),
  k: fc.integer({ min: 1, max: 9 }),
  n: fc.integer({ min: 1, max: 9 }),
  seed: fc.nat(),
});

for (const dtype of ["float64", "float32"] as DType[]) {
  const tol = dtype === "float64" ? 1e-12 : 1e-5;
  test(`matmul, matmulTN and matmulNT (current backend: ${gemmBackendName()}) equal the naive triple loop on random shapes (${dtype})`, () => {
    fc.assert(
      fc.property(dims, ({ m, k, n, seed }) => {
        const A = nested(m, k, seed);
        const B = nested(k, n, seed + 1);
        const expected = naive(A, B);
        // The stored operands are rounded to the dtype; compare against the naive product of what is stored.
        const Am = fromArrays(A, dtype);
        const Bm = fromArrays(B, dtype);
        const stored = naive(Am.toArrays(), Bm.toArrays());
        const abs = (M: number[][]) => M.map((row) => row.map(Math.abs));
        const scale = naive(abs(Am.toArrays()), abs(Bm.toArrays()));
        assertClose(matmul(Am, Bm), stored, tol, "matmul", scale);
        assertClose(matmulTN(fromArrays(tr(A, k), dtype), Bm), stored, tol, "matmulTN", scale);
        assertClose(matmulNT(Am, fromArrays(tr(B, n), dtype), zeros(m, n, dtype)), stored, tol, "matmulNT", scale);
        if (dtype === "float64") assertClose(matmul(Am, Bm), expected, tol, "matmul vs exact inputs");
      }),
      { numRuns: 60 },
    );
  });
}

test("the reference kernel gemmReference equals the naive triple loop for NN, TN and NT", () => {
  fc.assert(
    fc.property(dims, ({ m, k, n, seed }) => {
      const A = nested(m, k, seed);
      const B = nested(k, n, seed + 1);
      const expected = naive(A, B);
      const flat = (M: number[][]) => Float64Array.from(M.flat());
      const c = new Float64Array(m * n).fill(7); // stale values must be overwritten
      const check = (what: string) => assertClose(new Matrix(m, n, c), expected, 1e-12, what);
      gemmReference("NN", m, n, k, flat(A), flat(B), c);
      check("NN");
      gemmReference("TN", m, n, k, flat(tr(A, k)), flat(B), c.fill(7));
      check("TN");
      gemmReference("NT", m, n, k, flat(A), flat(tr(B, n)), c.fill(7));
      check("NT");
    }),
    { numRuns: 60 },
  );
});

test("products overwrite a reused out buffer completely", () => {
  const A = fromArrays([
    [1, 2],
    [3, 4],
  ]);
  const out = fromArrays([
    [99, 99],
    [99, 99],
  ]);
  matmul(A, A, out);
  assert.deepEqual(out.toArrays(), naive(A.toArrays(), A.toArrays()));
  matmulTN(A, A, out);
  assert.deepEqual(out.toArrays(), naive(tr(A.toArrays(), 2), A.toArrays()));
});

test("products refuse mismatched shapes with a ShapeError naming both shapes", () => {
  const A = zeros(2, 3);
  const B = zeros(4, 5);
  assert.throws(
    () => matmul(A, B),
    (e: Error) => e instanceof ShapeError && /matmul/.test(e.message) && /2×3/.test(e.message) && /4×5/.test(e.message),
  );
  assert.throws(
    () => matmulTN(A, B),
    (e: Error) => e instanceof ShapeError && /matmulTN/.test(e.message) && /2×3/.test(e.message),
  );
  assert.throws(
    () => matmulNT(A, B),
    (e: Error) => e instanceof ShapeError && /matmulNT/.test(e.message) && /4×5/.test(e.message),
  );
  assert.throws(() => matmul(zeros(2, 2), zeros(2, 2), zeros(3, 2)), ShapeError);
  assert.throws(() => matmul(zeros(2, 2, "float32"), zeros(2, 2, "float64")), /float32/);
});

test("transpose is an involution and matmulTN(A, B) = matmul(Aᵀ, B)", () => {
  fc.assert(
    fc.property(dims, ({ m, k, n, seed }) => {
      const A = randn(k, m, rng(seed));
      const B = randn(k, n, rng(seed + 7));
      assert.deepEqual(transpose(transpose(A)).data, A.data);
      assertClose(matmulTN(A, B), matmul(transpose(A), B).toArrays(), 1e-12, "TN");
      assertClose(matmulNT(transpose(A), transpose(B)), matmul(transpose(A), B).toArrays(), 1e-12, "NT");
    }),
    { numRuns: 40 },
  );
});

test("addRowVector, sumRows, sumCols and argmaxRows agree with plain loops", () => {
  fc.assert(
    fc.property(dims, ({ m, n, seed }) => {
      const A = nested(m, n, seed);
      const v = nested(1, n, seed + 3)[0];
      const M = fromArrays(A);
      assertClose(
        addRowVector(M, v),
        A.map((row) => row.map((x, j) => x + v[j])),
        1e-12,
        "addRowVector",
      );
      assertClose(sumRows(M), [A[0].map((_, j) => A.reduce((s, row) => s + row[j], 0))], 1e-12, "sumRows");
      assertClose(
        sumCols(M),
        A.map((row) => [row.reduce((s, x) => s + x, 0)]),
        1e-12,
        "sumCols",
      );
      const k = argmaxRows(M);
      A.forEach((row, i) => assert.equal(k[i], row.indexOf(Math.max(...row)), `argmax of row ${i}`));
    }),
    { numRuns: 40 },
  );
  assert.throws(() => addRowVector(zeros(2, 3), [1, 2]), /2×3.*2 entries/);
});

test("gatherRows copies the listed rows and names a bad index", () => {
  const A = fromArrays([
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  assert.deepEqual(gatherRows(A, [2, 0, 2]).toArrays(), [
    [5, 6],
    [1, 2],
    [5, 6],
  ]);
  assert.throws(() => gatherRows(A, [0, 3]), /index 3 at position 1/);
});

test("the same seed gives the same stream; different seeds give different streams", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
      const a = new Rng(seed);
      const b = new Rng(seed);
      const c = new Rng(seed + 1);
      const sa = Array.from({ length: 20 }, () => a.uniform());
      const sb = Array.from({ length: 20 }, () => b.uniform());
      const sc = Array.from({ length: 20 }, () => c.uniform());
      assert.deepEqual(sa, sb);
      assert.notDeepEqual(sa, sc);
      for (const u of sa) assert.ok(u >= 0 && u < 1, `uniform ${u} outside [0, 1)`);
      assert.deepEqual(randn(3, 4, rng(seed)).data, randn(3, 4, rng(seed)).data);
    }),
    { numRuns: 50 },
  );
});

test("normal samples have mean ≈ 0 and variance ≈ 1", () => {
  const r = rng(2024);
  const n = 20000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const z = r.normal();
    s += z;
    s2 += z * z;
  }
  const mean = s / n;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(s2 / n - mean * mean - 1) < 0.05, `variance ${s2 / n - mean * mean}`);
});

test("shuffle and permutation are permutations; sample draws distinct indices in range", () => {
  fc.assert(
    fc.property(fc.array(fc.integer(), { maxLength: 60 }), fc.nat(), (arr, seed) => {
      const shuffled = rng(seed).shuffle(arr.slice());
      assert.deepEqual(
        shuffled.slice().sort((a, b) => a - b),
        arr.slice().sort((a, b) => a - b),
      );
      const p = Array.from(rng(seed).permutation(arr.length));
      assert.deepEqual(
        p.slice().sort((a, b) => a - b),
        Array.from({ length: arr.length }, (_, i) => i),
      );
    }),
    { numRuns: 100 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.nat(), fc.nat(), (n, kRaw, seed) => {
      const k = kRaw % (n + 1);
      const s = Array.from(rng(seed).sample(n, k));
      assert.equal(s.length, k);
      assert.equal(new Set(s).size, k, "indices are distinct");
      for (const i of s) assert.ok(i >= 0 && i < n);
    }),
    { numRuns: 100 },
  );
  assert.throws(() => rng(1).sample(3, 4), /k=4.*n=3/);
});

test("a permutation of 4 visits all 24 arrangements with roughly equal frequency", () => {
  const r = rng(99);
  const counts = new Map<string, number>();
  const trials = 12000;
  for (let t = 0; t < trials; t++) {
    const key = Array.from(r.permutation(4)).join("");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  assert.equal(counts.size, 24);
  for (const [key, c] of counts)
    assert.ok(Math.abs(c - trials / 24) < 0.2 * (trials / 24), `${key} appeared ${c} times`);
});

// The reference kernel adds every term, zeros included, so all three products agree on non-finite inputs.
test("gemmReference propagates NaN/∞ like IEEE arithmetic (0·NaN = NaN)", () => {
  const a = Float64Array.from([0, 1]); // A = [0 1] (1×2), or Aᵀ stored 2×1 for TN
  const b = Float64Array.from([NaN, Infinity, 1, 2]); // B (2×2)
  const c = new Float64Array(2);
  gemmReference("NN", 1, 2, 2, a, b, c);
  assert.ok(Number.isNaN(c[0]) && Number.isNaN(c[1]), `NN gave ${Array.from(c)}`);
  gemmReference("TN", 1, 2, 2, a, b, c);
  assert.ok(Number.isNaN(c[0]) && Number.isNaN(c[1]), `TN gave ${Array.from(c)}`);
});
