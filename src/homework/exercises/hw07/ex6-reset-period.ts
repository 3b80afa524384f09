/**
 * Homework 07 · exercise 6, with room to think (master: notebooks/homework-masters/07-rmsprop.ipynb).
 *
 *   hw07-ex6  resetPeriod(hp, maxGrowth)   the largest K such that the notes' step, K updates after a reset
 *             to G = 1 with vanishing gradients, has grown by at most maxGrowth:
 *             growth(K) = √((1 + ε)/(γᴷ + ε)) ≤ maxGrowth;  Infinity if even K → ∞ stays within it
 *
 * No reference formula in the check: it simulates the accumulator (G ← γG with zero gradients) and judges
 * K against the simulation.
 */
import { exercise } from "../../check";
import { fmt } from "../../values";

export interface RmspropHp {
  eta: number;
  gamma: number;
  eps: number;
}

/** η/√(G + ε) after k updates with zero gradient from G = 1, divided by the step at G = 1 (simulated). */
export function simulatedGrowth(hp: RmspropHp, k: number): number {
  let G = 1;
  for (let t = 0; t < k; t++) G = hp.gamma * G;
  return hp.eta / Math.sqrt(G + hp.eps) / (hp.eta / Math.sqrt(1 + hp.eps));
}

/** The derivation: γᴷ ≥ (1 + ε)/g² − ε  ⇒  K = ⌊ln((1 + ε)/g² − ε)/ln γ⌋, or Infinity when (1 + ε)/g² ≤ ε. */
export function resetPeriodRef(hp: RmspropHp, maxGrowth: number): number {
  const floorG = (1 + hp.eps) / (maxGrowth * maxGrowth) - hp.eps;
  if (floorG <= 0) return Infinity;
  let K = Math.floor(Math.log(floorG) / Math.log(hp.gamma));
  // guard the rounding at the boundary
  while (simulatedGrowth(hp, K + 1) <= maxGrowth) K++;
  while (K > 0 && simulatedGrowth(hp, K) > maxGrowth) K--;
  return K;
}

function judge(got: unknown, args: unknown[]): string | null {
  const [hp, g] = args as [RmspropHp, number];
  const cap = Math.sqrt((1 + hp.eps) / hp.eps);
  if (got === Infinity)
    return cap <= g
      ? null
      : `Infinity would mean the step never grows past ${fmt(g)}×, but ε = ${fmt(hp.eps)} lets it grow up to √((1 + ε)/ε) = ${fmt(cap)}×: a finite K exists`;
  if (typeof got !== "number" || !Number.isInteger(got) || got < 0)
    return `return a whole number of updates K ≥ 0 (or Infinity), got ${String(got)}`;
  if (cap <= g)
    return `with ε = ${fmt(hp.eps)} the step can grow at most √((1 + ε)/ε) = ${fmt(cap)}× however long you wait, which is within ${fmt(g)}×: the answer is Infinity`;
  const at = simulatedGrowth(hp, got),
    next = simulatedGrowth(hp, got + 1);
  if (at > g)
    return `after K = ${got} updates the step has grown ${fmt(at)}×, more than ${fmt(g)}×: K is too large. Solve √((1 + ε)/(γᴷ + ε)) ≤ ${fmt(g)} for K — the inequality flips when you divide by ln γ < 0`;
  if (next <= g)
    return `K = ${got} is safe but not the largest: after ${got + 1} updates the growth is still only ${fmt(next)}× ≤ ${fmt(g)}×`;
  return null;
}

exercise({
  id: "hw07-ex6",
  title: "How often to reset: a derivation checked by simulation",
  cases: () => [
    {
      name: "the notes' γ = 0.99, ε = 1e-3; growth at most 4×",
      args: [{ eta: 0.5, gamma: 0.99, eps: 1e-3 }, 4],
      points: 2,
    },
    { name: "γ = 0.9, ε = 1e-8; growth at most 10×", args: [{ eta: 0.001, gamma: 0.9, eps: 1e-8 }, 10], points: 1 },
    {
      name: "edge case: ε = 0.1 caps the growth at √11 ≈ 3.3×; at most 4×",
      args: [{ eta: 0.5, gamma: 0.99, eps: 0.1 }, 4],
      points: 1,
    },
  ],
  hidden: () => [
    { name: "γ = 0.999, ε = 1e-3; growth at most 20×", args: [{ eta: 0.5, gamma: 0.999, eps: 1e-3 }, 20], points: 1 },
    {
      name: "edge case: growth at most 1× (no growth at all)",
      args: [{ eta: 0.5, gamma: 0.99, eps: 1e-3 }, 1],
      points: 1,
    },
  ],
  compare: (got, _expected, args) => judge(got, args),
  mistakes: [
    {
      hint: "You left ε out (growth √(1/γᴷ)): with ε = 1e-3 under the root the step can never grow beyond √((1 + ε)/ε) ≈ 31.6×, and the K you need is larger than without it.",
      answer: (hp: RmspropHp, g: number) => Math.floor(Math.log(1 / (g * g)) / Math.log(hp.gamma)),
    },
    {
      hint: "Rounded up: ⌈…⌉ gives the first K whose growth EXCEEDS the bound. The largest K within it is one less (round down).",
      answer: (hp: RmspropHp, g: number) => {
        const floorG = (1 + hp.eps) / (g * g) - hp.eps;
        return floorG <= 0 ? Infinity : Math.ceil(Math.log(floorG) / Math.log(hp.gamma));
      },
    },
  ],
});

/** The id this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement.) */
export const HW07_EX6 = "hw07-ex6";
