// The folder a student's notebook runs in at grading: the student edition of the course
// (scripts/homework/edition.ts, what `npm run release` writes to build/student/: src/ without the
// exercises' references, hidden cases and seeds, no masters, no grader, no tests), built into the
// temp dir once per version of the course (gradingEdition), with its own node_modules (a
// hard-linked copy: editionNodeModules) and its kernel cache compiled; plus, per grading run, the
// kernelspecs that start the kernel there.
// Isolated (grading/isolation.ts; the default, as root): the folder is owned by the grader and
// readable by all, one kernelspec per runner starts the kernel as that runner's unprivileged user,
// and each kernel gets a scratch folder of its own under scratch/ (mode 0711: nobody can list it).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildEdition, editionKey, editionNodeModules } from "../edition";
import { root } from "../notebook";
import { GraderUser, graderUser, isolatedArgv } from "./isolation";

export const GRADING_KERNEL = "descent-grading";

export interface GradingCourse {
  dir: string;
  /** A Jupyter data dir holding the grading kernelspecs (for JUPYTER_PATH). */
  jupyterPath: string;
  /** The kernelspec runner k uses: kernels[k % kernels.length]. */
  kernels: string[];
  /**
   * The command of runner k's compiler (compilers[k % compilers.length]: scripts/kernel/compileServer.js,
   * started like that runner's kernels, "{connection_file}" standing for a file it ignores).
   */
  compilers: string[][];
  /** Isolated: runner k's user (users[k % users.length]) and the folder its kernels' scratch folders go in. */
  users: GraderUser[] | null;
  scratch: string | null;
  /** Deletes the folder. */
  remove: () => void;
}

export interface GradingCourseOptions {
  /** Run kernels isolated with this many runners (users) at most; null: as the grader's own user. */
  isolatedRunners: number | null;
  /** Folders the isolated kernels must not see (hidden under an empty tmpfs in their mount namespace). */
  hidden?: string[];
  /** Folders of the grader's that isolated kernels use (besides the course and their scratch folders; at most 3). */
  keep?: string[];
}

function kernelJson(argv: string[], display: string): string {
  return JSON.stringify({ argv, display_name: display, language: "typescript" }, null, 2);
}

/** Is `p` ours and writable by nobody else (so a folder of that name in the shared temp dir can be trusted)? */
function ownedByUs(p: string): boolean {
  const st = fs.lstatSync(p, { throwIfNoEntry: false });
  const uid = typeof process.getuid === "function" ? process.getuid() : -1;
  return !!st && !st.isSymbolicLink() && st.uid === uid && (st.mode & 0o022) === 0;
}

/**
 * The student edition the kernels run in, with its node_modules and its kernel cache of src/ (a
 * student's kernel may read the cache, not write it): built once per edition key (editionKey) in
 * the temp dir and reused while the course is unchanged (building it takes seconds to a minute).
 */
export function gradingEdition(): string {
  const key = editionKey(root);
  const ready = path.join(os.tmpdir(), `descent-grading-edition-${key}`);
  const dir = path.join(ready, "course");
  if (ownedByUs(ready) && ownedByUs(dir) && ownedByUs(path.join(ready, "READY"))) return dir;
  const building = fs.mkdtempSync(path.join(os.tmpdir(), `descent-grading-edition-${key}-building-`));
  try {
    fs.chmodSync(building, 0o755);
    const into = path.join(building, "course");
    buildEdition(into, [], root);
    editionNodeModules(into, root);
    // --freeze: the edition's src/ never changes, so its kernels take the cache's key without hashing src/
    const cache = spawnSync(process.execPath, [path.join(into, "scripts", "kernel", "kernelCache.js"), "--freeze"], {
      cwd: into,
      encoding: "utf8",
    });
    if (cache.status !== 0) throw new Error(`grade: cannot compile the student edition's src/: ${cache.stderr}`);
    fs.writeFileSync(path.join(building, "READY"), `${key}\n`, { mode: 0o644 });
    if (fs.existsSync(ready)) {
      if (ownedByUs(ready) && ownedByUs(path.join(ready, "READY"))) {
        fs.rmSync(building, { recursive: true, force: true }); // another grader built it meanwhile
        return dir;
      }
      // someone else's folder of that name: use ours where it is
      return into;
    }
    try {
      fs.renameSync(building, ready);
    } catch (e) {
      if (!(ownedByUs(ready) && ownedByUs(path.join(ready, "READY")))) throw e;
      fs.rmSync(building, { recursive: true, force: true }); // another grader's rename came first
    }
    return dir;
  } catch (e) {
    fs.rmSync(building, { recursive: true, force: true });
    throw e;
  }
}

export function makeGradingCourse(options: GradingCourseOptions = { isolatedRunners: null }): GradingCourse {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "descent-grading-course-"));
  const remove = () => fs.rmSync(base, { recursive: true, force: true });
  try {
    fs.chmodSync(base, 0o755);
    const dir = gradingEdition();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { NODE_FLAGS } = require(path.join(root, "scripts", "kernel", "kernelspec.js")) as { NODE_FLAGS: string[] };
    // The kernel process itself, not launcher.js: the launcher only relays Jupyter's interrupt (■) to the loops
    // of src/ through a pipe and a worker thread, and grading never interrupts (a cell over its limit ends its
    // kernel; a check stops a student's call itself: src/homework/guardedCall.ts). Two Node start-ups less per
    // notebook (the launcher and the worker).
    const argv = [process.execPath, ...NODE_FLAGS, path.join(dir, "scripts", "kernel", "kernelProcess.js")];
    const compiler = [process.execPath, ...NODE_FLAGS, path.join(dir, "scripts", "kernel", "compileServer.js")];
    const jupyterPath = path.join(base, "jupyter");
    const write = (name: string, json: string) => {
      fs.mkdirSync(path.join(jupyterPath, "kernels", name), { recursive: true });
      fs.writeFileSync(path.join(jupyterPath, "kernels", name, "kernel.json"), json);
    };
    if (options.isolatedRunners === null) {
      write(GRADING_KERNEL, kernelJson([...argv, "{connection_file}"], "Descent (grading)"));
      const compilers = [[...compiler, "{connection_file}"]];
      return { dir, jupyterPath, kernels: [GRADING_KERNEL], compilers, users: null, scratch: null, remove };
    }
    // A hidden folder that holds the course or its scratch folders cannot be hidden (its permissions still apply).
    const hidden = (options.hidden ?? [])
      .map((h) => path.resolve(h))
      .filter((h) => fs.existsSync(h) && ![base, dir].some((d) => (d + path.sep).startsWith(h + path.sep)));
    const scratch = path.join(base, "scratch");
    fs.mkdirSync(scratch, { mode: 0o711 });
    fs.chmodSync(scratch, 0o711);
    // in the kernels' own temp folders (isolation.ts, sharedTempFolders), these are still seen
    const keep = [dir, scratch, ...(options.keep ?? [])];
    const users: GraderUser[] = [];
    const kernels: string[] = [];
    const compilers: string[][] = [];
    for (let k = 0; k < Math.max(1, options.isolatedRunners); k++) {
      const user = graderUser(k);
      users.push(user);
      kernels.push(`${GRADING_KERNEL}-${k + 1}`);
      write(kernels[k], kernelJson(isolatedArgv(user, argv, hidden, keep), `Descent (grading as ${user.name})`));
      compilers.push(isolatedArgv(user, compiler, hidden, keep));
    }
    return { dir, jupyterPath, kernels, compilers, users, scratch, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
