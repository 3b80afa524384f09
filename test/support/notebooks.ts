// Running notebooks headlessly in the `descent` kernel from tests (through scripts/run_notebooks.py).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const root = path.resolve(__dirname, "..", "..");

export interface NotebookResult {
  notebook: string;
  ok: boolean;
  seconds: number;
  cells: number;
  failure: string | null;
}

/** The Python that has nbclient (Debian's /usr/bin/python3 here), or null. */
export function python(): string | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { findPython } = require(path.join(root, "scripts", "python.js")) as { findPython: () => string | null };
  return findPython();
}

/** The notebooks of the course, in order. */
export function courseNotebooks(): string[] {
  const dir = path.join(root, "notebooks");
  return fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join("notebooks", f));
}

/** Execute notebooks; one result per notebook. `outDir` receives the executed copies. */
export function runNotebooks(paths: string[], options: { timeout?: number; outDir?: string } = {}): NotebookResult[] {
  const py = python();
  if (!py) throw new Error("no Python with nbclient: run `npm run setup` (Debian: apt-get install python3-nbclient)");
  spawnSync(process.execPath, [path.join(root, "scripts", "kernelspec.js")], { cwd: root });
  const args = [path.join(root, "scripts", "run_notebooks.py")];
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
    throw new Error(`notebook runner gave ${results.length} results for ${paths.length} notebooks (exit ${r.status}):\n${r.stderr}`);
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
