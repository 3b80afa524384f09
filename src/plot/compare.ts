/**
 * A notebook table: hand-derived quantities (numbers, arrays, matrices) set beside a reference, with
 * exact equality, closeness within a tolerance and the largest difference, one row per quantity.
 *
 *   for each named pair (hand, reference):  maxDiff = max_i |hand_i − reference_i|,
 *   exact when every entry is bit-for-bit equal, close when maxDiff ≤ tol.
 */
import { Matrix } from "../core/matrix";
import { printTable, sci, tableText, TextTable } from "../core/table";

/** A number, an array of numbers, or a matrix. */
export type Comparable = number | ArrayLike<number> | Matrix;

export interface CompareRow {
  name: string;
  shape: string;
  /** Every entry bit-for-bit equal. */
  exact: boolean;
  /** Same shape and max |hand − reference| ≤ tol. */
  close: boolean;
  maxDiff: number;
  tol: number;
  verdict: "exact" | "close" | "DIFFERENT" | "SHAPE MISMATCH";
}

function asFlat(v: Comparable): { shape: string; data: ArrayLike<number> } {
  if (typeof v === "number") return { shape: "scalar", data: [v] };
  if (v instanceof Matrix) return { shape: v.shape, data: v.data };
  return { shape: `[${v.length}]`, data: v };
}

/**
 * For named quantities [hand-derived, reference], reports exact equality, closeness within `tol`
 * (max |hand − reference| ≤ tol, default 1e-9) and the max difference; prints a table unless
 * print is false. A matrix and a plain array with the same entries count as the same shape.
 */
export function compare(
  quantities: Record<string, [Comparable, Comparable]> | [string, Comparable, Comparable][],
  options: { tol?: number; print?: boolean } = {},
): CompareRow[] {
  const tol = options.tol ?? 1e-9;
  const list: [string, Comparable, Comparable][] = Array.isArray(quantities)
    ? quantities
    : Object.entries(quantities).map(([k, [a, b]]) => [k, a, b]);
  const rows: CompareRow[] = list.map(([name, hand, ref]) => {
    const a = asFlat(hand);
    const b = asFlat(ref);
    const shapeOk =
      a.data.length === b.data.length && (a.shape === b.shape || a.shape.startsWith("[") || b.shape.startsWith("["));
    if (!shapeOk)
      return {
        name,
        shape: `${a.shape} vs ${b.shape}`,
        exact: false,
        close: false,
        maxDiff: NaN,
        tol,
        verdict: "SHAPE MISMATCH",
      };
    let exact = true;
    let maxDiff = 0;
    for (let i = 0; i < a.data.length; i++) {
      if (!Object.is(a.data[i], b.data[i]) && a.data[i] !== b.data[i]) exact = false;
      const d = Math.abs(a.data[i] - b.data[i]);
      if (!(d <= maxDiff)) maxDiff = d; // NaN sticks
    }
    if (exact) maxDiff = 0;
    const close = exact || maxDiff <= tol;
    return {
      name,
      shape: a.shape,
      exact,
      close,
      maxDiff,
      tol,
      verdict: exact ? "exact" : close ? "close" : "DIFFERENT",
    };
  });
  if (options.print ?? true) printTable(compareTable(rows)); // a table in the notebook, text in a terminal
  return rows;
}

/** The rows of `compare` as a table: quantity, shape, verdict, max |diff|, tol. */
export function compareTable(rows: CompareRow[]): TextTable {
  const columns = ["quantity", "shape", "verdict", "max |diff|", "tol"];
  return {
    columns,
    rows: rows.map((r) => [r.name, r.shape, r.verdict, r.exact ? "0" : sci(r.maxDiff), String(r.tol)]),
  };
}

/** The rows of `compare` as a text table. */
export function formatCompare(rows: CompareRow[]): string {
  return tableText(compareTable(rows));
}
