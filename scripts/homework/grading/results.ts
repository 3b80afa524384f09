// Reading results: the signed check results and errors in an executed graded notebook, one row per exercise.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import { Cell, nbgraderOf, Notebook, Output } from "../notebook";
import {
  CheckResult,
  formatResult,
  rememberReferences,
  replayCaller,
  runCheckWith,
  SentOutcome,
} from "../../../src/homework/check";
import { RESULT_MIME, signResult } from "../../../src/homework/report";
import "../../../src/homework/exercises/index";
import { studentCells } from "./gradedNotebook";
import { Master } from "./masters";
import { RunResult } from "./runNotebooks";

/** What a kernel sends for one check under grading: the student's outcomes on the grader's arguments. */
export interface SentResult {
  id: string;
  kind: "visible" | "hidden";
  outcomes?: SentOutcome[];
  notFunction?: string;
}

/** A check judged here, on the lecturer's side: the kernel's outcomes against the references and hidden cases. */
export function judge(sent: SentResult, seeds: Record<string, number>): CheckResult {
  rememberReferences(); // every student's outcomes are judged on the same cases: their references once
  const options = { hidden: sent.kind === "hidden", seed: sent.kind === "hidden" ? seeds[sent.id] : undefined };
  if (sent.notFunction !== undefined || !Array.isArray(sent.outcomes))
    return runCheckWith(sent.id, null, options, null, sent.notFunction ?? "nothing");
  return runCheckWith(sent.id, replayCaller(sent.outcomes), options);
}

function textOf(o: Output): string {
  const t = o.text ?? "";
  return Array.isArray(t) ? t.join("") : t;
}

/** The stderr and error outputs of a cell, or "". */
export function cellErrors(cell: Cell): string {
  return (cell.outputs ?? [])
    .map((o) =>
      o.output_type === "stream" && o.name === "stderr"
        ? textOf(o)
        : o.output_type === "error"
          ? `${o.ename}: ${o.evalue}`
          : "",
    )
    .join("")
    .trim();
}

/** The printed text of a cell (stdout). */
export function cellText(cell: Cell): string {
  return (cell.outputs ?? [])
    .filter((o) => o.output_type === "stream" && o.name === "stdout")
    .map(textOf)
    .join("");
}

/**
 * The checks of a cell, judged here from the outcomes signed with `token` (the first per exercise
 * and kind); forged, malformed and repeated ones are dropped.
 */
export function signedResults(cell: Cell, token: string, seeds: Record<string, number> = {}): CheckResult[] {
  const out: CheckResult[] = [];
  for (const o of cell.outputs ?? []) {
    const data = o.data?.[RESULT_MIME] as { json?: unknown; sig?: unknown } | undefined;
    if (!data || typeof data.json !== "string" || typeof data.sig !== "string") continue;
    const sig = signResult(data.json, token);
    if (sig !== data.sig) continue;
    let sent: SentResult;
    try {
      sent = JSON.parse(data.json) as SentResult;
    } catch {
      continue; /* not ours */
    }
    if (typeof sent?.id !== "string" || (sent.kind !== "visible" && sent.kind !== "hidden")) continue;
    if (out.some((r) => r.id === sent.id && r.kind === sent.kind)) continue;
    out.push(judge(sent, seeds));
  }
  return out;
}

export type Status =
  | "passed"
  | "partial"
  | "failed"
  | "not done"
  | "error"
  | "timeout"
  | "kernel died"
  | "not run"
  | "tampered"
  | "missing"
  | "unreadable"
  | "to mark";

export interface Row {
  student: string;
  notebook: string;
  exercise: string;
  points: number;
  max: number;
  message: string;
  status: Status;
  notes: string;
  /** What the check cell printed (for the feedback). */
  output: string;
}

export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l) ?? ""
  );
}

