/**
 * Homework 02 · exercise 6, with room to think (master: notebooks/homework-masters/02-gradient-descent.ipynb).
 *
 *   hw02-ex6  safeRate(gradC, p)   a learning rate for a quadratic cost known only through its gradient:
 *                                  bar 0.5/L ≤ η < 2/L, L the largest curvature (eigenvalue of the Hessian)
 *
 * The reference answers η = 1/L, with L measured by power iteration on u ↦ ∇C(u) − ∇C(0) (exact for a
 * quadratic); the check judges the student's rate against the band 0.5/L ≤ η < 2/L read from that answer
 * (so the student edition's check holds L for its cases, not a way to find it), naming the usual misjudgements.
 */
import { Rng } from "../../../core/random";
import { exercise } from "../../check";
import { fmt } from "../../values";
import { portable } from "../../wire";

type Vec = number[];
type Grad = (v: Vec) => Vec;

/** ∇C for C(v) = ½ vᵀHv − cᵀv:  ∇C(v) = Hv − c.   H: p×p symmetric (rows), c: length p. */
export function quadraticGradient(H: number[][], c: Vec): Grad {
  // portable: the function crosses to the kernel (and into the student edition's fixtures) with H and c
  return portable((v: Vec) => H.map((row, i) => row.reduce((s, hij, j) => s + hij * v[j], 0) - c[i]), { H, c });
}

/** H = a·I + b·11ᵀ: diagonal a + b, largest eigenvalue a + p·b (along (1, …, 1)), the others a. */
function allOnes(p: number, a: number, b: number): number[][] {
  return Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? a + b : b)));
}

/** H = Q diag(λ) Qᵀ with Q a random rotation (Gram–Schmidt of Gaussian columns). */
function rotated(rng: Rng, lambdas: Vec): number[][] {
  const p = lambdas.length;
  const Q: Vec[] = [];
  while (Q.length < p) {
    let q = Array.from({ length: p }, () => rng.normal());
    for (const u of Q) {
      const dot = q.reduce((s, x, k) => s + x * u[k], 0);
      q = q.map((x, k) => x - dot * u[k]);
    }
    const norm = Math.hypot(...q);
    if (norm > 1e-6) Q.push(q.map((x) => x / norm));
  }
  return Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => Q.reduce((s, q, k) => s + lambdas[k] * q[i] * q[j], 0)),
  );
}

/** The largest curvature L of a quadratic known through its gradient: power iteration on Hu = ∇C(u) − ∇C(0). */
export function largestCurvature(gradC: Grad, p: number): number {
  const g0 = gradC(new Array<number>(p).fill(0));
  const H = (u: Vec) => gradC(u).map((x, i) => x - g0[i]);
  let u = Array.from({ length: p }, (_, i) => 1 + 0.1 * i);
  let L = 0;
  for (let it = 0; it < 500; it++) {
    const w = H(u);
    const norm = Math.hypot(...w);
    L = w.reduce((s, x, i) => s + x * u[i], 0) / u.reduce((s, x) => s + x * x, 0);
    u = w.map((x) => x / norm);
  }
  return L;
}

/** The largest diagonal entry of the Hessian (what an axis-by-axis look sees). */
function largestDiagonal(gradC: Grad, p: number): number {
  const g0 = gradC(new Array<number>(p).fill(0));
  let m = -Infinity;
  for (let k = 0; k < p; k++) {
    const e = new Array<number>(p).fill(0);
    e[k] = 1;
    m = Math.max(m, gradC(e)[k] - g0[k]);
  }
  return m;
}

function judge(got: unknown, expected: number, args: unknown[]): string | null {
  const [gradC, p] = args as [Grad, number];
  if (typeof got !== "number" || !Number.isFinite(got) || got <= 0)
    return `return a positive learning rate, got ${String(got)}`;
  const L = 1 / expected; // the reference's rate is 1/L (so the student edition's check holds L, not a way to find it)
  const eta = got;
  if (eta >= 2 / L) {
    const diag = largestDiagonal(gradC, p);
    const axis =
      eta * diag < 2
        ? ` Your rate would be safe if the largest curvature were the largest diagonal entry of the Hessian (${fmt(diag)}), but with cross terms the steepest direction is not an axis: L is the largest eigenvalue.`
        : "";
    const edge =
      Math.abs(eta * L - 2) < 0.05
        ? " At (or just above) 2/L the steepest component flips sign without shrinking; an estimate of L by power iteration approaches L from below, so 2/L̂ overshoots. Stay clearly below 2/L, e.g. at 1/L̂."
        : "";
    return `η = ${fmt(eta)} ≥ 2/L = ${fmt(2 / L)} (L = ${fmt(L)}, the largest curvature): gradient descent diverges along the steepest direction, where one step multiplies the distance by |1 − ηL| ≥ 1.${axis}${edge} Estimate L with Hessian-vector products, Hu ≈ (∇C(v + hu) − ∇C(v − hu))/2h, and power iteration`;
  }
  if (eta < 0.5 / L)
    return `η = ${fmt(eta)} is safe but timid: below 0.5/L = ${fmt(0.5 / L)} (L = ${fmt(L)}). Every direction converges, but each step shrinks the distance along the steepest one only by the factor ${fmt(1 - eta * L)}; a rate near 1/L is safe and much faster`;
  return null;
}

exercise({
  id: "hw02-ex6",
  title: "A safe learning rate from the curvature",
  reference: (gradC: Grad, p: number) => 1 / largestCurvature(gradC, p), // η = 1/L, the middle of the safe band
  cases: (rng) => [
    {
      name: "hand case: H = 0.5·I + 2·11ᵀ (4 variables), strong cross terms",
      args: [quadraticGradient(allOnes(4, 0.5, 2), [1, 0, -1, 2]), 4],
      points: 2,
    },
    {
      name: "a rotated bowl of 5 variables, curvatures 0.5 … 10",
      args: [quadraticGradient(rotated(rng, [10, 6, 3, 1, 0.5]), [1, 2, 3, 4, 5]), 5],
      points: 2,
    },
  ],
  hidden: (rng) => [
    {
      name: "a rotated bowl of 8 variables, curvatures 0.2 … 40",
      args: [
        quadraticGradient(
          rotated(rng, [40, 20, 10, 5, 2, 1, 0.5, 0.2]),
          Array.from({ length: 8 }, () => rng.normal()),
        ),
        8,
      ],
      points: 1,
    },
    {
      name: "edge case: 2 variables, H = 0.1·I + 3·11ᵀ",
      args: [quadraticGradient(allOnes(2, 0.1, 3), [0, 1]), 2],
      points: 1,
    },
  ],
  compare: (got, expected, args) => judge(got, expected as number, args),
  mistakes: [
    {
      hint: "You took the largest diagonal entry of the Hessian, max_k ∂²C/∂v_k², as the curvature. With cross terms the steepest direction is not an axis and the largest eigenvalue can be several times larger.",
      answer: (gradC: Grad, p: number) => 1 / largestDiagonal(gradC, p),
    },
    {
      hint: "η = 2/L is the edge, not a safe rate: along the steepest direction one step multiplies the distance by 1 − 2 = −1, so it never shrinks. Take a rate clearly below 2/L, such as 1/L.",
      answer: (gradC: Grad, p: number) => 2 / largestCurvature(gradC, p),
    },
  ],
});

/** The id this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement.) */
export const HW02_EX6 = "hw02-ex6";
