/**
 * Homework exercises of chapters 01-04 (src/homework/exercises/hw01/ … hw04/): the reference
 * answers get full marks on the visible and hidden cases (two hidden seeds), and for every exercise
 * at least two realistic wrong student answers, written here by hand the way a student would, get
 * 0 points on the cases they break and print the hint that names their mistake (the printed report
 * is captured). No kernel: the exercise registry is imported directly.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as d from "../src/index";
import { runCheck } from "../src/homework/check";
import { NotDoneYet } from "../src/homework/notDone";
import * as ch01 from "../src/homework/exercises/hw01";
import * as ch02 from "../src/homework/exercises/hw02";
import * as ch03 from "../src/homework/exercises/hw03";
import * as ch04 from "../src/homework/exercises/hw04";
import "../src/homework/exercises/index";
import { assertMasterStructure, fullMarks, printed, wrongAnswer } from "./support/homeworkChecks";

const dot = (w: ArrayLike<number>, x: ArrayLike<number>) => Array.from(w).reduce((s, wj, j) => s + wj * x[j], 0);
const rows = (X: d.Matrix) => Array.from({ length: X.rows }, (_, i) => Array.from(X.row(i)));

// ---------------------------------------------------------------------------------------------
// Chapter 01

test("hw01-ex1 threshold decision: reference full marks; '>' instead of '≥' and a flipped comparison fail with their hints", () => {
  fullMarks("hw01-ex1", ch01.decideWithThresholdRef);
  wrongAnswer("hw01-ex1", (X: d.Matrix, w: number[], t: number) => rows(X).map((x) => (dot(w, x) > t ? 1 : 0)), {
    hint: /A tie w·x = t must give 1/,
    failing: ["t = 7"],
  });
  wrongAnswer("hw01-ex1", (X: d.Matrix, w: number[], t: number) => rows(X).map((x) => (t >= dot(w, x) ? 1 : 0)), {
    hint: /comparison is the wrong way round/,
    failing: ["t = 9"],
  });
});

test("hw01-ex2 bias decision: reference full marks; comparing with b instead of −b and H(0) = 0 fail with their hints", () => {
  fullMarks("hw01-ex2", ch01.decideWithBiasRef);
  wrongAnswer("hw01-ex2", (X: d.Matrix, w: number[], b: number) => rows(X).map((x) => (dot(w, x) >= b ? 1 : 0)), {
    hint: /opposite signs/,
    failing: ["b = −9", "b = −7"],
  });
  wrongAnswer(
    "hw01-ex2",
    (X: d.Matrix, w: number[], b: number) => {
      const H = (z: number) => (z > 0 ? 1 : 0);
      return rows(X).map((x) => H(dot(w, x) + b));
    },
    { hint: /H\(0\) must be 1/, failing: ["b = −7"] },
  );
});

test("hw01-ex3 perceptron step: reference full marks; wrong sign, no bias update, update on every example fail with their hints", () => {
  fullMarks("hw01-ex3", ch01.perceptronStepRef);
  wrongAnswer(
    "hw01-ex3",
    (w: number[], b: number, x: number[], y: number, eta: number) => {
      const yHat = dot(w, x) + b >= 0 ? 1 : 0;
      const newW = w.map((wj, j) => wj - eta * (y - yHat) * x[j]);
      return { w: newW, b: b - eta * (y - yHat), mistake: y !== yHat };
    },
    { hint: /Wrong sign/, failing: ["should say 1", "should say 0"] },
  );
  wrongAnswer(
    "hw01-ex3",
    (w: number[], b: number, x: number[], y: number, eta: number) => {
      const yHat = dot(w, x) + b >= 0 ? 1 : 0;
      for (let j = 0; j < w.length; j++) w[j] += eta * (y - yHat) * x[j];
      return { w, b, mistake: y !== yHat };
    },
    { hint: /bias must be updated too/, failing: ["should say 1", "should say 0"] },
  );
  wrongAnswer(
    "hw01-ex3",
    (w: number[], b: number, x: number[], y: number, eta: number) => {
      const yHat = dot(w, x) + b >= 0 ? 1 : 0;
      return { w: w.map((wj, j) => wj + eta * y * x[j]), b: b + eta * y, mistake: y !== yHat };
    },
    { hint: /only on a mistake/, failing: ["already right"] },
  );
});

test("hw01-ex4 training loop: reference full marks; uncounted clean pass, last-example stopping test, no early stop fail with their hints", () => {
  fullMarks("hw01-ex4", ch01.trainPerceptronRef);
  // A student's loop: stops on a clean pass but returns the number of passes that changed something.
  wrongAnswer(
    "hw01-ex4",
    (X: d.Matrix, y: number[], maxEpochs: number) => {
      let w = new Array(X.cols).fill(0);
      let b = 0;
      let epoch = 0;
      let converged = false;
      while (epoch < maxEpochs) {
        let mistakes = 0;
        for (let i = 0; i < X.rows; i++) {
          const s = ch01.perceptronStepRef(w, b, Array.from(X.row(i)), y[i], 1);
          ({ w, b } = s);
          if (s.mistake) mistakes++;
        }
        if (mistakes === 0) {
          converged = true;
          break;
        }
        epoch++;
      }
      return { w, b, epochs: epoch, converged };
    },
    { hint: /count it in `epochs`/, failing: ["gate", "points, margin"] }, // XOR never converges: right there
  );
  wrongAnswer(
    "hw01-ex4",
    (X: d.Matrix, y: number[], maxEpochs: number) => {
      let w = new Array(X.cols).fill(0);
      let b = 0;
      for (let e = 1; e <= maxEpochs; e++) {
        let ok = false;
        for (let i = 0; i < X.rows; i++) {
          const s = ch01.perceptronStepRef(w, b, Array.from(X.row(i)), y[i], 1);
          ({ w, b } = s);
          ok = !s.mistake;
        }
        if (ok) return { w, b, epochs: e, converged: true };
      }
      return { w, b, epochs: maxEpochs, converged: false };
    },
    { hint: /looks only at the last example/, failing: ["points, margin"] },
  );
  wrongAnswer(
    "hw01-ex4",
    (X: d.Matrix, y: number[], maxEpochs: number) => {
      let w = new Array(X.cols).fill(0);
      let b = 0;
      let mistakes = 0;
      for (let e = 0; e < maxEpochs; e++) {
        mistakes = 0;
        for (let i = 0; i < X.rows; i++) {
          const s = ch01.perceptronStepRef(w, b, Array.from(X.row(i)), y[i], 1);
          ({ w, b } = s);
          if (s.mistake) mistakes++;
        }
      }
      return { w, b, epochs: maxEpochs, converged: mistakes === 0 };
    },
    { hint: /never stops early/, failing: ["gate"] },
  );
});

// ---------------------------------------------------------------------------------------------
// Chapter 02

test("hw02-ex1 central differences: reference full marks; forward differences and an unrestored v fail with their hints", () => {
  fullMarks("hw02-ex1", ch02.finiteDifferenceGradientRef);
  wrongAnswer(
    "hw02-ex1",
    (C: (v: number[]) => number, v: number[], h: number) => {
      const c0 = C(v);
      const g: number[] = [];
      for (let k = 0; k < v.length; k++) {
        const vh = [...v];
        vh[k] = vh[k] + h;
        g.push((C(vh) - c0) / h);
      }
      return g;
    },
    { hint: /forward differences/, failing: ["cubic", "random smooth"] },
  );
  wrongAnswer(
    "hw02-ex1",
    (C: (v: number[]) => number, v: number[], h: number) =>
      v.map((_, k) => {
        const down = [...v];
        down[k] -= h;
        return (C(v) - C(down)) / h;
      }),
    { hint: /one-sided \(backward\) differences/, failing: ["cubic", "random smooth"] },
  );
  wrongAnswer(
    "hw02-ex1",
    (C: (v: number[]) => number, v: number[], h: number) => {
      const g: number[] = [];
      for (let k = 0; k < v.length; k++) {
        v[k] += h;
        const up = C(v);
        v[k] -= 2 * h;
        const down = C(v);
        g.push((up - down) / (2 * h));
      }
      return g;
    },
    { hint: /put it back/, failing: ["cubic", "random smooth"] },
  );
  wrongAnswer(
    "hw02-ex1",
    (C: (v: number[]) => number, v: number[], h: number) =>
      v.map((_, k) => {
        const up = [...v];
        const down = [...v];
        up[k] += h;
        down[k] -= h;
        return (C(up) - C(down)) / h;
      }),
    { hint: /factor 2|twice|2×|factor of 2/ },
  );
});

test("hw02-ex2 one step: reference full marks; no learning rate and returning Δv fail with their hints", () => {
  fullMarks("hw02-ex2", ch02.gradientStepRef);
  wrongAnswer("hw02-ex2", (v: number[], g: number[], _eta: number) => v.map((vk, k) => vk - g[k]), {
    hint: /Forgot the learning rate/,
    failing: ["hand case", "random"],
  });
  wrongAnswer("hw02-ex2", (v: number[], g: number[], eta: number) => g.map((gk) => -eta * gk), {
    hint: /Δv = −η∇C itself/,
  });
  wrongAnswer("hw02-ex2", (v: number[], g: number[], eta: number) => v.map((vk, k) => vk + eta * g[k]), {
    hint: /walks uphill/,
  });
});

test("hw02-ex3 the loop: reference full marks; costs without C(v⁽⁰⁾), uphill steps, a frozen gradient fail with their hints", () => {
  fullMarks("hw02-ex3", ch02.gradientDescentRef);
  wrongAnswer(
    "hw02-ex3",
    (C: (v: number[]) => number, gradC: (v: number[]) => number[], v0: number[], eta: number, steps: number) => {
      const costs: number[] = [];
      let v = v0;
      for (let k = 0; k < steps; k++) {
        const g = gradC(v);
        v = v.map((vi, i) => vi - eta * g[i]);
        costs.push(C(v));
      }
      return { v, costs };
    },
    { hint: /must start with C\(v⁽⁰⁾\)/ },
  );
  wrongAnswer(
    "hw02-ex3",
    (C: (v: number[]) => number, gradC: (v: number[]) => number[], v0: number[], eta: number, steps: number) => {
      const costs = [C(v0)];
      let v = v0;
      for (let k = 0; k < steps; k++) {
        const g = gradC(v);
        v = v.map((vi, i) => vi + eta * g[i]);
        costs.push(C(v));
      }
      return { v, costs };
    },
    { hint: /climbs uphill/ },
  );
  wrongAnswer(
    "hw02-ex3",
    (C: (v: number[]) => number, gradC: (v: number[]) => number[], v0: number[], eta: number, steps: number) => {
      const g = gradC(v0);
      const costs = [C(v0)];
      let v = v0;
      for (let k = 0; k < steps; k++) {
        v = v.map((vi, i) => vi - eta * g[i]);
        costs.push(C(v));
      }
      return { v, costs };
    },
    { hint: /CURRENT point/, failing: ["hand case", "landscape"] },
  );
});

test("hw02-ex4 learning-rate experiment: rates in the window pass; a slow rate, a too-large 'fast' rate and a non-diverging or huge diverging rate fail with the bar", () => {
  // The window for `fast` is about (0.128, 0.174), for `diverging` (0.2, 0.25]: check the bars against the theory.
  for (const eta of [0.14, 1 / 6, 0.17])
    assert.ok(
      ch02.bowlCostAfter(eta, [3, 1]) < 1e-6 && ch02.bowlCostAfter(eta, [-2, 4]) < 1e-6,
      `η = ${eta} should be fast`,
    );
  for (const eta of [0.1, 0.19]) assert.ok(ch02.bowlCostAfter(eta, [3, 1]) >= 1e-6, `η = ${eta} should not be fast`);
  fullMarks("hw02-ex4", () => ({ fast: 0.15, diverging: 0.21 }));
  wrongAnswer("hw02-ex4", () => ({ fast: 0.05, diverging: 0.21 }), {
    hint: /not below .*\|1 − 2η\|/,
    failing: ["fast"],
  });
  wrongAnswer("hw02-ex4", () => ({ fast: 0.15, diverging: 0.19 }), {
    hint: /does not diverge/,
    failing: ["diverging"],
  });
  wrongAnswer("hw02-ex4", () => ({ fast: 0.15, diverging: 10 }), { hint: /above the bar/, failing: ["diverging"] });
  wrongAnswer("hw02-ex4", () => ({ fast: 0.22, diverging: 0.22 }), { hint: /the cost grew/, failing: ["fast"] });
  wrongAnswer("hw02-ex4", () => [0.15, 0.21], { hint: /no field "fast"/ });
});

test("hw02-ex5 mini-batch gradient: reference full marks; dividing by n, averaging every row, using the first m rows fail with their hints", () => {
  fullMarks("hw02-ex5", ch02.miniBatchGradientRef);
  const mean = (G: d.Matrix, idx: number[], divide: number) => {
    const g = new Array(G.cols).fill(0);
    for (const i of idx) for (let j = 0; j < G.cols; j++) g[j] += G.get(i, j);
    return g.map((s) => s / divide);
  };
  wrongAnswer("hw02-ex5", (G: d.Matrix, batch: number[]) => mean(G, batch, G.rows), {
    hint: /Divide by the batch size m/,
  });
  wrongAnswer("hw02-ex5", (G: d.Matrix, _batch: number[]) => mean(G, [...Array(G.rows).keys()], G.rows), {
    hint: /averaged ALL the rows/,
    failing: ["line fit", "random"],
  });
  wrongAnswer(
    "hw02-ex5",
    (G: d.Matrix, batch: number[]) =>
      mean(
        G,
        batch.map((_, r) => r),
        batch.length,
      ),
    { hint: /rows 0…m−1/, failing: ["hand case", "line fit"] },
  );
  wrongAnswer("hw02-ex5", (G: d.Matrix, batch: number[]) => mean(G, batch, 1), { hint: /Missing 1\/n/ });
});

// ---------------------------------------------------------------------------------------------
// Chapter 03

test("hw03-ex1 one-hot: reference full marks; K from the labels and an off-by-one column fail with their hints", () => {
  fullMarks("hw03-ex1", ch03.oneHotRef);
  wrongAnswer(
    "hw03-ex1",
    (y: number[]) => {
      const K = Math.max(...y) + 1;
      const Y = d.zeros(y.length, K);
      y.forEach((c, i) => Y.set(i, c, 1));
      return Y;
    },
    { hint: /a class absent from the batch still needs its column/, failing: ["absent"] },
  );
  wrongAnswer(
    "hw03-ex1",
    (y: number[], K: number) => {
      const Y = d.zeros(y.length, K);
      y.forEach((c, i) => {
        if (c > 0) Y.set(i, c - 1, 1);
      });
      return Y;
    },
    { hint: /Off by one class/ },
  );
  wrongAnswer(
    "hw03-ex1",
    (y: number[], K: number) => {
      const Y = d.zeros(K, y.length);
      y.forEach((c, i) => Y.set(c, i, 1));
      return Y;
    },
    { hint: /transpose/i, failing: ["hand case", "absent"] },
  );
});

test("hw03-ex2 stable softmax: reference full marks; no max, the global max, the row min, column normalisation fail with their hints", () => {
  fullMarks("hw03-ex2", ch03.stableSoftmaxRef);
  const byRow = (Z: d.Matrix, shift: (z: number[]) => number) => {
    const S = d.zeros(Z.rows, Z.cols);
    for (let i = 0; i < Z.rows; i++) {
      const z = Array.from(Z.row(i));
      const m = shift(z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, k) => S.set(i, k, v / s));
    }
    return S;
  };
  wrongAnswer("hw03-ex2", (Z: d.Matrix) => byRow(Z, () => 0), { hint: /No max subtraction/, failing: ["±1000"] });
  wrongAnswer("hw03-ex2", (Z: d.Matrix) => byRow(Z, () => Math.max(...Array.from(Z.data))), {
    hint: /largest logit of the WHOLE matrix/,
    failing: ["±1000"],
  });
  wrongAnswer("hw03-ex2", (Z: d.Matrix) => byRow(Z, (z) => Math.min(...z)), {
    hint: /row MINIMUM/,
    failing: ["±1000"],
  });
  wrongAnswer(
    "hw03-ex2",
    (Z: d.Matrix) => {
      const T = d.transpose(Z);
      return d.transpose(byRow(T, (z) => Math.max(...z)));
    },
    { hint: /Each row must sum to 1/, failing: ["hand case", "random"] },
  );
});

test("hw03-ex3 log-sum-exp: reference full marks; the naive formula and a forgotten + m fail with their hints", () => {
  fullMarks("hw03-ex3", ch03.logSumExpRef);
  wrongAnswer("hw03-ex3", (z: number[]) => Math.log(z.map(Math.exp).reduce((a, b) => a + b, 0)), {
    hint: /overflows/,
    failing: ["(1000, 1000)", "−1000"],
  });
  wrongAnswer(
    "hw03-ex3",
    (z: number[]) => {
      const m = Math.max(...z);
      let s = 0;
      for (const v of z) s += Math.exp(v - m);
      return Math.log(s);
    },
    { hint: /forgot to add it back/ },
  );
});

test("hw03-ex4 cross-entropy: reference full marks; −ln softmax, the sum, an off-by-one label, the wrong sign fail with their hints", () => {
  fullMarks("hw03-ex4", ch03.crossEntropyRef);
  const lse = (z: ArrayLike<number>) => {
    const m = Math.max(...Array.from(z));
    return m + Math.log(Array.from(z).reduce((s, v) => s + Math.exp(v - m), 0));
  };
  wrongAnswer(
    "hw03-ex4",
    (Z: d.Matrix, y: number[]) => {
      const S = d.softmax(Z);
      let L = 0;
      for (let i = 0; i < Z.rows; i++) L += -Math.log(S.get(i, y[i]));
      return L / Z.rows;
    },
    { hint: /−ln 0 = ∞/, failing: ["±1000"] },
  );
  wrongAnswer(
    "hw03-ex4",
    (Z: d.Matrix, y: number[]) => {
      let L = 0;
      for (let i = 0; i < Z.rows; i++) L += lse(Z.row(i)) - Z.get(i, y[i]);
      return L;
    },
    { hint: /MEAN over the n examples/ },
  );
  wrongAnswer(
    "hw03-ex4",
    (Z: d.Matrix, y: number[]) => {
      let L = 0;
      for (let i = 0; i < Z.rows; i++) L += lse(Z.row(i)) - Z.get(i, (y[i] + 1) % Z.cols);
      return L / Z.rows;
    },
    { hint: /Off by one class/ },
  );
  wrongAnswer(
    "hw03-ex4",
    (Z: d.Matrix, y: number[]) => {
      let L = 0;
      for (let i = 0; i < Z.rows; i++) L += Z.get(i, y[i]) - lse(Z.row(i));
      return L / Z.rows;
    },
    { hint: /sign/i },
  );
});

test("hw03-ex5 softmax Jacobian: reference full marks; diagonal only, a flipped off-diagonal sign, a lost factor s_i fail with their hints", () => {
  fullMarks("hw03-ex5", ch03.softmaxJacobianRef);
  const K = (s: number[], f: (i: number, j: number) => number) => {
    const J = d.zeros(s.length, s.length);
    for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) J.set(i, j, f(i, j));
    return J;
  };
  wrongAnswer("hw03-ex5", (s: number[]) => K(s, (i, j) => (i === j ? s[i] * (1 - s[i]) : 0)), {
    hint: /Only the diagonal/,
    failing: ["hand case", "random"],
  });
  wrongAnswer("hw03-ex5", (s: number[]) => K(s, (i, j) => (i === j ? s[i] * (1 - s[j]) : s[i] * s[j])), {
    hint: /Off the diagonal the sign is wrong/,
    failing: ["hand case", "random"],
  });
  wrongAnswer("hw03-ex5", (s: number[]) => K(s, (i, j) => (i === j ? 1 : 0) - s[i] * s[j]), {
    hint: /lost its factor s_i/,
    failing: ["hand case", "random"],
  });
});

test("hw03-ex6 ∂L/∂Z: reference full marks; missing 1/n, Y − P, an off-by-one label, only the label column fail with their hints", () => {
  fullMarks("hw03-ex6", ch03.crossEntropyGradientRef);
  const PminusY = (Z: d.Matrix, y: number[], label: (c: number) => number, scale: number) => {
    const P = d.softmax(Z);
    const G = d.zeros(Z.rows, Z.cols);
    for (let i = 0; i < Z.rows; i++)
      for (let k = 0; k < Z.cols; k++) G.set(i, k, (P.get(i, k) - (k === label(y[i]) ? 1 : 0)) * scale);
    return G;
  };
  wrongAnswer("hw03-ex6", (Z: d.Matrix, y: number[]) => PminusY(Z, y, (c) => c, 1), {
    hint: /1\/n|factor/,
    failing: ["hand case", "random", "±1000"],
  });
  wrongAnswer("hw03-ex6", (Z: d.Matrix, y: number[]) => PminusY(Z, y, (c) => c, -1 / Z.rows), { hint: /sign/i });
  wrongAnswer("hw03-ex6", (Z: d.Matrix, y: number[]) => PminusY(Z, y, (c) => (c + 1) % Z.cols, 1 / Z.rows), {
    hint: /Off by one class/,
  });
  wrongAnswer(
    "hw03-ex6",
    (Z: d.Matrix, y: number[]) => {
      const P = d.softmax(Z);
      const G = d.zeros(Z.rows, Z.cols);
      y.forEach((c, i) => G.set(i, c, (P.get(i, c) - 1) / Z.rows));
      return G;
    },
    { hint: /Only the right class's entry/ },
  );
});

// ---------------------------------------------------------------------------------------------
// Chapter 04 (a student's softmax regression, written with the course's matrix functions)

/** Z = X Wᵀ + b, P = softmax(Z), row by row. */
function probs(W: d.Matrix, b: d.Matrix, X: d.Matrix): d.Matrix {
  return d.softmax(d.addRowVector(d.matmulNT(X, W), b));
}

