// tslab's TypeScript, loaded on first use (grading: a kernel whose cells all come compiled ahead never needs it).
// tslab's modules require their TypeScript (7.8 MB of JavaScript) when they load, and loading it takes about
// 0.3 s of CPU in every kernel. A grading kernel takes every cell's compiled form from its table
// (scripts/kernel/precompiled.js) and each cell's tslab metadata too, so it can go without; when a cell is not
// in the table (after a failing cell, say), tslab's compiler is created as before and TypeScript loads then.
//
//   deferTypeScript(file)        puts a stand-in for the module `file` in Node's module cache: it loads the real
//                                module the first time anything but these is asked of it: `__esModule` (so
//                                TypeScript's `__importStar` keeps the stand-in), `version` (read from its
//                                package.json), and setting fields of `sys` (tslab's converter sets one when
//                                it loads; they are set on the real `sys` when it loads)
//   whenTypeScriptLoads(file, f) f(ts) now if the module is loaded (or not deferred), else once it loads
//   typeScriptLoaded(file)       false while the stand-in waits
"use strict";
const fs = require("fs");
const path = require("path");

/** file → the functions to run when the real module loads (only while a stand-in waits). */
const waiting = new Map();

function deferTypeScript(file) {
  if (require.cache[file] || waiting.has(file)) return; // loaded already, or deferred already
  const onLoad = [];
  waiting.set(file, onLoad);
  const version = JSON.parse(fs.readFileSync(path.join(path.dirname(file), "..", "package.json"), "utf8")).version;
  const sysFields = new Map(); // fields set on ts.sys before the real module loaded
  let real = null;
  const load = () => {
    if (real) return real;
    delete require.cache[file];
    real = require(file);
    for (const [k, v] of sysFields) real.sys[k] = v;
    waiting.delete(file);
    for (const f of onLoad) f(real);
    return real;
  };
  const sys = new Proxy(
    {},
    {
      get: (_, k) => (real ? real.sys[k] : sysFields.has(k) ? sysFields.get(k) : load().sys[k]),
      set: (_, k, v) => {
        if (real) real.sys[k] = v;
        else sysFields.set(k, v);
        return true;
      },
    },
  );
  const forward =
    (trap) =>
    (_, ...args) =>
      Reflect[trap](load(), ...args);
  const standIn = new Proxy(
    {},
    {
      get(_, k) {
        if (real) return real[k];
        if (k === "__esModule") return true;
        if (k === "version") return version;
        if (k === "sys") return sys;
        return load()[k];
      },
      set: forward("set"),
      has: forward("has"),
      ownKeys: forward("ownKeys"),
      getOwnPropertyDescriptor: (_, k) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), k);
        return d && { ...d, configurable: true }; // the stand-in's own target has none of them
      },
      defineProperty: forward("defineProperty"),
      deleteProperty: forward("deleteProperty"),
    },
  );
  const m = new (require("module"))(file);
  m.filename = file;
  m.loaded = true;
  m.exports = standIn;
  require.cache[file] = m;
}

function whenTypeScriptLoads(file, f) {
  const onLoad = waiting.get(file);
  if (onLoad) onLoad.push(f);
  else f(require(file));
}

function typeScriptLoaded(file) {
  return !waiting.has(file);
}

module.exports = { deferTypeScript, whenTypeScriptLoads, typeScriptLoaded };
