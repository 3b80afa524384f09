import { test } from "node:test";
import assert from "node:assert/strict";
import {
  symbolicDerivative,
  symbolicGradient,
  freeVariables,
  compileExpression,
  simplifiesToZero,
  maxDifference,
  evenlySpaced,
  expressionTex,
  simplified,
} from "../src/calculus/symbolic";

const xs = evenlySpaced(-6, 6, 121);
const sigma = (x: number) => 1 / (1 + Math.exp(-x));

test("d/dx x³ = 3x²", () => {
  const d = symbolicDerivative("x^3");
  assert.ok(maxDifference(d.f, (x) => 3 * x * x, xs) < 1e-9);
  assert.equal(typeof d.tex, "string");
});

test("σ' = σ(1 − σ), symbolically and numerically", () => {
  const d = symbolicDerivative("1/(1+exp(-x))");
  assert.ok(maxDifference(d.f, (x) => sigma(x) * (1 - sigma(x)), xs) < 1e-12);
  assert.equal(simplifiesToZero(d.expr, "1/(1+exp(-x)) * (1 - 1/(1+exp(-x)))"), true);
});

test("d/dx log(1 + eˣ) = σ(x) (numerically)", () => {
  const d = symbolicDerivative("log(1+exp(x))");
  assert.ok(maxDifference(d.f, sigma, xs) < 1e-12);
});

test("tanh' = 1 − tanh²", () => {
  const d = symbolicDerivative("tanh(x)");
  assert.ok(maxDifference(d.f, (x) => 1 - Math.tanh(x) ** 2, xs) < 1e-12);
});

test("simplifiesToZero is false for different functions", () => {
  assert.equal(simplifiesToZero("x^2", "2*x"), false);
});

test("symbolicGradient of v1²·v2 + sin(v2)", () => {
  const g = symbolicGradient("v1^2*v2 + sin(v2)");
  assert.deepEqual(g.variables, ["v1", "v2"]);
  for (const v of [
    [0, 0],
    [1, 2],
    [-1.5, 0.3],
    [2, -3],
  ]) {
    const [a, b] = g.grad(v);
    assert.ok(Math.abs(a - 2 * v[0] * v[1]) < 1e-12);
    assert.ok(Math.abs(b - (v[0] ** 2 + Math.cos(v[1]))) < 1e-12);
    assert.ok(Math.abs(g.f(v) - (v[0] ** 2 * v[1] + Math.sin(v[1]))) < 1e-12);
  }
  assert.equal(g.partials.length, 2);
});

test("explicit variable order is respected", () => {
  const g = symbolicGradient("3*a + 5*b", ["b", "a"]);
  assert.deepEqual(g.grad([0, 0]), [5, 3]);
});

test("freeVariables leaves out function names and constants", () => {
  assert.deepEqual(freeVariables("sin(v1) + pi*v2 + exp(e*v1)"), ["v1", "v2"]);
});

test("errors name the expression and the problem", () => {
  assert.throws(() => symbolicGradient("v1^2 + (3"), /cannot parse "v1\^2 \+ \(3"/);
  assert.throws(() => compileExpression("v1 + z", ["v1"]), /"z", which is not among the variables \[v1\]/);
  assert.throws(() => symbolicDerivative("x*y"), /variables y besides x/);
  assert.throws(() => symbolicDerivative("max(0, x)"), /cannot differentiate "max\(0, x\)"/);
  assert.throws(() => compileExpression("v1", ["v1"])([1, 2]), /expected 1 values/);
  assert.throws(() => symbolicGradient("   "), /expected an expression string/);
  assert.throws(() => evenlySpaced(0, 1, 1), /n must be an integer ≥ 2/);
});

test("maxDifference reports NaN and expressionTex/simplified return strings", () => {
  assert.ok(
    Number.isNaN(
      maxDifference(
        () => NaN,
        () => 0,
        [1],
      ),
    ),
  );
  assert.match(expressionTex("x^2"), /x/);
  assert.equal(simplified("x + x"), "2 * x");
});
