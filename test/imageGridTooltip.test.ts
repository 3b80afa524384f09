// The digit grid's tooltip (issue 25, item 4), in Chromium: hovering a digit shows which image it is,
// its caption and the details the notebook gives (label, prediction, probability, index in the data
// set), for THAT digit, and the tooltip sits beside the digit, never over it; in the book (a laptop)
// and on a slide at 1280×720 (where charts are enlarged). Screenshots: build/test-output/digit-tooltip/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chromiumMissing, guardedPage, launch, serve, testOutput } from "./support/site";
import { buildBook } from "../scripts/book/book";
import { buildSlides } from "../scripts/book/slides";
import { chartBundle, imageGrid } from "../src/plot/index";

const n = 20;
/** Image i: a filled square whose position depends on i (so each image is a different picture). */
const images = Array.from({ length: n }, (_, i) => {
  const img = new Float32Array(784);
  for (let r = 6; r < 22; r++) for (let c = 6; c < 22; c++) img[r * 28 + c] = (r + c + i) % 3 ? 1 : 0.4;
  return img;
});
const details = Array.from({ length: n }, (_, i) => ({
  label: i % 10,
  predicted: (i + 3) % 10,
  probability: (0.5 + i / 50).toFixed(2),
  "test image": 1000 + 7 * i,
}));
const spec = imageGrid({
  images,
  captions: details.map((d) => `→${d.predicted} ${d.probability}`),
  details,
  columns: 10,
  size: 56,
  title: "Mistakes",
});

test("imageGrid: details must name the same fields for every image", () => {
  assert.throws(() => imageGrid({ images, details: details.slice(1) }), /20 images but 19 details/);
  const bad = details.map((d, i) => (i === 4 ? { label: 1 } : d));
  assert.throws(() => imageGrid({ images, details: bad }), /details\[4\] has fields label; details\[0\] has label/);
  const nan = details.map((d, i) => (i === 2 ? { ...d, label: NaN } : d));
  assert.throws(() => imageGrid({ images, details: nan }), /details\[2\]\.label is NaN/);
});

interface Hover {
  tip: string | null;
  overlap: number;
  image: { x: number; y: number; w: number; h: number };
}

test(
  "digit grid tooltip: the hovered digit's number, caption and details, beside the digit (book and slide)",
  { skip: chromiumMissing, timeout: 300_000 },
  async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-digit-tip-"));
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "markdown", metadata: {}, source: "# Digits\n\nThe most confident mistakes." },
        {
          cell_type: "code",
          metadata: {},
          source: "d.show(grid);",
          execution_count: 1,
          outputs: [
            { output_type: "display_data", metadata: {}, data: chartBundle(spec, { id: "grid", sharedVersion: "t" }) },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(tmp, "digits.ipynb"), JSON.stringify(nb));
    buildBook({
      notebooks: [path.join(tmp, "digits.ipynb")],
      homework: [],
      out: path.join(tmp, "site"),
      log: () => {},
    });
    buildSlides([path.join(tmp, "digits.ipynb")], path.join(tmp, "site", "slides"), () => {});
    const server = await serve(path.join(tmp, "site"));
    const browser = await launch();
    const problems: string[] = [];
    try {
      for (const [where, url, viewport] of [
        ["book", "digits.html", { width: 1280, height: 900 }],
        ["slide", "slides/digits.html", { width: 1280, height: 720 }],
      ] as const) {
        const g = await guardedPage(browser, server.base + "/", viewport);
        await g.page.goto(`${server.base}/${url}`);
        await g.page.waitForFunction(
          () => (document.getElementById("grid") as HTMLElement | null)?.dataset.state === "interactive",
          undefined,
          { timeout: 30_000 },
        );
        await g.page.locator("#grid").scrollIntoViewIfNeeded();
        for (const k of [0, 13, 19]) {
          // where image k is drawn on the screen: its <image> element in the chart's SVG
          const image = (await g.page.evaluate((k) => {
            const imgs = Array.from(document.querySelectorAll("#grid svg image"));
            const r = imgs[k].getBoundingClientRect();
            return { x: r.x, y: r.y, w: r.width, h: r.height };
          }, k)) as Hover["image"];
          await g.page.mouse.move(image.x + image.w * 0.3, image.y + image.h * 0.4);
          await g.page.mouse.move(image.x + image.w * 0.5, image.y + image.h * 0.5);
          const h = (await g.page
            .waitForFunction(
              (image) => {
                const t = document.getElementById("vg-tooltip-element");
                if (!t || !t.classList.contains("visible")) return null;
                const r = t.getBoundingClientRect();
                const ox = Math.max(0, Math.min(r.right, image.x + image.w) - Math.max(r.left, image.x));
                const oy = Math.max(0, Math.min(r.bottom, image.y + image.h) - Math.max(r.top, image.y));
                return { tip: t.innerText, overlap: ox * oy, image };
              },
              image,
              { timeout: 5_000 },
            )
            .then(
              (x) => x.jsonValue(),
              () => ({ tip: null, overlap: 0, image }),
            )) as Hover;
          const d = details[k];
          const want = [
            `${k + 1} of ${n}`,
            `→${d.predicted} ${d.probability}`,
            `label${d.label}`,
            `predicted${d.predicted}`,
            `probability${d.probability}`,
            `test image${d["test image"]}`,
          ];
          const tip = (h.tip ?? "").replace(/[\s:]+/g, "");
          const missing = want.filter((w) => !tip.includes(w.replace(/[\s:]+/g, "")));
          console.log(`# ${where}, image ${k + 1}: tooltip ${JSON.stringify(h.tip)}, over the digit ${h.overlap}px²`);
          if (!h.tip) problems.push(`${where}: no tooltip on image ${k + 1}`);
          else if (missing.length) problems.push(`${where}: image ${k + 1}'s tooltip lacks ${missing.join(", ")}`);
          if (h.overlap > 0) problems.push(`${where}: the tooltip covers image ${k + 1} (${h.overlap.toFixed(0)} px²)`);
          if (k === 13) await g.page.screenshot({ path: testOutput("digit-tooltip", `${where}.png`) });
        }
        if (g.consoleErrors.length) problems.push(`${where}: console errors: ${g.consoleErrors.join(" | ")}`);
        await g.page.context().close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    assert.deepEqual(problems, []);
  },
);
