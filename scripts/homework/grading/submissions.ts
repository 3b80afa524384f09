// Reading submissions: one sub-folder per student, or loose notebooks named after their student; each matched to its master.
// (One step of `npm run grade`; scripts/homework/grade.ts runs them in order.)
import * as fs from "node:fs";
import * as path from "node:path";
import { Notebook, readNotebook, stemOf } from "../notebook";
import { Master } from "./masters";

export interface Submission {
  student: string;
  file: string;
  master: Master | null;
  problem: string | null;
}

export function safeName(s: string): string {
  return s.replace(/[^\w.@-]+/g, "_") || "_";
}

function matchMaster(file: string, nb: Notebook | null, masters: Master[]): { master: Master | null; rest: string } {
  const stem = stemOf(file);
  const tagged = nb?.metadata?.descent?.homework;
  let master = typeof tagged === "string" ? (masters.find((m) => m.name === tagged) ?? null) : null;
  if (!master) {
    const byName = masters.filter((m) => stem.includes(m.name)).sort((a, b) => b.name.length - a.name.length);
    master = byName[0] ?? (masters.length === 1 ? masters[0] : null);
  }
  const rest = master ? stem.replace(master.name, "").replace(/^[-_ .]+|[-_ .]+$/g, "") : stem;
  return { master, rest };
}

/** The submissions in `dir`: sub-folders are students; loose notebooks are named after their student. */
export function findSubmissions(dir: string, masters: Master[]): Submission[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new Error(`grade: ${dir} is not a folder of submissions`);
  const out: Submission[] = [];
  const add = (file: string, folderStudent: string | null) => {
    let nb: Notebook | null = null;
    let problem: string | null = null;
    try {
      nb = readNotebook(file);
    } catch (e) {
      problem = (e as Error).message.replace(file + ": ", "");
    }
    const { master, rest } = matchMaster(file, nb, masters);
    const student = folderStudent ?? (rest || stemOf(file));
    out.push({
      student,
      file,
      master,
      problem:
        problem ??
        (master ? null : `no master matches this notebook (masters: ${masters.map((m) => m.name).join(", ")})`),
    });
  };
  for (const entry of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, entry);
    if (entry.startsWith(".")) continue;
    if (fs.statSync(p).isDirectory()) {
      for (const f of fs.readdirSync(p).sort())
        if (f.endsWith(".ipynb") && !f.startsWith(".")) add(path.join(p, f), entry);
    } else if (entry.endsWith(".ipynb")) add(p, null);
  }
  return out;
}
