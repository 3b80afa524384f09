// The book's reader features, built side (issue 25, item 7): the header (search box, dark-mode switch),
// the chapter list beside each page, a download link for each page's notebook, consistent chapter
// numbers, homework summaries and the offline search index. The page side is readerScript.js.
import * as fs from "fs";
import * as path from "path";
import { Cell, copyAsset, escapeHtml, text } from "./notebookHtml";

interface ReaderPage {
  file: string;
  title: string;
  kind: "chapter" | "homework";
  source: string;
}

export interface SearchEntry {
  page: string;
  title: string;
  heading: string;
  id: string;
  text: string;
}

/** The site header: the course's name, a search box with its result list, the dark-mode switch. */
export function readerHeader(course: string): string {
  return (
    `<header class="site"><a class="brand" href="index.html">${escapeHtml(course)}</a>` +
    `<div class="search" role="search"><input type="search" placeholder="Search the book" aria-label="Search the book"><ol></ol></div>` +
    `<button type="button" class="theme-toggle" aria-label="switch between light and dark">◐ dark / light</button></header>`
  );
}

/** "NN · Title": the chapter number from the file name (NN-topic.ipynb), the title without a number of its own. */
export function numberedTitle(p: { title: string; source: string; kind: string }): string {
  const m = /^(\d\d)-/.exec(path.basename(p.source));
  if (!m || p.kind !== "chapter") return p.title;
  return `${m[1]} · ${p.title.replace(/^\s*(chapter\s+)?\d+\s*[·.:—–-]\s*/i, "")}`;
}

/** Every page of the book, the current one marked (beside the page's own contents). */
export function chapterList(pages: ReaderPage[], current: ReaderPage): string {
  const li = (p: ReaderPage) =>
    `<li><a href="${p.file}"${p === current ? ' aria-current="page"' : ""}>${escapeHtml(numberedTitle(p))}</a></li>`;
  return `<ol class="chapter-list">${pages.map(li).join("")}</ol>`;
}

/** A link to the page's notebook (outputs removed: the notebook to run), copied to notebooks/ in the site. */
export function downloadLink(source: string, out: string): string {
  const name = path.basename(source);
  const nb = JSON.parse(fs.readFileSync(source, "utf8")) as {
    cells: Array<{ cell_type: string; outputs?: unknown[]; execution_count?: unknown }>;
  };
  for (const c of nb.cells) if (c.cell_type === "code") Object.assign(c, { outputs: [], execution_count: null });
  fs.mkdirSync(path.join(out, "notebooks"), { recursive: true });
  fs.writeFileSync(path.join(out, "notebooks", name), JSON.stringify(nb, null, 1) + "\n");
  return `<a class="download" href="notebooks/${encodeURIComponent(name)}" download>⭳ Download this notebook (${escapeHtml(name)})</a>`;
}

/** A homework notebook's summary: the first paragraph after its title, as plain text, at most about 200 characters. */
export function notebookSummary(cells: Cell[]): string {
  for (const c of cells) {
    if (c.cell_type !== "markdown") continue;
    const para = text(c.source)
      .replace(/^#.*$/gm, "")
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .find((p) => p && !/^[-*|>]/.test(p));
    if (para) {
      const flat = para.replace(/\s+/g, " ");
      return flat.length <= 200 ? flat : flat.slice(0, flat.lastIndexOf(" ", 200)) + " …";
    }
  }
  return "";
}

/** The search entries of a page: one per section (h1–h3), with the section's text (tags and math markup removed). */
export function searchEntries(page: string, title: string, html: string): SearchEntry[] {
  const out: SearchEntry[] = [];
  const parts = html.split(/(<h[1-3][^>]*id="[^"]+"[^>]*>[\s\S]*?<\/h[1-3]>)/);
  let heading = "";
  let id = "";
  const plain = (h: string) =>
    h
      .replace(/<annotation[\s\S]*?<\/annotation>/g, "")
      .replace(/<span class="katex-html"[\s\S]*?<\/span><\/span><\/span>/g, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&[a-z#0-9]+;/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  for (const part of parts) {
    const h = /^<h[1-3][^>]*id="([^"]+)"[^>]*>([\s\S]*?)<\/h[1-3]>$/.exec(part);
    if (h) {
      id = h[1];
      heading = plain(h[2]).replace(/^#\s*/, "");
      continue;
    }
    const t = plain(part);
    if (t) out.push({ page, title, heading, id, text: t.slice(0, 3000) });
  }
  return out;
}

/** Writes assets/bookReader.js and assets/searchIndex.js (a script, so that search works for pages opened from disk too). */
export function writeReaderAssets(out: string, entries: SearchEntry[]): void {
  copyAsset(path.join(__dirname, "readerScript.js"), path.join(out, "assets", "bookReader.js"));
  fs.writeFileSync(
    path.join(out, "assets", "searchIndex.js"),
    `window.DESCENT_SEARCH = ${JSON.stringify(entries).replace(/</g, "\\u003c")};\n`,
  );
}
