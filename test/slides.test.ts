// Slides (scripts/slides.ts): Jupyter's slideshow metadata → reveal.js decks, offline. A synthetic
// notebook checks every slide type; the executed tour is opened in headless Chromium with every
// outside request blocked. Screenshots: build/test-output/slides/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { courseNotebooks, root, runNotebooks } from "./support/notebooks";
import { chromiumMissing, guardedPage, launch, machinePaths, serve, testOutput } from "./support/site";
import { annotate, buildSlides, deckHtml, slideType } from "../scripts/slides";
import { readNotebook } from "../scripts/notebook-html";

const md = (source: string, t?: string) => ({ cell_type: "markdown" as const, metadata: t ? { slideshow: { slide_type: t } } : {}, source });
const code = (source: string, t?: string) => ({ cell_type: "code" as const, metadata: t ? { slideshow: { slide_type: t } } : {}, source, outputs: [] });

test("slide types: slide, subslide, fragment, '-', skip, notes", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-slides-unit-"));
  const f = path.join(tmp, "deck.ipynb");
  fs.writeFileSync(f, JSON.stringify({ metadata: {}, nbformat: 4, nbformat_minor: 5, cells: [
    md("# Title $x^2$", "slide"), md("continues", "-"), md("below", "subslide"), md("appears later", "fragment"),
    code("secret()", "skip"), md("say this aloud", "notes"), md("## Next", "slide"), code("1 + 1"),
  ] }));
  const { html, slides } = deckHtml(f);
  assert.equal(slides, 3);
  assert.doesNotMatch(html, /secret/);
  assert.match(html, /<div class="fragment"><p>appears later<\/p>/);
  assert.match(html, /<aside class="notes"><p>say this aloud<\/p>/);
  assert.match(html, /class="katex"/);
  const sections = html.split("<div class=\"slides\">")[1];
  assert.match(sections, /^\s*<section><section>.*Title.*continues.*<\/section>\s*<section>.*below/s, "the sub-slide sits inside the first slide's column");
  assert.throws(() => slideType(md("x", "slides") as never, "nb cell 3"), /nb cell 3: slideshow.slide_type "slides" is not one of/);
});

test("annotate: headings start slides, long helpers are skipped, metadata already set is kept", () => {
  const helper = "// helpers\n" + Array.from({ length: 24 }, (_, i) => `function f${i}() { return ${i}; }`).join("\n");
  const nb = { cells: [md("# T"), md("text"), code(helper), code("d.show(chart)"), md("## Part 2"), md("### Detail"), md("kept", "fragment"), code("// Checks\nd.check('x', true)")] };
  assert.equal(annotate(nb), 7);
  assert.deepEqual(nb.cells.map((c) => c.metadata.slideshow?.slide_type), ["slide", "-", "skip", "-", "slide", "subslide", "fragment", "slide"]);
});

test("every chapter notebook has slideshow metadata on every cell", () => {
  for (const f of courseNotebooks()) {
    const nb = readNotebook(path.join(root, f));
    nb.cells.forEach((c, i) => assert.ok(c.metadata?.slideshow?.slide_type, `${f}: cell ${i + 1} has no slideshow.slide_type (node --import tsx scripts/slides.ts --annotate ${f})`));
    assert.equal(slideType(nb.cells[0], f), "slide", `${f}: the first cell should start a slide`);
  }
});

test("a deck of the tour in Chromium: offline, no console errors, math, chart, readable sizes", { skip: chromiumMissing, timeout: 300_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-slides-"));
  const [r] = runNotebooks(["notebooks/00-tour.ipynb"], { outDir: tmp });
  assert.ok(r.ok, r.failure ?? "");
  const out = path.join(tmp, "decks");
  buildSlides([path.join(tmp, "00-tour.ipynb")], out, () => {});
  const site = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "descent-slides-copy-")), "decks");
  fs.cpSync(out, site, { recursive: true });
  fs.rmSync(out, { recursive: true });
  assert.deepEqual(machinePaths(site, [root, tmp]), []);
  const server = await serve(site);
  const browser = await launch();
  try {
    const g = await guardedPage(browser, server.base + "/", { width: 1280, height: 800 });
    const { page } = g;
    await page.goto(server.base + "/00-tour.html");
    await page.waitForFunction(() => (window as unknown as { Reveal?: { isReady(): boolean } }).Reveal?.isReady());
    await page.screenshot({ path: testOutput("slides", "00-tour-1.png") });
    const total = await page.evaluate(() => (window as unknown as { Reveal: { getTotalSlides(): number } }).Reveal.getTotalSlides());
    assert.ok(total >= 5, `${total} slides`);
    let chartShot = false;
    for (let k = 0; k < total; k++) {
      // Every slide fits the deck's width (no text running off the screen) and its code is large.
      const check = await page.evaluate(() => {
        const s = (window as unknown as { Reveal: { getCurrentSlide(): HTMLElement } }).Reveal.getCurrentSlide();
        const code = s.querySelector("pre.code");
        return { wide: s.scrollWidth - s.clientWidth, codePx: code ? parseFloat(getComputedStyle(code).fontSize) : null, chart: !!s.querySelector('.descent-chart[data-state="interactive"] svg'), text: (s.textContent ?? "").slice(0, 60) };
      });
      assert.ok(check.wide <= 2, `slide ${k + 1} ("${check.text}") is ${check.wide}px too wide`);
      if (check.codePx !== null) assert.ok(check.codePx >= 20, `slide ${k + 1}: code at ${check.codePx}px`);
      if (check.chart && !chartShot) {
        await page.screenshot({ path: testOutput("slides", "00-tour-chart.png") });
        chartShot = true;
      }
      await page.evaluate(() => (window as unknown as { Reveal: { next(): void } }).Reveal.next());
      await page.waitForTimeout(150);
    }
    assert.ok(chartShot, "no slide with an interactive chart");
    assert.ok((await page.locator(".katex").count()) > 3, "no KaTeX math");
    assert.deepEqual(g.outside, []);
    assert.deepEqual(g.consoleErrors, []);
  } finally {
    await browser.close();
    await server.close();
  }
  console.log("# screenshots: build/test-output/slides/00-tour-1.png, 00-tour-chart.png");
});
