// Charts: specs compile without vega-lite warnings and render to SVG with the expected marks; show()
// sends one display with all four MIME types; the live view updates one display in place, throttled.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";
import { inflateSync } from "node:zlib";
import {
  barChart,
  chartBundle,
  svgBundle,
  compileSpec,
  confusionMatrixChart,
  contourPath,
  describeSpec,
  displayBundle,
  DisplayMessage,
  functionPlot,
  imageGrid,
  librariesSent,
  libraryScript,
  libraryVersion,
  resetSharedLibraries,
  sharedLibraries,
  lineChart,
  liveView,
  renderSvg,
  resetLibraries,
  saveSvg,
  scatterBoundary,
  setDisplayWriter,
  show,
  slider,
  truthTable,
  VegaLiteSpec,
  viewOf,
  viewToSvg,
  weightImage,
  withTextAtLeast,
} from "../src/plot/index";
import { Matrix } from "../src/core/matrix";
import { thinMinMax } from "../src/plot/thin";
import { compactPath, compactSvgPaths } from "../src/plot/svgPaths";
import { train, Evaluation } from "../src/training/train";
import { SoftmaxRegression } from "../src/models/softmaxRegression";
import { sgd } from "../src/optim/index";
import { rng } from "../src/core/random";

const MIMES = ["image/svg+xml", "application/vnd.vegalite.v5+json", "text/html", "text/plain"];

/** Items of each user mark type ("role-mark" groups) in vega's SVG output. */
function marksInSvg(svg: string): Map<string, number> {
  const counts = new Map<string, number>();
  const re = /<g class="mark-(\w+) role-mark[^"]*"[^>]*>(.*?)<\/g>/gs;
  for (const m of svg.matchAll(re)) {
    const type = m[1];
    const body = m[2];
    const element =
      type === "text" ? /<text\b/g : type === "image" ? /<image\b/g : type === "rule" ? /<line\b/g : /<path\b/g;
    const items = (body.match(element) ?? []).length;
    counts.set(type, (counts.get(type) ?? 0) + items);
  }
  return counts;
}

function expectMarks(spec: VegaLiteSpec, expected: { [type: string]: number }): string {
  compileSpec(spec); // throws on any vega-lite warning
  const svg = renderSvg(spec);
  assert.match(svg, /^<svg/);
  const got = Object.fromEntries(marksInSvg(svg));
  assert.deepEqual(got, expected, `marks of ${describeSpec(spec)}`);
  return svg;
}

/** A fake kernel writer that records messages. */
function recorder(): { messages: Array<{ msg: DisplayMessage; update: boolean; at: number }>; restore(): void } {
  const messages: Array<{ msg: DisplayMessage; update: boolean; at: number }> = [];
  setDisplayWriter((msg, update) => messages.push({ msg, update, at: Date.now() }));
  return { messages, restore: () => setDisplayWriter(null) };
}

/** The points of a lineChart spec, one per row after its `flatten` transform. */
function pointsOf(spec: VegaLiteSpec): Array<{ series: string; x: number; y: number }> {
  assert.deepEqual(spec.transform, [{ flatten: ["x", "y"] }]);
  const rows = (spec.data as { values: Array<{ series: string; x: number[]; y: number[] }> }).values;
  return rows.flatMap((r) => r.x.map((x, i) => ({ series: r.series, x, y: r.y[i] })));
}

/** Bytes of a MIME bundle, all parts together (JSON parts as JSON text). */
function bundleBytes(b: { [mime: string]: unknown }): number {
  return Object.values(b).reduce(
    (n: number, v) => n + Buffer.byteLength(typeof v === "string" ? v : JSON.stringify(v)),
    0,
  );
}

// ---------------------------------------------------------------------------------------------
test("lineChart: one line per series, log scale, errors name the series and index", () => {
  const x = [1, 2, 3, 4];
  const spec = lineChart({
    series: [
      { name: "train", x, y: [4, 3, 2, 1] },
      { name: "validation", x, y: [4, 3.5, 3, 2.8] },
      { name: "test", x: [1, 2], y: [4, 3.9] },
    ],
    title: "Loss",
    logY: true,
  });
  expectMarks(spec, { line: 3 });
  assert.throws(
    () => lineChart({ series: [{ name: "a", x: [1, 2], y: [1] }] }),
    /series "a" has 2 x values but 1 y values/,
  );
  assert.throws(() => lineChart({ series: [{ name: "a", x: [1, 2], y: [1, NaN] }] }), /series "a" y\[1\] is NaN/);
  assert.throws(
    () => lineChart({ series: [{ name: "a", x: [1, 2], y: [1, 0] }], logY: true }),
    /y\[1\] = 0, but a log scale needs y > 0/,
  );
});

