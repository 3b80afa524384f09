/** Homework 06, hw06-ex5 · Central differences (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { asTensor, compareValues } from "../../values";
import { numericalGradientRef } from "./common";

// ex5 · central differences

/** Smooth test functions of a matrix, each with a known gradient. */
export const testFunctions: Record<string, (M: d.Matrix) => number> = {
  // f(M) = Σ_ij sin(M_ij)·(i + 2j + 1) + (Σ M)²
  sinWeighted: (M) => {
    let s = 0;
    let t = 0;
    for (let i = 0; i < M.rows; i++)
      for (let j = 0; j < M.cols; j++) {
        s += Math.sin(M.get(i, j)) * (i + 2 * j + 1);
        t += M.get(i, j);
      }
    return s + t * t;
  },
  // f(M) = ln Σ exp(M_ij) (a log-sum-exp over all entries)
  lse: (M) => d.logSumExp(M.data),
  // f(M) = Σ M_ij³
  cubes: (M) => {
    let s = 0;
    for (let i = 0; i < M.data.length; i++) s += M.data[i] ** 3;
    return s;
  },
};

export function exactGradient(name: string, M: d.Matrix): d.Matrix {
  const G = d.zeros(M.rows, M.cols, "float64");
  if (name === "sinWeighted") {
    const t = d.sum(M);
    for (let i = 0; i < M.rows; i++)
      for (let j = 0; j < M.cols; j++) G.set(i, j, Math.cos(M.get(i, j)) * (i + 2 * j + 1) + 2 * t);
  } else if (name === "lse") {
    const l = d.logSumExp(M.data);
    for (let i = 0; i < M.data.length; i++) G.data[i] = Math.exp(M.data[i] - l);
  } else for (let i = 0; i < M.data.length; i++) G.data[i] = 3 * M.data[i] ** 2;
  return G;
}

/** The reference of ex5 is the exact gradient of the named test function (the case passes the function itself). */
export const ex5Reference = (f: (M: d.Matrix) => number, M: d.Matrix, _h: number): d.Matrix => {
  const name = Object.keys(testFunctions).find((k) => testFunctions[k] === f);
  return name ? exactGradient(name, M) : numericalGradientRef(f, M, 1e-5);
};

/**
 * Relative 1e-7, plus the central difference's own error: (f(m + h) − f(m − h))/2h − f′(m) = h² f‴(ξ)/6,
 * so Σ m³ (f‴ = 6) is off by h² whatever m is; a bar of 10 h² on top keeps small entries (|m| < 0.18
 * at h = 1e-4) from failing, while a forward difference (off by h f″/2) still fails.
 */
export function centralDifferenceCompare(got: unknown, expected: unknown, args: unknown[]): string | null {
  const msg = compareValues(got, expected, 1e-7);
  if (msg === null) return null;
  const h = typeof args[2] === "number" ? args[2] : 0;
  const g = asTensor(got);
  const e = asTensor(expected);
  if (!g || !e || g.data.length !== e.data.length || g.shape.join("×") !== e.shape.join("×")) return msg;
  let scale = 0;
  for (let k = 0; k < e.data.length; k++) scale = Math.max(scale, Math.abs(e.data[k]));
  for (let k = 0; k < e.data.length; k++) {
    const diff = Math.abs(g.data[k] - e.data[k]);
    if (!(diff <= 1e-7 * Math.max(Math.abs(e.data[k]), scale) + 10 * h * h)) return msg;
  }
  return null;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW06_EX5 = exercise({
  id: "hw06-ex5",
  writes: ["centralDifferences"],
  title: "Central differences",
  reference: ex5Reference,
  tolerance: 1e-7,
  compare: centralDifferenceCompare,
  cases: (rng: d.Rng) => [
    {
      name: "f = Σ sin(M_ij)(i + 2j + 1) + (Σ M)², M 2×3, h = 1e-5",
      args: [testFunctions.sinWeighted, d.randn(2, 3, rng), 1e-5],
      points: 1,
    },
    {
      name: "f = log-sum-exp of all entries, M 3×2, h = 1e-5",
      args: [testFunctions.lse, d.randn(3, 2, rng), 1e-5],
      points: 1,
    },
  ],
  hidden: (rng: d.Rng) => [
    {
      name: "f = Σ M_ij³, M 1×1 (one entry), h = 1e-4",
      args: [testFunctions.cubes, d.randn(1, 1, rng, 2), 1e-4],
      points: 1,
    },
    {
      name: "f = Σ sin(M_ij)(i + 2j + 1) + (Σ M)², M 4×1",
      args: [testFunctions.sinWeighted, d.randn(4, 1, rng), 1e-5],
      points: 1,
    },
  ],
  mistakes: [
    {
      hint: "This is a one-sided (backward) difference (f(M) − f(M − h e))/h, whose error shrinks only like h; the task asks for the central difference (f(M + h e) − f(M − h e))/(2h), accurate to h².",
      answer: (f: (M: d.Matrix) => number, M: d.Matrix, h: number) => {
        const G = d.zerosLike(M);
        const f0 = f(M);
        for (let t = 0; t < M.data.length; t++) {
          const keep = M.data[t];
          M.data[t] = keep - h;
          G.data[t] = (f0 - f(M)) / h;
          M.data[t] = keep;
        }
        return G;
      },
    },
    {
      hint: "This is the one-sided forward difference (f(M + h e) − f(M))/h, whose error shrinks only like h; the central difference (f(M + h e) − f(M − h e))/(2h) is accurate to h².",
      answer: (f: (M: d.Matrix) => number, M: d.Matrix, h: number) => {
        const G = d.zerosLike(M);
        const f0 = f(M);
        for (let t = 0; t < M.data.length; t++) {
          const keep = M.data[t];
          M.data[t] = keep + h;
          G.data[t] = (f(M) - f0) / h;
          M.data[t] = keep;
        }
        return G;
      },
    },
    {
      hint: "Divided by h instead of 2h: the two evaluations f(M + h e) and f(M − h e) are 2h apart, so the central difference is (f(M + h e) − f(M − h e))/(2h).",
      answer: (f: (M: d.Matrix) => number, M: d.Matrix, h: number) => d.scale(numericalGradientRef(f, M, h), 2),
    },
    {
      hint: "An entry is not put back after its two evaluations: restore M[t] to its original value before moving on to the next entry, or every later difference is taken at a shifted point.",
      answer: (f: (M: d.Matrix) => number, M: d.Matrix, h: number) => {
        const G = d.zerosLike(M);
        for (let t = 0; t < M.data.length; t++) {
          const keep = M.data[t];
          M.data[t] = keep + h;
          const up = f(M);
          M.data[t] = keep - h;
          const down = f(M);
          G.data[t] = (up - down) / (2 * h);
        }
        return G;
      },
    },
  ],
});
