/**
 * Step-size schedules: how the learning rate η changes from one epoch to the next.
 *
 *   constant(η)                    η_e = η
 *   halveEveryEpoch(η₀)            η_e = η₀ / 2^e                 (the homework's "decay by 1/2 every epoch")
 *   decayEveryEpoch(η₀, ρ)         η_e = η₀ · ρ^e
 *   decreaseOnPlateau(η₀, {…})     η ← ρ·η when the epoch's loss stops improving (the notes' "check if
 *                                  you need to decrease the step size" after each pass over the data)
 *   linearDecay(η₀, T, η_min)      η_t = η₀ − (η₀ − η_min)·min(t/T, 1)   (per iteration t: steps taken)
 *
 * e counts finished epochs (0 during the first). A schedule is a small stateful object; the optimiser
 * reads `eta` at every step, calls `afterStep` (if present) after every step, and `endEpoch` when the
 * training loop reports the end of an epoch.
 */
import { checkInRange, checkLearningRate, checkPositive } from "./hyperparameters";
import { describeValue } from "../core/describe";

export interface Schedule {
  /** e.g. "halveEveryEpoch(η₀=0.1)". */
  readonly name: string;
  /** The step size η for the current epoch. */
  readonly eta: number;
  /** After epoch `epoch` (1, 2, …) with mean training loss `loss`: update and return the new η. */
  endEpoch(epoch: number, loss: number): number;
  /** Back to η₀ and no history. */
  reset(): void;
  /** Per-iteration schedules advance here; optimisers call it after every step. */
  afterStep?(): void;
}

/** η_e = η for every epoch. */
export function constant(eta: number): Schedule {
  checkLearningRate(eta, "constant");
  return {
    name: `constant(η=${eta})`,
    eta,
    endEpoch: () => eta,
    reset: () => {},
  };
}

/** η_e = η₀ · ρ^e after e finished epochs (0 < ρ ≤ 1). */
export function decayEveryEpoch(eta0: number, rho: number): Schedule {
  checkLearningRate(eta0, "decayEveryEpoch");
  if (typeof rho !== "number" || !(rho > 0 && rho <= 1)) {
    throw new RangeError(`decayEveryEpoch: the decay factor ρ must be in (0, 1], got ${describeValue(rho)}`);
  }
  let eta = eta0;
  return {
    name: `decayEveryEpoch(η₀=${eta0}, ρ=${rho})`,
    get eta() {
      return eta;
    },
    endEpoch(epoch: number) {
      eta = eta0 * Math.pow(rho, epoch);
      return eta;
    },
    reset() {
      eta = eta0;
    },
  };
}

/** η_e = η₀ / 2^e: the step size is halved after every epoch. */
export function halveEveryEpoch(eta0: number): Schedule {
  checkLearningRate(eta0, "halveEveryEpoch");
  const s = decayEveryEpoch(eta0, 0.5);
  return {
    name: `halveEveryEpoch(η₀=${eta0})`,
    get eta() {
      return s.eta;
    },
    endEpoch: (epoch: number, loss: number) => s.endEpoch(epoch, loss),
    reset: () => s.reset(),
  };
}

export interface PlateauOptions {
  /** η ← factor·η on a plateau (default 0.5). */
  factor?: number;
  /** How many epochs without improvement are tolerated before decreasing (default 0: decrease at once). */
  patience?: number;
  /** An epoch improves when loss < best − threshold·|best| (relative; default 1e-3). */
  threshold?: number;
  /** Never go below this step size (default 0). */
  minEta?: number;
}

/**
 * Decrease on plateau: keep the best epoch loss L*; after an epoch with L ≥ L* − τ|L*| (no real
 * improvement) for more than `patience` epochs in a row, set η ← ρ·η (never below minEta).
 */
export function decreaseOnPlateau(eta0: number, options: PlateauOptions = {}): Schedule {
  const who = "decreaseOnPlateau";
  checkLearningRate(eta0, who);
  const factor = checkInRange(options.factor ?? 0.5, 0, 1, "factor", who);
  if (factor === 0) throw new RangeError(`${who}: factor must be in (0, 1), got 0`);
  const patience = options.patience ?? 0;
  if (!Number.isInteger(patience) || patience < 0)
    throw new RangeError(`${who}: patience must be a whole number ≥ 0, got ${describeValue(patience)}`);
  const threshold = checkPositive(options.threshold ?? 1e-3, "threshold", who, true);
  const minEta = checkPositive(options.minEta ?? 0, "minEta", who, true);
  let eta = eta0;
  let best = Infinity;
  let bad = 0;
  return {
    name: `decreaseOnPlateau(η₀=${eta0}, ρ=${factor}, patience=${patience})`,
    get eta() {
      return eta;
    },
    endEpoch(epoch: number, loss: number) {
      if (!Number.isFinite(loss)) throw new RangeError(`${who}: the loss of epoch ${epoch} is ${loss}`);
      if (best === Infinity || loss < best - threshold * Math.abs(best)) {
        best = loss;
        bad = 0;
      } else if (++bad > patience) {
        eta = Math.max(factor * eta, minEta);
        bad = 0;
      }
      return eta;
    },
    reset() {
      eta = eta0;
      best = Infinity;
      bad = 0;
    },
  };
}

/**
 * Linear decay per iteration: η_t = η₀ − (η₀ − η_min)·min(t/T, 1), t = steps taken so far; from η₀ down
 * to η_min (default η₀/100) over T steps, then constant. Ending a run with small steps makes the final
 * parameters much less noisy than a constant step size does.
 */
export function linearDecay(eta0: number, T: number, etaMin = eta0 / 100): Schedule {
  const who = "linearDecay";
  checkLearningRate(eta0, who);
  checkLearningRate(etaMin, `${who} (η_min)`);
  if (!Number.isInteger(T) || T < 1)
    throw new RangeError(`${who}: the number of steps T must be a whole number ≥ 1, got ${describeValue(T)}`);
  let t = 0;
  return {
    name: `linearDecay(η₀=${eta0}, T=${T}, η_min=${etaMin})`,
    get eta() {
      return eta0 - (eta0 - etaMin) * Math.min(t / T, 1);
    },
    afterStep() {
      t++;
    },
    endEpoch() {
      return this.eta;
    },
    reset() {
      t = 0;
    },
  };
}

/** A number means a constant step size; a Schedule is used as is. */
export function toSchedule(eta: number | Schedule, who: string): Schedule {
  if (typeof eta === "number") {
    checkLearningRate(eta, who);
    return constant(eta);
  }
  if (eta === null || typeof eta !== "object" || typeof eta.endEpoch !== "function") {
    throw new TypeError(`${who}: expected a learning rate (number) or a Schedule, got ${describeValue(eta)}`);
  }
  return eta;
}
