// The book: executed notebooks → a self-contained static site (no absolute paths, no network).
//
//   node --import tsx scripts/book/book.ts [--edition student|lecturer] [--in build/notebooks] [--homework DIR] [--out DIR] [NB.ipynb ...]
//
// Reads the executed notebooks named (npm run book names this run's copies; else build/notebooks/NN-*.ipynb),
// writes one page per notebook, an index with the course's title, purpose and each chapter's one-line
// summary (from README.md's notebook table), and copies KaTeX's CSS/fonts and the vega libraries once
// into assets/. Homework (--homework DIR, else by edition): the student edition adds build/homework/*.ipynb
// (student versions, from `npm run release`), the lecturer edition notebooks/homework-masters/*.ipynb; each
// is skipped with a note when its folder does not exist. buildBook() itself reads only what it is given.
// Default output: build/book (student), build/book-lecturer.
// The CLI (npm run book) also writes the API reference into api/ (scripts/book/api.ts), linked from the index.
import * as fs from "fs";
import * as path from "path";
import { buildApi } from "./api";
import {
  SearchEntry,
  chapterList,
  downloadLink,
  notebookSummary,
  numberedTitle,
  readerHeader,
  searchEntries,
  writeReaderAssets,
} from "./bookReader";
import {
  Cell,
  PageRenderer,
  codeHtml,
  copyAsset,
  copySharedAssets,
  escapeHtml,
  hasTag,
  isChartHtml,
  outputHtml,
  readNotebook,
  root,
  text,
  vegaScripts,
} from "./notebookHtml";
import { lecturerOnly } from "../notebooks/notebookFile";

export type Edition = "student" | "lecturer";

export interface BookOptions {
  /** Executed chapter notebooks, in order. */
  notebooks: string[];
  out: string;
  edition?: Edition;
  /** Homework notebooks, in order ([] for none; the command line's default is homeworkFor(edition)). */
  homework: string[];
  /** Code cells longer than this are folded (0: never). */
  foldLines?: number;
  log?: (line: string) => void;
  /** Also write the API reference into api/ (scripts/book/api.ts) and link it from the index. */
  api?: boolean;
}

interface Page {
  file: string; // output file name, relative to the site
  title: string;
  summary: string;
  kind: "chapter" | "homework";
  source: string;
}

const COURSE = "Descent — neural networks from scratch";

/** README.md's notebook table: file name → one-line summary (markdown, at most about 200 characters). */
export function readmeSummaries(readme: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readme.split("\n")) {
    const m = /^\|\s*`([^`]+\.ipynb)`\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (m) out.set(m[1], shorten(m[2], 200));
  }
  return out;
}

/** `s` cut at the last ";" or "," before `max` characters (with "…"), if longer. */
export function shorten(s: string, max: number): string {
  if (s.length <= max) return s;
  // The last ";" or ", " outside parentheses and `code` (a comma inside "11,935" or "(1, 6, 3)" is no place to cut).
  let depth = 0,
    code = false,
    cut = -1;
  for (let i = 0; i < max; i++) {
    const c = s[i];
    if (c === "`") code = !code;
    else if (!code && c === "(") depth++;
    else if (!code && c === ")") depth = Math.max(0, depth - 1);
    else if (!code && depth === 0 && (c === ";" || (c === "," && s[i + 1] === " "))) cut = i;
  }
  return (cut > max / 2 ? s.slice(0, cut) : s.slice(0, s.lastIndexOf(" ", max))).trim() + " …";
}

