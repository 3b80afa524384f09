// The gradebook for learning platforms: one column per homework notebook (its points, written
// questions included), one row per student, in the CSV layouts that Canvas and Moodle import.
//   <out>/canvas.csv   Canvas "Import" of the Grades page: Student, ID, SIS User ID, SIS Login ID,
//                      Section, then one column per assignment; the second row is "Points Possible"
//                      (the assignments' maxima). A new column name makes Canvas create the assignment;
//                      "Name (canvas id)" updates an existing one.
//   <out>/moodle.csv   Moodle's Gradebook "Import → CSV file": one header row, a user identifier
//                      (Email address, ID number or Username, chosen as the "map from" field on import)
//                      and one grade column per grade item, each with its "feedback" column.
// `--roster FILE` (CSV with a `student` column, the submission's name, and any of name, canvas_id,
// sis_user_id, sis_login_id, section, email, idnumber, username) fills the platforms' identifiers;
// without it, a student's submission name stands for the name and the username.
// Also: feedback that reports hidden cases without showing their inputs (`--hide-hidden-inputs`).
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import * as fs from "node:fs";
import * as path from "node:path";
import { Row } from "./results";
import { parseCsv } from "./written";

export interface RosterEntry {
  student: string;
  name?: string;
  canvas_id?: string;
  sis_user_id?: string;
  sis_login_id?: string;
  section?: string;
  email?: string;
  idnumber?: string;
  username?: string;
}

const ROSTER_COLUMNS = [
  "student",
  "name",
  "canvas_id",
  "sis_user_id",
  "sis_login_id",
  "section",
  "email",
  "idnumber",
  "username",
];

