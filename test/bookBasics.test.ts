// The book's basics (issue 25, item 7), in Chromium at laptop (1280 px) and phone (390 px) widths:
// offline search, dark mode (prefers-color-scheme and a switch), a copy button on code, a download link
// for each page's notebook, the chapter list beside the page with the current page marked and the
// section being read highlighted in the page's contents, chapter numbers "NN · " on the index however the
// notebooks number their titles, homework entries with their own summaries.
// Screenshots: build/test-output/book-basics/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromiumMissing, guardedPage, launch, serve, testOutput } from "./support/site";
import { buildBook } from "../scripts/book/book";
import { drawDigitHtml, MLP, rng } from "../src/index";

const md = (source: string) => ({ cell_type: "markdown", metadata: {}, source });
const code = (source: string, out: string) => ({
  cell_type: "code",
  metadata: {},
  source,
  execution_count: 1,
  outputs: [{ output_type: "stream", name: "stdout", text: out }],
});
const nb = (cells: unknown[]) => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
const filler = (k: number) =>
  Array.from(
    { length: 12 },
    (_, i) => `Paragraph ${i + 1} of section ${k}: words to read, so that the page is long enough to scroll.`,
  ).join("\n\n");

test(
  "the book's basics: search, dark mode, copy, download, chapter list, current section, numbering, homework summaries",
  { skip: chromiumMissing, timeout: 300_000 },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-book-basics-"));
    fs.writeFileSync(
      path.join(tmp, "00-intro.ipynb"),
      nb([
        md("# 0 · Intro\n\nThe tour."),
        md("## First steps\n\n" + filler(1)),
        code('const greeting = "hello";\nconsole.log(greeting);', "hello\n"),
        md("## The perceptron rule\n\nA zebrafish appears only here.\n\n" + filler(2)),
      ]),
    );
    fs.writeFileSync(
      path.join(tmp, "03-more.ipynb"),
      nb([md("# Chapter 3: More\n\nMore things."), md("## Softmax\n\n" + filler(3))]),
    );
    fs.writeFileSync(
      path.join(tmp, "hw1.ipynb"),
      nb([
        md(
          "# Homework 1\n\nTrain a perceptron on two classes of MNIST digits and explain its mistakes.\n\n## Exercise 1",
        ),
      ]),
    );
    // the draw-a-digit demo (an untrained network: only its previews before anything is drawn matter here)
    const net = new MLP({ sizes: [784, 10], activations: [], rng: rng(1) });
    fs.writeFileSync(
      path.join(tmp, "08-draw.ipynb"),
      nb([
        md("# Draw a digit"),
        {
          cell_type: "code",
          metadata: {},
          source: "d.drawDigit(net);",
          execution_count: 1,
          outputs: [
            {
              output_type: "display_data",
              metadata: {},
              data: { "text/html": drawDigitHtml(net, { id: "digit" }), "text/plain": "demo" },
            },
          ],
        },
      ]),
    );
    const site = path.join(tmp, "site");
    buildBook({
      notebooks: [path.join(tmp, "00-intro.ipynb"), path.join(tmp, "03-more.ipynb"), path.join(tmp, "08-draw.ipynb")],
      homework: [path.join(tmp, "hw1.ipynb")],
      out: site,
      log: () => {},
    });
    const server = await serve(site);
    const browser = await launch();
    const problems: string[] = [];
    try {
      for (const [label, viewport] of [
        ["laptop", { width: 1280, height: 800 }],
        ["phone", { width: 390, height: 844 }],
      ] as const) {
        const g = await guardedPage(browser, server.base + "/", viewport);
        await g.page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
        // index: numbering and homework summaries
        await g.page.goto(`${server.base}/index.html`);
        const entries = await g.page.$$eval("ol.chapters > li > a", (as) => as.map((a) => a.textContent ?? ""));
        if (entries.join("|") !== "00 · Intro|03 · More|08 · Draw a digit")
          problems.push(`${label}: index entries ${JSON.stringify(entries)}`);
        const hwSummary = await g.page
          .$eval("ul.chapters > li", (li) => li.querySelector(".summary")?.textContent ?? "")
          .catch(() => "");
        if (!/Train a perceptron on two classes/.test(hwSummary))
          problems.push(`${label}: the homework entry has no summary (${JSON.stringify(hwSummary)})`);
        // search (offline, from the index page)
        await g.page.fill(".search input", "zebrafish");
        const results = await g.page.$$eval(".search ol a", (as) =>
          as.map((a) => (a as HTMLAnchorElement).getAttribute("href")),
        );
        if (!results.includes("00-intro.html#the-perceptron-rule"))
          problems.push(`${label}: searching "zebrafish" found ${JSON.stringify(results)}`);
        if (label === "phone") await g.page.screenshot({ path: testOutput("book-basics", `search-${label}.png`) });
        await g.page.click(".search ol a");
        await g.page.waitForURL(/00-intro\.html#the-perceptron-rule/);
        // chapter list beside the page, current page marked; current section highlighted in the contents
        const current = await g.page
          .$eval('.toc .chapter-list a[aria-current="page"]', (a) => a.textContent)
          .catch(() => null);
        if (current !== "00 · Intro")
          problems.push(`${label}: chapter list marks ${JSON.stringify(current)} as the current page`);
        await g.page.waitForTimeout(200);
        const section = await g.page.$eval(".toc a.current", (a) => a.textContent).catch(() => null);
        if (section !== "The perceptron rule")
          problems.push(
            `${label}: the contents highlight ${JSON.stringify(section)} while reading "The perceptron rule"`,
          );
        if (label === "laptop") {
          const beside = await g.page.evaluate(() => {
            const t = document.querySelector(".toc")!.getBoundingClientRect(),
              m = document.querySelector("main")!.getBoundingClientRect();
            return t.right <= m.left + 1;
          });
          if (!beside) problems.push("laptop: the chapter list is not beside the page");
        }
        // download link
        const href = await g.page.$eval("a.download", (a) => a.getAttribute("href")).catch(() => null);
        const got = href ? await g.page.request.get(`${server.base}/${href}`) : null;
        const ipynb = got && got.ok() ? (JSON.parse(await got.text()) as { cells: unknown[] }) : null;
        if (!ipynb || ipynb.cells.length !== 4)
          problems.push(`${label}: the download link ${href} does not give the notebook`);
        // copy button
        await g.page.click(".cell.code button.copy");
        const copied = await g.page.evaluate(() => navigator.clipboard.readText()).catch((e) => `error ${e}`);
        if (copied !== 'const greeting = "hello";\nconsole.log(greeting);')
          problems.push(`${label}: copy gave ${JSON.stringify(copied)}`);
        // dark mode: from the system setting, and the switch
        const bg = () => g.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const light = await bg();
        await g.page.emulateMedia({ colorScheme: "dark" });
        const dark = await bg();
        await g.page.screenshot({ path: testOutput("book-basics", `dark-${label}.png`) });
        await g.page.click(".theme-toggle");
        const switched = await bg();
        if (light !== "rgb(255, 255, 255)" || dark === light || switched !== light)
          problems.push(`${label}: backgrounds light ${light}, dark ${dark}, after the switch ${switched}`);
        if (label === "phone") {
          const wide = await g.page.evaluate(() => document.documentElement.scrollWidth);
          if (wide > 391) problems.push(`phone: the page is ${wide}px wide`);
        }
        // the draw-a-digit previews are blank (white), not solid black, before anything is drawn
        await g.page.goto(`${server.base}/08-draw.html`);
        await g.page.waitForSelector('#digit[data-state="ready"]');
        const previews = await g.page.$$eval("#digit .dd-steps canvas", (cs) =>
          cs.map((c) => {
            const x = (c as HTMLCanvasElement)
              .getContext("2d")!
              .getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
            let s = 0;
            for (let i = 0; i < x.length; i += 4) s += x[i];
            return s / (x.length / 4);
          }),
        );
        if (!previews.length || previews.some((v) => v < 250))
          problems.push(
            `${label}: draw-a-digit previews before drawing have mean grey ${previews.map((v) => v.toFixed(0)).join(", ")} (255 = white)`,
          );
        if (label === "phone") await g.page.screenshot({ path: testOutput("book-basics", `digit-${label}.png`) });
        if (g.consoleErrors.length) problems.push(`${label}: console errors: ${g.consoleErrors.join(" | ")}`);
        if (g.outside.length) problems.push(`${label}: requests outside the site: ${g.outside.join(", ")}`);
        await g.page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    assert.deepEqual(problems, []);
  },
);
