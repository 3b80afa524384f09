// Detecting tampering: every difference between a submission and its master that a student should not make.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import { Cell, gradeIdOf, nbgraderOf, Notebook, sourceOf } from "../notebook";
import { Master } from "./masters";

export interface Issue {
  /** Index of the exercise in master.exercises, or -1 for the notebook as a whole. */
  exercise: number;
  text: string;
  /** true: tampering (the exercise is marked "tampered"); false: a note. */
  tamper: boolean;
}

/** What no solution needs: the checks' internals, the kernel's globals, the process. */
const SUSPICIOUS: [RegExp, string][] = [
  [/\bhw\s*\.\s*(?!NotDoneYet\b)\w+/, "the homework module (hw.…)"],
  [/\brequire\s*\(/, "require()"],
  [/\b__tslab__\b|\bglobalThis\b/, "the kernel's globals"],
  [/\bprocess\s*\.\s*(?!hrtime\b)\w+/, "process"],
  [/vnd\.descent|DESCENT_HW/, "the grader's result format"],
];

function normalized(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.replace(/\s+$/, ""))
    .join("\n")
    .replace(/\n+$/, "");
}

function kindOf(meta: { grade?: boolean; solution?: boolean; locked?: boolean }): string {
  return meta.grade ? "check cell" : meta.solution ? "solution cell" : "locked cell";
}

/** Compare a submission with its master; every difference a student should not make is an issue. */
export function findIssues(master: Master, student: Notebook): Issue[] {
  const issues: Issue[] = [];
  const byId = new Map<string, Cell[]>();
  for (const c of student.cells) {
    const g = gradeIdOf(c);
    if (g) byId.set(g, [...(byId.get(g) ?? []), c]);
  }
  const masterIds = new Set<string>();
  master.nb.cells.forEach((mc, i) => {
    const g = gradeIdOf(mc);
    const meta = nbgraderOf(mc);
    if (!g || !meta) return;
    masterIds.add(g);
    const ex = master.owner[i];
    const kind = kindOf(meta);
    const cells = byId.get(g) ?? [];
    if (cells.length === 0) {
      issues.push({ exercise: ex, text: `${kind} ${g} deleted`, tamper: true });
      return;
    }
    if (cells.length > 1)
      issues.push({ exercise: ex, text: `grade_id ${g} duplicated (${cells.length} cells)`, tamper: true });
    const sc = cells[0];
    if (sc.cell_type !== mc.cell_type)
      issues.push({ exercise: ex, text: `${kind} ${g} changed from ${mc.cell_type} to ${sc.cell_type}`, tamper: true });
    const sm = nbgraderOf(sc) ?? {};
    for (const flag of ["grade", "solution", "locked"] as const) {
      if (Boolean(sm[flag]) !== Boolean(meta[flag]))
        issues.push({ exercise: ex, text: `nbgrader "${flag}" of ${g} changed to ${String(sm[flag])}`, tamper: true });
    }
    if (meta.grade && Number(sm.points) !== Number(meta.points)) {
      issues.push({ exercise: ex, text: `points of ${g} changed from ${meta.points} to ${sm.points}`, tamper: true });
    }
    if (!meta.solution && (meta.locked || meta.grade)) {
      // The student's cell must read as released (or as the master itself, hidden tests included).
      const theirs = normalized(sourceOf(sc));
      if (theirs !== normalized(sourceOf(master.released.cells[i])) && theirs !== normalized(sourceOf(mc))) {
        issues.push({ exercise: ex, text: `${kind} ${g} edited`, tamper: true });
      }
    }
  });
  for (const [g, cells] of byId) {
    if (!masterIds.has(g))
      issues.push({
        exercise: -1,
        text: `cell ${g} is not in the master (${cells.length} cell${cells.length > 1 ? "s" : ""})`,
        tamper: true,
      });
  }
  // Solution code that reaches into the checks or the process is flagged for review: the grader
  // runs student code in the kernel's process, where it could patch the checks.
  for (const sc of student.cells) {
    const g = gradeIdOf(sc);
    const mi = master.nb.cells.findIndex((c) => gradeIdOf(c) === g);
    if (!g || mi < 0 || !nbgraderOf(master.nb.cells[mi])?.solution) continue;
    const text = sourceOf(sc);
    const hits = SUSPICIOUS.filter(([re]) => re.test(text)).map(([, what]) => what);
    if (hits.length)
      issues.push({
        exercise: master.owner[mi],
        text: `solution cell ${g} uses ${hits.join(", ")} (review it)`,
        tamper: false,
      });
  }
  const extra = student.cells.filter((c) => !gradeIdOf(c) && c.cell_type === "code" && sourceOf(c).trim() !== "");
  const masterPlain = master.nb.cells
    .filter((c) => !gradeIdOf(c) && c.cell_type === "code")
    .map((c) => normalized(sourceOf(c)));
  const added = extra.filter((c) => !masterPlain.includes(normalized(sourceOf(c))));
  if (added.length)
    issues.push({
      exercise: -1,
      text: `${added.length} code cell${added.length > 1 ? "s" : ""} added outside the solution cells (not graded)`,
      tamper: false,
    });
  return issues;
}
