/**
 * show(spec): validate a Vega-Lite spec, render it to SVG in the kernel, and send ONE display with
 * every representation a front end may pick:
 *   image/svg+xml                      static picture (exported HTML, GitHub, any viewer)
 *   application/vnd.vegalite.v5+json   the spec (JupyterLab and VS Code draw it interactively)
 *   text/html                          static SVG upgraded by vega-embed (classic Notebook), offline
 *   text/plain                         one line: title, marks, number of points
 */
import { displayBundle, MimeBundle, newDisplayId, onFrontendConnect } from "./display";
import { chartHtml, sharedLibraries, svgDataUrl } from "./html";
import { compactSvgPaths } from "./svgPaths";
import { describeSpec, renderSvg, SpecError, VegaLiteSpec } from "./render";
import { describeValue } from "../core/describe";

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

const STATE = "__descentVegaLibrariesSent";
type State = { [STATE]?: boolean };

/**
 * Whether this kernel has already given the vega libraries (inline, or the shared copy's address) to the page connected
 * now.
 */
export function librariesSent(): boolean {
  return (globalThis as State)[STATE] === true;
}
/** Forget that the libraries were sent: the next chart carries them again. */
export function resetLibraries(): void {
  (globalThis as State)[STATE] = false;
}
function markLibrariesSent(): void {
  (globalThis as State)[STATE] = true;
}
// A page that (re)loads sends kernel_info_request: it has lost the libraries, send them again.
onFrontendConnect(resetLibraries);

/** A spec must be a plain object (what lineChart, barChart, … return); anything else is named before it is used. */
function checkSpecArgument(who: string, spec: unknown): void {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec) || ArrayBuffer.isView(spec)) {
    throw new SpecError(
      `${who}: expected a Vega-Lite spec (an object, such as d.lineChart({ … }) returns), got ${describeValue(spec)}`,
    );
  }
}

/** The $schema every spec gets if it has none. */
const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/**
 * Axis and legend text at 12–13 px (Vega-Lite's default is 10–11): read on a phone at full size, and at
 * 16 px or more on a projected slide (which enlarges charts 1.4×). A spec's own config wins.
 */
export const READABLE_TEXT = {
  axis: { labelFontSize: 12, titleFontSize: 13 },
  legend: { labelFontSize: 12, titleFontSize: 12 },
  title: { fontSize: 14 },
} as const;

function readableText(spec: VegaLiteSpec): VegaLiteSpec {
  const own = (spec.config ?? {}) as { [k: string]: { [k: string]: unknown } | undefined };
  const config: { [k: string]: unknown } = { ...own };
  for (const [k, v] of Object.entries(READABLE_TEXT)) config[k] = { ...v, ...(own[k] ?? {}) };
  return { ...spec, config };
}

/**
 * The four-part bundle of a chart. Throws (before anything is displayed) if the spec is invalid.
 * `libraries`: inline vega, vega-lite and vega-embed in the HTML; `sharedVersion`: load the shared
 * copy instead (see html.ts); `interactive: false` leaves the HTML static (no scripts). The SVG's
 * polylines are written compactly (svgPaths.ts).
 */
export function chartBundle(
  spec: VegaLiteSpec,
  options: { libraries?: boolean; interactive?: boolean; id?: string; sharedVersion?: string | null } = {},
): MimeBundle {
  checkSpecArgument("show", spec);
  const full: VegaLiteSpec = readableText(spec.$schema ? spec : { $schema: SCHEMA, ...spec });
  const svg = compactSvgPaths(renderSvg(full));
  const description = describeSpec(full);
  return {
    "image/svg+xml": svg,
    [VEGALITE_MIME]: full,
    "text/html": chartHtml({
      id: options.id ?? `descent-chart-${newDisplayId()}`,
      spec: full,
      svg,
      description,
      libraries: options.libraries === true,
      interactive: options.interactive,
      sharedVersion: options.sharedVersion,
    }),
    "text/plain": description,
  };
}

/**
 * Display a Vega-Lite spec in the notebook (one display, all four MIME types). Outside a notebook
 * (node, tsx) it prints the one-line description instead.
 */
export function show(spec: VegaLiteSpec): void {
  // Shared libraries (a file the notebook server serves) where possible; else inline them once per page.
  const shared = sharedLibraries();
  const libraries = shared === null && !librariesSent();
  const bundle = chartBundle(spec, { libraries, sharedVersion: shared?.version ?? null });
  if (displayBundle(bundle)) {
    if (libraries || shared) markLibrariesSent(); // inlined now, or the page loads the shared copy
  } else {
    console.log(bundle["text/plain"]);
  }
}

/** The bundle of a hand-drawn SVG picture: the SVG itself, an <img> of it for HTML, and its description. */
export function svgBundle(svg: string, description: string): MimeBundle {
  if (!/^\s*<svg[\s>]/.test(svg))
    throw new Error(`showSvg: expected SVG text starting with <svg, got "${svg.slice(0, 30)}…"`);
  const alt = description.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return {
    "image/svg+xml": svg,
    // Exported HTML and the classic Notebook's sanitiser strip inline <svg> content; an image keeps it.
    "text/html": `<img src="${svgDataUrl(svg)}" alt="${alt}">`,
    "text/plain": description,
  };
}

/**
 * Display a hand-drawn SVG picture (a diagram, not a chart) so that it shows everywhere a notebook is
 * read, like `show` does for charts. Outside a notebook it prints the description.
 */
export function showSvg(svg: string, description: string): void {
  const bundle = svgBundle(svg, description);
  if (!displayBundle(bundle)) console.log(description);
}
