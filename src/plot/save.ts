/** Charts as files, for slides. */
import * as fs from "fs";
import * as path from "path";
import { renderSvg, VegaLiteSpec } from "./render";

/** Render `spec` to SVG (in the kernel, no browser) and write it to `file`; returns the SVG text. */
export function saveSvg(spec: VegaLiteSpec, file: string, scale = 1): string {
  if (!file.toLowerCase().endsWith(".svg")) throw new Error(`saveSvg: the file name should end in .svg, got "${file}"`);
  const svg = renderSvg(spec, scale);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  return svg;
}
