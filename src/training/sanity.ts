/**
 * Two checks a lecturer runs before a long training run:
 *
 * 1. The initial loss. With small weights every logit is ≈ 0, so p_k ≈ 1/K for every class and the
 *    cross-entropy is −ln(1/K) = ln K (ln 10 ≈ 2.303 for MNIST). A very different number means a bug
 *    in the loss or a bad initialisation.
 * 2. Overfitting a handful of examples. A model that can learn anything must reach 100% training
 *    accuracy on 20 examples; if it cannot, the gradient or the update is broken.
 */
import { gatherRows, Matrix } from "../core/matrix";
import { Model } from "../core/model";
import { Optimizer } from "../optim/optimizer";
import { momentum } from "../optim/momentum";
import { Evaluation, LabelledData, train } from "./train";

export interface InitialLossReport {
  /** The model's loss L(θ₀) on the data. */
  loss: number;
  /** ln K. */
  expected: number;
  /** |loss − ln K|. */
  difference: number;
  tolerance: number;
  /** difference ≤ tolerance. */
  ok: boolean;
  /** One line for a notebook, e.g. "initial loss 2.3026 vs ln 10 = 2.3026 (|diff| 0.0000 ≤ 0.1): ok". */
  report: string;
}

/**
 * Initial loss: L(θ₀) = (1/n) Σ_i −ln p_{y_i}(x_i) compared with ln K, K = number of classes
 * (the columns of predictProba). X: n×d, y: length n. Does not change the model.
 */
export function initialLossCheck(
  model: Model,
  data: LabelledData,
  options: { tolerance?: number } = {},
): InitialLossReport {
  const tolerance = options.tolerance ?? 0.1;
  if (!(tolerance >= 0)) throw new RangeError(`initialLossCheck: tolerance must be ≥ 0, got ${tolerance}`);
  if (data.X.rows === 0) throw new RangeError("initialLossCheck: the data has no examples");
  const K = model.predictProba(gatherRows(data.X, [0])).cols;
  const loss = model.loss(data.X, data.y);
  const expected = Math.log(K);
  const difference = Math.abs(loss - expected);
  const ok = Number.isFinite(loss) && difference <= tolerance;
  const report = `initial loss ${loss.toFixed(4)} vs ln ${K} = ${expected.toFixed(4)} (|diff| ${difference.toFixed(4)} ${ok ? "≤" : ">"} ${tolerance}): ${ok ? "ok" : "NOT close — check the loss and the initialisation"}`;
  return { loss, expected, difference, tolerance, ok, report };
}

export interface OverfitOptions {
  /** How many examples to overfit: the first `examples` rows of the data (default 20). */
  examples?: number;
  /** Default: momentum(0.1, β = 0.9). */
  optimizer?: Optimizer;
  /** Give up after this many full-batch steps (default 500). */
  maxIterations?: number;
  /** Training accuracy to reach (default 1, i.e. 100%). */
  target?: number;
  /** Evaluate every this many steps (default 10). */
  evaluateEvery?: number;
}

export interface OverfitReport {
  examples: number;
  /** Steps taken (until the target was reached, or maxIterations). */
  iterations: number;
  initialLoss: number;
  finalLoss: number;
  trainAccuracy: number;
  /** trainAccuracy ≥ target. */
  reached: boolean;
  seconds: number;
  history: Evaluation[];
  /** One line for a notebook. */
  report: string;
}

/**
 * Overfit a few examples: full-batch training on the first m rows (X_m: m×d, y_m: length m) until
 * the training accuracy reaches the target. Trains `model` in place.
 */
export async function overfitCheck(
  model: Model,
  data: LabelledData,
  options: OverfitOptions = {},
): Promise<OverfitReport> {
  const m = options.examples ?? 20;
  if (!Number.isInteger(m) || m < 1 || m > data.X.rows) {
    throw new RangeError(
      `overfitCheck: examples must be a whole number from 1 to ${data.X.rows} (the rows of the data), got ${m}`,
    );
  }
  if (data.y.length !== data.X.rows)
    throw new RangeError(`overfitCheck: X is ${data.X.shape} but y has ${data.y.length} labels`);
  const target = options.target ?? 1;
  const idx = new Int32Array(m);
  for (let i = 0; i < m; i++) idx[i] = i;
  const X: Matrix = gatherRows(data.X, idx);
  const y = Array.from(idx, (i) => data.y[i]);
  const small = { X, y };
  const initialLoss = model.loss(X, y);
  const result = await train(model, small, {
    optimizer: options.optimizer ?? momentum(0.1, { beta: 0.9 }),
    batchSize: "full",
    shuffle: false,
    maxIterations: options.maxIterations ?? 500,
    evaluateEvery: options.evaluateEvery ?? 10,
    evaluate: { train: small },
    stopWhen: (ev) => (ev.trainAccuracy ?? 0) >= target,
  });
  const last = result.history[result.history.length - 1];
  const trainAccuracy = last.trainAccuracy!;
  const finalLoss = model.loss(X, y);
  const reached = trainAccuracy >= target;
  const pct = (a: number) => `${(100 * a).toFixed(1)}%`;
  const report = `overfit ${m} examples: ${pct(trainAccuracy)} training accuracy after ${result.iterations} steps (loss ${initialLoss.toFixed(4)} → ${finalLoss.toFixed(4)}): ${reached ? "ok" : `did NOT reach ${pct(target)}`}`;
  return {
    examples: m,
    iterations: result.iterations,
    initialLoss,
    finalLoss,
    trainAccuracy,
    reached,
    seconds: result.seconds,
    history: result.history,
    report,
  };
}
