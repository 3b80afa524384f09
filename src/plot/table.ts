/**
 * Tables in the notebook: `table(rows)` shows an array of objects (as console.table takes it) as ONE
 * display with an HTML table (long cells wrap at spaces; on a narrow screen the table scrolls sideways
 * inside its box instead of breaking words) and the aligned text form for a terminal. It is also the
 * sink of core's printTable (d.compare's table). Registered when src/plot is loaded.
 */
import { printTable, setTableSink, tableOfRecords, tableText, TextTable } from "../core/table";
import { displayBundle } from "./display";
import { escapeHtml } from "./html";

/** The bundle of a table: text/html (a <table> in a sideways-scrolling box) and text/plain (aligned columns). */
export function tableBundle(t: TextTable): { "text/html": string; "text/plain": string } {
  const numeric = t.columns.map(
    (_, c) => t.rows.length > 0 && t.rows.every((r) => /^[-+−]?[\d.,]+(e[-+]?\d+)?%?$|^$/i.test(r[c] ?? "")),
  );
  const th = t.columns
    .map((h, c) => `<th style="text-align:${numeric[c] ? "right" : "left"}">${escapeHtml(h)}</th>`)
    .join("");
  const td = (r: string[], c: number) =>
    `<td style="text-align:${numeric[c] ? "right" : "left"}">${escapeHtml(r[c] ?? "")}</td>`;
  const tr = t.rows.map((r) => `<tr>${t.columns.map((_, c) => td(r, c)).join("")}</tr>`).join("");
  return {
    "text/html": `<div class="descent-table" style="overflow-x:auto;max-width:100%"><table style="border-collapse:collapse;width:max-content;max-width:none;word-break:normal;overflow-wrap:normal"><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table></div><style>.descent-table td,.descent-table th{padding:.2em .7em;border-bottom:1px solid #8884;vertical-align:top;max-width:30em;white-space:normal;word-break:normal;overflow-wrap:normal;hyphens:none}</style>`,
    "text/plain": tableText(t),
  };
}

// Tables printed by core code (printTable) show as HTML in the notebook (text kept for a terminal).
setTableSink((t) => displayBundle(tableBundle(t)));

/**
 * Shows rows (an array of objects, one per row; the keys are the columns) as a table in the notebook, or prints it as
 * text.
 */
export function table(rows: ReadonlyArray<Record<string, unknown>>): void {
  printTable(tableOfRecords(rows));
}