test("hw04-ex1 one example: reference full marks; the notes' printed case formulas and p xᵀ fail with their hints", () => {
  fullMarks("hw04-ex1", ch04.exampleGradientRef);
  // The notes as printed: x_k(1 − p_j) for j = y, x_k p_j otherwise; −(1 − p_j) and −p_j for b.
  wrongAnswer(
    "hw04-ex1",
    (W: d.Matrix, b: d.Matrix, x: number[], y: number) => {
      const p = probs(W, b, d.rowVector(x));
      const dW = d.zeros(W.rows, W.cols);
      const db = d.zeros(1, W.rows);
      for (let j = 0; j < W.rows; j++) {
        const pj = p.data[j];
        for (let k = 0; k < W.cols; k++) dW.set(j, k, j === y ? x[k] * (1 - pj) : x[k] * pj);
        db.data[j] = j === y ? -(1 - pj) : -pj;
      }
      return { dW, db };
    },
    { hint: /notes' case formulas/, failing: ["random", "MNIST"] },
  );
  wrongAnswer(
    "hw04-ex1",
    (W: d.Matrix, b: d.Matrix, x: number[]) => {
      const p = probs(W, b, d.rowVector(x));
      return { dW: d.matmulTN(p, d.rowVector(x)), db: p };
    },
    { hint: /one-hot term is missing/ },
  );
  wrongAnswer(
    "hw04-ex1",
    (W: d.Matrix, b: d.Matrix, x: number[], y: number) => {
      const delta = d.sub(probs(W, b, d.rowVector(x)), d.oneHot([y], W.rows));
      return { dW: d.matmulTN(d.rowVector(x), delta), db: delta }; // x δᵀ: d×K
    },
    { hint: /transpose/i, failing: ["random", "MNIST"] },
  );
});

test("hw04-ex2 energy gradient: reference full marks; the notes' derivation line, a 1/n, only the last example fail with their hints", () => {
  fullMarks("hw04-ex2", ch04.energyGradientRef);
  wrongAnswer(
    "hw04-ex2",
    (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
      const P = probs(W, b, X);
      const dW = d.zeros(W.rows, W.cols);
      const db = d.zeros(1, W.rows);
      for (let i = 0; i < X.rows; i++) {
        for (let j = 0; j < W.rows; j++) {
          db.data[j] += P.get(i, j) - (y[i] === j ? 1 : 0);
          if (y[i] !== j) continue; // the notes' sum over the examples of class j only
          for (let k = 0; k < W.cols; k++) dW.set(j, k, dW.get(j, k) - X.get(i, k) * (1 - P.get(i, j)));
        }
      }
      return { dW, db };
    },
    { hint: /last line of the notes' derivation/, failing: ["random", "MNIST"] },
  );
  wrongAnswer(
    "hw04-ex2",
    (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
      const D = d.sub(probs(W, b, X), d.oneHot(y, W.rows));
      return { dW: d.scale(d.matmulTN(D, X), 1 / X.rows), db: d.scale(d.sumRows(D), 1 / X.rows) };
    },
    { hint: /SUM over the examples/, failing: ["hand case", "random", "MNIST"] },
  );
  wrongAnswer(
    "hw04-ex2",
    (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
      let dW = d.zeros(W.rows, W.cols);
      let db = d.zeros(1, W.rows);
      for (let i = 0; i < X.rows; i++) {
        const x = d.gatherRows(X, [i]);
        const delta = d.sub(probs(W, b, x), d.oneHot([y[i]], W.rows));
        dW = d.matmulTN(delta, x); // overwrites instead of adding
        db = delta;
      }
      return { dW, db };
    },
    { hint: /LAST example only/, failing: ["random", "MNIST"] },
  );
});

test("hw04-ex3 vectorised gradient: reference full marks; missing 1/n, Y − P, Xᵀ(P − Y), b summed over the classes fail with their hints", () => {
  const student = (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
    const D = d.sub(probs(W, b, X), d.oneHot(y, W.rows));
    return { dW: d.scale(d.matmulTN(D, X), 1 / X.rows), db: d.scale(d.sumRows(D), 1 / X.rows) };
  };
  fullMarks("hw04-ex3", student);
  fullMarks("hw04-ex3", ch04.vectorisedGradientRef);
  wrongAnswer(
    "hw04-ex3",
    (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
      const D = d.sub(probs(W, b, X), d.oneHot(y, W.rows));
      return { dW: d.matmulTN(D, X), db: d.sumRows(D) };
    },
    { hint: /Missing 1\/n/, failing: ["random", "MNIST"] },
  );
  wrongAnswer(
    "hw04-ex3",
    (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
      const D = d.sub(d.oneHot(y, W.rows), probs(W, b, X));
      return { dW: d.scale(d.matmulTN(D, X), 1 / X.rows), db: d.scale(d.sumRows(D), 1 / X.rows) };
    },
    { hint: /Wrong sign/ },
  );
  wrongAnswer(
    "hw04-ex3",
    (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
      const D = d.sub(probs(W, b, X), d.oneHot(y, W.rows));
      return { dW: d.scale(d.matmulTN(X, D), 1 / X.rows), db: d.scale(d.sumRows(D), 1 / X.rows) };
    },
    { hint: /transpose/i, failing: ["random", "MNIST"] },
  );
  wrongAnswer(
    "hw04-ex3",
    (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: number[]) => {
      const D = d.sub(probs(W, b, X), d.oneHot(y, W.rows));
      return { dW: d.scale(d.matmulTN(D, X), 1 / X.rows), db: d.transpose(d.scale(d.sumCols(D), 1 / X.rows)) };
    },
    { hint: /wrong axis|over the EXAMPLES|shape/i, failing: ["n = K"] },
  );
});

test("hw04-ex4 numerical gradient: reference full marks; forward differences, an unrestored M, dividing by h fail with their hints", () => {
  fullMarks("hw04-ex4", ch04.numericalGradientRef);
  wrongAnswer(
    "hw04-ex4",
    (loss: (M: d.Matrix) => number, M: d.Matrix, entries: number[], h: number) => {
      const L0 = loss(M);
      return entries.map((t) => {
        const old = M.data[t];
        M.data[t] = old + h;
        const g = (loss(M) - L0) / h;
        M.data[t] = old;
        return g;
      });
    },
    { hint: /forward differences/, failing: ["hand case", "softmax regression", "exp"] },
  );
  wrongAnswer(
    "hw04-ex4",
    (loss: (M: d.Matrix) => number, M: d.Matrix, entries: number[], h: number) => {
      const L0 = loss(M);
      return entries.map((t) => {
        const old = M.data[t];
        M.data[t] = old - h;
        const g = (L0 - loss(M)) / h;
        M.data[t] = old;
        return g;
      });
    },
    { hint: /one-sided \(backward\) differences/, failing: ["hand case", "softmax regression", "exp"] },
  );
  wrongAnswer(
    "hw04-ex4",
    (loss: (M: d.Matrix) => number, M: d.Matrix, entries: number[], h: number) =>
      entries.map((t) => {
        M.data[t] += h;
        const up = loss(M);
        M.data[t] -= 2 * h;
        return (up - loss(M)) / (2 * h);
      }),
    { hint: /restored exactly/, failing: ["hand case", "softmax regression", "exp"] },
  );
  wrongAnswer(
    "hw04-ex4",
    (loss: (M: d.Matrix) => number, M: d.Matrix, entries: number[], h: number) =>
      entries.map((t) => {
        const old = M.data[t];
        M.data[t] = old + h;
        const up = loss(M);
        M.data[t] = old - h;
        const down = loss(M);
        M.data[t] = old;
        return (up - down) / h;
      }),
    { hint: /Divided by h instead of 2h/ },
  );
});

test("hw04-ex5 training run: a correct student loop passes the bar (visible and hidden); a wrong-sign step and weights never written back fail it", () => {
  const grad = (W: d.Matrix, b: d.Matrix, X: d.Matrix, y: ArrayLike<number>) => {
    const D = d.sub(probs(W, b, X), d.oneHot(y, W.rows));
    return { dW: d.scale(d.matmulTN(D, X), 1 / X.rows), db: d.scale(d.sumRows(D), 1 / X.rows) };
  };
  const loop = (sign: number, writeBack: boolean) => (train: d.Dataset, epochs: number, eta: number, B: number) => {
    let W = d.zeros(10, train.X.cols);
    let b = d.zeros(1, 10);
    for (let e = 0; e < epochs; e++) {
      for (let s = 0; s < train.X.rows; s += B) {
        const idx = Array.from({ length: Math.min(B, train.X.rows - s) }, (_, i) => s + i);
        const g = grad(
          W,
          b,
          d.gatherRows(train.X, idx),
          idx.map((i) => train.y[i]),
        );
        const W2 = d.sub(W, d.scale(g.dW, sign * eta));
        const b2 = d.sub(b, d.scale(g.db, sign * eta));
        if (writeBack) {
          W = W2;
          b = b2;
        }
      }
    }
    return { W, b };
  };
  fullMarks("hw04-ex5", loop(1, true));
  wrongAnswer("hw04-ex5", loop(-1, true), { hint: /no better than guessing|below the bar|NaN/ });
  wrongAnswer("hw04-ex5", loop(1, false), { hint: /no better than guessing/ });
  wrongAnswer("hw04-ex5", () => ({ W: d.zeros(784, 10), b: d.zeros(1, 10) }), { hint: /10×784/ });
  // over the bar by another run (two more epochs than asked): the check recomputes the run, so it does not count
  wrongAnswer(
    "hw04-ex5",
    (train: d.Dataset, epochs: number, eta: number, B: number) => loop(1, true)(train, epochs + 2, eta, B),
    {
      hint: /it is not the W of the run the task describes \(the check recomputes it\)/,
    },
  );
});

/** A student's centring, written out with loops, with switchable slips. */
function studentCentre(slip: "none" | "testOwnMean" | "pooled" | "inPlaceThenMean" | "perRow") {
  return (train: d.Matrix, test: d.Matrix): ch04.Centred => {
    const columnMean = (X: d.Matrix): number[] => {
      const mu = new Array<number>(X.cols).fill(0);
      for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) mu[j] += X.get(i, j) / X.rows;
      return mu;
    };
    const minus = (X: d.Matrix, mu: number[], inPlace = false): d.Matrix => {
      const Y = inPlace ? X : d.copy(X);
      for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) Y.set(i, j, X.get(i, j) - mu[j]);
      return Y;
    };
    const rows = (X: d.Matrix) => Array.from({ length: X.rows }, (_, i) => Array.from(X.row(i)));
    switch (slip) {
      case "testOwnMean":
        return { train: minus(train, columnMean(train)), test: minus(test, columnMean(test)) };
      case "pooled": {
        const mu = columnMean(d.fromArrays([...rows(train), ...rows(test)]));
        return { train: minus(train, mu), test: minus(test, mu) };
      }
      case "inPlaceThenMean":
        minus(train, columnMean(train), true); // train is centred in place…
        return { train, test: minus(test, columnMean(train)) }; // …so this mean is 0
      case "perRow": {
        const centreRows = (X: d.Matrix) =>
          d.fromArrays(rows(X).map((r) => r.map((v) => v - r.reduce((a, u) => a + u, 0) / r.length)));
        return { train: centreRows(train), test: centreRows(test) };
      }
      default: {
        const mu = columnMean(train);
        return { train: minus(train, mu), test: minus(test, mu) };
      }
    }
  };
}