test("functionPlot samples each function on the domain", () => {
  const sigma = (z: number) => 1 / (1 + Math.exp(-z));
  const spec = functionPlot({
    fns: [
      { name: "σ", f: sigma },
      { name: "σ′", f: (z) => sigma(z) * (1 - sigma(z)) },
    ],
    domain: [-6, 6],
    samples: 61,
  });
  expectMarks(spec, { line: 2 });
  const values = pointsOf(spec);
  assert.equal(values.length, 122);
  const mid = values.find((v) => v.series === "σ′" && Math.abs(v.x) < 1e-12);
  assert.ok(mid && Math.abs(mid.y - 0.25) < 1e-12, "σ′(0) = 1/4");
  assert.throws(() => functionPlot({ fns: [{ name: "log", f: Math.log }], domain: [-1, 1] }), /log\(-1\) = NaN/);
});

test("barChart: one bar per category", () => {
  expectMarks(barChart({ categories: ["0", "1", "2", "3", "4"], values: [5, 3, 4, 1, 2], title: "per class" }), {
    rect: 5,
  });
  assert.throws(() => barChart({ categories: ["a"], values: [1, 2] }), /1 categories but 2 values/);
});

test("truthTable: a cell and a text per entry", () => {
  const rows = [
    [0, 0, 0],
    [0, 1, 1],
    [1, 0, 1],
    [1, 1, 0],
  ];
  expectMarks(truthTable({ columns: ["x₁", "x₂", "XOR"], rows, title: "XOR" }), { rect: 12, text: 12 });
  assert.throws(() => truthTable({ columns: ["a", "b"], rows: [[0]] }), /row 0 has 1 cells but there are 2 columns/);
});

test("scatterBoundary: a symbol per point, a line per boundary; the bias slider moves the line", () => {
  const points = [
    { x: 0, y: 0, label: 0 },
    { x: 0, y: 1, label: 0 },
    { x: 1, y: 0, label: 0 },
    { x: 1, y: 1, label: 1 },
  ];
  const spec = scatterBoundary({
    points,
    boundaries: [
      { name: "AND", w: [1, 1], b: -1.5 },
      { name: "x₁ = ½", w: [1, 0], b: -0.5 },
    ],
    biasSlider: { min: -1, max: 1, step: 0.05 },
    title: "AND",
  });
  expectMarks(spec, { symbol: 4, line: 2 });
  assert.deepEqual(
    (spec.params as unknown[])[0],
    slider("shift", { min: -1, max: 1, step: 0.05, value: 0, label: "shift of b" }),
  );
  const view = viewOf(spec);
  try {
    const line = (svg: string) => /<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1];
    const before = line(viewToSvg(view));
    view.signal("shift", 0.5);
    view.run();
    const after = line(viewToSvg(view));
    assert.ok(before && after && before !== after, "moving the slider redraws the boundary");
  } finally {
    view.finalize();
  }
  assert.throws(
    () => scatterBoundary({ points, boundaries: [{ name: "none", w: [0, 0], b: 1 }] }),
    /"none" has w = \[0, 0\]/,
  );
});

