/**
 * Chart builders for the course. Each returns a plain Vega-Lite spec (JSON) for `show`, `saveSvg`
 * or any Vega-Lite front end; bad input throws an error naming the builder, the series and the index.
 */
import { HOVER_LAYER, type VegaLiteSpec } from "./render";
import { describeValue } from "../core/describe";
import { thinMinMax } from "./thin";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A Vega-Lite param bound to a range input: a value a lecturer drags (threshold, learning rate, …). */
export interface SliderParam {
  name: string;
  value: number;
  bind: { input: "range"; min: number; max: number; step: number; name: string };
}

/** slider("t", { min: 0, max: 1, step: 0.01, value: 0.5, label: "threshold" }) → a param for a spec's `params`. */
export function slider(
  name: string,
  o: { min: number; max: number; step: number; value: number; label?: string },
): SliderParam {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new Error(`slider: the name must be an identifier (used in expressions), got "${name}"`);
  if (!(o.min < o.max) || !(o.step > 0) || !(o.value >= o.min && o.value <= o.max)) {
    throw new Error(
      `slider "${name}": need min < max, step > 0 and min ≤ value ≤ max, got min=${o.min} max=${o.max} step=${o.step} value=${o.value}`,
    );
  }
  return {
    name,
    value: o.value,
    bind: { input: "range", min: o.min, max: o.max, step: o.step, name: (o.label ?? name) + " " },
  };
}

function finite(builder: string, what: string, v: number, i: number): number {
  if (!Number.isFinite(v))
    throw new Error(`${builder}: ${what}[${i}] is ${describeValue(v)} (every value must be a finite number)`);
  return v;
}

/** Whether v is an array of numbers or a typed array (anything with a length and numeric entries). */
function isNumberArray(v: unknown): boolean {
  return (
    (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) &&
    typeof (v as ArrayLike<unknown>).length === "number"
  );
}

/** A series must be { name, x, y } with x and y arrays; a missing or wrong field is named with the series. */
function checkSeries(builder: string, s: unknown, k: number): void {
  if (s === null || typeof s !== "object")
    throw new Error(`${builder}: series[${k}] must be an object { name, x, y }, got ${describeValue(s)}`);
  const { name, x, y } = s as { name?: unknown; x?: unknown; y?: unknown };
  const label = typeof name === "string" ? `series[${k}] ("${name}")` : `series[${k}]`;
  if (typeof name !== "string")
    throw new Error(`${builder}: ${label} has no name (a string), got name: ${describeValue(name)}`);
  for (const [field, v] of [
    ["x", x],
    ["y", y],
  ] as const) {
    if (v === undefined)
      throw new Error(`${builder}: ${label} has no ${field}; each series needs x and y arrays of numbers`);
    if (!isNumberArray(v))
      throw new Error(`${builder}: ${label}.${field} must be an array of numbers, got ${describeValue(v)}`);
  }
}

// ---------------------------------------------------------------------------------------------
/** One curve: y[i] against x[i]. */
export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Points per series beyond which lineChart thins a series (see thin.ts); a display then stays well under 200 KB. */
export const MAX_LINE_POINTS = 2000;

/**
 * v rounded for a chart's data: to 6 significant digits on a log scale, else to the decimals that
 * resolve 1/100,000 of the series' range (far below a pixel), so JSON carries "0.23457", not
 * "0.23456789012345". Whole numbers stay whole.
 */
function chartNumber(v: number, quantum: number, log: boolean): number {
  if (Number.isInteger(v)) return v;
  if (log || !(quantum > 0)) return Number(v.toPrecision(6));
  const decimals = Math.min(20, Math.max(0, -Math.floor(Math.log10(quantum))));
  return Number(v.toFixed(decimals));
}

/** 1/100,000 of the range of v at the given indices (0 when they are all equal). */
function quantumOf(v: ArrayLike<number>, idx: number[]): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of idx) {
    lo = Math.min(lo, v[i]);
    hi = Math.max(hi, v[i]);
  }
  return (hi - lo) / 1e5;
}

