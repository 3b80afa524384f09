/**
 * Vega-Lite specs → checked Vega specs → static SVG, in the kernel (no browser needed).
 *
 * `compileSpec` compiles with vega-lite and treats every vega-lite warning as an error, so a bad
 * spec fails loudly before anything is displayed; `renderSvg` runs the compiled spec through a vega
 * View synchronously and returns the SVG text.
 */

/** A Vega-Lite spec: plain JSON (what the builders in src/plot return). */
export type VegaLiteSpec = { [key: string]: unknown };

interface Logger {
  level(l?: number): unknown;
  error(...a: unknown[]): Logger;
  warn(...a: unknown[]): Logger;
  info(...a: unknown[]): Logger;
  debug(...a: unknown[]): Logger;
}

interface VegaLiteModule {
  version: string;
  compile(spec: unknown, options?: { logger?: Logger }): { spec: CompiledVegaSpec };
}
/** A compiled Vega (not Vega-Lite) spec. */
export type CompiledVegaSpec = { [key: string]: unknown };

/** The parts of a vega View that Descent uses (a headless view of one chart). */
export interface ChartView {
  run(): ChartView;
  finalize(): void;
  padding(): { left: number; right: number; top: number; bottom: number };
  background(): unknown;
  loader(): unknown;
  signal(name: string, value?: unknown): unknown;
  scenegraph(): { root: unknown };
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
}
interface Renderer {
  initialize(el: null, width: number, height: number, origin: [number, number], scale?: number): Renderer;
  background(bg: unknown): Renderer;
  render(scene: unknown): Renderer;
  svg(): string | null;
}
interface VegaModule {
  version: string;
  parse(spec: CompiledVegaSpec, config?: unknown, options?: { ast?: boolean }): unknown;
  View: new (runtime: unknown, options: { renderer: "none"; logger?: Logger; logLevel?: number }) => ChartView;
  SVGStringRenderer: new (loader: unknown) => Renderer;
}

// The CommonJS builds (vega's ESM entry does not load in tslab), loaded on first use: importing
// ./src/index stays fast for code that draws nothing.
let vlModule: VegaLiteModule | null = null;
let vegaModule: VegaModule | null = null;
function vl(): VegaLiteModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (vlModule ??= require("vega-lite") as VegaLiteModule);
}
function vg(): VegaModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (vegaModule ??= require("vega") as VegaModule);
}

/** The versions of vega and vega-lite that draw the charts. */
export function vegaVersions(): { vega: string; vegaLite: string } {
  return { vega: vg().version, vegaLite: vl().version };
}

/** A spec that vega-lite or vega rejects or warns about. */
export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SpecError";
  }
}

function text(a: unknown[]): string {
  return a.map((x) => (x instanceof Error ? x.message : typeof x === "string" ? x : JSON.stringify(x))).join(" ");
}

