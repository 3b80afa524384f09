/**
 * Homework 05, hw05-ex4 · Sorted by class versus shuffled (split from the homework's single spec file; see ./index.ts).
 */
import { exercise } from "../../check";
import { NOT_EVIDENCE, experimentData, heldOutAccuracy, pct, sameRun, sortedVsShuffledRef } from "./common";

// ex4 · sorted vs shuffled (a margin): the student hands in the two trained models, the check
// measures them on held-out images and against the reference runs. Reference: shuffled 0.86 / 0.80 / 0.85, sorted 0.09
// / 0.10 / 0.13.

/** The spec this file registers (a declaration: tslab rewrites a file's last expression statement). */
export const HW05_EX4 = exercise({
  id: "hw05-ex4",
  timeLimit: 120,
  title: "Sorted by class versus shuffled",
  reference: sortedVsShuffledRef,
  compare: (got: unknown, expected: unknown) => {
    if (typeof got === "number") return NOT_EVIDENCE;
    const g = got as { sorted?: unknown; shuffled?: unknown } | null;
    const e = expected as { sorted: unknown; shuffled: unknown };
    if (!g || typeof g !== "object" || !("sorted" in g) || !("shuffled" in g))
      return `expected { sorted, shuffled } (the two trained models), got ${JSON.stringify(got)?.slice(0, 80)}`;
    const sorted = heldOutAccuracy(g.sorted, "sorted");
    if (typeof sorted === "string") return sorted;
    const shuffled = heldOutAccuracy(g.shuffled, "shuffled");
    if (typeof shuffled === "string") return shuffled;
    if (shuffled < 0.78)
      return `the shuffled model reaches ${pct(shuffled)} on the held-out images; the bar is 78% (B = 10, η = 0.1, one epoch, seed 1). Is it really shuffled and trained for a whole epoch?`;
    if (sorted > 0.35) {
      return `the sorted model reaches ${pct(sorted)}, far more than a class-sorted stream can: the bar says at most 35%. Did you sort the training data (d.sortByClass) and walk through it IN ORDER (seed null)? Shuffling after sorting undoes the sort.`;
    }
    if (shuffled - sorted < 0.4)
      return `shuffled should beat sorted by at least 40 points, got ${(100 * (shuffled - sorted)).toFixed(1)} (shuffled ${pct(shuffled)}, sorted ${pct(sorted)})`;
    return (
      sameRun(sorted, heldOutAccuracy(e.sorted, "reference") as number, "sorted") ??
      sameRun(shuffled, heldOutAccuracy(e.shuffled, "reference") as number, "shuffled")
    );
  },
  cases: () => {
    const { train, test } = experimentData(0);
    return [
      {
        name: "3,000 training images, 1,000 test images: shuffled beats sorted by 40 points",
        args: [train, test],
        points: 2,
      },
    ];
  },
  hidden: () => {
    const { train, test } = experimentData(5000);
    return [{ name: "another 3,000 training images", args: [train, test], points: 1 }];
  },
});
