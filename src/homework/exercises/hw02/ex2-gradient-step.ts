/** Homework 02, hw02-ex2 · One gradient-descent step (split from the homework's single spec file; see ./index.ts). */
import { exercise } from "../../check";
import { Vec, randomPoint } from "./common";

// hw02-ex2 · one step

export function gradientStepRef(v: Vec, g: Vec, eta: number): Vec {
  return v.map((vk, k) => vk - eta * g[k]);
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW02_EX2 = exercise({
  id: "hw02-ex2",
  title: "One gradient-descent step",
  reference: gradientStepRef,
  cases: (rng) => [
    { name: "hand case: v = (2.5, 1.5), ∇C = (1.70, 6), η = 0.1", args: [[2.5, 1.5], [1.7, 6], 0.1], points: 1 },
    { name: "random p = 6, η = 0.3", args: [randomPoint(rng, 6), randomPoint(rng, 6), 0.3], points: 1 },
  ],
  hidden: (rng) => [
    { name: "edge case: one variable, η = 1", args: [[3], [-2], 1], points: 1 },
    { name: "random p = 10, η = 0.05", args: [randomPoint(rng, 10), randomPoint(rng, 10), 0.05], points: 1 },
  ],
  mistakes: [
    {
      hint: "The learning rate is applied twice (v − η·η∇C): the step is Δv = −η∇C, with η once.",
      answer: (v: Vec, g: Vec, eta: number) => v.map((vk, k) => vk - eta * eta * g[k]),
    },
    {
      hint: "Forgot the learning rate: the step is Δv = −η∇C, not −∇C.",
      answer: (v: Vec, g: Vec) => v.map((vk, k) => vk - g[k]),
    },
    {
      hint: "Wrong sign: v + η∇C walks uphill. The gradient points to where C grows fastest, so the step is v − η∇C.",
      answer: (v: Vec, g: Vec, eta: number) => v.map((vk, k) => vk + eta * g[k]),
    },
    {
      hint: "The step returned is Δv = −η∇C itself; the new point is v + Δv = v − η∇C.",
      answer: (_v: Vec, g: Vec, eta: number) => g.map((gk) => -eta * gk),
    },
  ],
});