test("imageGrid: one image mark per digit (gray PNG, ink dark) and a caption each", () => {
  const n = 12;
  const X = new Matrix(n, 784, new Float32Array(n * 784));
  for (let i = 0; i < n; i++) X.data[i * 784 + 14 * 28 + i] = 1; // one ink pixel per image
  const captions = Array.from({ length: n }, (_, i) => `label ${i % 10} · predicted ${(i + 3) % 10} · 0.9`);
  const spec = imageGrid({ images: X, captions, columns: 5, title: "digits" });
  const svg = expectMarks(spec, { image: n, text: n });
  assert.match(svg, /href="data:image\/png;base64,/);
  // decode image 3's PNG: 28×28 gray, white background, black ink at (14, 3)
  const url = (spec.data as { values: Array<{ url: string }> }).values[3].url;
  const png = Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  assert.equal(png.readUInt32BE(16), 28);
  assert.equal(png.readUInt32BE(20), 28);
  assert.equal(png[25], 0, "colour type gray");
  const idatLen = png.readUInt32BE(33);
  assert.equal(png.toString("ascii", 37, 41), "IDAT");
  const raw = inflateSync(png.subarray(41, 41 + idatLen));
  assert.equal(raw.length, 28 * 29);
  const pixel = (r: number, c: number) => raw[r * 29 + 1 + c];
  assert.equal(pixel(14, 3), 0);
  assert.equal(pixel(0, 0), 255);
  // arrays work too, and the diverging option makes RGB images
  const div = imageGrid({ images: [Array.from({ length: 784 }, (_, k) => (k % 2 ? 1 : -1))], diverging: true });
  expectMarks(div, { image: 1 });
  assert.throws(() => imageGrid({ images: [[1, 2, 3]] }), /3 pixels, which is not a square/);
  assert.throws(() => imageGrid({ images: X, captions: ["a"] }), /12 images but 1 captions/);
});

test("withTextAtLeast: every text of a chart at the minimum size or more (for slides), data untouched", () => {
  const grid = imageGrid({
    images: [new Float32Array(784), new Float32Array(784)],
    captions: ["fontSize: 3", "b"],
    title: "t",
  });
  const big = withTextAtLeast(grid, 14);
  const fontSizes = (svg: string) => [...svg.matchAll(/font-size="?:?\s*([\d.]+)px/g)].map((m) => Number(m[1]));
  const before = fontSizes(renderSvg(grid));
  const after = fontSizes(expectMarks(big, { image: 2, text: 2 }));
  assert.ok(Math.min(...before) < 14, `the grid's captions start below 14 px (${before.join(", ")})`);
  assert.equal(after.length, before.length);
  assert.ok(Math.min(...after) >= 14, `all text ≥ 14 px after (${after.join(", ")})`);
  // the caption's cut-off width grows with its font (10 → 14 px: ×1.4); data values are not touched
  const layer = (big.layer as Array<{ mark: { limit?: number } }>)[1].mark;
  assert.equal(layer.limit, ((62 as number) * 14) / 10);
  assert.deepEqual(big.data, grid.data);
  // larger sizes stay; the spec's own config is kept
  const line = lineChart({ series: [{ name: "a", x: [0, 1], y: [0, 1] }], title: "x" });
  const l = withTextAtLeast({ ...line, config: { axis: { labelFontSize: 20 }, legend: { orient: "top" } } }, 14);
  const cfg = l.config as { axis: { labelFontSize: number; titleFontSize: number }; legend: { orient: string } };
  assert.equal(cfg.axis.labelFontSize, 20);
  assert.equal(cfg.axis.titleFontSize, 14);
  assert.equal(cfg.legend.orient, "top");
  assert.throws(() => withTextAtLeast(line, 0), /px must be a positive number, got 0/);
});

test("weightImage: 784 cells on a symmetric diverging scale", () => {
  const w = Float64Array.from({ length: 784 }, (_, k) => Math.sin(k) * (k < 400 ? 0.3 : 2));
  const spec = weightImage({ values: w, title: "w for class 3" });
  expectMarks(spec, { rect: 784 });
  let m = 0;
  for (const v of w) m = Math.max(m, Math.abs(v));
  const scale = (spec.encoding as { color: { scale: { domain: number[]; domainMid: number } } }).color.scale;
  assert.deepEqual(scale.domain, [-m, m]);
  assert.equal(scale.domainMid, 0);
  assert.throws(() => weightImage({ values: [1, 2, NaN, 4] }), /value 2 \(row 1, column 0\) is NaN/);
  assert.throws(
    () => weightImage({ values: new Matrix(10, 784, new Float32Array(7840)) }),
    /7840 values is not a square image \(a 10×784 matrix: pass one row/,
  );
});

test("confusionMatrixChart: a cell and a count per entry", () => {
  const K = 4;
  const rows = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => (i === j ? 10 : i + j)));
  const svg = expectMarks(confusionMatrixChart({ matrix: rows, title: "confusion" }), { rect: K * K, text: K * K });
  assert.match(svg, />10<\/text>/);
  expectMarks(confusionMatrixChart({ matrix: new Matrix(2, 2, new Float64Array([3, 1, 0, 5])) }), { rect: 4, text: 4 });
  assert.throws(
    () => confusionMatrixChart({ matrix: new Matrix(2, 3, new Float64Array(6)) }),
    /must be square \(K×K\), got 2×3/,
  );
});

test("contourPath: the surface as one image, the descent paths over it; the slider picks a path", () => {
  const J = (a: number, b: number) => (a - 1) ** 2 + 4 * (b + 0.5) ** 2 + 0.05;
  const descend = (lr: number) => {
    let [a, b] = [-2, 2];
    const pts: Array<[number, number]> = [[a, b]];
    for (let i = 0; i < 10; i++) {
      [a, b] = [a - lr * 2 * (a - 1), b - lr * 8 * (b + 0.5)];
      pts.push([a, b]);
    }
    return pts;
  };
  const plain = contourPath({
    f: J,
    xDomain: [-3, 3],
    yDomain: [-2, 3],
    resolution: 20,
    paths: [
      { name: "η = 0.05", points: descend(0.05) },
      { name: "η = 0.2", points: descend(0.2) },
    ],
  });
  expectMarks(plain, { image: 1, rule: 2, line: 2, symbol: 22 });
  // the surface is one 20×20 PNG: darkest (viridis 0) at the minimum (1, −0.5), brightest at the worst corner
  const url = (plain.layer as Array<{ data: { values: Array<{ url: string }> } }>)[0].data.values[0].url;
  const png = Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
  assert.equal(png.readUInt32BE(16), 20);
  assert.equal(png[25], 2, "colour type RGB");
  const raw = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)));
  const rgbAt = (x: number, y: number) => {
    const c = Math.floor(((x + 3) / 6) * 20);
    const r = Math.floor(((3 - y) / 5) * 20); // row 0 is the top, y = 3
    const o = r * (20 * 3 + 1) + 1 + 3 * c;
    return [raw[o], raw[o + 1], raw[o + 2]];
  };
  assert.deepEqual(rgbAt(1, -0.5), [0x44, 0x01, 0x54]);
  assert.deepEqual(rgbAt(-3, 3), [0xfd, 0xe7, 0x25]);
  const withSlider = contourPath({
    f: J,
    xDomain: [-3, 3],
    yDomain: [-2, 3],
    resolution: 10,
    logColor: true,
    slider: { label: "η" },
    paths: [0.05, 0.1, 0.2].map((lr) => ({ name: `η = ${lr}`, points: descend(lr), value: lr })),
  });
  expectMarks(withSlider, { image: 1, rule: 2, line: 1, symbol: 11 });
  const view = viewOf(withSlider);
  try {
    const pathOf = (svg: string) => /<g class="mark-line role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1];
    const first = pathOf(viewToSvg(view));
    view.signal("pathValue", 0.2);
    view.run();
    assert.notEqual(pathOf(viewToSvg(view)), first);
  } finally {
    view.finalize();
  }
  assert.throws(
    () => contourPath({ f: () => 0, xDomain: [0, 1], yDomain: [0, 1], logColor: true }),
    /logColor needs f > 0/,
  );
});

