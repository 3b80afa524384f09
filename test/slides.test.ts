// Slides (scripts/book/slides.ts): Jupyter's slideshow metadata → reveal.js decks, offline. A synthetic
// notebook checks every slide type; every chapter's deck is opened in headless Chromium with every
// outside request blocked and measured slide by slide. Screenshots: build/test-output/slides/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { courseNotebooks, root, runDir, runNotebooks } from "./support/notebooks";
import { chromiumMissing, guardedPage, launch, machinePaths, serve, testOutput } from "./support/site";
import { annotate, deckHtml, slideType } from "../scripts/book/slides";
import {
  FitCell,
  SlideMeasure,
  breakBefore,
  decksFromExecutedCopies,
  joinCandidates,
  joinsToUndo,
  introductionOf,
  isIntroduction,
  measureDeck,
  showSlide,
} from "../scripts/book/slideFit";
import { withOutputsOf } from "../scripts/notebooks/notebookFile";
import { DRAWN_DIGITS, drawOnDemo } from "./support/drawStrokes";
import { readNotebook } from "../scripts/book/notebookHtml";

const md = (source: string, t?: string) => ({
  cell_type: "markdown" as const,
  metadata: t ? { slideshow: { slide_type: t } } : {},
  source,
});
const code = (source: string, t?: string) => ({
  cell_type: "code" as const,
  metadata: t ? { slideshow: { slide_type: t } } : {},
  source,
  outputs: [],
});

test("slide types: slide, subslide, fragment, '-', skip, notes", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-slides-unit-"));
  const f = path.join(tmp, "deck.ipynb");
  fs.writeFileSync(
    f,
    JSON.stringify({
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
      cells: [
        md("# Title $x^2$", "slide"),
        md("continues", "-"),
        md("below", "subslide"),
        md("appears later", "fragment"),
        code("secret()", "skip"),
        md("say this aloud", "notes"),
        md("## Next", "slide"),
        code("1 + 1"),
      ],
    }),
  );
  const { html, slides } = deckHtml(f);
  assert.equal(slides, 3);
  assert.doesNotMatch(html, /secret/);
  assert.match(html, /<div class="cell fragment" data-cell="3"><p>appears later<\/p>/);
  assert.match(html, /<aside class="notes"><p>say this aloud<\/p>/);
  assert.match(html, /class="katex"/);
  const sections = html.split('<div class="slides">')[1];
  assert.match(
    sections,
    /^\s*<section><section>.*Title.*continues.*<\/section>\s*<section>.*below/s,
    "the sub-slide sits inside the first slide's column",
  );
  assert.throws(
    () => slideType(md("x", "slides") as never, "nb cell 3"),
    /nb cell 3: slideshow.slide_type "slides" is not one of/,
  );
});

test("annotate: headings start slides, long helpers are skipped, metadata already set is kept", () => {
  const helper = "// helpers\n" + Array.from({ length: 24 }, (_, i) => `function f${i}() { return ${i}; }`).join("\n");
  const nb = {
    cells: [
      md("# T"),
      md("text"),
      code(helper),
      code("d.show(chart)"),
      md("## Part 2"),
      md("### Detail"),
      md("kept", "fragment"),
      code("// Checks\nd.check('x', true)"),
    ],
  };
  assert.equal(annotate(nb), 7);
  assert.deepEqual(
    nb.cells.map((c) => c.metadata.slideshow?.slide_type),
    ["slide", "-", "skip", "-", "slide", "subslide", "fragment", "slide"],
  );
});

test("every chapter notebook has slideshow metadata on every cell", () => {
  for (const f of courseNotebooks()) {
    const nb = readNotebook(path.join(root, f));
    nb.cells.forEach((c, i) =>
      assert.ok(
        c.metadata?.slideshow?.slide_type,
        `${f}: cell ${i + 1} has no slideshow.slide_type (node --import tsx scripts/book/slides.ts --annotate ${f})`,
      ),
    );
    assert.equal(slideType(nb.cells[0], f), "slide", `${f}: the first cell should start a slide`);
  }
});

