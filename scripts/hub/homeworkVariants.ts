// Simulated students' answers to homework 01 (the perceptron) for the load script: the released notebook
// with the master's solutions filled in, and three ways of getting one exercise wrong — a wrong result,
// a crash of the kernel (process.exit), an endless loop — with the points each must earn: the master's
// auto-graded points but those of the exercises the variant gets wrong (pointsOf).
import { Notebook, gradeIdOf, releaseNotebook, sourceOf, linesForSource, nbgraderOf } from "../homework/notebook";

export interface Variant {
  name: string;
  /** grade_id of a solution cell → its new source */
  answers: Record<string, string>;
  /** the exercises whose points these answers lose (the others must earn all theirs) */
  loses: string[];
}

export const VARIANTS: Variant[] = [
  { name: "right", answers: {}, loses: [] },
  {
    name: "wrong",
    answers: {
      "hw01-ex1-solution":
        "function decideWithThreshold(X: d.Matrix, w: number[], t: number): number[] {\n  return new Array(X.rows).fill(0);\n}",
    },
    loses: ["hw01-ex1"],
  },
  {
    name: "crashing",
    answers: {
      "hw01-ex2-solution":
        "function decideWithBias(X: d.Matrix, w: number[], b: number): number[] {\n  process.exit(3);\n}",
    },
    // only exercise 2: the grader goes on with the next cells in a new kernel
    loses: ["hw01-ex2"],
  },
  {
    name: "endless loop",
    answers: {
      "hw01-ex3-solution":
        "function perceptronStep(w: number[], b: number, x: number[], y: number, eta: number): { w: number[]; b: number } {\n  while (true) {}\n}",
    },
    // exercise 4's trainPerceptron calls the student's perceptronStep: it loops too
    loses: ["hw01-ex3", "hw01-ex4"],
  },
];

/**
 * The points a student with answers `v` must get from the grader: the master's auto-graded check cells
 * (`<exercise>-check`, nbgrader points), less those of the exercises `v` loses.
 */
export function pointsOf(master: Notebook, v: Variant): number {
  let sum = 0;
  for (const c of master.cells) {
    const id = gradeIdOf(c);
    const m = id && /^(.+)-check$/.exec(id);
    if (!m || v.loses.includes(m[1])) continue;
    sum += Number(nbgraderOf(c)?.points ?? 0);
  }
  return sum;
}

/** The student's notebook: the released version, each solution cell holding the master's solution or the variant's answer. */
export function studentNotebook(master: Notebook, name: string, v: Variant): Notebook {
  const nb = releaseNotebook(master, name);
  const solutions = new Map<string, string>();
  for (const c of master.cells) {
    const id = gradeIdOf(c);
    if (id && id.endsWith("-solution")) {
      solutions.set(
        id,
        sourceOf(c)
          .split("\n")
          .filter((l) => !/(BEGIN|END) SOLUTION/.test(l))
          .join("\n"),
      );
    }
  }
  for (const c of nb.cells) {
    const id = gradeIdOf(c);
    if (!id || !solutions.has(id)) continue;
    c.source = linesForSource(v.answers[id] ?? solutions.get(id)!);
  }
  return nb;
}