/**
 * Curves of one or many series (loss and accuracy against iteration, train vs validation).
 * `logY` puts y on a log scale (every y must be > 0).
 *
 * The data is stored column-wise, one row { series, x: [...], y: [...] } per series, unfolded by a
 * `flatten` transform (a tenth of the bytes of one object per point). A series longer than
 * `maxPoints` (default MAX_LINE_POINTS; Infinity keeps all) is thinned by min/max per bucket
 * (thinMinMax), and the chart says so in its subtitle and description.
 */
export function lineChart(o: {
  series: LineSeries[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
  /** x on a log scale, its axis ending at the data (not at the next power of ten); every x must be > 0. */
  logX?: boolean;
  /** y as a percentage (0.92 → 92%); by default when the y title says accuracy and every y is in [0, 1]. */
  percent?: boolean;
  width?: number;
  height?: number;
  points?: boolean;
  maxPoints?: number;
}): VegaLiteSpec {
  if (!Array.isArray(o.series) || o.series.length === 0)
    throw new Error("lineChart: `series` must be a non-empty array of { name, x, y }");
  o.series.forEach((s, k) => checkSeries("lineChart", s, k));
  const maxPoints = o.maxPoints ?? MAX_LINE_POINTS;
  if (maxPoints !== Infinity && !(Number.isInteger(maxPoints) && maxPoints >= 4)) {
    throw new Error(`lineChart: maxPoints must be a whole number ≥ 4 or Infinity, got ${describeValue(maxPoints)}`);
  }
  const values: Array<{ series: string; x: number[]; y: number[] }> = [];
  const thinned: string[] = [];
  for (const s of o.series) {
    if (s.x.length !== s.y.length)
      throw new Error(`lineChart: series "${s.name}" has ${s.x.length} x values but ${s.y.length} y values`);
    for (let i = 0; i < s.x.length; i++) {
      finite("lineChart", `series "${s.name}" x`, s.x[i], i);
      const y = finite("lineChart", `series "${s.name}" y`, s.y[i], i);
      if (o.logY && y <= 0)
        throw new Error(`lineChart: series "${s.name}" y[${i}] = ${y}, but a log scale needs y > 0`);
      if (o.logX && s.x[i] <= 0)
        throw new Error(`lineChart: series "${s.name}" x[${i}] = ${s.x[i]}, but a log scale needs x > 0`);
    }
    const keep = maxPoints === Infinity ? Array.from({ length: s.y.length }, (_, i) => i) : thinMinMax(s.y, maxPoints);
    if (keep.length < s.y.length)
      thinned.push(
        `${o.series.length > 1 ? `"${s.name}" ` : ""}from ${s.y.length.toLocaleString("en-US")} to ${keep.length.toLocaleString("en-US")} points`,
      );
    const qx = quantumOf(s.x, keep);
    const qy = quantumOf(s.y, keep);
    values.push({
      series: s.name,
      x: keep.map((i) => chartNumber(s.x[i], qx, false)),
      y: keep.map((i) => chartNumber(s.y[i], qy, o.logY === true)),
    });
  }
  const percent =
    o.percent ?? (/accuracy/i.test(o.yTitle ?? "") && values.every((v) => v.y.every((y) => y >= 0 && y <= 1)));
  const xTitle = o.xTitle ?? "x";
  const yTitle = o.yTitle ?? "y";
  // A tooltip anywhere near a curve: the point nearest the pointer (a Voronoi cell each) is shown and named.
  const nearest = { name: "nearest", select: { type: "point", nearest: true, on: "pointerover", clear: "pointerout" } };
  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    width: o.width ?? 420,
    height: o.height ?? 240,
    data: { values },
    transform: [{ flatten: ["x", "y"] }],
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: xTitle,
        ...(o.logX ? { scale: { type: "log", nice: false } } : {}),
      },
      y: {
        field: "y",
        type: "quantitative",
        title: yTitle,
        scale: o.logY ? { type: "log" } : { zero: false },
        ...(percent ? { axis: { format: "%" } } : {}),
      },
      color: { field: "series", type: "nominal", title: null, sort: o.series.map((s) => s.name) },
    },
    layer: [
      { mark: { type: "line", point: o.points ?? false } },
      {
        name: HOVER_LAYER, // interactive only: left out of the static SVG (render.ts)
        params: [nearest],
        mark: { type: "point", filled: true, size: 70 },
        encoding: {
          opacity: { condition: { param: "nearest", empty: false, value: 1 }, value: 0 },
          tooltip: [
            { field: "series", type: "nominal", title: "series" },
            { field: "x", type: "quantitative", title: xTitle, format: "," },
            { field: "y", type: "quantitative", title: yTitle, format: percent ? ".2%" : ".4~g" },
          ],
        },
      },
    ],
  };
  if (thinned.length > 0) {
    const note = `thinned ${thinned.join(", ")}`;
    spec.title = { text: o.title ?? "", subtitle: note };
    spec.description = `${note}: the smallest and largest y of each of ${Math.floor((maxPoints - 2) / 2).toLocaleString("en-US")} buckets`;
  } else if (o.title) spec.title = o.title;
  return spec;
}

