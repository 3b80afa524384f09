// Fitting decks to the screen: every slide of a deck measured in headless Chromium (how far it runs
// past the slide's 1280×720, which notebook cells it shows, code size, charts, math), and a tool
// that breaks overflowing slides into sub-slides by editing only the notebooks' slide metadata.
//
//   node --import tsx scripts/book/slideFit.ts notebooks/NN-topic.ipynb ...
//
// It needs current executed copies in build/notebooks/ (npm run slides, or npm run nb, writes them).
// 1. A slide that runs over the bottom gets a sub-slide break before its first cell that does not fit
//    (before the prose that introduces that cell, when there is such prose); repeated until nothing
//    changes. A slide that is one single cell taller than the screen cannot be split by metadata: it
//    scrolls, and the tool lists it.
// 2. Then breaks that need not be there go where the result fits: a code cell joins the prose that
//    introduces it, and a short conclusion joins the result before it as a fragment.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Page } from "playwright-core";
import { guardedPage, launch, serve } from "./chromium";
import { text, withOutputsOf } from "../notebooks/notebookFile";
import { Notebook, root } from "./notebookHtml";
import { buildSlides } from "./slides";

export interface SlideMeasure {
  /** Reveal's indices: column h, row v. */
  h: number;
  v: number;
  /** Pixels the content runs past the bottom (scrolls) and past the right edge. */
  over: number;
  wide: number;
  /** The notebook cells on the slide (0-based) and the bottom edge of each, in slide pixels. */
  cells: { cell: number; bottom: number }[];
  /** The shrink applied to fit (1: none; see MIN_ZOOM in slides.ts) and whether the slide still scrolls. */
  zoom: number;
  scrolls: boolean;
  /** Smallest code font on the slide in CSS pixels after the shrink (null: no code), interactive charts, KaTeX formulas. */
  codePx: number | null;
  charts: number;
  chartsNotDrawn: number;
  math: number;
  text: string;
}

/** Shows slide (h, v) of the deck loaded in `page`. */
export async function showSlide(page: Page, h: number, v: number): Promise<void> {
  await page.evaluate(
    ([h, v]) => (window as unknown as { Reveal: { slide(h: number, v: number): void } }).Reveal.slide(h, v),
    [h, v],
  );
}

/** Opens every slide of the deck loaded in `page` in turn and measures it, as shown (`shrink`) or at full size. */
export async function measureDeck(page: Page, shrink = true): Promise<SlideMeasure[]> {
  await page.waitForFunction(() => (window as unknown as { Reveal?: { isReady(): boolean } }).Reveal?.isReady());
  const count = await page.evaluate(
    () => (window as unknown as { Reveal: { getSlides(): HTMLElement[] } }).Reveal.getSlides().length,
  );
  const out: SlideMeasure[] = [];
  for (let k = 0; k < count; k++) {
    const at = await page.evaluate((k) => {
      const R = (
        window as unknown as {
          Reveal: { getSlides(): HTMLElement[]; getIndices(s: HTMLElement): { h: number; v?: number } };
        }
      ).Reveal;
      return R.getIndices(R.getSlides()[k]);
    }, k);
    await showSlide(page, at.h, at.v ?? 0);
    // Charts draw asynchronously: wait until this slide's charts are done (or failed) before measuring.
    await page
      .waitForFunction(
        (k) => {
          const s = (window as unknown as { Reveal: { getSlides(): HTMLElement[] } }).Reveal.getSlides()[k];
          return Array.from(s.querySelectorAll(".descent-chart"))
            .filter((c) => c.querySelector("script"))
            .every((c) => ["interactive", "static-error"].includes((c as HTMLElement).dataset.state ?? ""));
        },
        k,
        { timeout: 20_000 },
      )
      .catch(() => undefined);
    out.push(
      await page.evaluate(
        ([k, shrink]) => {
          const w = window as unknown as {
            Reveal: { getSlides(): HTMLElement[]; getIndices(s: HTMLElement): { h: number; v: number } };
            descentFitSlide(s: HTMLElement, shrink: boolean): void;
          };
          const s = w.Reveal.getSlides()[k];
          const { h, v } = w.Reveal.getIndices(s);
          w.descentFitSlide(s, shrink);
          const zoom = Number(s.dataset.zoom ?? 1);
          const cells = Array.from(s.querySelectorAll(":scope > .cell")).map((c) => ({
            cell: Number((c as HTMLElement).dataset.cell),
            bottom: (c as HTMLElement).offsetTop + (c as HTMLElement).offsetHeight,
          }));
          const code = Array.from(s.querySelectorAll("pre.code")).map(
            (c) => parseFloat(getComputedStyle(c).fontSize) * zoom,
          );
          return {
            h,
            v: v ?? 0,
            over: s.scrollHeight - s.clientHeight,
            wide: s.scrollWidth - s.clientWidth,
            cells,
            zoom,
            scrolls: s.classList.contains("scrolls"),
            codePx: code.length ? Math.min(...code) : null,
            charts: s.querySelectorAll('.descent-chart[data-state="interactive"] svg').length,
            // A chart made interactive: false is a static picture by design (it has no script).
            chartsNotDrawn: Array.from(s.querySelectorAll('.descent-chart:not([data-state="interactive"])')).filter(
              (c) => c.querySelector("script"),
            ).length,
            math: s.querySelectorAll(".katex").length,
            text: (s.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 70),
          };
        },
        [k, shrink] as const,
      ),
    );
  }
  return out;
}

