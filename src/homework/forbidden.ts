/**
 * Course functions an exercise asks the student to write are not available to the student's
 * function while it is checked (in the kernel, and at grading): d.softmax inside hw03-ex2's check
 * throws "hw03-ex2 asks you to write softmax: d.softmax is not available here".
 *
 * The course's modules export their functions as properties of their exports objects, and
 * src/index.ts re-exports them through getters that read those properties; for the call's duration
 * each listed function is replaced in every loaded module of src/ that exports it, then put back.
 * (A reference the student copied into a variable before the check is not reached: that is for the
 * lecturer's review, like any other code the grader flags.)
 */
import * as path from "path";

const srcDir = path.resolve(__dirname, "..") + path.sep;

/** The error a forbidden course function throws. */
export class NotAvailable extends Error {
  constructor(id: string, name: string) {
    super(`${id} asks you to write ${name}: d.${name} is not available here`);
    this.name = "NotAvailable";
  }
}

/** Replace `names` in every loaded course module; returns the function that puts them back. */
export function forbid(id: string, names: readonly string[]): () => void {
  if (names.length === 0) return () => {};
  const restore: (() => void)[] = [];
  const cache = (typeof require !== "undefined" ? require.cache : {}) as Record<
    string,
    { exports?: unknown } | undefined
  >;
  for (const [file, mod] of Object.entries(cache)) {
    if (!file.startsWith(srcDir) || file.startsWith(path.join(srcDir, "homework") + path.sep)) continue;
    const exp = mod?.exports as Record<string, unknown> | undefined;
    if (!exp || typeof exp !== "object") continue;
    for (const name of names) {
      const desc = Object.getOwnPropertyDescriptor(exp, name);
      if (!desc || !("value" in desc) || typeof desc.value !== "function" || !(desc.writable || desc.configurable))
        continue;
      const blocked = function () {
        throw new NotAvailable(id, name);
      };
      try {
        Object.defineProperty(exp, name, { ...desc, value: blocked });
        restore.push(() => Object.defineProperty(exp, name, desc));
      } catch {
        /* leave it */
      }
    }
  }
  return () => {
    for (const r of restore.reverse()) {
      try {
        r();
      } catch {
        /* nothing to restore */
      }
    }
  };
}
