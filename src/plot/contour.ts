/** A cost surface J(w₁, w₂) as a heat map, with gradient-descent paths drawn over it. */
import type { VegaLiteSpec } from "./render";
import { slider, SliderParam } from "./charts";
import { encodePng, pngDataUrl } from "./png";
import { describeValue } from "../core/describe";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** A path of points (w₁, w₂) visited by an optimiser; `value` ties it to a slider position. */
export interface SurfacePath {
  name: string;
  points: Array<[number, number]>;
  value?: number;
}

/** Viridis, 11 stops (the same scheme vega uses for the colour legend). */
const VIRIDIS = [
  "#440154",
  "#482475",
  "#414487",
  "#355f8d",
  "#2a788e",
  "#21918c",
  "#22a884",
  "#44bf70",
  "#7ad151",
  "#bddf26",
  "#fde725",
].map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));

function viridis(t: number): [number, number, number] {
  const u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const s = u - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * s)) as [number, number, number];
}

/**
 * Heat map of f over xDomain × yDomain (colour = f, log colour with `logColor` when f > 0), sampled on a
 * `resolution`×`resolution` grid and sent as ONE image (a PNG), with each path as a line with dots.
 * With `slider`, every path must carry a `value` (e.g. its learning rate) and the slider shows the
 * path(s) whose value is nearest.
 */
export function contourPath(o: {
  f: (x: number, y: number) => number;
  xDomain: [number, number];
  yDomain: [number, number];
  paths?: SurfacePath[];
  title?: string;
  resolution?: number;
  logColor?: boolean;
  xTitle?: string;
  yTitle?: string;
  slider?: { label?: string };
  width?: number;
  height?: number;
}): VegaLiteSpec {
  const [x0, x1] = o.xDomain;
  const [y0, y1] = o.yDomain;
  if (!(x0 < x1) || !(y0 < y1))
    throw new Error(`contourPath: domains must be [a, b] with a < b, got x [${x0}, ${x1}], y [${y0}, ${y1}]`);
  const n = o.resolution ?? 100;
  if (!Number.isInteger(n) || n < 2 || n > 400)
    throw new Error(`contourPath: resolution must be an integer in 2…400, got ${describeValue(n)}`);
  const width = o.width ?? 340;
  const height = o.height ?? 300;
  // J on the centres of an n×n grid; image row 0 is the top (y = y1)
  const J = new Float64Array(n * n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < n; r++) {
    const y = y1 - ((r + 0.5) * (y1 - y0)) / n;
    for (let c = 0; c < n; c++) {
      const x = x0 + ((c + 0.5) * (x1 - x0)) / n;
      const v = o.f(x, y);
      if (!Number.isFinite(v))
        throw new Error(`contourPath: f(${x}, ${y}) = ${v}; the surface must be finite on the domain`);
      if (o.logColor && v <= 0) throw new Error(`contourPath: f(${x}, ${y}) = ${v}, but logColor needs f > 0`);
      J[r * n + c] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (hi === lo) hi = lo + (o.logColor ? lo : 1);
  const tr = o.logColor ? Math.log : (v: number) => v;
  const rgb = new Uint8Array(n * n * 3);
  for (let k = 0; k < n * n; k++) rgb.set(viridis((tr(J[k]) - tr(lo)) / (tr(hi) - tr(lo))), 3 * k);
  const xs = { domain: [x0, x1], nice: false, zero: false };
  const ys = { domain: [y0, y1], nice: false, zero: false };
  const layer: VegaLiteSpec[] = [
    {
      data: { values: [{ x: x0, y: y1, url: pngDataUrl(encodePng(n, n, rgb, 3)) }] },
      mark: { type: "image", width, height, aspect: false, align: "left", baseline: "top" },
      encoding: {
        x: { field: "x", type: "quantitative", scale: xs, title: o.xTitle ?? "w₁" },
        y: { field: "y", type: "quantitative", scale: ys, title: o.yTitle ?? "w₂" },
        url: { field: "url", type: "nominal" },
      },
    },
    {
      // invisible, only to give the colour legend of the image its scale
      data: { values: [{ J: lo }, { J: hi }] },
      mark: { type: "rule", strokeOpacity: 0 },
      encoding: {
        x: { datum: x0, type: "quantitative" },
        color: {
          field: "J",
          type: "quantitative",
          title: "J",
          scale: o.logColor
            ? { scheme: "viridis", type: "log", domain: [lo, hi], nice: false }
            : { scheme: "viridis", domain: [lo, hi], nice: false, zero: false },
        },
      },
    },
  ];
  const paths = o.paths ?? [];
  let params: SliderParam[] | undefined;
  if (paths.length > 0) {
    const rows: Array<{ path: string; step: number; x: number; y: number; value: number }> = [];
    paths.forEach((p, k) => {
      if (o.slider && !Number.isFinite(p.value))
        throw new Error(
          `contourPath: with a slider every path needs a finite value; path ${k} ("${p.name}") has ${p.value}`,
        );
      p.points.forEach(([x, y], s) => {
        if (!Number.isFinite(x) || !Number.isFinite(y))
          throw new Error(`contourPath: path "${p.name}" point ${s} is (${x}, ${y}); points must be finite`);
        rows.push({ path: p.name, step: s, x, y, value: p.value ?? 0 });
      });
    });
    const transform: VegaLiteSpec[] = [];
    if (o.slider) {
      const vals = [...new Set(paths.map((p) => p.value as number))].sort((a, b) => a - b);
      let step = Infinity;
      for (let i = 1; i < vals.length; i++) step = Math.min(step, vals[i] - vals[i - 1]);
      if (!Number.isFinite(step)) step = 1;
      params = [
        slider("pathValue", {
          min: vals[0],
          max: vals[vals.length - 1] + (vals.length === 1 ? 1 : 0),
          step,
          value: vals[0],
          label: o.slider.label ?? "value",
        }),
      ];
      transform.push({ filter: `abs(datum.value - pathValue) < ${step / 2}` });
    }
    const enc = {
      x: { field: "x", type: "quantitative", scale: xs },
      y: { field: "y", type: "quantitative", scale: ys },
      order: { field: "step", type: "quantitative" },
      color: { field: "path", type: "nominal", title: "path", scale: { scheme: "set1" } },
    };
    layer.push({
      data: { values: rows },
      transform,
      mark: { type: "line", clip: true, strokeWidth: 2 },
      encoding: enc,
    });
    layer.push({
      data: { values: rows },
      transform,
      mark: { type: "point", clip: true, filled: true, size: 18, tooltip: true },
      encoding: {
        x: enc.x,
        y: enc.y,
        color: { ...enc.color, legend: null },
        detail: { field: "path", type: "nominal" },
      },
    });
  }
  const spec: VegaLiteSpec = { $schema: SCHEMA, width, height, layer, resolve: { scale: { color: "independent" } } };
  if (params) spec.params = params;
  if (o.title) spec.title = o.title;
  return spec;
}
