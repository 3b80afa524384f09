// Slides that serve the room (issue 25, item 2), measured in Chromium at 1280×720 (a 16:9 projector) on
// every chapter's deck built from executed copies. Asserted: the deck is laid out for 16:9 (not shrunk
// from 1280×800); chart text (ticks, legends, titles, captions of image grids) ≥ 16 px on every slide; the
// "▼ scroll for more" mark large and below the content, never over it; slide 2 is not set-up code; fenced
// code in Markdown at the code size and not cut off; no slide holding only a sentence that ends in ":"
// (prose split from the code it introduces; its fragments count: a question for the room after it); no slide holding only folded code whose output is a few
// lines (a two-row table alone on a slide). Screenshots: build/test-output/slides-room/ (the first
// scrolling slide, slide 2, and the slide with the smallest chart text, of each deck).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { courseNotebooks, root, runDir, runNotebooks } from "./support/notebooks";
import { chromiumMissing, guardedPage, launch, serve, testOutput } from "./support/site";
import { decksFromExecutedCopies, showSlide } from "../scripts/book/slideFit";
import { withOutputsOf } from "../scripts/notebooks/notebookFile";

function executedCopies(): string {
  const dir = runDir("notebooks");
  const stale = courseNotebooks().filter(
    (f) => "stale" in withOutputsOf(path.join(root, f), path.join(dir, path.basename(f))),
  );
  if (stale.length)
    for (const r of runNotebooks(stale, { outDir: dir })) assert.ok(r.ok, `${r.notebook}: ${r.failure}`);
  return dir;
}

interface RoomMeasure {
  h: number;
  v: number;
  text: string;
  scale: number;
  ratio: number;
  chartPx: number | null;
  codePx: number | null;
  mdCodePx: number | null;
  mdCodeCut: boolean;
  scrolls: boolean;
  mark: { px: number; color: string; overlap: number } | null;
  colonOnly: boolean;
  onlyCode: boolean;
  foldAlone: number | null;
}
/** Measures the slide shown now (a string: the page has none of the test compiler's helpers). */
const MEASURE = `(() => {
  const R = window.Reveal, s = R.getCurrentSlide(), { h, v } = R.getIndices(s);
  const px = (el) => { const z = el.getBoundingClientRect().width / (el.offsetWidth || 1); return parseFloat(getComputedStyle(el).fontSize) * z; };
  const texts = Array.from(s.querySelectorAll(".descent-chart svg text")).filter((t) => t.getBoundingClientRect().width > 0);
  const chartPx = texts.length ? Math.min(...texts.map((t) => { const svg = t.ownerSVGElement; return parseFloat(getComputedStyle(t).fontSize) * svg.getBoundingClientRect().width / svg.width.baseVal.value; })) : null;
  const code = Array.from(s.querySelectorAll("pre.code")).filter((e) => e.offsetWidth);
  const md = Array.from(s.querySelectorAll(".cell > pre:not(.code):not(.out), .cell > p + pre, .md pre")).filter((e) => e.offsetWidth && !e.classList.contains("out"));
  const mark = document.querySelector(".descent-scroll-mark");
  let m = null;
  if (s.classList.contains("scrolls") && mark) {
    const a = mark.getBoundingClientRect(), b = s.getBoundingClientRect();
    m = { px: px(mark), color: getComputedStyle(mark).color, overlap: Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top)) * (a.width > 0 && getComputedStyle(mark).display !== "none" ? 1 : 0) };
  }
  const cells = Array.from(s.querySelectorAll(":scope > .cell"));
  const text = (s.innerText || "").trim();
  // everything the slide shows by its last key press (its fragments too, e.g. a question for the room), not the speaker notes
  const all = cells.map((c) => c.textContent).join(" ").trim();
  return {
    h, v, text: text.slice(0, 50), scale: R.getScale(), ratio: R.getConfig().width / R.getConfig().height,
    chartPx, codePx: code.length ? Math.min(...code.map(px)) : null,
    mdCodePx: md.length ? Math.min(...md.map(px)) : null, mdCodeCut: md.some((e) => e.scrollWidth > e.clientWidth + 1),
    scrolls: s.classList.contains("scrolls"), mark: m,
    colonOnly: cells.length > 0 && !s.querySelector("pre, img, svg, .descent-chart, table, .katex-display") && /:\\s*$/.test(all),
    onlyCode: cells.length > 0 && cells.every((c) => c.querySelector("pre.code, details.fold")),
    foldAlone: cells.length > 0 && cells.every((c) => c.querySelector("details.fold")) && !s.querySelector("img, svg, .descent-chart")
      ? Array.from(s.querySelectorAll(".outputs table tr")).length + Array.from(s.querySelectorAll(".outputs pre.out")).reduce((n, p) => n + p.innerText.trim().split("\\n").length, 0)
      : null,
  };
})()`;