test("hw04-ex6 centring: a student version gets full marks; the test set's own mean, a pooled mean, an in-place slip, per-row means fail with their hints", () => {
  fullMarks("hw04-ex6", ch04.centreRef);
  fullMarks("hw04-ex6", studentCentre("none"));
  const visible = ["hand case", "shifted distribution", "MNIST"];
  wrongAnswer("hw04-ex6", studentCentre("testOwnMean"), { hint: /Mean taken over the test set/, failing: visible });
  wrongAnswer("hw04-ex6", studentCentre("testOwnMean"), {
    hint: /Mean taken over the test set[^]*single new image would become all zeros/,
    failing: ["one test image"],
    hidden: true,
  });
  wrongAnswer("hw04-ex6", studentCentre("pooled"), { hint: /training and test images together/, failing: visible });
  wrongAnswer("hw04-ex6", studentCentre("inPlaceThenMean"), { hint: /test set is not shifted/, failing: visible });
  wrongAnswer("hw04-ex6", studentCentre("perRow"), { hint: /each ROW/, failing: visible });
});

// ---------------------------------------------------------------------------------------------

test("chapters 01-04: every exercise is registered, and a stub that throws NotDoneYet scores 0 with 'not done yet'", () => {
  const ids = [
    "hw01-ex1",
    "hw01-ex2",
    "hw01-ex3",
    "hw01-ex4",
    "hw02-ex1",
    "hw02-ex2",
    "hw02-ex3",
    "hw02-ex4",
    "hw02-ex5",
    "hw03-ex1",
    "hw03-ex2",
    "hw03-ex3",
    "hw03-ex4",
    "hw03-ex5",
    "hw03-ex6",
    "hw04-ex1",
    "hw04-ex2",
    "hw04-ex3",
    "hw04-ex4",
    "hw04-ex5",
    "hw04-ex6",
  ];
  for (const id of ids) {
    const stub = () => {
      throw new NotDoneYet();
    };
    const r = runCheck(id, stub);
    assert.equal(r.status, "not done", id);
    assert.equal(r.points, 0, id);
    assert.match(printed(id, stub), /not done yet/, id);
  }
});

test("the masters 01-04: intro, three cells per exercise with nbgrader metadata, points = visible + hidden case points, markers, no outputs, a final checks cell", () => {
  assertMasterStructure("hw01", "notebooks/homework-masters/01-perceptron.ipynb");
  assertMasterStructure("hw02", "notebooks/homework-masters/02-gradient-descent.ipynb");
  assertMasterStructure("hw03", "notebooks/homework-masters/03-softmax.ipynb");
  assertMasterStructure("hw04", "notebooks/homework-masters/04-softmax-regression.ipynb");
});