/** Executed copies of the course notebooks: this run's, when current (the notebook tests write them just before), else run now. */
function executedCopies(): string {
  const dir = runDir("notebooks");
  const stale = courseNotebooks().filter(
    (f) => "stale" in withOutputsOf(path.join(root, f), path.join(dir, path.basename(f))),
  );
  if (stale.length) {
    for (const r of runNotebooks(stale, { outDir: dir })) assert.ok(r.ok, `${r.notebook}: ${r.failure}`);
  }
  return dir;
}

test(
  "every chapter's deck in Chromium: offline, no console errors, fits the screen, readable, math, charts drawn, speaker notes, a digit drawn on the slide; two screenshots each",
  { skip: chromiumMissing, timeout: 900_000 },
  async () => {
    const executed = executedCopies();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-decks-"));
    const sources = courseNotebooks();
    const htmls = decksFromExecutedCopies(
      sources.map((f) => path.join(root, f)),
      out,
      executed,
    );
    const decks = sources.map((f, i) => ({ f, html: htmls[i] }));
    // Served from a copy in another folder, as a lecturer would put the decks on a USB stick or a web server.
    const site = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "descent-decks-copy-")), "decks");
    fs.cpSync(out, site, { recursive: true });
    fs.rmSync(out, { recursive: true });
    assert.deepEqual(machinePaths(site, [root, out]), []);
    const server = await serve(site);
    const browser = await launch();
    const problems: string[] = [];
    const shots: string[] = [];
    try {
      for (const { f, html } of decks) {
        const name = path.basename(f, ".ipynb");
        const src = fs.readFileSync(path.join(root, f), "utf8");
        const nbCells = (JSON.parse(src) as { cells: FitCell[] }).cells;
        const g = await guardedPage(browser, server.base + "/", { width: 1280, height: 720 });
        await g.page.goto(`${server.base}/${html}`);
        const slides = await measureDeck(g.page);
        const at = (s: SlideMeasure) => `${name} slide ${s.h + 1}.${s.v + 1} ("${s.text.slice(0, 40)}")`;
        if (slides.length < 5) problems.push(`${name}: only ${slides.length} slides`);
        for (const s of slides) {
          if (s.wide > 2) problems.push(`${at(s)} is ${s.wide}px too wide`);
          if (s.codePx !== null && s.codePx < 20) problems.push(`${at(s)}: code at ${s.codePx.toFixed(1)}px`);
          // Several cells past the bottom: the fitting tool should have split them, unless they are one cell and the
          // prose that introduces it (ending in ":"), which stay together and scroll (slideFit.ts, isIntroduction).
          const introAndCell = s.cells.length === 2 && isIntroduction(nbCells, s.cells[0].cell);
          if (s.scrolls && s.cells.length > 1 && !introAndCell)
            problems.push(
              `${at(s)} runs ${s.over}px past the bottom with ${s.cells.length} cells on it: node --import tsx scripts/book/slideFit.ts ${f}`,
            );
          if (s.chartsNotDrawn) problems.push(`${at(s)}: ${s.chartsNotDrawn} chart(s) not drawn interactively`);
        }
        if (/\$[^$]+\$/.test(src) && !slides.some((s) => s.math > 0))
          problems.push(`${name}: no KaTeX math on any slide`);
        if (
          /descent-chart/.test(fs.readFileSync(path.join(executed, path.basename(f)), "utf8")) &&
          !slides.some((s) => s.charts > 0)
        )
          problems.push(`${name}: its charts are on no slide`);
        const scrolling = slides.filter((s) => s.scrolls);
        console.log(
          `# ${name}: ${slides.length} slides, ${slides.filter((s) => s.zoom < 1).length} shrunk to fit, ${scrolling.length} single long cells scroll${scrolling.length ? ` (${scrolling.map((s) => `${s.h + 1}.${s.v + 1}`).join(", ")})` : ""}`,
        );
        // Two screenshots: the title slide, and the first slide with a chart (else the middle one).
        const second = slides.find((s) => s.charts > 0 && s.h > 0) ?? slides[Math.floor(slides.length / 2)];
        for (const [s, label] of [
          [slides[0], "1"],
          [second, second.charts ? "chart" : "middle"],
        ] as const) {
          await showSlide(g.page, s.h, s.v);
          await g.page.waitForTimeout(500);
          const file = testOutput("slides", `${name}-${label}.png`);
          await g.page.screenshot({ path: file });
          shots.push(path.relative(root, file));
        }
        if (scrolling.length) {
          await showSlide(g.page, scrolling[0].h, scrolling[0].v);
          await g.page.waitForTimeout(500);
          const mark = await g.page.evaluate(() => {
            const m = document.querySelector(".descent-scroll-mark") as HTMLElement | null;
            return m && getComputedStyle(m).display !== "none" ? (m.textContent ?? "") : "none shown";
          });
          if (!/scroll for more/.test(mark))
            problems.push(`${name}: a slide that scrolls has no "scroll for more" mark (${mark})`);
        }
        // Speaker view (S): a window of its own with the title slide's notes, from the same site.
        await showSlide(g.page, 0, 0);
        const [speaker] = await Promise.all([g.page.context().waitForEvent("page"), g.page.keyboard.press("s")]);
        const speakerErrors: string[] = [];
        speaker.on("console", (m) => m.type() === "error" && speakerErrors.push(m.text()));
        const notes = await speaker
          .waitForFunction(() => /For the lecturer/.test(document.body?.innerText ?? ""), undefined, {
            timeout: 15_000,
          })
          .then(
            () => true,
            () => false,
          );
        if (!notes) problems.push(`${name}: the speaker view (S) shows no notes for the title slide`);
        if (speakerErrors.length) problems.push(`${name}: speaker view console errors: ${speakerErrors.join(" | ")}`);
        await speaker.close();
        // The draw-a-digit demo works on the projected slide (reveal.js scales the slide): a drawn 1 and 0.
        const digitAt = await g.page.evaluate(() => {
          const R = (
            window as unknown as {
              Reveal: { getSlides(): HTMLElement[]; getIndices(s: HTMLElement): { h: number; v?: number } };
            }
          ).Reveal;
          const s = R.getSlides().find((x) => x.querySelector(".descent-digit"));
          return s ? R.getIndices(s) : null;
        });
        if (digitAt) {
          await showSlide(g.page, digitAt.h, digitAt.v ?? 0);
          await g.page.waitForSelector('.present .descent-digit[data-state="ready"]');
          for (const [digit, strokes] of Object.entries(DRAWN_DIGITS)) {
            const got = await drawOnDemo(g.page, ".present .descent-digit", strokes);
            if (got.prediction !== digit)
              problems.push(`${name}: drew a ${digit} on the slide, the demo says ${got.answer}`);
          }
          const file = testOutput("slides", `${name}-drawn.png`);
          await g.page.screenshot({ path: file });
          shots.push(path.relative(root, file));
        }
        if (g.outside.length) problems.push(`${name}: requests outside the site: ${g.outside.join(", ")}`);
        if (g.consoleErrors.length) problems.push(`${name}: console errors: ${g.consoleErrors.join(" | ")}`);
        await g.page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    console.log(`# screenshots: ${shots.join(", ")}`);
    assert.deepEqual(problems, []);
    const demos = decks.filter(({ f }) => fs.readFileSync(path.join(root, f), "utf8").includes("d.drawDigit(")).length;
    assert.ok(demos >= 1, "a chapter deck has the draw-a-digit demo");
    assert.equal(shots.length, 2 * decks.length + demos);
  },
);

