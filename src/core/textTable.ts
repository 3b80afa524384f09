/**
 * Plain-text tables for a notebook's output: the header, a rule under it, one line per row, every
 * column padded to its widest cell and two spaces between columns (trailing spaces trimmed).
 *
 *   quantity  shape  verdict
 *   --------  -----  -------
 *   δ²        [10]   exact
 */

/** The table of `head` (column titles) and `rows` (one string per column each). */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: readonly string[]) => widths.map((w, c) => (cells[c] ?? "").padEnd(w)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A number as the tables print it: four significant digits in exponent form (1.235e-7); NaN and ±Infinity as they are. */
export function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(3) : String(x);
}
