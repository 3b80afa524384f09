/**
 * Homework exercises of chapters 05-07 (src/homework/exercises/hw05/ … hw07/): the reference
 * answers get full marks on the visible and hidden cases (two hidden seeds), and for every exercise
 * at least two realistic wrong student answers, written here by hand, get 0 points on the cases
 * they break and print the hint that names their mistake (the printed report is captured).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as d from "../src/index";
import { runCheck } from "../src/homework/check";
import { NotDoneYet } from "../src/homework/notDone";
import * as ch05 from "../src/homework/exercises/hw05";
import * as ch06 from "../src/homework/exercises/hw06";
import * as ch07 from "../src/homework/exercises/hw07";
import { assertMasterStructure, fullMarks, printed, wrongAnswer } from "./support/homeworkChecks";

// ---------------------------------------------------------------------------------------------
// Chapter 05

test("hw05-ex1 miniBatches: reference full marks; dropped last batch, no shuffle, off-by-one slices fail with their hints", () => {
  fullMarks("hw05-ex1", ch05.miniBatchesRef);
  wrongAnswer(
    "hw05-ex1",
    (n: number, B: number, seed: number | null) => {
      const order = seed === null ? [...Array(n).keys()] : Array.from(d.rng(seed).permutation(n));
      const out: number[][] = [];
      for (let k = 0; k < Math.floor(n / B); k++) out.push(order.slice(k * B, k * B + B));
      return out;
    },
    { hint: /last, shorter batch is missing/, failing: ["n = 7", "n = 10"] },
  );
  wrongAnswer(
    "hw05-ex1",
    (n: number, B: number) => {
      const out: number[][] = [];
      for (let s = 0; s < n; s += B) out.push([...Array(Math.min(B, n - s)).keys()].map((i) => s + i));
      return out;
    },
    { hint: /original order although a seed was given/, failing: ["shuffled with seed 5"] },
  );
  wrongAnswer(
    "hw05-ex1",
    (n: number, B: number, seed: number | null) => {
      const order = seed === null ? [...Array(n).keys()] : Array.from(d.rng(seed).permutation(n));
      const out: number[][] = [];
      for (let s = 0; s < n; s += B) out.push(order.slice(s, s + B + 1)); // one too many per batch
      return out;
    },
    { hint: /Batches overlap or skip an index/, failing: ["n = 7", "n = 10"] },
  );
});

/** A student's SGD, written out, with switchable slips. */
function studentSgd(slip: "none" | "sum" | "sameSeed" | "plus") {
  return (data: d.Dataset, run: ch05.SgdRun): d.SoftmaxRegression => {
    const model = new d.SoftmaxRegression({ inputs: data.X.cols, classes: 10, dtype: data.X.dtype });
    for (let e = 0; e < run.epochs; e++) {
      const seed = run.seed === null ? null : slip === "sameSeed" ? run.seed : run.seed + e;
      for (const idx of ch05.miniBatchesRef(data.y.length, run.batchSize, seed)) {
        const Xb = d.gatherRows(data.X, idx);
        const yb = Uint8Array.from(idx, (i) => data.y[i]);
        model.lossAndGradient(Xb, yb);
        for (const p of model.params) {
          const step = slip === "sum" ? run.eta * idx.length : run.eta;
          for (let i = 0; i < p.value.data.length; i++)
            p.value.data[i] += (slip === "plus" ? 1 : -1) * step * p.grad.data[i];
        }
      }
    }
    return model;
  };
}

test("hw05-ex2 trainSoftmaxSgd: a correct student loop gets full marks; summed gradient, one shuffle for all epochs, + instead of − fail", () => {
  fullMarks("hw05-ex2", ch05.trainSoftmaxSgdRef);
  fullMarks("hw05-ex2", studentSgd("none"));
  wrongAnswer("hw05-ex2", studentSgd("sum"), { hint: /B times too large/, failing: ["40 images", "50 images"] });
  wrongAnswer("hw05-ex2", studentSgd("sameSeed"), { hint: /same order/, failing: ["2 epochs"] });
  wrongAnswer("hw05-ex2", studentSgd("plus"), { hint: /Wrong sign/ });
});

const acc = (m: d.Model, t: d.Dataset) => d.accuracy(m.predict(t.X), t.y);

