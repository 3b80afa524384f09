/**
 * The text/html part of a chart: the static SVG as an image (shown everywhere, even untrusted or
 * exported), upgraded in place to an interactive vega-embed view where scripts may run.
 *
 * No CDN: vega, vega-lite and vega-embed come from the project's node_modules. Their UMD builds are
 * inlined ONCE per front-end connection, in the first chart's HTML (a script that defines
 * window.vega, window.vegaLite, window.vegaEmbed and fires "descent-vega-ready"); every chart's
 * script upgrades as soon as those globals exist, so charts of a reopened notebook upgrade when the
 * (saved) first output runs its script, or when any later chart brings the libraries again.
 */
import * as fs from "fs";
import * as path from "path";

/** HTML-escape text for element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that is safe inside a <script> element (no "</script>", no "<!--"). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The SVG as a data: URL for <img src> (the sanitiser of untrusted notebooks keeps it). */
export function svgDataUrl(svg: string): string {
  return "data:image/svg+xml;base64," + Buffer.from(svg, "utf8").toString("base64");
}

const LIBRARY_FILES: Array<[string, string]> = [
  ["vega", "vega.min.js"],
  ["vega-lite", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
];

let librarySource: string | null = null;

/** Directory of a package's build/ folder (its CommonJS main lives there). */
function buildDir(pkg: string): string {
  return path.dirname(require.resolve(pkg));
}

/**
 * One script (without the <script> tags) that defines window.vega, window.vegaLite and
 * window.vegaEmbed from the project's copies, hiding RequireJS's `define` (the classic Notebook
 * loads RequireJS, which would otherwise capture the UMD modules), then dispatches
 * "descent-vega-ready" on window. Does nothing if the same versions are already loaded.
 */
export function libraryScript(): string {
  if (librarySource !== null) return librarySource;
  const parts: string[] = [];
  const versions: string[] = [];
  for (const [pkg, file] of LIBRARY_FILES) {
    const p = path.join(buildDir(pkg), file);
    let src: string;
    try {
      src = fs.readFileSync(p, "utf8");
    } catch (e) {
      throw new Error(`Descent charts: cannot read ${p} (${(e as Error).message}); run npm install`);
    }
    src = src.replace(/\/\/# sourceMappingURL=\S*/g, "");
    if (/<\/script|<!--/i.test(src)) src = src.replace(/<\/script/gi, "<\\/script").replace(/<!--/g, "<\\!--");
    parts.push(`/* ${pkg} ${file} */\n${src}\n;`);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    versions.push(`${pkg}@${(require(pkg) as { version?: string }).version ?? "?"}`);
  }
  const tag = versions.join(" ");
  librarySource =
    `(function(){var w=window;if(w.vegaEmbed&&w.vega&&w.vegaLite&&w.__descentVega===${JSON.stringify(tag)}){w.dispatchEvent(new Event("descent-vega-ready"));return;}` +
    `(function(define,exports,module,require){\n${parts.join("\n")}\n}).call(w);` +
    `w.__descentVega=${JSON.stringify(tag)};w.dispatchEvent(new Event("descent-vega-ready"));})();`;
  return librarySource;
}

/** Options of vega-embed for every chart: SVG renderer (marks are DOM nodes), no online editor. */
export const EMBED_OPTIONS = { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } };

/**
 * The script that turns the static chart with this element id into a vega-embed view as soon as the
 * libraries are present (waits for "descent-vega-ready" otherwise). The classic Notebook runs
 * output scripts before the output is attached to the page, so it looks the element up by polling.
 */
function upgradeScript(id: string, spec: unknown): string {
  return `(function(){var id=${JSON.stringify(id)},spec=${scriptJson(spec)},opts=${scriptJson(EMBED_OPTIONS)},w=window,tries=0;
function start(el){
  function go(){
    if(!document.body.contains(el)||el.getAttribute("data-state")!=="static"||!w.vegaEmbed)return;
    el.setAttribute("data-state","loading");
    var target=document.createElement("div");target.className="descent-vega";el.insertBefore(target,el.firstChild);
    w.vegaEmbed(target,spec,opts).then(function(){var img=el.querySelector("img.descent-static");if(img)img.style.display="none";el.setAttribute("data-state","interactive");})
    .catch(function(e){if(target.parentNode)target.parentNode.removeChild(target);el.setAttribute("data-state","static-error");console.warn("Descent chart "+id+": interactive view failed, showing the static SVG.",e);});
  }
  if(w.vegaEmbed)go();else w.addEventListener("descent-vega-ready",go);
}
(function find(){var el=document.getElementById(id);if(el)start(el);else if(tries++<200)setTimeout(find,50);})();
})();`;
}

/**
 * The chart's HTML: a div with the static SVG image, the upgrade script, and (if `libraries`) the
 * vega libraries before it.
 */
export function chartHtml(options: { id: string; spec: unknown; svg: string; description: string; libraries: boolean; interactive?: boolean }): string {
  const { id, spec, svg, description, libraries } = options;
  const interactive = options.interactive !== false;
  const lib = libraries && interactive ? `<script type="text/javascript">${libraryScript()}</script>` : "";
  const img = `<img class="descent-static" alt="${escapeHtml(description)}" src="${svgDataUrl(svg)}">`;
  const script = interactive ? `<script type="text/javascript">${upgradeScript(id, spec)}</script>` : "";
  return `<div class="descent-chart" id="${escapeHtml(id)}" data-state="static">${lib}${img}${script}</div>`;
}
