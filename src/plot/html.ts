/**
 * The text/html part of a chart: the static SVG as an image (shown everywhere, even untrusted or
 * exported), upgraded in place to an interactive vega-embed view where scripts may run.
 *
 * No CDN: vega, vega-lite and vega-embed come from the project's node_modules, in one of two ways.
 *  - Shared (the classic Notebook, as `npm start` runs it): the kernel writes them once, as one
 *    script, to nbextensions/descent/ under a directory of JUPYTER_PATH, which the notebook server
 *    serves at <base>/nbextensions/descent/vega-libs.js; each chart's script loads that file (once
 *    per page) and upgrades. A chart carries only its spec and picture. Where the file cannot be
 *    loaded (no notebook server, e.g. an exported page), the static SVG stays.
 *  - Inline (no writable JUPYTER_PATH): the libraries are inlined ONCE per front-end connection, in
 *    the first chart's HTML, as before; every chart's script upgrades as soon as the globals exist.
 * Either way the script defines window.vega, window.vegaLite and window.vegaEmbed and fires
 * "descent-vega-ready".
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";

/** HTML-escape text for element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that is safe inside a <script> element (no "</script>", no "<!--"). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
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
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    versions.push(`${pkg}@${(require(pkg) as { version?: string }).version ?? "?"}`);
  }
  const tag = versions.join(" ");
  librarySource = `(function(){var w=window;if(w.vegaEmbed&&w.vega&&w.vegaLite&&w.__descentVega===${JSON.stringify(tag)}){w.dispatchEvent(new Event("descent-vega-ready"));return;}(function(define,exports,module,require){\n${parts.join("\n")}\n}).call(w);w.__descentVega=${JSON.stringify(tag)};w.dispatchEvent(new Event("descent-vega-ready"));})();`;
  return librarySource;
}

/** Where the shared libraries live, under a Jupyter data directory and under the server's base URL. */
export const SHARED_LIBRARY_PATH = "nbextensions/descent/vega-libs.js";

let shared: { version: string; dir: string } | null | undefined;

/**
 * The shared copy of the libraries (see the module comment): written, if missing or different, to
 * the first directory of JUPYTER_PATH where that works, and its version (a hash of the content, so
 * a page never runs a stale cached copy). null when there is no such directory: charts then inline
 * the libraries. Checked once per process.
 */
export function sharedLibraries(): { version: string; file: string } | null {
  if (shared === undefined) {
    shared = null;
    const dirs = (process.env.JUPYTER_PATH ?? "").split(path.delimiter).filter((d) => d !== "");
    for (const dir of dirs) {
      try {
        installSharedLibraries(dir);
        shared = { version: libraryVersion(), dir };
        break;
      } catch {
        /* not writable: try the next one */
      }
    }
  }
  return shared ? { version: shared.version, file: path.join(shared.dir, SHARED_LIBRARY_PATH) } : null;
}

/** Forget what sharedLibraries found (tests change JUPYTER_PATH). */
export function resetSharedLibraries(): void {
  shared = undefined;
}

/** A short hash of the library script (changes when vega, vega-lite or vega-embed change). */
export function libraryVersion(): string {
  return createHash("sha256").update(libraryScript()).digest("hex").slice(0, 12);
}

/**
 * Write the library script to <jupyterDir>/nbextensions/descent/vega-libs.js unless it is already there; returns the
 * file.
 */
export function installSharedLibraries(jupyterDir: string): string {
  const file = path.join(jupyterDir, SHARED_LIBRARY_PATH);
  const text = libraryScript();
  let current: string | null = null;
  try {
    if (fs.statSync(file).size === Buffer.byteLength(text)) current = fs.readFileSync(file, "utf8");
  } catch {
    /* not there yet */
  }
  if (current !== text) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file); // atomic: a page never loads half a file
  }
  return file;
}

/** Options of vega-embed for every chart: SVG renderer (marks are DOM nodes), no online editor. */
export const EMBED_OPTIONS = {
  renderer: "svg",
  actions: { export: true, source: false, compiled: false, editor: false },
};

/**
 * The script that turns the static chart with this element id into a vega-embed view as soon as the
 * libraries are present (waits for "descent-vega-ready" otherwise). The classic Notebook runs
 * output scripts before the output is attached to the page, so it looks the element up by polling.
 */
function upgradeScript(id: string, spec: unknown, sharedVersion: string | null): string {
  // With shared libraries: load <base>/nbextensions/descent/vega-libs.js once per page (the classic
  // Notebook names its base URL in <body data-base-url>); without a base URL, or if loading fails,
  // the static SVG stays.
  const load = sharedVersion
    ? `if(!w.vegaEmbed&&!w.__descentVegaLoading){var base=document.body&&document.body.getAttribute("data-base-url");
if(base!==null&&base!==undefined){w.__descentVegaLoading=1;var s=document.createElement("script");s.src=base.replace(/\\/?$/,"/")+${JSON.stringify(SHARED_LIBRARY_PATH)}+"?v=${sharedVersion}";
s.onerror=function(){console.warn("Descent charts: could not load the shared vega libraries; showing static pictures");};document.head.appendChild(s);}}
`
    : "";
  return `(function(){var id=${JSON.stringify(id)},spec=${scriptJson(spec)},opts=${scriptJson(EMBED_OPTIONS)},w=window,tries=0;
${load}
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
 * vega libraries before it; with `sharedVersion` the script loads the shared copy instead.
 */
export function chartHtml(options: {
  id: string;
  spec: unknown;
  svg: string;
  description: string;
  libraries: boolean;
  interactive?: boolean;
  sharedVersion?: string | null;
}): string {
  const { id, spec, svg, description, libraries } = options;
  const interactive = options.interactive !== false;
  const lib = libraries && interactive ? `<script type="text/javascript">${libraryScript()}</script>` : "";
  const img = `<img class="descent-static" alt="${escapeHtml(description)}" src="${svgDataUrl(svg)}">`;
  const script = interactive
    ? `<script type="text/javascript">${upgradeScript(id, spec, options.sharedVersion ?? null)}</script>`
    : "";
  return `<div class="descent-chart" id="${escapeHtml(id)}" data-state="static">${lib}${img}${script}</div>`;
}