test("hw05-ex3 batchSizeExperiment: reference passes the bars; equal steps, one η for all runs, η = 1 twice fail", () => {
  fullMarks("hw05-ex3", ch05.batchSizeExperimentRef);
  // the same number of steps for every run (not the same budget of images)
  wrongAnswer(
    "hw05-ex3",
    (train: d.Dataset, test: d.Dataset) => ch05.batchSizeExperimentRef(train, test).map((r) => ({ ...r, steps: 300 })),
    { hint: /same budget of images/ },
  );
  // every run with η = 0.1 (the table's η only copied into the rows)
  wrongAnswer(
    "hw05-ex3",
    (train: d.Dataset) =>
      ch05.BATCH_RUNS.map(([B, eta]) => ({
        batchSize: B,
        eta,
        steps: Math.ceil(train.y.length / B),
        model: ch05.trainSoftmaxSgdRef(train, { batchSize: B, eta: 0.1, epochs: 1, seed: 1 }),
      })),
    { hint: /B = 1, η = 0.01: (held-out accuracy .* below the bar|your model scores)/ },
  );
  // the forgery: four hard-coded rows of accuracies (no models), visible and hidden
  const forged = (train: d.Dataset) =>
    ch05.BATCH_RUNS.map(([B, eta], r) => ({
      batchSize: B,
      eta,
      steps: Math.ceil(train.y.length / B),
      accuracy: [0.86, 0.86, 0.78, 0.76][r],
    }));
  wrongAnswer("hw05-ex3", forged, { hint: /A number alone is not evidence: return the trained model/ });
  wrongAnswer("hw05-ex3", forged, { hint: /A number alone is not evidence/, hidden: true });
});

test("hw05-ex4 sortedVsShuffled: the reference's models pass; shuffling the sorted data, swapped models, self-reported numbers fail", () => {
  fullMarks("hw05-ex4", ch05.sortedVsShuffledRef);
  const run = { batchSize: 10, eta: 0.1, epochs: 1 };
  wrongAnswer(
    "hw05-ex4",
    (train: d.Dataset) => ({
      sorted: ch05.trainSoftmaxSgdRef(d.sortByClass(train), { ...run, seed: 1 }),
      shuffled: ch05.trainSoftmaxSgdRef(train, { ...run, seed: 1 }),
    }),
    { hint: /IN ORDER \(seed null\)/ },
  );
  wrongAnswer(
    "hw05-ex4",
    (train: d.Dataset, test: d.Dataset) => {
      const r = ch05.sortedVsShuffledRef(train, test);
      return { sorted: r.shuffled, shuffled: r.sorted };
    },
    { hint: /Is it really shuffled/ },
  );
  // the forgery: two plausible numbers, visible and hidden
  const forged = () => ({ sorted: 0.1, shuffled: 0.85 });
  wrongAnswer("hw05-ex4", forged, { hint: /A number alone is not evidence: return the trained model/ });
  wrongAnswer("hw05-ex4", forged, { hint: /A number alone is not evidence/, hidden: true });
});

test("hw05-ex5 onePerClass: the reference's model passes for many seeds; a self-reported number, training on everything fail", () => {
  fullMarks("hw05-ex5", ch05.onePerClassRef);
  // the bar holds for the reference over many draws (measured on the held-out images), so it is robust across the hidden seeds
  const { train, test } = ch05.experimentData(0);
  for (let seed = 1; seed <= 12; seed++) {
    const a = ch05.heldOutAccuracy(ch05.onePerClassRef(train, test, seed * 37), "reference");
    assert.ok(typeof a === "number" && a >= 0.25 && a <= 0.65, `seed ${seed * 37}: ${a}`);
  }
  // the forgery: a constant in the bar, visible and hidden
  wrongAnswer("hw05-ex5", () => 0.4, { hint: /A number alone is not evidence: return the trained model/ });
  wrongAnswer("hw05-ex5", () => 0.4, { hint: /A number alone is not evidence/, hidden: true });
  // the test accuracy of the right run, self-reported, is still only a number
  wrongAnswer("hw05-ex5", (tr: d.Dataset, te: d.Dataset, seed: number) => acc(ch05.onePerClassRef(tr, te, seed), te), {
    hint: /A number alone is not evidence/,
  });
  wrongAnswer(
    "hw05-ex5",
    (tr: d.Dataset) => ch05.trainSoftmaxSgdRef(tr, { batchSize: 10, eta: 0.1, epochs: 1, seed: 1 }),
    { hint: /only the ten images/ },
  );
  wrongAnswer(
    "hw05-ex5",
    (tr: d.Dataset, _te: d.Dataset, seed: number) =>
      ch05.trainSoftmaxSgdRef(d.perClass(tr, 1, seed + 1), { batchSize: 10, eta: 0.1, epochs: 300, seed: null }),
    { hint: /the run the task describes scores/ },
  );
});

