// Running notebooks headlessly in the `descent` kernel from tests (through scripts/kernel/driver.py).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const root = path.resolve(__dirname, "..", "..");

export interface NotebookResult {
  notebook: string;
  ok: boolean;
  /** The cells' time (the kernel's start is not counted: start_seconds). */
  seconds: number;
  start_seconds: number;
  cells: number;
  failure: string | null;
}

/** The Python that has nbclient (Debian's /usr/bin/python3 here), or null. */
export function python(): string | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { findPython } = require(path.join(root, "scripts", "setup", "python.js")) as {
    findPython: () => string | null;
  };
  return findPython();
}

/** A course chapter's file name: NN-topic.ipynb. */
export const CHAPTER = /^\d\d-[^/]*\.ipynb$/;

/**
 * The notebooks of the course, in order: notebooks/NN-topic.ipynb. Anything else a person saved in
 * notebooks/ (Jupyter's Untitled.ipynb, a student's copy, notebooks/homework/) is not the course.
 */
export function courseNotebooks(): string[] {
  const dir = path.join(root, "notebooks");
  return fs
    .readdirSync(dir)
    .filter((f) => CHAPTER.test(f))
    .sort()
    .map((f) => path.join("notebooks", f));
}

/** The notebooks at the top of notebooks/ that git tracks (committed or staged); null outside a git work tree. */
export function trackedNotebooks(): string[] | null {
  const r = spawnSync("git", ["ls-files", "--", "notebooks/*.ipynb"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) return null;
  return r.stdout
    .split("\n")
    .filter((f) => /^notebooks\/[^/]+\.ipynb$/.test(f))
    .sort();
}

/**
 * A notebook as it is committed (git's index: committed or staged), or as on disk when git does not
 * track it. Jupyter saves what a reader runs (outputs, execution counts) into the working copy; the
 * rules about committed notebooks are about what git holds.
 */
export function committedNotebook(p: string): RawNotebook {
  const rel = path.relative(root, path.resolve(root, p)).split(path.sep).join("/");
  const r = spawnSync("git", ["show", `:${rel}`], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(r.status === 0 ? r.stdout : fs.readFileSync(path.resolve(root, p), "utf8")) as RawNotebook;
}

/**
 * This test run's own folder (for executed copies the notebook tests write and the slide test reads):
 * $DESCENT_TEST_RUN_DIR, which `npm test` (scripts/test/run.js) makes for each run, or a folder of this
 * process. Never build/: `npm run nb` or `npm run book` fill build/notebooks/ from other sources.
 */
export function runDir(...parts: string[]): string {
  const base =
    process.env.DESCENT_TEST_RUN_DIR || (ownRunDir ??= fs.mkdtempSync(path.join(os.tmpdir(), "descent-test-process-")));
  const dir = path.join(base, ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
let ownRunDir: string | undefined;

/** Execute notebooks; one result per notebook. `outDir` receives the executed copies. */
export function runNotebooks(paths: string[], options: { timeout?: number; outDir?: string } = {}): NotebookResult[] {
  const py = python();
  if (!py) throw new Error("no Python with nbclient: run `npm run setup` (Debian: apt-get install python3-nbclient)");
  spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
  const args = [path.join(root, "scripts", "kernel", "driver.py"), "run"];
  if (options.timeout) args.push("--timeout", String(options.timeout));
  if (options.outDir) args.push("--out", options.outDir);
  const local = path.join(root, ".jupyter", "share", "jupyter");
  const r = spawnSync(py, [...args, ...paths], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: local, PYTHONWARNINGS: "ignore" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const results = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as NotebookResult);
  if (results.length !== paths.length) {
    throw new Error(
      `notebook runner gave ${results.length} results for ${paths.length} notebooks (exit ${r.status}):\n${r.stderr}`,
    );
  }
  return results;
}

export interface RawNotebook {
  cells: { cell_type: string; source: string | string[]; outputs?: unknown[]; execution_count?: number | null }[];
  metadata: { kernelspec?: { name?: string; display_name?: string } };
}

export function readNotebook(p: string): RawNotebook {
  return JSON.parse(fs.readFileSync(path.resolve(root, p), "utf8")) as RawNotebook;
}

export function sourceOf(cell: { source: string | string[] }): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}
