// Running students' kernels apart from the answers: each kernel runs as an unprivileged Unix user
// (descent-grader, descent-grader-2, … one per runner working at once) in a PID and mount namespace
// of its own (util-linux `unshare`, then `setpriv` to drop root), with a scratch HOME of its own.
//   - What the kernel can read: the student edition the grader built (world-readable, owned by root)
//     and its scratch HOME; the lecturer's course folder, the masters, the submissions and the
//     grader's output are hidden under an empty tmpfs in its mount namespace, and made unreadable by
//     others on disk as well (protectAnswers), so a path that escapes the one still meets the other.
//   - When the kernel's first process ends (shut down, killed, timed out), the PID namespace ends and
//     every process the student's code started with it: nothing is left to watch the next student.
//   - Needs root (to create the users, to enter namespaces and to change uid). Without root, grading
//     runs the kernels as the grader's own user only with --unisolated, and says what that loses.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CALLS_ENV, TOKEN_ENV } from "../../../src/homework/report";

/** One runner's identity: the Unix user its kernels run as. */
export interface GraderUser {
  name: string;
  uid: number;
  gid: number;
}

/** What running without isolation loses (printed with --unisolated, and in the error without it). */
export const UNISOLATED_LOSS =
  "students' code then runs as the grader's own user: a solution cell can read the exercises' specs " +
  "(references, hidden cases and seeds), the masters, the grader's files and other students' submissions, " +
  "and write wherever the grader can";

/** Can this process run kernels isolated (root, with setpriv and unshare)? Otherwise: why not. */
export function isolationProblem(): string | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0)
    return "isolating students' code needs root (to run each kernel as the unprivileged user descent-grader in namespaces of its own)";
  for (const tool of ["setpriv", "unshare", "useradd"]) {
    const r = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
    if (r.status !== 0)
      return `isolating students' code needs ${tool} (Debian: apt-get install util-linux passwd; scripts/setup/setup.sh installs them)`;
  }
  return null;
}

function idOf(flag: "-u" | "-g", name: string): number | null {
  const r = spawnSync("id", [flag, name], { encoding: "utf8" });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** The user runner `slot` (0, 1, …) runs kernels as: descent-grader, descent-grader-2, …; created (a system user without a login) when missing. */
export function graderUser(slot: number): GraderUser {
  const name = slot === 0 ? "descent-grader" : `descent-grader-${slot + 1}`;
  if (idOf("-u", name) === null) {
    const r = spawnSync(
      "useradd",
      [
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        name,
      ],
      { encoding: "utf8" },
    );
    // Two graders may create it at once: only a user still missing is an error.
    if (r.status !== 0 && idOf("-u", name) === null)
      throw new Error(`grade: cannot create the system user ${name} for students' kernels: ${r.stderr.trim()}`);
  }
  const uid = idOf("-u", name);
  const gid = idOf("-g", name);
  if (uid === null || gid === null || uid === 0 || gid === 0)
    throw new Error(
      `grade: the user ${name} for students' kernels must exist and not be root (uid ${uid}, gid ${gid})`,
    );
  return { name, uid, gid };
}

/**
 * Make each folder unreadable by anyone but its owner (mode 0700 for the folder, group and others'
 * bits cleared below it; symbolic links are not followed). Returns a note for each folder that had to be
 * changed, which the caller prints: the grader for its answers, `npm run hub` for the lecturer's (scripts/hub/hub.ts,
 * ANSWERS).
 */
export function protectAnswers(dirs: string[]): string[] {
  const notes: string[] = [];
  const clear = (p: string): boolean => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) return false;
    let changed = false;
    if ((st.mode & 0o077) !== 0) {
      fs.chmodSync(p, st.mode & 0o7700);
      changed = true;
    }
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) changed = clear(path.join(p, e)) || changed;
    return changed;
  };
  for (const d of [...new Set(dirs.map((x) => path.resolve(x)))]) {
    if (!fs.existsSync(d)) continue;
    if (clear(d)) notes.push(`${d}: readable by other users; now only by its owner (mode 0700, files 0600)`);
  }
  return notes;
}

/** Environment variables a student's kernel keeps (everything else of the grader's is dropped). */
const KEPT_ENV = ["PATH", "LANG", "LC_ALL", "TZ", "DESCENT_KERNEL_CACHE", "DESCENT_PRECOMPILED", TOKEN_ENV, CALLS_ENV];

