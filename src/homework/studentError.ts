/**
 * An exception from the student's code, said in the student's terms: the error's own name and
 * message, and the student's line that raised it (or that called the course function that raised
 * it), never a stack trace from inside src/.
 *
 * tslab runs each cell as a vm script named "evalmachine.<anonymous>", so a student's frames carry
 * that file name; under node (tests) they carry the test file's name. A frame counts as the
 * student's when its file is neither inside this project's src/ nor node_modules nor Node itself.
 * The line's text comes from the student's function itself (fn.toString(), the compiled
 * JavaScript: the TypeScript line without its type annotations), located with V8's call sites
 * (line of the frame − line where the function starts).
 */
import * as path from "path";
import { describe } from "./values";

const srcDir = path.resolve(__dirname, "..");

interface Site {
  file: string;
  line: number;
  column: number;
  fn: string | null;
  startLine: number | null;
  startColumn: number | null;
}

function isCourseOrRuntime(file: string): boolean {
  if (!file) return true;
  if (file.startsWith("node:") || file.startsWith("internal/")) return true;
  if (file.includes(`${path.sep}node_modules${path.sep}`)) return true;
  const f = file.startsWith("file://") ? file.slice(7) : file;
  return f.startsWith(srcDir + path.sep);
}

/** The error's call sites, read through V8's structured stack when it has not been formatted yet. */
function sitesOf(e: Error): Site[] {
  let sites: Site[] | null = null;
  const saved = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (err: Error, cs: NodeJS.CallSite[]) => {
      sites = cs.map((c) => {
        const any = c as NodeJS.CallSite & {
          getEnclosingLineNumber?: () => number;
          getEnclosingColumnNumber?: () => number;
        };
        return {
          file: c.getFileName() ?? "",
          line: c.getLineNumber() ?? 0,
          column: c.getColumnNumber() ?? 0,
          fn: c.getFunctionName(),
          startLine: typeof any.getEnclosingLineNumber === "function" ? any.getEnclosingLineNumber() : null,
          startColumn: typeof any.getEnclosingColumnNumber === "function" ? any.getEnclosingColumnNumber() : null,
        };
      });
      return saved ? saved(err, cs) : `${String(err)}\n${cs.map((c) => `    at ${String(c)}`).join("\n")}`;
    };
    void e.stack;
  } catch {
    /* a stack we cannot read: fall back to the text */
  } finally {
    Error.prepareStackTrace = saved;
  }
  if (sites) return sites;
  // Already formatted: parse "    at name (file:line:col)" / "    at file:line:col".
  const out: Site[] = [];
  for (const line of String(e.stack ?? "").split("\n")) {
    const m = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/.exec(line);
    if (m)
      out.push({
        fn: m[1] ?? null,
        file: m[2],
        line: Number(m[3]),
        column: Number(m[4]),
        startLine: null,
        startColumn: null,
      });
  }
  return out;
}

function bareName(fn: string | null): string {
  if (!fn) return "";
  const parts = fn.split(".");
  return parts[parts.length - 1];
}

/**
 * "TypeError: x is undefined, at perceptronStep line 4: `return x.foo + 1;`" for an exception the
 * student's function `studentFn` threw. Never throws.
 */
export function describeStudentError(e: unknown, studentFn?: (...args: never[]) => unknown): string {
  try {
    if (!(e instanceof Error)) return `your code threw ${describe(e)}`;
    const head = `${e.name || "Error"}: ${e.message}`;
    const sites = sitesOf(e);
    const mineAt = sites.findIndex((s) => !isCourseOrRuntime(s.file));
    if (mineAt < 0) return head;
    const mine = sites[mineAt];
    const inCourse =
      mineAt > 0 && sites[mineAt - 1].file && !sites[mineAt - 1].file.startsWith("node:")
        ? bareName(sites[mineAt - 1].fn)
        : "";
    const raisedBy = inCourse ? ` (raised inside the course function ${inCourse}, called from your code)` : "";
    const where = studentLine(mine, sites, mineAt, studentFn);
    return `${head}${raisedBy}${where ? `\n      at ${where}` : ""}`;
  } catch {
    return String(e);
  }
}

function studentLine(mine: Site, sites: Site[], mineAt: number, studentFn?: (...args: never[]) => unknown): string {
  const name = bareName(mine.fn) || "your code";
  if (!studentFn || mine.startLine === null) return name;
  // The student's function's own frame is the one just below the check's call (the first frame
  // inside src/homework after the student's frames); it tells where the function starts.
  const homework = __dirname + path.sep;
  const callerAt = sites.findIndex((s, i) => i > mineAt && s.file.startsWith(homework));
  const top = callerAt > 0 ? sites[callerAt - 1] : null;
  const fnName = studentFn.name || "your function";
  const lines = Function.prototype.toString.call(studentFn).split("\n");
  if (top && top.file === mine.file && top.startLine !== null && !isCourseOrRuntime(top.file)) {
    const k = mine.line - top.startLine;
    if (k >= 0 && k < lines.length && mine.column <= lines[k].length + (k === 0 ? (top.startColumn ?? 1) : 1)) {
      // tslab compiles a cell's top-level names to `exports.name`: show them as the student wrote them.
      const text = lines[k].trim().replace(/\bexports\./g, "");
      return `${fnName}, line ${k + 1} of the function: ${text.length > 100 ? text.slice(0, 100) + "…" : text}`;
    }
  }
  return mine.fn ? `${name} (a function of yours, line ${mine.line - mine.startLine + 1} of it)` : name;
}
