#!/usr/bin/env node
// Type-checks src/ the way the notebook kernel compiles it: with tslab's own TypeScript (5.0),
// ES2022 libraries only (no DOM), Node10 resolution, the project root as rootDir — plus `strict`.
// Code that passes `tsc -p .` but uses a DOM-only global (WebAssembly, document, …) or a newer
// TypeScript feature fails here, as it would in every notebook that imports ./src/index.
"use strict";
const path = require("path");
const ts = require("@tslab/typescript-for-tslab");

const root = path.resolve(__dirname, "..", "..");
const options = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  esModuleInterop: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  strict: true,
  noEmit: true,
  rootDir: root,
};
const program = ts.createProgram([path.join(root, "src", "index.ts")], options);
const diagnostics = ts.getPreEmitDiagnostics(program);
for (const d of diagnostics) {
  const where = d.file
    ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} `
    : "";
  console.error(`${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}
console.log(`tslab TypeScript ${ts.version}: ${diagnostics.length} problem(s) in src/`);
process.exit(diagnostics.length ? 1 : 0);
