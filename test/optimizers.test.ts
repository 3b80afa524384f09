// Optimisers and step-size schedules, checked against steps computed by hand from the formulas.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromArrays, Matrix, rowVector, ShapeError, zeros } from "../src/core/matrix";
import { Param } from "../src/core/model";
import type { Optimizer } from "../src/optim/index";
import "../src/engine/index"; // the fast update kernels, compared with the plain loops below
import {
  constant,
  decayEveryEpoch,
  decreaseOnPlateau,
  halveEveryEpoch,
  linearDecay,
  momentum,
  rmsprop,
  rmspropNotes,
  sgd,
} from "../src/optim/index";

function param(name: string, value: number[], grad: number[], dtype: "float32" | "float64" = "float64"): Param {
  return { name, value: rowVector(value, dtype), grad: rowVector(grad, dtype) };
}

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-12, what = ""): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

test("sgd: θ ← θ − η g, twice", () => {
  const p = param("w", [1, -2, 3], [0.5, 0.25, -1]);
  const opt = sgd(0.1);
  opt.step([p]);
  close(p.value.data, [0.95, -2.025, 3.1], 1e-12, "step 1");
  p.grad.data.set([1, 0, 2]);
  opt.step([p]);
  close(p.value.data, [0.85, -2.025, 2.9], 1e-12, "step 2");
  assert.equal(p.grad.data[2], 2, "the gradient is not modified");
});

test("sgd updates float32 parameters in place", () => {
  const p = param("w", [1, 2], [1, 1], "float32");
  const before = p.value.data;
  sgd(0.5).step([p]);
  assert.equal(p.value.data, before, "same buffer");
  close(p.value.data, [0.5, 1.5], 1e-7);
});

test("a learning rate that is not a positive finite number throws, naming the value", () => {
  for (const bad of [0, -0.1, NaN, Infinity, -Infinity]) {
    for (const make of [
      () => sgd(bad),
      () => momentum(bad),
      () => rmsprop(bad),
      () => rmspropNotes({ eta: bad }),
      () => constant(bad),
      () => halveEveryEpoch(bad),
      () => decreaseOnPlateau(bad),
    ]) {
      assert.throws(
        make,
        (e: Error) => e instanceof RangeError && e.message.includes("learning rate") && e.message.includes(String(bad)),
      );
    }
  }
  assert.throws(() => sgd("0.1" as unknown as number), /learning rate|Schedule/);
});

test("bad hyper-parameters throw", () => {
  assert.throws(() => momentum(0.1, { beta: 1 }), /β.*\[0, 1\).*1/);
  assert.throws(() => rmsprop(0.1, { gamma: -0.5 }), /γ/);
  assert.throws(() => rmsprop(0.1, { eps: 0 }), /ε/);
  assert.throws(() => rmspropNotes({ resetEvery: 2.5 }), /resetEvery/);
  assert.throws(() => decayEveryEpoch(0.1, 1.5), /ρ/);
});

test("a gradient of the wrong shape is reported with both shapes", () => {
  const p: Param = { name: "W1", value: zeros(2, 3), grad: zeros(3, 2) };
  for (const opt of [sgd(0.1), momentum(0.1), rmsprop(0.1), rmspropNotes()]) {
    assert.throws(
      () => opt.step([p]),
      (e: Error) =>
        e instanceof ShapeError && e.message.includes("W1") && e.message.includes("2×3") && e.message.includes("3×2"),
    );
  }
});

test("momentum: v ← β v + g, θ ← θ − η v", () => {
  const p = param("w", [1, 0], [2, -1]);
  const opt = momentum(0.1, { beta: 0.9 });
  opt.step([p]); // v = (2, −1), θ = (1 − 0.2, 0 + 0.1)
  close(p.value.data, [0.8, 0.1], 1e-12, "step 1");
  p.grad.data.set([1, 1]);
  opt.step([p]); // v = (0.9·2 + 1, 0.9·(−1) + 1) = (2.8, 0.1), θ = (0.8 − 0.28, 0.1 − 0.01)
  close(p.value.data, [0.52, 0.09], 1e-12, "step 2");
  opt.reset(); // velocity forgotten: the next step is plain SGD
  opt.step([p]); // v = (1, 1)
  close(p.value.data, [0.42, -0.01], 1e-12, "after reset");
});

test("momentum with β = 0 is SGD", () => {
  const a = param("w", [0.3, -0.7], [0.2, 0.4]);
  const b = param("w", [0.3, -0.7], [0.2, 0.4]);
  const m = momentum(0.05, { beta: 0 });
  const s = sgd(0.05);
  for (let k = 0; k < 3; k++) {
    m.step([a]);
    s.step([b]);
    a.grad.data[0] += 1;
    b.grad.data[0] += 1;
  }
  close(a.value.data, Array.from(b.value.data), 1e-15);
});

