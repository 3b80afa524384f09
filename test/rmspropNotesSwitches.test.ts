// The notes' RMSprop with its printed slips as switches, checked against steps worked out by hand
// and against the plain loops with the defaults (the code as printed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { rowVector } from "../src/core/matrix";
import { Param } from "../src/core/model";
import { rmspropNotes } from "../src/optim/rmspropNotes";
import "../src/engine/index"; // the fast update kernels (the default), compared with fast: false

function param(name: string, value: number[], grad: number[]): Param {
  return { name, value: rowVector(value), grad: rowVector(grad) };
}

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-12, what = ""): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

const gradsW = [
  [1, 2],
  [2, 0],
  [0.5, 0.5],
  [1, 1],
  [3, 0],
  [0, 1],
  [2, 2],
];
const gradsB = [[0.1], [0.3], [0], [1], [0.2], [0.5], [0]];

test("the default switches are the code as printed: the same steps as the plain loops, through resets", () => {
  const opts = { eta: 0.2, gamma: 0.9, eps: 0.01, resetEvery: 3 };
  const a = [param("W", [0, 0], gradsW[0]), param("b", [1], gradsB[0])];
  const b = [param("W", [0, 0], gradsW[0]), param("b", [1], gradsB[0])];
  const ref = rmspropNotes(opts);
  const mine = rmspropNotes({
    ...opts,
    fast: false,
    accumulator: "per-group",
    epsilon: "inside",
    resetAfter: "k % K == 0",
    overwrite: [],
  });
  for (let k = 0; k < gradsW.length; k++) {
    for (const ps of [a, b]) {
      ps[0].grad.data.set(gradsW[k]);
      ps[1].grad.data.set(gradsB[k]);
    }
    ref.step(a);
    mine.step(b);
    close(b[0].value.data, Array.from(a[0].value.data), 1e-12, `W after step ${k}`);
    close(b[1].value.data, Array.from(a[1].value.data), 1e-12, `b after step ${k}`);
    const [gm, gr] = [mine.groups(), ref.groups()];
    for (let j = 0; j < gr.length; j++) {
      close(
        [gm[j].G, gm[j].stepSize, gm[j].gradNorm, gm[j].current],
        [gr[j].G, gr[j].stepSize, gr[j].gradNorm, gr[j].current],
        1e-12,
        `group ${j} after step ${k}`,
      );
    }
  }
  assert.equal(mine.iteration, gradsW.length);
});

test("whole-vector accumulator (the prose): one G from the sum of all groups' ‖g‖², one step size", () => {
  const W = param("W", [1, 1], [3, 4]); // ‖g‖² = 25
  const b = param("b", [0, 0, 0], [0, 0, 1]); // ‖g‖² = 1
  const opt = rmspropNotes({ accumulator: "whole-vector" });
  opt.step([W, b]);
  // G = 0.99·1 + 0.01·(25 + 1) = 1.25, s = 0.5/√(1.25 + 0.001)
  const s = 0.5 / Math.sqrt(1.251);
  close(W.value.data, [1 - 3 * s, 1 - 4 * s], 1e-12, "W");
  close(b.value.data, [0, 0, -s], 1e-12, "b");
  const g = opt.groups();
  close(
    g.map((q) => q.G),
    [1.25, 1.25],
    1e-12,
    "G",
  );
  close(
    g.map((q) => q.stepSize),
    [s, s],
    1e-12,
    "step",
  );
  close(
    g.map((q) => q.gradNorm),
    [5, 1],
    1e-12,
    "‖g‖",
  );
  // the per-group code gives the two groups different step sizes from the same gradients
  const W2 = param("W", [1, 1], [3, 4]);
  const b2 = param("b", [0, 0, 0], [0, 0, 1]);
  const perGroup = rmspropNotes({ resetEvery: 0 });
  perGroup.step([W2, b2]);
  const sg = perGroup.groups().map((q) => q.stepSize);
  close(sg, [0.5 / Math.sqrt(1.241), 0.5 / Math.sqrt(1.001)], 1e-12, "per-group steps");
});