function studentMistakes(slip: "none" | "ascending" | "byPredicted" | "withCorrect") {
  return (P: d.Matrix, y: ArrayLike<number>, k: number): d.Mistake[][] => {
    const lists: d.Mistake[][] = Array.from({ length: P.cols }, () => []);
    const pred = d.argmaxRows(P);
    for (let i = 0; i < P.rows; i++) {
      if (pred[i] === y[i] && slip !== "withCorrect") continue;
      lists[slip === "byPredicted" ? pred[i] : y[i]].push({
        index: i,
        label: y[i],
        predicted: pred[i],
        score: P.get(i, pred[i]),
      });
    }
    for (const l of lists) {
      l.sort((a, b) => (slip === "ascending" ? a.score - b.score : b.score - a.score) || a.index - b.index);
      l.splice(k);
    }
    return lists;
  };
}

test("hw05-ex6 confidentMistakes: a student version gets full marks; ascending order, grouped by prediction, correct ones kept fail", () => {
  fullMarks("hw05-ex6", ch05.confidentMistakesRef);
  fullMarks("hw05-ex6", studentMistakes("none"));
  wrongAnswer("hw05-ex6", studentMistakes("ascending"), {
    hint: /least to most confident/,
    failing: ["hand case", "k = 2"],
  });
  wrongAnswer("hw05-ex6", studentMistakes("byPredicted"), { hint: /grouped by the PREDICTED class/ });
  wrongAnswer("hw05-ex6", studentMistakes("withCorrect"), { hint: /Correctly classified examples are in the lists/ });
});

// ---------------------------------------------------------------------------------------------
// Chapter 06

type Net = ch06.Net;
const f = (a: d.ActivationName) => d.getActivation(a);

/** A student's forward pass with switchable slips. */
function studentForward(slip: "none" | "noBias" | "naiveSoftmax" | "noTranspose") {
  return (net: Net, X: d.Matrix, a: d.ActivationName): ch06.Forward => {
    const lin = (A: d.Matrix, W: d.Matrix, b: d.Matrix) =>
      slip === "noBias"
        ? d.matmulNT(A, W)
        : d.addRowVector(slip === "noTranspose" ? d.matmul(A, W) : d.matmulNT(A, W), b);
    const Z1 = lin(X, net.W1, net.b1);
    const A1 = d.map(Z1, f(a).f);
    const Z2 = lin(A1, net.W2, net.b2);
    let P: d.Matrix;
    if (slip === "naiveSoftmax") {
      P = d.map(Z2, Math.exp);
      const s = d.sumCols(P);
      for (let i = 0; i < P.rows; i++) for (let j = 0; j < P.cols; j++) P.set(i, j, P.get(i, j) / s.data[i]);
    } else P = d.softmax(Z2);
    return { Z1, A1, Z2, P };
  };
}

test("hw06-ex1 forward: a student version gets full marks; no biases, naive softmax (overflow), W not transposed fail", () => {
  fullMarks("hw06-ex1", ch06.forwardRef);
  fullMarks("hw06-ex1", studentForward("none"));
  wrongAnswer("hw06-ex1", studentForward("noBias"), { hint: /biases are missing/ });
  wrongAnswer("hw06-ex1", studentForward("naiveSoftmax"), {
    hint: /overflow|max/i,
    failing: ["huge weights"],
    hidden: true,
  });
  wrongAnswer("hw06-ex1", studentForward("noTranspose"), { hint: /ShapeError/, failing: ["n = 4"] });
});

