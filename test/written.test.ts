// Written questions (scripts/homework/grading/written.ts): every homework has 2–3 manually graded
// answer cells with a rubric in the master only; grading collects the answers side by side (a page
// and a CSV per question, a marks template) and merges the lecturer's marks into the gradebook rows
// and the feedback; a bad mark is an error naming the file, line and value.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeIdOf, linesForSource, listMasters, Notebook, sourceOf } from "../scripts/homework/notebook";
import { loadMaster, Master } from "../scripts/homework/grade";
import { answerOf, collectWritten, parseCsv, questionsOf } from "../scripts/homework/grading/written";
import { writeFeedback } from "../scripts/homework/grading/outputs";

const masters = listMasters().map(loadMaster);

test("every homework has 2–3 written questions: derive, explain or predict-then-run, with a rubric the students never see", () => {
  assert.ok(masters.length >= 7);
  for (const m of masters) {
    const qs = questionsOf(m);
    assert.ok(qs.length >= 2 && qs.length <= 3, `${m.name}: ${qs.length} written questions`);
    assert.ok(
      qs.some((q) => /predict/i.test(q.prompt)) || qs.some((q) => /derive/i.test(q.prompt)),
      `${m.name}: no derive or predict question`,
    );
    for (const q of qs) {
      assert.ok(q.points >= 1, `${q.gradeId}: points`);
      assert.match(
        q.prompt,
        /\*\*(Derive|Explain|Show|Predict|First write your prediction|predict)/i,
        `${q.gradeId}: the question asks no derivation, explanation or prediction`,
      );
      assert.match(q.rubric, /\*\*Rubric \((\d+) points?\)\.\*\*/, `${q.gradeId}: no rubric`);
      assert.equal(
        Number(/Rubric \((\d+) point/.exec(q.rubric)![1]),
        q.points,
        `${q.gradeId}: the rubric's points differ from the cell's`,
      );
      const released = m.released.cells.find((c) => gradeIdOf(c) === q.gradeId)!;
      assert.equal(sourceOf(released), "YOUR ANSWER HERE", `${q.gradeId}: the released answer cell`);
      for (const line of q.rubric.split("\n").filter((l) => l.trim().length > 20)) {
        assert.ok(
          !JSON.stringify(m.released).includes(JSON.stringify(line).slice(1, -1)),
          `${q.gradeId}: the rubric line ${JSON.stringify(line.slice(0, 60))} is in the released notebook`,
        );
      }
    }
    // the grader does not take a written answer for an autograded exercise
    assert.ok(
      m.exercises.every((e) => !/-q\d+$/.test(e.gradeId)),
      `${m.name}: a written question among the autograded exercises`,
    );
  }
});

function answered(master: Master, answers: { [gradeId: string]: string }): Notebook {
  const nb = JSON.parse(JSON.stringify(master.released)) as Notebook;
  for (const c of nb.cells) {
    const g = gradeIdOf(c);
    if (g && answers[g] !== undefined) c.source = linesForSource(answers[g]);
  }
  return nb;
}

test("grading collects answers side by side, writes a marks template and merges the marks into gradebook and feedback", () => {
  const m = masters.find((x) => x.name === "05-softmax-experiments")!;
  const [q1, q2] = questionsOf(m);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-written-"));
  try {
    const subs = [
      {
        student: "ada",
        master: m,
        nb: answered(m, {
          [q1.gradeId]: "I predict 10 %: the last batches are all 9s. <script>alert(1)</script>",
          [q2.gradeId]: "Variance goes like 1/B.",
        }),
      },
      { student: "bob", master: m, nb: answered(m, { [q1.gradeId]: "About 85 %, like shuffled." }) },
    ];
    assert.equal(answerOf(subs[1].nb, q2.gradeId), "", "an untouched answer cell counts as no answer");
    let rows = collectWritten(subs, out);
    const page = fs.readFileSync(path.join(out, "written", m.name, `${q1.gradeId}.html`), "utf8");
    assert.ok(page.includes("I predict 10 %") && page.includes("About 85 %"), "the page shows every student's answer");
    assert.ok(page.includes("&lt;script&gt;") && !page.includes("<script>alert"), "answers are escaped");
    assert.ok(page.includes("Rubric (3 points)"), "the page shows the rubric");
    const perQuestion = parseCsv(fs.readFileSync(path.join(out, "written", m.name, `${q1.gradeId}.csv`), "utf8"));
    assert.deepEqual(perQuestion[0], ["student", "answer", "points", "comment"]);
    assert.deepEqual(
      perQuestion.slice(1).map((r) => r[0]),
      ["ada", "bob"],
    );
    const row = (s: string, q: string) => rows.find((r) => r.student === s && r.exercise === q)!;
    assert.deepEqual(
      [row("ada", q1.gradeId).status, row("ada", q1.gradeId).points, row("ada", q1.gradeId).max],
      ["to mark", 0, q1.points],
    );
    assert.equal(row("bob", q2.gradeId).status, "not done");
    // The lecturer fills the template.
    const template = path.join(out, "written", "marks.csv");
    const filled = parseCsv(fs.readFileSync(template, "utf8"));
    assert.deepEqual(filled[0], ["student", "notebook", "question", "points", "max_points", "comment"]);
    for (const r of filled.slice(1)) {
      if (r[0] === "ada" && r[2] === q1.gradeId) [r[3], r[5]] = ["3", "clear, with the reason"];
      if (r[0] === "bob" && r[2] === q1.gradeId) [r[3], r[5]] = ["1", 'prediction only; why, "exactly"?'];
    }
    const marks = path.join(out, "marks.csv");
    fs.writeFileSync(
      marks,
      filled.map((r) => r.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(",")).join("\n") +
        "\n",
    );
    rows = collectWritten(subs, path.join(out, "again"), { file: marks, text: fs.readFileSync(marks, "utf8") });
    assert.deepEqual([row("ada", q1.gradeId).points, row("ada", q1.gradeId).status], [3, "passed"]);
    assert.deepEqual(
      [row("bob", q1.gradeId).points, row("bob", q1.gradeId).status, row("bob", q1.gradeId).notes],
      [1, "partial", 'marker: prediction only; why, "exactly"?'],
    );
    assert.equal(row("ada", q2.gradeId).status, "to mark");
    writeFeedback(
      rows.map((r) => ({ ...r })),
      path.join(out, "feedback"),
    );
    const fb = fs.readFileSync(path.join(out, "feedback", "bob.md"), "utf8");
    assert.match(fb, new RegExp(`${q1.gradeId}: 1 / ${q1.points}`));
    assert.match(fb, /prediction only; why, "exactly"\?/);
    // A mark out of range names the file, line and value.
    const bad = fs.readFileSync(marks, "utf8").replace(/,3,3,/, ",7,3,");
    assert.throws(
      () => collectWritten(subs, path.join(out, "bad"), { file: marks, text: bad }),
      /marks\.csv, line \d+, column points: "7" is not a mark between 0 and 3/,
    );
    assert.throws(
      () =>
        collectWritten(subs, path.join(out, "bad"), {
          file: marks,
          text: "student,notebook,question,points\nada,05-softmax-experiments,hw05-q9,1\n",
        }),
      /line 2: no written question "hw05-q9"/,
    );
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
