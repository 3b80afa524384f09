// tslab's converter for the grading compiler (scripts/kernel/compileServer.js), with its builder made lean.
// tslab compiles a cell through a TypeScript watch program whose every new program gets a full "builder"
// (ts.createEmitAndSemanticDiagnosticsBuilderProgram): its state computes the references of every file of
// the program (the libraries, @types/node, the declarations of src/), and creates the type checker. tslab
// makes two programs per cell (the first only to read the names the cell declares) and uses the builder
// only to list the cell's dependencies and to emit. About a quarter of the compiler's CPU went there.
//
// Here the watch gets a lean builder: the plain program, the cell's source file bound when tslab reads its
// names (what the type checker would do first), and the full builder made only when tslab asks for the
// dependencies or the emit (once per cell that has no diagnostics), from the last one made. What tslab
// computes from it is unchanged: diagnostics from the same program, the same emit, the same dependencies;
// test/precompiled.test.ts holds the tables equal to tslab's own converter's for every homework.
//
// The module is tslab's own dist/converter.js (read from node_modules, so it follows the installed tslab),
// compiled with one change: the watch host's builder factory, `null` (TypeScript's default), becomes
// leanBuilderProgram. If the installed converter does not read as expected, leanConverter() returns null
// and the compiler uses tslab's converter as it is.
//
//   leanConverter(tslabDir)   the converter module ({ createConverter, … }), or null
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");

/** Where tslab's createConverter passes the builder factory to ts.createWatchCompilerHost. */
const ANCHOR = "}, sys, null, function (d) {";

/** A builder factory for one watch program (ts.CreateProgram), with TypeScript `ts`. */
function leanBuilderProgram(ts) {
  let lastFull; // the last full builder made: the next one reuses its state, as the watch's own would
  return function createProgram(rootNames, options, host, oldProgram, configFileParsingDiagnostics, projectReferences) {
    const program = ts.createProgram({
      rootNames,
      options,
      host,
      oldProgram: oldProgram && oldProgram.getProgramOrUndefined(),
      configFileParsingDiagnostics,
      projectReferences,
    });
    let full = null;
    const builder = () =>
      (full ??= lastFull = ts.createEmitAndSemanticDiagnosticsBuilderProgram(program, host, lastFull));
    return {
      getProgram: () => program,
      getProgramOrUndefined: () => program,
      getCompilerOptions: () => program.getCompilerOptions(),
      getSourceFile(fileName) {
        const file = program.getSourceFile(fileName);
        // tslab reads the names a cell declares (file.locals): binding is what the checker does first
        if (file && !file.locals) ts.bindSourceFile(file, program.getCompilerOptions());
        return file;
      },
      getAllDependencies: (file) => builder().getAllDependencies(file),
      emit: (...args) => builder().emit(...args),
    };
  };
}

function leanConverter(tslabDir) {
  const file = path.join(tslabDir, "converter.js");
  let src;
  try {
    src = fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
  if (src.split(ANCHOR).length !== 2) return null;
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(tslabDir);
  const factory = `require(${JSON.stringify(__filename)}).leanBuilderProgram(ts)`;
  m._compile(src.replace(ANCHOR, `}, sys, ${factory}, function (d) {`), file);
  return m.exports;
}

module.exports = { leanConverter, leanBuilderProgram };
