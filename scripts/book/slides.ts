// Slides: an executed notebook → a reveal.js deck (offline: reveal.js, KaTeX and vega copied in).
//
//   node --import tsx scripts/book/slides.ts [--out DIR] EXECUTED.ipynb ...       build decks (default build/slides/)
//   node --import tsx scripts/book/slides.ts --annotate NOTEBOOK.ipynb ...        give cells without slideshow metadata a default
//
// Cells are split by Jupyter's standard metadata `slideshow.slide_type` (as nbconvert and RISE read it):
//   "slide" a new slide · "subslide" a new slide below the current one · "fragment" appears on the next key press
//   "-" (or none) continues the current slide · "skip" left out · "notes" speaker notes (press S)
// Code cells longer than FOLD_LINES lines (FOLD_LINES_VISUAL when they draw a chart or picture) are folded
// on the slide, their outputs visible; a click unfolds them.
import * as fs from "fs";
import * as path from "path";
import {
  Cell,
  PageRenderer,
  codeHtml,
  copyAsset,
  copySharedAssets,
  escapeHtml,
  hasTag,
  outputHtml,
  readNotebook,
  root,
  text,
  siteHtml,
  vegaScripts,
  type Output,
} from "./notebookHtml";
import { chartBundle, VEGALITE_MIME } from "../../src/plot/show";
import { withTextAtLeast } from "../../src/plot/textSize";
import type { VegaLiteSpec } from "../../src/plot/render";

const FOLD_LINES = 18;
const FOLD_LINES_VISUAL = 10;
export type SlideType = "slide" | "subslide" | "fragment" | "-" | "skip" | "notes";
const TYPES: SlideType[] = ["slide", "subslide", "fragment", "-", "skip", "notes"];

export function slideType(cell: Cell, where: string): SlideType {
  const t = cell.metadata?.slideshow?.slide_type ?? "-";
  if (!TYPES.includes(t as SlideType))
    throw new Error(`${where}: slideshow.slide_type "${t}" is not one of ${TYPES.join(", ")}`);
  // A question for the room (tag "question") appears as its own fragment (on a new slide when its metadata starts one,
  // as slideFit.ts does where the slide is full); its answer (tag "answer") is for the speaker only.
  if (hasTag(cell, "answer")) return "notes";
  if (hasTag(cell, "question")) return t === "slide" || t === "subslide" ? t : "fragment";
  return t as SlideType;
}

/**
 * Fitting a slide that is taller than the screen (run in the page on each slide shown): its cells are
 * shrunk (CSS zoom) just enough to fit, but never below MIN_ZOOM, which keeps 24 px code at 20 px or
 * more; a slide still too tall after that (one long cell: metadata cannot split it) scrolls, with a
 * "scroll for more" mark at its foot. `descentFitSlide(s, false)` undoes the shrink (for measuring).
 */
export const MIN_ZOOM = 0.84;
const FIT_SCRIPT = `function descentFitSlide(s, shrink) {
  if (!s || !s.clientHeight) return; // not shown (reveal hides distant slides)
  var cells = s.querySelectorAll(":scope > .cell");
  for (var i = 0; i < cells.length; i++) cells[i].style.zoom = "";
  s.classList.remove("scrolls");
  var z = 1;
  for (var pass = 0; pass < 3 && shrink !== false && s.scrollHeight > s.clientHeight + 2 && z > ${MIN_ZOOM}; pass++) {
    z = Math.max(${MIN_ZOOM}, z * s.clientHeight / s.scrollHeight);
    for (var j = 0; j < cells.length; j++) cells[j].style.zoom = String(z);
  }
  s.dataset.zoom = String(z);
  if (s.scrollHeight > s.clientHeight + 2) s.classList.add("scrolls");
  // the "scroll for more" mark sits in a strip below the slide's content (a scrolling slide is made shorter), never over it
  var mark = document.querySelector(".descent-scroll-mark");
  if (!mark) {
    mark = document.createElement("div");
    mark.className = "descent-scroll-mark";
    mark.textContent = "▼ scroll for more";
    document.querySelector(".reveal .slides").appendChild(mark);
  }
  mark.style.display = s.classList.contains("scrolls") && shrink !== false ? "block" : "none";
}`;

/**
 * Charts on a slide are enlarged CHART_ZOOM times (slides.css) and may be shrunk to MIN_ZOOM to fit; their
 * text is redrawn at SLIDE_CHART_TEXT chart pixels or more, so that it is at least 16 px at 1280×720:
 * 15 × 1.4 × 0.84 ≈ 17.6 (one pixel more than 16 / (1.4 × 0.84) needs: a tall chart is also held to
 * the slide's height, a few percent less).
 */
export const CHART_ZOOM = 1.4;
export const SLIDE_CHART_TEXT = Math.ceil(16 / (CHART_ZOOM * MIN_ZOOM)) + 1;

