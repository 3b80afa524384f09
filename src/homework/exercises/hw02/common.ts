/** Homework 02: code shared by its exercises (see ./index.ts). */
import { Rng } from "../../../core/random";
import { portable } from "../../wire";

// ---------------------------------------------------------------------------------------------
export type Vec = number[];
export type Cost = (v: Vec) => number;
export type Grad = (v: Vec) => Vec;

// ---------------------------------------------------------------------------------------------
// Costs used by the cases (each with its gradient)

/** The landscape of notebook 02: C(v) = ½v₁² + sin v₁ + 2v₂². */
export const notebookCost: Cost = (v) => 0.5 * v[0] ** 2 + Math.sin(v[0]) + 2 * v[1] ** 2;
export const notebookGrad: Grad = (v) => [v[0] + Math.cos(v[0]), 4 * v[1]];

/** The experiment's bowl: C(v) = (v₁ − 1)² + 5(v₂ + 2)², curvatures 2 and 10, minimum 0 at (1, −2). */
export const bowlCost: Cost = (v) => (v[0] - 1) ** 2 + 5 * (v[1] + 2) ** 2;
export const bowlGrad: Grad = (v) => [2 * (v[0] - 1), 10 * (v[1] + 2)];

/** A cubic with a mixed term, where forward differences are visibly off: C(v) = v₁³ + v₁v₂ + 2v₂². */
export const cubicCost: Cost = (v) => v[0] ** 3 + v[0] * v[1] + 2 * v[1] ** 2;
export const cubicGrad: Grad = (v) => [3 * v[0] ** 2 + v[1], v[0] + 4 * v[1]];

/** A smooth cost of p variables: C(v) = Σ_k a_k v_k² + Σ_k sin(v_k) + 0.3 Σ_k v_k v_{k+1} + exp(v₁/4). */
export function randomSmoothCost(rng: Rng, p: number): { C: Cost; grad: Grad } {
  const a = Array.from({ length: p }, () => 0.5 + rng.uniform() * 2);
  const C: Cost = portable(
    (v: Vec) => {
      let s = Math.exp(v[0] / 4);
      for (let k = 0; k < p; k++) s += a[k] * v[k] ** 2 + Math.sin(v[k]) + (k + 1 < p ? 0.3 * v[k] * v[k + 1] : 0);
      return s;
    },
    { a, p },
  );
  const grad: Grad = portable(
    (v: Vec) =>
      v.map(
        (vk, k) =>
          2 * a[k] * vk +
          Math.cos(vk) +
          0.3 * ((k > 0 ? v[k - 1] : 0) + (k + 1 < p ? v[k + 1] : 0)) +
          (k === 0 ? Math.exp(v[0] / 4) / 4 : 0),
      ),
    { a, p },
  );
  return { C, grad };
}
export const randomPoint = (rng: Rng, p: number, r = 2): Vec => Array.from({ length: p }, () => rng.uniformIn(-r, r));
