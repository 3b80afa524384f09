// Wide text tables read as tables (issue 25, item 3): d.table (06's errata ledger, 04's, console.table's
// input) and d.compare send HTML tables in the display bundle with the aligned text kept for a terminal.
// A small notebook is run in the real kernel; its outputs are checked, then the book page and the deck
// built from it are opened in Chromium at 1280 px and on a phone (390 px): a table is a <table>, on the
// phone it scrolls sideways inside its box (the page does not), and no cell is broken character by
// character. Screenshots: build/test-output/tables/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runNotebooks } from "./support/notebooks";
import { chromiumMissing, guardedPage, launch, serve, testOutput } from "./support/site";
import { buildBook } from "../scripts/book/book";
import { buildSlides } from "../scripts/book/slides";
import { tableBundle } from "../src/plot/table";
import { tableOfRecords, tableText } from "../src/core/table";

test("tableOfRecords and the text form: columns in the order met, padded; the HTML escapes and right-aligns numbers", () => {
  const t = tableOfRecords([
    { formula: "a < b", n: 3 },
    { formula: "c", n: 12.5, extra: true },
  ]);
  assert.deepEqual(t, {
    columns: ["formula", "n", "extra"],
    rows: [
      ["a < b", "3", ""],
      ["c", "12.5", "true"],
    ],
  });
  assert.equal(tableText(t), "formula  n     extra\n-------  ----  -----\na < b    3\nc        12.5  true");
  const html = tableBundle(t)["text/html"];
  assert.match(html, /<td style="text-align:left">a &lt; b<\/td><td style="text-align:right">3<\/td>/);
  assert.throws(() => tableOfRecords("x" as never), /table: expected an array of objects/);
});

const LEDGER = [
  [
    "(1.11) the weight gradient ∂C/∂W = δ aᵀ, with the bias units folded into the weight matrix",
    "notes p. 7",
    "FAIL",
    "pass",
    "convention",
  ],
  [
    "(1.18) the output error δᴸ = (a − y) ⊙ σ′(z) for the cross-entropy cost with softmax outputs",
    "slides 14",
    "FAIL",
    "pass",
    "error",
  ],
  [
    "the cost averaged over the mini-batch, not summed, so that η does not depend on the batch size",
    "homework 3",
    "pass",
    "pass",
    "holds",
  ],
  ["784×15 hidden layer written 15×784 in the diagram of the network", "slides 9", "FAIL", "pass", "notation"],
];

interface TableMeasure {
  tables: number;
  broken: string[];
  boxes: { scrolls: boolean; right: number }[];
  pageWide: number;
  fontPx: number;
  width: number;
}
/** Measured in the page (a string: the test runner's compiler would add helpers the page does not have). */
const MEASURE_TABLES = `(() => {
  const deck = document.querySelector(".reveal");
  const visible = (e) => (deck ? !!e.closest("section.present") : true) && e.getBoundingClientRect().width > 0;
  const tables = Array.from(document.querySelectorAll(".descent-table table")).filter(visible);
  const cells = tables.flatMap((t) => Array.from(t.querySelectorAll("td, th")));
  const broken = cells.filter((c) => {
    const cs = getComputedStyle(c);
    const lh = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.2;
    const r = document.createRange();
    r.selectNodeContents(c);
    const lines = Math.round(r.getBoundingClientRect().height / lh);
    const words = (c.textContent || "").trim().split(/\\s+/).length;
    return lines > words || c.scrollWidth > c.clientWidth + 1;
  }).map((c) => (c.textContent || "").slice(0, 30));
  const boxes = tables.map((t) => t.parentElement).map((b) => ({ scrolls: b.scrollWidth > b.clientWidth + 1, right: b.getBoundingClientRect().right }));
  const fontPx = cells.length ? Math.min(...cells.map((c) => parseFloat(getComputedStyle(c).fontSize))) : 0;
  return { tables: tables.length, broken, boxes, pageWide: document.documentElement.scrollWidth, fontPx, width: window.innerWidth };
})()`;