test("rmsprop (element-wise): r ← γ r + (1−γ) g², θ ← θ − η g/(√r + ε)", () => {
  const p = param("w", [1, 1], [2, -0.5]);
  const opt = rmsprop(0.01, { gamma: 0.9, eps: 1e-8 });
  opt.step([p]);
  // r = 0.1·(4, 0.25) = (0.4, 0.025); θ = 1 − 0.01·2/(√0.4 + 1e-8), 1 + 0.01·0.5/(√0.025 + 1e-8)
  const t1 = [1 - 0.02 / (Math.sqrt(0.4) + 1e-8), 1 + 0.005 / (Math.sqrt(0.025) + 1e-8)];
  close(p.value.data, t1, 1e-12, "step 1");
  // on a first step every weight moves by η/√(1−γ) whatever the size of its gradient
  close(
    [1 - p.value.data[0], p.value.data[1] - 1],
    [0.01 / Math.sqrt(0.1), 0.01 / Math.sqrt(0.1)],
    1e-7,
    "first-step size",
  );
  opt.step([p]);
  // r = 0.9·0.4 + 0.4 = 0.76 and 0.9·0.025 + 0.025 = 0.0475
  close(
    p.value.data,
    [t1[0] - 0.02 / (Math.sqrt(0.76) + 1e-8), t1[1] + 0.005 / (Math.sqrt(0.0475) + 1e-8)],
    1e-12,
    "step 2",
  );
});

test("rmsprop keeps one accumulator per weight: with a constant g every weight moves by the same amount", () => {
  const a = param("W", [0, 0], [1, 1]);
  const b = param("b", [0], [10]);
  const opt = rmsprop(0.1, { gamma: 0.5, eps: 1e-14 });
  opt.step([a, b]);
  opt.step([a, b]);
  // each weight: r₁ = 0.5 g², r₂ = 0.75 g²; steps η/√0.5 and η/√0.75 (g cancels)
  const total = 0.1 / Math.sqrt(0.5) + 0.1 / Math.sqrt(0.75);
  close(a.value.data, [-total, -total], 1e-12, "W");
  close(b.value.data, [-total], 1e-12, "b");
  assert.throws(() => rmsprop(0.1, { eps: 0 }), /ε.*0/);
});

test("rmspropNotes, first step: one scalar G per group, ε inside the root, started at 1", () => {
  const W = param("W", [1, 1], [3, 4]); // ‖g‖² = 25
  const b = param("b", [0, 0, 0], [0, 0, 1]); // ‖g‖² = 1
  const opt = rmspropNotes(); // η = 0.5, γ = 0.99, ε = 1e-3, reset every 500
  opt.step([W, b]);
  // G_W = 0.99·1 + 0.01·25 = 1.24, step 0.5/√1.241;  G_b = 0.99 + 0.01 = 1, step 0.5/√1.001
  const sW = 0.5 / Math.sqrt(1.241);
  const sb = 0.5 / Math.sqrt(1.001);
  close(W.value.data, [1 - 3 * sW, 1 - 4 * sW], 1e-12, "W");
  close(b.value.data, [0, 0, -sb], 1e-12, "b");
  const groups = opt.groups();
  assert.deepEqual(
    groups.map((g) => g.name),
    ["W", "b"],
  );
  close([groups[0].G, groups[0].stepSize, groups[0].gradNorm], [1.24, sW, 5], 1e-12, "W group");
  close([groups[1].G, groups[1].stepSize, groups[1].gradNorm], [1, sb, 1], 1e-12, "b group");
  // the notebook resets at i % 500 == 0, which includes i = 0: the accumulators are 1 again
  assert.equal(groups[0].current, 1);
  assert.equal(groups[1].current, 1);
});

test("rmspropNotes: the accumulator runs between resets and is reset after steps k with k % K = 0", () => {
  const K = 3;
  const γ = 0.9;
  const η = 0.2;
  const ε = 0.01;
  const grads = [
    [1, 2],
    [2, 0],
    [0.5, 0.5],
    [1, 1],
    [3, 0],
    [0, 1],
    [2, 2],
  ];
  const p = param("w", [0, 0], grads[0]);
  const opt = rmspropNotes({ eta: η, gamma: γ, eps: ε, resetEvery: K });
  // independent walk through the notes' loop
  let G = 1;
  const θ = [0, 0];
  for (let k = 0; k < grads.length; k++) {
    const g = grads[k];
    p.grad.data.set(g);
    opt.step([p]);
    G = γ * G + (1 - γ) * (g[0] * g[0] + g[1] * g[1]);
    θ[0] -= (η / Math.sqrt(G + ε)) * g[0];
    θ[1] -= (η / Math.sqrt(G + ε)) * g[1];
    close(p.value.data, θ, 1e-12, `step ${k}`);
    assert.ok(Math.abs(opt.groups()[0].G - G) < 1e-12, `G at step ${k}`);
    if (k % K === 0) G = 1;
    assert.ok(Math.abs(opt.groups()[0].current - G) < 1e-12, `accumulator after step ${k}`);
  }
  assert.equal(opt.iteration, grads.length);
});

