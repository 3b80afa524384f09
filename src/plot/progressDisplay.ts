/**
 * Progress lines in the notebook: the sink of src/core/progress.ts. Each run gets ONE display, redrawn
 * in place (update_display_data with its display id): a bar and the line "training · step k of N (p%) ·
 * epoch · loss · elapsed · about … left". The last draw keeps the final line ("done", "■ interrupted …").
 * Outside a notebook nothing is sent. Registered when src/plot is loaded (src/index.ts loads it).
 */
import { setProgressSink } from "../core/progress";
import { displayBundle, newDisplayId } from "./display";
import { escapeHtml } from "./html";

/** The bundle of one progress line: HTML (a bar and the line) and the plain line for the terminal. */
export function progressBundle(
  text: string,
  fraction: number,
  final: boolean,
): { "text/html": string; "text/plain": string } {
  const f = Math.max(0, Math.min(1, fraction));
  return {
    "text/html": `<div class="descent-progress" data-state="${final ? "done" : "running"}" style="font-family:monospace;font-size:0.95em"><progress max="1" value="${f.toFixed(4)}" style="width:12em;vertical-align:middle"></progress> ${escapeHtml(text)}</div>`,
    "text/plain": text,
  };
}

setProgressSink({
  open() {
    const displayId = newDisplayId();
    let sent = false;
    return {
      show(text: string, fraction: number, final: boolean) {
        if (
          displayBundle(progressBundle(text, fraction, final), {
            displayId,
            update: sent,
            metadata: { descent: "progress" },
          })
        )
          sent = true;
      },
    };
  },
});
