/**
 * Pictures of pixels: digit grids, a weight vector as a 28×28 heat map, a confusion matrix.
 */
import type { VegaLiteSpec } from "./render";
import { encodePng, pngDataUrl } from "./png";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Anything with rows × cols numbers in row-major `data` (a Matrix). */
export interface ChartMatrix {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

function isMatrixLike(m: unknown): m is ChartMatrix {
  return (
    !!m &&
    typeof m === "object" &&
    typeof (m as ChartMatrix).rows === "number" &&
    typeof (m as ChartMatrix).cols === "number" &&
    !!(m as ChartMatrix).data
  );
}

function imagesOf(images: ChartMatrix | ArrayLike<number>[]): ArrayLike<number>[] {
  if (isMatrixLike(images)) {
    const { rows, cols, data } = images;
    const out: ArrayLike<number>[] = [];
    for (let i = 0; i < rows; i++) {
      out.push(
        data instanceof Float32Array || data instanceof Float64Array
          ? data.subarray(i * cols, (i + 1) * cols)
          : Array.prototype.slice.call(data, i * cols, (i + 1) * cols),
      );
    }
    return out;
  }
  if (!Array.isArray(images))
    throw new Error("imageGrid: `images` must be a Matrix (n×784) or an array of pixel arrays");
  return images;
}

/** Blue (−) – white (0) – red (+), t ∈ [−1, 1]. */
function diverging(t: number): [number, number, number] {
  const u = Math.max(-1, Math.min(1, t));
  const lerp = (a: number, b: number, s: number) => Math.round(a + (b - a) * s);
  return u < 0
    ? [lerp(255, 33, -u), lerp(255, 102, -u), lerp(255, 172, -u)]
    : [lerp(255, 178, u), lerp(255, 24, u), lerp(255, 43, u)];
}

/**
 * A grid of small images (28×28 digits), gray scale (ink dark on white; pixel values in [0, 1], other
 * ranges are stretched per image) or, with `diverging`, blue–white–red on one symmetric scale
 * [−m, m] shared by all images (weight images). Each image is one PNG image mark; `captions[i]`
 * (label, prediction, score) is written under image i. Hovering image i shows a tooltip beside it (never
 * over it): its position "i+1 of n", its caption and `details[i]` (name → value, e.g. label, prediction,
 * probability, index in the data set; every image names the same fields).
 */
export function imageGrid(o: {
  images: ChartMatrix | ArrayLike<number>[];
  captions?: string[];
  columns?: number;
  title?: string;
  diverging?: boolean;
  shape?: [number, number];
  size?: number;
  details?: Array<{ [field: string]: string | number }>;
}): VegaLiteSpec {
  const imgs = imagesOf(o.images);
  const n = imgs.length;
  if (n === 0) throw new Error("imageGrid: no images");
  if (n > 400) throw new Error(`imageGrid: ${n} images is too many for one chart (at most 400); pass a subset`);
  const len = imgs[0].length;
  const side = Math.round(Math.sqrt(len));
  const [h, w] = o.shape ?? [side, side];
  if (h * w !== len)
    throw new Error(
      `imageGrid: images have ${len} pixels, which is not ${o.shape ? `${h}×${w}` : "a square"}; pass shape: [height, width]`,
    );
  if (o.captions && o.captions.length !== n)
    throw new Error(`imageGrid: ${n} images but ${o.captions.length} captions`);
  const fields = detailFields(o.details, n);
  const columns = Math.min(o.columns ?? 10, n);
  const size = o.size ?? 2 * Math.max(h, w); // pixels on screen per image side
  const captionH = o.captions ? 16 : 0;
  const gap = 6;
  let m = 0;
  if (o.diverging) for (const img of imgs) for (let k = 0; k < img.length; k++) m = Math.max(m, Math.abs(img[k]));
  const values = imgs.map((img, i) => {
    if (img.length !== len) throw new Error(`imageGrid: image ${i} has ${img.length} pixels, image 0 has ${len}`);
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < len; k++) {
      const v = img[k];
      if (!Number.isFinite(v)) throw new Error(`imageGrid: image ${i} pixel ${k} is ${v}`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    let png: Buffer;
    if (o.diverging) {
      const rgb = new Uint8Array(len * 3);
      for (let k = 0; k < len; k++) rgb.set(diverging(m > 0 ? img[k] / m : 0), 3 * k);
      png = encodePng(w, h, rgb, 3);
    } else {
      // values in [0, 1] as they are; anything else stretched to [0, 1]
      const [a, b] = lo >= 0 && hi <= 1 ? [0, 1] : [lo, hi > lo ? hi : lo + 1];
      const gray = new Uint8Array(len);
      for (let k = 0; k < len; k++) gray[k] = Math.round(255 * (1 - (img[k] - a) / (b - a)));
      png = encodePng(w, h, gray, 1);
    }
    const col = i % columns;
    const row = Math.floor(i / columns);
    return {
      i,
      px: col * (size + gap),
      py: row * (size + captionH + gap),
      url: pngDataUrl(png),
      caption: o.captions ? o.captions[i] : "",
      position: `${i + 1} of ${n}`,
      ...Object.fromEntries(fields.map((f, k) => [`detail${k}`, String(o.details![i][f])])),
    };
  });
  const rows = Math.ceil(n / columns);
  const x = { field: "px", type: "quantitative", scale: null, axis: null };
  const y = { field: "py", type: "quantitative", scale: null, axis: null };
  const layer: VegaLiteSpec[] = [
    {
      mark: { type: "image", width: size, height: size, align: "left", baseline: "top", smooth: false },
      encoding: {
        x,
        y,
        url: { field: "url", type: "nominal" },
        tooltip: [
          { field: "position", type: "nominal", title: "position" },
          ...(o.captions ? [{ field: "caption", type: "nominal", title: "caption" }] : []),
          ...fields.map((f, k) => ({ field: `detail${k}`, type: "nominal", title: f })),
        ],
      },
    },
  ];
  if (o.captions) {
    layer.push({
      transform: [
        { calculate: `datum.py + ${size + 2}`, as: "ty" },
        { calculate: `datum.px + ${size / 2}`, as: "tx" },
      ],
      mark: { type: "text", baseline: "top", align: "center", fontSize: 10, limit: size + gap },
      encoding: {
        x: { field: "tx", type: "quantitative", scale: null, axis: null },
        y: { field: "ty", type: "quantitative", scale: null, axis: null },
        text: { field: "caption", type: "nominal" },
      },
    });
  }
  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    width: columns * (size + gap) - gap,
    height: rows * (size + captionH + gap) - gap,
    data: { values },
    layer,
    config: { view: { stroke: null } },
    // vega-embed reads these: the tooltip beside the hovered image, never over it (see tooltipBeside)
    usermeta: { embedOptions: { tooltip: tooltipBeside(size) } },
  };
  if (o.title) spec.title = o.title;
  return spec;
}

/**
 * vega-tooltip's options that keep a tooltip off a mark `width` pixels wide: placed at the pointer,
 * `width` + 12 px to its right (or, where it does not fit, as far to its left), so wherever the pointer
 * is on the mark the tooltip clears it. (At the pointer, not at the mark's bounds: those are wrong in a
 * chart enlarged with CSS zoom, as on slides, which scale these offsets instead.)
 */
export function tooltipBeside(width: number): { anchor: "cursor"; offsetX: number; offsetY: number } {
  return { anchor: "cursor", offsetX: width + 12, offsetY: 10 };
}

/** The field names of imageGrid's `details` (one object per image, all with the same names). */
function detailFields(details: Array<{ [field: string]: string | number }> | undefined, n: number): string[] {
  if (!details) return [];
  if (details.length !== n) throw new Error(`imageGrid: ${n} images but ${details.length} details`);
  const fields = Object.keys(details[0] ?? {});
  details.forEach((d, i) => {
    const names = Object.keys(d ?? {});
    if (names.length !== fields.length || names.some((f) => !fields.includes(f)))
      throw new Error(
        `imageGrid: details[${i}] has fields ${names.join(", ") || "(none)"}; details[0] has ${fields.join(", ")}`,
      );
    for (const f of fields)
      if (typeof d[f] !== "string" && !(typeof d[f] === "number" && Number.isFinite(d[f])))
        throw new Error(`imageGrid: details[${i}].${f} is ${String(d[f])}; want a string or a finite number`);
  });
  return fields;
}

/**
 * A weight vector w (784 numbers, or a 1×784 / 28×28 Matrix) as a 28×28 heat map: blue negative,
 * red positive, on the symmetric domain [−max|w|, max|w|] so white means 0.
 */
export function weightImage(o: {
  values: ChartMatrix | ArrayLike<number>;
  title?: string;
  shape?: [number, number];
  size?: number;
}): VegaLiteSpec {
  const v = isMatrixLike(o.values) ? o.values.data : o.values;
  const side = Math.round(Math.sqrt(v.length));
  const [h, w] = o.shape ?? [side, side];
  if (h * w !== v.length) {
    const hint =
      isMatrixLike(o.values) && o.values.rows > 1 && o.values.cols > 1 && o.values.rows !== o.values.cols
        ? ` (a ${o.values.rows}×${o.values.cols} matrix: pass one row, e.g. W.row(k))`
        : "";
    throw new Error(
      `weightImage: ${v.length} values is not ${o.shape ? `${h}×${w}` : "a square image"}${hint}; pass shape: [height, width]`,
    );
  }
  let m = 0;
  const values: Array<{ r: number; c: number; w: number }> = [];
  for (let k = 0; k < v.length; k++) {
    if (!Number.isFinite(v[k]))
      throw new Error(`weightImage: value ${k} (row ${Math.floor(k / w)}, column ${k % w}) is ${v[k]}`);
    m = Math.max(m, Math.abs(v[k]));
    values.push({ r: Math.floor(k / w), c: k % w, w: v[k] });
  }
  if (m === 0) m = 1;
  const px = o.size ?? 8;
  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    width: w * px,
    height: h * px,
    data: { values },
    mark: { type: "rect" },
    encoding: {
      x: { field: "c", type: "ordinal", axis: null },
      y: { field: "r", type: "ordinal", axis: null },
      color: {
        field: "w",
        type: "quantitative",
        title: "weight",
        scale: { scheme: "redblue", reverse: true, domain: [-m, m], domainMid: 0 },
      },
      tooltip: [
        { field: "r", type: "ordinal", title: "row" },
        { field: "c", type: "ordinal", title: "column" },
        { field: "w", type: "quantitative", format: ".4f" },
      ],
    },
    config: { view: { stroke: null } },
  };
  if (o.title) spec.title = o.title;
  return spec;
}

