/**
 * Homework 02, hw02-ex3 · Gradient descent: repeat the step (split from the homework's single spec file; see
 * ./index.ts).
 */
import { exercise } from "../../check";
import {
  Cost,
  Grad,
  Vec,
  bowlCost,
  bowlGrad,
  notebookCost,
  notebookGrad,
  randomPoint,
  randomSmoothCost,
} from "./common";
import { gradientStepRef } from "./ex2-gradient-step";

// hw02-ex3 · the loop

export interface DescentRun {
  v: Vec;
  costs: Vec;
}

export function gradientDescentRef(C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number): DescentRun {
  let v = v0.slice();
  const costs = [C(v)];
  for (let k = 0; k < steps; k++) {
    v = gradientStepRef(v, gradC(v), eta);
    costs.push(C(v));
  }
  return { v, costs };
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW02_EX3 = exercise({
  id: "hw02-ex3",
  writes: ["gradientDescent"],
  title: "Gradient descent: repeat the step",
  reference: gradientDescentRef,
  tolerance: 1e-9,
  cases: (rng) => {
    const r = randomSmoothCost(rng, 3);
    return [
      {
        name: "hand case: C = v², v⁽⁰⁾ = 1, η = 0.25, 3 steps",
        args: [(v: Vec) => v[0] ** 2, (v: Vec) => [2 * v[0]], [1], 0.25, 3],
        points: 1,
      },
      {
        name: "the notebook's landscape from (2.5, 1.5), η = 0.2, 40 steps",
        args: [notebookCost, notebookGrad, [2.5, 1.5], 0.2, 40],
        points: 1,
      },
      {
        name: "random smooth cost of 3 variables, η = 0.1, 25 steps",
        args: [r.C, r.grad, randomPoint(rng, 3), 0.1, 25],
        points: 1,
      },
    ];
  },
  hidden: (rng) => [
    { name: "edge case: 0 steps (only the start)", args: [bowlCost, bowlGrad, [3, 1], 0.1, 0], points: 1 },
    {
      name: "the bowl from a random start, η = 0.05, 30 steps",
      args: [bowlCost, bowlGrad, randomPoint(rng, 2, 4), 0.05, 30],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "`costs` must start with C(v⁽⁰⁾), the cost before the first step: steps + 1 entries in all.",
      answer: (C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number) => {
        let v = v0.slice();
        const costs: Vec = [];
        for (let k = 0; k < steps; k++) {
          v = gradientStepRef(v, gradC(v), eta);
          costs.push(C(v));
        }
        return { v, costs };
      },
    },
    {
      hint: "Wrong sign: v ← v + η∇C climbs uphill. Step against the gradient, v ← v − η∇C.",
      answer: (C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number) => {
        let v = v0.slice();
        const costs = [C(v)];
        for (let k = 0; k < steps; k++) {
          v = gradientStepRef(v, gradC(v), -eta);
          costs.push(C(v));
        }
        return { v, costs };
      },
    },
    {
      hint: "Every step must use the gradient at the CURRENT point, ∇C(v⁽ᵏ⁾); you kept using the gradient at the start.",
      answer: (C: Cost, gradC: Grad, v0: Vec, eta: number, steps: number) => {
        let v = v0.slice();
        const g0 = gradC(v0);
        const costs = [C(v)];
        for (let k = 0; k < steps; k++) {
          v = gradientStepRef(v, g0, eta);
          costs.push(C(v));
        }
        return { v, costs };
      },
    },
  ],
});
