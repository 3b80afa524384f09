/**
 * Gradient checking: is a hand-derived gradient right? Compare it with central differences.
 *
 *   numeric derivative of a scalar loss L with respect to one parameter θ_k:
 *       ∂L/∂θ_k ≈ (L(θ + h e_k) − L(θ − h e_k)) / 2h          (error O(h²) for smooth L)
 *   relative error of an analytic value a against a numeric value ñ:
 *       rel(a, ñ) = |a − ñ| / max(|a| + |ñ|, tiny)
 *
 * How to read a relative error (float64, smooth loss):
 *       > 1e-2   wrong — the formula or the code has a bug
 *       > 1e-4   suspicious
 *       > 1e-7   acceptable (normal for losses with kinks, and for float32)
 *       ≤ 1e-7   good
 * A ReLU has a kink at 0: when moving θ_k by ±h pushes some input of a ReLU across 0, the difference
 * quotient straddles the kink and can disagree with the (correct) one-sided derivative — a false alarm.
 * The check detects these crossings when it is given the ReLU inputs (`kinkInputs`) and says so.
 * Round-off: L(θ ± h e_k) are each off by about ε·|L| (ε = 2.2e-16 in float64), so the difference quotient
 * has an absolute error of about ε(|L₊| + |L₋|)/2h (≈ 1e-11 for L ≈ 1, h = 1e-5). When a relative error
 * above 1e-7 comes with |a − ñ| within ten times that, the disagreement is noise, not a bug (this happens
 * for gradients of size 1e-6 and below), and the entry is not judged.
 * The verdict of a row reads the largest relative error among the judged entries (no kink, not round-off).
 */
import { Matrix } from "../core/matrix";
import { Model, Param } from "../core/model";
import { Rng } from "../core/random";
import { describeValue } from "../core/describe";
import { checkpoint } from "../core/interrupt";
import { sci, tableText } from "../core/table";

export type Verdict = "good" | "acceptable" | "suspicious" | "wrong";

/** rel(a, ñ) = |a − ñ| / max(|a| + |ñ|, tiny); 0 when both are 0. */
export function relativeError(a: number, n: number, tiny = 1e-12): number {
  const diff = Math.abs(a - n);
  if (diff === 0) return 0;
  return diff / Math.max(Math.abs(a) + Math.abs(n), tiny);
}

/** The usual reading of a relative error (see the table above). NaN reads as "wrong". */
export function verdictFor(relErr: number): Verdict {
  if (!(relErr <= 1e-2)) return "wrong";
  if (relErr > 1e-4) return "suspicious";
  if (relErr > 1e-7) return "acceptable";
  return "good";
}

const verdictRank: Record<Verdict, number> = { good: 0, acceptable: 1, suspicious: 2, wrong: 3 };

/** One checked entry θ_k = value[row, col] of a parameter. */
export interface GradientCheckEntry {
  param: string;
  row: number;
  col: number;
  analytic: number;
  numeric: number;
  relativeError: number;
  /** True when a kink input changed sides of 0 between L(θ + h e_k) and L(θ − h e_k). */
  kink: boolean;
  /** True when the relative error exceeds 1e-7 but |a − ñ| is within the round-off noise of the difference quotient. */
  roundoff: boolean;
}

/** The summary of one parameter group. */
export interface GradientCheckRow {
  param: string;
  shape: string;
  checked: number;
  total: number;
  maxRelativeError: number;
  /** The largest relative error among judged entries: no kink crossed, not round-off (0 if none is judged). */
  maxJudgedRelativeError: number;
  worst: GradientCheckEntry | null;
  kinks: number;
  roundoff: number;
  /** verdictFor(maxJudgedRelativeError). */
  verdict: Verdict;
  note: string;
}

export interface GradientCheckReport {
  rows: GradientCheckRow[];
  entries: GradientCheckEntry[];
  maxRelativeError: number;
  maxJudgedRelativeError: number;
  verdict: Verdict;
  h: number;
  /** The summary as a text table. */
  text: string;
}

export interface GradientCheckOptions {
  /** The step h (default 1e-5 for float64 parameters, 1e-3 for float32). */
  h?: number;
  /** At most this many entries per parameter group, drawn without replacement (default 100). */
  samples?: number;
  /** Generator for choosing the entries (default rng seeded with `seed`). */
  rng?: Rng;
  /** Seed when no rng is given (default 0). */
  seed?: number;
  /** Returns the current inputs of the ReLU layers (read right after each evaluation of L). */
  kinkInputs?: () => Matrix[];
}

