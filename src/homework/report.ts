/**
 * Machine-readable results for the grader.
 *
 * When the grader runs a notebook it writes a fresh random token to a file and names the file in
 * the environment variable DESCENT_HW_TOKEN_FILE. This module reads the token once when it is
 * loaded (by the notebook's import cell, before any student cell) and deletes the file, so the
 * student's code cannot read it. Each check then sends its result as a display with the MIME type
 * RESULT_MIME: { json: "<the result as JSON>", sig: HMAC-SHA256(token, json) }. The grader reads
 * these from the graded cells' outputs and keeps only correctly signed ones, so a result printed
 * by a student's code does not count. Outside grading (no token) nothing is sent.
 */
import { createHmac } from "crypto";
import * as fs from "fs";
import { displayBundle } from "../plot/display";

export const RESULT_MIME = "application/vnd.descent.homework+json";
export const TOKEN_ENV = "DESCENT_HW_TOKEN_FILE";

function readToken(): string | null {
  const file = process.env[TOKEN_ENV];
  if (!file) return null;
  try {
    const t = fs.readFileSync(file, "utf8").trim();
    fs.unlinkSync(file);
    delete process.env[TOKEN_ENV];
    return t || null;
  } catch {
    return null;
  }
}

const token = readToken();

/** True when this kernel runs under the grader. */
export function grading(): boolean {
  return token !== null;
}

/** The signature of a result's JSON text with `key` (the grader checks it the same way). */
export function signResult(json: string, key: string): string {
  return createHmac("sha256", key).update(json).digest("hex");
}

/** Send one result to the grader (only under the grader). Never throws. */
export function emitResult(result: { id: string; kind: string; points: number; max: number; [more: string]: unknown }): void {
  if (token === null) return;
  try {
    const json = JSON.stringify(result);
    displayBundle({
      [RESULT_MIME]: { json, sig: signResult(json, token) },
      "text/plain": `[graded result ${result.id} (${result.kind}): ${result.points}/${result.max}]`,
    });
  } catch {
    /* a result that cannot be sent counts as missing; the grader reports it */
  }
}

/**
 * The value of the running cell, as nbgrader reads a check cell's points: the Descent kernel
 * (scripts/kernel-process.js) keeps the last one a cell sends and answers it as the cell's
 * execute_result (Out[n]) when the cell ends. Outside the Descent kernel it is an ordinary display.
 */
export const CELL_VALUE_MIME = "application/vnd.descent.cell-value+json";

/** Make `points` the running cell's value (nbgrader's partial credit). Never throws. */
export function emitCellValue(points: number): void {
  try {
    displayBundle({ [CELL_VALUE_MIME]: { text: String(points) }, "text/plain": String(points) });
  } catch {
    /* no display: the cell has no value */
  }
}