/** A logger that collects warnings and errors instead of printing them. */
function collectingLogger(into: string[]): Logger {
  const logger: Logger = {
    level: () => logger,
    error: (...a) => (into.push(text(a)), logger),
    warn: (...a) => (into.push(text(a)), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

function titleOf(spec: VegaLiteSpec): string {
  const t = spec.title;
  if (typeof t === "string") return `"${t}"`;
  if (t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string" && (t as { text: string }).text)
    return `"${(t as { text: string }).text}"`;
  return "(untitled)";
}

const NON_DATA_FIELDS = new Set(["key", "value"]);
const MARKS = new Set([
  "arc",
  "area",
  "bar",
  "boxplot",
  "circle",
  "errorband",
  "errorbar",
  "geoshape",
  "image",
  "line",
  "point",
  "rect",
  "rule",
  "square",
  "text",
  "tick",
  "trail",
]);
const TYPES = new Set(["quantitative", "ordinal", "nominal", "temporal", "geojson"]);

/** Mark and field types vega-lite reports without naming where they are. */
function lintTypes(spec: VegaLiteSpec, path: string, out: string[]): void {
  const m = spec.mark;
  const mt = typeof m === "string" ? m : m && typeof m === "object" ? (m as { type?: unknown }).type : undefined;
  if (m !== undefined && (typeof mt !== "string" || !MARKS.has(mt))) {
    out.push(`${path}mark ${JSON.stringify(mt)} is not a mark type (one of ${[...MARKS].join(", ")})`);
  }
  const enc = spec.encoding as { [ch: string]: unknown } | undefined;
  for (const [ch, def] of Object.entries(enc ?? {})) {
    for (const d of Array.isArray(def) ? def : [def]) {
      const t = d && typeof d === "object" ? (d as { type?: unknown }).type : undefined;
      if (t !== undefined && (typeof t !== "string" || !TYPES.has(t))) {
        out.push(
          `${path}encoding.${ch}.type ${JSON.stringify(t)} is not a field type (one of ${[...TYPES].join(", ")})`,
        );
      }
    }
  }
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const subs = spec[key];
    if (Array.isArray(subs)) subs.forEach((sub, i) => lintTypes(sub as VegaLiteSpec, `${path}${key}[${i}].`, out));
  }
  if (spec.spec && typeof spec.spec === "object") lintTypes(spec.spec as VegaLiteSpec, `${path}spec.`, out);
}

/**
 * Encoded fields that the inline data does not have: vega-lite silently draws nothing for them,
 * so we name them. Skipped where transforms may create fields we cannot see.
 */
function missingFields(
  spec: VegaLiteSpec,
  inherited: Array<{ [k: string]: unknown }> | null,
  path: string,
  out: string[],
): void {
  const data = spec.data as { values?: unknown } | undefined;
  let rows = inherited;
  if (data && Array.isArray(data.values)) rows = data.values as Array<{ [k: string]: unknown }>;
  else if (data) rows = null;
  const created = new Set<string>();
  let opaque = false;
  for (const t of (spec.transform as Array<{ [k: string]: unknown }> | undefined) ?? []) {
    const as = t.as;
    if (typeof as === "string") created.add(as);
    else if (Array.isArray(as)) as.forEach((a) => typeof a === "string" && created.add(a));
    else if (t.fold) NON_DATA_FIELDS.forEach((k) => created.add(k));
    else if (Array.isArray(t.flatten)) {
      /* flatten unfolds array fields into rows under the same names */
    } else if (t.filter === undefined) opaque = true;
    const agg = t.aggregate as Array<{ as?: string }> | undefined;
    if (Array.isArray(agg)) agg.forEach((a) => a.as && created.add(a.as));
    const win = t.window as Array<{ as?: string }> | undefined;
    if (Array.isArray(win)) win.forEach((a) => a.as && created.add(a.as));
    if (Array.isArray(t.groupby)) (t.groupby as string[]).forEach((g) => created.add(g));
  }
  const enc = spec.encoding as { [ch: string]: unknown } | undefined;
  if (rows && rows.length > 0 && enc && !opaque) {
    const first = rows[0];
    if (first && typeof first === "object") {
      const check = (ch: string, def: unknown) => {
        if (!def || typeof def !== "object") return;
        const f = (def as { field?: unknown }).field;
        if (typeof f === "string" && !(f in first) && !created.has(f) && !f.includes(".") && !f.includes("[")) {
          out.push(
            `${path}encoding.${ch}.field "${f}" is not a column of the data (columns: ${Object.keys(first).join(", ")})`,
          );
        }
      };
      for (const [ch, def] of Object.entries(enc)) {
        if (Array.isArray(def)) def.forEach((d) => check(ch, d));
        else check(ch, def);
      }
    }
  }
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const subs = spec[key];
    if (Array.isArray(subs))
      subs.forEach((s, i) => missingFields(s as VegaLiteSpec, rows, `${path}${key}[${i}].`, out));
  }
  if (spec.spec && typeof spec.spec === "object") missingFields(spec.spec as VegaLiteSpec, rows, `${path}spec.`, out);
}

/**
 * Compile a Vega-Lite spec to a Vega spec. Throws a SpecError naming the chart and every problem
 * (vega-lite errors and warnings, encoded fields missing from the data).
 */
export function compileSpec(spec: VegaLiteSpec): CompiledVegaSpec {
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) {
    throw new SpecError(
      `compileSpec: expected a Vega-Lite spec object, got ${Array.isArray(spec) ? "an array" : typeof spec}`,
    );
  }
  const problems: string[] = [];
  missingFields(spec, null, "", problems);
  lintTypes(spec, "", problems);
  if (problems.length > 0)
    throw new SpecError(`Vega-Lite spec ${titleOf(spec)} is invalid:\n  - ${problems.join("\n  - ")}`);
  let compiled: CompiledVegaSpec | null = null;
  try {
    compiled = vl().compile(spec, { logger: collectingLogger(problems) }).spec;
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0 || !compiled) {
    throw new SpecError(`Vega-Lite spec ${titleOf(spec)} is invalid:\n  - ${problems.join("\n  - ")}`);
  }
  return compiled;
}

/** A running vega View of the spec (renderer "none"); call `finalize()` when done. */
export function viewOf(spec: VegaLiteSpec): ChartView {
  const compiled = compileSpec(spec);
  const problems: string[] = [];
  let view: ChartView;
  try {
    const vega = vg();
    view = new vega.View(vega.parse(compiled), { renderer: "none", logger: collectingLogger(problems), logLevel: 2 });
    view.run();
  } catch (e) {
    throw new SpecError(`Vega could not run the chart ${titleOf(spec)}: ${(e as Error).message}`);
  }
  if (problems.length > 0) {
    view.finalize();
    throw new SpecError(`Vega warned while drawing the chart ${titleOf(spec)}:\n  - ${problems.join("\n  - ")}`);
  }
  return view;
}

/**
 * The name of a layer that only serves the pointer (a tooltip's invisible points): drawn interactively, never in a
 * static SVG.
 */
export const HOVER_LAYER = "hover";

/**
 * The spec without its HOVER_LAYER layers (a picture has no pointer; thousands of invisible points would only add
 * bytes).
 */
export function staticSpec(spec: VegaLiteSpec): VegaLiteSpec {
  const out: VegaLiteSpec = { ...spec };
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const subs = spec[key];
    if (Array.isArray(subs))
      out[key] = (subs as VegaLiteSpec[])
        .filter((s) => !(key === "layer" && s && s.name === HOVER_LAYER))
        .map(staticSpec);
  }
  if (spec.spec && typeof spec.spec === "object") out.spec = staticSpec(spec.spec as VegaLiteSpec);
  return out;
}