test("slide-fit breaks an overflowing slide before the first cell that does not fit, keeping a cell's introduction with it", () => {
  const slide = (over: number, bottoms: number[]): SlideMeasure => ({
    h: 0,
    v: 0,
    over,
    wide: 0,
    cells: bottoms.map((bottom, i) => ({ cell: 10 + i, bottom })),
    zoom: 1,
    scrolls: over > 2,
    codePx: null,
    charts: 0,
    chartsNotDrawn: 0,
    math: 0,
    text: "",
  });
  const prose = (c: number) => c === 12;
  assert.equal(breakBefore(slide(0, [300, 600]), 800, prose), null, "fits");
  assert.equal(breakBefore(slide(900, [1700]), 800, prose), null, "one cell cannot be split");
  assert.equal(
    breakBefore(slide(200, [300, 600, 1000]), 800, () => false),
    12,
    "the third cell ends below 800",
  );
  assert.equal(
    breakBefore(slide(200, [300, 600, 700, 1000]), 800, prose),
    12,
    "cell 13 (code) is introduced by cell 12 (prose): break before the prose",
  );
  assert.equal(
    breakBefore(slide(200, [900, 1000]), 800, () => false),
    11,
    "the first cell is too tall alone: break after it",
  );
  // an introduction (prose ending in ":") stays with the cell it introduces
  const intro = (c: number) => c === 10 || c === 12;
  assert.equal(
    breakBefore(slide(200, [100, 1000]), 800, (c) => c === 10, intro),
    null,
    "an introduction and the one cell it introduces: not split (a ':'-only slide otherwise)",
  );
  assert.equal(
    breakBefore(slide(200, [100, 700, 1000]), 800, (c) => c === 10, intro),
    12,
    "an introduction and its cell first: the break goes after the cell",
  );
  assert.equal(
    breakBefore(slide(200, [300, 600, 700, 1000]), 800, () => false, intro),
    12,
    "an introduction at the bottom goes to the next slide with its cell (cell 13 introduced by cell 12)",
  );
});

