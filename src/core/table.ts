/**
 * Tables of text: a header row and rows of cells, shown as a real table where a notebook can (HTML,
 * which wraps long cells at spaces and scrolls sideways on a narrow screen) and as aligned text columns
 * in a terminal. Core code calls `printTable`; src/plot/table.ts plugs in the notebook display with
 * `setTableSink`. Without a sink (tests, node scripts) the text form is printed.
 */

export interface TextTable {
  columns: string[];
  rows: string[][];
}

/** Where printTable sends a table; returns false if it could not show it (then the text is printed). */
export type TableSink = (table: TextTable) => boolean;

const SINK = Symbol.for("descent.tableSink");
type Holder = { [SINK]?: TableSink | null };

/** Use `sink` to show tables (null: print text). Kept on globalThis, so every copy of src/ shares it. */
export function setTableSink(sink: TableSink | null): TableSink | null {
  const g = globalThis as Holder;
  const before = g[SINK] ?? null;
  g[SINK] = sink;
  return before;
}

/** The text form: columns padded to their widest cell, two spaces apart, a rule under the header. */
export function tableText(t: TextTable): string {
  const widths = t.columns.map((h, c) => Math.max([...h].length, ...t.rows.map((r) => [...(r[c] ?? "")].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c + " ".repeat(Math.max(0, widths[i] - [...c].length)))
      .join("  ")
      .trimEnd();
  return [line(t.columns), line(widths.map((w) => "-".repeat(w))), ...t.rows.map(line)].join("\n");
}

/**
 * A number as the tables print it: four significant digits in exponent form (1.235e-7); NaN and ±Infinity as they are.
 */
export function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(3) : String(x);
}

/** Shows `t` as a table in a notebook, else prints its text form. */
export function printTable(t: TextTable): void {
  const sink = (globalThis as Holder)[SINK] ?? null;
  if (!sink || !sink(t)) console.log(tableText(t));
}

/** console.table's input (an array of objects, one per row) as a TextTable: the columns are the keys met, in order. */
export function tableOfRecords(records: ReadonlyArray<Record<string, unknown>>): TextTable {
  if (!Array.isArray(records))
    throw new TypeError(`table: expected an array of objects (one per row), got ${typeof records}`);
  const columns: string[] = [];
  for (const r of records) for (const k of Object.keys(r ?? {})) if (!columns.includes(k)) columns.push(k);
  const cell = (v: unknown): string =>
    v === undefined
      ? ""
      : typeof v === "string"
        ? v
        : typeof v === "number"
          ? String(v)
          : (JSON.stringify(v) ?? String(v));
  return { columns, rows: records.map((r) => columns.map((c) => cell((r ?? {})[c]))) };
}
