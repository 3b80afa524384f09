// The folder a student's notebook runs in at grading: a copy of the course without any answer —
// src/ without src/homework/exercises/ (references, hidden generators), no masters, no notebooks,
// no tests — plus the kernel's launcher, and a kernelspec ("descent-grading") that starts it there.
// (h7's student edition will take its place once `npm run release` writes one.)
import * as fs from "node:fs";
import * as path from "node:path";
import { root } from "../notebook";

export const GRADING_KERNEL = "descent-grading";

export interface GradingCourse {
  dir: string;
  /** A Jupyter data dir holding the grading kernelspec (for JUPYTER_PATH). */
  jupyterPath: string;
}

function copyDir(from: string, to: string, skip: (rel: string) => boolean, rel = ""): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (skip(r)) continue;
    if (e.isDirectory()) copyDir(path.join(from, e.name), path.join(to, e.name), skip, r);
    else if (e.isFile()) fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}

export function makeGradingCourse(tmp: string): GradingCourse {
  const dir = path.join(tmp, "course");
  copyDir(path.join(root, "src"), path.join(dir, "src"), (r) => r === "homework/exercises");
  fs.mkdirSync(path.join(dir, "src", "homework", "exercises"), { recursive: true });
  fs.writeFileSync(
    path.join(dir, "src", "homework", "exercises", "index.ts"),
    "// At grading the exercises' specs stay with the grader: the kernel only runs the student's functions.\nexport const GRADED_ELSEWHERE = true;\n",
  );
  if (fs.existsSync(path.join(root, "data"))) copyDir(path.join(root, "data"), path.join(dir, "data"), () => false);
  // The kernel's launcher and process (they start tslab in the folder two levels up: the copy).
  for (const f of ["kernel/launcher.js", "kernel/kernelProcess.js", "kernel/kernelCache.js", "setup/nodeFlags.js"]) {
    fs.mkdirSync(path.dirname(path.join(dir, "scripts", f)), { recursive: true });
    fs.copyFileSync(path.join(root, "scripts", f), path.join(dir, "scripts", f));
  }
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(root, f), path.join(dir, f));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { NODE_FLAGS } = require(path.join(root, "scripts", "kernel", "kernelspec.js")) as { NODE_FLAGS: string[] };
  const jupyterPath = path.join(tmp, "jupyter");
  const spec = path.join(jupyterPath, "kernels", GRADING_KERNEL);
  fs.mkdirSync(spec, { recursive: true });
  fs.writeFileSync(
    path.join(spec, "kernel.json"),
    JSON.stringify(
      {
        argv: [
          process.execPath,
          ...NODE_FLAGS,
          path.join(dir, "scripts", "kernel", "launcher.js"),
          "{connection_file}",
        ],
        display_name: "Descent (grading)",
        language: "typescript",
      },
      null,
      2,
    ),
  );
  return { dir, jupyterPath };
}