test("rmspropNotes with resetEvery = 0 never resets", () => {
  const p = param("w", [0], [1]);
  const opt = rmspropNotes({ resetEvery: 0, gamma: 0.5, g0: 1 });
  opt.step([p]);
  opt.step([p]);
  // G: 1 → 0.5 + 0.5 = 1 → 1 (g² = 1 keeps it at 1), so try a different g
  p.grad.data[0] = 3;
  opt.step([p]);
  assert.ok(Math.abs(opt.groups()[0].current - (0.5 * 1 + 0.5 * 9)) < 1e-12);
});

test("schedules: constant, halving, decay", () => {
  const c = constant(0.3);
  c.endEpoch(1, 1);
  c.endEpoch(2, 1);
  assert.equal(c.eta, 0.3);
  const h = halveEveryEpoch(0.8);
  assert.equal(h.eta, 0.8);
  const seen = [1, 2, 3].map((e) => h.endEpoch(e, 1));
  assert.deepEqual(seen, [0.4, 0.2, 0.1]);
  assert.equal(h.eta, 0.1);
  h.reset();
  assert.equal(h.eta, 0.8);
  const d = decayEveryEpoch(1, 0.9);
  d.endEpoch(1, 0);
  d.endEpoch(2, 0);
  assert.ok(Math.abs(d.eta - 0.81) < 1e-15);
});

test("decreaseOnPlateau halves η when the epoch loss stops improving", () => {
  const s = decreaseOnPlateau(1, { factor: 0.5, patience: 0, threshold: 0 });
  const etas = [1.0, 0.9, 0.95, 0.95, 0.5].map((loss, e) => s.endEpoch(e + 1, loss));
  assert.deepEqual(etas, [1, 1, 0.5, 0.25, 0.25]);
  const p = decreaseOnPlateau(1, { factor: 0.1, patience: 1, threshold: 0 });
  const etas2 = [2, 2, 2, 2, 2].map((loss, e) => p.endEpoch(e + 1, loss));
  assert.deepEqual(etas2, [1, 1, 0.1, 0.1, 0.1 * 0.1]);
  const r = decreaseOnPlateau(1, { threshold: 0.1 }); // needs a 10% improvement
  assert.equal(r.endEpoch(1, 1), 1);
  assert.equal(r.endEpoch(2, 0.95), 0.5, "5% is not enough");
  const m = decreaseOnPlateau(1, { minEta: 0.3, threshold: 0 });
  m.endEpoch(1, 1);
  m.endEpoch(2, 1);
  m.endEpoch(3, 1);
  assert.equal(m.eta, 0.3, "never below minEta");
  assert.throws(() => m.endEpoch(4, NaN), /epoch 4.*NaN/);
});

test("linearDecay: η_t = η₀ − (η₀ − η_min)·min(t/T, 1), advanced by every optimiser step", () => {
  const s = linearDecay(1, 4, 0.2);
  const p = param("w", [0], [1]);
  const opt = sgd(s);
  const etas: number[] = [];
  for (let t = 0; t < 6; t++) {
    etas.push(opt.learningRate);
    opt.step([p]);
  }
  close(etas, [1, 0.8, 0.6, 0.4, 0.2, 0.2], 1e-12, "η_t");
  close(p.value.data, [-(1 + 0.8 + 0.6 + 0.4 + 0.2 + 0.2)], 1e-12, "θ");
  s.reset();
  assert.equal(s.eta, 1);
  for (const make of [
    () => momentum(linearDecay(1, 2)),
    () => rmsprop(linearDecay(1, 2)),
    () => rmspropNotes({ eta: linearDecay(1, 2) }),
  ]) {
    const o = make();
    o.step([param("w", [0], [1])]);
    assert.equal(o.learningRate, 1 - 0.99 * 0.5, o.name);
  }
  assert.equal(linearDecay(0.5, 10).name, "linearDecay(η₀=0.5, T=10, η_min=0.005)");
  assert.throws(() => linearDecay(1, 0), /T.*0/);
});

