// The book (scripts/book/book.ts): built from two small executed notebooks (the charts test notebook and
// the tour), copied to another folder, opened in headless Chromium over a local HTTP server and over
// file://, with every request outside the site blocked. Screenshots: build/test-output/book/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { courseNotebooks, root, runNotebooks } from "./support/notebooks";
import { chromiumMissing, filesUnder, guardedPage, launch, machinePaths, serve, testOutput } from "./support/site";
import { buildBook, homeworkDir, homeworkFor, readmeSummaries } from "../scripts/book/book";
import { PageRenderer, highlight, siteHtml } from "../scripts/book/notebookHtml";
import { leakCandidates, listMasters, readNotebook, releaseAll } from "../scripts/homework/notebook";

test("markdown with math: formulas typeset by KaTeX, markdown inside formulas left alone, code keeps its dollars", () => {
  const r = new PageRenderer("t");
  const html = r.finish(
    r.markdown("## Cost C\n\nWith $w_1 * x_1$ and\n\n$$\\sum_{i=1}^n a_i$$\n\nand `cost = $x` in code."),
  );
  assert.match(html, /<h2 id="cost-c">/);
  assert.equal((html.match(/class="katex"/g) ?? []).length, 2, html);
  assert.match(html, /class="katex-display"/);
  assert.match(html, /<code>cost = \$x<\/code>/);
  assert.doesNotMatch(html, /<em>/);
  const bad = new PageRenderer("bad.ipynb");
  bad.finish(bad.markdown("$\\frac{1}{$"));
  assert.equal(bad.mathErrors.length, 1);
  assert.match(bad.mathErrors[0], /bad\.ipynb/);
});

test("code highlighting escapes HTML; chart outputs lose their inlined and /nbextensions/ libraries", () => {
  assert.equal(
    highlight('const a = "<b>"; // x'),
    '<span class="k">const</span> a = <span class="s">&quot;&lt;b&gt;&quot;</span>; <span class="c">// x</span>',
  );
  const html = `<div class="descent-chart"><script>(function(){var w=window;w.__descentVega="v"})()</script><script src="/nbextensions/descent/vega.min.js"></script><img src="data:,"><script>upgrade()</script></div>`;
  assert.equal(siteHtml(html), `<div class="descent-chart"><img src="data:,"><script>upgrade()</script></div>`);
  // a chart's own script that loads the notebook server's shared copy (and draws) is kept
  const shared = `<script>(function(){if(!w.__descentVegaLoading){/* load nbextensions/descent/vega-libs.js */}w.vegaEmbed(t,spec)})()</script>`;
  assert.equal(siteHtml(shared), shared);
});

test("editions: homework pages when their notebooks exist, a note (and no homework) when the folder is missing", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-book-editions-"));
  const nb = (title: string) =>
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: "markdown", metadata: {}, source: `# ${title}\n\n$a^2$` }],
    });
  fs.writeFileSync(path.join(tmp, "01-x.ipynb"), nb("Chapter X"));
  fs.writeFileSync(path.join(tmp, "hw1.ipynb"), nb("Homework 1 (masters)"));
  const r = buildBook({
    notebooks: [path.join(tmp, "01-x.ipynb")],
    homework: [path.join(tmp, "hw1.ipynb")],
    edition: "lecturer",
    out: path.join(tmp, "site"),
    log: () => {},
  });
  assert.deepEqual(r.pages, ["index.html", "01-x.html", "homework-hw1.html"]);
  const index = fs.readFileSync(path.join(tmp, "site", "index.html"), "utf8");
  assert.match(index, /<h2>Homework<\/h2>[\s\S]*homework-hw1\.html[\s\S]*Homework 1 \(masters\)/);
  assert.match(index, /Lecturer edition/);
  assert.match(fs.readFileSync(path.join(tmp, "site", "01-x.html"), "utf8"), /rel="next" href="homework-hw1.html"/);
  // The command line's default folders, in a project of its own (not this clone's build/, which
  // `npm start` or `npm run release` may have filled): masters present, no released student versions.
  const project = path.join(tmp, "project");
  fs.mkdirSync(homeworkDir("lecturer", project), { recursive: true });
  fs.copyFileSync(path.join(tmp, "hw1.ipynb"), path.join(homeworkDir("lecturer", project), "hw1.ipynb"));
  fs.writeFileSync(path.join(homeworkDir("lecturer", project), "notes.txt"), "not a notebook");
  const logs: string[] = [];
  assert.deepEqual(
    homeworkFor("lecturer", (s) => logs.push(s), homeworkDir("lecturer", project)),
    [path.join(homeworkDir("lecturer", project), "hw1.ipynb")],
  );
  assert.equal(logs.length, 0, logs.join("\n"));
  assert.deepEqual(
    homeworkFor("student", (s) => logs.push(s), homeworkDir("student", project)),
    [],
  );
  assert.equal(logs.length, 1);
  assert.match(logs[0], /no homework in the student edition: .*build\/homework\/ does not exist/);
});

