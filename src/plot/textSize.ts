/**
 * Chart text at a minimum size: a chart made for the notebook (12–14 px text) redrawn for a place that
 * shows it smaller or must be read from further away (a projected slide). Every font size of the spec
 * — axis, legend, title and header config, and each mark's own `fontSize` — is raised to at least `px`
 * (sizes already larger stay). Text marks given a `limit` (a width they are cut at) get a limit grown by
 * the same factor as their font, so a caption is not cut shorter than it was.
 */
import type { VegaLiteSpec } from "./render";

const SIZE_KEYS = new Set(["fontSize", "labelFontSize", "titleFontSize", "subtitleFontSize"]);
/** Config blocks whose text sizes Vega-Lite otherwise takes from its defaults (10–13 px). */
const CONFIG_TEXT: { [block: string]: string[] } = {
  axis: ["labelFontSize", "titleFontSize"],
  legend: ["labelFontSize", "titleFontSize"],
  header: ["labelFontSize", "titleFontSize"],
  title: ["fontSize", "subtitleFontSize"],
  text: ["fontSize"],
};

function raise(value: unknown, px: number): unknown {
  if (Array.isArray(value)) return value.map((v) => raise(v, px));
  if (value === null || typeof value !== "object") return value;
  const o = value as { [k: string]: unknown };
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === "data" || k === "datasets")
      out[k] = v; // data values are not text sizes
    else if (SIZE_KEYS.has(k) && typeof v === "number") out[k] = Math.max(v, px);
    else out[k] = raise(v, px);
  }
  // a text mark cut at `limit` pixels: grow the limit with the font
  if (o.type === "text" && typeof o.fontSize === "number" && typeof o.limit === "number" && o.fontSize < px)
    out.limit = (o.limit * px) / o.fontSize;
  return out;
}

/**
 * The spec with every text size at least `px` (chart pixels): axis labels and titles, legends, facet
 * headers, the title and text marks. `px` must be a positive number.
 */
export function withTextAtLeast(spec: VegaLiteSpec, px: number): VegaLiteSpec {
  if (!(px > 0) || !Number.isFinite(px)) throw new Error(`withTextAtLeast: px must be a positive number, got ${px}`);
  const out = raise(spec, px) as VegaLiteSpec;
  const own = (out.config ?? {}) as { [k: string]: { [k: string]: unknown } | undefined };
  const config: { [k: string]: unknown } = { ...own };
  for (const [block, keys] of Object.entries(CONFIG_TEXT)) {
    const b: { [k: string]: unknown } = { ...(own[block] ?? {}) };
    for (const k of keys) b[k] = Math.max(typeof b[k] === "number" ? (b[k] as number) : 0, px);
    config[block] = b;
  }
  return { ...out, config };
}
