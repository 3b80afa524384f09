// What the grader sends to a student's kernel: each exercise's case arguments, as data (src/homework/wire.ts).
// Built on the lecturer's side from the registered specs (visible seeds, and the master's hidden seeds);
// the references and the hidden generators never enter the student's kernel.
import { casesOf, getExercise, limitsOf } from "../../../src/homework/check";
import { GradingCalls } from "../../../src/homework/report";
import { encode, Wire } from "../../../src/homework/wire";
import "../../../src/homework/exercises/index";
import { Master } from "./masters";

export interface CallsOfMaster {
  calls: GradingCalls;
  /** Exercises whose arguments could not be made into data, with the reason. */
  unsendable: Map<string, string>;
}

export function gradingCalls(master: Master, limits: { callMs: number; checkMs: number }): CallsOfMaster {
  const calls: GradingCalls = { exercises: {}, ...limits };
  const unsendable = new Map<string, string>();
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
          // An exercise with its own time limit (an experiment that trains) keeps it at grading.
          if (spec.timeLimit) Object.assign(entry, limitsOf(spec, {}));
          entry[kind] = cases.map((c) => encode(c.args, `${id} case "${c.name}"`) as Wire[]);
        } catch (e) {
          unsendable.set(id, (e as Error).message);
        }
      }
    }
  }
  return { calls, unsendable };
}
