/**
 * Homework 05, hw05-ex3 · Batch sizes 1, 10 and 100 on the same budget (split from the homework's single spec file; see
 * ./index.ts).
 */
import * as d from "../../../index";
import { exercise } from "../../check";
import {
  BATCH_RUNS,
  NOT_EVIDENCE,
  batchSizeExperimentRef,
  experimentData,
  heldOutAccuracy,
  pct,
  sameRun,
} from "./common";

// ex3 · batch sizes on the same budget (bars): each row hands in its trained model, which the
// check measures on held-out images (MNIST test 2000…2999) and against the reference run.
//
// Reference over three subsets (offsets 0, 5000, 20000): B=1 η=0.01: 0.86 0.81 0.85; B=10 η=0.1:
// 0.86 0.80 0.85; B=100 η=1: 0.78 0.77 0.75; B=100 η=0.1: 0.76 0.70 0.76.

/** The rows' held-out accuracies (each row's model measured by the check), or a message. */
export function checkBatchRows(got: unknown, args: unknown[]): string | number[] {
  const train = args[0] as d.Dataset;
  if (typeof got === "number") return NOT_EVIDENCE;
  if (!Array.isArray(got))
    return `expected an array of ${BATCH_RUNS.length} rows { batchSize, eta, steps, model }, got ${typeof got}`;
  if (got.length !== BATCH_RUNS.length)
    return `expected ${BATCH_RUNS.length} rows, one per run (B, η) = ${BATCH_RUNS.map(([B, e]) => `(${B}, ${e})`).join(", ")}, got ${got.length}`;
  const n = train.y.length;
  const acc: number[] = [];
  for (let r = 0; r < BATCH_RUNS.length; r++) {
    const [B, eta] = BATCH_RUNS[r];
    const row = got[r] as {
      batchSize?: unknown;
      eta?: unknown;
      steps?: unknown;
      model?: unknown;
      accuracy?: unknown;
    } | null;
    if (!row || typeof row !== "object" || row.batchSize !== B || row.eta !== eta)
      return `row ${r}: expected batchSize ${B} and eta ${eta} (the runs in the order of the task), got ${JSON.stringify(row)?.slice(0, 120)}`;
    if (row.model === undefined && typeof row.accuracy === "number") return `row ${r} (B = ${B}): ${NOT_EVIDENCE}`;
    if (row.steps !== Math.ceil(n / B)) {
      return `row ${r} (B = ${B}): one epoch of ${n} images takes ⌈${n}/${B}⌉ = ${Math.ceil(n / B)} steps, got ${row.steps}. Every run gets the same budget of images (one epoch), not the same number of steps.`;
    }
    const a = heldOutAccuracy(row.model, `row ${r} (B = ${B})`);
    if (typeof a === "string") return a;
    acc.push(a);
  }
  return acc;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW05_EX3 = exercise({
  id: "hw05-ex3",
  timeLimit: 120,
  title: "Batch sizes 1, 10 and 100 on the same budget",
  reference: batchSizeExperimentRef,
  compare: (got: unknown, expected: unknown, args: unknown[]) => {
    const acc = checkBatchRows(got, args);
    if (typeof acc === "string") return acc;
    const ref = checkBatchRows(expected, args) as number[];
    const bars: [number, number][] = [
      [0, 0.78],
      [1, 0.78],
      [2, 0.7],
      [3, 0.65],
    ];
    for (const [r, bar] of bars) {
      const [B, eta] = BATCH_RUNS[r];
      if (acc[r] < bar) {
        return (
          `B = ${B}, η = ${eta}: held-out accuracy ${pct(acc[r])} is below the bar ${pct(bar)}. ` +
          (acc[r] < 0.2
            ? "That is near chance (10%): is the update's sign right, and did you train on `train` (shuffled, seed 1)?"
            : "Check the run's settings (one epoch, seed 1, η as in the task).")
        );
      }
    }
    const gap = acc[1] - acc[3];
    if (gap < 0.04) {
      return `with the same η = 0.1, B = 100 should end clearly below B = 10 (it takes 10 times fewer steps): expected a gap of at least 4 points on the held-out images, got ${(100 * gap).toFixed(1)} (B = 10: ${pct(acc[1])}, B = 100: ${pct(acc[3])}). Did both runs really use η = 0.1?`;
    }
    for (let r = 0; r < BATCH_RUNS.length; r++) {
      const msg = sameRun(acc[r], ref[r], `B = ${BATCH_RUNS[r][0]}, η = ${BATCH_RUNS[r][1]}`);
      if (msg) return msg;
    }
    return null;
  },
  cases: () => {
    const { train, test } = experimentData(0);
    return [
      {
        name: "3,000 training images (first block), 1,000 test images: rows, budgets and bars",
        args: [train, test],
        points: 3,
      },
    ];
  },
  hidden: () => {
    const { train, test } = experimentData(20000);
    return [{ name: "another 3,000 training images and 1,000 test images", args: [train, test], points: 1 }];
  },
});