test(
  "slides serve the room at 1280×720: 16:9 layout, 16 px chart text, a clear scroll mark, no ':'-only slide, no folded cell with a tiny output alone, no set-up code as slide 2, Markdown code readable",
  { skip: chromiumMissing, timeout: 1_200_000 },
  async () => {
    const executed = executedCopies();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-room-"));
    const sources = courseNotebooks();
    const htmls = decksFromExecutedCopies(
      sources.map((f) => path.join(root, f)),
      out,
      executed,
    );
    const server = await serve(out);
    const browser = await launch();
    const problems: string[] = [];
    try {
      for (const [i, html] of htmls.entries()) {
        const name = path.basename(sources[i], ".ipynb");
        const g = await guardedPage(browser, server.base + "/", { width: 1280, height: 720 });
        await g.page.goto(`${server.base}/${html}`);
        await g.page.waitForFunction(() =>
          (window as unknown as { Reveal?: { isReady(): boolean } }).Reveal?.isReady(),
        );
        const order = (await g.page.evaluate(
          `Reveal.getSlides().map((s) => { const i = Reveal.getIndices(s); return [i.h, i.v || 0]; })`,
        )) as [number, number][];
        let shot = false;
        let smallest = { px: Infinity, h: 0, v: 0 };
        for (const [k, [h, v]] of order.entries()) {
          await showSlide(g.page, h, v);
          await g.page
            .waitForFunction(
              `Array.from(Reveal.getCurrentSlide().querySelectorAll(".descent-chart")).every((c) => ["interactive", "static-error"].includes(c.dataset.state || ""))`,
              undefined,
              { timeout: 20_000 },
            )
            .catch(() => undefined);
          await g.page.waitForTimeout(50);
          const m = (await g.page.evaluate(MEASURE)) as RoomMeasure;
          const at = `${name} slide ${k + 1} (${h + 1}.${v + 1} "${m.text.replace(/\s+/g, " ").slice(0, 40)}")`;
          if (k === 0) {
            if (Math.abs(m.ratio - 16 / 9) > 0.01)
              problems.push(`${name}: the deck is laid out at ratio ${m.ratio.toFixed(3)}, not 16:9`);
            if (m.scale < 0.95) problems.push(`${name}: shrunk to ${m.scale.toFixed(2)} at 1280×720`);
          }
          if (m.chartPx !== null && m.chartPx < smallest.px) smallest = { px: m.chartPx, h, v };
          if (m.chartPx !== null && m.chartPx < 16) problems.push(`${at}: chart text at ${m.chartPx.toFixed(1)}px`);
          if (m.mdCodePx !== null && m.mdCodePx < 19)
            problems.push(`${at}: Markdown code at ${m.mdCodePx.toFixed(1)}px`);
          if (m.mdCodeCut) problems.push(`${at}: Markdown code cut off at the right`);
          if (m.scrolls && (!m.mark || m.mark.px < 20 || m.mark.overlap > 0))
            problems.push(`${at}: scroll mark ${JSON.stringify(m.mark)} (want ≥ 20 px, not over the slide)`);
          if (m.colonOnly) problems.push(`${at}: only a sentence ending in ":"`);
          if (m.foldAlone !== null && m.foldAlone <= 4)
            problems.push(`${at}: only folded code and ${m.foldAlone} lines of output`);
          if (k === 1 && m.onlyCode) problems.push(`${at}: slide 2 is code alone (set-up), no prose`);
          if (m.scrolls && !shot) {
            await g.page.screenshot({ path: testOutput("slides-room", `${name}-scrolls.png`) });
            shot = true;
          }
          if (k === 1) await g.page.screenshot({ path: testOutput("slides-room", `${name}-slide2.png`) });
        }
        if (smallest.px < Infinity) {
          await showSlide(g.page, smallest.h, smallest.v);
          await g.page.waitForTimeout(700);
          await g.page.screenshot({ path: testOutput("slides-room", `${name}-smallest-chart-text.png`) });
        }
        console.log(
          `# ${name}: ${order.length} slides measured; smallest chart text ${smallest.px < Infinity ? `${smallest.px.toFixed(1)}px (slide ${smallest.h + 1}.${smallest.v + 1})` : "(no chart)"}`,
        );
        await g.page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    assert.deepEqual(problems, []);
  },
);
