/**
 * The exercises with room to think (issue 24), one per homework: src/homework/exercises/hw01/ex5-xor-features.ts,
 * hw02-ex6, hw03-ex7, hw04-ex7, hw05-ex7, hw06-ex7, hw07-ex6. A right answer (the course's, and where the
 * task leaves a choice, a second one written the way a student would) gets full marks on the visible and
 * hidden cases; every known mistake gets 0 on the cases it breaks and prints the hint that names it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as d from "../src/index";
import { runCheck } from "../src/homework/check";
import { NotDoneYet } from "../src/homework/notDone";
import "../src/homework/exercises/index";
import * as ex1 from "../src/homework/exercises/hw01/ex5-xor-features";
import * as ex2 from "../src/homework/exercises/hw02/ex6-safe-learning-rate";
import * as ex3 from "../src/homework/exercises/hw03/ex7-smoothed-labels-gradient";
import * as ex4 from "../src/homework/exercises/hw04/ex7-raw-pixel-step-sizes";
import * as ex5 from "../src/homework/exercises/hw05/ex7-stratified-split";
import * as ex6 from "../src/homework/exercises/hw06/ex7-input-gradient";
import * as ex7 from "../src/homework/exercises/hw07/ex6-reset-period";
import { assertMasterStructure, fullMarks, printed, wrongAnswer } from "./support/homeworkChecks";

type Vec = number[];

test("hw01-ex5 XOR features: the course's features and a student's x₁x₂ variant get full marks; the raw coordinates and the product alone fail with their hints", () => {
  fullMarks("hw01-ex5", ex1.xorFeaturesRef);
  fullMarks("hw01-ex5", (X: d.Matrix) =>
    Array.from({ length: X.rows }, (_, i) => [X.get(i, 0), X.get(i, 1), X.get(i, 0) * X.get(i, 1)]),
  );
  wrongAnswer("hw01-ex5", (X: d.Matrix) => Array.from({ length: X.rows }, (_, i) => [X.get(i, 0), X.get(i, 1)]), {
    hint: /no line separates XOR in the plane/,
  });
  wrongAnswer("hw01-ex5", (X: d.Matrix) => Array.from({ length: X.rows }, (_, i) => [X.get(i, 0) * X.get(i, 1)]), {
    hint: /x₁x₂ alone/,
  });
  wrongAnswer("hw01-ex5", (X: d.Matrix) => Array.from({ length: X.rows }, (_, i) => [X.get(i, 0) + X.get(i, 1)]), {
    hint: /no plane separates the two classes/,
  });
});

/** A student's safe rate: L estimated by power iteration on finite-difference Hessian-vector products, η = 1/L. */
function studentSafeRate(gradC: (v: Vec) => Vec, p: number): number {
  const v0 = new Array<number>(p).fill(0);
  const h = 1e-4;
  const Hu = (u: Vec) => {
    const up = gradC(v0.map((x, k) => x + h * u[k])),
      down = gradC(v0.map((x, k) => x - h * u[k]));
    return up.map((g, k) => (g - down[k]) / (2 * h));
  };
  let u: Vec = Array.from({ length: p }, (_, k) => Math.cos(k + 1));
  let L = 0;
  for (let it = 0; it < 100; it++) {
    const w = Hu(u);
    const norm = Math.hypot(...w);
    L = norm / Math.hypot(...u);
    u = w.map((x) => x / norm);
  }
  return 1 / L;
}

test("hw02-ex6 safe rate: power iteration (1/L) gets full marks; the largest diagonal entry, 2/L, a timid rate fail with their hints", () => {
  fullMarks("hw02-ex6", studentSafeRate);
  fullMarks("hw02-ex6", (gradC: (v: Vec) => Vec, p: number) => 1.5 / ex2.largestCurvature(gradC, p));
  wrongAnswer(
    "hw02-ex6",
    (gradC: (v: Vec) => Vec, p: number) => {
      const g0 = gradC(new Array<number>(p).fill(0));
      let m = 0;
      for (let k = 0; k < p; k++)
        m = Math.max(m, gradC(Array.from({ length: p }, (_, j) => (j === k ? 1 : 0)))[k] - g0[k]);
      return 1 / m;
    },
    { hint: /largest diagonal entry of the Hessian/, failing: ["hand case"] },
  );
  wrongAnswer("hw02-ex6", (gradC: (v: Vec) => Vec, p: number) => 2 / ex2.largestCurvature(gradC, p), {
    hint: /2\/L is the edge/,
  });
  wrongAnswer("hw02-ex6", (gradC: (v: Vec) => Vec, p: number) => 0.1 / ex2.largestCurvature(gradC, p), {
    hint: /safe but timid/,
  });
  wrongAnswer("hw02-ex6", () => 10, { hint: /diverges along the steepest direction/ });
});