// ---------------------------------------------------------------------------------------------
test("compileSpec names the problem: missing field, bad type, bad mark, vega-lite warnings", () => {
  const data = { values: [{ a: 1, b: 2 }] };
  const base = {
    data,
    mark: "point",
    encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
  };
  compileSpec(base);
  assert.throws(
    () => compileSpec({ ...base, encoding: { x: { field: "c", type: "quantitative" } } }),
    /encoding\.x\.field "c" is not a column of the data \(columns: a, b\)/,
  );
  assert.throws(
    () => compileSpec({ ...base, encoding: { x: { field: "a", type: "numeric" } } }),
    /encoding\.x\.type "numeric" is not a field type/,
  );
  assert.throws(() => compileSpec({ ...base, mark: "dot" }), /mark "dot" is not a mark type/);
  // a warning of vega-lite itself (it drops `zero` from a log scale) is an error too
  assert.throws(
    () =>
      compileSpec({
        ...base,
        encoding: { x: { field: "a", type: "quantitative", scale: { type: "log", zero: true } } },
      }),
    /x-scale's "zero" is dropped/,
  );
  assert.throws(() => compileSpec([] as unknown as VegaLiteSpec), /expected a Vega-Lite spec object/);
});

test("describeSpec: title, marks and number of points, never [object Object]", () => {
  const spec = lineChart({ series: [{ name: "loss", x: [0, 1, 2], y: [3, 2, 1] }], title: "Training loss" });
  const d = describeSpec(spec);
  assert.match(d, /"Training loss"/);
  assert.match(d, /line/);
  assert.match(d, /3 data points/);
  assert.doesNotMatch(d, /object Object/);
});