test(
  "tables in the kernel's output, the book and the slides: HTML tables, readable on a phone",
  { skip: chromiumMissing, timeout: 600_000 },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-tables-"));
    const src = path.join(tmp, "tables.ipynb");
    const cell = (source: string, slide = "-") => ({
      cell_type: "code",
      metadata: { slideshow: { slide_type: slide } },
      source,
      outputs: [],
      execution_count: null,
    });
    const md = (source: string) => ({
      cell_type: "markdown",
      metadata: { slideshow: { slide_type: "slide" } },
      source,
    });
    fs.writeFileSync(
      src,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "descent", display_name: "Descent (TypeScript)", language: "typescript" } },
        cells: [
          md("# Tables"),
          cell('import * as d from "./src/index";'),
          md("## The errata ledger"),
          cell(
            `const ledger = ${JSON.stringify(LEDGER)}.map(([formula, source, asPrinted, corrected, cls]) => ({ formula, source, asPrinted, corrected, class: cls }));\nd.table(ledger);`,
          ),
          md("## A comparison"),
          cell(
            "const W = d.randn(3, 4, d.rng(1));\nd.compare({ 'the weight gradient of the hidden layer, ∂C/∂W¹': [W, W], 'the bias gradient of the output layer, ∂C/∂b²': [d.rowVector([1, 2]), d.rowVector([1, 2.5])] });",
          ),
        ],
      }),
    );
    const executed = path.join(tmp, "executed");
    const [run] = runNotebooks([src], { outDir: executed });
    assert.ok(run.ok, `${run.notebook}: ${run.failure}`);
    const nb = JSON.parse(fs.readFileSync(path.join(executed, "tables.ipynb"), "utf8")) as {
      cells: { outputs?: { output_type: string; data?: Record<string, string | string[]> }[] }[];
    };
    const join = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join("") : (v ?? ""));
    for (const k of [3, 5]) {
      const outs = nb.cells[k].outputs ?? [];
      const shown = outs.find((o) => o.output_type === "display_data" && o.data?.["text/html"]);
      assert.ok(
        shown,
        `cell ${k + 1}: no HTML table in the display bundle (outputs: ${outs.map((o) => o.output_type).join(", ")})`,
      );
      assert.match(join(shown.data!["text/html"]), /<table[\s\S]*<th[^>]*>[\s\S]*<td/);
      assert.match(
        join(shown.data!["text/plain"]),
        k === 3
          ? /^formula\s+source\s+asPrinted\s+corrected\s+class\n-+/
          : /^quantity\s+shape\s+verdict\s+max \|diff\|\s+tol\n-+/,
        "the text form is kept for a terminal",
      );
    }

    const site = path.join(tmp, "site");
    buildBook({
      notebooks: [path.join(executed, "tables.ipynb")],
      homework: [],
      out: path.join(site, "book"),
      log: () => {},
    });
    buildSlides([path.join(executed, "tables.ipynb")], path.join(site, "slides"), () => {});
    const server = await serve(site);
    const browser = await launch();
    const problems: string[] = [];
    try {
      const views = [
        { label: "book-laptop", url: "book/tables.html", viewport: { width: 1280, height: 900 } },
        { label: "book-phone", url: "book/tables.html", viewport: { width: 390, height: 844 } },
        { label: "slides", url: "slides/tables.html#/1", viewport: { width: 1280, height: 720 } },
        { label: "slides-compare", url: "slides/tables.html#/2", viewport: { width: 1280, height: 720 } },
      ];
      for (const v of views) {
        const g = await guardedPage(browser, server.base + "/", v.viewport);
        await g.page.goto(`${server.base}/${v.url}`);
        await g.page.waitForTimeout(600);
        const m = (await g.page.evaluate(MEASURE_TABLES)) as TableMeasure;
        console.log(
          `# ${v.label}: ${m.tables} tables, cells broken per character: ${m.broken.length}, boxes scrolling sideways: ${m.boxes.filter((b) => b.scrolls).length}, smallest text ${m.fontPx}px`,
        );
        const expected = v.label.startsWith("book") ? 2 : 1;
        if (m.tables !== expected) problems.push(`${v.label}: ${m.tables} HTML tables shown, expected ${expected}`);
        if (m.broken.length) problems.push(`${v.label}: cells broken character by character: ${m.broken.join(" | ")}`);
        if (v.label === "book-phone") {
          if (!m.boxes.some((b) => b.scrolls))
            problems.push(`${v.label}: the ledger does not scroll sideways inside its box`);
          if (m.pageWide > m.width + 1)
            problems.push(`${v.label}: the page is ${m.pageWide}px wide on a ${m.width}px screen`);
          if (m.fontPx < 12) problems.push(`${v.label}: table text at ${m.fontPx}px`);
        }
        if (v.label.startsWith("slides") && m.fontPx < 18)
          problems.push(`${v.label}: table text at ${m.fontPx}px on the projected slide`);
        await g.page.screenshot({ path: testOutput("tables", `${v.label}.png`), fullPage: v.label.startsWith("book") });
        if (g.consoleErrors.length) problems.push(`${v.label}: console errors: ${g.consoleErrors.join(" | ")}`);
        await g.page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    assert.deepEqual(problems, []);
  },
);