/**
 * A K×K confusion matrix (rows: true class, columns: predicted class) as a heat map with the count
 * written in each cell.
 */
export function confusionMatrixChart(o: {
  matrix: ChartMatrix | ArrayLike<number>[];
  labels?: string[];
  title?: string;
}): VegaLiteSpec {
  let K: number;
  let at: (i: number, j: number) => number;
  if (isMatrixLike(o.matrix)) {
    const mm = o.matrix;
    if (mm.rows !== mm.cols)
      throw new Error(`confusionMatrixChart: the matrix must be square (K×K), got ${mm.rows}×${mm.cols}`);
    K = mm.rows;
    at = (i, j) => mm.data[i * K + j];
  } else {
    const rows = o.matrix;
    K = rows.length;
    rows.forEach((r, i) => {
      if (r.length !== K)
        throw new Error(`confusionMatrixChart: row ${i} has ${r.length} entries; a ${K}×${K} matrix needs ${K}`);
    });
    at = (i, j) => rows[i][j];
  }
  if (K === 0) throw new Error("confusionMatrixChart: empty matrix");
  const labels = o.labels ?? Array.from({ length: K }, (_, i) => String(i));
  if (labels.length !== K) throw new Error(`confusionMatrixChart: ${labels.length} labels for a ${K}×${K} matrix`);
  const values: Array<{ actual: string; predicted: string; count: number }> = [];
  let max = 0;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const c = at(i, j);
      if (!Number.isFinite(c) || c < 0)
        throw new Error(`confusionMatrixChart: entry (${i}, ${j}) is ${c}; counts must be finite and ≥ 0`);
      max = Math.max(max, c);
      values.push({ actual: labels[i], predicted: labels[j], count: c });
    }
  }
  const x = {
    field: "predicted",
    type: "ordinal",
    sort: labels,
    title: "predicted class",
    axis: { orient: "top", labelAngle: 0 },
  };
  const y = { field: "actual", type: "ordinal", sort: labels, title: "true class" };
  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    width: 30 * K,
    height: 30 * K,
    data: { values },
    encoding: { x, y },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: {
            field: "count",
            type: "quantitative",
            scale: { scheme: "blues", domain: [0, Math.max(max, 1)] },
            title: "count",
          },
        },
      },
      {
        mark: { type: "text", fontSize: K > 12 ? 8 : 11 },
        encoding: {
          text: { field: "count", type: "quantitative" },
          color: { condition: { test: `datum.count > ${max / 2}`, value: "white" }, value: "black" },
        },
      },
    ],
  };
  if (o.title) spec.title = o.title;
  return spec;
}