test("show sends ONE display with all four MIME types; without a shared copy the first carries the vega libraries", () => {
  const rec = recorder();
  const saved = process.env.JUPYTER_PATH;
  try {
    delete process.env.JUPYTER_PATH; // no Jupyter data directory to share the libraries through
    resetSharedLibraries();
    resetLibraries();
    const spec = barChart({ categories: ["a", "b"], values: [1, 2], title: "two bars" });
    show(spec);
    show(spec);
    assert.equal(rec.messages.length, 2);
    for (const { msg, update } of rec.messages) {
      assert.equal(update, false);
      assert.deepEqual(Object.keys(msg.data).sort(), [...MIMES].sort());
      assert.match(msg.data["image/svg+xml"] as string, /^<svg/);
      assert.equal((msg.data["application/vnd.vegalite.v5+json"] as VegaLiteSpec).title, "two bars");
      assert.match(msg.data["text/plain"] as string, /"two bars": bar marks, 2 data points/);
      const html = msg.data["text/html"] as string;
      assert.match(html, /<img class="descent-static"[^>]*src="data:image\/svg\+xml;base64,/);
      assert.match(html, /vegaEmbed\(target,spec,opts\)/);
      assert.doesNotMatch(html, /https?:\/\/(cdn|unpkg|cdnjs)/);
    }
    const [first, second] = rec.messages.map((m) => m.msg.data["text/html"] as string);
    assert.ok(
      first.includes("/* vega-embed vega-embed.min.js */") && first.length > 500_000,
      "first chart inlines the libraries",
    );
    assert.ok(!second.includes("/* vega-embed vega-embed.min.js */") && second.length < 100_000, "later charts do not");
    assert.ok(librariesSent());
    // an invalid spec throws before anything is displayed
    assert.throws(
      () => show({ data: { values: [{ a: 1 }] }, mark: "bar", encoding: { x: { field: "nope", type: "nominal" } } }),
      /"nope"/,
    );
    assert.equal(rec.messages.length, 2);
  } finally {
    rec.restore();
    if (saved === undefined) delete process.env.JUPYTER_PATH;
    else process.env.JUPYTER_PATH = saved;
    resetSharedLibraries();
  }
});

test("with a Jupyter data directory, the libraries are written there once and no chart carries them", () => {
  const rec = recorder();
  const saved = process.env.JUPYTER_PATH;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-jupyter-"));
  try {
    fs.writeFileSync(path.join(dir, "a-file"), "");
    process.env.JUPYTER_PATH = [path.join(dir, "a-file", "share"), path.join(dir, "share")].join(path.delimiter); // the first cannot be written
    resetSharedLibraries();
    resetLibraries();
    const spec = barChart({ categories: ["a", "b"], values: [1, 2], title: "two bars" });
    show(spec);
    show(spec);
    const shared = sharedLibraries();
    assert.ok(shared, "a shared copy was written");
    assert.equal(shared.file, path.join(dir, "share", "nbextensions", "descent", "vega-libs.js"));
    assert.equal(fs.readFileSync(shared.file, "utf8"), libraryScript());
    assert.equal(shared.version, libraryVersion());
    for (const { msg } of rec.messages) {
      const html = msg.data["text/html"] as string;
      assert.ok(!html.includes("/* vega-embed vega-embed.min.js */"), "no chart inlines the libraries");
      assert.ok(
        html.includes(`"nbextensions/descent/vega-libs.js"+"?v=${shared.version}"`),
        "the chart loads the shared copy",
      );
      assert.match(html, /getAttribute\("data-base-url"\)/);
      assert.ok(bundleBytes(msg.data) < 20_000, `a small bar chart is small: ${bundleBytes(msg.data)} bytes`);
    }
    assert.ok(librariesSent());
    // A stale copy (another version) is replaced.
    fs.writeFileSync(shared.file, "old");
    resetSharedLibraries();
    show(spec);
    assert.equal(fs.readFileSync(shared.file, "utf8"), libraryScript());
  } finally {
    rec.restore();
    if (saved === undefined) delete process.env.JUPYTER_PATH;
    else process.env.JUPYTER_PATH = saved;
    resetSharedLibraries();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a chart of 3,000 points is one display under 200 KB; 100,000 points are thinned to 2,000 with a note", () => {
  const wave = (n: number, k: number) =>
    Array.from(
      { length: n },
      (_, i) => 2.3 * Math.exp(-i / (n / 5)) + 0.05 * Math.sin(i * (0.37 + k)) + 0.1 + 1e-9 * i,
    );
  const x = (n: number) => Array.from({ length: n }, (_, i) => i);
  const two = lineChart({
    series: [
      { name: "train", x: x(1500), y: wave(1500, 0) },
      { name: "validation", x: x(1500), y: wave(1500, 1) },
    ],
    title: "loss",
  });
  assert.equal(pointsOf(two).length, 3000, "3,000 points are not thinned");
  const b3 = chartBundle(two, { sharedVersion: "abc" });
  assert.ok(bundleBytes(b3) < 200_000, `3,000 points: ${bundleBytes(b3)} bytes in all four parts`);
  const one = chartBundle(lineChart({ series: [{ name: "loss", x: x(3000), y: wave(3000, 0) }], title: "loss" }), {
    sharedVersion: "abc",
  });
  assert.ok(bundleBytes(one) < 200_000, `one series of 3,000: ${bundleBytes(one)} bytes`);

  const n = 100_000;
  const y = wave(n, 0);
  y[54321] = 40; // a spike (a divergence that recovered) must survive thinning
  const big = lineChart({ series: [{ name: "loss", x: x(n), y }], title: "mini-batch loss" });
  const pts = pointsOf(big);
  assert.ok(pts.length <= 2000 && pts.length > 1900, `${pts.length} points`);
  assert.ok(
    pts.some((p) => p.x === 54321 && p.y === 40),
    "the spike is kept",
  );
  assert.deepEqual([pts[0].x, pts[pts.length - 1].x], [0, n - 1], "first and last point kept");
  assert.deepEqual(big.title, {
    text: "mini-batch loss",
    subtitle: `thinned from 100,000 to ${pts.length.toLocaleString("en-US")} points`,
  });
  assert.equal(
    big.description,
    `thinned from 100,000 to ${pts.length.toLocaleString("en-US")} points: the smallest and largest y of each of 999 buckets`,
  );
  const bb = chartBundle(big, { sharedVersion: "abc" });
  assert.ok(bundleBytes(bb) < 200_000, `100,000 points thinned: ${bundleBytes(bb)} bytes`);
  assert.match(
    bb["text/plain"] as string,
    /^Chart "mini-batch loss": line marks, \d+ data points — thinned from 100,000 to /,
  );
  assert.match(renderSvg(big), /thinned from 100,000/, "the note is drawn on the chart");
  // maxPoints: Infinity keeps every point.
  assert.equal(
    pointsOf(lineChart({ series: [{ name: "loss", x: x(5000), y: wave(5000, 0) }], maxPoints: Infinity })).length,
    5000,
  );
  assert.throws(
    () => lineChart({ series: [{ name: "loss", x: [1], y: [1] }], maxPoints: 2 }),
    /maxPoints must be a whole number ≥ 4 or Infinity, got 2/,
  );
});

test("thinMinMax keeps each bucket's extremes in order; values are rounded far below a pixel", () => {
  assert.deepEqual(thinMinMax([3, 1, 2], 10), [0, 1, 2]);
  const y = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10) + (i === 500 ? 5 : 0) + (i === 700 ? -5 : 0));
  const keep = thinMinMax(y, 100);
  assert.ok(keep.length <= 100);
  assert.ok(
    keep.every((k, i) => i === 0 || k > keep[i - 1]),
    "indices increase",
  );
  assert.ok(keep.includes(500) && keep.includes(700) && keep[0] === 0 && keep[keep.length - 1] === 999);
  // every bucket's min and max are among the kept points
  const buckets = 49;
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * 1000) / buckets);
    const hi = Math.floor(((b + 1) * 1000) / buckets);
    const ys = y.slice(lo, hi);
    const kept = keep.filter((k) => k >= lo && k < hi).map((k) => y[k]);
    assert.ok(kept.includes(Math.min(...ys)) && kept.includes(Math.max(...ys)), `bucket ${b}`);
  }
  // Rounding: whole numbers stay, others to 1/100,000 of the range; tiny differences on a flat curve survive.
  const flat = pointsOf(
    lineChart({ series: [{ name: "a", x: [0, 1, 2], y: [2.302585093, 2.302585193, 2.302585393] }] }),
  );
  assert.deepEqual(
    flat.map((p) => p.y),
    [2.302585093, 2.302585193, 2.302585393],
  );
  const noisy = pointsOf(lineChart({ series: [{ name: "a", x: [0, 0.5, 1], y: [0.123456789, 1.987654321, 2] }] }));
  assert.deepEqual(
    noisy.map((p) => [p.x, p.y]),
    [
      [0, 0.12346],
      [0.5, 1.98765],
      [1, 2],
    ],
  );
});

