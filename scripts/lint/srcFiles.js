// The files `npm run format`'s own steps (joinStrings.js, wrapLongLines.js) work on: the files named on
// the command line, or every .ts file under src/; generated files are left as their generator writes them.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..", "..");
/** Generated files (ESLint's config exempts them too). */
const GENERATED = new Set(["src/engine/wasmBinaries.ts"]);

function listTs(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Absolute paths: `args` that are not options, or every .ts file of src/; without generated files. */
function srcFiles(args) {
  const named = args.filter((a) => !a.startsWith("--"));
  return (named.length ? named.map((f) => path.resolve(f)) : listTs(path.join(root, "src"))).filter(
    (f) => !GENERATED.has(path.relative(root, f).split(path.sep).join("/")),
  );
}

module.exports = { root, srcFiles };
