/**
 * Shorter SVG for the notebook: vega writes a line of n points as "M x0,y0 L x1,y1 L …" with three
 * decimals of absolute coordinates (about 15 characters a point). The same polyline written with
 * coordinates rounded to 0.1 px (invisible at any zoom a lecture uses) and relative steps
 * ("l0.7-1.2 0.7-1.1 …", about 8 characters a point) halves the picture, which a display carries
 * twice (the SVG itself and the <img> of the HTML part).
 *
 * Only paths made of M and L commands alone are rewritten; every other path is left as it is.
 * Mark items also lose their per-item accessibility attributes (see withoutItemAria).
 */

const ML_PATH = /^M[-+0-9.eE,\s]+(?:[ML][-+0-9.eE,\s]+)*$/;

/** One coordinate in tenths of a pixel (an integer), so relative steps add up exactly. */
function tenths(v: string): number {
  return Math.round(Number(v) * 10);
}

/** A tenths value as SVG text: 17 → "1.7", −3 → "-0.3", 20 → "2". */
function fmt(t: number): string {
  const s = (t / 10).toFixed(1);
  return s.endsWith(".0") ? s.slice(0, -2) : s;
}

/** The pair "dx dy" written compactly: the minus sign doubles as the separator. */
function pair(dx: number, dy: number): string {
  const y = fmt(dy);
  return `${fmt(dx)}${y.startsWith("-") ? "" : ","}${y}`;
}

/** An M/L path rewritten with relative steps in tenths of a pixel; other paths unchanged. */
export function compactPath(d: string): string {
  if (!ML_PATH.test(d)) return d;
  const out: string[] = [];
  let px = 0;
  let py = 0;
  let cmd = "";
  for (const m of d.matchAll(/([ML])([^ML]*)/g)) {
    const nums = m[2]
      .trim()
      .split(/[\s,]+/)
      .filter((s) => s !== "");
    if (nums.length % 2 !== 0) return d; // not plain pairs: leave it
    for (let k = 0; k < nums.length; k += 2) {
      const x = tenths(nums[k]);
      const y = tenths(nums[k + 1]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) return d;
      const c = m[1] === "M" && k === 0 ? "M" : "l";
      if (c === "M") out.push(`M${pair(x, y)}`);
      else out.push(`${cmd === "l" ? " " : "l"}${pair(x - px, y - py)}`);
      cmd = c === "M" ? "M" : "l";
      px = x;
      py = y;
    }
  }
  return out.join("");
}

/**
 * A mark item's tag without its accessibility attributes (aria-label, role="graphics-symbol",
 * aria-roledescription): vega labels every item (about 140 bytes each, most of a heat map's
 * picture), but the static picture is shown as an image, whose only text a screen reader reads is
 * its alt text (the chart's description); the interactive view keeps its own labels.
 */
function withoutItemAria(tag: string): string {
  if (!tag.includes('role="graphics-symbol"')) return tag;
  return tag
    .replace(/ aria-label="[^"]*"/, "")
    .replace(/ role="graphics-symbol"/, "")
    .replace(/ aria-roledescription="[^"]*"/, "");
}

/**
 * The SVG with every d="…" attribute of M/L paths compacted (see compactPath) and mark items' aria attributes dropped.
 */
export function compactSvgPaths(svg: string): string {
  return svg
    .replace(/ d="([^"]*)"/g, (_all, d: string) => ` d="${compactPath(d)}"`)
    .replace(/<[a-z]+ [^>]*role="graphics-symbol"[^>]*>/g, withoutItemAria);
}