function studentDeltas(slip: "none" | "noFprime" | "sign" | "fOfA") {
  return (net: Net, fw: ch06.Forward, y: ArrayLike<number>, a: d.ActivationName): ch06.Deltas => {
    const Y = d.oneHot(y, fw.P.cols);
    const D2 = slip === "sign" ? d.sub(Y, fw.P) : d.sub(fw.P, Y);
    const back = d.matmul(D2, net.W2);
    if (slip === "noFprime") return { D2, D1: back };
    return { D2, D1: d.hadamard(back, d.map(slip === "fOfA" ? fw.A1 : fw.Z1, f(a).df)) };
  };
}

test("hw06-ex2 deltas: a student version gets full marks; forgotten f'(Z), Y − P, f'(A) fail with their hints", () => {
  fullMarks("hw06-ex2", ch06.deltasRef);
  fullMarks("hw06-ex2", studentDeltas("none"));
  wrongAnswer("hw06-ex2", studentDeltas("noFprime"), { hint: /f'\(Z1\) is missing/ });
  wrongAnswer("hw06-ex2", studentDeltas("sign"), { hint: /sign/i });
  wrongAnswer("hw06-ex2", studentDeltas("fOfA"), { hint: /taken at A1 instead of Z1/, failing: ["sigmoid", "tanh"] });
});

test("the deltas and weight gradients of ex2/ex3 are the course MLP's (one-hidden-layer network)", () => {
  const rng = d.rng(3);
  const net = ch06.randomNet(rng, { n: 5, dIn: 4, h: 3, K: 3 });
  const X = d.randn(5, 4, rng);
  const y = Int32Array.from([0, 2, 2, 1, 0]);
  for (const a of ["relu", "tanh", "sigmoid"] as const) {
    const fw = ch06.forwardRef(net, X, a);
    const g = ch06.weightGradientsRef(X, fw, ch06.deltasRef(net, fw, y, a));
    const ref = ch06.backpropRef(net, X, y, a);
    for (const k of ["W1", "b1", "W2", "b2"] as const) assert.ok(d.maxAbsDiff(g[k], ref[k]) < 1e-12, `${a} ${k}`);
    assert.ok(ch06.gradientCheckRef(net, X, y, a, ch06.backpropRef) < 1e-6);
  }
});

function studentGrads(slip: "none" | "noMean" | "transposed" | "wrongAxis") {
  return (X: d.Matrix, fw: ch06.Forward, dl: ch06.Deltas): ch06.Grads => {
    const n = slip === "noMean" ? 1 : X.rows;
    const W = (D: d.Matrix, A: d.Matrix) => d.scale(slip === "transposed" ? d.matmulTN(A, D) : d.matmulTN(D, A), 1 / n);
    const b = (D: d.Matrix) => d.scale(slip === "wrongAxis" ? d.sumCols(D) : d.sumRows(D), 1 / n);
    return { W1: W(dl.D1, X), b1: b(dl.D1), W2: W(dl.D2, fw.A1), b2: b(dl.D2) };
  };
}

test("hw06-ex3 weight gradients: a student version gets full marks; no 1/n, transposed, summed over the wrong axis fail", () => {
  fullMarks("hw06-ex3", ch06.weightGradientsRef);
  fullMarks("hw06-ex3", studentGrads("none"));
  wrongAnswer("hw06-ex3", studentGrads("noMean"), { hint: /1\/n/, failing: ["n = 4", "n = 8"] });
  wrongAnswer("hw06-ex3", studentGrads("transposed"), { hint: /transpose/i, failing: ["n = 4", "n = 8"] });
  wrongAnswer("hw06-ex3", studentGrads("wrongAxis"), { hint: /axis/i, failing: ["n = 4", "n = 8"] });
});

function studentLoss(slip: "none" | "sum" | "naive") {
  return (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName): number => {
    const { Z2 } = ch06.forwardRef(net, X, a);
    let s = 0;
    for (let i = 0; i < Z2.rows; i++) {
      const z = Array.from(Z2.row(i));
      if (slip === "naive") s -= Math.log(Math.exp(z[y[i]]) / z.reduce((u, v) => u + Math.exp(v), 0));
      else s += d.logSumExp(z) - z[y[i]];
    }
    return slip === "sum" ? s : s / Z2.rows;
  };
}

test("hw06-ex4 loss: a student version gets full marks; a sum instead of the mean, exp without the max fail", () => {
  fullMarks("hw06-ex4", ch06.meanLossRef);
  fullMarks("hw06-ex4", studentLoss("none"));
  wrongAnswer("hw06-ex4", studentLoss("sum"), { hint: /MEAN|1\/n|factor/ });
  wrongAnswer("hw06-ex4", studentLoss("naive"), {
    hint: /underflows to 0 .*\(−ln 0 = ∞\)/,
    failing: ["huge logits"],
    hidden: true,
  });
});

function studentNumerical(slip: "none" | "forward" | "backward" | "divideByH" | "noRestore") {
  return (fn: (M: d.Matrix) => number, M: d.Matrix, h: number): d.Matrix => {
    const G = d.zerosLike(M);
    for (let t = 0; t < M.data.length; t++) {
      const keep = M.data[t];
      M.data[t] = slip === "backward" ? keep : keep + h;
      const up = fn(M);
      M.data[t] = slip === "forward" ? keep : keep - h;
      const down = fn(M);
      if (slip !== "noRestore") M.data[t] = keep;
      G.data[t] = (up - down) / (slip === "forward" || slip === "backward" || slip === "divideByH" ? h : 2 * h);
    }
    return G;
  };
}

test("hw06-ex5 central differences: a student version gets full marks; forward differences, /h instead of /2h, no restore fail", () => {
  fullMarks("hw06-ex5", studentNumerical("none"));
  wrongAnswer("hw06-ex5", studentNumerical("forward"), { hint: /forward difference/ });
  wrongAnswer("hw06-ex5", studentNumerical("backward"), { hint: /one-sided \(backward\) difference/ });
  wrongAnswer("hw06-ex5", studentNumerical("divideByH"), { hint: /Divided by h instead of 2h/ });
  wrongAnswer("hw06-ex5", studentNumerical("noRestore"), { hint: /not put back/ });
});

function studentGradCheck(slip: "none" | "onlyW1" | "absolute" | "zero") {
  return (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName, bp: ch06.Backprop): number => {
    if (slip === "zero") return 0;
    const g = bp(net, X, y, a);
    let worst = 0;
    for (const k of slip === "onlyW1" ? (["W1"] as const) : (["W1", "b1", "W2", "b2"] as const)) {
      const num = studentNumerical("none")((M) => studentLoss("none")({ ...net, [k]: M }, X, y, a), net[k], 1e-5);
      for (let i = 0; i < num.data.length; i++) {
        const diff = Math.abs(g[k].data[i] - num.data[i]);
        worst = Math.max(
          worst,
          slip === "absolute" ? diff : diff / Math.max(Math.abs(g[k].data[i]) + Math.abs(num.data[i]), 1e-12),
        );
      }
    }
    return worst;
  };
}

test("hw06-ex6 gradient check: a student version gets full marks; only W1, absolute error, always 0 fail", () => {
  fullMarks("hw06-ex6", ch06.gradientCheckRef);
  fullMarks("hw06-ex6", studentGradCheck("none"));
  wrongAnswer("hw06-ex6", studentGradCheck("onlyW1"), { hint: /Only W1 is compared/, failing: ["twice too large"] });
  wrongAnswer("hw06-ex6", studentGradCheck("absolute"), { hint: /absolute difference/, failing: ["without f'"] });
  wrongAnswer("hw06-ex6", studentGradCheck("zero"), {
    hint: /must expose[^]*reports no error at all/,
    failing: ["without f'", "twice too large"],
  });
});

// ---------------------------------------------------------------------------------------------
// Chapter 07

const isW = (name: string) => name.startsWith("W");

test("hw07-ex1 L2 penalty: reference full marks; biases penalised, no 1/2 fail", () => {
  fullMarks("hw07-ex1", ch07.l2PenaltyRef);
  wrongAnswer(
    "hw07-ex1",
    (ps: ch07.Group[], alpha: number) => (alpha / 2) * ps.reduce((s, p) => s + d.sumOfSquares(p.value), 0),
    {
      hint: /biases are penalised/,
      failing: ["W1, b1, W2, b2"],
    },
  );
  wrongAnswer(
    "hw07-ex1",
    (ps: ch07.Group[], alpha: number) =>
      alpha * ps.filter((p) => isW(p.name)).reduce((s, p) => s + d.sumOfSquares(p.value), 0),
    {
      hint: /The 1\/2 is missing/,
      failing: ["hand case", "W1, b1, W2, b2"],
    },
  );
});

test("hw07-ex2 L2 gradient: reference full marks; αb on biases, 2αW, −αW fail", () => {
  fullMarks("hw07-ex2", ch07.l2GradientRef);
  const grad =
    (c: number, biasesToo = false) =>
    (ps: ch07.GroupWithGrad[], alpha: number) =>
      ps.map((p) =>
        isW(p.name) || biasesToo ? d.zipWith(p.grad, p.value, (g, w) => g + c * alpha * w) : d.copy(p.grad),
      );
  wrongAnswer("hw07-ex2", grad(1, true), { hint: /αb was added to the bias/, failing: ["W1, b1, W2, b2"] });
  wrongAnswer("hw07-ex2", grad(2), { hint: /no 2αW/ });
  wrongAnswer("hw07-ex2", grad(-1), { hint: /Wrong sign/ });
});

function studentNotesStep(slip: "none" | "epsOutside" | "oldG" | "overwrite") {
  return (theta: d.Matrix, grad: d.Matrix, G: number, hp: ch07.NotesHyper): { theta: d.Matrix; G: number } => {
    const Gn = hp.gamma * G + (1 - hp.gamma) * d.sumOfSquares(grad);
    const Gs = slip === "oldG" ? G : Gn;
    const s = slip === "epsOutside" ? hp.eta / (Math.sqrt(Gs) + hp.eps) : hp.eta / Math.sqrt(Gs + hp.eps);
    const t = slip === "overwrite" ? d.scale(grad, s) : d.zipWith(theta, grad, (w, g) => w - s * g);
    return { theta: t, G: Gn };
  };
}

test("hw07-ex3 notes' RMSprop step: a student version gets full marks; ε outside, old G, θ = s·g fail", () => {
  fullMarks("hw07-ex3", ch07.notesRmspropStepRef);
  fullMarks("hw07-ex3", studentNotesStep("none"));
  wrongAnswer("hw07-ex3", studentNotesStep("epsOutside"), {
    hint: /ε is outside the square root/,
    failing: ["small accumulator"],
  });
  wrongAnswer("hw07-ex3", studentNotesStep("oldG"), { hint: /from BEFORE this step/ });
  wrongAnswer("hw07-ex3", studentNotesStep("overwrite"), { hint: /W\[0\] = etaW0/ });
});

function studentRmsprop(slip: "none" | "scalar" | "epsInside" | "plus") {
  return (theta: d.Matrix, grad: d.Matrix, r: d.Matrix, hp: ch07.NotesHyper): { theta: d.Matrix; r: d.Matrix } => {
    const n2 = d.sumOfSquares(grad);
    const rr = d.zipWith(r, grad, (ri, g) => hp.gamma * ri + (1 - hp.gamma) * (slip === "scalar" ? n2 : g * g));
    const t = d.copy(theta);
    for (let i = 0; i < t.data.length; i++) {
      const den = slip === "epsInside" ? Math.sqrt(rr.data[i] + hp.eps) : Math.sqrt(rr.data[i]) + hp.eps;
      t.data[i] += ((slip === "plus" ? 1 : -1) * (hp.eta * grad.data[i])) / den;
    }
    return { theta: t, r: rr };
  };
}

test("hw07-ex4 element-wise RMSprop: a student version gets full marks; one r per group, ε inside, + instead of − fail", () => {
  fullMarks("hw07-ex4", ch07.rmspropStepRef);
  fullMarks("hw07-ex4", studentRmsprop("none"));
  wrongAnswer("hw07-ex4", studentRmsprop("scalar"), { hint: /One accumulator for the whole group/ });
  wrongAnswer("hw07-ex4", studentRmsprop("epsInside"), {
    hint: /ε is under the square root/,
    failing: ["ε = 0.1"],
    hidden: true,
  });
  wrongAnswer("hw07-ex4", studentRmsprop("plus"), { hint: /Wrong sign/ });
});

test("the element-wise step equals the course's d.rmsprop over three steps from r = 0", () => {
  const rng = d.rng(11);
  const theta = d.randn(3, 4, rng);
  const value = d.copy(theta);
  const opt = d.rmsprop(0.01, { gamma: 0.9, eps: 1e-8, fast: false });
  let mine = { theta, r: d.zeros(3, 4) };
  for (let k = 0; k < 3; k++) {
    const g = d.randn(3, 4, rng);
    opt.step([{ name: "W", value, grad: g }]);
    mine = ch07.rmspropStepRef(mine.theta, g, mine.r, { eta: 0.01, gamma: 0.9, eps: 1e-8 });
  }
  assert.ok(d.maxAbsDiff(mine.theta, value) < 1e-15);
});

/** A student's notes loop: MLP without l2, own penalty and gradient, own step per group, own resets. */
function studentNotesLoop(slip: "none" | "asPrinted" | "noReset" | "biasPenalty" | "zeroStart") {
  return (data: d.Dataset, run: ch07.NotesRun): number[] => {
    const net = ch07.notesNetwork(run, 0);
    const g0: number = slip === "zeroStart" ? 0 : 1;
    const G = net.params.map(() => g0);
    const L: number[] = [];
    for (let k = 0; k < run.iterations; k++) {
      let loss = net.lossAndGradient(data.X, data.y);
      for (const p of net.params) {
        if (!isW(p.name) && slip !== "biasPenalty") continue;
        loss += (run.alpha / 2) * d.sumOfSquares(p.value);
        for (let i = 0; i < p.grad.data.length; i++) p.grad.data[i] += run.alpha * p.value.data[i];
      }
      L.push(loss);
      net.params.forEach((p, j) => {
        const step = studentNotesStep("none")(p.value, p.grad, G[j], run);
        p.value.data.set(step.theta.data);
        G[j] = step.G;
      });
      const reset =
        slip === "noReset" ? false : slip === "asPrinted" ? k % run.resetEvery === 0 : (k + 1) % run.resetEvery === 0;
      if (reset) G.fill(g0);
    }
    return L;
  };
}

test("hw07-ex5 the notes' loop: a student loop gets full marks; resets as printed, no resets, penalised biases fail", () => {
  fullMarks("hw07-ex5", ch07.trainNotesRmspropRef);
  fullMarks("hw07-ex5", studentNotesLoop("none"));
  wrongAnswer("hw07-ex5", studentNotesLoop("asPrinted"), { hint: /after steps 0, K, 2K/ });
  wrongAnswer("hw07-ex5", studentNotesLoop("noReset"), { hint: /never reset/ });
  wrongAnswer("hw07-ex5", studentNotesLoop("biasPenalty"), { hint: /biases are penalised/ });
  wrongAnswer("hw07-ex5", studentNotesLoop("zeroStart"), { hint: /accumulators start at 0/ });
});

test("an unfinished exercise of chapters 05-07 says 'not done yet' and scores 0", () => {
  const stub = () => {
    throw new NotDoneYet();
  };
  for (const id of ["hw05-ex1", "hw05-ex3", "hw06-ex2", "hw06-ex6", "hw07-ex3", "hw07-ex5"]) {
    const r = runCheck(id, stub);
    assert.equal(r.status, "not done", id);
    assert.equal(r.points, 0);
    assert.match(printed(id, stub), /not done yet/);
  }
});

test("check() prints the failing case, expected vs got, and the hint on the console", () => {
  const text = printed("hw07-ex3", studentNotesStep("overwrite"));
  assert.match(text, /✗ hand case/);
  assert.match(text, /expected: .*\n\s+got: /);
  assert.match(text, /Hint: θ is overwritten by the step/);
});

test("the masters 05-07: three cells per exercise with nbgrader metadata, points = visible + hidden case points, markers, no outputs, a final checks cell", () => {
  assertMasterStructure("hw05", "notebooks/homework-masters/05-softmax-experiments.ipynb");
  assertMasterStructure("hw06", "notebooks/homework-masters/06-backpropagation.ipynb");
  assertMasterStructure("hw07", "notebooks/homework-masters/07-rmsprop.ipynb");
});
