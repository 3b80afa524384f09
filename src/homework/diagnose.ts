/**
 * Generic diagnoses: what a wrong numeric answer most likely got wrong, found by comparing the
 * student's value G with the expected value E (and the case's inputs), with no knowledge of the
 * exercise. Each returns a hint in words; the check prints them under a failing case.
 *
 *   shape          G is Eᵀ (transposed), one entry per row where one per column is asked (the wrong
 *                  axis), a number where an array is asked or the reverse
 *   non-finite     G has NaN or ±∞ where E is finite (overflow in exp: subtract the max first)
 *   factor         G = c·E for one constant c: c = −1 (sign), c = n or 1/n (a missing or extra 1/n,
 *                  n read off the inputs' sizes), c = 2 or ½, or any c (said with its value)
 *   class index    labels all one too high or too low; one-hot 1s one column off
 *   nothing done   G all zeros, or G one of the inputs returned unchanged
 */
import { asTensor, atPath, closeEntries, effectiveTolerance, fmt, numericLeaves, shapeText, Tensor } from "./values";

/** A named size read from the inputs: "8 = the rows of argument 1 (8×3)". */
interface Size {
  n: number;
  source: string;
}

function argName(i: number, path: string): string {
  return `argument ${i + 1}${path ? ` (${path})` : ""}`;
}

/** The sizes (> 1) that appear in the inputs, with where they come from. */
export function inputSizes(args: unknown[]): Size[] {
  const out: Size[] = [];
  const seen = new Set<number>();
  args.forEach((a, i) => {
    for (const { path, t } of numericLeaves(a).slice(0, 20)) {
      const name = argName(i, path);
      if (t.shape.length === 2) {
        const [r, c] = t.shape;
        if (r > 1 && !seen.has(r)) out.push({ n: r, source: `the number of rows of ${name}, ${r}×${c}` });
        if (r > 1) seen.add(r);
        if (c > 1 && !seen.has(c)) out.push({ n: c, source: `the number of columns of ${name}, ${r}×${c}` });
        if (c > 1) seen.add(c);
      } else if (t.shape.length === 1 && t.shape[0] > 1 && !seen.has(t.shape[0])) {
        out.push({ n: t.shape[0], source: `the length of ${name}` });
        seen.add(t.shape[0]);
      }
    }
  });
  return out;
}

function maxAbsInput(args: unknown[]): number {
  let m = 0;
  for (const a of args)
    for (const { t } of numericLeaves(a).slice(0, 20))
      for (let k = 0; k < t.data.length; k++) if (Number.isFinite(t.data[k])) m = Math.max(m, Math.abs(t.data[k]));
  return m;
}

function vectorLength(t: Tensor): number | null {
  if (t.shape.length === 1) return t.shape[0];
  if (t.shape.length === 2 && (t.shape[0] === 1 || t.shape[1] === 1)) return t.shape[0] * t.shape[1];
  return null;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): boolean {
  return a.length === b.length && closeEntries(a, b, tol).bad === 0;
}

function transposed(t: Tensor): number[] {
  const [r, c] = t.shape;
  const out = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return out;
}

/** Diagnoses of a shape mismatch. */
function shapeHints(G: Tensor, E: Tensor, args: unknown[], tol: number): string[] {
  const hints: string[] = [];
  if (E.shape.length === 0) {
    hints.push(
      `A single number is asked for, but your result has shape ${shapeText(G.shape)}: did you forget to sum (or average) its entries?`,
    );
    return hints;
  }
  if (G.shape.length === 0) {
    hints.push(
      `Your result is one number where shape ${shapeText(E.shape)} is asked for: did you sum over everything instead of along one axis?`,
    );
    return hints;
  }
  if (E.shape.length === 2 && G.shape.length === 2 && G.shape[0] === E.shape[1] && G.shape[1] === E.shape[0]) {
    const right = sameValues(G.data, transposed(E), tol);
    hints.push(
      right
        ? `Transposed: your entries are right but your result is ${shapeText(G.shape)}, the transpose of the ${shapeText(E.shape)} asked for.`
        : `Transposed shape: your result is ${shapeText(G.shape)} where ${shapeText(E.shape)} is asked for. Check the order of the factors in each product (X·Wᵀ or W·X?) and whether a weight matrix needs its transpose.`,
    );
    return hints;
  }
  const le = vectorLength(E);
  const lg = vectorLength(G);
  if (le !== null && lg !== null) {
    if (le === lg) {
      const right = sameValues(G.data, E.data, tol);
      hints.push(
        `Your result holds ${lg} entries${right ? " with the right values" : ""} but has shape ${shapeText(G.shape)}; the shape asked for is ${shapeText(E.shape)}.`,
      );
      return hints;
    }
    // One entry per row where one per column is asked for (or the reverse): which input has the sizes?
    for (let i = 0; i < args.length; i++) {
      for (const { path, t } of numericLeaves(args[i]).slice(0, 20)) {
        if (t.shape.length !== 2) continue;
        const [r, c] = t.shape;
        if ((r === le && c === lg) || (r === lg && c === le)) {
          const per = (n: number) => (n === r ? "row" : "column");
          hints.push(
            `Wrong axis: your result has ${lg} entries, one per ${per(lg)} of ${argName(i, path)} (${r}×${c}), but one per ${per(le)} (${le}) is asked for. Sum (or average, or take the max) along the other axis.`,
          );
          return hints;
        }
      }
    }
  }
  if (E.shape.length === 2 && G.shape.length === 2) {
    if (G.shape[0] === E.shape[0])
      hints.push(
        `The number of rows is right (${E.shape[0]}) but there are ${G.shape[1]} columns instead of ${E.shape[1]}.`,
      );
    else if (G.shape[1] === E.shape[1])
      hints.push(
        `The number of columns is right (${E.shape[1]}) but there are ${G.shape[0]} rows instead of ${E.shape[0]}.`,
      );
    else if (G.shape[0] === E.shape[1] || G.shape[1] === E.shape[0])
      hints.push(
        `Check which dimension is which: one of your sizes is right but on the wrong side (${shapeText(G.shape)} vs ${shapeText(E.shape)}).`,
      );
  }
  return hints;
}

