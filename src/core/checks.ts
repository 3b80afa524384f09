/**
 * The "checks" cell of every notebook: assertions on what the notebook taught, printed as a
 * list a student can read ("✓ …"), and an error that stops the notebook (and fails `npm test`)
 * when one does not hold.
 */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckError";
  }
}

function pass(name: string, detail: string): void {
  console.log(`✓ ${name}${detail ? ` (${detail})` : ""}`);
}

/** Assert a condition. */
export function check(name: string, condition: boolean, detail = ""): void {
  if (!condition) throw new CheckError(`✗ ${name}${detail ? `: ${detail}` : ""}`);
  pass(name, detail);
}

/** Assert |actual − expected| ≤ tol. */
export function checkClose(name: string, actual: number, expected: number, tol: number): void {
  const diff = Math.abs(actual - expected);
  check(
    name,
    Number.isFinite(actual) && diff <= tol,
    `${fmt(actual)} vs ${fmt(expected)}, |diff| = ${fmt(diff)} ≤ ${tol}`,
  );
}

/** Assert actual ≥ bound (for accuracies reached). */
export function checkAtLeast(name: string, actual: number, bound: number): void {
  check(name, Number.isFinite(actual) && actual >= bound, `${fmt(actual)} ≥ ${bound}`);
}

/** Assert actual ≤ bound (for errors and losses). */
export function checkAtMost(name: string, actual: number, bound: number): void {
  check(name, Number.isFinite(actual) && actual <= bound, `${fmt(actual)} ≤ ${bound}`);
}

/** Assert two arrays are equal entry by entry. */
export function checkEqual(name: string, actual: ArrayLike<unknown>, expected: ArrayLike<unknown>): void {
  let same = actual.length === expected.length;
  let where = same ? -1 : Math.min(actual.length, expected.length);
  for (let i = 0; same && i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      same = false;
      where = i;
    }
  }
  check(
    name,
    same,
    same
      ? `${actual.length} entries`
      : `first difference at index ${where}: ${String(actual[where])} vs ${String(expected[where])}`,
  );
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5 ? x.toExponential(3) : x.toFixed(4);
}
