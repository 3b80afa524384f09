// The options of a grading run.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import * as os from "node:os";
import { RunResult } from "./runNotebooks";

export interface GradeOptions {
  out: string;
  timeout: number;
  cellTimeout: number;
  jobs: number;
  sharedKernel: boolean;
  /** Stubbing rounds after a crash or timeout (default 3). */
  retries?: number;
  progress?: (r: RunResult) => void;
  /**
   * Grade again into the same `out`: a notebook graded in full there before, whose submission, master,
   * course code and limits are unchanged, keeps its rows and is not run (grading/resume.ts).
   */
  resume?: boolean;
  /** Called each time a notebook is graded in full (no run of it left): how many are, of how many. */
  graded?: (done: number, total: number) => void;
  /** The lecturer's marks of the written questions (CSV, see grading/written.ts). */
  marks?: string;
  /** Students' platform identifiers for canvas.csv and moodle.csv (CSV, see grading/exports.ts). */
  roster?: string;
  /** Feedback reports hidden cases by number and result, without their inputs or values. */
  hideHiddenInputs?: boolean;
  /** Time limit of one call of a student's function (s; default 30, or the exercise's own timeLimit) and of one check (s; default 120). */
  callTimeout?: number;
  checkTimeout?: number;
  /** Run students' kernels as the grader's own user, without isolation (grading/isolation.ts): only when isolation is impossible (not root) and the lecturer accepts what it loses. */
  unisolated?: boolean;
  /**
   * Time budgets from the references (default true): an exercise's per-call limit is 50 × its reference's
   * slowest case (at least 2 s, at most callTimeout), and its solution cell's limit 20 × the reference's
   * time over all cases (at least 30 s, or 10 s while the kernel's cells come compiled ahead and none has
   * failed; at most cellTimeout), so an endless loop is cut off early.
   */
  referenceBudget?: boolean;
}

/**
 * The options of `npm run grade` without arguments: two runners per core (a runner's kernel waits a good
 * part of each notebook, starting, compiling, writing: two per core keep the cores busy; bench/README.md,
 * "Grading a class"), budgets from the references.
 */
export function defaultGradeOptions(out: string): GradeOptions {
  return {
    out,
    timeout: 300,
    cellTimeout: 120,
    jobs: Math.max(1, 2 * os.availableParallelism()),
    sharedKernel: false,
    referenceBudget: true,
  };
}
