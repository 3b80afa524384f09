// Written questions: manually graded answer cells (nbgrader: Markdown cells with solution and grade
// set, `points` and a grade_id). In the master the answer cell holds the model answer and the rubric
// between the solution markers; the release (and nbgrader's ClearSolutions) leaves "YOUR ANSWER HERE".
//
// `npm run grade` collects every student's answer to each question side by side, for marking:
//   <out>/written/<notebook>/<grade_id>.html   the question, the rubric, and one row per student
//   <out>/written/<notebook>/<grade_id>.csv    student, answer, points, comment (one file per question)
//   <out>/written/marks.csv                    student, notebook, question, points, max_points, comment:
//                                              every answer, points empty, for the lecturer to fill
// and with `--marks FILE` (that CSV, filled in) the marks go into the gradebook and the feedback as
// one row per question ("to mark" until a mark is given). A mark that is not a number between 0 and
// the question's points is an error naming the file, line and value.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import * as fs from "node:fs";
import * as path from "node:path";
import { Cell, gradeIdOf, nbgraderOf, Notebook, sourceOf } from "../notebook";
import { Master } from "./masters";
import { Row } from "./results";

export interface Question {
  notebook: string;
  gradeId: string;
  points: number;
  /** The question as students read it: the Markdown cells between the previous graded cell and the answer cell. */
  prompt: string;
  /** The master's answer cell without the solution markers: the model answer and rubric. */
  rubric: string;
}

/** Is this a manually graded answer cell (Markdown, solution and grade)? */
export function isWrittenAnswer(cell: Cell): boolean {
  const m = nbgraderOf(cell);
  return cell.cell_type === "markdown" && !!m?.solution && !!m?.grade;
}

