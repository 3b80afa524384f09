// Progress of long runs (src/core/progress.ts, src/plot/progressDisplay.ts): a line redrawn in place,
// shown only for runs longer than a second, at most every 250 ms, ending with a note.
import { test } from "node:test";
import assert from "node:assert/strict";
import { progress, progressText, setProgressSink, SHOW_AFTER_MS } from "../src/core/progress";
import { progressBundle } from "../src/plot/progressDisplay";
import { DisplayMessage, setDisplayWriter } from "../src/plot/display";

test("progressText: step k of N, epoch, loss, elapsed and time left = elapsed·(N−k)/k", () => {
  assert.equal(
    progressText("training", 1000, 4000, 0.31234, 10, 1.5),
    "training · step 1,000 of 4,000 (25%) · epoch 1.50 · loss 0.3123 · 10.0 s · about 30.0 s left",
  );
  assert.equal(
    progressText("training", 4000, 4000, 0.2, 130, 3, "done"),
    "training · step 4,000 of 4,000 (100%) · epoch 3 · loss 0.2000 · 2 min 10 s · done",
  );
});

test("a progress draws after a second, at most every 250 ms, into one display updated in place", () => {
  const sent: { m: DisplayMessage; update: boolean }[] = [];
  setDisplayWriter((m, update) => sent.push({ m, update }));
  let t = 0;
  try {
    const bar = progress("training", 100, () => t);
    for (let k = 1; k <= 100; k++) {
      t += 50; // 50 ms a step: 5 s in all
      bar.tick(k, 1 / k, k / 50);
    }
    bar.end("done");
  } finally {
    setDisplayWriter(null);
  }
  // nothing in the first second; then one redraw per 250 ms over 4 s (16 or 17), then the final line
  assert.ok(sent.length >= 16 && sent.length <= 18, `${sent.length} draws`);
  assert.equal(sent[0].update, false);
  assert.ok(sent.slice(1).every((s) => s.update && s.m.transient.display_id === sent[0].m.transient.display_id));
  assert.match(String(sent[0].m.data["text/plain"]), new RegExp(`step ${SHOW_AFTER_MS / 50} of 100`));
  assert.match(String(sent[sent.length - 1].m.data["text/plain"]), /step 100 of 100 \(100%\) .* · done$/);
  assert.match(
    String(sent[sent.length - 1].m.data["text/html"]),
    /<progress max="1" value="1.0000"><\/progress>|value="1.0000"/,
  );
});

test("a short run shows nothing, and without a sink a progress does nothing", () => {
  const sent: DisplayMessage[] = [];
  setDisplayWriter((m) => sent.push(m));
  let t = 0;
  try {
    const bar = progress("training", 10, () => t);
    for (let k = 1; k <= 10; k++) bar.tick(k, 1, (t += 50));
    bar.end("done");
    const before = setProgressSink(null);
    const silent = progress("training", 10, () => (t += 1000));
    assert.equal(silent.tick(5, 1), false);
    setProgressSink(before);
  } finally {
    setDisplayWriter(null);
  }
  assert.deepEqual(sent, []);
  assert.match(progressBundle("x <y>", 0.5, false)["text/html"], /value="0.5000".*x &lt;y&gt;/);
});
