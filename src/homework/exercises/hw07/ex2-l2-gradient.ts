/** Homework 07, hw07-ex2 · The L2 term's gradient (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { GroupWithGrad, NET_SHAPES, groups, isWeight, l2GradientRef } from "./common";

// ex2 · its gradient

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW07_EX2 = exercise({
  id: "hw07-ex2",
  title: "The L2 term's gradient",
  reference: l2GradientRef,
  cases: (rng: d.Rng) => [
    { name: "W1, b1, W2, b2 of a 3-4-2 network, α = 0.1", args: [groups(rng, NET_SHAPES, true), 0.1], points: 1 },
    { name: "a single weight group, α = 0.5", args: [groups(rng, [["W1", 3, 5]], true), 0.5], points: 1 },
  ],
  hidden: (rng: d.Rng) => [
    { name: "α = 0: the gradients unchanged", args: [groups(rng, NET_SHAPES, true), 0], points: 1 },
    { name: "one bias only (nothing to add)", args: [groups(rng, [["b1", 1, 6]], true), 0.3], points: 1 },
  ],
  mistakes: [
    {
      hint: "αW is missing: the weights' gradient is the loss gradient PLUS αW (the derivative of (α/2)‖W‖²); yours is the loss gradient alone.",
      answer: (params: GroupWithGrad[]) => params.map((p) => d.copy(p.grad)),
    },
    {
      hint: "The penalty's gradient is αW, not W: multiply the weights by α before adding them.",
      answer: (params: GroupWithGrad[]) =>
        params.map((p) => (isWeight(p.name) ? d.add(p.grad, p.value) : d.copy(p.grad))),
    },
    {
      hint: "αb was added to the bias gradients: biases carry no penalty, so their gradient is unchanged.",
      answer: (params: GroupWithGrad[], alpha: number) => params.map((p) => d.add(p.grad, d.scale(p.value, alpha))),
    },
    {
      hint: "The derivative of (α/2)‖W‖² is αW: the 1/2 cancels the 2 from the square, so there is no 2αW and no α/2·W.",
      answer: (params: GroupWithGrad[], alpha: number) =>
        params.map((p) => (isWeight(p.name) ? d.add(p.grad, d.scale(p.value, 2 * alpha)) : d.copy(p.grad))),
    },
    {
      hint: "Wrong sign: the penalty grows with ‖W‖, so its gradient +αW is ADDED to the loss gradient (the descent step then shrinks W).",
      answer: (params: GroupWithGrad[], alpha: number) =>
        params.map((p) => (isWeight(p.name) ? d.sub(p.grad, d.scale(p.value, alpha)) : d.copy(p.grad))),
    },
  ],
});
