/**
 * The errata ledger of a chapter: every claim of a seed (a formula, a code line, a sentence) that the
 * chapter measures, with its outcome as printed and as corrected, one class, and the number that shows
 * it. Every chapter with a ledger uses this one shape (test/ledger.test.ts reads them all); its checks
 * cell calls `verify()`, which asserts that each class agrees with the outcomes measured.
 *
 * Classes of an erratum:
 *   error          — a wrong formula, code line or sentence;
 *   notation       — a slip of writing (an index range, a symbol) whose intended reading is right;
 *   convention     — a choice different from ours, not wrong;
 *   teaching point — right, but a trap worth knowing.
 * A formula checked and found right is recorded with class "holds"; it is not an erratum.
 */
import { check } from "../core/checks";

export const ERRATUM_CLASSES = ["error", "notation", "convention", "teaching point"] as const;
export type ErratumClass = (typeof ERRATUM_CLASSES)[number];
export type LedgerClass = ErratumClass | "holds";
/** A comparison's outcome: "pass", "FAIL", or "—" when there is nothing to compare. */
export type LedgerOutcome = "pass" | "FAIL" | "—";

export interface LedgerEntry {
  /** Where the claim is: the seed and its place, e.g. "seed 000 §3", "seed 001 code". */
  source: string;
  /** The claim, as printed (quoted where it is a sentence or a code line). */
  claim: string;
  class: LedgerClass;
  /** The claim as printed, against the numbers. */
  asPrinted: LedgerOutcome;
  /** Our corrected form (or, for a convention or a teaching point, our measurement of it). */
  corrected: LedgerOutcome;
  /** The number that shows it (required for an erratum). */
  evidence: string;
}

const OUTCOMES: readonly LedgerOutcome[] = ["pass", "FAIL", "—"];
const CLASSES: readonly LedgerClass[] = ["holds", ...ERRATUM_CLASSES];

/** "pass" if ok, else "FAIL". */
export function outcome(ok: boolean): "pass" | "FAIL" {
  return ok ? "pass" : "FAIL";
}

/** Whether an entry's outcomes agree with its class (the rule `verify` asserts). */
export function classAgrees(e: LedgerEntry): boolean {
  switch (e.class) {
    case "holds": // right as printed, or derived here: nothing fails and something passes
      return e.asPrinted !== "FAIL" && e.corrected !== "FAIL" && (e.asPrinted === "pass" || e.corrected === "pass");
    case "error":
    case "notation": // the printed form fails, the corrected one passes
      return e.asPrinted === "FAIL" && e.corrected === "pass";
    default: // convention, teaching point: our measurement of it passes
      return e.corrected === "pass";
  }
}

export class ErrataLedger {
  readonly entries: LedgerEntry[] = [];

  constructor(readonly chapter: string) {}

  /** Adds one entry; a malformed one is refused with an error naming the field and value. */
  record(e: LedgerEntry): void {
    const where = `ledger ${this.chapter}, entry ${this.entries.length} ("${e.claim}")`;
    if (!CLASSES.includes(e.class))
      throw new RangeError(`${where}: class "${e.class}" is not one of ${CLASSES.join(", ")}`);
    for (const f of ["asPrinted", "corrected"] as const) {
      if (!OUTCOMES.includes(e[f]))
        throw new RangeError(`${where}: ${f} "${e[f]}" is not one of ${OUTCOMES.join(", ")}`);
    }
    for (const f of ["source", "claim"] as const) if (!e[f]?.trim()) throw new RangeError(`${where}: ${f} is empty`);
    if (e.class !== "holds" && !e.evidence?.trim())
      throw new RangeError(`${where}: an erratum needs its evidence (a number)`);
    this.entries.push({ ...e });
  }

  /** The entries that are errata (every class but "holds"). */
  errata(): LedgerEntry[] {
    return this.entries.filter((e) => e.class !== "holds");
  }

  /** How many entries of each class, in the order holds, error, notation, convention, teaching point. */
  counts(): Record<LedgerClass, number> {
    const c = { holds: 0, error: 0, notation: 0, convention: 0, "teaching point": 0 } as Record<LedgerClass, number>;
    for (const e of this.entries) c[e.class]++;
    return c;
  }

  /** The ledger as rows for console.table. */
  table(): Record<string, string>[] {
    return this.entries.map((e) => ({
      class: e.class,
      source: e.source,
      claim: e.claim,
      "as printed": e.asPrinted,
      corrected: e.corrected,
      evidence: e.evidence,
    }));
  }

  /** Checks-cell assertions: every entry's class agrees with its outcomes. */
  verify(): void {
    for (const e of this.entries) {
      check(
        `[${e.class}] ${e.source}: ${e.claim}`,
        classAgrees(e),
        `as printed ${e.asPrinted}, corrected ${e.corrected}${e.evidence ? `; ${e.evidence}` : ""}`,
      );
    }
  }
}

/** A new, empty ledger for one chapter (e.g. "04"). */
export function errataLedger(chapter: string): ErrataLedger {
  return new ErrataLedger(chapter);
}