/** One exercise's row from an executed graded notebook. */
export function exerciseRow(
  master: Master,
  e: number,
  executed: Notebook,
  run: RunResult,
  token: string,
): Omit<Row, "student" | "notebook" | "notes"> {
  const ex = master.exercises[e];
  const cell = executed.cells[ex.cell];
  const base = { exercise: ex.name, points: 0, max: ex.points, output: cell ? cellText(cell) : "" };
  if (
    run.stopped_at !== null &&
    run.reason !== "start failed" &&
    master.owner[run.stopped_at] === e &&
    studentCells(master).includes(run.stopped_at)
  ) {
    const where = run.stopped_at === ex.cell ? "" : ` (in cell ${run.stopped_at + 1}, before the check)`;
    return {
      ...base,
      status: run.reason === "died" ? "kernel died" : "timeout",
      message: `${run.detail ?? ""}${where}`,
    };
  }
  const results = cell ? signedResults(cell, token, ex.seeds) : [];
  if (results.length) base.output = results.map(formatResult).join("\n");
  const solutionErrors = master.nb.cells
    .map((c, i) => ({ c, i }))
    .filter(({ c, i }) => master.owner[i] === e && nbgraderOf(c)?.solution && executed.cells[i])
    .map(({ i }) => cellErrors(executed.cells[i]))
    .filter((t) => t);
  if (solutionErrors.length && results.every((r) => r.points === 0)) {
    return { ...base, status: "error", message: `your solution cell does not run: ${firstLine(solutionErrors[0])}` };
  }
  const wanted: { id: string; kind: "visible" | "hidden" }[] = [
    ...ex.visible.map((id) => ({ id, kind: "visible" as const })),
    ...ex.hidden.map((id) => ({ id, kind: "hidden" as const })),
  ];
  const found = wanted.map((w) => results.find((r) => r.id === w.id && r.kind === w.kind) ?? null);
  if (found.every((r) => r === null)) {
    if (run.stopped_at !== null && run.stopped_at < ex.cell) {
      return {
        ...base,
        status: "not run",
        message: `not run: the notebook stopped in cell ${run.stopped_at + 1} (${run.reason}: ${run.detail})`,
      };
    }
    if (run.reason === "start failed")
      return { ...base, status: "error", message: `the kernel could not run the notebook: ${run.detail}` };
    const err = cell ? cellErrors(cell) : "";
    if (err) return { ...base, status: "error", message: `the check cell failed: ${firstLine(err)}` };
    // A locked cell before it failed (the imports, a set-up cell): the notebook itself is broken.
    const setup = master.nb.cells.findIndex(
      (c, i) =>
        i < ex.cell && c.cell_type === "code" && !nbgraderOf(c)?.solution && cellErrors(executed.cells[i]) !== "",
    );
    if (setup >= 0)
      return {
        ...base,
        status: "error",
        message: `cell ${setup + 1} of the notebook (not yours) failed: ${firstLine(cellErrors(executed.cells[setup]))}`,
      };
    return { ...base, status: "error", message: "the check cell gave no result" };
  }
  let points = 0;
  let max = 0;
  let message = "";
  for (let k = 0; k < wanted.length; k++) {
    const r = found[k];
    if (!r) {
      message = message || `${wanted[k].kind} check of ${wanted[k].id} did not report (the cell stopped early?)`;
      continue;
    }
    points += r.points;
    max += r.max;
    if (r.firstFailure && !message) message = `${r.kind === "hidden" ? "hidden: " : ""}${r.firstFailure}`;
  }
  const allNotDone = found.every((r) => r && r.status === "not done");
  const complete = found.every((r) => r !== null);
  const timedOut = found.some((r) => r?.cases.some((c) => /^your function ran out of time/.test(c.message ?? "")));
  const status: Status = allNotDone
    ? "not done"
    : complete && points === max && max > 0
      ? "passed"
      : points > 0
        ? "partial"
        : timedOut
          ? "timeout"
          : "failed";
  const row = { ...base, points: Math.min(points, ex.points), status, message: firstLine(message) };
  if (complete && max !== ex.points)
    row.message = `${row.message ? row.message + "; " : ""}[the check's cases give ${max} points, its cell metadata says ${ex.points}]`;
  return row;
}