/**
 * The notebooks' decks built from their executed copies in build/notebooks/ (each with the source's
 * own metadata), in one build into `out`; returns the deck file names, in order.
 */
export function decksFromExecutedCopies(
  sources: string[],
  out: string,
  executedDir = path.join(root, "build", "notebooks"),
): string[] {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-fit-"));
  try {
    const files = sources.map((source) => {
      const merged = withOutputsOf<Notebook>(source, path.join(executedDir, path.basename(source)));
      if ("stale" in merged)
        throw new Error(`${merged.stale}: run \`npm run nb -- ${path.relative(root, source)}\` first`);
      const file = path.join(tmp, path.basename(source));
      fs.writeFileSync(file, JSON.stringify(merged.notebook));
      return file;
    });
    return buildSlides(files, out, () => {});
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The cell that should begin a new sub-slide on an overflowing slide (null: the slide fits, or it is
 * a single cell). `isProse(c)` says whether notebook cell c is markdown, `isIntro(c)` whether it is
 * prose that introduces the cell after it (it ends in ":"): an introduction is never left at the
 * bottom of a slide, away from what it introduces, nor alone on one — an introduction and its cell
 * that are too tall together stay together (shrunk, or scrolling).
 */
export function breakBefore(
  slide: SlideMeasure,
  height: number,
  isProse: (cell: number) => boolean,
  isIntro: (cell: number) => boolean = () => false,
): number | null {
  if (slide.over <= 2 || slide.cells.length < 2) return null;
  let k = slide.cells.findIndex((c) => c.bottom > height);
  if (k < 0) k = slide.cells.length - 1;
  if (k === 0) k = 1;
  // Keep the prose that introduces a cell on the same slide as the cell.
  if (k > 1 && !isProse(slide.cells[k].cell) && isProse(slide.cells[k - 1].cell)) k--;
  else if (k > 1 && isIntro(slide.cells[k - 1].cell)) k--;
  // The slide starts with an introduction and the cell it introduces: break after that cell, if anything follows.
  if (k === 1 && isIntro(slide.cells[0].cell)) k = slide.cells.length > 2 ? 2 : -1;
  return k < 0 ? null : slide.cells[k].cell;
}

export type FitCell = {
  cell_type: string;
  source: string | string[];
  metadata?: { slideshow?: { slide_type?: string } };
};

/**
 * Whether cell c is prose that introduces what follows it and says nothing on a slide without it:
 * markdown that ends in ":" and holds only words (no table, display math, code block or picture,
 * which make a slide of their own).
 */
export function isIntroduction(cells: FitCell[], c: number): boolean {
  if (cells[c]?.cell_type !== "markdown") return false;
  const src = text(cells[c].source);
  return /:\s*$/.test(src) && !/^\s*\|?[\s:|-]*-{3,}[\s:|-]*$|\$\$|\\\[|```|!\[|<img|<table/m.test(src);
}

/** The introduction of cell c: the cell before it (passing over skipped cells and notes) if that is one, else null. */
export function introductionOf(cells: FitCell[], c: number): number | null {
  let p = c - 1;
  while (p >= 0 && ["skip", "notes"].includes(cells[p].metadata?.slideshow?.slide_type ?? "-")) p--;
  return p >= 0 && isIntroduction(cells, p) ? p : null;
}

/**
 * Sub-slide breaks that may go (the second step of fitting, after the breaks): a code cell whose
 * introduction (the markdown cell just before it) sits on the slide before joins that slide ("-"),
 * and a short conclusion in words after a code cell joins it as a fragment (it appears on the next
 * key press, after the audience has seen the output; not prose ending in ":", which introduces the
 * cell after it). Returns cell index → the slide type to try.
 */
export function joinCandidates(cells: FitCell[]): Map<number, "-" | "fragment"> {
  const out = new Map<number, "-" | "fragment">();
  const type = (i: number) => cells[i].metadata?.slideshow?.slide_type ?? "-";
  const src = (i: number) => text(cells[i].source);
  for (let i = 1; i < cells.length; i++) {
    if (type(i) !== "subslide") continue;
    let p = i - 1;
    while (p > 0 && (type(p) === "skip" || type(p) === "notes")) p--;
    if (type(p) === "skip" || type(p) === "notes") continue;
    const [prev, cur] = [cells[p].cell_type, cells[i].cell_type];
    if (cur === "code" && prev === "markdown") out.set(i, "-");
    else if (
      cur === "markdown" &&
      prev === "code" &&
      src(i).length <= 700 &&
      !/^#/m.test(src(i)) &&
      !isIntroduction(cells, i) // it introduces the next cell: it goes with that one, not after this one
    )
      out.set(i, "fragment");
  }
  return out;
}

/**
 * Joined cells to put back on a slide of their own: on each slide that runs over, the last joined cell
 * (returned: the cell that begins a sub-slide now). When that cell's introduction (`introOf`: the prose
 * ending in ":" just before it, or null) is on the same slide, the break goes before the introduction
 * instead, so the two stay together; if the introduction begins the slide, nothing is undone there.
 */
export function joinsToUndo(
  slides: SlideMeasure[],
  joined: Set<number>,
  introOf: (cell: number) => number | null = () => null,
): { undo: number; breakAt: number }[] {
  const out: { undo: number; breakAt: number }[] = [];
  for (const s of slides) {
    if (s.over <= 2) continue;
    const last = [...s.cells].reverse().find((c) => joined.has(c.cell));
    if (!last) continue;
    const intro = introOf(last.cell);
    const at = intro === null ? -1 : s.cells.findIndex((c) => c.cell === intro);
    if (at === 0) continue;
    out.push({ undo: last.cell, breakAt: at > 0 ? intro! : last.cell });
  }
  return out;
}

async function fit(files: string[]): Promise<void> {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), "descent-fit-site-"));
  const server = await serve(site);
  const browser = await launch();
  const measure = async (f: string): Promise<{ slides: SlideMeasure[]; height: number }> => {
    const [name] = decksFromExecutedCopies([f], site);
    const g = await guardedPage(browser, server.base + "/", { width: 1280, height: 720 });
    await g.page.goto(`${server.base}/${name}`);
    const slides = await measureDeck(g.page, false);
    const height = await g.page.evaluate(
      () => (window as unknown as { Reveal: { getConfig(): { height: number } } }).Reveal.getConfig().height,
    );
    await g.page.context().close();
    return { slides, height };
  };
  const read = (f: string) => JSON.parse(fs.readFileSync(f, "utf8")) as Notebook;
  const write = (f: string, nb: Notebook) => fs.writeFileSync(f, JSON.stringify(nb, null, 1) + "\n");
  const setType = (nb: Notebook, c: number, t: string) => ((nb.cells[c].metadata ??= {}).slideshow = { slide_type: t });
  try {
    for (const f of files) {
      const rel = path.relative(root, f);
      // 1. Break every slide that runs over, before its first cell that does not fit.
      for (let pass = 1; pass <= 12; pass++) {
        const { slides, height } = await measure(f);
        const nb = read(f);
        const breaks = slides
          .map((s) =>
            breakBefore(
              s,
              height,
              (c) => nb.cells[c].cell_type === "markdown",
              (c) => isIntroduction(nb.cells, c),
            ),
          )
          .filter((c): c is number => c !== null);
        if (!breaks.length) break;
        for (const c of breaks) setType(nb, c, "subslide");
        write(f, nb);
        console.log(
          `[slide-fit] ${rel} pass ${pass}: sub-slide breaks before cells ${breaks.map((c) => c + 1).join(", ")}`,
        );
      }
      // 2. Join what fits together: a cell's introduction and the cell, a result and its conclusion. A join
      // of a conclusion undone while an earlier join on its slide was still there is tried once more after the
      // others settle (a short conclusion after a folded cell then stays with it, rather than the cell alone).
      const tried = joinCandidates(read(f).cells);
      const joined = new Set<number>();
      let toTry = new Map(tried);
      let slides: SlideMeasure[] = [];
      for (let round = 1; round <= 2 && toTry.size; round++) {
        const start = read(f);
        for (const [c, t] of toTry) {
          setType(start, c, t);
          joined.add(c);
        }
        write(f, start);
        const undone = new Map<number, "-" | "fragment">();
        for (let pass = 1; pass <= 30; pass++) {
          slides = (await measure(f)).slides;
          const cur = read(f);
          const undo = joinsToUndo(slides, joined, (c) => introductionOf(cur.cells, c));
          if (!undo.length) break;
          for (const { undo: c, breakAt } of undo) {
            setType(cur, breakAt, "subslide");
            joined.delete(c);
            joined.delete(breakAt);
            if (breakAt === c && round === 1 && tried.get(c) === "fragment") undone.set(c, "fragment");
          }
          write(f, cur);
        }
        toTry = undone;
      }
      const tall = slides.filter((s) => s.over > 2);
      console.log(
        `[slide-fit] ${rel}: ${slides.length} slides fit (${joined.size} of ${tried.size} breaks joined)${tall.length ? `; ${tall.length} single-cell slides scroll: ${tall.map((s) => `${s.h + 1}.${s.v + 1} (+${s.over}px "${s.text.slice(0, 40)}")`).join(", ")}` : ""}`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const files = process.argv.slice(2).map((f) => path.resolve(f));
  if (!files.length) {
    console.error("[slide-fit] name the notebooks to fit (their executed copies must be in build/notebooks/)");
    process.exit(1);
  }
  fit(files).catch((e) => {
    console.error(`[slide-fit] ${(e as Error).message}`);
    process.exit(1);
  });
}
