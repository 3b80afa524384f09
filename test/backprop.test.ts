import { test } from "node:test";
import assert from "node:assert/strict";
import {
  appendOne,
  appendOnesColumn,
  biasUnitBackprop,
  biasUnitEvaluate,
  biasUnitForward,
  biasUnitInit,
  biasUnitLoss,
  biasUnitProbabilities,
  biasUnitSgdStep,
  trainBiasUnitSgd,
  withBiasColumn,
} from "../src/chapters/biasUnitNetwork";
import { slidesBackprop, slidesBackpropAsPrinted, slidesLoss, slidesParamsOf } from "../src/chapters/slidesNetwork";
import { centralDifferences } from "../src/calculus/gradcheck";
import { MLP } from "../src/models/mlp";
import { copy, Matrix, outerProduct, randn, ShapeError, zeros } from "../src/core/matrix";
import { rng } from "../src/core/random";
import { relu, sigmoid } from "../src/models/activations";

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, "lengths differ");
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A small slides-shaped network (n_in ≥ n_h ≥ n_out) in float64 with moderate weights. */
function smallSlides(seed: number) {
  const r = rng(seed);
  const model = new MLP({
    sizes: [12, 6, 4],
    activations: ["sigmoid"],
    init: "normal",
    biasInit: "normal",
    rng: r,
    dtype: "float64",
  });
  const x = Array.from({ length: 12 }, () => r.uniformIn(-1, 1));
  return { model, p: slidesParamsOf(model), x };
}

test("slidesBackprop: every derivative of parts I–IV and the finale matches central differences", () => {
  for (const seed of [1, 2, 3]) {
    const { p, x } = smallSlides(seed);
    const j = seed % 4;
    const G = slidesBackprop(p, x, j);
    const L = () => slidesLoss(p, x, j);
    assert.ok(Math.abs(G.L - L()) < 1e-12);
    assert.ok(maxDiff(G.dLdWhat.data, centralDifferences(L, p.What)) < 1e-7, "∂L/∂Ŵ");
    assert.ok(maxDiff(G.dLdbhat, centralDifferences(L, p.bhat)) < 1e-7, "∂L/∂b̂");
    assert.ok(maxDiff(G.dLdW.data, centralDifferences(L, p.W)) < 1e-7, "∂L/∂W");
    assert.ok(maxDiff(G.dLdb, centralDifferences(L, p.b)) < 1e-7, "∂L/∂b");
    // ∂L/∂f against differences of −ln softmax(f)_j in f directly
    const f = new Matrix(1, 4, Float64Array.from(G.f));
    const lossOfF = () => {
      let m = -Infinity;
      for (const v of f.data) m = Math.max(m, v);
      let s = 0;
      for (const v of f.data) s += Math.exp(v - m);
      return m + Math.log(s) - f.data[j];
    };
    assert.ok(maxDiff(G.dLdf, centralDifferences(lossOfF, f)) < 1e-8, "∂L/∂f");
  }
});

test("slidesBackprop agrees with the vectorised MLP on a batch of one", () => {
  const { model, p, x } = smallSlides(7);
  const X = new Matrix(1, 12, Float64Array.from(x));
  model.lossAndGradient(X, [2]);
  const G = slidesBackprop(p, x, 2);
  const grad = (name: string) => model.params.find((q) => q.name === name)!.grad.data;
  assert.ok(maxDiff(G.dLdW.data, grad("W1")) < 1e-12);
  assert.ok(maxDiff(G.dLdb, grad("b1")) < 1e-12);
  assert.ok(maxDiff(G.dLdWhat.data, grad("W2")) < 1e-12);
  assert.ok(maxDiff(G.dLdbhat, grad("b2")) < 1e-12);
});

test("the slides' printed formulas (w_ik, b_k) disagree with the differences they claim to equal", () => {
  const { p, x } = smallSlides(11);
  const j = 1;
  const L = () => slidesLoss(p, x, j);
  const printed = slidesBackpropAsPrinted(p, x, j);
  const right = slidesBackprop(p, x, j);
  assert.ok(maxDiff(printed.dLdW.data, centralDifferences(L, p.W)) > 1e-3);
  assert.ok(maxDiff(printed.dLdb, centralDifferences(L, p.b)) > 1e-3);
  assert.ok(maxDiff(printed.f, right.f) > 1e-3, "f_k with the hidden b_k differs from Ŵh + b̂");
  // the sign and wiring are otherwise the slides': with Ŵ copied into W's top-left block, the printed form is right
  for (let i = 0; i < 4; i++) for (let k = 0; k < 6; k++) p.W.data[i * 12 + k] = p.What.data[i * 6 + k];
  const again = slidesBackpropAsPrinted(p, x, j);
  const fixed = slidesBackprop(p, x, j);
  assert.ok(maxDiff(again.dLdh, fixed.dLdh) < 1e-12);
});

