/**
 * Homework 04 · exercise 7, with room to think (master: notebooks/homework-masters/04-softmax-regression.ipynb).
 *
 *   hw04-ex7  rawPixelRates(eta)   { etaW, etaB }: the step sizes for raw pixels x' = 255x (weights W' = W/255)
 *             under which per-example SGD gives the same model as step η on pixels in [0, 1];
 *             derivation: ∂E/∂W' = 255 ∂E/∂W, W = 255W', so etaW = η/255², etaB = η (no x in ∂E/∂b)
 *
 * The check does not compare numbers with a formula: it runs both SGDs on small synthetic images and
 * compares their logits after every step.
 */
import { fromArrays } from "../../../core/matrix";
import { Rng } from "../../../core/random";
import { softmax } from "../../../models/softmax";
import { exercise } from "../../check";
import { fmt } from "../../values";

/** Small synthetic "images": n rows of d bytes 0…255, labels 0…K−1 (fixed seed: the same data for every case). */
function byteImages(n: number, dims: number, K: number, seed: number): { X: number[][]; y: number[] } {
  const r = new Rng(seed);
  const y = Array.from({ length: n }, () => r.int(K));
  const X = y.map((c) => Array.from({ length: dims }, (_, k) => (k % K === c ? 120 + r.int(136) : r.int(90))));
  return { X, y };
}

/**
 * Per-example SGD on softmax regression: z = Wx + b, W ← W − ηW (p − e_y) xᵀ, b ← b − ηB (p − e_y). Returns the logits
 * after each step on x₀.
 */
function sgdLogits(X: number[][], y: number[], K: number, etaW: number, etaB: number, W0: number[][]): number[][] {
  const W = W0.map((r) => r.slice());
  const b = new Array<number>(K).fill(0);
  const logits = (x: number[]) => W.map((w, j) => w.reduce((s, wk, k) => s + wk * x[k], b[j]));
  const out: number[][] = [];
  for (let i = 0; i < X.length; i++) {
    const z = logits(X[i]);
    const p = softmax(fromArrays([z])).data; // the course's softmax (src/models/softmax.ts)
    const g = z.map((_, j) => p[j] - (j === y[i] ? 1 : 0));
    for (let j = 0; j < K; j++) {
      for (let k = 0; k < X[i].length; k++) W[j][k] -= etaW * g[j] * X[i][k];
      b[j] -= etaB * g[j];
    }
    out.push(logits(X[0]));
  }
  return out;
}

const K = 3,
  DIMS = 9;

/**
 * The largest relative difference of the logits between SGD on [0, 1] pixels (step η) and on raw pixels (the student's
 * rates).
 */
export function rawVsScaledGap(eta: number, rates: { etaW: number; etaB: number }, seed: number): number {
  const { X, y } = byteImages(15, DIMS, K, seed);
  const r = new Rng(seed + 1);
  const W0 = Array.from({ length: K }, () => Array.from({ length: DIMS }, () => 0.1 * r.normal()));
  const scaled = sgdLogits(
    X.map((x) => x.map((v) => v / 255)),
    y,
    K,
    eta,
    eta,
    W0,
  );
  const raw = sgdLogits(
    X,
    y,
    K,
    rates.etaW,
    rates.etaB,
    W0.map((w) => w.map((v) => v / 255)),
  );
  let largestGap = 0;
  for (let t = 0; t < scaled.length; t++)
    for (let j = 0; j < K; j++)
      largestGap = Math.max(largestGap, Math.abs(raw[t][j] - scaled[t][j]) / (1 + Math.abs(scaled[t][j])));
  return largestGap;
}

export function rawPixelRatesRef(eta: number): { etaW: number; etaB: number } {
  return { etaW: eta / (255 * 255), etaB: eta };
}

function judge(got: unknown, args: unknown[]): string | null {
  const [eta, seed] = args as [number, number];
  if (typeof got !== "object" || got === null) return "return { etaW, etaB }";
  const { etaW, etaB } = got as Record<string, unknown>;
  if (typeof etaW !== "number" || typeof etaB !== "number" || !Number.isFinite(etaW) || !Number.isFinite(etaB))
    return `etaW and etaB must be finite numbers, got ${String(etaW)} and ${String(etaB)}`;
  const gap = rawVsScaledGap(eta, { etaW, etaB }, seed);
  if (gap < 1e-9) return null;
  const ratioW = etaW / eta,
    ratioB = etaB / eta;
  return `with etaW = η·${fmt(ratioW)} and etaB = η·${fmt(ratioB)} the two runs drift apart: the logits differ by up to ${fmt(gap)} (relative) over 15 steps. Follow one step: W = 255·W' gives the same logits; what does a step on W' do to W?`;
}

exercise({
  id: "hw04-ex7",
  title: "Raw pixels: which step sizes give the same training?",
  cases: () => [
    { name: "η = 0.05 (chapter 04's step)", args: [0.05, 1], points: 2 },
    { name: "η = 0.5", args: [0.5, 2], points: 1 },
  ],
  hidden: (rng) => [{ name: "η = 0.01, other images", args: [0.01, 100 + rng.int(1000)], points: 2 }],
  compare: (got, _expected, args) => judge(got, args),
  mistakes: [
    {
      hint: "One factor 255 short: ∂E/∂W' = 255·∂E/∂W, and a change of W' by Δ changes W = 255·W' by 255·Δ. Both factors together: etaW = η/255².",
      answer: (eta: number) => ({ etaW: eta / 255, etaB: eta }),
    },
    {
      hint: "The biases' gradient ∂E/∂b = p − e_y has no factor x, so raw pixels do not change it: the biases keep etaB = η. Only the weights' step is divided by 255².",
      answer: (eta: number) => ({ etaW: eta / (255 * 255), etaB: eta / (255 * 255) }),
    },
    {
      hint: "One rate for both, as the notes do: the weights then move 255² times too far (in the units of W) while the biases move right. No single step size reproduces the scaled training.",
      answer: (eta: number) => ({ etaW: eta, etaB: eta }),
    },
  ],
});

/** The id this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement.) */
export const HW04_EX7 = "hw04-ex7";
