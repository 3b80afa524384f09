// Writing outputs: the gradebook CSV, one feedback file per student, and the summary table.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import * as fs from "node:fs";
import * as path from "node:path";
import { Row, Status } from "./results";
import { safeName } from "./submissions";

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: Row[]): string {
  const head = ["student", "notebook", "exercise", "points", "max_points", "status", "first_failing_message", "notes"];
  const lines = [head.join(",")];
  for (const r of rows)
    lines.push(
      [r.student, r.notebook, r.exercise, r.points, r.max, r.status, r.message, r.notes].map(csvField).join(","),
    );
  return lines.join("\n") + "\n";
}

const statusWords: Record<Status, string> = {
  passed: "✓ full marks",
  partial: "partly right",
  failed: "✗ no points",
  "not done": "not done yet",
  error: "✗ error",
  timeout: "✗ ran out of time",
  "kernel died": "✗ stopped the kernel",
  "not run": "not run",
  tampered: "⚠ needs the lecturer's review",
  missing: "not handed in",
  unreadable: "✗ could not be read",
  "to mark": "written answer, not marked yet",
};

export function writeFeedback(rows: Row[], dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const students = [...new Set(rows.map((r) => r.student))];
  for (const s of students) {
    const mine = rows.filter((r) => r.student === s);
    const total = mine.reduce((a, r) => a + r.points, 0);
    const max = mine.reduce((a, r) => a + r.max, 0);
    const lines = [`# Homework feedback: ${s}`, "", `Total: **${total} / ${max}** points.`, ""];
    for (const nb of [...new Set(mine.map((r) => r.notebook))]) {
      const part = mine.filter((r) => r.notebook === nb);
      lines.push(`## ${nb}: ${part.reduce((a, r) => a + r.points, 0)} / ${part.reduce((a, r) => a + r.max, 0)}`, "");
      for (const r of part) {
        lines.push(`### ${r.exercise || nb}: ${r.points} / ${r.max} (${statusWords[r.status]})`, "");
        if (r.message && r.status !== "passed") lines.push(`First problem: ${r.message}`, "");
        if (r.notes) lines.push(`Notes: ${r.notes}`, "");
        if (r.output.trim()) lines.push("```text", r.output.replace(/\s+$/, ""), "```", "");
      }
    }
    fs.writeFileSync(path.join(dir, `${safeName(s)}.md`), lines.join("\n"));
  }
}

/** A fixed-width table: one line per student and notebook, and the count of each status. */
export function summaryTable(rows: Row[]): string {
  const groups = new Map<string, Row[]>();
  for (const r of rows)
    groups.set(`${r.student}\u0000${r.notebook}`, [...(groups.get(`${r.student}\u0000${r.notebook}`) ?? []), r]);
  const table = [...groups.values()].map((g) => {
    const statuses = [...new Set(g.map((r) => r.status))].filter((s) => s !== "passed");
    const notes = g.some((r) => r.notes) ? " (see notes)" : "";
    return [
      g[0].student,
      g[0].notebook,
      `${g.reduce((a, r) => a + r.points, 0)}/${g.reduce((a, r) => a + r.max, 0)}`,
      (statuses.length ? statuses.join(", ") : "passed") + notes,
    ];
  });
  const head = ["student", "notebook", "points", "status"];
  const widths = head.map((h, k) => Math.max(h.length, ...table.map((t) => t[k].length)));
  const fmtRow = (t: string[]) =>
    t
      .map((x, k) => (k === 2 ? x.padStart(widths[k]) : x.padEnd(widths[k])))
      .join("  ")
      .trimEnd();
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [
    fmtRow(head),
    fmtRow(widths.map((w) => "-".repeat(w))),
    ...table.map(fmtRow),
    "",
    `exercises: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}`,
  ].join("\n");
}

/** Minutes or seconds, as a lecturer reads a wait: "40 s", "12 min", "1 h 05 min". */
function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/**
 * The line `npm run grade` prints as notebooks are graded in full, for a run that takes an hour: how many
 * of how many, since when, and about how long is left (the mean so far × the notebooks left; the long
 * homework go first, so early estimates run high). Null between reports: every `every`-th notebook, the
 * first and the last are reported.
 */
export function progressLine(done: number, total: number, elapsedS: number, every = 25): string | null {
  if (done !== 1 && done !== total && done % every !== 0) return null;
  const left = done < total ? `; about ${duration((elapsedS / done) * (total - done))} left` : "";
  return `[grade] ${done} of ${total} notebooks graded in ${duration(elapsedS)}${left}`;
}
