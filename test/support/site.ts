// Static sites in headless Chromium (book, slides, draw-a-digit): a local HTTP server over a folder,
// Chromium with every request outside the site aborted and recorded, console errors collected.
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing: false | string = fs.existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM}`;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".woff2": "font/woff2",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

/** Serves `dir` on 127.0.0.1 (a free port); 404 for anything missing or outside it. */
export async function serve(dir: string): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const p = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = path.join(dir, p.endsWith("/") ? p + "index.html" : p);
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function launch(): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--allow-file-access-from-files"],
    timeout: 60_000,
  });
}

export interface GuardedPage {
  page: Page;
  consoleErrors: string[];
  outside: string[];
}

/** A page whose requests outside `allowed` (URL prefix; data: and blob: allowed) are aborted and recorded. */
export async function guardedPage(browser: Browser, allowed: string, viewport = { width: 1280, height: 900 }): Promise<GuardedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const outside: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${m.text()}${m.location().url ? ` (${m.location().url})` : ""}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u.startsWith(allowed) || u.startsWith("data:") || u.startsWith("blob:")) return route.continue();
    outside.push(u);
    return route.abort();
  });
  return { page, consoleErrors, outside };
}

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
    for (const n of needles) if (s.includes(n)) found.push(`${f}: ${n} …${s.slice(Math.max(0, s.indexOf(n) - 40), s.indexOf(n) + 60)}…`);
    if (!/^assets\/(vega|reveal)\//.test(f) && s.includes("file://")) found.push(`${f}: file://`);
  }
  return found;
}

export const testOutput = (...parts: string[]): string => {
  const d = path.resolve(__dirname, "..", "..", "build", "test-output", ...parts.slice(0, -1));
  fs.mkdirSync(d, { recursive: true });
  return path.join(d, parts[parts.length - 1]);
};
