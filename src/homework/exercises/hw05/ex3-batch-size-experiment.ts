/**
 * Homework 05, hw05-ex3 · Batch sizes 1, 10 and 100 on the same budget (split from the homework's single spec file; see
 * ./index.ts).
 */
import * as d from "../../../index";
import { exercise } from "../../check";
import { BATCH_RUNS, BatchRow, experimentData, isNum, pct } from "./common";

// ex3 · batch sizes on the same budget (bars)
//
// Reference over three subsets (offsets 0, 5000, 20000): B=1 η=0.01: 0.86 0.81 0.85; B=10 η=0.1:
// 0.86 0.80 0.85; B=100 η=1: 0.78 0.77 0.75; B=100 η=0.1: 0.76 0.70 0.76.

export function checkBatchRows(got: unknown, args: unknown[]): string | null {
  const train = args[0] as d.Dataset;
  if (!Array.isArray(got))
    return `expected an array of ${BATCH_RUNS.length} rows { batchSize, eta, steps, accuracy }, got ${typeof got}`;
  if (got.length !== BATCH_RUNS.length)
    return (
      `expected ${BATCH_RUNS.length} rows, one per run (B, η) = ` +
      `${BATCH_RUNS.map(([B, e]) => `(${B}, ${e})`).join(", ")}, got ${got.length}`
    );
  const n = train.y.length;
  for (let r = 0; r < BATCH_RUNS.length; r++) {
    const [B, eta] = BATCH_RUNS[r];
    const row = got[r] as Partial<BatchRow>;
    if (!row || row.batchSize !== B || row.eta !== eta)
      return (
        `row ${r}: expected batchSize ${B} and eta ${eta} (the runs in the order of the task), got ` +
        `${JSON.stringify(row)}`
      );
    if (!isNum(row.accuracy) || !(row.accuracy >= 0 && row.accuracy <= 1))
      return `row ${r} (B = ${B}): accuracy must be a fraction in [0, 1], got ${row?.accuracy}`;
    if (row.steps !== Math.ceil(n / B)) {
      return (
        `row ${r} (B = ${B}): one epoch of ${n} images takes ⌈${n}/${B}⌉ = ${Math.ceil(n / B)} steps, got ` +
        `${row.steps}. Every run gets the same budget of images (one epoch), not the same number of steps.`
      );
    }
  }
  return null;
}

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW05_EX3 = exercise({
  id: "hw05-ex3",
  timeLimit: 120,
  title: "Batch sizes 1, 10 and 100 on the same budget",
  compare: (got: unknown, _expected: unknown, args: unknown[]) => {
    const shape = checkBatchRows(got, args);
    if (shape) return shape;
    const rows = got as BatchRow[];
    const bars: [number, number][] = [
      [0, 0.78],
      [1, 0.78],
      [2, 0.7],
      [3, 0.65],
    ];
    for (const [r, bar] of bars) {
      if (rows[r].accuracy < bar) {
        return (
          `B = ${rows[r].batchSize}, η = ${rows[r].eta}: test accuracy ${pct(rows[r].accuracy)} is below the bar ` +
          `${pct(bar)}. ` +
          (rows[r].accuracy < 0.2
            ? "That is near chance (10%): is the update's sign right, and did you train on `train` (shuffled, seed " +
              "1) and measure on `test`?"
            : "Check the run's settings (one epoch, seed 1, η as in the task) and that you measure on the test images.")
        );
      }
    }
    const gap = rows[1].accuracy - rows[3].accuracy;
    if (gap < 0.04) {
      return (
        `with the same η = 0.1, B = 100 should end clearly below B = 10 (it takes 10 times fewer steps): ` +
        `expected a gap of at least 4 points, got ${(100 * gap).toFixed(1)} (B = 10: ${pct(rows[1].accuracy)}, B = ` +
        `100: ${pct(rows[3].accuracy)}). Did both runs really use η = 0.1?`
      );
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