/**
 * One output on a slide: a chart (it carries its Vega-Lite spec) is redrawn with its text at
 * SLIDE_CHART_TEXT px or more (the static picture too, shown until the interactive view is drawn);
 * anything else as in the book.
 */
export function slideOutputHtml(o: Output, r: PageRenderer): string {
  const spec = o.data?.[VEGALITE_MIME] as VegaLiteSpec | undefined;
  const html = o.data?.["text/html"];
  const htmlText = Array.isArray(html) ? html.join("") : typeof html === "string" ? html : "";
  if (!spec || typeof spec !== "object" || !/class="descent-chart"/.test(htmlText)) return outputHtml(o, r);
  const id = /class="descent-chart" id="([^"]+)"/.exec(htmlText)?.[1];
  const bundle = chartBundle(enlargedTooltip(withTextAtLeast(spec, SLIDE_CHART_TEXT)), {
    id,
    interactive: /<script/.test(siteHtml(htmlText)),
  });
  return `<div class="out html">${bundle["text/html"] as string}</div>`;
}

/** A chart's tooltip offsets (chart pixels, usermeta.embedOptions.tooltip) enlarged as the chart is (CHART_ZOOM). */
function enlargedTooltip(spec: VegaLiteSpec): VegaLiteSpec {
  const meta = spec.usermeta as { embedOptions?: { tooltip?: { [k: string]: unknown } } } | undefined;
  const tip = meta?.embedOptions?.tooltip;
  if (!tip || typeof tip !== "object") return spec;
  const scaled = { ...tip };
  for (const k of ["offsetX", "offsetY"])
    if (typeof tip[k] === "number") scaled[k] = Math.ceil((tip[k] as number) * CHART_ZOOM);
  return { ...spec, usermeta: { ...meta, embedOptions: { ...meta!.embedOptions, tooltip: scaled } } };
}

interface Slide {
  parts: string[];
  notes: string[];
}

