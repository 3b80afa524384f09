// Headless Chromium over a static site (the book and slide tests, and the slide-fitting tool): a local
// HTTP server over a folder, Chromium with every request outside the site aborted and recorded,
// console errors collected.
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { Browser, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing: false | string = fs.existsSync(CHROMIUM)
  ? false
  : `Chromium is not installed at ${CHROMIUM}`;

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
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require("playwright-core") as typeof import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--allow-file-access-from-files",
    ],
    timeout: 60_000,
  });
}

export interface GuardedPage {
  page: Page;
  consoleErrors: string[];
  outside: string[];
}

/** A page whose requests outside `allowed` (URL prefix; data: and blob: allowed) are aborted and recorded. */
export async function guardedPage(
  browser: Browser,
  allowed: string,
  viewport = { width: 1280, height: 900 },
): Promise<GuardedPage> {
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