test("editions with the real homework: the student edition shows no solution or hidden-test line, the lecturer edition does", () => {
  const masters = listMasters();
  assert.ok(masters.length >= 7, `homework masters in notebooks/homework-masters/: ${masters.length}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-book-homework-"));
  const released = releaseAll(masters, path.join(tmp, "released"));
  /** A page's text as a reader sees it: tags (the code colouring's spans) removed, entities decoded. */
  const pageText = (file: string) =>
    fs
      .readFileSync(file, "utf8")
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&#0?39;/g, "'")
      .replace(/&amp;/g, "&");
  const student = buildBook({
    notebooks: [],
    homework: released,
    edition: "student",
    out: path.join(tmp, "student"),
    log: () => {},
  });
  const lecturer = buildBook({
    notebooks: [],
    homework: masters,
    edition: "lecturer",
    out: path.join(tmp, "lecturer"),
    log: () => {},
  });
  assert.equal(student.pages.length, masters.length + 1);
  let shownToLecturer = 0;
  masters.forEach((m, i) => {
    // (a line the task's prose also shows, as inline code, is no secret: markdown drops the backticks)
    const prose = readNotebook(released[i])
      .cells.map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source).replace(/`/g, ""))
      .join("\n");
    const secret = leakCandidates(readNotebook(m)).filter((line) => !prose.includes(line));
    assert.ok(secret.length > 5, `${m}: ${secret.length} secret lines`);
    const page = (dir: string, pages: string[]) => path.join(tmp, dir, pages[i + 1]);
    const studentText = pageText(page("student", student.pages));
    for (const line of secret)
      assert.ok(
        !studentText.includes(line),
        `student edition, ${student.pages[i + 1]}: shows the secret line ${JSON.stringify(line)}`,
      );
    assert.match(studentText, /throw new hw\.NotDoneYet\(\)/);
    const lecturerText = pageText(page("lecturer", lecturer.pages));
    shownToLecturer += secret.filter((line) => lecturerText.includes(line)).length;
  });
  // the search above can find what it looks for: the lecturer edition shows the solutions
  assert.ok(shownToLecturer > 100, `secret lines found in the lecturer edition: ${shownToLecturer}`);
});

test("editions: a chapter's speaker notes appear in the lecturer edition only", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-book-notes-"));
  const f = path.join(tmp, "01-x.ipynb");
  const md = (source: string, t?: string) => ({
    cell_type: "markdown",
    metadata: t ? { slideshow: { slide_type: t } } : {},
    source,
  });
  fs.writeFileSync(
    f,
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        md("# Chapter", "slide"),
        md("**For the lecturer** ask the room a question", "notes"),
        md("Prose for everyone."),
      ],
    }),
  );
  const page = (edition: "student" | "lecturer") => {
    const r = buildBook({ notebooks: [f], homework: [], edition, out: path.join(tmp, edition), log: () => {} });
    return fs.readFileSync(path.join(tmp, edition, r.pages[1]), "utf8");
  };
  const student = page("student"),
    lecturer = page("lecturer");
  assert.match(student, /Prose for everyone/);
  assert.doesNotMatch(student, /ask the room/);
  assert.match(
    lecturer,
    /<aside class="cell md lecturer-notes"><p><strong>For the lecturer<\/strong> ask the room a question/,
  );
  // and every chapter notebook carries speaker notes for its deck
  for (const nb of fs.readdirSync(path.join(root, "notebooks")).filter((n) => /^\d\d-.*\.ipynb$/.test(n))) {
    const cells = readNotebook(path.join(root, "notebooks", nb)).cells as Array<{
      metadata?: { slideshow?: { slide_type?: string } };
    }>;
    assert.ok(
      cells.some((c) => c.metadata?.slideshow?.slide_type === "notes"),
      `${nb}: no speaker notes`,
    );
  }
});

test("README's notebook table gives every chapter a one-line summary", () => {
  const s = readmeSummaries(fs.readFileSync(path.join(root, "README.md"), "utf8"));
  for (const f of courseNotebooks().map((f) => path.basename(f))) {
    assert.ok(s.get(f), `README.md's notebook table has no row for ${f}`);
  }
});