const MARKER = /^\s*(?:\/\/+|#+)?\s*(BEGIN|END) SOLUTION\s*$/;

/** The written questions of a master, in order. */
export function questionsOf(master: Master): Question[] {
  const out: Question[] = [];
  master.nb.cells.forEach((cell, i) => {
    if (!isWrittenAnswer(cell)) return;
    const prompt: string[] = [];
    for (let j = i - 1; j >= 0; j--) {
      const c = master.nb.cells[j];
      if (c.cell_type !== "markdown" || nbgraderOf(c)?.grade || nbgraderOf(c)?.solution) break;
      prompt.unshift(sourceOf(c));
      if (/^#+ /m.test(sourceOf(c))) break; // up to the question's heading
    }
    out.push({
      notebook: master.name,
      gradeId: gradeIdOf(cell) ?? `cell-${i + 1}`,
      points: Number(nbgraderOf(cell)?.points ?? 0),
      prompt: prompt.join("\n\n"),
      rubric: sourceOf(cell)
        .split("\n")
        .filter((l) => !MARKER.test(l))
        .join("\n")
        .trim(),
    });
  });
  return out;
}

/** A student's answer to a question ("" when the cell is missing or still the stub). */
export function answerOf(nb: Notebook, gradeId: string): string {
  const c = nb.cells.find((x) => gradeIdOf(x) === gradeId && x.cell_type === "markdown");
  const text = c ? sourceOf(c).trim() : "";
  return text === "YOUR ANSWER HERE" ? "" : text;
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text → rows of fields (RFC 4180: quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ""));
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** One static page per question: the question, the rubric, then every student's answer in a row. */
function questionPage(q: Question, answers: { student: string; answer: string }[]): string {
  const rows = answers
    .map(
      (a) =>
        `<tr><th>${escapeHtml(a.student)}</th><td><pre>${a.answer ? escapeHtml(a.answer) : "<em>(no answer)</em>"}</pre></td><td class="mark"></td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${q.notebook} · ${q.gradeId}`)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}pre{white-space:pre-wrap;font-family:inherit;margin:0}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.5em;vertical-align:top;text-align:left}
th{width:10em}.mark{width:6em}.rubric{background:#f6f6e8;padding:1em;border-left:4px solid #aa4}</style></head>
<body>
<h1>${escapeHtml(q.notebook)} · ${escapeHtml(q.gradeId)} (${q.points} points)</h1>
<h2>Question</h2><pre>${escapeHtml(q.prompt)}</pre>
<h2>Model answer and rubric</h2><div class="rubric"><pre>${escapeHtml(q.rubric)}</pre></div>
<h2>Answers (${answers.length})</h2>
<table><thead><tr><th>student</th><th>answer</th><th>mark</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p>Enter marks in <code>written/marks.csv</code> and run <code>npm run grade -- … --marks written/marks.csv</code>.</p>
</body></html>
`;
}

export interface Mark {
  points: number;
  comment: string;
}

export const MARKS_HEADER = ["student", "notebook", "question", "points", "max_points", "comment"];

/** The marks file's text, read before the grading run empties its output folder (where the template is). */
export function readMarksFile(file: string | undefined): { file: string; text: string } | undefined {
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new Error(`grade: the marks file ${file} does not exist`);
  return { file, text: fs.readFileSync(file, "utf8") };
}

/** The lecturer's marks: key "student\0notebook\0question" → mark. Blank points = not marked yet. */
export function readMarks(marks: { file: string; text: string }, questions: Question[]): Map<string, Mark> {
  const file = marks.file;
  const rows = parseCsv(marks.text.replace(/^\uFEFF/, ""));
  const head = rows[0] ?? [];
  const col = (name: string): number => {
    const k = head.indexOf(name);
    if (k < 0) throw new Error(`${file}, line 1: no column "${name}" (expected ${MARKS_HEADER.join(",")})`);
    return k;
  };
  const [cs, cn, cq, cp, cc] = [
    col("student"),
    col("notebook"),
    col("question"),
    col("points"),
    head.indexOf("comment"),
  ];
  const out = new Map<string, Mark>();
  rows.slice(1).forEach((r, i) => {
    const line = i + 2;
    const q = questions.find((x) => x.notebook === r[cn] && x.gradeId === r[cq]);
    if (!q) throw new Error(`${file}, line ${line}: no written question "${r[cq]}" in notebook "${r[cn]}"`);
    const raw = (r[cp] ?? "").trim();
    if (raw === "") return;
    const p = Number(raw);
    if (!Number.isFinite(p) || p < 0 || p > q.points)
      throw new Error(
        `${file}, line ${line}, column points: "${raw}" is not a mark between 0 and ${q.points} for ${q.gradeId}`,
      );
    out.set(`${r[cs]}\u0000${r[cn]}\u0000${r[cq]}`, { points: p, comment: cc >= 0 ? (r[cc] ?? "") : "" });
  });
  return out;
}

/**
 * Collect the answers of the graded submissions (student, master, notebook) to every written
 * question: pages and CSVs for marking, the marks template; and the gradebook rows, with the
 * marks of `marksFile` (see readMarksFile) when given.
 */
export function collectWritten(
  subs: { student: string; master: Master; nb: Notebook }[],
  out: string,
  marksFile?: { file: string; text: string },
): Row[] {
  const masters = [...new Set(subs.map((s) => s.master))];
  const questions = masters.flatMap(questionsOf);
  if (questions.length === 0) return [];
  const marks = marksFile ? readMarks(marksFile, questions) : new Map<string, Mark>();
  const dir = path.join(out, "written");
  const rows: Row[] = [];
  const template: string[] = [MARKS_HEADER.join(",")];
  for (const q of questions) {
    const mine = subs.filter((s) => s.master.name === q.notebook).sort((a, b) => a.student.localeCompare(b.student));
    const answers = mine.map((s) => ({ student: s.student, answer: answerOf(s.nb, q.gradeId) }));
    const qdir = path.join(dir, q.notebook);
    fs.mkdirSync(qdir, { recursive: true });
    fs.writeFileSync(path.join(qdir, `${q.gradeId}.html`), questionPage(q, answers));
    fs.writeFileSync(
      path.join(qdir, `${q.gradeId}.csv`),
      [
        "student,answer,points,comment",
        ...answers.map((a) => [a.student, a.answer, "", ""].map(csvField).join(",")),
      ].join("\n") + "\n",
    );
    for (const a of answers) {
      const mark = marks.get(`${a.student}\u0000${q.notebook}\u0000${q.gradeId}`);
      template.push(
        [a.student, q.notebook, q.gradeId, mark ? mark.points : "", q.points, mark?.comment ?? ""]
          .map(csvField)
          .join(","),
      );
      const status = !a.answer
        ? "not done"
        : !mark
          ? "to mark"
          : mark.points >= q.points
            ? "passed"
            : mark.points > 0
              ? "partial"
              : "failed";
      rows.push({
        student: a.student,
        notebook: q.notebook,
        exercise: q.gradeId,
        points: mark?.points ?? 0,
        max: q.points,
        status,
        message: !a.answer ? "no answer" : mark ? mark.comment : "written answer, not marked yet",
        notes: mark?.comment ? `marker: ${mark.comment}` : "",
        output: a.answer,
      });
    }
  }
  fs.writeFileSync(path.join(dir, "marks.csv"), template.join("\n") + "\n");
  return rows;
}
