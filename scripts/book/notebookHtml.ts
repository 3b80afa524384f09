// Executed notebook (.ipynb JSON) → HTML fragments, shared by the book (scripts/book/book.ts) and the slides
// (scripts/book/slides.ts). Math is typeset at build time with KaTeX (no script needed to read it); charts keep
// their static SVG and are upgraded by vega-embed from shared library files (never inlined per page).
import * as fs from "fs";
import * as path from "path";
import { readNotebookJson, text } from "../notebooks/notebookFile";
import katex from "katex";
// marked is an ES module; Node ≥ 20.19 loads it with require().
import { Marked, type Tokens } from "marked";

export const root = path.resolve(__dirname, "..", "..");

export interface Cell {
  cell_type: "markdown" | "code" | "raw";
  source: string | string[];
  metadata?: { slideshow?: { slide_type?: string }; [k: string]: unknown };
  outputs?: Output[];
}
/** Whether a cell carries a Jupyter tag (metadata.tags), e.g. "question" or "answer" (the questions for the room). */
export function hasTag(cell: Cell, tag: string): boolean {
  const tags = cell.metadata?.tags;
  return Array.isArray(tags) && tags.includes(tag);
}
export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  name?: string;
  text?: string | string[];
  data?: { [mime: string]: unknown };
  metadata?: { [key: string]: unknown };
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
export interface Notebook {
  cells: Cell[];
  metadata: { [k: string]: unknown };
}

export function readNotebook(file: string): Notebook {
  return readNotebookJson<Notebook>(file);
}

export { text };

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// eslint-disable-next-line no-control-regex -- an ANSI escape sequence starts with ESC (\x1b)
const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

/** Slug for a heading id: lower case, letters/digits joined by "-". */
export function slug(s: string, used: Set<string>): string {
  const base =
    s
      .toLowerCase()
      .replace(/<[^>]*>/g, "")
      .replace(/&[a-z]+;/g, "")
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "") || "section";
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}

export interface Heading {
  depth: number;
  id: string;
  html: string;
}

/**
 * Renders the markdown and math of one page. Math ($…$, $$…$$) is cut out before markdown sees it
 * (so `_` and `*` inside formulas stay math), typeset by KaTeX, and put back at the end.
 */
export class PageRenderer {
  headings: Heading[] = [];
  mathErrors: string[] = [];
  private math: string[] = [];
  private ids = new Set<string>();
  private marked: Marked;

