/**
 * Submitting a homework from its notebook, on a course served by JupyterHub (README, "Serving a class"):
 *
 *   await hw.submit("01-perceptron")
 *
 * sends the notebook as last SAVED (save first: Ctrl-S) to the course inbox, a hub service that stores a
 * timestamped copy students can neither read nor change, keeps every earlier submission, and records the
 * deadline and any lateness. The student is identified by their server's own API token
 * (JUPYTERHUB_API_TOKEN), so nobody can submit in another's name.
 *
 * The notebook is found by name in the course folder (~/descent, or DESCENT_COURSE_DIR), or given as a
 * path ("homework/01-perceptron.ipynb", relative to the home folder). While the hub restarts, the call
 * waits and tries again (up to `waitSeconds`); any failure throws an error saying the submission was NOT
 * saved and why (inbox full, notebook too large, not on a hub, …).
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";

export interface SubmitReceipt {
  student: string;
  homework: string;
  received_at: string;
  version: number;
  deadline: string | null;
  late: boolean;
  late_minutes: number;
  sha256: string;
}

/** The notebook file of a homework: a path (absolute or relative to home), or a name searched in the course folder. */
export function findHomeworkNotebook(
  nameOrPath: string,
  home = os.homedir(),
  courseDir = process.env.DESCENT_COURSE_DIR ?? "descent",
): string {
  if (nameOrPath.endsWith(".ipynb")) {
    const p = path.resolve(home, nameOrPath);
    if (!fs.existsSync(p)) throw new Error(`hw.submit: there is no notebook ${p}`);
    return p;
  }
  const base = path.join(home, courseDir);
  const want = `${nameOrPath}.ipynb`;
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory() && depth < 3) walk(p, depth + 1);
      else if (e.isFile() && e.name === want) found.push(p);
    }
  };
  walk(base, 0);
  if (found.length === 0)
    throw new Error(
      `hw.submit: no notebook ${want} in ${base} (give its path instead, e.g. hw.submit("homework/${want}"))`,
    );
  if (found.length > 1) {
    // a chapter and its homework may share a name: the homework is the one with exercises (nbgrader cells)
    const homework = found.filter(isHomework);
    if (homework.length === 1) return homework[0];
  }
  if (found.length > 1)
    throw new Error(
      `hw.submit: several notebooks ${want} in ${base}: ${found.join(", ")} — give the path of the one to submit`,
    );
  return found[0];
}

/**
 * A homework notebook: released for a homework (metadata.descent.homework) or with exercise cells (nbgrader metadata).
 */
function isHomework(file: string): boolean {
  try {
    const nb = JSON.parse(fs.readFileSync(file, "utf8")) as {
      metadata?: { descent?: { homework?: string } };
      cells?: Array<{ metadata?: { nbgrader?: unknown } }>;
    };
    return Boolean(nb.metadata?.descent?.homework) || (nb.cells ?? []).some((c) => c.metadata?.nbgrader);
  } catch {
    return false;
  }
}

function post(url: URL, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        headers: {
          Authorization: `token ${token}`,
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error("no answer within 60 s")));
    req.on("error", reject);
    req.end(body);
  });
}

/** Sends the saved notebook of `homework` to the course inbox; resolves with the inbox's receipt. */
export async function submit(
  homework: string,
  options: { waitSeconds?: number; quiet?: boolean } = {},
): Promise<SubmitReceipt> {
  const url = process.env.DESCENT_SUBMIT_URL;
  const token = process.env.JUPYTERHUB_API_TOKEN;
  if (!url || !token) {
    throw new Error(
      "hw.submit: this notebook is not running on the course's JupyterHub, so there is no inbox to send it to (hand in the .ipynb file as your lecturer says)",
    );
  }
  const file = findHomeworkNotebook(homework);
  const name = path.basename(file, ".ipynb");
  let notebook: unknown;
  try {
    notebook = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`hw.submit: cannot read ${file} as a notebook (${(e as Error).message}); nothing was submitted`);
  }
  const savedAt = fs.statSync(file).mtime;
  const body = JSON.stringify({ homework: name, notebook, file: path.relative(os.homedir(), file) });
  const deadline = Date.now() + 1000 * (options.waitSeconds ?? 60);
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let text = "";
    try {
      ({ status, text } = await post(new URL("submit", url), token, body));
    } catch (e) {
      text = JSON.stringify({ error: `the inbox is not reachable (${(e as Error).message})` });
    }
    let answer: { error?: string } & Partial<SubmitReceipt> = {};
    try {
      answer = JSON.parse(text);
    } catch {
      answer = { error: text.slice(0, 200) || `HTTP ${status}` };
    }
    if (status === 201) {
      const r = answer as SubmitReceipt;
      if (!options.quiet) {
        const late = r.late
          ? `, ${r.late_minutes} minutes after the deadline (${r.deadline})`
          : r.deadline
            ? `, before the deadline (${r.deadline})`
            : "";
        console.log(
          `Submitted ${name} (as saved at ${savedAt.toLocaleTimeString("en-GB")}) — version ${r.version}, received ${r.received_at}${late}.`,
        );
      }
      return r;
    }
    // the hub or the inbox restarting (no answer, 502/503): wait and try again; anything else is final
    const retry = status === 0 || status === 502 || status === 503 || status === 599;
    if (!retry || Date.now() > deadline) {
      throw new Error(`hw.submit: ${name} was NOT submitted: ${answer.error ?? `HTTP ${status}`}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 500 * attempt)));
  }
}
