// The course inbox as `npm run grade` reads it: `npm run grade -- --inbox /var/lib/descent-hub/inbox`.
//
// The inbox (written by scripts/hub/inbox_service.py) keeps every version a student submitted:
//   <inbox>/<student>/<homework>/<UTC time>.ipynb  and  <inbox>/<student>/<homework>/history.jsonl
// Grading takes each student's LAST version of each homework: collectInbox copies those into a folder
// laid out as the grader expects (<student>/<homework>.ipynb) and returns the submission records, which
// writeLateness puts beside the gradebook (lateness.csv: when, which version, deadline, minutes late).
import * as fs from "node:fs";
import * as path from "node:path";

export interface SubmissionRecord {
  student: string;
  homework: string;
  received_at: string;
  file: string;
  version: number;
  deadline: string | null;
  late: boolean;
  late_minutes: number;
  sha256: string;
}

/** The records of a history.jsonl (a torn last line, from a crash while writing, is skipped). */
export function readHistory(file: string): SubmissionRecord[] {
  if (!fs.existsSync(file)) return [];
  const out: SubmissionRecord[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as SubmissionRecord);
    } catch {
      /* torn line */
    }
  }
  return out;
}

/** Each student's last submission of each homework, copied to out/<student>/<homework>.ipynb; returns their records. */
export function collectInbox(inbox: string, out: string): SubmissionRecord[] {
  if (!fs.existsSync(inbox) || !fs.statSync(inbox).isDirectory()) {
    throw new Error(
      `grade: the inbox ${inbox} is not a folder (the hub's inbox is <state>/inbox, readable by root only: run as root)`,
    );
  }
  fs.rmSync(out, { recursive: true, force: true });
  const last: SubmissionRecord[] = [];
  for (const student of fs.readdirSync(inbox).sort()) {
    const sdir = path.join(inbox, student);
    if (!fs.statSync(sdir).isDirectory()) continue;
    for (const homework of fs.readdirSync(sdir).sort()) {
      const hdir = path.join(sdir, homework);
      if (!fs.statSync(hdir).isDirectory()) continue;
      // the newest version that is on disk (the history names it; file names sort by time as a fallback)
      const records = readHistory(path.join(hdir, "history.jsonl")).filter((r) =>
        fs.existsSync(path.join(inbox, r.file)),
      );
      const files = fs
        .readdirSync(hdir)
        .filter((f) => f.endsWith(".ipynb"))
        .sort();
      if (files.length === 0) continue;
      const record: SubmissionRecord = records[records.length - 1] ?? {
        student,
        homework,
        received_at: "",
        file: path.join(student, homework, files[files.length - 1]),
        version: files.length,
        deadline: null,
        late: false,
        late_minutes: 0,
        sha256: "",
      };
      fs.mkdirSync(path.join(out, student), { recursive: true });
      fs.copyFileSync(path.join(inbox, record.file), path.join(out, student, `${homework}.ipynb`));
      last.push(record);
    }
  }
  return last;
}

/** lateness.csv beside the gradebook: the version graded for each student and homework, and how late it came. */
export function writeLateness(records: SubmissionRecord[], outDir: string): string {
  const file = path.join(outDir, "lateness.csv");
  const lines = ["student,notebook,submitted_at,version,deadline,late,late_minutes"];
  for (const r of records)
    lines.push(
      [r.student, r.homework, r.received_at, r.version, r.deadline ?? "", r.late ? "yes" : "no", r.late_minutes].join(
        ",",
      ),
    );
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return file;
}