test("slidesBackpropAsPrinted names the shapes when w_ik does not exist", () => {
  const r = rng(1);
  const model = new MLP({ sizes: [3, 5, 4], activations: ["sigmoid"], init: "normal", rng: r, dtype: "float64" });
  assert.throws(() => slidesBackpropAsPrinted(slidesParamsOf(model), [0, 0, 0], 0), /W is 5×3/);
});

test("bad inputs to the slides' functions throw clear errors", () => {
  const { p } = smallSlides(1);
  assert.throws(
    () => slidesBackprop(p, [1, 2, 3], 0),
    (e: Error) => e instanceof ShapeError && /x has 3 entries but the network takes 12/.test(e.message),
  );
  assert.throws(() => slidesBackprop(p, new Array(12).fill(0), 4), /label 4 is not a class in 0…3/);
  const deep = new MLP({ sizes: [4, 3, 3, 2], activations: ["sigmoid"], rng: rng(1), dtype: "float64" });
  assert.throws(() => slidesParamsOf(deep), /2 weight layers/);
});

function smallBiasUnit(seed: number, g = relu) {
  const r = rng(seed);
  const { net } = biasUnitInit({ nIn: 9, nHid: 7, nOut: 4, rng: r, scale: "he", g, dtype: "float64" });
  const x = Array.from({ length: 9 }, () => r.uniformIn(-1, 1));
  return { net, x };
}

test("biasUnitBackprop: (1.9), (1.11), (1.13) match central differences (sigmoid and ReLU)", () => {
  for (const g of [sigmoid, relu]) {
    const { net, x } = smallBiasUnit(3, g);
    const G = biasUnitBackprop(net, x, 2);
    const J = () => biasUnitLoss(net, x, 2);
    assert.ok(maxDiff(G.dW.data, centralDifferences(J, net.W)) < 1e-7, `∂J/∂W (${g.name})`);
    assert.ok(maxDiff(G.dV.data, centralDifferences(J, net.V)) < 1e-7, `∂J/∂V (${g.name})`);
    assert.equal(G.WTdelta2.length, 8);
    assert.equal(G.delta1.length, 7);
  }
});

test("appending a 1 is a bias: the bias-unit net equals the MLP with biases", () => {
  const r = rng(5);
  const model = new MLP({
    sizes: [9, 7, 4],
    activations: ["relu"],
    init: "he",
    biasInit: "normal",
    rng: r,
    dtype: "float64",
  });
  const [l1, l2] = model.layers;
  const net = { V: withBiasColumn(l1.W, l1.b!), W: withBiasColumn(l2.W, l2.b!), g: relu };
  const X = randn(5, 9, r);
  const y = [0, 3, 1, 2, 3];
  assert.ok(maxDiff(biasUnitProbabilities(net, X).data, model.predictProba(X).data) < 1e-12);
  model.lossAndGradient(X, y);
  const dV = zeros(7, 10),
    dW = zeros(4, 8);
  for (let i = 0; i < 5; i++) {
    const G = biasUnitBackprop(net, X.row(i), y[i]);
    for (let t = 0; t < dV.data.length; t++) dV.data[t] += G.dV.data[t] / 5;
    for (let t = 0; t < dW.data.length; t++) dW.data[t] += G.dW.data[t] / 5;
  }
  assert.ok(maxDiff(dV.data, withBiasColumn(model.params[0].grad, model.params[1].grad).data) < 1e-12);
  assert.ok(maxDiff(dW.data, withBiasColumn(model.params[2].grad, model.params[3].grad).data) < 1e-12);
});

test("biasUnitSgdStep is W − γ δ² ā¹ᵀ and V − γ δ¹ x̄ᵀ of biasUnitBackprop, and returns J", () => {
  for (const g of [relu, sigmoid]) {
    const { net, x } = smallBiasUnit(9, g);
    const G = biasUnitBackprop(net, x, 1);
    const V0 = copy(net.V),
      W0 = copy(net.W);
    const J = biasUnitSgdStep(net, x, 1, 0.3);
    assert.ok(Math.abs(J - G.J) < 1e-12);
    for (let t = 0; t < V0.data.length; t++)
      assert.ok(Math.abs(net.V.data[t] - (V0.data[t] - 0.3 * G.dV.data[t])) < 1e-12);
    for (let t = 0; t < W0.data.length; t++)
      assert.ok(Math.abs(net.W.data[t] - (W0.data[t] - 0.3 * G.dW.data[t])) < 1e-12);
  }
});

