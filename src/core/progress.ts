/**
 * Progress of a long run, shown while it runs (as tqdm or fastprogress do): one line, redrawn in place,
 *
 *   training · step 1,234 of 5,400 (23%) · epoch 1.2 · loss 0.312 · 4.1 s · about 13 s left
 *
 * A loop calls `progress(...)` once, `tick(step, loss, epoch)` after every step and `end(note)` when it
 * stops. Nothing is shown for a run that ends within SHOW_AFTER_MS, and the line is redrawn at most every
 * REDRAW_MS. Core code cannot show anything itself: the display (a notebook output updated in place) is
 * plugged in by src/plot/progressDisplay.ts with `setProgressSink`. Without a sink (tests, node scripts)
 * a progress does nothing.
 *
 * time left ≈ elapsed · (N − k) / k   after step k of N
 */

/** Where progress lines go: `show` draws or redraws line `text`; `final` is the last call of a run. */
export interface ProgressSink {
  open(): { show(text: string, fraction: number, final: boolean): void };
}

const SINK = Symbol.for("descent.progressSink");
type Holder = { [SINK]?: ProgressSink | null };

/** Use `sink` for progress lines (null: none). Kept on globalThis, so every copy of src/ shares it. */
export function setProgressSink(sink: ProgressSink | null): ProgressSink | null {
  const g = globalThis as Holder;
  const before = g[SINK] ?? null;
  g[SINK] = sink;
  return before;
}

export const SHOW_AFTER_MS = 1000;
export const REDRAW_MS = 250;

export interface Progress {
  /**
   * Step `step` of the total is done; `loss` the latest (smoothed) loss. True when the line was redrawn (let the event
   * loop send it).
   */
  tick(step: number, loss: number, epoch?: number): boolean;
  /** The run stopped: the last line gets `note` ("done", "interrupted …"); shown only if the line was. */
  end(note: string): void;
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

/** The line: title · step k of N (p%) · epoch · loss · elapsed · time left. */
export function progressText(
  title: string,
  step: number,
  total: number,
  loss: number,
  elapsedS: number,
  epoch?: number,
  note?: string,
): string {
  const parts = [
    title,
    `step ${step.toLocaleString("en")} of ${total.toLocaleString("en")} (${Math.floor((100 * step) / total)}%)`,
  ];
  if (epoch !== undefined) parts.push(`epoch ${Number.isInteger(epoch) ? epoch : epoch.toFixed(2)}`);
  if (Number.isFinite(loss)) parts.push(`loss ${loss.toPrecision(4)}`);
  parts.push(seconds(elapsedS));
  if (note === undefined)
    parts.push(step > 0 ? `about ${seconds((elapsedS * Math.max(0, total - step)) / step)} left` : "time left ?");
  else parts.push(note);
  return parts.join(" · ");
}

/** A progress line for a run of `total` steps (a no-op without a sink). `now` is for tests. */
export function progress(title: string, total: number, now: () => number = () => performance.now()): Progress {
  const sink = (globalThis as Holder)[SINK] ?? null;
  const t0 = now();
  let line: ReturnType<ProgressSink["open"]> | null = null;
  let last = -Infinity;
  let state = { step: 0, loss: NaN, epoch: undefined as number | undefined };
  return {
    tick(step, loss, epoch) {
      state = { step, loss, epoch };
      if (!sink) return false;
      const t = now();
      if (t - t0 < SHOW_AFTER_MS || t - last < REDRAW_MS) return false;
      line ??= sink.open();
      line.show(progressText(title, step, total, loss, (t - t0) / 1000, epoch), step / total, false);
      last = t;
      return true;
    },
    end(note) {
      if (!line) return;
      line.show(
        progressText(title, state.step, total, state.loss, (now() - t0) / 1000, state.epoch, note),
        state.step / total,
        true,
      );
    },
  };
}
