/**
 * The kernel's side of grading.
 *
 * When the grader runs a notebook it writes two private files and names them in the environment:
 * DESCENT_HW_TOKEN_FILE (a fresh random key) and DESCENT_HW_CALLS_FILE (for each exercise and kind,
 * the arguments of its cases, as data: src/homework/wire.ts). This module reads and deletes both
 * when it is loaded (by the notebook's import cell, before any student cell). Under grading a check
 * does not judge anything in the kernel: it calls the student's function on the grader's arguments
 * (under guard) and sends back what came out, signed — { json, sig: HMAC-SHA256(key, json) } under
 * RESULT_MIME. The grader compares in its own process with the references and hidden cases, which
 * never enter the kernel. The key is held in this module's closure: `takeSigner()` hands it out once
 * (to check.ts, at load), so a student's cell cannot sign anything. Outside grading nothing is sent.
 */
import { createHmac } from "crypto";
import * as fs from "fs";
import { displayBundle } from "../plot/display";
import type { Wire } from "./wire";

export const RESULT_MIME = "application/vnd.descent.homework+json";
export const TOKEN_ENV = "DESCENT_HW_TOKEN_FILE";
export const CALLS_ENV = "DESCENT_HW_CALLS_FILE";

/** What the grader sends: the arguments of each exercise's cases, and the time limits (ms). */
export interface GradingCalls {
  exercises: {
    [id: string]: { visible?: Wire[][]; hidden?: Wire[][]; writes?: string[]; callMs?: number; checkMs?: number };
  };
  callMs: number;
  checkMs: number;
  /** In a rerun after a solution cell stopped the kernel: the named pipes to the grader's references (byGrader.ts). */
  byGrader?: { request: string; response: string };
}

function readOnce(env: string): string | null {
  const file = process.env[env];
  if (!file) return null;
  try {
    const t = fs.readFileSync(file, "utf8");
    fs.unlinkSync(file);
    return t;
  } catch {
    return null;
  } finally {
    delete process.env[env];
  }
}

const token = readOnce(TOKEN_ENV)?.trim() || null;
const callsText = token ? readOnce(CALLS_ENV) : null;
const calls: GradingCalls | null = (() => {
  try {
    return callsText ? (JSON.parse(callsText) as GradingCalls) : null;
  } catch {
    return null;
  }
})();

/** True when this kernel runs under the grader. */
export function grading(): boolean {
  return token !== null;
}

/** The grader's arguments for exercise `id` (null outside grading or when the grader sent none). */
function gradingArgs(id: string, kind: "visible" | "hidden"): Wire[][] | null {
  return calls?.exercises?.[id]?.[kind] ?? null;
}

function gradingLimits(id: string): { callMs?: number; checkMs?: number } {
  const own = calls?.exercises?.[id];
  return calls ? { callMs: own?.callMs ?? calls.callMs, checkMs: own?.checkMs ?? calls.checkMs } : {};
}

/** The named pipes to the grader's references in a rerun (byGrader.ts), or null. */
export function graderChannel(): { request: string; response: string } | null {
  return calls?.byGrader ?? null;
}

/** The signature of a result's JSON text with `key` (the grader checks it the same way). */
export function signResult(json: string, key: string): string {
  return createHmac("sha256", key).update(json).digest("hex");
}

export interface GraderLink {
  /** Send one signed result to the grader. */
  send: (result: { id: string; kind: string; [more: string]: unknown }) => void;
  /** The grader's arguments of exercise `id`'s cases, or null. */
  args: (id: string, kind: "visible" | "hidden") => Wire[][] | null;
  limits: (id: string) => { callMs?: number; checkMs?: number };
  /** The course functions exercise `id` asks the student to write (not available inside its calls). */
  writes: (id: string) => string[];
}

let taken = false;
// Taken at load, before any student cell can replace them.
const stringify = JSON.stringify;
const display = displayBundle;

/** The link to the grader (signing key, arguments); handed out once (check.ts takes it at load), then null. */
export function takeGraderLink(): GraderLink | null {
  if (taken) return null;
  taken = true;
  const key = token;
  const send: GraderLink["send"] = (result) => {
    if (key === null) return;
    try {
      const json = stringify(result);
      display({
        [RESULT_MIME]: { json, sig: signResult(json, key) },
        "text/plain": `[sent to the grader: ${result.id} (${result.kind})]`,
      });
    } catch {
      /* a result that cannot be sent counts as missing; the grader reports it */
    }
  };
  return { send, args: gradingArgs, limits: gradingLimits, writes: (id) => calls?.exercises?.[id]?.writes ?? [] };
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
