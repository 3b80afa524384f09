// A copy of this project in a temporary folder, for tests that run the project's own commands
// (`npm start`, `npm run release`, …), which write into build/, notebooks/homework/, .cache/ and .jupyter/:
// they write into the copy, never into the clone the tests run in.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { root } from "./notebooks";

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")} in ${cwd} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout;
}

/**
 * The work tree as a fresh clone of it would be: every file git tracks or would track (edits included,
 * ignored files such as build/, .cache/ and notebooks/homework/ left out), committed in a git repository
 * of its own, with node_modules linked to this clone's install. Returns the copy's root.
 */
export function projectCopy(prefix = "descent-copy-"): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), "project");
  const files = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean);
  for (const f of files) {
    const from = path.join(root, f);
    if (!fs.existsSync(from)) continue; // deleted in the work tree, not yet in git's index
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, f));
    fs.chmodSync(path.join(dir, f), fs.statSync(from).mode);
  }
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(
    dir,
    "-c",
    "user.name=descent test",
    "-c",
    "user.email=test@descent.invalid",
    "commit",
    "-q",
    "--no-verify",
    "-m",
    "copy of the work tree",
  );
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules")); // after the commit: git would track the link
  return dir;
}

/** Removes a copy made by projectCopy (its temporary parent folder too). */
export function removeCopy(dir: string): void {
  fs.rmSync(path.dirname(dir), { recursive: true, force: true });
}
