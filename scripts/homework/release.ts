// npm run release: write the student version of every homework master.
//   npm run release                          notebooks/homework-masters/*.ipynb → build/homework/
//   npm run release -- --out DIR             another output folder
//   npm run release -- --masters DIR         masters kept elsewhere (e.g. a private repository)
//   npm run release -- MASTER.ipynb ...      only these masters
//   npm run release -- --edition DIR         the student edition elsewhere (default build/student/)
//   npm run release -- --no-edition          the notebooks only (npm start does this)
// Besides the notebooks, it writes the student edition: a complete course without answers
// (scripts/homework/edition.ts).
// A student version has each solution region replaced by "// YOUR CODE HERE / throw new hw.NotDoneYet();",
// the hidden tests removed, outputs and execution counts cleared, and nbgrader metadata kept.
// Running it twice gives the same files.
import * as path from "node:path";
import { buildEdition, editionDir } from "./edition";
import { listMasters, mastersDir, releaseAll, releaseDir, root } from "./notebook";

function main(argv: string[]): number {
  let out = releaseDir;
  let dir = mastersDir;
  let edition: string | null = editionDir;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") out = path.resolve(argv[++i] ?? "");
    else if (a === "--masters") dir = path.resolve(argv[++i] ?? "");
    else if (a === "--edition") edition = path.resolve(argv[++i] ?? "");
    else if (a === "--no-edition") edition = null;
    else if (a === "-h" || a === "--help") {
      console.log(
        "usage: npm run release -- [--out DIR] [--masters DIR] [--edition DIR | --no-edition] [MASTER.ipynb ...]",
      );
      return 0;
    } else if (a.startsWith("--")) {
      console.error(`release: unknown option ${a} (try --help)`);
      return 2;
    } else files.push(path.resolve(a));
  }
  const masters = files.length ? files : listMasters(dir);
  if (masters.length === 0) {
    console.error(`release: no master notebooks in ${path.relative(root, dir) || dir}`);
    return 1;
  }
  try {
    const written = releaseAll(masters, out);
    for (const w of written) console.log(`released ${path.relative(root, w)}`);
    console.log(
      `${written.length} student notebook${written.length === 1 ? "" : "s"} in ${path.relative(root, out) || out}/`,
    );
    if (edition) {
      const r = buildEdition(edition, masters);
      console.log(
        `student edition: ${r.files} files, ${r.exercises.length} exercises checked from fixtures, in ${path.relative(root, edition) || edition}/`,
      );
      for (const [id, names] of Object.entries(r.leftOut))
        console.log(
          `  ${id}: ${names.length} visible case(s) checked at grading only (arguments that cannot be saved): ${names.join("; ")}`,
        );
    }
    return 0;
  } catch (e) {
    console.error(`release: ${(e as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
