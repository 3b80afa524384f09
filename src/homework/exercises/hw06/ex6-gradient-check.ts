/** Homework 06, hw06-ex6 · A gradient check (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { portable } from "../../wire";
import {
  Backprop,
  GROUPS,
  Net,
  S,
  backpropRef,
  data,
  forwardRef,
  gradientCheckRef,
  meanLossRef,
  mlpBackward,
  mlpOf,
  numericalGradientRef,
  weightGradientsRef,
} from "./common";

// The backprops a case hands to the student's gradient check cross to the student's kernel at
// grading as source with what they call (src/homework/wire.ts); all of it is the course's MLP. The cases
// mark them when they make their arguments (once), so the student edition, which has no cases, keeps
// none of these references.
let crossing = false;
function markCrossing(): void {
  if (crossing) return;
  crossing = true;
  portable(mlpOf);
  portable(mlpBackward, { mlpOf });
  portable(backpropRef, { mlpBackward });
  portable(forwardRef, { mlpOf });
  portable(weightGradientsRef);
}

// ex6 · a gradient check of a backprop

/** A backprop with one deliberate slip, for the cases: the check must catch it. */
export const brokenBackprops: Record<string, Backprop> = {
  /** forgets f'(Z1) in Δ1 */
  noFprime: portable<Backprop>(
    (net, X, y, a) => {
      const fw = forwardRef(net, X, a);
      const D2 = d.sub(fw.P, d.oneHot(y, fw.P.cols));
      return weightGradientsRef(X, fw, { D2, D1: d.matmul(D2, net.W2) });
    },
    { forwardRef, weightGradientsRef },
  ),
  /** ∂L/∂W2 twice too large */
  doubleW2: portable<Backprop>(
    (net, X, y, a) => {
      const g = backpropRef(net, X, y, a);
      return { ...g, W2: d.scale(g.W2, 2) };
    },
    { backpropRef },
  ),
  /** the bias gradients not averaged over the batch */
  biasSum: portable<Backprop>(
    (net, X, y, a) => {
      const g = backpropRef(net, X, y, a);
      return { ...g, b1: d.scale(g.b1, y.length), b2: d.scale(g.b2, y.length) };
    },
    { backpropRef },
  ),
};

/**
 * The ex6 answer's bar: a correct backprop must give < 1e-6, a broken one > 1e-2; and close to the reference's value.
 */
export function compareGradientCheck(got: unknown, expected: unknown): string | null {
  const e = expected as number;
  const correct = e < 1e-6; // the reference's own verdict on the backprop it was handed
  if (typeof got !== "number" || Number.isNaN(got))
    return `expected one number (the largest relative error), got ${JSON.stringify(got)}`;
  if (got < 0) return `a relative error |a − ñ| / (|a| + |ñ|) is never negative, got ${got}: take absolute values`;
  if (correct && !(got < 1e-6))
    return `this backprop is correct, so the check should report a tiny error (the reference gets ${e.toExponential(2)}, below 1e-6); got ${got.toExponential(3)}`;
  if (!correct && !(got > 1e-2))
    return `this backprop has a deliberate slip, which a gradient check must expose (the reference reports ${e.toExponential(3)}); got ${got.toExponential(3)}, which would let the bug through`;
  if (!correct && Math.abs(got - e) > 1e-3 * Math.max(1, e))
    return `expected the largest relative error ${e.toPrecision(6)}, got ${got.toPrecision(6)}`;
  return null;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW06_EX6 = exercise({
  id: "hw06-ex6",
  writes: ["gradientCheck", "gradientCheckModel"],
  title: "A gradient check",
  reference: gradientCheckRef,
  compare: compareGradientCheck,
  cases: (rng: d.Rng) => {
    markCrossing();
    const a = data(rng, S(5, 4, 3, 3));
    const b = data(rng, S(6, 3, 4, 3));
    const c = data(rng, S(4, 3, 3, 4));
    return [
      {
        name: "the course's backprop (correct), tanh: error below 1e-6",
        args: [a.net, a.X, a.y, "tanh", backpropRef],
        points: 1,
        gradingOnly: true, // the backprop it hands over is the answer to ex2 and ex3
      },
      {
        name: "a backprop without f'(Z1), tanh: the check must report it",
        args: [b.net, b.X, b.y, "tanh", brokenBackprops.noFprime],
        points: 1,
        gradingOnly: true, // the backprop it hands over is the answer to ex2 and ex3
      },
      {
        name: "a backprop with ∂L/∂W2 twice too large, sigmoid",
        args: [c.net, c.X, c.y, "sigmoid", brokenBackprops.doubleW2],
        points: 1,
        gradingOnly: true, // the backprop it hands over is the answer to ex2 and ex3
      },
    ];
  },
  hidden: (rng: d.Rng) => {
    markCrossing();
    const a = data(rng, S(6, 3, 4, 3));
    const b = data(rng, S(1, 3, 1, 2));
    return [
      {
        name: "a backprop that forgets the 1/n on the biases only",
        args: [a.net, a.X, a.y, "sigmoid", brokenBackprops.biasSum],
        points: 1,
      },
      {
        name: "one example, a single hidden unit, the correct backprop",
        args: [b.net, b.X, b.y, "tanh", backpropRef],
        points: 1,
      },
    ];
  },
  mistakes: [
    {
      hint: "Your check reports no error at all: compute the gradients with the backprop you are handed (the last argument), compute central differences of meanLoss for every entry of W1, b1, W2 and b2, and return the largest relative error.",
      answer: () => 0,
    },
    {
      hint: "Only W1 is compared: the check must cover every parameter group (W1, b1, W2, b2) and report the largest error over all of them.",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName, bp: Backprop) => {
        const g = bp(net, X, y, a).W1;
        const numeric = numericalGradientRef(() => meanLossRef(net, X, y, a), net.W1, 1e-5);
        let worst = 0;
        for (let i = 0; i < numeric.data.length; i++)
          worst = Math.max(worst, d.relativeError(g.data[i], numeric.data[i]));
        return worst;
      },
    },
    {
      hint: "This is the absolute difference |a − ñ|; divide by |a| + |ñ| so the error is relative (a gradient of size 1e-4 that is 100% wrong has a tiny absolute error).",
      answer: (net: Net, X: d.Matrix, y: ArrayLike<number>, a: d.ActivationName, bp: Backprop) => {
        const g = bp(net, X, y, a);
        let worst = 0;
        for (const name of GROUPS) {
          const numeric = numericalGradientRef(() => meanLossRef(net, X, y, a), net[name], 1e-5);
          for (let i = 0; i < numeric.data.length; i++)
            worst = Math.max(worst, Math.abs(g[name].data[i] - numeric.data[i]));
        }
        return worst;
      },
    },
  ],
});
