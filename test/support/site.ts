// Static sites in headless Chromium (book, slides, draw-a-digit): a local HTTP server over a folder,
// Chromium with every request outside the site aborted and recorded, console errors collected.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export { CHROMIUM, chromiumMissing, serve, launch, guardedPage } from "../../scripts/book/chromium";
export type { GuardedPage } from "../../scripts/book/chromium";

/** Every file under dir (relative paths). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Machine paths in the site's files: `/work/`, `/usr/`, `/tmp/`, the home folder, file:// (outside the vendor libraries in assets/vega and assets/reveal, which name the protocol in their code). */
export function machinePaths(dir: string, extra: string[] = []): string[] {
  const found: string[] = [];
  const needles = ["/work/", "/usr/", "/tmp/", os.homedir() + "/", ...extra].filter((n) => n.length > 2 && n !== "//");
  for (const f of filesUnder(dir)) {
    if (/\.(woff2?|ttf|png)$/.test(f)) continue;
    const s = fs.readFileSync(path.join(dir, f), "utf8");
    for (const n of needles)
      if (s.includes(n)) found.push(`${f}: ${n} …${s.slice(Math.max(0, s.indexOf(n) - 40), s.indexOf(n) + 60)}…`);
    if (!/^assets\/(vega|reveal)\//.test(f) && s.includes("file://")) found.push(`${f}: file://`);
  }
  return found;
}

export const testOutput = (...parts: string[]): string => {
  const d = path.resolve(__dirname, "..", "..", "build", "test-output", ...parts.slice(0, -1));
  fs.mkdirSync(d, { recursive: true });
  return path.join(d, parts[parts.length - 1]);
};
