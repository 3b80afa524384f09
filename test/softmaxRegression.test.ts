import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { copy, gradientCheckModel, Matrix, randn, rng, ShapeError, SoftmaxRegression, zeros } from "../src/index";

/** Random small problem: n examples of d inputs, K classes. */
function problem(n: number, d: number, K: number, seed: number) {
  const r = rng(seed);
  const model = new SoftmaxRegression({
    inputs: d,
    classes: K,
    rng: r,
    init: "normal",
    biasInit: "normal",
    dtype: "float64",
  });
  const X = randn(n, d, r);
  const y = Array.from({ length: n }, () => r.int(K));
  return { model, X, y };
}

const shapes = fc.record({
  n: fc.integer({ min: 1, max: 7 }),
  d: fc.integer({ min: 1, max: 6 }),
  K: fc.integer({ min: 2, max: 5 }),
  seed: fc.nat(),
});

test("the vectorised gradient matches gradient checking (float64, relative error < 1e-6)", () => {
  fc.assert(
    fc.property(shapes, ({ n, d, K, seed }) => {
      const { model, X, y } = problem(n, d, K, seed);
      const report = gradientCheckModel(model, X, y);
      // judged entries: not tiny gradients where |analytic − numeric| is within the difference quotient's round-off
      // (e.g. ∂L/∂w = 5e-6 agreeing to 3e-12 has a relative error of 1e-6 from round-off alone)
      assert.ok(report.maxJudgedRelativeError < 1e-6, report.text);
      assert.ok(report.entries.filter((e) => !e.roundoff).length >= 0.75 * report.entries.length, report.text);
      assert.equal(report.rows.length, 2);
    }),
    { numRuns: 25, seed: 4242 },
  );
});

test("the per-example gradient (p − e_y) xᵀ, averaged over the batch, equals the vectorised one", () => {
  fc.assert(
    fc.property(shapes, ({ n, d, K, seed }) => {
      const { model, X, y } = problem(n, d, K, seed);
      const L = model.lossAndGradient(X, y);
      const sumW = zeros(K, d);
      const sumB = zeros(1, K);
      let sumLoss = 0;
      for (let i = 0; i < n; i++) {
        const g = model.exampleGradient(X.row(i), y[i]);
        for (let k = 0; k < sumW.data.length; k++) sumW.data[k] += g.dW.data[k];
        for (let k = 0; k < K; k++) sumB.data[k] += g.db.data[k];
        sumLoss += g.loss;
        // the notes' case form: ∂E/∂w_jk = (p_j − 1) x_k if j = y, p_j x_k otherwise
        for (let j = 0; j < K; j++) {
          for (let k = 0; k < d; k++) {
            const expected = j === y[i] ? (g.p[j] - 1) * X.get(i, k) : g.p[j] * X.get(i, k);
            assert.ok(Math.abs(g.dW.get(j, k) - expected) < 1e-15);
          }
        }
      }
      for (let k = 0; k < sumW.data.length; k++)
        assert.ok(Math.abs(sumW.data[k] / n - model.params[0].grad.data[k]) < 1e-12);
      for (let k = 0; k < K; k++) assert.ok(Math.abs(sumB.data[k] / n - model.params[1].grad.data[k]) < 1e-12);
      assert.ok(Math.abs(sumLoss / n - L) < 1e-12);
    }),
    { numRuns: 25, seed: 4242 },
  );
});

test("the notes' energy E is the sum of per-example losses; loss() is the mean E/n", () => {
  const { model, X, y } = problem(9, 4, 3, 5);
  const E = model.energy(X, y);
  const P = model.predictProba(X);
  let expected = 0;
  y.forEach((k, i) => (expected -= Math.log(P.get(i, k))));
  assert.ok(Math.abs(E - expected) < 1e-12);
  assert.ok(Math.abs(model.loss(X, y) - E / 9) < 1e-12);
});

test("logits are z = W x + b per row; predictions are the argmax of the probabilities", () => {
  const { model, X } = problem(5, 3, 4, 11);
  const Z = model.logits(X);
  for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 4; j++) {
      let z = model.b.get(0, j);
      for (let k = 0; k < 3; k++) z += model.W.get(j, k) * X.get(i, k);
      assert.ok(Math.abs(Z.get(i, j) - z) < 1e-12);
    }
  }
  const P = model.predictProba(X);
  const yhat = model.predict(X);
  for (let i = 0; i < 5; i++) {
    const row = Array.from(P.row(i));
    assert.equal(yhat[i], row.indexOf(Math.max(...row)));
  }
});

