// Questions for the room: every chapter has 2–4 markdown cells tagged "question" (Jupyter's metadata.tags),
// each followed by its answer, a markdown cell tagged "answer". The book shows the answers in the
// lecturer edition only (scripts/book.ts); the slides show each question as its own fragment and the
// answer in the speaker notes (scripts/slides.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./support/notebooks";
import { buildBook } from "../scripts/book/book";
import { deckHtml, slideType } from "../scripts/book/slides";
import { Cell, readNotebook, text } from "../scripts/book/notebookHtml";

const chapters = fs
  .readdirSync(path.join(root, "notebooks"))
  .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
  .sort();
const tagged = (c: Cell, tag: string) =>
  Array.isArray(c.metadata?.tags) && (c.metadata!.tags as unknown[]).includes(tag);
const cellsOf = (nb: string) => readNotebook(path.join(root, "notebooks", nb)).cells as Cell[];

test("every chapter puts 2–4 questions to the room, each a markdown cell tagged question followed by its answer", () => {
  assert.equal(chapters.length, 9, chapters.join(", "));
  for (const nb of chapters) {
    const cells = cellsOf(nb);
    const qs = cells.map((c, i) => [c, i] as const).filter(([c]) => tagged(c, "question"));
    assert.ok(qs.length >= 2 && qs.length <= 4, `${nb}: ${qs.length} question cells`);
    for (const [q, i] of qs) {
      assert.equal(q.cell_type, "markdown", `${nb} cell ${i}`);
      assert.match(text(q.source), /^\*\*Question for the room/, `${nb} cell ${i}`);
      const a = cells[i + 1];
      assert.ok(
        a && a.cell_type === "markdown" && tagged(a, "answer"),
        `${nb} cell ${i}: the question is not followed by an answer cell`,
      );
      assert.match(text(a.source), /^\*\*Answer\.\*\*/, `${nb} cell ${i + 1}`);
      // collapsed in Jupyter, so a student sees the question first and opens the answer on purpose
      assert.deepEqual(
        a.metadata?.jupyter,
        { source_hidden: true },
        `${nb} cell ${i + 1}: the answer is not collapsed`,
      );
      // the question comes before the cells that answer it: something follows the answer
      assert.ok(cells[i + 2], `${nb} cell ${i}: nothing follows the question`);
    }
    assert.equal(
      cells.filter((c) => tagged(c, "answer")).length,
      qs.length,
      `${nb}: an answer cell without its question`,
    );
  }
});

test("the student book has no answer cells; the lecturer book has every one, and both have the questions", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-questions-book-"));
  const notebooks = chapters.map((nb) => path.join(root, "notebooks", nb));
  const pagesOf = (edition: "student" | "lecturer") => {
    const out = path.join(tmp, edition);
    const r = buildBook({ notebooks, homework: [], edition, out, log: () => {} });
    return r.pages.map((p) => fs.readFileSync(path.join(out, p), "utf8")).join("\n");
  };
  const student = pagesOf("student");
  const lecturer = pagesOf("lecturer");
  const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;
  const answers = chapters.reduce((n, nb) => n + cellsOf(nb).filter((c) => tagged(c, "answer")).length, 0);
  // every answer opens with "**Answer.**"; the lecturer edition shows each one inside its aside, the student edition none
  assert.equal(count(lecturer, /<aside class="cell md lecturer-notes answer"><p><strong>Answer\.<\/strong>/g), answers);
  assert.equal(count(student, /<strong>Answer\.<\/strong>/g), 0);
  assert.equal(count(student, /Answer\./g), 0);
  for (const html of [student, lecturer])
    assert.equal(count(html, /<section class="cell md question"><p><strong>Question for the room/g), answers);
  assert.ok(answers >= 18, `${answers} answers`);
});

test("slides: a question is its own fragment whatever its slide type, its answer goes to the speaker notes", () => {
  const md = (source: string, t?: string, tags?: string[]) => ({
    cell_type: "markdown" as const,
    metadata: { ...(t ? { slideshow: { slide_type: t } } : {}), ...(tags ? { tags } : {}) },
    source,
  });
  assert.equal(slideType(md("Q?", "-", ["question"]), "x"), "fragment");
  assert.equal(slideType(md("Q?", undefined, ["question"]), "x"), "fragment");
  assert.equal(slideType(md("A.", "-", ["answer"]), "x"), "notes");
  assert.equal(slideType(md("plain", "-", ["other"]), "x"), "-");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-questions-slides-"));
  const f = path.join(tmp, "deck.ipynb");
  fs.writeFileSync(
    f,
    JSON.stringify({
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
      cells: [
        md("# T", "slide"),
        md("Which is it?", undefined, ["question"]),
        md("This one.", undefined, ["answer"]),
        md("Next"),
      ],
    }),
  );
  const { html } = deckHtml(f);
  assert.match(html, /<div class="cell fragment question" data-cell="1"><p>Which is it\?<\/p>/);
  assert.match(html, /<aside class="notes"><p>This one\.<\/p>/);
  assert.doesNotMatch(html.replace(/<aside class="notes">[\s\S]*?<\/aside>/g, ""), /This one/);
  // and in every chapter's deck
  for (const nb of chapters) {
    const cells = cellsOf(nb);
    const deck = deckHtml(path.join(root, "notebooks", nb)).html;
    cells.forEach((c, i) => {
      if (tagged(c, "question"))
        assert.match(deck, new RegExp(`<div class="cell fragment question" data-cell="${i}">`), `${nb} cell ${i}`);
      if (tagged(c, "answer"))
        assert.doesNotMatch(deck, new RegExp(`data-cell="${i}"`), `${nb} cell ${i}: the answer is on a slide`);
    });
  }
});