test(
  "the book: a static site that works from another folder, over HTTP and file://, offline",
  { skip: chromiumMissing, timeout: 400_000 },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-book-"));
    const executed = path.join(tmp, "executed");
    const results = runNotebooks(["test/notebooks/charts.ipynb", "notebooks/00-tour.ipynb"], { outDir: executed });
    for (const r of results) assert.ok(r.ok, r.failure ?? "");
    const built = path.join(tmp, "built");
    const logs: string[] = [];
    const { pages, mathErrors } = buildBook({
      notebooks: [path.join(executed, "00-tour.ipynb"), path.join(executed, "charts.ipynb")],
      homework: [],
      out: built,
      log: (s) => logs.push(s),
    });
    assert.deepEqual(mathErrors, []);
    assert.deepEqual(pages, ["index.html", "00-tour.html", "charts.html"]);
    // Somewhere else entirely: the site must not point back at the build folder or this machine.
    const site = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "descent-book-copy-")), "site");
    fs.cpSync(built, site, { recursive: true });
    fs.rmSync(built, { recursive: true });
    assert.deepEqual(machinePaths(site, [root, tmp]), [], "machine paths in the site");
    const files = filesUnder(site);
    assert.ok(
      files.includes("assets/vega/vega.min.js") && files.includes("assets/katex/katex.min.css"),
      files.join(", "),
    );
    for (const f of files.filter((f) => f.endsWith(".html"))) {
      const s = fs.readFileSync(path.join(site, f), "utf8");
      assert.doesNotMatch(s, /__descentVega\b/, `${f} inlines the chart libraries`);
      assert.doesNotMatch(s, /In&nbsp;\[|In \[ *\d* *\]:/, `${f} shows execution prompts`);
      assert.ok(s.length < 2_000_000, `${f} weighs ${s.length} bytes`);
    }
    const index = fs.readFileSync(path.join(site, "index.html"), "utf8");
    assert.match(index, /how the course works/, "the tour's one-line summary from README.md");

    const server = await serve(site);
    const browser = await launch();
    const shots: string[] = [];
    try {
      for (const [label, base, viewport] of [
        ["http", server.base + "/", { width: 1280, height: 900 }],
        ["file", "file://" + site + "/", { width: 390, height: 844 }],
      ] as const) {
        const g = await guardedPage(browser, base, viewport);
        const { page } = g;
        await page.goto(base + "index.html");
        assert.match(await page.locator("h1").first().innerText(), /Descent/);
        assert.equal(await page.locator("ol.chapters > li").count(), 2);
        if (label === "http") shots.push(testOutput("book", "index.png"));
        if (label === "http") await page.screenshot({ path: shots[shots.length - 1], fullPage: true });
        await page.locator("a.next").first().click();
        await page.waitForURL(/00-tour\.html$/);
        // Math typeset at build time, its fonts served from the site.
        assert.ok((await page.locator(".katex").count()) > 3, `${label}: no KaTeX math on the tour page`);
        await page.evaluate(() => document.fonts.ready);
        const fontsOk = await page.evaluate(() => document.fonts.check("16px KaTeX_Main"));
        assert.ok(fontsOk, `${label}: KaTeX fonts not loaded`);
        // Contents and prompts.
        assert.ok((await page.locator("nav.toc a").count()) >= 2, `${label}: no table of contents`);
        // Charts drawn by vega-embed from the shared libraries.
        await page.waitForFunction(
          () => document.querySelectorAll('.descent-chart[data-state="interactive"] .descent-vega svg').length > 0,
          null,
          { timeout: 30_000 },
        );
        if (label === "http") {
          shots.push(testOutput("book", "chapter-00-tour.png"));
          await page.screenshot({ path: shots[shots.length - 1], fullPage: false });
        } else {
          shots.push(testOutput("book", "chapter-00-tour-phone.png"));
          await page.screenshot({ path: shots[shots.length - 1], fullPage: false });
        }
        await page.locator("a.next").first().click();
        await page.waitForURL(/charts\.html$/);
        await page.waitForFunction(
          () => {
            // Every chart with an upgrade script (a finished live view has none) becomes interactive.
            const all = Array.from(document.querySelectorAll(".descent-chart")).filter((e) =>
              e.querySelector("script"),
            );
            return all.length >= 5 && all.every((e) => e.getAttribute("data-state") === "interactive");
          },
          null,
          { timeout: 30_000 },
        );
        assert.ok(
          (await page
            .locator(
              ".descent-chart .descent-vega svg .mark-rect, .descent-chart .descent-vega svg .mark-line, .descent-chart .descent-vega svg .mark-symbol",
            )
            .count()) > 0,
        );
        await page.locator("a.prev").first().click();
        await page.waitForURL(/00-tour\.html$/);
        assert.deepEqual(g.outside, [], `${label}: requests outside the site`);
        assert.deepEqual(g.consoleErrors, [], `${label}: console errors`);
        await page.context().close();
      }
      // Without scripts the charts are still there as pictures.
      const ctx = await browser.newContext({ javaScriptEnabled: false });
      const p = await ctx.newPage();
      await p.goto(server.base + "/charts.html");
      assert.ok((await p.locator(".descent-chart img.descent-static").count()) > 0);
      assert.ok(
        await p
          .locator(".descent-chart img.descent-static")
          .first()
          .evaluate((img) => (img as HTMLImageElement).naturalWidth > 0),
      );
      await ctx.close();
    } finally {
      await browser.close();
      await server.close();
    }
    for (const s of shots) assert.ok(fs.statSync(s).size > 5000, s);
    console.log(`# screenshots: ${shots.map((s) => path.relative(root, s)).join(", ")}`);
  },
);
