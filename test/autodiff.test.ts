// An independent cross-check of the hand-derived gradients: the same losses written with
// TensorFlow.js ops and differentiated by its automatic differentiation (tf.grads). Used only here.
// tfjs computes in float32, so the comparison tolerance is float32's, not the gradient check's.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import { crossEntropy, Matrix, MLP, randn, rng, softmax, softmaxMinusOneHot, SoftmaxRegression } from "../src/index";

before(async () => {
  await tf.setBackend("cpu");
});

const toTensor = (M: Matrix) => tf.tensor2d(Array.from(M.data), [M.rows, M.cols], "float32");

/** Mean cross-entropy of logits Z (n×K) with labels y, written with tfjs ops: mean(LSE(z_i) − z_{i,y_i}). */
function tfCrossEntropy(Z: tf.Tensor2D, y: number[]): tf.Scalar {
  const Y = tf.oneHot(tf.tensor1d(y, "int32"), Z.shape[1]);
  return tf.mean(tf.sub(tf.logSumExp(Z, 1), tf.sum(tf.mul(Z, Y), 1))) as tf.Scalar;
}

function assertNear(ours: ArrayLike<number>, theirs: ArrayLike<number>, what: string): void {
  assert.equal(ours.length, theirs.length, `${what}: length`);
  let scale = 0;
  for (let i = 0; i < theirs.length; i++) scale = Math.max(scale, Math.abs(theirs[i]));
  for (let i = 0; i < ours.length; i++) {
    const tol = 1e-5 + 1e-4 * scale;
    assert.ok(Math.abs(ours[i] - theirs[i]) <= tol, `${what}[${i}]: ours ${ours[i]}, tfjs ${theirs[i]} (tol ${tol})`);
  }
}

test("∂L/∂Z of the mean cross-entropy is (softmax(Z) − Y)/n, as tfjs finds", () => {
  const Z = randn(6, 4, rng(1), 2);
  const y = [0, 3, 1, 2, 2, 0];
  const [g] = tf.grads((z: tf.Tensor) => tfCrossEntropy(z as tf.Tensor2D, y))([toTensor(Z)]);
  const ours = softmaxMinusOneHot(softmax(Z), y);
  assertNear(
    Array.from(ours.data, (v) => v / 6),
    g.dataSync(),
    "dL/dZ",
  );
  assert.ok(Math.abs(crossEntropy(Z, y) - tfCrossEntropy(toTensor(Z), y).dataSync()[0]) < 1e-5);
});

test("softmax regression: ∂L/∂W and ∂L/∂b equal tfjs autodiff", () => {
  const r = rng(2);
  const model = new SoftmaxRegression({
    inputs: 5,
    classes: 3,
    rng: r,
    init: "normal",
    biasInit: "normal",
    dtype: "float64",
  });
  const X = randn(7, 5, r);
  const y = [0, 1, 2, 2, 1, 0, 1];
  const L = model.lossAndGradient(X, y);
  const Xt = toTensor(X);
  const f = (W: tf.Tensor, b: tf.Tensor) => tfCrossEntropy(tf.add(tf.matMul(Xt, W, false, true), b) as tf.Tensor2D, y);
  const [gW, gb] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)([toTensor(model.W), toTensor(model.b)]);
  assertNear(model.params[0].grad.data, gW.dataSync(), "W");
  assertNear(model.params[1].grad.data, gb.dataSync(), "b");
  assert.ok(Math.abs(L - f(toTensor(model.W), toTensor(model.b)).dataSync()[0]) < 1e-5);
});

for (const act of ["sigmoid", "relu"] as const) {
  for (const outputBias of [true, false]) {
    for (const l2 of [0, 0.1]) {
      test(`MLP (${act}, output bias ${outputBias}, α = ${l2}): every gradient equals tfjs autodiff`, () => {
        const r = rng(10 + l2 * 10 + (outputBias ? 1 : 0));
        const sizes = [4, 5, 3, 3];
        const model = new MLP({
          sizes,
          activations: [act],
          outputBias,
          l2,
          init: "normal",
          biasInit: "normal",
          rng: r,
          dtype: "float64",
        });
        const X = randn(6, 4, r);
        const y = [2, 0, 1, 1, 2, 0];
        const L = model.lossAndGradient(X, y);
        const Xt = toTensor(X);
        // the same network in tfjs: Z^l = A^{l−1} (W^l)ᵀ + b^l, f on hidden layers, cross-entropy + (α/2) Σ ‖W‖²
        const f = (...theta: tf.Tensor[]): tf.Scalar => {
          let A: tf.Tensor = Xt;
          let i = 0;
          let penalty: tf.Tensor = tf.scalar(0);
          model.layers.forEach((layer, l) => {
            const W = theta[i++];
            penalty = tf.add(penalty, tf.sum(tf.square(W)));
            let Z = tf.matMul(A as tf.Tensor2D, W as tf.Tensor2D, false, true) as tf.Tensor;
            if (layer.b) Z = tf.add(Z, theta[i++]);
            A = l < model.layers.length - 1 ? (act === "relu" ? tf.relu(Z) : tf.sigmoid(Z)) : Z;
          });
          return tf.add(tfCrossEntropy(A as tf.Tensor2D, y), tf.mul(l2 / 2, penalty)) as tf.Scalar;
        };
        const theta = model.params.map((p) => toTensor(p.value));
        const grads = tf.grads(f)(theta);
        assert.equal(grads.length, model.params.length);
        model.params.forEach((p, k) => assertNear(p.grad.data, grads[k].dataSync(), p.name));
        assert.ok(Math.abs(L - f(...theta).dataSync()[0]) < 1e-4);
      });
    }
  }
}

test("the cross-check can fail: a gradient with the ReLU derivative left out differs from tfjs", () => {
  const r = rng(5);
  const model = new MLP({
    sizes: [3, 6, 2],
    activations: ["relu"],
    init: "normal",
    biasInit: "normal",
    rng: r,
    dtype: "float64",
  });
  const X = randn(8, 3, r);
  const y = [0, 1, 1, 0, 1, 0, 0, 1];
  model.lossAndGradient(X, y);
  // a "hand" gradient of W1 that forgets ⊙ f'(Z¹): (1/n) ((P − Y) W²)ᵀ X
  const c = model.forward(X);
  const D2 = softmaxMinusOneHot(c.A[2], y);
  const W2 = model.layers[1].W;
  const wrong = new Float64Array(6 * 3);
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 6; j++) {
      let d = 0;
      for (let k = 0; k < 2; k++) d += D2.get(i, k) * W2.get(k, j);
      for (let m = 0; m < 3; m++) wrong[j * 3 + m] += (d * X.get(i, m)) / 8;
    }
  const Xt = toTensor(X);
  const f = (W1: tf.Tensor, b1: tf.Tensor, W2t: tf.Tensor, b2: tf.Tensor) =>
    tfCrossEntropy(
      tf.add(
        tf.matMul(tf.relu(tf.add(tf.matMul(Xt, W1, false, true), b1)) as tf.Tensor2D, W2t as tf.Tensor2D, false, true),
        b2,
      ) as tf.Tensor2D,
      y,
    );
  const [gW1] = tf.grads(f as (...a: tf.Tensor[]) => tf.Tensor)(model.params.map((p) => toTensor(p.value)));
  assertNear(model.params[0].grad.data, gW1.dataSync(), "W1 (correct)");
  assert.throws(() => assertNear(wrong, gW1.dataSync(), "W1 (wrong)"), /W1 \(wrong\)/);
});