/**
 * The shared temp folders (/tmp, /var/tmp, /dev/shm, and the grader's TMPDIR): each kernel gets empty
 * ones of its own, so nothing one student's code leaves there (a file, a package in /tmp/node_modules
 * that Node's module lookup from a course folder under /tmp would find) reaches the next kernel.
 */
export function sharedTempFolders(): string[] {
  const all = ["/tmp", "/var/tmp", "/dev/shm", os.tmpdir()]
    .filter((d) => fs.existsSync(d))
    .map((d) => fs.realpathSync(d));
  return [...new Set(all)];
}

/**
 * The kernelspec argv that starts `argv` (node … launcher.js, without the connection file) as `user`:
 * in new PID and mount namespaces (the kernel's end ends every process it started; /proc shows only
 * them; the driver's end, even by SIGKILL, ends the kernel), with each folder of `hidden` under an empty tmpfs, empty temp folders of its own
 * (sharedTempFolders) in which only the folders of `keep` (at most 5: the course, the scratch
 * folders, …) are still seen, a clean environment (KEPT_ENV), HOME and TMPDIR the session's scratch
 * folder ($DESCENT_GRADING_HOME: the driver makes one per kernel, owned by the user), and the
 * connection file copied there so the user can read it.
 */
export function isolatedArgv(user: GraderUser, argv: string[], hidden: string[], keep: string[] = []): string[] {
  if (keep.length > 5)
    throw new Error(`isolatedArgv: at most 5 folders to keep (file descriptors 5-9), not ${keep.length}`);
  const kept = KEPT_ENV.map((k) => "${" + k + '+"' + k + "=$" + k + '"}').join(" "); // ${NAME+"NAME=$NAME"}
  const script = [
    'c="$1"; shift',
    // an empty, unreadable tmpfs over each hidden folder (in this mount namespace only)
    'while [ "$1" != "--" ]; do',
    '  if [ -d "$1" ]; then mount -t tmpfs -o size=4k,mode=000 descent-hidden "$1" || exit 97; fi',
    "  shift",
    "done",
    "shift",
    'h="$DESCENT_GRADING_HOME"',
    '[ -n "$h" ] && [ -d "$h" ] || { echo "descent-grading: no scratch folder (DESCENT_GRADING_HOME)" >&2; exit 98; }',
    `cp "$c" "$h/.connection.json" && chown ${user.uid}:${user.gid} "$h/.connection.json" || exit 99`,
    // keep (up to "--"): each folder opened on fd 5, 6, … before the temp folders are covered, bound back after
    'n=5; for p in "$@"; do [ "$p" = "--" ] && break; if [ -d "$p" ]; then eval "exec $n<\\"\\$p\\"" || exit 96; fi; n=$((n+1)); done',
    // the temp folders (between the first and the second "--"): an empty tmpfs each
    's=0; for p in "$@"; do if [ "$p" = "--" ]; then s=$((s+1)); [ $s -ge 2 ] && break; continue; fi',
    '  if [ $s -eq 1 ] && [ -d "$p" ]; then mount -t tmpfs -o mode=1777,size=256m descent-temp "$p" || exit 95; fi',
    "done",
    'n=5; for p in "$@"; do [ "$p" = "--" ] && break',
    '  if [ -d "/proc/self/fd/$n" ]; then mkdir -p "$p" && mount --no-canonicalize --bind "/proc/self/fd/$n" "$p" || exit 94; eval "exec $n<&-"; fi',
    "  n=$((n+1))",
    "done",
    'while [ "$1" != "--" ]; do shift; done; shift',
    'while [ "$1" != "--" ]; do shift; done; shift',
    // --pdeathsig: the kernel (the namespace's first process) dies with unshare, which dies with the driver
    `exec env -i ${kept} HOME="$h" TMPDIR="$h" setpriv --reuid=${user.uid} --regid=${user.gid} --clear-groups --no-new-privs --inh-caps=-all --bounding-set=-all --pdeathsig KILL -- "$@" "$h/.connection.json"`,
  ].join("\n");
  return [
    // a grader killed outright (no time to shut its kernels down) takes its kernels with it
    "setpriv",
    "--pdeathsig",
    "KILL",
    "--",
    "unshare",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount-proc",
    "--",
    "/bin/sh",
    "-c",
    script,
    "descent-grading",
    "{connection_file}",
    ...hidden,
    "--",
    ...keep,
    "--",
    ...sharedTempFolders(),
    "--",
    ...argv,
  ];
}