test("hw03-ex7 smoothed labels: the derived (P − T)/n gets full marks; one-hot targets, ε over K − 1 classes, no 1/n fail with their hints", () => {
  fullMarks("hw03-ex7", ex3.smoothedGradientRef);
  wrongAnswer("hw03-ex7", (Z: d.Matrix, y: number[]) => ex3.smoothedGradientRef(Z, y, 0), {
    hint: /one-hot targets Y/,
    failing: ["hand case", "random", "±1000"],
  });
  wrongAnswer(
    "hw03-ex7",
    (Z: d.Matrix, y: number[], eps: number) => {
      const G = ex3.smoothedGradientRef(Z, y, 0);
      for (let i = 0; i < Z.rows; i++)
        for (let k = 0; k < Z.cols; k++) G.set(i, k, G.get(i, k) + (k === y[i] ? eps : -eps / (Z.cols - 1)) / Z.rows);
      return G;
    },
    { hint: /K − 1 wrong classes/ },
  );
  wrongAnswer(
    "hw03-ex7",
    (Z: d.Matrix, y: number[], eps: number) => d.scale(ex3.smoothedGradientRef(Z, y, eps), Z.rows),
    { hint: /Missing the factor 1\/n/, failing: ["hand case", "random"] },
  );
});

test("hw04-ex7 raw pixels: η/255² and η get full marks; one factor 255, the biases rescaled, one rate for both fail with their hints", () => {
  fullMarks("hw04-ex7", ex4.rawPixelRatesRef);
  assert.ok(ex4.rawVsScaledGap(0.05, ex4.rawPixelRatesRef(0.05), 1) < 1e-9);
  assert.ok(ex4.rawVsScaledGap(0.05, { etaW: 0.05 / 255, etaB: 0.05 }, 1) > 1e-3, "the check can tell a wrong rate");
  wrongAnswer("hw04-ex7", (eta: number) => ({ etaW: eta / 255, etaB: eta }), { hint: /One factor 255 short/ });
  wrongAnswer("hw04-ex7", (eta: number) => ({ etaW: eta / 65025, etaB: eta / 65025 }), { hint: /biases' gradient/ });
  wrongAnswer("hw04-ex7", (eta: number) => ({ etaW: eta, etaB: eta }), { hint: /One rate for both/ });
  wrongAnswer("hw04-ex7", (eta: number) => ({ etaW: eta / 60000, etaB: eta }), { hint: /drift apart/ });
});

test("hw05-ex7 validation split: proportional per class gets full marks; the last m, the first m, an unstratified sample fail with their hints", () => {
  fullMarks("hw05-ex7", ex5.validationSplitRef);
  // a student's version: every k-th example of each class, rounding by largest remainders
  fullMarks("hw05-ex7", (y: number[], m: number) => {
    const n = y.length;
    const K = Math.max(...y) + 1;
    const idx = Array.from({ length: K }, (_, c) => y.flatMap((v, i) => (v === c ? [i] : [])));
    const want = idx.map((l) => (m * l.length) / n);
    const take = want.map(Math.floor);
    const rest = want.map((w, c) => [w - take[c], c]).sort((a, b) => b[0] - a[0]);
    for (let t = 0; take.reduce((s, v) => s + v, 0) < m; t++) take[rest[t][1]]++;
    return idx.flatMap((l, c) =>
      Array.from({ length: take[c] }, (_, j) => l[Math.floor((j * l.length) / Math.max(1, take[c]))]),
    );
  });
  wrongAnswer("hw05-ex7", (y: number[], m: number) => Array.from({ length: m }, (_, k) => y.length - m + k), {
    hint: /last m examples/,
    failing: ["sorted"],
  });
  wrongAnswer("hw05-ex7", (_y: number[], m: number) => Array.from({ length: m }, (_, k) => k), {
    hint: /first m examples/,
    failing: ["sorted"],
  });
  wrongAnswer("hw05-ex7", (y: number[], m: number) => Array.from(d.rng(3).sample(y.length, m)), {
    hint: /random sample is fair only on average/,
    failing: ["shuffled labels (10 classes)"],
  });
  wrongAnswer(
    "hw05-ex7",
    (y: number[], m: number) => {
      const v = ex5.validationSplitRef(y, m);
      return [...v.slice(0, m - 1), v[0]];
    },
    { hint: /appears twice/ },
  );
});

test("hw06-ex7 input gradient: (1/n) Δ1 W1 gets full marks and matches central differences; no 1/n and skipping f' fail with their hints", () => {
  fullMarks("hw06-ex7", ex6.inputGradientRef);
  // the reference itself against central differences of the course's mean loss
  const rng = d.rng(4);
  const net = {
    W1: d.randn(4, 5, rng, 0.5),
    b1: d.randn(1, 4, rng, 0.5),
    W2: d.randn(3, 4, rng, 0.5),
    b2: d.randn(1, 3, rng, 0.5),
  };
  const X = d.randn(6, 5, rng);
  const y = Int32Array.from([0, 1, 2, 0, 1, 2]);
  const mlp = new d.MLP({ sizes: [5, 4, 3], activations: ["tanh"], dtype: "float64", init: "zeros" });
  mlp.layers[0].W.data.set(net.W1.data);
  mlp.layers[0].b!.data.set(net.b1.data);
  mlp.layers[1].W.data.set(net.W2.data);
  mlp.layers[1].b!.data.set(net.b2.data);
  const fd = d.centralDifferences(() => mlp.loss(X, y), X);
  const got = ex6.inputGradientRef(net, X, y, "tanh");
  assert.ok(Math.max(...Array.from(got.data, (v, k) => Math.abs(v - fd[k]))) < 1e-8);
  wrongAnswer(
    "hw06-ex7",
    (n: ex6Net, Xm: d.Matrix, yy: ArrayLike<number>, act: d.ActivationName) =>
      d.scale(ex6.inputGradientRef(n, Xm, yy, act), Xm.rows),
    { hint: /Missing the factor 1\/n/, failing: ["5 examples", "8 examples"] },
  );
  wrongAnswer(
    "hw06-ex7",
    (n: ex6Net, Xm: d.Matrix, yy: ArrayLike<number>, act: d.ActivationName) => {
      const P = d.softmax(
        d.addRowVector(
          d.matmulNT(d.applyActivation(d.getActivation(act), d.addRowVector(d.matmulNT(Xm, n.W1), n.b1)), n.W2),
          n.b2,
        ),
      );
      return d.scale(d.matmul(d.matmul(d.softmaxMinusOneHot(P, yy), n.W2), n.W1), 1 / Xm.rows);
    },
    { hint: /skipped the hidden layer's activation/ },
  );
});
type ex6Net = { W1: d.Matrix; b1: d.Matrix; W2: d.Matrix; b2: d.Matrix };

test("hw07-ex6 reset period: the derived K gets full marks and agrees with the simulation; ε left out, rounding up, a K too large fail with their hints", () => {
  fullMarks("hw07-ex6", ex7.resetPeriodRef);
  const hp = { eta: 0.5, gamma: 0.99, eps: 1e-3 };
  const K = ex7.resetPeriodRef(hp, 4);
  assert.ok(ex7.simulatedGrowth(hp, K) <= 4 && ex7.simulatedGrowth(hp, K + 1) > 4, `K = ${K}`);
  assert.equal(ex7.resetPeriodRef({ eta: 0.5, gamma: 0.99, eps: 0.1 }, 4), Infinity);
  wrongAnswer("hw07-ex6", (h: ex7.RmspropHp, g: number) => Math.floor(Math.log(1 / (g * g)) / Math.log(h.gamma)), {
    hint: /left ε out/,
    failing: ["the notes' γ", "edge case: ε = 0.1"],
  });
  wrongAnswer(
    "hw07-ex6",
    (h: ex7.RmspropHp, g: number) => {
      const f = (1 + h.eps) / (g * g) - h.eps;
      return f <= 0 ? Infinity : Math.ceil(Math.log(f) / Math.log(h.gamma));
    },
    { hint: /Rounded up/, failing: ["the notes' γ", "γ = 0.9"] },
  );
  wrongAnswer("hw07-ex6", (h: ex7.RmspropHp, g: number) => ex7.resetPeriodRef(h, g) + 50, {
    hint: /K is too large/,
    failing: ["the notes' γ"],
  });
  wrongAnswer("hw07-ex6", (h: ex7.RmspropHp, g: number) => Math.max(0, ex7.resetPeriodRef(h, g) - 1), {
    hint: /safe but not the largest/,
    failing: ["the notes' γ"],
  });
});

test("the thinking exercises are registered, a stub scores 0 with 'not done yet', and each master keeps its layout with the new exercise", () => {
  for (const id of ["hw01-ex5", "hw02-ex6", "hw03-ex7", "hw04-ex7", "hw05-ex7", "hw06-ex7", "hw07-ex6"]) {
    const stub = () => {
      throw new NotDoneYet();
    };
    const r = runCheck(id, stub);
    assert.equal(r.status, "not done", id);
    assert.equal(r.points, 0, id);
    assert.match(printed(id, stub), /not done yet/, id);
  }
  assertMasterStructure("hw01", "notebooks/homework-masters/01-perceptron.ipynb");
  assertMasterStructure("hw02", "notebooks/homework-masters/02-gradient-descent.ipynb");
  assertMasterStructure("hw03", "notebooks/homework-masters/03-softmax.ipynb");
  assertMasterStructure("hw04", "notebooks/homework-masters/04-softmax-regression.ipynb");
  assertMasterStructure("hw05", "notebooks/homework-masters/05-softmax-experiments.ipynb");
  assertMasterStructure("hw06", "notebooks/homework-masters/06-backpropagation.ipynb");
  assertMasterStructure("hw07", "notebooks/homework-masters/07-rmsprop.ipynb");
});
