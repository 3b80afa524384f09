/** Homework 07, hw07-ex1 · The L2 penalty (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { Group, NET_SHAPES, groups, isWeight, l2PenaltyRef, strip } from "./common";

// ex1 · the penalty

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW07_EX1 = exercise({
  id: "hw07-ex1",
  title: "The L2 penalty",
  reference: l2PenaltyRef,
  cases: (rng: d.Rng) => [
    {
      name: "hand case: W = [[1, 2], [3, 4]], α = 0.1 → 0.05·30 = 1.5",
      args: [
        [
          {
            name: "W1",
            value: d.fromArrays([
              [1, 2],
              [3, 4],
            ]),
          },
        ],
        0.1,
      ],
      points: 1,
    },
    {
      name: "W1, b1, W2, b2 of a 3-4-2 network, α = 0.01 (the biases carry no penalty)",
      args: [strip(groups(rng, NET_SHAPES)), 0.01],
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    { name: "α = 0: no penalty", args: [strip(groups(rng, NET_SHAPES)), 0], points: 1 },
    {
      name: "three weight groups and one bias, α = 1e-6",
      args: [
        strip(
          groups(rng, [
            ["W1", 5, 6],
            ["W2", 3, 5],
            ["b2", 1, 3],
            ["W3", 2, 3],
          ]),
        ),
        1e-6,
      ],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "The biases are penalised too: the L2 term covers the weight matrices only (names starting with W), never b1, b2, …",
      answer: (params: Group[], alpha: number) => (alpha / 2) * params.reduce((s, p) => s + d.sumOfSquares(p.value), 0),
    },
    {
      hint: "The 1/2 is missing: the penalty is (α/2)·Σ‖W‖² (the 1/2 makes its gradient exactly αW).",
      answer: (params: Group[], alpha: number) => 2 * l2PenaltyRef(params, alpha),
    },
    {
      hint: "The penalty is (α/2)·Σ‖W‖², the SQUARED Frobenius norm ‖W‖² = Σ_ij W_ij² (no square root).",
      answer: (params: Group[], alpha: number) =>
        (alpha / 2) *
        params.filter((p) => isWeight(p.name)).reduce((s, p) => s + Math.sqrt(d.sumOfSquares(p.value)), 0),
    },
  ],
});
