// Draw a digit (src/plot/drawDigit.ts): the TypeScript pre-processing against the page's JavaScript,
// against MNIST's own test images, and the demo in a book page in Chromium, drawn on with the mouse.
// Screenshots: build/test-output/draw-digit/.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as d from "../src/index";
import { chromiumMissing, guardedPage, launch, machinePaths, testOutput } from "./support/site";
import { DRAWN_DIGITS, drawOnDemo } from "./support/drawStrokes";
import { buildBook } from "../scripts/book/book";
import { root } from "./support/notebooks";

type Pre = ReturnType<typeof d.preprocessDigit>;
const pageVersion = new Function(`${d.PREPROCESS_JS}\nreturn descentPreprocess;`)() as (
  g: ArrayLike<number>,
  side: number,
) => Pre;

/** A seeded scribble of `k` soft strokes on a side×side grid. */
function scribble(seed: number, side: number, k: number): Float32Array {
  const rng = d.rng(seed);
  const g = new Float32Array(side * side);
  for (let s = 0; s < k; s++) {
    let x = rng.uniform() * side,
      y = rng.uniform() * side;
    for (let t = 0; t < 40; t++) {
      x = Math.min(side - 1, Math.max(0, x + (rng.uniform() - 0.5) * 4));
      y = Math.min(side - 1, Math.max(0, y + (rng.uniform() - 0.5) * 4));
      const i = Math.floor(y) * side + Math.floor(x);
      g[i] = Math.max(g[i], 0.3 + 0.7 * rng.uniform());
    }
  }
  return g;
}

test("the page's pre-processing gives the same numbers as preprocessDigit", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const side = seed % 2 ? 112 : 28;
    const g = scribble(seed, side, 1 + (seed % 4));
    const ts = d.preprocessDigit(g, side)!;
    const js = pageVersion(g, side)!;
    assert.deepEqual(
      { ...js, scaled: Array.from(js.scaled), image: Array.from(js.image) },
      { ...ts, scaled: Array.from(ts.scaled), image: Array.from(ts.image) },
      `seed ${seed}`,
    );
  }
  assert.equal(pageVersion(new Float32Array(784), 28), null);
  assert.equal(d.preprocessDigit(new Float32Array(784), 28), null);
});

test("pre-processing: MNIST's test images come back unchanged; a small corner digit is scaled to 20 and centred", () => {
  const { test: t } = d.loadMnist({ dtype: "float32" });
  let same = 0;
  for (let i = 0; i < 300; i++) {
    const img = t.X.data.subarray(i * 784, (i + 1) * 784);
    const p = d.preprocessDigit(img, 28)!;
    if (p.image.every((v, j) => Math.abs(v - img[j]) < 1e-6)) same++;
  }
  assert.ok(same >= 290, `${same} of 300 MNIST test images unchanged`);
  const g = new Float32Array(112 * 112);
  for (let r = 2; r < 12; r++) for (let c = 3; c < 8; c++) g[r * 112 + c] = 1; // a 10×5 block in the top-left corner
  const p = d.preprocessDigit(g, 112)!;
  assert.deepEqual(p.box, { top: 2, left: 3, height: 10, width: 5 });
  assert.deepEqual([p.scaledHeight, p.scaledWidth], [20, 10]);
  assert.ok(p.scaled.every((v) => Math.abs(v - 1) < 1e-6));
  assert.deepEqual(p.offset, { top: Math.round(14 - 9.5), left: Math.round(14 - 4.5) });
  assert.throws(() => d.preprocessDigit(new Float32Array(100), 28), /28×28 grid \(784 values\), got 100 values/);
});

test("drawDigitHtml refuses a network the page cannot run, naming the layer", () => {
  const bad = new d.MLP({ sizes: [784, 8, 10], activations: ["softplus"], rng: d.rng(1) });
  assert.throws(() => d.drawDigitHtml(bad), /layer 1 has activation "softplus"/);
  const wrongInput = new d.MLP({ sizes: [100, 10], activations: [], rng: d.rng(1) });
  assert.throws(() => d.drawDigitHtml(wrongInput), /layer 1 expects 100 inputs, but 784 arrive/);
});

test(
  "draw a digit in Chromium, in a book page: a drawn 1 and a drawn 0 are classified as such",
  { skip: chromiumMissing, timeout: 240_000 },
  async () => {
    const { train, test: t } = d.loadMnist({ dtype: "float32" });
    const net = new d.MLP({ sizes: [784, 64, 10], activations: ["relu"], init: "he", rng: d.rng(8) });
    await d.train(net, d.takeFirst(train, 10000), {
      optimizer: d.rmsprop(0.002),
      epochs: 5,
      batchSize: 32,
      shuffle: true,
      rng: d.rng(88),
    });
    assert.ok(d.accuracy(net.predict(t.X), t.y) > 0.9);
    // A one-cell notebook whose output is the demo, made into a book page.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "descent-digit-"));
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "markdown", metadata: {}, source: "# Draw a digit" },
        {
          cell_type: "code",
          metadata: {},
          source: "d.drawDigit(net);",
          outputs: [
            {
              output_type: "display_data",
              metadata: {},
              data: { "text/html": d.drawDigitHtml(net, { id: "digit" }), "text/plain": "demo" },
            },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(tmp, "08-draw-a-digit.ipynb"), JSON.stringify(nb));
    const site = path.join(tmp, "site");
    buildBook({ notebooks: [path.join(tmp, "08-draw-a-digit.ipynb")], homework: [], out: site, log: () => {} });
    assert.deepEqual(machinePaths(site, [root]), []);
    const browser = await launch();
    try {
      const base = "file://" + site + "/";
      const g = await guardedPage(browser, base, { width: 900, height: 900 });
      const { page } = g;
      await page.goto(base + "08-draw-a-digit.html");
      await page.waitForSelector('#digit[data-state="ready"]');
      for (const [digit, strokes] of Object.entries(DRAWN_DIGITS)) {
        await drawOnDemo(page, "#digit", strokes);
        const got = await page.evaluate(() => {
          const el = document.getElementById("digit") as HTMLElement & {
            descentDigit: { grid: Float32Array; side: number; last: { probs: number[] } };
          };
          return {
            prediction: el.getAttribute("data-prediction"),
            grid: Array.from(el.descentDigit.grid),
            side: el.descentDigit.side,
            probs: el.descentDigit.last.probs,
            answer: el.querySelector(".dd-answer")!.textContent,
          };
        });
        await page.screenshot({ path: testOutput("draw-digit", `drawn-${digit}.png`) });
        // Same pre-processing and the same probabilities as the TypeScript side, from the page's own grid.
        const pre = d.preprocessDigit(got.grid, got.side)!;
        const P = net.predictProba(new d.Matrix(1, 784, pre.image));
        for (let k = 0; k < 10; k++)
          assert.ok(
            Math.abs(P.data[k] - got.probs[k]) < 1e-4,
            `digit ${digit}: p[${k}] page ${got.probs[k]} vs node ${P.data[k]}`,
          );
        assert.equal(got.prediction, digit, `drew a ${digit}, the page says ${got.answer}`);
      }
      assert.deepEqual(g.outside, []);
      assert.deepEqual(g.consoleErrors, []);
    } finally {
      await browser.close();
    }
    console.log("# screenshots: build/test-output/draw-digit/drawn-1.png, drawn-0.png");
  },
);
