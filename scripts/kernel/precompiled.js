// Cells compiled before the kernel starts (grading: `npm run grade`, scripts/kernel/driver.py grade).
// tslab compiles a cell as a function of two strings: the declarations the cells before it left
// (`prevDecl`) and the cell's source; its compiler (a TypeScript language service) takes about 1.5 s of
// CPU to create in every kernel, then ~75 ms per cell. A grading run compiles every notebook's cells in
// one long-lived compiler per runner (scripts/kernel/compileServer.js, isolated like the kernels) and
// hands each kernel its table; the kernel (scripts/kernel/kernelProcess.js) takes a cell's compiled
// form from the table when (prevDecl, source) match, and otherwise creates tslab's own compiler, so
// a cell never runs code other than what tslab would have compiled for it.
//
//   cellKey(prevDecl, src)                   the table's key of one conversion
//   convertNotebook(converter, cells, memo)  a notebook's table, as the kernel meets the cells if each runs
//   precompiledConverter(table, create)      tslab's converter interface, answered from the table first
//   cellMetadata(table, src)                 tslab's metadata of a cell (getCodeMetadata), from the table
//                                            (the kernel then needs no TypeScript: lazyTypeScript.js)
"use strict";
const crypto = require("crypto");

/** The key of tslab's conversion of `src` after the declarations `prevDecl`. */
function cellKey(prevDecl, src) {
  return crypto.createHash("sha256").update(prevDecl).update("\0").update(src).digest("hex");
}

/** The table's field of the cells' metadata, by a hash of their source (no conversion's key is a word). */
const METADATA = "metadata";
const sourceKey = (src) => crypto.createHash("sha256").update(src).digest("hex");

/** tslab's getCodeMetadata(src) as the compiler found it, or undefined for a cell the table does not hold. */
function cellMetadata(table, src) {
  const found = Object.prototype.hasOwnProperty.call(table, METADATA) ? table[METADATA][sourceKey(src)] : undefined;
  return found === undefined ? undefined : { ...found };
}

/**
 * A notebook's conversions, in the order the kernel asks for them when every cell runs without a
 * runtime error (tslab's executor: a cell without diagnostics passes its declarations on; a cell with
 * diagnostics does not run and leaves them as they were). `memo` (key → conversion) is shared by the
 * notebooks of one compiler: the same cell after the same declarations is compiled once.
 * Returns { table: {key → conversion, metadata: {hash of a source → metadata}}, keeps, compiled, reused } or { skip: why } (a notebook this table
 * cannot describe exactly: a tslab module or browser cell, or a cell that emits other source files).
 * keeps[i]: code cell i leaves the declarations as they were (a check cell), so the table still holds
 * the cells after it when it fails at run time; after a failing cell that declares something, the
 * kernel compiles the rest itself.
 */
function convertNotebook(converter, cells, memo, getCodeMetadata) {
  const table = {};
  const metadata = {};
  const keeps = [];
  let prevDecl = "";
  let compiled = 0;
  let reused = 0;
  for (const src of cells) {
    const meta = getCodeMetadata(src);
    if (meta.module || meta.mode === "browser")
      return { skip: "a cell is a tslab module or browser cell (the kernel compiles this notebook itself)" };
    metadata[sourceKey(src)] = meta;
    const key = cellKey(prevDecl, src);
    let conversion = memo.get(key);
    if (conversion) reused++;
    else {
      conversion = converter.convert(prevDecl, src);
      // a cell importing other source files: their emitted code goes out once per compiler (tslab's
      // sideInputsConverted), so neither the table nor this compiler stays exact for other notebooks
      if (conversion.sideOutputs) return { skip: "a cell imports local source files", dirty: true };
      memo.set(key, conversion);
      compiled++;
    }
    table[key] = conversion;
    const next = conversion.diagnostics.length === 0 ? conversion.declOutput || "" : prevDecl;
    keeps.push(next === prevDecl); // the cell failing at run time leaves the next cells' keys as they are
    prevDecl = next;
  }
  table[METADATA] = metadata;
  return { table, keeps, compiled, reused };
}

/**
 * tslab's converter (convert, inspect, complete, addModule, close) answering `convert` from `table`
 * when it holds the key, and everything else from the converter `create()` makes on first need.
 */
function precompiledConverter(table, create) {
  let real = null;
  const compiler = () => (real ??= create());
  const hits = { taken: 0, compiled: 0 };
  return {
    hits,
    convert(prevDecl, src) {
      const key = cellKey(prevDecl, src);
      if (Object.prototype.hasOwnProperty.call(table, key)) {
        hits.taken++;
        return table[key];
      }
      hits.compiled++;
      return compiler().convert(prevDecl, src);
    },
    inspect: (...args) => compiler().inspect(...args),
    complete: (...args) => compiler().complete(...args),
    addModule: (...args) => compiler().addModule(...args),
    close: () => real?.close(),
  };
}

module.exports = { cellKey, cellMetadata, convertNotebook, precompiledConverter };
