// Drawing on the draw-a-digit demo (src/plot/drawDigit.ts) from a browser test, as a person would with
// the mouse: the same strokes for the book page and the live classic Notebook.
import type { Page } from "playwright-core";

/** Polylines in pad fractions (0…1, y down): a 1 and a 0. */
export const DRAWN_DIGITS: Record<string, Array<Array<[number, number]>>> = {
  "1": [
    [
      [0.52, 0.18],
      [0.5, 0.5],
      [0.48, 0.82],
    ],
  ],
  "0": [
    Array.from(
      { length: 33 },
      (_, k) =>
        [0.5 + 0.2 * Math.sin((2 * Math.PI * k) / 32), 0.5 - 0.3 * Math.cos((2 * Math.PI * k) / 32)] as [
          number,
          number,
        ],
    ),
  ],
};

/** Clears the demo at `selector`, draws the strokes with the mouse, waits for its answer and returns it. */
export async function drawOnDemo(
  page: Page,
  selector: string,
  strokes: Array<Array<[number, number]>>,
): Promise<{ prediction: string | null; answer: string | null }> {
  await page.locator(`${selector} .dd-clear`).click();
  const pad = await page.locator(`${selector} .dd-pad`).boundingBox();
  if (!pad || pad.width < 100) throw new Error(`no drawing pad at ${selector}: ${JSON.stringify(pad)}`);
  for (const pts of strokes) {
    await page.mouse.move(pad.x + pts[0][0] * pad.width, pad.y + pts[0][1] * pad.height);
    await page.mouse.down();
    for (const [x, y] of pts.slice(1))
      await page.mouse.move(pad.x + x * pad.width, pad.y + y * pad.height, { steps: 4 });
    await page.mouse.up();
  }
  await page.waitForFunction((sel) => document.querySelector(sel)?.hasAttribute("data-prediction"), selector);
  return page.evaluate((sel) => {
    const el = document.querySelector(sel)!;
    return {
      prediction: el.getAttribute("data-prediction"),
      answer: el.querySelector(".dd-answer")?.textContent ?? null,
    };
  }, selector);
}