test("compactPath writes the same polyline, to 0.1 px, in relative steps", () => {
  const d = "M0,18.462L0.14,17.146L0.28,16.056L130.42,-15.386L10,20M5,5L6,4";
  const c = compactPath(d);
  assert.equal(c, "M0,18.5l0.1-1.4 0.2-1 130.1-31.5 -120.4,35.4M5,5l1-1");
  // Walk the compact path and compare every vertex with the original.
  const abs: Array<[number, number]> = [];
  let px = 0;
  let py = 0;
  for (const m of c.matchAll(/([Ml])([^Ml]*)/g)) {
    const nums = m[2].match(/-?[\d.]+/g)!.map(Number);
    for (let k = 0; k < nums.length; k += 2) {
      if (m[1] === "M" && k === 0) [px, py] = [nums[k], nums[k + 1]];
      else [px, py] = [px + nums[k], py + nums[k + 1]];
      abs.push([px, py]);
    }
  }
  const orig = [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(abs.length, orig.length);
  abs.forEach(([x, y], i) =>
    assert.ok(Math.abs(x - orig[i][0]) <= 0.05 + 1e-9 && Math.abs(y - orig[i][1]) <= 0.05 + 1e-9, `vertex ${i}`),
  );
  // Paths with curves or arcs are left alone; a chart's SVG still has its marks.
  assert.equal(compactPath("M0,0C1,1,2,2,3,3"), "M0,0C1,1,2,2,3,3");
  assert.equal(compactPath("M1,1A2,2,0,0,1,3,3Z"), "M1,1A2,2,0,0,1,3,3Z");
  const svg = compactSvgPaths(renderSvg(lineChart({ series: [{ name: "a", x: [0, 1, 2], y: [1, 3, 2] }] })));
  assert.match(svg, /<path[^>]* d="M[\d.,]+l[-\d., ]+"/);
  // Mark items lose their per-item aria attributes (the picture is shown as an image with alt text); groups keep theirs.
  const heat = weightImage({ values: Array.from({ length: 784 }, (_, k) => (k % 28) / 28 - 0.5), title: "W" });
  const raw = renderSvg(heat);
  const small = compactSvgPaths(raw);
  assert.match(raw, /role="graphics-symbol"/);
  assert.doesNotMatch(small, /role="graphics-symbol"|aria-label="c: /);
  assert.match(small, /<g class="mark-rect role-mark/);
  assert.equal((small.match(/<path d="M[^"]*" fill="rgb/g) ?? []).length, 784, "every cell is still drawn");
  const b = chartBundle(heat, { sharedVersion: "abc" });
  assert.ok(bundleBytes(b) < 200_000, `a 784-cell weight image: ${bundleBytes(b)} bytes`);
});

test("a page (re)load, seen as kernel_info_request by tslab, makes the next chart carry the libraries again", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jupyter = require("tslab/dist/jupyter") as { JupyterHandlerImpl: { prototype: { handleKernel(): unknown } } };
  const rec = recorder();
  try {
    show(barChart({ categories: ["a"], values: [1] }));
    assert.ok(librariesSent());
    const info = jupyter.JupyterHandlerImpl.prototype.handleKernel.call({ isJs: false }) as { implementation?: string };
    assert.equal(info.implementation, "tslab", "the patched handler still answers kernel_info");
    assert.equal(librariesSent(), false);
  } finally {
    rec.restore();
  }
});

test("displayBundle: display_id and update flag reach the writer; no kernel → false", () => {
  assert.equal(displayBundle({ "text/plain": "x" }), false, "outside a kernel there is nobody to send to");
  const rec = recorder();
  try {
    displayBundle({ "text/plain": "a" }, { displayId: "abc" });
    displayBundle({ "text/plain": "b" }, { displayId: "abc", update: true });
    assert.deepEqual(
      rec.messages.map((m) => [m.update, m.msg.transient.display_id, m.msg.data["text/plain"]]),
      [
        [false, "abc", "a"],
        [true, "abc", "b"],
      ],
    );
    assert.throws(() => displayBundle({ "text/plain": "c" }, { update: true }), /update needs the displayId/);
  } finally {
    rec.restore();
  }
});

test("the inlined libraries define vega, vegaLite and vegaEmbed as globals even where RequireJS is loaded", () => {
  let ready = 0;
  const sandbox: { [k: string]: unknown } = {
    define: Object.assign(
      () => {
        throw new Error("the UMD builds must not register with RequireJS");
      },
      { amd: true },
    ),
    Event: class {
      constructor(public type: string) {}
    },
    dispatchEvent: (e: { type: string }) => {
      if (e.type === "descent-vega-ready") ready++;
    },
    console,
    structuredClone,
    setTimeout,
    setInterval,
    clearInterval,
    clearTimeout,
  };
  sandbox.window = sandbox;
  sandbox.self = sandbox;
  vm.runInNewContext(libraryScript(), sandbox);
  assert.equal(typeof (sandbox.vega as { View?: unknown }).View, "function");
  assert.equal(typeof (sandbox.vegaLite as { compile?: unknown }).compile, "function");
  assert.equal(typeof sandbox.vegaEmbed, "function");
  assert.equal(ready, 1);
  assert.doesNotMatch(libraryScript(), /<\/script/i);
});

test("chartBundle without interactivity has no scripts (for the final state of live views)", () => {
  const b = chartBundle(barChart({ categories: ["a"], values: [1] }), { interactive: false, libraries: true });
  assert.doesNotMatch(b["text/html"] as string, /<script/);
});

test("saveSvg writes an SVG file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-svg-"));
  try {
    const file = path.join(dir, "slides", "loss.svg");
    saveSvg(lineChart({ series: [{ name: "loss", x: [0, 1], y: [2, 1] }], title: "loss" }), file);
    const text = fs.readFileSync(file, "utf8");
    assert.match(text, /^<\?xml[^>]*>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(marksInSvg(text).get("line"), 1);
    assert.throws(
      () => saveSvg(barChart({ categories: ["a"], values: [1] }), path.join(dir, "x.png")),
      /should end in \.svg/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
test("liveView: one display, updated in place, throttled; final state has all four types", async () => {
  const rec = recorder();
  try {
    let clock = 0;
    const live = liveView({ title: "toy training", total: 200, minIntervalMs: 250, now: () => clock });
    for (let k = 1; k <= 200; k++) {
      clock += 10; // 10 ms per iteration → 2 s in all
      await live.onEvaluate({ iteration: k, epoch: 1 + Math.floor(k / 100), loss: 2 / k, trainAccuracy: 1 - 1 / k });
    }
    live.done();
    const msgs = rec.messages;
    const ids = new Set(msgs.map((m) => m.msg.transient.display_id));
    assert.equal(ids.size, 1, "every message targets the same display");
    assert.equal(msgs[0].update, false);
    assert.ok(
      msgs.slice(1).every((m) => m.update),
      "later messages are update_display_data",
    );
    // 2 s of training at ≥ 250 ms between redraws: at most 2000/250 + the first and the final one
    assert.ok(msgs.length >= 4 && msgs.length <= 2000 / 250 + 2, `${msgs.length} messages`);
    assert.equal(live.redraws, msgs.length);
    const middle = msgs[2].msg.data["text/plain"] as string;
    assert.match(
      middle,
      /iteration \d+ of 200 · epoch \d · loss [\d.]+ · train [\d.]+% · elapsed [\d.]+ s · about [\d.]+ s left/,
    );
    const last = msgs[msgs.length - 1].msg.data;
    assert.deepEqual(Object.keys(last).sort(), [...MIMES].sort());
    assert.match(last["text/plain"] as string, /iteration 200 of 200 .* done/);
    assert.equal(live.history.length, 200);
    assert.throws(() => live.onEvaluate({ iteration: 201, loss: 0 }), /after done/);
  } finally {
    rec.restore();
  }
});

test("liveView.onEvaluate yields to the event loop (so the kernel can send the update)", async () => {
  const rec = recorder();
  try {
    const live = liveView({ title: "yield", total: 1 });
    let ran = false;
    setImmediate(() => (ran = true));
    await live.onEvaluate({ iteration: 1, loss: 1 });
    assert.ok(ran, "a setImmediate queued before onEvaluate ran before it resolved");
    live.done();
  } finally {
    rec.restore();
  }
});

test("liveView plugs into train: onEvaluate receives every evaluation and the display follows", async () => {
  const rec = recorder();
  try {
    // two separable blobs in 2-D, softmax regression with 2 classes
    const r = rng(7);
    const n = 200;
    const X = new Matrix(n, 2, new Float64Array(2 * n));
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      X.data[2 * i] = (y[i] ? 2 : -2) + r.normal();
      X.data[2 * i + 1] = (y[i] ? 1 : -1) + r.normal();
    }
    const model = new SoftmaxRegression({ inputs: 2, classes: 2, rng: rng(1), dtype: "float64" });
    const live = liveView({ title: "blobs", total: 100, minIntervalMs: 0 });
    const onEvaluate: (ev: Evaluation) => void | Promise<void> = live.onEvaluate; // the types fit train's option
    const result = await train(
      model,
      { X, y },
      {
        optimizer: sgd(0.1),
        maxIterations: 100,
        batchSize: 20,
        shuffle: true,
        rng: rng(3),
        evaluateEvery: 10,
        evaluate: { train: { X, y } },
        onEvaluate,
      },
    );
    live.done();
    assert.equal(live.history.length, result.history.length);
    assert.ok(rec.messages.length >= 3);
    const last = rec.messages[rec.messages.length - 1].msg.data["text/plain"] as string;
    assert.match(last, /iteration 100 of 100 · epoch [\d.]+ · loss [\d.]+ · train \d+\.\d% .* done/);
    const spec = rec.messages[rec.messages.length - 1].msg.data["application/vnd.vegalite.v5+json"] as VegaLiteSpec;
    const names = new Set(
      ((spec.hconcat as VegaLiteSpec[])[0].data as { values: Array<{ series: string }> }).values.map((v) => v.series),
    );
    assert.deepEqual([...names].sort(), ["loss", "train loss"]);
  } finally {
    rec.restore();
  }
});

test("showSvg's bundle keeps a hand-drawn SVG visible where inline SVG is stripped (as an <img>)", () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="1" y="9">w</text></svg>';
  const b = svgBundle(svg, "a tiny diagram");
  assert.equal(b["image/svg+xml"], svg);
  assert.equal(b["text/plain"], "a tiny diagram");
  const m = /^<img src="data:image\/svg\+xml;base64,([^"]+)" alt="a tiny diagram">$/.exec(String(b["text/html"]));
  assert.ok(m, `text/html is ${String(b["text/html"])}`);
  assert.equal(Buffer.from(m[1], "base64").toString("utf8"), svg);
  assert.throws(() => svgBundle("<div>not svg</div>", "x"), /expected SVG text/);
});