test("biasUnitSgdStep rejects bad inputs by name", () => {
  const { net, x } = smallBiasUnit(1);
  assert.throws(() => biasUnitSgdStep(net, x.slice(1), 0, 0.1), /x has 8 entries but V is 7×10/);
  assert.throws(() => biasUnitSgdStep(net, x, 7, 0.1), /label 7/);
  assert.throws(() => biasUnitSgdStep(net, x, 0, NaN), /learning rate γ must be a positive finite number, got NaN/);
  assert.throws(() => biasUnitForward({ ...net, W: zeros(4, 5) }, x), /W is 4×5 \(needs 8 columns\)/);
});

test("biasUnitEvaluate: the summed cost and accuracy from per-example forward passes", () => {
  const { net } = smallBiasUnit(4);
  const r = rng(8);
  const X = randn(30, 9, r);
  const y = Uint8Array.from({ length: 30 }, () => r.int(4));
  const ev = biasUnitEvaluate(net, { X, y });
  let J = 0,
    right = 0;
  for (let i = 0; i < 30; i++) {
    const { o } = biasUnitForward(net, X.row(i));
    J -= Math.log(o[y[i]]);
    if (o.indexOf(Math.max(...o)) === y[i]) right++;
  }
  assert.ok(Math.abs(ev.cost - J) < 1e-9);
  assert.ok(Math.abs(ev.meanCost - J / 30) < 1e-11);
  assert.equal(ev.accuracy, right / 30);
});

test("trainBiasUnitSgd halves γ every epoch and learns a separable toy problem", async () => {
  const r = rng(2);
  const n = 200;
  const X = zeros(n, 2, "float32");
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = r.uniformIn(-1, 1),
      b = r.uniformIn(-1, 1);
    X.data[2 * i] = a;
    X.data[2 * i + 1] = b;
    y[i] = a + b > 0 ? 1 : 0;
  }
  const { net } = biasUnitInit({ nIn: 2, nHid: 8, nOut: 2, rng: rng(3), scale: "he" });
  const res = await trainBiasUnitSgd(
    net,
    { X, y },
    { eta0: 0.2, epochs: 3, rng: rng(4), evaluateEvery: 100, evaluate: { train: { X, y } } },
  );
  assert.equal(res.steps, 600);
  assert.deepEqual(
    res.history.map((e) => e.iteration),
    [0, 100, 200, 300, 400, 500, 600],
  );
  assert.deepEqual(
    res.history.slice(1).map((e) => e.learningRate),
    [0.2, 0.2, 0.1, 0.1, 0.05, 0.05],
  );
  const first = res.history[0],
    last = res.history[res.history.length - 1];
  assert.ok(last.trainLoss! < first.trainLoss! / 3, `loss ${first.trainLoss} → ${last.trainLoss}`);
  assert.ok(last.trainAccuracy! >= 0.95, `accuracy ${last.trainAccuracy}`);
  await assert.rejects(
    trainBiasUnitSgd(net, { X, y }, { eta0: 0, epochs: 1, rng: rng(1) }),
    /eta0 must be a positive finite number, got 0/,
  );
});

test("x̄, [X | 1], [A | b] and outer products have the right shapes and entries", () => {
  assert.deepEqual(Array.from(appendOne([2, 3])), [2, 3, 1]);
  const X = new Matrix(2, 2, Float32Array.from([1, 2, 3, 4]));
  const Xb = appendOnesColumn(X);
  assert.equal(Xb.shape, "2×3");
  assert.equal(Xb.dtype, "float32");
  assert.deepEqual(Array.from(Xb.data), [1, 2, 1, 3, 4, 1]);
  assert.deepEqual(Array.from(withBiasColumn(X, [5, 6]).data), [1, 2, 5, 3, 4, 6]);
  assert.throws(() => withBiasColumn(X, [1]), /weights are 2×2 but the bias has 1 entries/);
  assert.deepEqual(outerProduct([1, 2], [3, 4, 5]).toArrays(), [
    [3, 4, 5],
    [6, 8, 10],
  ]);
});

test("biasUnitInit: the homework's √(2/n_hid), √(2/n_out) against He's √(2/n_in)", () => {
  const a = biasUnitInit({ nIn: 784, nHid: 200, nOut: 10, rng: rng(1), scale: "homework" });
  const b = biasUnitInit({ nIn: 784, nHid: 200, nOut: 10, rng: rng(1), scale: "he" });
  assert.equal(a.stdV, Math.sqrt(2 / 200));
  assert.equal(a.stdW, Math.sqrt(2 / 10));
  assert.equal(b.stdV, Math.sqrt(2 / 785));
  assert.equal(b.stdW, Math.sqrt(2 / 201));
  let s = 0;
  for (const v of a.net.V.data) s += v * v;
  assert.ok(Math.abs(Math.sqrt(s / a.net.V.data.length) - a.stdV) < 0.002);
  assert.equal(a.net.V.shape, "200×785");
  assert.equal(a.net.W.shape, "10×201");
});