test("whole-vector accumulator keeps running across steps and resets", () => {
  const γ = 0.5;
  const W = param("W", [0], [2]);
  const b = param("b", [0], [1]);
  const opt = rmspropNotes({
    accumulator: "whole-vector",
    gamma: γ,
    eps: 0.01,
    eta: 1,
    resetEvery: 2,
    resetAfter: "(k + 1) % K == 0",
  });
  let G = 1;
  const θ = [0, 0];
  const seq = [
    [2, 1],
    [1, 1],
    [0, 3],
  ];
  for (let k = 0; k < seq.length; k++) {
    W.grad.data[0] = seq[k][0];
    b.grad.data[0] = seq[k][1];
    opt.step([W, b]);
    G = γ * G + (1 - γ) * (seq[k][0] ** 2 + seq[k][1] ** 2);
    const s = 1 / Math.sqrt(G + 0.01);
    θ[0] -= s * seq[k][0];
    θ[1] -= s * seq[k][1];
    close([W.value.data[0], b.value.data[0]], θ, 1e-12, `step ${k}`);
    if ((k + 1) % 2 === 0) G = 1;
    close([opt.groups()[0].current], [G], 1e-12, `accumulator after step ${k}`);
  }
});

test("ε outside the root: s = η/(√G + ε)", () => {
  const W = param("W", [1, 1], [3, 4]);
  const opt = rmspropNotes({ epsilon: "outside", eps: 0.1 });
  opt.step([W]);
  // G = 0.99 + 0.01·25 = 1.24
  const s = 0.5 / (Math.sqrt(1.24) + 0.1);
  close(W.value.data, [1 - 3 * s, 1 - 4 * s], 1e-12, "W");
  close([opt.groups()[0].stepSize], [s], 1e-12, "step");
  // the largest step as G → 0: η/√ε inside, η/ε outside
  const tiny = param("w", [0], [0]);
  const inside = rmspropNotes({ g0: 0, eps: 1e-3, resetEvery: 0 });
  const outside = rmspropNotes({ g0: 0, eps: 1e-3, resetEvery: 0, epsilon: "outside" });
  inside.step([tiny]);
  outside.step([tiny]);
  close([inside.groups()[0].stepSize, outside.groups()[0].stepSize], [0.5 / Math.sqrt(1e-3), 0.5 / 1e-3], 1e-9, "caps");
});

test("reset phase: 'k % K == 0' resets after step 0, '(k + 1) % K == 0' after every K steps", () => {
  const K = 3;
  const resetsOf = (resetAfter: "k % K == 0" | "(k + 1) % K == 0"): number[] => {
    const p = param("w", [0], [2]);
    const opt = rmspropNotes({ resetEvery: K, resetAfter, gamma: 0.5 });
    const out: number[] = [];
    for (let k = 0; k < 8; k++) {
      opt.step([p]);
      if (opt.groups()[0].current === 1) out.push(k); // G = 0.5·G + 0.5·4 is never 1 by itself
    }
    return out;
  };
  assert.deepEqual(resetsOf("k % K == 0"), [0, 3, 6]);
  assert.deepEqual(resetsOf("(k + 1) % K == 0"), [2, 5]);
});

test("overwrite: the printed `W[0] = etaW0 * dW[0]` sets θ to s·g; other groups still descend", () => {
  const W = param("W1", [5, -5], [3, 4]);
  const b = param("b1", [1], [1]);
  const opt = rmspropNotes({ overwrite: ["W1"] });
  opt.step([W, b]);
  const sW = 0.5 / Math.sqrt(1.241);
  const sb = 0.5 / Math.sqrt(1.001);
  close(W.value.data, [3 * sW, 4 * sW], 1e-12, "W overwritten");
  close(b.value.data, [1 - sb], 1e-12, "b descends");
});

test("bad options throw errors that name them", () => {
  const W = param("W1", [0], [1]);
  assert.throws(() => rmspropNotes({ overwrite: ["W0"] }).step([W]), /overwrite names group "W0".*W1/);
  assert.throws(() => rmspropNotes({ accumulator: "per-weight" as "per-group" }), /accumulator must be one of/);
  assert.throws(() => rmspropNotes({ epsilon: "under" as "inside" }), /epsilon must be one of/);
  assert.throws(() => rmspropNotes({ resetEvery: -1 }), /resetEvery/);
  assert.throws(() => rmspropNotes({ eta: 0 }).step([W]), /learning rate/);
});