test("optimisers follow their schedule through endEpoch", () => {
  const p = param("w", [0], [1]);
  const opt = sgd(halveEveryEpoch(0.2));
  assert.equal(opt.learningRate, 0.2);
  opt.step([p]);
  opt.endEpoch(1, 5);
  assert.equal(opt.learningRate, 0.1);
  opt.step([p]);
  close(p.value.data, [-0.3], 1e-15);
  const mo = momentum(decreaseOnPlateau(1, { threshold: 0 }), { beta: 0.5 });
  mo.endEpoch(1, 2);
  mo.endEpoch(2, 3);
  assert.equal(mo.learningRate, 0.5);
  assert.match(mo.name, /momentum.*decreaseOnPlateau/);
});

test("an optimiser steps many parameter groups of different shapes", () => {
  const W: Param = {
    name: "W",
    value: fromArrays([
      [1, 2],
      [3, 4],
    ]),
    grad: fromArrays([
      [1, 1],
      [1, 1],
    ]),
  };
  const b: Param = { name: "b", value: rowVector([5, 6]), grad: rowVector([2, -2]) };
  sgd(0.5).step([W, b]);
  assert.deepEqual(W.value.toArrays(), [
    [0.5, 1.5],
    [2.5, 3.5],
  ]);
  assert.deepEqual(Array.from(b.value.data), [4, 7]);
  assert.ok(W.value instanceof Matrix);
});

test("fused updates (the default) equal the readable loops: sgd, rmsprop, rmspropNotes, float32 and float64, 12 steps", () => {
  const lengths = [1, 7, 129, 1001];
  for (const dtype of ["float32", "float64"] as const) {
    const makers: [string, (fast: boolean) => Optimizer][] = [
      ["sgd", (fast) => sgd(halveEveryEpoch(0.3), { fast })],
      ["rmsprop", (fast) => rmsprop(0.01, { gamma: 0.8, eps: 1e-6, fast })],
      ["rmspropNotes", (fast) => rmspropNotes({ eta: 0.4, gamma: 0.9, eps: 1e-3, resetEvery: 5, fast })],
    ];
    for (const [name, make] of makers) {
      let seed = 1;
      const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
      const groups = (): Param[] =>
        lengths.map((n, j) =>
          param(
            `p${j}`,
            Array.from({ length: n }, () => 0),
            Array.from({ length: n }, () => 0),
            dtype,
          ),
        );
      const fastPs = groups();
      const slowPs = groups();
      const fast = make(true);
      const slow = make(false);
      for (let step = 0; step < 12; step++) {
        fastPs.forEach((p, j) => {
          for (let i = 0; i < p.grad.data.length; i++) p.grad.data[i] = rand() * (j + 1);
          slowPs[j].grad.data.set(p.grad.data);
        });
        fast.step(fastPs);
        slow.step(slowPs);
        if (step % 4 === 3) {
          fast.endEpoch(step, 1);
          slow.endEpoch(step, 1);
        }
        const tol = dtype === "float32" ? 1e-6 : 1e-12;
        fastPs.forEach((p, j) =>
          close(p.value.data, Array.from(slowPs[j].value.data), tol, `${name} ${dtype} step ${step} ${p.name}`),
        );
      }
      assert.equal(fast.learningRate, slow.learningRate);
      if (name === "rmspropNotes") {
        const gf = (fast as ReturnType<typeof rmspropNotes>).groups();
        const gs = (slow as ReturnType<typeof rmspropNotes>).groups();
        gf.forEach((g, j) =>
          close(
            [g.G, g.stepSize, g.gradNorm, g.current],
            [gs[j].G, gs[j].stepSize, gs[j].gradNorm, gs[j].current],
            1e-9,
            `groups ${j}`,
          ),
        );
      }
    }
  }
});

test("fused updates check shapes like the readable ones, and a NaN gradient propagates instead of throwing deep inside", () => {
  for (const fast of [true, false]) {
    const bad: Param = { name: "W", value: zeros(2, 3), grad: zeros(3, 2) };
    assert.throws(
      () => sgd(0.1, { fast }).step([bad]),
      (e: Error) => e instanceof ShapeError && /2×3/.test(e.message) && /3×2/.test(e.message),
    );
    assert.throws(() => rmsprop(0.1, { fast }).step([bad]), ShapeError);
    assert.throws(() => rmspropNotes({ fast }).step([bad]), ShapeError);
    const p = param("w", [1, 2], [NaN, 1]);
    const opt = rmspropNotes({ fast });
    opt.step([p]);
    opt.step([p]);
    assert.ok(
      Number.isNaN(p.value.data[1]),
      `fast ${fast}: the notes' RMSprop spreads a NaN gradient over its group, as in the notebook`,
    );
  }
});