/** Sample each f on `samples` evenly spaced points of [a, b] and draw the curves (an activation and its derivative). */
export function functionPlot(o: {
  fns: Array<{ name: string; f: (x: number) => number }>;
  domain: [number, number];
  samples?: number;
  title?: string;
  xTitle?: string;
  yTitle?: string;
}): VegaLiteSpec {
  const [a, b] = o.domain;
  const n = o.samples ?? 201;
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b))
    throw new Error(`functionPlot: domain must be [a, b] with a < b, got [${a}, ${b}]`);
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`functionPlot: samples must be an integer ≥ 2, got ${describeValue(n)}`);
  const xs = Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
  const series = o.fns.map(({ name, f }) => {
    const y = xs.map((x, i) => {
      const v = f(x);
      if (!Number.isFinite(v))
        throw new Error(`functionPlot: ${name}(${x}) = ${v} at sample ${i}; choose a domain where it is finite`);
      return v;
    });
    return { name, x: xs, y };
  });
  return lineChart({ series, title: o.title, xTitle: o.xTitle ?? "z", yTitle: o.yTitle ?? "" });
}

// ---------------------------------------------------------------------------------------------
/** A bar per category. */
export function barChart(o: {
  categories: Array<string | number>;
  values: ArrayLike<number>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
}): VegaLiteSpec {
  if (o.categories.length !== o.values.length) {
    throw new Error(`barChart: ${o.categories.length} categories but ${o.values.length} values`);
  }
  const values = Array.from(o.values, (v, i) => ({
    category: String(o.categories[i]),
    value: finite("barChart", "values", v, i),
  }));
  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    width: Math.max(200, 28 * values.length),
    height: 220,
    data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "category", type: "nominal", sort: null, title: o.xTitle ?? "", axis: { labelAngle: 0 } },
      y: { field: "value", type: "quantitative", title: o.yTitle ?? "" },
    },
  };
  if (o.title) spec.title = o.title;
  return spec;
}

// ---------------------------------------------------------------------------------------------
/**
 * A small truth table drawn as a grid: one column per input/output, one row per case; cells holding
 * 1/true are shaded.
 */
export function truthTable(o: {
  columns: string[];
  rows: Array<Array<number | boolean | string>>;
  title?: string;
}): VegaLiteSpec {
  if (o.columns.length === 0) throw new Error("truthTable: `columns` is empty");
  const values: Array<{ row: number; column: string; text: string; on: boolean }> = [];
  o.rows.forEach((r, i) => {
    if (r.length !== o.columns.length)
      throw new Error(
        `truthTable: row ${i} has ${r.length} cells but there are ${o.columns.length} columns (${o.columns.join(", ")})`,
      );
    r.forEach((v, j) => {
      const text = typeof v === "boolean" ? (v ? "1" : "0") : String(v);
      values.push({ row: i, column: o.columns[j], text, on: v === true || v === 1 || v === "1" });
    });
  });
  const x = {
    field: "column",
    type: "ordinal",
    sort: o.columns,
    title: null,
    axis: { orient: "top", labelAngle: 0, domain: false, ticks: false, labelFontSize: 13, labelFontWeight: "bold" },
  };
  const y = { field: "row", type: "ordinal", axis: null };
  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    width: 56 * o.columns.length,
    height: 28 * o.rows.length,
    data: { values },
    encoding: { x, y },
    layer: [
      {
        mark: { type: "rect", stroke: "#999", strokeWidth: 0.5 },
        encoding: {
          color: {
            field: "on",
            type: "nominal",
            scale: { domain: [false, true], range: ["#ffffff", "#cfe3f7"] },
            legend: null,
          },
        },
      },
      { mark: { type: "text", fontSize: 14 }, encoding: { text: { field: "text", type: "nominal" } } },
    ],
  };
  if (o.title) spec.title = o.title;
  return spec;
}

