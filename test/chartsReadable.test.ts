// Charts people can read (issue 25, item 4), in Chromium: on a phone (390 px) a chart keeps its size
// (tick text ≥ 11 px) and scrolls sideways instead of shrinking; a two-series line chart (04's accuracy
// and cross-entropy, 06's cost) shows a tooltip when the pointer is near a curve, not only on the 2-px
// line; accuracy reads in %; a log x axis ends near the data (18,000), not at 100,000.
// Book pages are built from chart bundles made here (as show() sends them). Screenshots: build/test-output/charts/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromiumMissing, guardedPage, launch, serve, testOutput } from "./support/site";
import { buildBook } from "../scripts/book/book";
import { chartBundle, lineChart } from "../src/plot/index";

const steps = Array.from({ length: 40 }, (_, i) => 450 * (i + 1)); // to 18,000
const accuracy = lineChart({
  title: "Accuracy during training",
  xTitle: "SGD step",
  yTitle: "accuracy",
  series: [
    { name: "train", x: steps, y: steps.map((s) => 0.92 - 0.27 * Math.exp(-s / 3000)) },
    { name: "test", x: steps, y: steps.map((s) => 0.91 - 0.26 * Math.exp(-s / 3000)) },
  ],
});
const logCurve = lineChart({
  title: "Test accuracy (log steps)",
  xTitle: "SGD step (log scale)",
  yTitle: "test accuracy",
  logX: true,
  points: true,
  series: [
    {
      name: "batch 10",
      x: [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 18000],
      y: [0.3, 0.5, 0.62, 0.75, 0.8, 0.84, 0.87, 0.89, 0.9, 0.91, 0.915, 0.92],
    },
  ],
});

interface ChartMeasure {
  state: string;
  minFontPx: number;
  scrolls: boolean;
  pageWide: number;
  yLabels: string[];
  xLabels: string[];
  width: number;
}
const MEASURE = (id: string) => `(() => {
  const el = document.getElementById(${JSON.stringify(id)});
  const svg = el.querySelector("svg");
  const k = svg ? svg.getBoundingClientRect().width / svg.width.baseVal.value : 0;
  const texts = svg ? Array.from(svg.querySelectorAll("text")) : [];
  const minFontPx = texts.length ? Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * k)) : 0;
  const labels = (axis) => Array.from(svg ? svg.querySelectorAll('[aria-label^="' + axis + '"] .role-axis-label text') : []).map((t) => t.textContent);
  return { state: el.dataset.state, minFontPx, scrolls: el.scrollWidth > el.clientWidth + 1, pageWide: document.documentElement.scrollWidth, yLabels: labels("Y-axis"), xLabels: labels("X-axis"), width: innerWidth };
})()`;

test(
  "charts in the book: readable on a phone (scroll, not shrink), tooltips near a curve, %, a log axis fitting the data",
  { skip: chromiumMissing, timeout: 300_000 },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-charts-"));
    const out = (id: string, spec: typeof accuracy) => ({
      output_type: "display_data",
      metadata: {},
      data: chartBundle(spec, { id, sharedVersion: "test" }),
    });
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "markdown", metadata: {}, source: "# Charts\n\nAccuracy in %." },
        {
          cell_type: "code",
          metadata: {},
          source: "d.show(accuracyChart);",
          execution_count: 1,
          outputs: [out("chart-accuracy", accuracy)],
        },
        {
          cell_type: "code",
          metadata: {},
          source: "d.show(logChart);",
          execution_count: 2,
          outputs: [out("chart-log", logCurve)],
        },
      ],
    };
    fs.writeFileSync(path.join(tmp, "charts.ipynb"), JSON.stringify(nb));
    buildBook({
      notebooks: [path.join(tmp, "charts.ipynb")],
      homework: [],
      out: path.join(tmp, "site"),
      log: () => {},
    });
    const server = await serve(path.join(tmp, "site"));
    const browser = await launch();
    const problems: string[] = [];
    try {
      for (const [label, viewport] of [
        ["phone", { width: 390, height: 844 }],
        ["laptop", { width: 1280, height: 900 }],
      ] as const) {
        const g = await guardedPage(browser, server.base + "/", viewport);
        await g.page.goto(`${server.base}/charts.html`);
        await g.page.waitForFunction(
          () =>
            Array.from(document.querySelectorAll(".descent-chart")).every(
              (c) => (c as HTMLElement).dataset.state === "interactive",
            ),
          undefined,
          { timeout: 30_000 },
        );
        const acc = (await g.page.evaluate(MEASURE("chart-accuracy"))) as ChartMeasure;
        const log = (await g.page.evaluate(MEASURE("chart-log"))) as ChartMeasure;
        console.log(
          `# ${label}: smallest chart text ${acc.minFontPx.toFixed(1)}px, scrolls sideways: ${acc.scrolls}; y labels ${acc.yLabels.join(" ")}; log x labels ${log.xLabels.join(" ")}`,
        );
        if (acc.minFontPx < 11) problems.push(`${label}: chart text at ${acc.minFontPx.toFixed(1)}px`);
        if (label === "phone" && acc.pageWide > acc.width + 1)
          problems.push(`phone: the page is ${acc.pageWide}px wide`);
        if (!acc.yLabels.length || !acc.yLabels.every((t) => /%$/.test(t)))
          problems.push(`${label}: accuracy axis not in % (${acc.yLabels.join(" ")})`);
        const xMax = Math.max(
          ...log.xLabels.map((t) => Number(t.replace(/[,\s]/g, "").replace(/k$/i, "000"))).filter(Number.isFinite),
        );
        if (!(xMax <= 20_000)) problems.push(`${label}: the log axis runs to ${xMax} for data ending at 18,000`);
        // the pointer in the plot area, near the curves but not on a 2-px line
        await g.page.locator("#chart-accuracy").scrollIntoViewIfNeeded();
        const r2 = await g.page.evaluate(() => {
          const r = document.querySelector("#chart-accuracy svg")!.getBoundingClientRect();
          return { x: r.x, y: r.y, w: r.width, h: r.height };
        });
        await g.page.mouse.move(r2.x + r2.w * 0.45, r2.y + r2.h * 0.3);
        await g.page.mouse.move(r2.x + r2.w * 0.5, r2.y + r2.h * 0.32);
        const tip = await g.page
          .waitForFunction(
            () => {
              const t = document.getElementById("vg-tooltip-element");
              return t && t.classList.contains("visible") ? t.innerText : null;
            },
            undefined,
            { timeout: 5_000 },
          )
          .then(
            (h) => h.jsonValue() as Promise<string>,
            () => null,
          );
        if (!tip || !/series/.test(tip) || !/%/.test(tip))
          problems.push(`${label}: no tooltip near the curves (got ${JSON.stringify(tip)}})`);
        await g.page.screenshot({ path: testOutput("charts", `book-${label}.png`) });
        if (g.consoleErrors.length) problems.push(`${label}: console errors: ${g.consoleErrors.join(" | ")}`);
        await g.page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    assert.deepEqual(problems, []);
  },
);
