/**
 * A live view of a long computation: ONE display, redrawn in place (update_display_data with its
 * display_id) with a progress line and the learning curves so far.
 *
 *   const live = liveView({ title: "Softmax regression", total: 3000 });
 *   await train(model, data, { ..., onEvaluate: live.onEvaluate });
 *   live.done();
 *
 * Redraws are throttled (at most one per `minIntervalMs`, and drawing takes at most ~20% of the time), and
 * `onEvaluate` resolves after a setImmediate turn: tslab sends output only while the event loop runs,
 * so a training loop that awaits it lets each update leave the kernel while training continues.
 */
import { displayBundle, MimeBundle, newDisplayId } from "./display";
import { chartBundle, VEGALITE_MIME } from "./show";
import { lineChart, LineSeries } from "./charts";
import { escapeHtml, svgDataUrl } from "./html";
import { renderSvg, VegaLiteSpec } from "./render";
import { describeValue } from "../core/describe";

/** What the training loop reports (train's Evaluation; extra fields are ignored). */
export interface LiveEvaluation {
  iteration: number;
  epoch?: number;
  loss: number;
  trainLoss?: number;
  validationLoss?: number;
  testLoss?: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
  testAccuracy?: number;
}

export interface LiveView {
  /** Record an evaluation and redraw if the last redraw is old enough; pass as train's onEvaluate. */
  onEvaluate(ev: LiveEvaluation): Promise<void>;
  /** Final redraw (always), interactive where the front end allows; the final state stays in the output. */
  done(): void;
  /** The evaluations received so far. */
  readonly history: LiveEvaluation[];
  /** How many displays were sent (first + updates), for tests and curiosity. */
  readonly redraws: number;
  /** The display id this view updates. */
  readonly displayId: string;
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - 60 * m)} s`;
}

function pct(a: number | undefined): string {
  return a === undefined ? "" : `${(100 * a).toFixed(1)}%`;
}

/** The one-line progress report: iteration k of N, epoch, loss, accuracies, elapsed, time left. */
export function progressLine(
  ev: LiveEvaluation | undefined,
  total: number,
  elapsedS: number,
  finished = false,
): string {
  if (!ev) return `waiting for the first evaluation (0 of ${total})`;
  const parts = [`iteration ${ev.iteration} of ${total}`];
  if (ev.epoch !== undefined) parts.push(`epoch ${Number.isInteger(ev.epoch) ? ev.epoch : ev.epoch.toFixed(2)}`);
  parts.push(`loss ${ev.loss.toPrecision(4)}`);
  if (ev.trainAccuracy !== undefined) parts.push(`train ${pct(ev.trainAccuracy)}`);
  if (ev.validationAccuracy !== undefined) parts.push(`validation ${pct(ev.validationAccuracy)}`);
  if (ev.testAccuracy !== undefined) parts.push(`test ${pct(ev.testAccuracy)}`);
  parts.push(`elapsed ${fmtTime(elapsedS)}`);
  if (!finished) {
    const left = ev.iteration > 0 ? (elapsedS / ev.iteration) * Math.max(0, total - ev.iteration) : NaN;
    parts.push(`about ${fmtTime(left)} left`);
  } else parts.push("done");
  return parts.join(" · ");
}

/** Loss curve (and accuracy curves, if any were reported) of the evaluations so far. */
export function learningCurves(history: LiveEvaluation[], title?: string): VegaLiteSpec {
  const it = history.map((e) => e.iteration);
  const losses: LineSeries[] = [{ name: "loss", x: it, y: history.map((e) => e.loss) }];
  for (const [key, name] of [
    ["trainLoss", "train loss"],
    ["validationLoss", "validation loss"],
    ["testLoss", "test loss"],
  ] as const) {
    const rows = history.filter((e) => e[key] !== undefined);
    if (rows.length > 0) losses.push({ name, x: rows.map((e) => e.iteration), y: rows.map((e) => e[key] as number) });
  }
  const loss = lineChart({
    series: losses,
    title: title ?? "loss",
    xTitle: "iteration",
    yTitle: "loss",
    width: 300,
    height: 180,
  });
  const acc: LineSeries[] = [];
  for (const [key, name] of [
    ["trainAccuracy", "train"],
    ["validationAccuracy", "validation"],
    ["testAccuracy", "test"],
  ] as const) {
    const rows = history.filter((e) => e[key] !== undefined);
    if (rows.length > 0) acc.push({ name, x: rows.map((e) => e.iteration), y: rows.map((e) => e[key] as number) });
  }
  if (acc.length === 0) return loss;
  const accuracy = lineChart({
    series: acc,
    title: "accuracy",
    xTitle: "iteration",
    yTitle: "accuracy",
    width: 300,
    height: 180,
  });
  const { $schema, ...l } = loss;
  const { $schema: _s, ...a } = accuracy;
  const both: VegaLiteSpec = {
    $schema,
    hconcat: [{ ...l, title: "loss" }, a],
    resolve: { scale: { color: "independent" } },
  };
  if (title) both.title = title;
  return both;
}

/** Start a live view: shows a "waiting" line now, redraws as evaluations arrive. */
export function liveView(o: { title: string; total: number; minIntervalMs?: number; now?: () => number }): LiveView {
  if (!Number.isFinite(o.total) || o.total <= 0)
    throw new Error(`liveView: total must be the number of iterations (> 0), got ${describeValue(o.total)}`);
  const now = o.now ?? (() => Date.now());
  const minInterval = o.minIntervalMs ?? 250;
  const displayId = newDisplayId();
  const history: LiveEvaluation[] = [];
  const start = now();
  let lastDraw = -Infinity;
  let drawCost = 0;
  let redraws = 0;
  let finished = false;
  let sent = false;

  const send = (data: MimeBundle) => {
    if (displayBundle(data, { displayId, update: sent })) {
      sent = true;
      redraws++;
    }
  };

  /** A cheap bundle while running: progress line + static SVG, no scripts. */
  const draw = () => {
    const t0 = now();
    const last = history[history.length - 1];
    const line = progressLine(last, o.total, (t0 - start) / 1000);
    let svg = "";
    let spec: VegaLiteSpec | null = null;
    if (history.length > 0) {
      spec = learningCurves(history, o.title);
      svg = renderSvg(spec);
    }
    const html =
      `<div class="descent-live" data-iteration="${last ? last.iteration : 0}" data-redraw="${redraws + 1}"><div class="descent-progress" style="font-family:monospace"><b>${escapeHtml(o.title)}</b> — ${escapeHtml(line)}</div>` +
      (svg ? `<img class="descent-static" alt="learning curves" src="${svgDataUrl(svg)}">` : "") +
      `</div>`;
    const data: MimeBundle = { "text/html": html, "text/plain": `${o.title} — ${line}` };
    if (svg && spec) {
      data["image/svg+xml"] = svg;
      data[VEGALITE_MIME] = spec;
    }
    send(data);
    drawCost = now() - t0;
    lastDraw = now();
  };

  draw();

  return {
    history,
    get redraws() {
      return redraws;
    },
    displayId,
    onEvaluate(ev: LiveEvaluation): Promise<void> {
      if (finished) throw new Error(`liveView "${o.title}": onEvaluate after done()`);
      if (!ev || !Number.isFinite(ev.iteration))
        throw new Error(`liveView "${o.title}": evaluation without an iteration number: ${JSON.stringify(ev)}`);
      history.push(ev);
      // at most one redraw per minInterval, and drawing at most ~20% of the time
      if (now() - lastDraw >= Math.max(minInterval, 4 * drawCost)) draw();
      return new Promise<void>((resolve) => setImmediate(resolve));
    },
    done(): void {
      if (finished) return;
      finished = true;
      const last = history[history.length - 1];
      const line = progressLine(last, o.total, (now() - start) / 1000, true);
      if (history.length === 0) {
        send({
          "text/html": `<div class="descent-live" data-state="done">${escapeHtml(o.title)} — no evaluations</div>`,
          "text/plain": `${o.title} — no evaluations`,
        });
        return;
      }
      const spec = learningCurves(history, o.title);
      const bundle = chartBundle(spec, { interactive: false });
      bundle["text/html"] =
        `<div class="descent-live" data-state="done" data-iteration="${last.iteration}"><div class="descent-progress" style="font-family:monospace"><b>${escapeHtml(o.title)}</b> — ${escapeHtml(line)}</div>${bundle["text/html"]}</div>`;
      bundle["text/plain"] = `${o.title} — ${line}`;
      if (!sent) console.log(bundle["text/plain"]);
      send(bundle);
    },
  };
}