// ---------------------------------------------------------------------------------------------
/** A labelled point in the plane. */
export interface LabelledPoint {
  x: number;
  y: number;
  label: string | number;
}

/**
 * Points coloured by label and linear decision boundaries w1·x + w2·y + b = 0.
 * With `biasSlider`, a slider adds a shift s to every b, so the lecturer can drag the lines.
 */
export function scatterBoundary(o: {
  points: LabelledPoint[];
  boundaries?: Array<{ name: string; w: [number, number]; b: number }>;
  title?: string;
  xTitle?: string;
  yTitle?: string;
  biasSlider?: { min: number; max: number; step: number; value?: number; label?: string };
}): VegaLiteSpec {
  if (o.points.length === 0) throw new Error("scatterBoundary: `points` is empty");
  const pts = o.points.map((p, i) => ({
    x: finite("scatterBoundary", "points.x", p.x, i),
    y: finite("scatterBoundary", "points.y", p.y, i),
    label: String(p.label),
  }));
  const pad = (lo: number, hi: number): [number, number] => {
    const m = Math.max((hi - lo) * 0.15, 0.5);
    return [lo - m, hi + m];
  };
  const xDomain = pad(Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x)));
  const yDomain = pad(Math.min(...pts.map((p) => p.y)), Math.max(...pts.map((p) => p.y)));
  const lines: Array<{ name: string; w1: number; w2: number; b: number; t: number }> = [];
  (o.boundaries ?? []).forEach((bd, i) => {
    const [w1, w2] = bd.w;
    [w1, w2, bd.b].forEach((v, k) => finite("scatterBoundary", `boundaries[${i}] (${bd.name}) [w1, w2, b]`, v, k));
    if (w1 === 0 && w2 === 0)
      throw new Error(`scatterBoundary: boundary "${bd.name}" has w = [0, 0], which is not a line`);
    for (const t of [0, 1]) lines.push({ name: bd.name, w1, w2, b: bd.b, t });
  });
  const s = o.biasSlider ? "shift" : "0";
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  // A line crosses the plot either as y(x) (w2 ≠ 0) or as a vertical line x = −(b+s)/w1.
  const vertical = "abs(datum.w2) < 1e-12";
  const layers: VegaLiteSpec[] = [
    {
      data: { values: pts },
      mark: { type: "point", filled: true, size: 60, tooltip: true },
      encoding: {
        x: { field: "x", type: "quantitative", scale: { domain: xDomain }, title: o.xTitle ?? "x₁" },
        y: { field: "y", type: "quantitative", scale: { domain: yDomain }, title: o.yTitle ?? "x₂" },
        color: { field: "label", type: "nominal", title: "label" },
        shape: { field: "label", type: "nominal", title: "label" },
      },
    },
  ];
  if (lines.length > 0) {
    layers.push({
      data: { values: lines },
      transform: [
        { calculate: `${vertical} ? -(datum.b + ${s}) / datum.w1 : ${x0} + datum.t * ${x1 - x0}`, as: "lx" },
        {
          calculate: `${vertical} ? ${y0} + datum.t * ${y1 - y0} : -(datum.w1 * datum.lx + datum.b + ${s}) / datum.w2`,
          as: "ly",
        },
      ],
      mark: { type: "line", clip: true, strokeWidth: 2 },
      encoding: {
        x: { field: "lx", type: "quantitative" },
        y: { field: "ly", type: "quantitative" },
        detail: { field: "name", type: "nominal" },
        strokeDash: { field: "name", type: "nominal", title: "boundary" },
        color: { value: "#333" },
      },
    });
  }
  const spec: VegaLiteSpec = { $schema: SCHEMA, width: 360, height: 300, layer: layers };
  if (o.biasSlider) {
    const bs = o.biasSlider;
    spec.params = [
      slider("shift", {
        min: bs.min,
        max: bs.max,
        step: bs.step,
        value: bs.value ?? 0,
        label: bs.label ?? "shift of b",
      }),
    ];
  }
  if (o.title) spec.title = o.title;
  return spec;
}
