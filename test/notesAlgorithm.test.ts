import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, randn, zeros } from "../src/core/matrix";
import { rng } from "../src/core/random";
import {
  energyFiniteDifferences,
  exactEnergyGradient,
  notesCaseGradient,
  notesDerivationWeightGradient,
  notesEnergy,
  notesProbabilities,
  notesProbabilitiesNaive,
  notesProbabilityMatrix,
  NotesParams,
  notesZeroParams,
  trainNotesAlgorithm,
} from "../src/chapters/notesAlgorithm";

/** A small random problem: K classes, N features, n examples, labels covering every class. */
function problem(K: number, N: number, n: number, seed: number) {
  const r = rng(seed);
  const p: NotesParams = { W: randn(K, N, r, 0.5), b: randn(1, K, r, 0.5) };
  const X = randn(n, N, r);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = i % K;
  return { p, X, y };
}

const allEntries = (K: number, N: number) => {
  const e: [number, number][] = [];
  for (let j = 0; j < K; j++) for (let k = 0; k < N; k++) e.push([j, k]);
  return e;
};

test("probabilities are a softmax: positive, sum to 1, unchanged by a common shift of the logits", () => {
  const { p, X } = problem(4, 3, 2, 1);
  const s = Array.from(notesProbabilities(p, X.row(0)));
  assert.ok(s.every((v) => v > 0));
  assert.ok(Math.abs(s.reduce((a, v) => a + v, 0) - 1) < 1e-12);
  const shifted: NotesParams = {
    W: p.W,
    b: new Matrix(
      1,
      4,
      Float64Array.from(p.b.data, (v) => v + 100),
    ),
  };
  const t = notesProbabilities(shifted, X.row(0));
  s.forEach((v, j) => assert.ok(Math.abs(v - t[j]) < 1e-12));
  // direct formula exp(z_j)/Σexp(z_l) on this small, safe example
  const z = [0, 1, 2, 3].map((j) => p.b.data[j] + Array.from(X.row(0)).reduce((a, xk, k) => a + xk * p.W.get(j, k), 0));
  const norm = z.reduce((a, v) => a + Math.exp(v), 0);
  z.forEach((v, j) => assert.ok(Math.abs(Math.exp(v) / norm - s[j]) < 1e-12));
});

test("the naive pseudo-code softmax overflows to NaN for large logits; the stable one does not", () => {
  const p: NotesParams = { W: new Matrix(2, 1, new Float64Array([4, 3])), b: zeros(1, 2) };
  const x = [255];
  const naive = notesProbabilitiesNaive(p, x);
  assert.ok(Number.isNaN(naive[0]));
  const stable = notesProbabilities(p, x);
  assert.ok(Math.abs(stable[0] - 1 / (1 + Math.exp(-255))) < 1e-12);
});

