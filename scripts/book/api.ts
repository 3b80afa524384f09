// The API reference: TypeDoc on the public API (src/index.ts, and src/homework/index.ts for the
// homework notebooks) with the options of typedoc.json, written into the book's site.
//
//   npm run api [-- --out DIR]        build/book/api/ by default
//
// `npm run book` calls buildApi for its own site and links it from the index. typedoc.json turns
// TypeDoc's warnings into errors: a broken {@link} in a doc comment, or an export whose signature names
// a type that is not exported, fails the build (test/api.test.ts).
import { spawnSync } from "child_process";
import * as path from "path";

const root = path.resolve(__dirname, "..", "..");

/** Writes the API reference into `out` (TypeDoc's further options in `extra`); throws with TypeDoc's report on any warning or error. */
export function buildApi(out: string, extra: string[] = []): void {
  const typedoc = path.join(root, "node_modules", "typedoc", "bin", "typedoc");
  const r = spawnSync(
    process.execPath,
    [typedoc, "--options", path.join(root, "typedoc.json"), "--out", out, ...extra],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0)
    throw new Error(
      `the API reference (TypeDoc) failed${r.error ? `: ${r.error.message}` : ""}:\n${r.stdout}${r.stderr}`,
    );
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--out");
  const out = path.resolve(i >= 0 ? args[i + 1] : path.join(root, "build", "book", "api"));
  try {
    buildApi(out);
    console.log(`[api] ${path.relative(root, out) || out}/index.html`);
  } catch (e) {
    console.error(`[api] ${(e as Error).message}`);
    process.exit(1);
  }
}