  constructor(readonly label: string) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const page = this;
    this.marked = new Marked({
      gfm: true,
      renderer: {
        heading(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, token: Tokens.Heading): string {
          const html = this.parser.parseInline(token.tokens);
          const id = slug(page.finish(html).replace(/<[^>]*>/g, ""), page.ids);
          page.headings.push({ depth: token.depth, id, html });
          return `<h${token.depth} id="${id}"><a class="anchor" href="#${id}" aria-hidden="true">#</a>${html}</h${token.depth}>\n`;
        },
      },
    });
  }

  private typeset(tex: string, display: boolean): string {
    const n = this.math.length;
    try {
      this.math.push(
        katex.renderToString(tex, {
          displayMode: display,
          throwOnError: true,
          output: "htmlAndMathml",
          strict: "ignore",
        }),
      );
    } catch (e) {
      this.mathErrors.push(
        `${this.label}: ${(e as Error).message} in ${display ? "$$" : "$"}${tex}${display ? "$$" : "$"}`,
      );
      this.math.push(`<code class="math-error" title="${escapeHtml((e as Error).message)}">${escapeHtml(tex)}</code>`);
    }
    return `MATHxx${n}xxMATH`;
  }

  /** Markdown source → HTML (with math placeholders; `finish` fills them). */
  markdown(src: string): string {
    // Split off code (fenced blocks and inline spans) so dollar signs in code stay literal.
    const parts = src.split(/(```[\s\S]*?```|`[^`\n]*`)/g);
    const withMath = parts
      .map((part, i) => {
        if (i % 2 === 1) return part;
        return part
          .replace(/\$\$([\s\S]+?)\$\$/g, (_, tex: string) => `\n\n${this.typeset(tex.trim(), true)}\n\n`)
          .replace(/\\\[([\s\S]+?)\\\]/g, (_, tex: string) => `\n\n${this.typeset(tex.trim(), true)}\n\n`)
          .replace(
            /(^|[^\\$])\$(?!\s)((?:\\\$|[^$\n])+?)\$(?!\d)/g,
            (_, pre: string, tex: string) => pre + this.typeset(tex, false),
          )
          .replace(/\\\(([\s\S]+?)\\\)/g, (_, tex: string) => this.typeset(tex, false));
      })
      .join("");
    const html = this.marked.parse(withMath, { async: false }) as string;
    return html.replace(/<p>\s*(MATHxx\d+xxMATH)\s*<\/p>/g, '<div class="math-display">$1</div>');
  }

  /** Puts the typeset math into `html`. */
  finish(html: string): string {
    return html.replace(/MATHxx(\d+)xxMATH/g, (_, n: string) => this.math[Number(n)] ?? "");
  }
}

const KEYWORDS =
  "abstract|as|async|await|break|case|catch|class|const|continue|default|delete|do|else|enum|export|extends|false|finally|for|from|function|if|implements|import|in|instanceof|interface|let|new|null|of|private|protected|public|readonly|return|static|super|switch|this|throw|true|try|type|typeof|undefined|var|void|while|yield";
const TOKEN = new RegExp(
  String.raw`(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\x60(?:\\.|[^\x60\\])*\x60)|\b(${KEYWORDS})\b|\b(\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?)\b`,
  "g",
);

/** TypeScript source → HTML with spans for comments, strings, keywords and numbers. */
export function highlight(code: string): string {
  let out = "";
  let last = 0;
  for (const m of code.matchAll(TOKEN)) {
    const i = m.index ?? 0;
    out += escapeHtml(code.slice(last, i));
    const cls = m[1] ? "c" : m[2] ? "s" : m[3] ? "k" : "n";
    out += `<span class="${cls}">${escapeHtml(m[0])}</span>`;
    last = i + m[0].length;
  }
  return out + escapeHtml(code.slice(last));
}

/** True if an HTML output uses the vega libraries (a Descent chart). */
export const isChartHtml = (html: string): boolean => /descent-chart|vegaEmbed/.test(html);

/**
 * An HTML output made for the notebook, made fit for a static page: the chart libraries that the
 * notebook output brings (inlined, or loaded from the Jupyter server's /nbextensions/) are removed;
 * the page loads the shared copies instead.
 */
export function siteHtml(html: string): string {
  return html.replace(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi, (whole, attrs: string, body: string) => {
    if (/nbextensions/.test(attrs)) return "";
    if (/__descentVega\b/.test(body) || (body.length > 100_000 && /vega/.test(body))) return ""; // the inlined libraries (not a chart's own script, which may test __descentVegaLoading)
    if (/nbextensions\/descent/.test(body) && !/vegaEmbed\(/.test(body)) return ""; // a loader of the notebook server's copies
    return whole;
  });
}

/** One output → HTML. */
export function outputHtml(o: Output, page: PageRenderer): string {
  if (o.output_type === "stream") {
    const cls = o.name === "stderr" ? "out stream stderr" : "out stream";
    return `<pre class="${cls}">${escapeHtml(stripAnsi(text(o.text)))}</pre>`;
  }
  if (o.output_type === "error") {
    const tb = (o.traceback ?? []).map(stripAnsi).join("\n") || `${o.ename}: ${o.evalue}`;
    return `<pre class="out error">${escapeHtml(tb)}</pre>`;
  }
  const d = o.data ?? {};
  const str = (m: string): string => text(d[m] as string | string[]);
  if (d["text/html"] !== undefined) return `<div class="out html">${siteHtml(str("text/html"))}</div>`;
  if (d["image/svg+xml"] !== undefined) {
    const svg = str("image/svg+xml");
    return `<div class="out image"><img alt="chart" src="data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}"></div>`;
  }
  if (d["image/png"] !== undefined)
    return `<div class="out image"><img alt="image" src="data:image/png;base64,${str("image/png").replace(/\s/g, "")}"></div>`;
  if (d["image/jpeg"] !== undefined)
    return `<div class="out image"><img alt="image" src="data:image/jpeg;base64,${str("image/jpeg").replace(/\s/g, "")}"></div>`;
  if (d["text/markdown"] !== undefined) return `<div class="out markdown">${page.markdown(str("text/markdown"))}</div>`;
  if (d["text/latex"] !== undefined) return `<div class="out markdown">${page.markdown(str("text/latex"))}</div>`;
  if (d["text/plain"] !== undefined) return `<pre class="out text">${escapeHtml(stripAnsi(str("text/plain")))}</pre>`;
  return "";
}

/** Code cell → HTML; cells longer than `foldLines` lines are folded in a <details>. */
export function codeHtml(src: string, foldLines: number): string {
  const pre = `<pre class="code"><code>${highlight(src)}</code></pre>`;
  const lines = src.split("\n").length;
  if (foldLines > 0 && lines > foldLines) {
    const first = src.split("\n").find((l) => l.trim()) ?? "";
    return `<details class="fold"><summary>${lines} lines of code: <code>${escapeHtml(first.trim().slice(0, 70))}</code></summary>${pre}</details>`;
  }
  return pre;
}

/** The shared library files a site with charts needs, relative to node_modules. */
export const VEGA_FILES: Array<[string, string]> = [
  ["vega/build/vega.min.js", "vega.min.js"],
  ["vega-lite/build/vega-lite.min.js", "vega-lite.min.js"],
  ["vega-embed/build/vega-embed.min.js", "vega-embed.min.js"],
];

/** Copies a file, removing the source-map comment (the map is not shipped). */
export function copyAsset(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (/\.(js|css)$/.test(from)) {
    fs.writeFileSync(to, fs.readFileSync(from, "utf8").replace(/\/[/*]# sourceMappingURL=\S*( \*\/)?/g, ""));
  } else fs.copyFileSync(from, to);
}

/** Copies KaTeX's CSS and fonts and the vega libraries into `dir` (assets/katex, assets/vega). */
export function copySharedAssets(dir: string): void {
  const nm = path.join(root, "node_modules");
  copyAsset(path.join(nm, "katex/dist/katex.min.css"), path.join(dir, "katex", "katex.min.css"));
  for (const f of fs.readdirSync(path.join(nm, "katex/dist/fonts"))) {
    if (f.endsWith(".woff2")) copyAsset(path.join(nm, "katex/dist/fonts", f), path.join(dir, "katex", "fonts", f));
  }
  for (const [from, to] of VEGA_FILES) copyAsset(path.join(nm, from), path.join(dir, "vega", to));
}

/** <script> tags that load the shared vega libraries (relative `prefix`), then announce them to the charts. */
export function vegaScripts(prefix: string): string {
  return (
    VEGA_FILES.map(([, f]) => `<script src="${prefix}vega/${f}"></script>`).join("\n") +
    `\n<script>window.dispatchEvent(new Event("descent-vega-ready"));document.addEventListener("DOMContentLoaded",function(){window.dispatchEvent(new Event("descent-vega-ready"));});</script>`
  );
}