/** The README's first paragraphs before the first "##" heading (what the course is for). */
function readmePurpose(readme: string): string {
  const body = readme.split(/\n## /)[0].split("\n").slice(1).join("\n").trim();
  return body;
}

/** The homework folder of an edition in the project `base`: the student versions or the masters. */
export function homeworkDir(edition: Edition, base = root): string {
  return edition === "lecturer"
    ? path.join(base, "notebooks", "homework-masters")
    : path.join(base, "build", "homework");
}

/** The homework notebooks in `dir` (by default the edition's folder), or [] (with the reason) when it is absent. */
export function homeworkFor(edition: Edition, log: (s: string) => void, dir = homeworkDir(edition)): string[] {
  if (!fs.existsSync(dir)) {
    const made = dir === homeworkDir("student") ? " (npm run release makes it)" : "";
    log(`[book] no homework in the ${edition} edition: ${path.relative(root, dir) || dir}/ does not exist${made}`);
    return [];
  }
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}

function pageTitle(cells: Cell[], fallback: string): string {
  for (const c of cells) {
    if (c.cell_type !== "markdown") continue;
    const m = /^#\s+(.+)$/m.exec(text(c.source));
    if (m) return m[1].trim();
  }
  return fallback;
}

/** Strips markdown to plain text for titles and summaries (`code`, **bold**, links). */
function plain(md: string): string {
  return md
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\*\*?([^*]+)\*\*?/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1");
}

const CSS_FILE = path.join(__dirname, "book.css");

function layout(o: {
  title: string;
  body: string;
  toc: string;
  nav: string;
  charts: boolean;
  home: boolean;
  chapters?: string;
}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/book.css">
<script src="assets/bookReader.js"></script>
<script src="assets/searchIndex.js" defer></script>
${o.charts ? vegaScripts("assets/") : ""}
</head>
<body>
${readerHeader(COURSE)}
<div class="page${o.toc || o.chapters ? " with-toc" : ""}">
${o.toc || o.chapters ? `<nav class="toc" aria-label="Contents"><details open><summary>Contents</summary>${o.chapters ?? ""}${o.toc}</details></nav>` : ""}
<main>
${o.nav}
${o.body}
${o.nav}
</main>
</div>
</body>
</html>
`;
}

function navHtml(prev: Page | null, next: Page | null): string {
  const p = prev
    ? `<a class="prev" rel="prev" href="${prev.file}">← ${escapeHtml(prev.title)}</a>`
    : `<a class="prev" href="index.html">← Contents</a>`;
  const n = next
    ? `<a class="next" rel="next" href="${next.file}">${escapeHtml(next.title)} →</a>`
    : `<a class="next" href="index.html">Contents →</a>`;
  return `<nav class="prevnext">${p}${n}</nav>`;
}

/** Builds the site; returns the pages written (index first) and any math errors. */
export function buildBook(options: BookOptions): { pages: string[]; mathErrors: string[] } {
  const log = options.log ?? ((s: string) => console.log(s));
  const edition = options.edition ?? "student";
  const foldLines = options.foldLines ?? 30;
  const out = options.out;
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const summaries = readmeSummaries(readme);
  const homework = options.homework;

  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  copySharedAssets(path.join(out, "assets"));
  copyAsset(CSS_FILE, path.join(out, "assets", "book.css"));

  const pages: Page[] = [];
  const seen = new Set<string>();
  const add = (source: string, kind: Page["kind"]) => {
    const base = path.basename(source, ".ipynb");
    const file = (kind === "homework" ? `homework-${base}` : base) + ".html";
    if (seen.has(file)) throw new Error(`${source}: two notebooks would both become ${file}`);
    seen.add(file);
    const nb = readNotebook(source);
    const title = plain(pageTitle(nb.cells, base));
    const summary = summaries.get(path.basename(source)) ?? (kind === "homework" ? notebookSummary(nb.cells) : "");
    pages.push({ file, title, summary, kind, source });
  };
  for (const nb of options.notebooks) add(nb, "chapter");
  for (const nb of homework) add(nb, "homework");

  const mathErrors: string[] = [];
  const search: SearchEntry[] = [];
  pages.forEach((page, i) => {
    const nb = readNotebook(page.source);
    const r = new PageRenderer(path.basename(page.source));
    const parts: string[] = [];
    let charts = false;
    for (const cell of nb.cells) {
      const src = text(cell.source);
      // Speaker notes (slide type "notes") and the answers to the questions for the room (tag "answer") are for the
      // lecturer: shown in the lecturer edition only.
      if (lecturerOnly(cell)) {
        if (edition === "lecturer")
          parts.push(
            `<aside class="cell md lecturer-notes${hasTag(cell, "answer") ? " answer" : ""}">${r.markdown(src)}</aside>`,
          );
        continue;
      }
      if (cell.cell_type === "markdown")
        parts.push(
          `<section class="cell md${hasTag(cell, "question") ? " question" : ""}">${r.markdown(src)}</section>`,
        );
      else if (cell.cell_type === "code") {
        if (!src.trim() && !(cell.outputs ?? []).length) continue;
        const outs = (cell.outputs ?? []).map((o) => outputHtml(o, r)).join("\n");
        if (
          /descent-chart|vegaEmbed/.test(outs) ||
          (cell.outputs ?? []).some((o) => isChartHtml(text(o.data?.["text/html"] as string | string[] | undefined)))
        )
          charts = true;
        parts.push(
          `<section class="cell code">${src.trim() ? codeHtml(src, foldLines) : ""}${outs ? `<div class="outputs">${outs}</div>` : ""}</section>`,
        );
      } else parts.push(`<pre class="cell raw">${escapeHtml(src)}</pre>`);
    }
    const toc = r.headings
      .filter((h) => h.depth >= 2 && h.depth <= 3)
      .map((h) => `<li class="d${h.depth}"><a href="#${h.id}">${h.html}</a></li>`)
      .join("");
    const nav = navHtml(pages[i - 1] ?? null, pages[i + 1] ?? null);
    const body = downloadLink(page.source, out) + parts.join("\n");
    search.push(...searchEntries(page.file, numberedTitle(page), r.finish(body)));
    const html = r.finish(
      layout({
        title: `${page.title} · Descent`,
        body,
        toc: toc ? `<ol>${toc}</ol>` : "",
        nav,
        charts,
        home: false,
        chapters: chapterList(pages, page),
      }),
    );
    fs.writeFileSync(path.join(out, page.file), html);
    mathErrors.push(...r.mathErrors);
  });

  if (options.api) buildApi(path.join(out, "api"));
  // The index.
  const idx = new PageRenderer("README.md");
  const item = (p: Page) =>
    `<li><a href="${p.file}">${escapeHtml(numberedTitle(p))}</a>${p.summary ? `<p class="summary">${idx.markdown(p.summary).replace(/^<p>|<\/p>\s*$/g, "")}</p>` : ""}</li>`;
  const chapters = pages.filter((p) => p.kind === "chapter");
  const hw = pages.filter((p) => p.kind === "homework");
  const body =
    `<h1>${escapeHtml(COURSE)}</h1>\n<div class="purpose">${idx.markdown(readmePurpose(readme))}</div>\n` +
    `<p class="edition">${edition === "lecturer" ? "Lecturer edition (homework with solutions)." : "Student edition."} Built from the executed notebooks; every chart keeps a static picture and becomes interactive where scripts run.</p>\n` +
    `<h2>Chapters</h2>\n<ol class="chapters">${chapters.map(item).join("\n")}</ol>\n` +
    (hw.length ? `<h2>Homework</h2>\n<ul class="chapters">${hw.map(item).join("\n")}</ul>\n` : "") +
    (options.api
      ? `<h2>Reference</h2>\n<p><a href="api/index.html">The API</a>: every function and class a notebook calls, with its doc comment.</p>\n`
      : "");
  const first = pages[0];
  const indexNav = first
    ? `<nav class="prevnext"><span></span><a class="next" rel="next" href="${first.file}">${escapeHtml(first.title)} →</a></nav>`
    : "";
  fs.writeFileSync(
    path.join(out, "index.html"),
    idx.finish(layout({ title: COURSE, body: body + indexNav, toc: "", nav: "", charts: false, home: true })),
  );
  writeReaderAssets(out, search);
  mathErrors.push(...idx.mathErrors);
  for (const e of mathErrors) log(`[book] math error: ${e}`);
  return { pages: ["index.html", ...pages.map((p) => p.file)], mathErrors };
}

function main(argv: string[]): void {
  let edition: Edition = "student";
  let input = path.join(root, "build", "notebooks");
  let out: string | null = null;
  let homeworkIn: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--edition") {
      const v = argv[++i];
      if (v !== "student" && v !== "lecturer")
        throw new Error(`--edition must be "student" or "lecturer", not ${JSON.stringify(v)}`);
      edition = v;
    } else if (a === "--in") input = path.resolve(argv[++i]);
    else if (a === "--out") out = path.resolve(argv[++i]);
    else if (a === "--homework") homeworkIn = path.resolve(argv[++i]);
    else if (a.startsWith("--"))
      throw new Error(
        `unknown option ${a} (options: --edition student|lecturer, --in DIR, --homework DIR, --out DIR, notebooks...)`,
      );
    else files.push(path.resolve(a));
  }
  if (!files.length) {
    if (!fs.existsSync(input))
      throw new Error(
        `${path.relative(root, input) || input}: no executed notebooks (npm run book executes them first)`,
      );
    files.push(
      ...fs
        .readdirSync(input)
        .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
        .sort()
        .map((f) => path.join(input, f)),
    );
  }
  const dest = out ?? path.join(root, "build", edition === "lecturer" ? "book-lecturer" : "book");
  const homework = homeworkFor(edition, (s) => console.log(s), homeworkIn);
  const r = buildBook({ notebooks: files, homework, out: dest, edition, api: true });
  console.log(`[book] ${edition} edition: ${r.pages.length} pages in ${path.relative(root, dest)}/index.html`);
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`[book] ${(e as Error).message}`);
    process.exit(1);
  }
}