test("slide-fit joins a code cell to its introduction and a short conclusion as a fragment, and undoes a join that runs over", () => {
  const cells = [
    md("## A", "slide"),
    md("We compute x:"),
    code("x()", "subslide"),
    md("So x is 3.", "subslide"),
    md("## B", "slide"),
    md("## C", "subslide"),
    md("long " + "word ".repeat(200), "subslide"),
    md("say it", "notes"),
    code("z()", "subslide"),
    code("w()", "subslide"),
  ];
  // 2: code after prose; 3: a short conclusion after code (fragment); 5: a heading stays a slide; 6: prose
  // after prose stays; 8: code after prose (the notes cell between is passed over); 9: code after code stays.
  assert.deepEqual(
    [...joinCandidates(cells)],
    [
      [2, "-"],
      [3, "fragment"],
      [8, "-"],
    ],
  );
  const slide = (over: number, cellsOn: number[]): SlideMeasure => ({
    h: 0,
    v: 0,
    over,
    wide: 0,
    cells: cellsOn.map((cell) => ({ cell, bottom: 0 })),
    zoom: 1,
    scrolls: over > 2,
    codePx: null,
    charts: 0,
    chartsNotDrawn: 0,
    math: 0,
    text: "",
  });
  assert.deepEqual(
    joinsToUndo([slide(0, [0, 1, 2, 3]), slide(50, [6, 8]), slide(50, [9])], new Set([2, 3, 8])),
    [{ undo: 8, breakAt: 8 }],
    "only the slide that runs over gives back its last joined cell",
  );
  assert.deepEqual(joinsToUndo([slide(50, [1, 2, 3])], new Set([2, 3])), [{ undo: 3, breakAt: 3 }]);
  // cell 1 "We compute x:" introduces cell 2: undoing 2's join breaks before 1, or not at all when 1 begins the slide
  const introOf = (c: number) => introductionOf(cells, c);
  assert.equal(introOf(2), 1);
  assert.equal(introOf(3), null);
  assert.deepEqual(joinsToUndo([slide(50, [0, 1, 2])], new Set([2]), introOf), [{ undo: 2, breakAt: 1 }]);
  assert.deepEqual(joinsToUndo([slide(50, [1, 2])], new Set([2]), introOf), []);
  // an introduction holds only words: a table, display math, a code block or a picture make a slide of their own
  const mds = [
    "Run it:",
    "Run it:\n",
    "Run it.",
    "| a | b |\n|---|---|\n| 1 | 2 |\n\nRun it:",
    "$$x$$\nso:",
    "![d](x.png) now:",
  ];
  assert.deepEqual(
    mds.map((m, i) =>
      isIntroduction(
        mds.map((t) => md(t)),
        i,
      ),
    ),
    [true, true, false, false, false, false],
  );
  // prose ending in ":" after code introduces the next cell: not joined to the code before as a conclusion
  const intro = [code("a()", "slide"), md("Now b:", "subslide"), code("b()", "subslide")];
  assert.deepEqual([...joinCandidates(intro)], [[2, "-"]]);
});