test("energy is −Σ ln p_{y_i}; summing j over 1…10 instead of 0…9 drops the class-0 examples", () => {
  const { p, X, y } = problem(10, 5, 30, 2);
  const P = notesProbabilityMatrix(p, X);
  let E = 0;
  let E0 = 0;
  for (let i = 0; i < 30; i++) {
    const li = -Math.log(P.get(i, y[i]));
    E += li;
    if (y[i] === 0) E0 += li;
  }
  assert.ok(Math.abs(notesEnergy(p, X, y) - E) < 1e-9);
  const printed = notesEnergy(p, X, y, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(Math.abs(printed - (E - E0)) < 1e-9);
  assert.ok(E0 > 0.1);
});

test("the corrected gradient matches central finite differences for every weight and bias", () => {
  const { p, X, y } = problem(3, 4, 7, 3);
  const { dW, db } = exactEnergyGradient(p, X, y);
  const fd = energyFiniteDifferences(p, X, y, allEntries(3, 4));
  fd.dW.forEach((v, t) => assert.ok(Math.abs(v - dW.data[t]) < 1e-6, `dW[${t}] ${dW.data[t]} vs ${v}`));
  fd.db.forEach((v, j) => assert.ok(Math.abs(v - db.data[j]) < 1e-6, `db[${j}] ${db.data[j]} vs ${v}`));
});

test("the notes' derivation (last line) disagrees with finite differences", () => {
  const { p, X, y } = problem(3, 4, 7, 4);
  const printed = notesDerivationWeightGradient(p, X, y);
  const fd = energyFiniteDifferences(p, X, y, allEntries(3, 4));
  const worst = Math.max(...fd.dW.map((v, t) => Math.abs(v - printed.data[t])));
  assert.ok(worst > 0.1, `worst difference ${worst}`);
  // it is exactly the part coming from examples of class j: −Σ_{i: y_i=j} x_{i,k}(1 − p_j)
  const { dW } = exactEnergyGradient(p, X, y);
  const P = notesProbabilityMatrix(p, X);
  let other = 0;
  for (let i = 0; i < 7; i++) if (y[i] !== 0) other += P.get(i, 0) * X.get(i, 1);
  assert.ok(Math.abs(dW.get(0, 1) - printed.get(0, 1) - other) < 1e-9);
});

test("the notes' case formulas: wrong sign for w_y and for b_j (j ≠ y), right otherwise", () => {
  const { p, X, y } = problem(3, 4, 1, 5);
  const notes = notesCaseGradient(p, X.row(0), y[0]);
  const fd = energyFiniteDifferences(p, X, y, allEntries(3, 4));
  for (let j = 0; j < 3; j++) {
    for (let k = 0; k < 4; k++) {
      const t = j * 4 + k;
      if (j === y[0]) assert.ok(Math.abs(notes.dW.data[t] + fd.dW[t]) < 1e-6, "w_y has the opposite sign");
      else assert.ok(Math.abs(notes.dW.data[t] - fd.dW[t]) < 1e-6, "w_j (j ≠ y) is right");
    }
    if (j === y[0]) assert.ok(Math.abs(notes.db.data[j] - fd.db[j]) < 1e-6, "b_y is right");
    else assert.ok(Math.abs(notes.db.data[j] + fd.db[j]) < 1e-6, "b_j (j ≠ y) has the opposite sign");
  }
});

test("one pass over one example is one gradient-descent step on E", () => {
  const { p, X, y } = problem(10, 6, 1, 6);
  const W0 = p.W.data.slice();
  const b0 = p.b.data.slice();
  const g = exactEnergyGradient(p, X, y);
  const eta = 0.3;
  trainNotesAlgorithm(X, y, { stepSize: eta, maxPasses: 1, epsilon: 0, init: p });
  W0.forEach((w, t) => assert.ok(Math.abs(p.W.data[t] - (w - eta * g.dW.data[t])) < 1e-12));
  b0.forEach((v, j) => assert.ok(Math.abs(p.b.data[j] - (v - eta * g.db.data[j])) < 1e-12));
});

/** Three well separated blobs in 2-D, with a constant third feature. */
function blobs(n: number, seed: number) {
  const r = rng(seed);
  const centres = [
    [4, 0],
    [-4, 3],
    [0, -4],
  ];
  const X = zeros(n, 3);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    y[i] = c;
    X.set(i, 0, centres[c][0] + r.normal(0, 0.5));
    X.set(i, 1, centres[c][1] + r.normal(0, 0.5));
    X.set(i, 2, 1);
  }
  return { X, y };
}

test("training counts mistakes per pass, lowers the energy and learns separable data", () => {
  const { X, y } = blobs(60, 7);
  const init = notesZeroParams(3, 3);
  const E0 = notesEnergy(init, X, y);
  const res = trainNotesAlgorithm(X, y, { stepSize: 0.1, maxPasses: 5, epsilon: 0, init });
  assert.equal(res.passes.length, 5);
  assert.equal(res.stoppedBecause, "max-passes");
  assert.ok(res.passes[0].mistakes >= res.passes[4].mistakes);
  assert.equal(res.passes[4].mistakes, 0);
  // with a negligible step the weights stay ≈ 0, so every prediction is class 0 (first index on ties)
  const frozen = trainNotesAlgorithm(X, y, { stepSize: 1e-300, maxPasses: 1, epsilon: 0, init: notesZeroParams(3, 3) });
  assert.equal(frozen.passes[0].mistakes, 40);
  assert.ok(Math.abs(frozen.passes[0].cost - 60 * Math.log(3)) < 1e-9);
  assert.ok(notesEnergy(res.params, X, y) < 0.2 * E0);
  // costs recorded per example add up to the pass cost
  assert.ok(Math.abs(res.cost.reduce((a, v) => a + v, 0) - res.passes[4].cost) < 1e-9);
});

test("step size halves every pass when asked, and a large epsilon stops early", () => {
  const { X, y } = blobs(30, 8);
  const res = trainNotesAlgorithm(X, y, {
    stepSize: 0.2,
    maxPasses: 4,
    epsilon: 0,
    decreaseWhen: "every-pass",
    init: notesZeroParams(3, 3),
  });
  assert.deepEqual(
    res.passes.map((q) => q.stepSize),
    [0.2, 0.1, 0.05, 0.025],
  );
  const early = trainNotesAlgorithm(X, y, { stepSize: 0.2, maxPasses: 50, epsilon: 1e9, init: notesZeroParams(3, 3) });
  assert.equal(early.stoppedBecause, "small-change");
  assert.equal(early.passes.length, 2);
});

