/**
 * Homework 05 · exercise 7, with room to think (master: notebooks/homework-masters/05-softmax-experiments.ipynb).
 *
 *   hw05-ex7  validationSplit(y, m)   m distinct indices of a validation set that holds every class in proportion:
 *             for each class c with n_c of the n labels, between ⌊m·n_c/n⌋ and ⌈m·n_c/n⌉ of its examples
 *
 * No reference answer: the check judges the indices (valid, distinct, m of them, each class's count within its
 * bounds) and says what is off. The visible cases include labels sorted by class, as chapter 05's sorted stream.
 */
import { Rng } from "../../../core/random";
import { exercise } from "../../check";

/** Labels with the given count per class: sorted by class (0…0 1…1 …), or shuffled with `rng`. */
export function labelsWithCounts(counts: number[], rng: Rng | null): number[] {
  const y = counts.flatMap((c, k) => new Array<number>(c).fill(k));
  if (rng)
    for (let i = y.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [y[i], y[j]] = [y[j], y[i]];
    }
  return y;
}

/**
 * A course answer: per class, ⌊m·n_c/n⌋ examples, plus one more for the classes with the largest remainders, until m.
 */
export function validationSplitRef(y: number[], m: number): number[] {
  const n = y.length;
  const byClass = new Map<number, number[]>();
  y.forEach((c, i) => byClass.set(c, [...(byClass.get(c) ?? []), i]));
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const share = classes.map((c) => (m * byClass.get(c)!.length) / n);
  const take = share.map(Math.floor);
  const order = classes.map((_, k) => k).sort((a, b) => share[b] - take[b] - (share[a] - take[a]));
  for (let t = 0; take.reduce((s, v) => s + v, 0) < m; t++) take[order[t]]++;
  return classes.flatMap((c, k) => byClass.get(c)!.slice(0, take[k]));
}

function judge(got: unknown, args: unknown[]): string | null {
  const [y, m] = args as [number[], number];
  const n = y.length;
  if (!Array.isArray(got)) return `return an array of ${m} indices, got ${typeof got}`;
  if (got.length !== m) return `the validation set must hold m = ${m} examples, your array has ${got.length}`;
  const seen = new Set<number>();
  for (const i of got) {
    if (!Number.isInteger(i) || i < 0 || i >= n) return `${String(i)} is not an index of y (0 … ${n - 1})`;
    if (seen.has(i)) return `index ${i} appears twice: each example is in the validation set at most once`;
    seen.add(i);
  }
  const K = 1 + y.reduce((a, c) => Math.max(a, c), 0); // classes 0 … K − 1
  const total = new Array<number>(K).fill(0),
    mine = new Array<number>(K).fill(0);
  for (const c of y) total[c]++;
  for (const i of got as number[]) mine[y[i]]++;
  const off = total
    .map((nc, c) => ({ c, want: (m * nc) / n, got: mine[c] }))
    .filter((r) => r.got < Math.floor(r.want) || r.got > Math.ceil(r.want));
  if (off.length === 0) return null;
  const show = off
    .slice(0, 4)
    .map((r) => `class ${r.c}: ${r.got} (want ${r.want.toFixed(1)})`)
    .join(", ");
  const present = mine.filter((v) => v > 0).length;
  const why =
    present <= 2
      ? ` Your set holds only ${present} class(es): on labels sorted by class, a block of neighbouring indices is one or two classes.`
      : " A random sample is fair only on average; its class counts wander by a few examples.";
  return `the classes are not in proportion — ${show}.${why} Take from each class its share m·n_c/n (rounded so that the counts add up to m)`;
}

exercise({
  id: "hw05-ex7",
  writes: ["splitValidation"],
  title: "A validation split that keeps every class",
  cases: (rng) => [
    {
      name: "labels sorted by class (10 classes, 60 to 140 each), m = 100",
      args: [labelsWithCounts([100, 120, 90, 110, 60, 140, 100, 95, 85, 100], null), 100],
      points: 2,
    },
    {
      name: "shuffled labels (10 classes), m = 200",
      args: [labelsWithCounts([100, 120, 90, 110, 60, 140, 100, 95, 85, 100], rng), 200],
      points: 2,
    },
  ],
  hidden: (rng) => [
    {
      name: "sorted, a rare class of 7 examples, m = 50",
      args: [labelsWithCounts([300, 7, 200, 150, 93], null), 50],
      points: 1,
    },
    {
      name: "shuffled, 3 classes, m = 31 (remainders to share)",
      args: [labelsWithCounts([40, 33, 27], rng), 31],
      points: 1,
    },
  ],
  compare: (got, _expected, args) => judge(got, args),
  mistakes: [
    {
      hint: "You took the last m examples. On data sorted by class (chapter 05's sorted stream) those are all of the last class: a validation accuracy measured on them says nothing about the other digits.",
      answer: (y: number[], m: number) => Array.from({ length: m }, (_, k) => y.length - m + k),
    },
    {
      hint: "You took the first m examples: on data sorted by class they are all of the first class (or two).",
      answer: (_y: number[], m: number) => Array.from({ length: m }, (_, k) => k),
    },
  ],
});

/** The id this file registers. (A declaration ends the file: tslab rewrites a file's last expression statement.) */
export const HW05_EX7 = "hw05-ex7";