/** The deck's HTML for one executed notebook (assets under `assets/`). */
export function deckHtml(file: string): { html: string; slides: number; mathErrors: string[] } {
  const nb = readNotebook(file);
  const r = new PageRenderer(path.basename(file));
  const columns: Slide[][] = []; // horizontal slides, each a column of vertical ones
  let current: Slide | null = null;
  let charts = false;
  let title = path.basename(file, ".ipynb");
  nb.cells.forEach((cell, i) => {
    const type = slideType(cell, `${path.basename(file)} cell ${i + 1}`);
    if (type === "skip") return;
    const src = text(cell.source);
    let html: string;
    if (cell.cell_type === "markdown") {
      html = r.markdown(src);
      const m = /^#\s+(.+)$/m.exec(src);
      if (m && title === path.basename(file, ".ipynb")) title = m[1].replace(/[`*]/g, "");
    } else if (cell.cell_type === "code") {
      // a training run's progress line (src/plot/progressDisplay.ts) is for the notebook, not the room
      const outs = (cell.outputs ?? [])
        .filter((o) => o.metadata?.descent !== "progress")
        .map((o) => slideOutputHtml(o, r))
        .join("\n");
      if (/descent-chart/.test(outs)) charts = true;
      const visual = /descent-chart|descent-digit|<img|<svg/.test(outs);
      html =
        (src.trim() ? codeHtml(src, visual ? FOLD_LINES_VISUAL : FOLD_LINES) : "") +
        (outs ? `<div class="outputs">${outs}</div>` : "");
    } else html = `<pre>${escapeHtml(src)}</pre>`;
    if (type === "notes") {
      if (!current) columns.push([(current = { parts: [], notes: [] })]);
      current.notes.push(html);
      return;
    }
    if (type === "slide" || !current) columns.push([(current = { parts: [], notes: [] })]);
    else if (type === "subslide") columns[columns.length - 1].push((current = { parts: [], notes: [] }));
    current.parts.push(
      `<div class="cell${type === "fragment" || hasTag(cell, "question") ? " fragment" : ""}${hasTag(cell, "question") ? " question" : ""}" data-cell="${i}">${html}</div>`,
    );
  });
  const section = (s: Slide) =>
    `<section>${s.parts.join("\n")}${s.notes.length ? `<aside class="notes">${s.notes.join("\n")}</aside>` : ""}</section>`;
  const body = columns
    .map((col) => (col.length === 1 ? section(col[0]) : `<section>${col.map(section).join("\n")}</section>`))
    .join("\n");
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · slides</title>
<link rel="stylesheet" href="assets/reveal/reveal.css">
<link rel="stylesheet" href="assets/reveal/theme/white.css">
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/slides.css">
${charts ? vegaScripts("assets/") : ""}
</head>
<body>
<div class="reveal"><div class="slides">
${body}
</div></div>
<script src="assets/reveal/reveal.js"></script>
<script src="assets/reveal/plugin/notes.js"></script>
<script>${FIT_SCRIPT}</script>
<script>Reveal.initialize({ hash: true, center: false, width: 1280, height: 720, margin: 0.03, transition: "none",
  navigationMode: "linear", // → / PageDown (a presenter's clicker) walk every slide and sub-slide in order
  plugins: [RevealNotes] });
Reveal.on("ready", function (e) { descentFitSlide(e.currentSlide); });
Reveal.on("slidechanged", function (e) { descentFitSlide(e.currentSlide); setTimeout(function () { if (Reveal.getCurrentSlide() === e.currentSlide) descentFitSlide(e.currentSlide); }, 400); });</script>
</body>
</html>
`;
  return { html: r.finish(html), slides: columns.reduce((n, c) => n + c.length, 0), mathErrors: r.mathErrors };
}

/** Builds decks for executed notebooks into `out` (one NAME.html per notebook, shared assets/). */
export function buildSlides(files: string[], out: string, log: (s: string) => void = console.log): string[] {
  fs.mkdirSync(out, { recursive: true });
  const assets = path.join(out, "assets");
  copySharedAssets(assets);
  const reveal = path.join(root, "node_modules", "reveal.js", "dist");
  for (const f of ["reveal.css", "reveal.js", "theme/white.css", "plugin/notes.js"])
    copyAsset(path.join(reveal, f), path.join(assets, "reveal", f));
  copyAsset(path.join(__dirname, "slides.css"), path.join(assets, "slides.css"));
  const written: string[] = [];
  for (const f of files) {
    const { html, slides, mathErrors } = deckHtml(f);
    const name = path.basename(f, ".ipynb") + ".html";
    fs.writeFileSync(path.join(out, name), html);
    for (const e of mathErrors) log(`[slides] math error: ${e}`);
    log(`[slides] ${name}: ${slides} slides`);
    written.push(name);
  }
  return written;
}

/**
 * Default slide metadata for cells that have none (never changes a cell that has it): a markdown
 * cell starting with a # or ## heading begins a slide, ### a sub-slide; otherwise a cell continues
 * the current slide until about MAX_WEIGHT lines are on it, then begins a sub-slide. A chart or
 * picture counts as 12 lines. The checks cell gets a slide of its own; a code cell longer than 20
 * lines that shows nothing (a helper: definitions only) is skipped.
 */
export function annotate(nb: { cells: Cell[] }): number {
  const MAX_WEIGHT = 26;
  let weight = 0;
  let changed = 0;
  nb.cells.forEach((cell, i) => {
    const src = text(cell.source);
    const lines = src.split("\n").length;
    const visual = /\bd\.(show|showSvg|drawDigit|liveView)\b|display\./.test(src) ? 12 : 0;
    const w = (cell.cell_type === "code" ? Math.min(lines, FOLD_LINES) + 2 : lines) + visual;
    let type: SlideType;
    if (i === 0 || (cell.cell_type === "markdown" && /^#{1,2}\s/.test(src))) type = "slide";
    else if (cell.cell_type === "markdown" && /^###\s/.test(src)) type = "subslide";
    else if (cell.cell_type === "code" && /^\/\/ Checks/.test(src)) type = "slide";
    else if (
      cell.cell_type === "code" &&
      lines > 20 &&
      !/console\.log|\bd\.(show|check|print|compare)|display|drawDigit/.test(src)
    )
      type = "skip"; // a long helper: definitions only
    else if (weight + w > MAX_WEIGHT) type = "subslide";
    else type = "-";
    const md = (cell.metadata ??= {});
    if (type === "skip") {
      if (!md.slideshow?.slide_type) {
        md.slideshow = { slide_type: type };
        changed++;
      }
      return;
    }
    if (type !== "-") weight = 0;
    weight += w;
    if (md.slideshow?.slide_type) {
      if (md.slideshow.slide_type !== "-" && md.slideshow.slide_type !== "fragment") weight = w;
      return;
    }
    md.slideshow = { slide_type: type };
    changed++;
  });
  return changed;
}

function main(argv: string[]): void {
  let out = path.join(root, "build", "slides");
  let annotateOnly = false;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--out") out = path.resolve(argv[++i]);
    else if (argv[i] === "--annotate") annotateOnly = true;
    else if (argv[i].startsWith("--")) throw new Error(`unknown option ${argv[i]} (options: --out DIR, --annotate)`);
    else files.push(path.resolve(argv[i]));
  }
  if (!files.length)
    throw new Error("name the executed notebooks to make decks of (npm run slides executes them first)");
  if (annotateOnly) {
    for (const f of files) {
      const nb = readNotebook(f);
      const n = annotate(nb);
      if (n) fs.writeFileSync(f, JSON.stringify(nb, null, 1) + "\n");
      console.log(`[slides] ${path.relative(root, f)}: slide metadata added to ${n} cells`);
    }
    return;
  }
  buildSlides(files, out);
  console.log(
    `[slides] decks in ${path.relative(root, out)}/ (open NAME.html; S for speaker notes, F for full screen)`,
  );
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`[slides] ${(e as Error).message}`);
    process.exit(1);
  }
}