function signsOf(Zs: Matrix[]): Uint8Array[] {
  return Zs.map((Z) => {
    const s = new Uint8Array(Z.data.length);
    for (let i = 0; i < s.length; i++) s[i] = Z.data[i] > 0 ? 1 : 0;
    return s;
  });
}

function sameSigns(a: Uint8Array[], b: Uint8Array[]): boolean {
  if (a.length !== b.length) return false;
  for (let m = 0; m < a.length; m++) {
    if (a[m].length !== b[m].length) return false;
    for (let i = 0; i < a[m].length; i++) if (a[m][i] !== b[m][i]) return false;
  }
  return true;
}

/**
 * Central differences (L(θ + h e_t) − L(θ − h e_t)) / 2h of `loss` for the given flat entries t of M
 * (all entries when omitted). M is changed in place during the call and restored exactly.
 */
export function centralDifferences(loss: () => number, M: Matrix, entries?: ArrayLike<number>, h = 1e-6): Float64Array {
  const idx = entries ?? Array.from({ length: M.data.length }, (_, t) => t);
  const out = new Float64Array(idx.length);
  for (let q = 0; q < idx.length; q++) {
    checkpoint(
      () => `after ${q} of ${idx.length} central differences of the ${M.shape} matrix; its entries are restored`,
    );
    const t = idx[q];
    if (!(Number.isInteger(t) && t >= 0 && t < M.data.length))
      throw new RangeError(`centralDifferences: entry ${t} is outside the ${M.shape} matrix`);
    const keep = M.data[t];
    M.data[t] = keep + h;
    const up = loss();
    M.data[t] = keep - h;
    const down = loss();
    M.data[t] = keep;
    out[q] = (up - down) / (2 * h);
  }
  return out;
}

/**
 * Checks the gradients already stored in every p.grad (the analytic ones, at the current θ) against
 * central differences of `loss()`, a function of the current parameter values. Parameters are
 * restored exactly afterwards.
 */
export function gradientCheck(
  loss: () => number,
  params: Param[],
  options: GradientCheckOptions = {},
): GradientCheckReport {
  const float32 = params.some((p) => p.value.dtype === "float32");
  const h = options.h ?? (float32 ? 1e-3 : 1e-5);
  if (!(h > 0)) throw new Error(`gradientCheck: h must be positive, got ${describeValue(h)}`);
  const samples = options.samples ?? 100;
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  const analytic = params.map((p) => {
    if (p.grad.rows !== p.value.rows || p.grad.cols !== p.value.cols) {
      throw new Error(`gradientCheck: ${p.name} is ${p.value.shape} but its gradient is ${p.grad.shape}`);
    }
    return Float64Array.from(p.grad.data);
  });
  const entries: GradientCheckEntry[] = [];
  const rows: GradientCheckRow[] = [];
  params.forEach((p, pi) => {
    const total = p.value.data.length;
    const idx =
      total <= samples
        ? Array.from({ length: total }, (_, i) => i)
        : Array.from(rng.sample(total, samples)).sort((a, b) => a - b);
    const mine: GradientCheckEntry[] = [];
    for (const k of idx) {
      checkpoint(
        () =>
          `in the gradient check of ${p.name} after ${mine.length} of ${idx.length} entries; the parameters are restored`,
      );
      const theta = p.value.data[k];
      p.value.data[k] = theta + h;
      const up = p.value.data[k]; // the stored value (rounded in float32)
      const Lplus = loss();
      const signsPlus = options.kinkInputs ? signsOf(options.kinkInputs()) : null;
      p.value.data[k] = theta - h;
      const down = p.value.data[k];
      const Lminus = loss();
      const kink = signsPlus ? !sameSigns(signsPlus, signsOf(options.kinkInputs!())) : false;
      p.value.data[k] = theta;
      const numeric = (Lplus - Lminus) / (up - down);
      const a = analytic[pi][k];
      const eps = p.value.dtype === "float32" ? 1.2e-7 : 2.2e-16;
      const noise = (eps * (Math.abs(Lplus) + Math.abs(Lminus))) / (up - down);
      const rel = relativeError(a, numeric);
      const roundoff = rel > 1e-7 && Math.abs(a - numeric) <= 10 * noise; // a large error explained by round-off alone
      const e: GradientCheckEntry = {
        param: p.name,
        row: Math.floor(k / p.value.cols),
        col: k % p.value.cols,
        analytic: a,
        numeric,
        relativeError: rel,
        kink,
        roundoff,
      };
      mine.push(e);
      entries.push(e);
    }
    rows.push(summarise(p, mine, total, float32));
  });
  const maxRel = Math.max(0, ...rows.map((r) => r.maxRelativeError));
  const judged = Math.max(0, ...rows.map((r) => r.maxJudgedRelativeError));
  const report: GradientCheckReport = {
    rows,
    entries,
    maxRelativeError: maxRel,
    maxJudgedRelativeError: judged,
    verdict: rows.reduce<Verdict>((v, r) => (verdictRank[r.verdict] > verdictRank[v] ? r.verdict : v), "good"),
    h,
    text: "",
  };
  report.text = formatGradientCheck(report);
  return report;
}