/** The chart as SVG text, rendered synchronously in the kernel (same as vega's view.toSVG()); hover layers left out. */
export function renderSvg(spec: VegaLiteSpec, scale = 1): string {
  const view = viewOf(staticSpec(spec));
  try {
    return viewToSvg(view, scale);
  } finally {
    view.finalize();
  }
}

/** SVG of an already-run view (for tests that change signals first). */
export function viewToSvg(view: ChartView, scale = 1): string {
  const p = view.padding();
  const w = Math.max(0, view._viewWidth + p.left + p.right);
  const h = Math.max(0, view._viewHeight + p.top + p.bottom);
  const r = new (vg().SVGStringRenderer)(view.loader())
    .initialize(null, w, h, [p.left + view._origin[0], p.top + view._origin[1]], scale)
    .background(view.background());
  preloadImages(view.scenegraph().root);
  r.render(view.scenegraph().root);
  const svg = r.svg();
  if (!svg) throw new SpecError("renderSvg: vega produced no SVG");
  return svg;
}

type SceneNode = {
  marktype?: string;
  items?: SceneNode[];
  url?: string;
  image?: unknown;
  width?: number;
  height?: number;
};

/**
 * Image marks load their URL asynchronously, so a synchronous render would leave them empty; our
 * images are data: URLs with explicit sizes, so hand each item its image up front.
 */
function preloadImages(node: unknown): void {
  const n = node as SceneNode;
  if (!n || !Array.isArray(n.items)) return;
  for (const item of n.items) {
    if (n.marktype === "image" && typeof item.url === "string" && !item.image) {
      item.image = { complete: true, src: item.url, url: item.url, width: item.width ?? 0, height: item.height ?? 0 };
    }
    preloadImages(item);
  }
}

function markTypes(spec: VegaLiteSpec, into: Set<string>): void {
  const m = spec.mark;
  if (typeof m === "string") into.add(m);
  else if (m && typeof m === "object" && typeof (m as { type?: unknown }).type === "string")
    into.add((m as { type: string }).type);
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const subs = spec[key];
    if (Array.isArray(subs)) subs.forEach((s) => markTypes(s as VegaLiteSpec, into));
  }
  if (spec.spec && typeof spec.spec === "object") markTypes(spec.spec as VegaLiteSpec, into);
}

/** The fields a spec's `flatten` transform unfolds (one row per array entry), if any. */
function flattened(spec: VegaLiteSpec): string[] {
  for (const t of (spec.transform as Array<{ flatten?: unknown }> | undefined) ?? []) {
    if (Array.isArray(t.flatten)) return t.flatten.filter((f): f is string => typeof f === "string");
  }
  return [];
}

function countRows(spec: VegaLiteSpec): number {
  let n = 0;
  const data = spec.data as { values?: unknown } | undefined;
  const flat = flattened(spec);
  if (data && Array.isArray(data.values)) {
    // a row whose flattened field holds an array stands for that many data points
    for (const row of data.values as Array<{ [k: string]: unknown }>) {
      const arr = flat.length > 0 && row && typeof row === "object" ? row[flat[0]] : undefined;
      n += Array.isArray(arr) ? arr.length : 1;
    }
  }
  const datasets = spec.datasets as { [k: string]: unknown } | undefined;
  if (datasets) for (const v of Object.values(datasets)) if (Array.isArray(v)) n += v.length;
  for (const key of ["layer", "hconcat", "vconcat", "concat"]) {
    const subs = spec[key];
    if (Array.isArray(subs)) subs.forEach((s) => (n += countRows(s as VegaLiteSpec)));
  }
  if (spec.spec && typeof spec.spec === "object") n += countRows(spec.spec as VegaLiteSpec);
  return n;
}

/** One line for text/plain: title, mark types, number of data points. */
export function describeSpec(spec: VegaLiteSpec): string {
  const marks = new Set<string>();
  markTypes(staticSpec(spec), marks); // the marks drawn (a hover layer is not)
  const n = countRows(spec);
  const t = titleOf(spec);
  const note = typeof spec.description === "string" && spec.description ? ` — ${spec.description}` : "";
  return `Chart ${t}: ${[...marks].join(" + ") || "no"} marks, ${n} data point${n === 1 ? "" : "s"}${note}`;
}