test("the as-written loops never train neuron 9 nor the last pixel", () => {
  const r = rng(9);
  const X = randn(20, 784, r);
  const y = new Uint8Array(20).map((_, i) => i % 10);
  const res = trainNotesAlgorithm(X, y, {
    stepSize: 0.01,
    maxPasses: 1,
    epsilon: 0,
    variant: "as-written",
    allowInfiniteCost: true,
  });
  const W = res.params.W;
  let row9 = 0;
  for (let k = 0; k < 784; k++) row9 += Math.abs(W.get(9, k));
  let col783 = 0;
  for (let j = 0; j < 10; j++) col783 += Math.abs(W.get(j, 783));
  assert.equal(row9, 0);
  assert.equal(col783, 0);
  assert.equal(res.params.b.data[9], 0);
  assert.ok(Math.abs(W.get(0, 0)) > 0);
});

test("bad input is named: labels, shapes, step size", () => {
  const { X, y } = blobs(6, 10);
  assert.throws(
    () =>
      trainNotesAlgorithm(X, new Uint8Array([0, 1, 2, 3, 0, 1]), {
        stepSize: 0.1,
        maxPasses: 1,
        epsilon: 0,
        init: notesZeroParams(3, 3),
      }),
    /y\[3\] = 3/,
  );
  assert.throws(
    () =>
      trainNotesAlgorithm(X, y.subarray(0, 5), {
        stepSize: 0.1,
        maxPasses: 1,
        epsilon: 0,
        init: notesZeroParams(3, 3),
      }),
    /X is 6×3 but y has 5 labels/,
  );
  assert.throws(
    () => trainNotesAlgorithm(X, y, { stepSize: 0.1, maxPasses: 1, epsilon: 0, init: notesZeroParams(3, 4) }),
    /W is 3×4 but the examples have 3 features/,
  );
  assert.throws(
    () => trainNotesAlgorithm(X, y, { stepSize: -1, maxPasses: 1, epsilon: 0, init: notesZeroParams(3, 3) }),
    /stepSize/,
  );
  X.set(4, 1, NaN);
  assert.throws(
    () => trainNotesAlgorithm(X, y, { stepSize: 0.1, maxPasses: 3, epsilon: 0, init: notesZeroParams(3, 3) }),
    /cost of example 4 is NaN in pass 1/,
  );
});

test("each slip of the printed loops can be switched on alone", () => {
  const K = 10,
    N = 784,
    n = 40;
  const r = rng(12);
  const X = randn(n, N, r);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = i % K;
  const run = (slip?: "range(9)" | "0:783" | "case signs") =>
    trainNotesAlgorithm(X, y, { stepSize: 0.01, maxPasses: 1, epsilon: 0, init: notesZeroParams(K, N), slip }).params;
  const ok = run();
  const r9 = run("range(9)");
  const r783 = run("0:783");
  const signs = run("case signs");
  // range(9): neuron 9 keeps its zero weights and bias; the other rows move
  assert.ok(Array.from(r9.W.row(9)).every((v) => v === 0) && r9.b.data[9] === 0);
  assert.ok(r9.W.get(0, 5) !== 0);
  // 0:783: only the last column stays at zero
  for (let j = 0; j < K; j++) assert.equal(r783.W.get(j, 783), 0);
  assert.ok(ok.W.get(0, 783) !== 0 && r783.W.get(0, 782) !== 0);
  // case signs: the first update (all p_j = 0.1) has the wrong sign on the true class's weights
  const first = (slip?: "case signs") =>
    trainNotesAlgorithm(new Matrix(1, N, X.row(0)), y.subarray(0, 1), {
      stepSize: 1,
      maxPasses: 1,
      epsilon: 0,
      init: notesZeroParams(K, N),
      slip,
    }).params;
  const a = first(),
    bSig = first("case signs");
  assert.ok(Math.abs(a.W.get(0, 3) + bSig.W.get(0, 3)) < 1e-12 && a.W.get(0, 3) !== 0);
  assert.ok(Math.abs(a.b.data[1] + bSig.b.data[1]) < 1e-12);
  assert.ok(signs.W.get(1, 5) !== ok.W.get(1, 5));
  assert.throws(
    () => trainNotesAlgorithm(X, y, { stepSize: 0.1, maxPasses: 1, epsilon: 0, slip: "range(8)" as never }),
    /unknown slip "range\(8\)"/,
  );
});