/** The roster CSV: header with `student` and known columns only; a clear error names the file and line. */
export function readRoster(file: string): Map<string, RosterEntry> {
  if (!fs.existsSync(file)) throw new Error(`grade: the roster ${file} does not exist`);
  const rows = parseCsv(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
  const head = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  if (!head.includes("student"))
    throw new Error(`${file}, line 1: no column "student" (the name of the student's submission)`);
  const unknown = head.filter((h) => !ROSTER_COLUMNS.includes(h));
  if (unknown.length)
    throw new Error(`${file}, line 1: unknown column(s) ${unknown.join(", ")} (known: ${ROSTER_COLUMNS.join(", ")})`);
  const out = new Map<string, RosterEntry>();
  rows.slice(1).forEach((r, i) => {
    const e: RosterEntry = { student: "" };
    head.forEach((h, k) => ((e as unknown as Record<string, string>)[h] = (r[k] ?? "").trim()));
    if (!e.student) throw new Error(`${file}, line ${i + 2}: the student column is empty`);
    if (out.has(e.student)) throw new Error(`${file}, line ${i + 2}: the student "${e.student}" is listed twice`);
    out.set(e.student, e);
  });
  return out;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const line = (fields: (string | number)[]): string => fields.map(csvField).join(",");

/** Points and maximum per student and notebook (rows of unreadable submissions count nothing). */
function totals(rows: Row[]): {
  students: string[];
  notebooks: string[];
  points: Map<string, number>;
  max: Map<string, number>;
  feedback: Map<string, string>;
} {
  const graded = rows.filter((r) => r.status !== "unreadable");
  const students = [...new Set(graded.map((r) => r.student))].sort();
  const notebooks = [...new Set(graded.map((r) => r.notebook))].sort();
  const points = new Map<string, number>();
  const max = new Map<string, number>();
  const feedback = new Map<string, string>();
  for (const r of graded) {
    const k = `${r.student}\u0000${r.notebook}`;
    points.set(k, (points.get(k) ?? 0) + r.points);
    if (r.status !== "passed")
      feedback.set(
        k,
        [feedback.get(k), `${r.exercise}: ${r.points}/${r.max} ${r.status}${r.message ? ` (${r.message})` : ""}`]
          .filter(Boolean)
          .join("; "),
      );
  }
  // A notebook's maximum: the sum of its rows' maxima for any one student (all students have the same rows).
  for (const nb of notebooks) {
    const s = graded.find((r) => r.notebook === nb)!.student;
    max.set(
      nb,
      graded.filter((r) => r.notebook === nb && r.student === s).reduce((a, r) => a + r.max, 0),
    );
  }
  return { students, notebooks, points, max, feedback };
}

/** Canvas's gradebook import: identifiers, then one column per notebook; row 2 is "Points Possible". */
export function canvasCsv(rows: Row[], roster = new Map<string, RosterEntry>()): string {
  const t = totals(rows);
  const lines = [line(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...t.notebooks])];
  lines.push(line(["    Points Possible", "", "", "", "", ...t.notebooks.map((nb) => t.max.get(nb) ?? 0)]));
  for (const s of t.students) {
    const e = roster.get(s);
    lines.push(
      line([
        e?.name || s,
        e?.canvas_id ?? "",
        e?.sis_user_id ?? "",
        e?.sis_login_id ?? "",
        e?.section ?? "",
        ...t.notebooks.map((nb) => t.points.get(`${s}\u0000${nb}`) ?? 0),
      ]),
    );
  }
  return lines.join("\n") + "\n";
}

/** Moodle's CSV grade import: identifiers, then per notebook its grade and its feedback column. */
export function moodleCsv(rows: Row[], roster = new Map<string, RosterEntry>()): string {
  const t = totals(rows);
  const lines = [
    line(["Username", "ID number", "Email address", ...t.notebooks.flatMap((nb) => [nb, `Feedback: ${nb}`])]),
  ];
  for (const s of t.students) {
    const e = roster.get(s);
    lines.push(
      line([
        e?.username || s,
        e?.idnumber ?? "",
        e?.email ?? "",
        ...t.notebooks.flatMap((nb) => [t.points.get(`${s}\u0000${nb}`) ?? 0, t.feedback.get(`${s}\u0000${nb}`) ?? ""]),
      ]),
    );
  }
  return lines.join("\n") + "\n";
}

/** Write canvas.csv and moodle.csv next to the gradebook; returns their paths. A roster student with no submission gets 0s. */
export function writeExports(rows: Row[], out: string, rosterFile?: string): string[] {
  const roster = rosterFile ? readRoster(rosterFile) : new Map<string, RosterEntry>();
  const all = [...rows];
  for (const s of roster.keys()) {
    if (all.some((r) => r.student === s)) continue;
    for (const nb of new Set(rows.filter((r) => r.status !== "unreadable").map((r) => r.notebook)))
      all.push({
        student: s,
        notebook: nb,
        exercise: "",
        points: 0,
        max: 0,
        status: "missing",
        message: "no submission",
        notes: "",
        output: "",
      });
  }
  const files = [path.join(out, "canvas.csv"), path.join(out, "moodle.csv")];
  fs.writeFileSync(files[0], canvasCsv(all, roster));
  fs.writeFileSync(files[1], moodleCsv(all, roster));
  return files;
}

/**
 * What a check printed, with the hidden cases reported without their inputs: under a
 * "· hidden tests" heading each case becomes "hidden case k" with its mark and points, and its
 * hint if it has one; its name, message, expected and got values are left out.
 */
export function hideHiddenInputs(output: string): string {
  const out: string[] = [];
  let hidden = false;
  let k = 0;
  let skipping = false;
  for (const l of output.split("\n")) {
    if (/^\S/.test(l)) {
      hidden = /· hidden tests\s*$/.test(l);
      k = 0;
      skipping = false;
      out.push(l);
      continue;
    }
    if (!hidden) {
      out.push(l);
      continue;
    }
    const c = /^(\s*)([✓✗…]) .*\((\d+(?:\.\d+)?\/\d+(?:\.\d+)?)\)/.exec(l);
    if (c) {
      k++;
      skipping = true;
      out.push(`${c[1]}${c[2]} hidden case ${k} (${c[3]})`);
      continue;
    }
    if (/^\s*→/.test(l)) {
      skipping = false;
      out.push(l);
      continue;
    }
    if (skipping && /^\s*Hint: /.test(l)) out.push(l);
    else if (!skipping) out.push(l);
  }
  return out.join("\n");
}