function summarise(p: Param, mine: GradientCheckEntry[], total: number, float32: boolean): GradientCheckRow {
  let worst: GradientCheckEntry | null = null;
  let maxJudged = 0;
  let kinks = 0;
  let roundoff = 0;
  for (const e of mine) {
    if (!worst || !(e.relativeError <= worst.relativeError)) worst = e;
    if (e.kink) kinks++;
    else if (e.roundoff) roundoff++;
    else if (!(e.relativeError <= maxJudged)) maxJudged = e.relativeError; // NaN sticks
  }
  const maxRel = worst ? worst.relativeError : 0;
  const verdict = verdictFor(maxJudged);
  const notes: string[] = [];
  if (kinks > 0) {
    notes.push(
      `${kinks} entr${kinks === 1 ? "y" : "ies"} moved a ReLU input across 0 within ±h: the difference quotient straddles the kink there, so a large error at ${kinks === 1 ? "that entry" : "those entries"} is a false alarm (not judged)`,
    );
  }
  if (roundoff > 0) {
    notes.push(
      `${roundoff} entr${roundoff === 1 ? "y differs" : "ies differ"} only by the round-off noise of the difference quotient (tiny gradients; not judged)`,
    );
  }
  if (float32 && verdict !== "good")
    notes.push("float32 parameters: round-off limits the check to about 1e-3; use float64 for a sharp check");
  return {
    param: p.name,
    shape: p.value.shape,
    checked: mine.length,
    total,
    maxRelativeError: maxRel,
    maxJudgedRelativeError: maxJudged,
    worst,
    kinks,
    roundoff,
    verdict,
    note: notes.join("; "),
  };
}

/** The report as a text table, one line per parameter group, plus the overall verdict. */
export function formatGradientCheck(report: GradientCheckReport): string {
  const head = [
    "param",
    "shape",
    "checked",
    "max rel. error",
    "worst entry",
    "analytic",
    "numeric",
    "not judged",
    "judged max",
    "verdict",
  ];
  const body = report.rows.map((r) => [
    r.param,
    r.shape,
    `${r.checked}/${r.total}`,
    sci(r.maxRelativeError),
    r.worst ? `(${r.worst.row}, ${r.worst.col})${r.worst.kink ? " kink" : r.worst.roundoff ? " round-off" : ""}` : "-",
    r.worst ? sci(r.worst.analytic) : "-",
    r.worst ? sci(r.worst.numeric) : "-",
    r.kinks + r.roundoff > 0 ? `${r.kinks} kink, ${r.roundoff} round-off` : "0",
    sci(r.maxJudgedRelativeError),
    r.verdict,
  ]);
  const out = [tableText({ columns: head, rows: body })];
  for (const r of report.rows) if (r.note) out.push(`note on ${r.param}: ${r.note}`);
  out.push(
    `overall: max relative error ${sci(report.maxRelativeError)}, judged ${sci(report.maxJudgedRelativeError)} (h = ${report.h}) → ${report.verdict}`,
  );
  out.push("scale: > 1e-2 wrong, > 1e-4 suspicious, > 1e-7 acceptable, ≤ 1e-7 good (float64, smooth loss)");
  return out.join("\n");
}

/**
 * Gradient check of a model on a batch: runs model.lossAndGradient(X, y) for the analytic gradient,
 * then central differences of model.loss(X, y). Uses model.kinkInputs() when the model has it (MLP).
 */
export function gradientCheckModel(
  model: Model & { kinkInputs?: () => Matrix[] },
  X: Matrix,
  y: ArrayLike<number>,
  options: GradientCheckOptions = {},
): GradientCheckReport {
  model.lossAndGradient(X, y);
  const kinkInputs = options.kinkInputs ?? (model.kinkInputs ? () => model.kinkInputs!() : undefined);
  return gradientCheck(() => model.loss(X, y), model.params, { ...options, kinkInputs });
}
