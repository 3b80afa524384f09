// Presenting with a clicker (issue 25, item 1): a presenter's clicker sends → (or PageDown), never ↓ or
// Space, so → and PageDown must walk every slide and sub-slide of every deck, in order. Each chapter's deck
// (built from the notebook's slide metadata; the outputs do not change which slides there are) is walked
// in headless Chromium key press by key press, and the slides reached are counted against the deck's.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { courseNotebooks, root } from "./support/notebooks";
import { chromiumMissing, guardedPage, launch, serve, testOutput } from "./support/site";
import { buildSlides } from "../scripts/book/slides";

type RevealApi = {
  isReady(): boolean;
  getSlides(): HTMLElement[];
  getIndices(s?: HTMLElement): { h: number; v?: number; f?: number };
  getCurrentSlide(): HTMLElement;
};

test(
  "→ and PageDown (a clicker) walk every slide and sub-slide of every deck, in order",
  { skip: chromiumMissing, timeout: 600_000 },
  async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "descent-nav-"));
    const sources = courseNotebooks();
    const htmls = buildSlides(
      sources.map((f) => path.join(root, f)),
      out,
      () => {},
    );
    const server = await serve(out);
    const browser = await launch();
    const problems: string[] = [];
    try {
      for (const [i, html] of htmls.entries()) {
        const name = path.basename(sources[i], ".ipynb");
        for (const key of ["ArrowRight", "PageDown"]) {
          const g = await guardedPage(browser, server.base + "/", { width: 1280, height: 720 });
          await g.page.goto(`${server.base}/${html}`);
          await g.page.waitForFunction(() => (window as unknown as { Reveal?: RevealApi }).Reveal?.isReady());
          const all = await g.page.evaluate(() => {
            const R = (window as unknown as { Reveal: RevealApi }).Reveal;
            return R.getSlides().map((s) => {
              const { h, v } = R.getIndices(s);
              return `${h}.${v ?? 0}`;
            });
          });
          const reached: string[] = [];
          const here = () =>
            g.page.evaluate(() => {
              const R = (window as unknown as { Reveal: RevealApi }).Reveal;
              const { h, v } = R.getIndices();
              return `${h}.${v ?? 0}`;
            });
          reached.push(await here());
          // Each press either shows a fragment or moves on; a deck of n slides with f fragments needs n + f presses.
          for (let press = 0; press < all.length * 4 && reached.length < all.length; press++) {
            await g.page.keyboard.press(key);
            const at = await here();
            if (at !== reached[reached.length - 1]) reached.push(at);
          }
          const inOrder = reached.every((s, k) => s === all[k]);
          console.log(
            `# ${name} (${key}): ${reached.length} of ${all.length} slides reached${inOrder ? ", in order" : ""}`,
          );
          if (reached.length !== all.length || !inOrder)
            problems.push(
              `${name}: ${key} reached ${reached.length} of ${all.length} slides (${reached.slice(0, 12).join(" ")}…)`,
            );
          if (key === "ArrowRight" && name.startsWith("04"))
            await g.page.screenshot({ path: testOutput("slides", `${name}-last-by-arrow.png`) });
          if (g.consoleErrors.length) problems.push(`${name}: console errors: ${g.consoleErrors.join(" | ")}`);
          await g.page.context().close();
        }
      }
    } finally {
      await browser.close();
      await server.close();
      fs.rmSync(out, { recursive: true, force: true });
    }
    assert.deepEqual(problems, []);
  },
);
