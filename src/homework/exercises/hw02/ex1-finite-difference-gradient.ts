/**
 * Homework 02, hw02-ex1 · The gradient by central differences (split from the homework's single spec file; see
 * ./index.ts).
 */
import * as descent from "../../../calculus/descent";
import { exercise } from "../../check";
import { Cost, Vec, cubicCost, notebookCost, randomPoint, randomSmoothCost } from "./common";

// hw02-ex1 · central differences

export function finiteDifferenceGradientRef(C: Cost, v: Vec, h: number): Vec {
  return descent.finiteDifferenceGradient((u) => C(Array.from(u)), v, h);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW02_EX1 = exercise({
  id: "hw02-ex1",
  writes: ["finiteDifferenceGradient"],
  title: "The gradient by central differences",
  reference: finiteDifferenceGradientRef,
  tolerance: 1e-7,
  cases: (rng) => {
    const r = randomSmoothCost(rng, 4);
    return [
      {
        name: "hand case: C = v₁² + 3v₂ at (1, 2), h = 1e-4",
        args: [(v: Vec) => v[0] ** 2 + 3 * v[1], [1, 2], 1e-4],
        points: 1,
      },
      { name: "the notebook's landscape at (2.5, 1.5), h = 1e-5", args: [notebookCost, [2.5, 1.5], 1e-5], points: 1 },
      { name: "a cubic at (1.5, −0.5), h = 1e-3", args: [cubicCost, [1.5, -0.5], 1e-3], points: 1 },
      { name: "random smooth cost of 4 variables, h = 1e-3", args: [r.C, randomPoint(rng, 4), 1e-3], points: 1 },
    ];
  },
  hidden: (rng) => {
    const r = randomSmoothCost(rng, 7);
    return [
      {
        name: "edge case: one variable, C = v³ at v = 2, h = 1e-2",
        args: [(v: Vec) => v[0] ** 3, [2], 1e-2],
        points: 1,
      },
      { name: "random smooth cost of 7 variables, h = 1e-3", args: [r.C, randomPoint(rng, 7), 1e-3], points: 1 },
    ];
  },
  mistakes: [
    {
      hint: "These are one-sided (backward) differences (C(v) − C(v − h e_k))/h, accurate only to O(h). The task asks for central differences: (C(v + h e_k) − C(v − h e_k))/2h, accurate to O(h²).",
      answer: (C: Cost, v: Vec, h: number) =>
        v.map((_, k) => {
          const down = v.slice();
          down[k] -= h;
          return (C(v) - C(down)) / h;
        }),
    },
    {
      hint: "These are one-sided forward differences (C(v + h e_k) − C(v))/h, accurate only to O(h). Use central differences: (C(v + h e_k) − C(v − h e_k))/2h, accurate to O(h²).",
      answer: (C: Cost, v: Vec, h: number) =>
        v.map((_, k) => {
          const up = v.slice();
          up[k] += h;
          return (C(up) - C(v)) / h;
        }),
    },
    {
      hint: "After nudging v_k, put it back before moving to the next variable: your later entries were computed at a point where the earlier variables were still moved.",
      answer: (C: Cost, v0: Vec, h: number) => {
        const v = v0.slice();
        return v.map((_, k) => {
          v[k] += h;
          const up = C(v);
          v[k] -= 2 * h;
          const down = C(v);
          return (up - down) / (2 * h);
        });
      },
    },
  ],
});
