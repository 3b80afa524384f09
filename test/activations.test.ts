import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  Activation,
  applyActivation,
  applyActivationDerivative,
  fromArrays,
  getActivation,
  heaviside,
  relu,
  ShapeError,
  sigmoid,
  softplus,
  tanh,
  zeros,
} from "../src/index";

const moderate = fc.double({ min: -30, max: 30, noNaN: true });

test("each activation matches its textbook formula where the naive formula is safe", () => {
  fc.assert(
    fc.property(moderate, (z) => {
      assert.equal(heaviside.f(z), z >= 0 ? 1 : 0);
      assert.equal(relu.f(z), Math.max(0, z));
      const close = (a: number, b: number, what: string) =>
        assert.ok(Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b)), `${what}(${z}): ${a} vs ${b}`);
      close(sigmoid.f(z), 1 / (1 + Math.exp(-z)), "sigmoid");
      close(softplus.f(z), Math.log(1 + Math.exp(z)), "softplus");
      close(tanh.f(z), (Math.exp(z) - Math.exp(-z)) / (Math.exp(z) + Math.exp(-z)), "tanh");
    }),
  );
});

test("the step and ReLU follow the slides' convention at 0: H(0) = 1, ReLU'(0) = 0", () => {
  assert.equal(heaviside.f(0), 1);
  assert.equal(heaviside.f(-1e-300), 0);
  assert.equal(relu.df(0), 0);
  assert.equal(relu.df(1e-300), 1);
  assert.equal(heaviside.df(3), 0);
});

test("sigmoid and softplus are stable for large |z|", () => {
  for (const z of [-1e6, -1000, -745, 745, 1000, 1e6]) {
    for (const act of [sigmoid, softplus]) {
      assert.ok(Number.isFinite(act.f(z)), `${act.name}(${z}) = ${act.f(z)}`);
      assert.ok(Number.isFinite(act.df(z)), `${act.name}'(${z}) = ${act.df(z)}`);
    }
  }
  assert.equal(softplus.f(1000), 1000); // ln(1 + e^1000) = 1000 + ln(1 + e^−1000)
  assert.equal(sigmoid.f(1000), 1);
  assert.equal(sigmoid.f(-1000), 0);
  // for very negative z, softplus(z) ≈ e^z keeps its relative precision
  assert.ok(Math.abs(softplus.f(-50) / Math.exp(-50) - 1) < 1e-12);
  // and so does σ(z) ≈ e^z
  assert.ok(sigmoid.f(-700) > 0 && Math.abs(sigmoid.f(-700) / Math.exp(-700) - 1) < 1e-12);
});

test("each derivative f' matches a central difference of f away from kinks", () => {
  const smooth: Activation[] = [sigmoid, softplus, tanh, relu];
  fc.assert(
    fc.property(
      moderate.filter((z) => Math.abs(z) > 1e-3),
      (z) => {
        const h = 1e-6;
        for (const act of smooth) {
          const numeric = (act.f(z + h) - act.f(z - h)) / (2 * h);
          assert.ok(Math.abs(numeric - act.df(z)) < 1e-6, `${act.name}'(${z}): ${act.df(z)} vs ${numeric}`);
        }
      },
    ),
  );
});

test("Matrix helpers apply f and f' element-wise, into out or in place", () => {
  const Z = fromArrays([
    [-2, 0, 3],
    [1.5, -0.5, 4],
  ]);
  const A = applyActivation(relu, Z);
  assert.deepEqual(A.toArrays(), [
    [0, 0, 3],
    [1.5, 0, 4],
  ]);
  const D = applyActivationDerivative(sigmoid, Z, zeros(2, 3));
  for (let i = 0; i < 6; i++) assert.equal(D.data[i], sigmoid.df(Z.data[i]));
  const F = fromArrays([[-2, 0, 3]], "float32");
  applyActivation(tanh, F, F);
  assert.equal(F.dtype, "float32");
  assert.ok(Math.abs(F.data[0] - Math.tanh(-2)) < 1e-7);
  assert.throws(
    () => applyActivation(relu, Z, zeros(3, 2)),
    (e: Error) => e instanceof ShapeError && /2×3/.test(e.message) && /3×2/.test(e.message),
  );
});

test("getActivation finds activations by name and names an unknown one", () => {
  assert.equal(getActivation("relu"), relu);
  assert.equal(getActivation(sigmoid), sigmoid);
  assert.throws(() => getActivation("swish" as never), /unknown activation "swish"/);
});