test("gradient descent on a separable toy problem drives the loss down and fits the labels", () => {
  // two blobs in 2-D: class = 1 if x1 + x2 > 0
  const r = rng(3);
  const X = randn(40, 2, r, 1, "float32");
  const y = Array.from({ length: 40 }, (_, i) => (X.get(i, 0) + X.get(i, 1) > 0 ? 1 : 0));
  const model = new SoftmaxRegression({ inputs: 2, classes: 2 });
  assert.equal(model.dtype, "float32");
  const start = model.loss(X, y);
  assert.ok(Math.abs(start - Math.log(2)) < 1e-6, "zero weights give ln K");
  const gradBuffer = model.params[0].grad;
  for (let t = 0; t < 200; t++) {
    model.lossAndGradient(X, y);
    for (const p of model.params) for (let k = 0; k < p.value.data.length; k++) p.value.data[k] -= 0.5 * p.grad.data[k];
  }
  assert.equal(model.params[0].grad, gradBuffer, "gradient buffers are reused");
  assert.ok(model.loss(X, y) < 0.3 * start);
  const yhat = model.predict(X);
  const correct = y.filter((k, i) => yhat[i] === k).length;
  assert.ok(correct >= 38, `${correct}/40 correct`);
});

test("bad inputs throw errors naming shapes, dtypes and labels", () => {
  const model = new SoftmaxRegression({ inputs: 4, classes: 3, dtype: "float64" });
  assert.throws(
    () => model.loss(zeros(2, 5), [0, 1]),
    (e: Error) => e instanceof ShapeError && /2×5/.test(e.message) && /4 inputs/.test(e.message),
  );
  assert.throws(() => model.lossAndGradient(zeros(2, 4), [0]), /2 rows but y has 1 labels/);
  assert.throws(() => model.lossAndGradient(zeros(2, 4), [0, 3]), /y\[1\] = 3/);
  assert.throws(() => model.predict(zeros(2, 4, "float32")), /float32 but the model is float64/);
  assert.throws(() => model.exampleGradient([1, 2, 3], 0), /3 entries/);
  assert.throws(() => new SoftmaxRegression({ inputs: 4, classes: 3, init: "normal" }), /needs an Rng/);
  assert.throws(() => new SoftmaxRegression({ inputs: 0, classes: 3 }), /inputs must be a positive integer/);
  const X: Matrix = copy(zeros(2, 4), "float64");
  assert.equal(model.predictProba(X).shape, "2×3");
});

test("fast (fused) and readable paths agree on float32 models: loss, ∂L/∂W, ∂L/∂b, logits, for batches of 1, 7, 129", () => {
  const make = (fast: boolean) =>
    new SoftmaxRegression({ inputs: 50, classes: 10, rng: rng(4), init: "scaled0.1", biasInit: "normal", fast });
  const fast = make(true);
  const slow = make(false);
  assert.ok(fast.usesFastPath && !slow.usesFastPath);
  const r = rng(8);
  const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
    assert.equal(a.length, b.length);
    let scale = 0;
    for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
    for (let i = 0; i < b.length; i++)
      assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + scale), `${what}[${i}]: fast ${a[i]} vs readable ${b[i]}`);
  };
  for (const n of [1, 7, 129]) {
    const X = zeros(n, 50, "float32");
    for (let k = 0; k < X.data.length; k++) X.data[k] = r.uniform() < 0.6 ? 0 : r.uniform();
    const y = Array.from({ length: n }, () => r.int(10));
    const Lf = fast.lossAndGradient(X, y);
    const Ls = slow.lossAndGradient(X, y);
    assert.ok(Math.abs(Lf - Ls) <= 1e-5 * Ls, `n = ${n}: loss fast ${Lf} vs readable ${Ls}`);
    near(fast.params[0].grad.data, slow.params[0].grad.data, 1e-5, `n = ${n}: ∂L/∂W`);
    near(fast.params[1].grad.data, slow.params[1].grad.data, 1e-5, `n = ${n}: ∂L/∂b`);
    near(fast.logits(X).data, slow.logits(X).data, 1e-5, `n = ${n}: logits`);
    assert.ok(Math.abs(fast.energy(X, y) - slow.energy(X, y)) <= 1e-5 * slow.energy(X, y));
    assert.deepEqual(fast.predict(X), slow.predict(X));
  }
  // a few steps of gradient descent stay together
  for (let s = 0; s < 5; s++) {
    const X = randn(10, 50, r, 1, "float32");
    const y = Array.from({ length: 10 }, () => r.int(10));
    for (const m of [fast, slow]) {
      m.lossAndGradient(X, y);
      for (const p of m.params) for (let k = 0; k < p.value.data.length; k++) p.value.data[k] -= 0.5 * p.grad.data[k];
    }
  }
  near(fast.W.data, slow.W.data, 1e-5, "W after 5 steps");
  near(fast.b.data, slow.b.data, 1e-5, "b after 5 steps");
  slow.fast = true;
  assert.ok(slow.usesFastPath);
  assert.equal(new SoftmaxRegression({ inputs: 3, classes: 2, dtype: "float64" }).usesFastPath, false);
});