/**
 * G = c·E for one constant c? The named factors are always said; any other c only for results of two or more entries.
 */
function factorHint(G: Tensor, E: Tensor, args: unknown[], tol: number): string | null {
  let ge = 0;
  let ee = 0;
  for (let k = 0; k < E.data.length; k++) {
    ge += G.data[k] * E.data[k];
    ee += E.data[k] * E.data[k];
  }
  if (!(ee > 0) || !Number.isFinite(ge)) return null;
  const c = ge / ee;
  if (!Number.isFinite(c) || c === 0) return null;
  let res = 0;
  for (let k = 0; k < E.data.length; k++) res += (G.data[k] - c * E.data[k]) ** 2;
  const fitTol = Math.max(tol * 10, 1e-7);
  if (Math.sqrt(res) > fitTol * Math.sqrt(ee)) return null;
  if (Math.abs(c - 1) <= fitTol) return null;
  const near = (v: number) => Math.abs(c - v) <= fitTol * Math.max(1, Math.abs(v));
  if (near(-1))
    return "Wrong sign: your result is exactly −1 × the expected one. Check the sign of the gradient (descent steps go along −∇) or of the difference you take (ŷ − y vs y − ŷ).";
  // n = 2 is left to the factor-2 and factor-½ hints below: "divided by 2" is more often a ½ than a 1/n.
  for (const { n, source } of inputSizes(args).filter((s) => s.n > 2)) {
    if (near(n))
      return `Missing 1/n: your result is ${n} × the expected one, and ${n} is ${source}. Average over the examples (divide by n) instead of summing.`;
    if (near(1 / n))
      return `Extra 1/n: your result is the expected one divided by ${n} (${source}). Sum where a sum is asked, or divide by n only once.`;
    if (near(-n)) return `Wrong sign and missing 1/n: your result is −${n} × the expected one (${n} is ${source}).`;
    if (near(-1 / n))
      return `Wrong sign and an extra 1/n: your result is −1/${n} × the expected one (${n} is ${source}).`;
  }
  if (near(2))
    return "Factor 2: your result is twice the expected one. Check the ½ in front of a squared term (d/dx ½x² = x) or a term counted twice.";
  if (near(0.5))
    return "Factor ½: your result is half the expected one. Check the ½ in front of a squared term (d/dx x² = 2x) or a term counted once where it appears twice.";
  if (near(-2) || near(-0.5))
    return `Wrong sign and a factor ${near(-2) ? "2" : "½"}: your result is ${fmt(c)} × the expected one.`;
  if (E.data.length < 2) return null;
  return `Correct up to a constant factor: your result is ${fmt(c)} × the expected one everywhere. Look for a missing or extra scale (1/n, η, ½, a sign).`;
}

function isIntegral(t: Tensor): boolean {
  for (let k = 0; k < t.data.length; k++) if (!Number.isInteger(t.data[k])) return false;
  return t.data.length > 0;
}

/** Class indices: two or more non-negative integers (a single number, a negative one, is not a list of classes). */
function looksLikeClasses(t: Tensor): boolean {
  if (t.data.length < 2 || !isIntegral(t)) return false;
  for (let k = 0; k < t.data.length; k++) if (t.data[k] < 0) return false;
  return true;
}

