/**
 * Stopping a long run with Jupyter's interrupt (■).
 *
 * A loop that can run for more than a second calls `checkpoint(where)` at the head of every step.
 * In the Descent kernel (scripts/kernel/kernelProcess.js) the interrupt sets a flag in shared memory — a
 * worker thread does it, so the flag is set even while a synchronous loop keeps the main thread busy —
 * and the next checkpoint throws an InterruptedError: the run stops between two steps, so the model
 * keeps its last completed step, and the message says where the run stopped. Anywhere else (tests,
 * node scripts) there is no flag and a checkpoint never throws.
 *
 * Cost per step: one Atomics.load. `where` is only called when the run stops.
 *
 * The flag is an Int32Array over a SharedArrayBuffer, shared with the kernel (scripts/kernel/kernelProcess.js):
 *   [REQUESTED]  1 once an interrupt arrived (the kernel clears it when a new cell starts)
 *   [STOPPED]    counts the checkpoints that stopped a run (the kernel falls back to tslab's own
 *                interrupt if none did within a second, e.g. for a loop of the user's own)
 *   [CELL], [RUNNING]  the cell number and whether a cell is running, written by the kernel
 */

/** Slots of the shared flag (same numbers in scripts/kernel/kernelProcess.js). */
export const INTERRUPT_SLOTS = { REQUESTED: 0, STOPPED: 1, CELL: 2, RUNNING: 3, COUNT: 4 } as const;

/** Where the kernel leaves the flag for this module: a global, so the kernel needs no import of src/. */
const FLAG_KEY = Symbol.for("descent.interruptFlag");

let flag: Int32Array | null = lookupFlag();

function lookupFlag(): Int32Array | null {
  const f = (globalThis as Record<symbol, unknown>)[FLAG_KEY];
  return f instanceof Int32Array && f.buffer instanceof SharedArrayBuffer && f.length >= INTERRUPT_SLOTS.COUNT
    ? f
    : null;
}

/** A run stopped by the interrupt; `where` says where ("after iteration 1234 of 4690 (epoch 3) …"). */
export class InterruptedError extends Error {
  declare readonly where: string;
  constructor(where: string) {
    super(`interrupted ${where}`);
    this.name = "InterruptedError";
    Object.defineProperty(this, "where", { value: where, enumerable: false });
    // The notebook shows the stack of an error; for an interrupt only the message matters.
    this.stack = `${this.name}: ${this.message}`;
  }

  /** How the kernel prints it (tslab prints errors with util.inspect): one line, no stack. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `${this.name}: ${this.message}`;
  }
}

/**
 * The loop-head check: throws InterruptedError("interrupted " + where()) when an interrupt is pending,
 * after calling `cleanup` (e.g. to stop a background gather), and does nothing otherwise.
 */
export function checkpoint(where: () => string, cleanup?: () => void): void {
  if (flag !== null && Atomics.load(flag, INTERRUPT_SLOTS.REQUESTED) !== 0) stop(where, cleanup);
}

function stop(where: () => string, cleanup?: () => void): never {
  Atomics.add(flag!, INTERRUPT_SLOTS.STOPPED, 1);
  cleanup?.();
  throw new InterruptedError(where());
}

/** True when an interrupt is pending (for code that winds down by itself instead of throwing). */
export function interruptRequested(): boolean {
  return flag !== null && Atomics.load(flag, INTERRUPT_SLOTS.REQUESTED) !== 0;
}

/**
 * Uses `f` as the interrupt flag (tests; the kernel sets the global before src/ loads), or none with null.
 * Returns the flag used before, to restore it.
 */
export function useInterruptFlag(f: Int32Array | null): Int32Array | null {
  if (f !== null && !(f.buffer instanceof SharedArrayBuffer && f.length >= INTERRUPT_SLOTS.COUNT)) {
    throw new TypeError(
      `useInterruptFlag: the flag must be an Int32Array of at least ${INTERRUPT_SLOTS.COUNT} slots over a SharedArrayBuffer`,
    );
  }
  const before = flag;
  flag = f;
  return before;
}
