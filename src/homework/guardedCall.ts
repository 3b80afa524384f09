/**
 * Calling a student's function under guard: its own time limit, an interrupt (■) that stops only
 * the call, and no way out through process.exit.
 *
 * The call runs as a tiny script in a vm context of its own (`vm` cuts off a script that runs past
 * its `timeout`, or on SIGINT with `breakOnSigint`, and turns that into an exception at the
 * boundary, so the caller goes on: a check survives an endless loop and an interrupt). For the
 * call's duration process.exit, process.reallyExit, process.abort and process.kill throw instead
 * of ending the kernel; they are put back afterwards.
 */
import * as vm from "vm";

export type Stop = "timeout" | "interrupted" | null;

export interface GuardedOutcome {
  ok: boolean;
  value: unknown;
  error: unknown;
  /** Why the call was cut off, if it was. */
  stopped: Stop;
}

/** The error a blocked process.exit (or kill, abort) throws inside a checked function. */
export class ExitBlocked extends Error {
  constructor(what: string) {
    super(`${what} is not available inside a checked function (it would stop the kernel and every later check)`);
    this.name = "ExitBlocked";
  }
}

const context = vm.createContext({ target: null as null | (() => unknown) });
const script = new vm.Script("target()", { filename: "descent-homework-call" });

type Proc = Record<"exit" | "reallyExit" | "abort" | "kill", unknown>;
const GUARDED = ["exit", "reallyExit", "abort", "kill"] as const;

function blockExits(): () => void {
  const p = process as unknown as Proc;
  const saved = GUARDED.map((k) => [k, Object.getOwnPropertyDescriptor(p, k)] as const);
  for (const k of GUARDED) {
    try {
      Object.defineProperty(p, k, {
        configurable: true,
        writable: true,
        value: () => {
          throw new ExitBlocked(`process.${k}`);
        },
      });
    } catch {
      /* a property the student froze: leave it */
    }
  }
  return () => {
    for (const [k, d] of saved) {
      try {
        if (d) Object.defineProperty(p, k, d);
        else delete p[k];
      } catch {
        /* nothing to restore */
      }
    }
  };
}

function codeOf(e: unknown): string {
  return e && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : "";
}

/** fn(...args) with a time limit of `ms` milliseconds; never throws. */
export function guardedCall(fn: (...args: never[]) => unknown, args: unknown[], ms: number): GuardedOutcome {
  const restore = blockExits();
  (context as { target: null | (() => unknown) }).target = () => (fn as (...a: unknown[]) => unknown)(...args);
  try {
    const value = script.runInContext(context, {
      timeout: Math.max(1, Math.round(ms)),
      breakOnSigint: true,
      displayErrors: false,
    });
    return { ok: true, value, error: null, stopped: null };
  } catch (error) {
    const code = codeOf(error);
    const stopped: Stop =
      code === "ERR_SCRIPT_EXECUTION_TIMEOUT"
        ? "timeout"
        : code === "ERR_SCRIPT_EXECUTION_INTERRUPTED"
          ? "interrupted"
          : null;
    return { ok: false, value: undefined, error, stopped };
  } finally {
    (context as { target: null | (() => unknown) }).target = null;
    restore();
  }
}