function offByOneHint(G: Tensor, E: Tensor): string | null {
  if (!looksLikeClasses(E) || !looksLikeClasses(G)) return null;
  let up = 0;
  let down = 0;
  let differ = 0;
  for (let k = 0; k < E.data.length; k++) {
    const diff = G.data[k] - E.data[k];
    if (diff !== 0) differ++;
    if (diff === 1) up++;
    if (diff === -1) down++;
  }
  if (differ === 0) return null;
  if (up === differ && up >= Math.ceil(E.data.length / 2))
    return "Off by one: your class indices are 1 too high. Classes are numbered 0 … K−1 (array indices), so no +1.";
  if (down === differ && down >= Math.ceil(E.data.length / 2))
    return "Off by one: your class indices are 1 too low. Classes are numbered 0 … K−1: class k is index k.";
  // One-hot rows with the 1 one column off.
  if (E.shape.length === 2 && E.shape[1] > 1) {
    const [r, c] = E.shape;
    let shifted = 0;
    for (let i = 0; i < r; i++) {
      let ke = -1;
      let kg = -1;
      let onesE = 0;
      let onesG = 0;
      for (let j = 0; j < c; j++) {
        if (E.data[i * c + j] === 1) {
          ke = j;
          onesE++;
        }
        if (G.data[i * c + j] === 1) {
          kg = j;
          onesG++;
        }
      }
      if (onesE !== 1 || onesG > 1) return null;
      if (onesG === 1 && Math.abs(kg - ke) === 1) shifted++;
    }
    if (shifted > 0 && shifted >= r / 2)
      return "Off by one: the 1 of each one-hot row sits one column off (or falls off the end). Class k goes to column k, counting from 0.";
  }
  return null;
}

function nonFiniteHint(G: Tensor, E: Tensor, args: unknown[], path: string): string | null {
  let first = -1;
  let nan = false;
  for (let k = 0; k < E.data.length; k++) {
    if (Number.isFinite(E.data[k]) && !Number.isFinite(G.data[k])) {
      if (first < 0) first = k;
      if (Number.isNaN(G.data[k])) nan = true;
    }
  }
  if (first < 0) return null;
  const what = nan ? "NaN" : "Infinity";
  const big = maxAbsInput(args);
  const where = `${path ? path + " " : ""}has ${what}`;
  if (big >= 50) {
    return `Overflow: your result ${where} where a finite number is expected. The inputs reach ${fmt(big)}, and exp(x) is Infinity in floating point for x above about 709 (∞/∞ = NaN). Subtract the row maximum before exp (it cancels out), or use log-sum-exp: log Σ exp(zₖ) = m + log Σ exp(zₖ − m).`;
  }
  return `Your result ${where} where a finite number is expected: look for 0/0, log(0), a division by a zero sum, or exp of a large number (subtract the maximum first).`;
}

function nothingDoneHint(G: Tensor, E: Tensor, args: unknown[], tol: number): string | null {
  let allZero = true;
  let eZero = true;
  for (let k = 0; k < G.data.length; k++) {
    if (G.data[k] !== 0) allZero = false;
    if (E.data[k] !== 0) eZero = false;
  }
  if (allZero && !eZero && G.data.length > 1)
    return "Your result is all zeros: is the array you return ever filled in?";
  for (let i = 0; i < args.length; i++) {
    const A = asTensor(args[i]);
    if (
      A &&
      A.shape.join("×") === G.shape.join("×") &&
      G.data.length > 1 &&
      sameValues(G.data, A.data, 0) &&
      !sameValues(E.data, A.data, tol)
    ) {
      return `Your result is argument ${i + 1} unchanged: did the update happen (on a copy you did not return)?`;
    }
  }
  return null;
}

/** The hints for one numeric result: G (student) against E (expected). */
export function diagnoseTensors(G: Tensor, E: Tensor, args: unknown[], tolerance: number, path = ""): string[] {
  const tol = effectiveTolerance(tolerance, G, E);
  const prefix = path ? `${path}: ` : "";
  if (G.shape.join("×") !== E.shape.join("×")) return shapeHints(G, E, args, tol).map((h) => prefix + h);
  const hints: string[] = [];
  const nf = nonFiniteHint(G, E, args, path);
  if (nf) return [nf];
  if (E.shape.length === 2 && E.shape[0] === E.shape[1] && E.shape[0] > 1 && sameValues(G.data, transposed(E), tol)) {
    return [
      `${prefix}Transposed: your result is the transpose of the expected one (a square matrix, so the shape alone does not show it). Check the order of the factors in each product.`,
    ];
  }
  const ob = offByOneHint(G, E);
  if (ob) return [prefix + ob];
  const nd = nothingDoneHint(G, E, args, tol);
  if (nd) return [prefix + nd];
  const f = factorHint(G, E, args, tol);
  if (f) hints.push(prefix + f);
  return hints;
}

/**
 * The generic hints for a wrong result: `got` from the student, `expected` from the reference,
 * `args` the case's inputs. Never throws (a diagnosis that fails says nothing).
 */
export function diagnose(got: unknown, expected: unknown, args: unknown[], tolerance = 1e-6): string[] {
  try {
    if (got === undefined && expected !== undefined)
      return ["Your function returned nothing (undefined): is a `return` missing?"];
    if (got instanceof Promise) return ["Your function returned a Promise: write it without async/await."];
    const hints: string[] = [];
    for (const { path, t: E } of numericLeaves(expected)) {
      const G = asTensor(atPath(got, path));
      if (!G) continue;
      if (
        G.shape.join("×") === E.shape.join("×") &&
        closeEntries(G.data, E.data, effectiveTolerance(tolerance, G, E)).bad === 0
      )
        continue;
      hints.push(...diagnoseTensors(G, E, args, tolerance, path));
      if (hints.length) break;
    }
    return hints;
  } catch {
    return [];
  }
}
