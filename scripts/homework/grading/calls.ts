// What the grader sends to a student's kernel: each exercise's case arguments, as data (src/homework/wire.ts).
// Built on the lecturer's side from the registered specs (visible seeds, and the master's hidden seeds);
// the references and the hidden generators never enter the student's kernel.
import { casesOf, getExercise, limitsOf } from "../../../src/homework/check";
import { deepCopy } from "../../../src/homework/values";
import { GradingCalls } from "../../../src/homework/report";
import { compact, encode, Wire } from "../../../src/homework/wire";
import "../../../src/homework/exercises/index";
import { Master } from "./masters";

export interface CallsOfMaster {
  calls: GradingCalls;
  /** Exercises whose arguments could not be made into data, with the reason. */
  unsendable: Map<string, string>;
  /** With `budget`: each exercise's reference time over all its cases (ms, measured here). */
  referenceMs: Map<string, number>;
}

/**
 * Time budgets from the reference (see GradeOptions.referenceBudget). A solution cell's floor is
 * cellFloorS, or compiledCellFloorS while its kernel takes the cells compiled ahead (nothing to compile
 * in the cell: scripts/kernel/precompiled.js) and no cell before it failed (after a failure the kernel may
 * have to create its compiler inside a cell).
 */
export const BUDGET = {
  callFactor: 50,
  callFloorMs: 2000,
  experimentCallFloorMs: 10_000,
  checkRestFloorMs: 1000,
  cellFactor: 20,
  cellFloorS: 30,
  compiledCellFloorS: 10,
};

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The reference's time on one case (ms): the faster of two runs (the first one warms the code up). */
function referenceMs(reference: (...a: unknown[]) => unknown, args: unknown[]): number {
  let best = Infinity;
  for (let k = 0; k < 2; k++) {
    const copy = deepCopy(args) as unknown[];
    const t0 = performance.now();
    try {
      reference(...copy);
    } catch {
      return 0; // a reference that throws on a case is the spec's business (reported by the check)
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export function gradingCalls(
  master: Master,
  limits: { callMs: number; checkMs: number },
  budget = false,
): CallsOfMaster {
  const calls: GradingCalls = { exercises: {}, ...limits };
  const unsendable = new Map<string, string>();
  const spent = new Map<string, number>();
  for (const ex of master.exercises) {
    for (const [kind, ids] of [
      ["visible", ex.visible],
      ["hidden", ex.hidden],
    ] as const) {
      for (const id of ids) {
        const spec = getExercise(id);
        if (!spec) continue; // the check reports "unknown exercise" on the grader's side
        try {
          const cases = casesOf(spec, {
            hidden: kind === "hidden",
            seed: kind === "hidden" ? ex.seeds[id] : undefined,
          });
          const entry = (calls.exercises[id] = calls.exercises[id] ?? {});
          entry.writes = [...(spec.writes ?? [])];
          // An exercise with its own time limit (an experiment that trains) keeps it at grading (with a budget: at most).
          if (spec.timeLimit && !budget) Object.assign(entry, limitsOf(spec, {}));
          // (compact: a kernel reads these at its start; hw05's MNIST datasets 4 × smaller)
          entry[kind] = cases.map((c) => compact(encode(c.args, `${id} case "${c.name}"`)) as Wire[]);
          if (budget) {
            // An endless loop in the student's function is cut off after 50 × the reference's slowest case
            // (an experiment that trains: at least 10 s, at most its own limit).
            const times = cases.map((c) => referenceMs(spec.reference as (...a: unknown[]) => unknown, c.args));
            spent.set(id, (spent.get(id) ?? 0) + sum(times));
            const [floor, cap] = spec.timeLimit
              ? [BUDGET.experimentCallFloorMs, spec.timeLimit * 1000]
              : [BUDGET.callFloorMs, limits.callMs];
            const callMs = Math.min(
              cap,
              Math.max(entry.callMs ?? 0, floor, Math.ceil(BUDGET.callFactor * Math.max(0, ...times))),
            );
            // A check (its visible or its hidden cases): one call may use its whole limit (the case it loops
            // on), the other calls 50 × the reference's time (at least a second in all): a function that loops
            // on every case costs one call's limit and a second, not one limit per case. The visible and the
            // hidden check share that one whole call (src/homework/check.ts, limitsAfter): not one per check.
            const checkMs = Math.max(
              entry.checkMs ?? 0,
              Math.min(
                spec.timeLimit ? Infinity : limits.checkMs,
                callMs + Math.max(BUDGET.checkRestFloorMs, Math.ceil(BUDGET.callFactor * sum(times))),
              ),
            );
            Object.assign(entry, { callMs, checkMs });
          }
        } catch (e) {
          unsendable.set(id, (e as Error).message);
        }
      }
    }
  }
  return { calls, unsendable, referenceMs: spent };
}
