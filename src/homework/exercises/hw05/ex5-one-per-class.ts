/** Homework 05, hw05-ex5 · Ten training images (split from the homework's single spec file; see ./index.ts). */
import * as d from "../../../index";
import { exercise } from "../../check";
import { experimentData, heldOutAccuracy, onePerClassRef, pct, sameRun } from "./common";

// ex5 · one image per class: the student hands in the trained model, the check measures it on
// held-out images and against the reference run. Reference over seeds 1…15 (1,000 test images): 0.32 … 0.50.

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW05_EX5 = exercise({
  id: "hw05-ex5",
  timeLimit: 120,
  title: "Ten training images",
  reference: onePerClassRef,
  compare: (got: unknown, expected: unknown) => {
    const a = heldOutAccuracy(got, "onePerClass");
    if (typeof a === "string") return a;
    const ref = heldOutAccuracy(expected, "the reference") as number;
    if (a < 0.25)
      return `held-out accuracy ${pct(a)} is below the bar 25% (chance is 10%). Trained for 300 epochs with η = 0.1 on d.perClass(train, 1, seed)?`;
    if (a > 0.65)
      return `held-out accuracy ${pct(a)} is above 65%: ten images cannot teach that much. Did you train on only the ten images d.perClass(train, 1, seed)?`;
    return sameRun(a, ref, "onePerClass");
  },
  cases: () => {
    const { train, test } = experimentData(0);
    return [
      {
        name: "ten images drawn with seed 5, 1,000 test images: between 25% and 65%",
        args: [train, test, 5],
        points: 2,
      },
    ];
  },
  hidden: (rng: d.Rng) => {
    const { train, test } = experimentData(0);
    return [{ name: "ten images drawn with another seed", args: [train, test, 100 + rng.int(1000)], points: 1 }];
  },
});
