// A require hook that compiles .ts files the way tslab's kernel does (TypeScript → CommonJS, whose
// exports are plain writable properties), for tests of behaviour that depends on that module form
// (src/homework/forbidden.ts). Usage: node -r ./test/support/tscRequire.js script.js
"use strict";
const fs = require("fs");
const ts = require("typescript");
require.extensions[".ts"] = (m, filename) => {
  const out = ts.transpileModule(fs.readFileSync(filename, "utf8"), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
  });
  m._compile(out.outputText, filename);
};
