#!/usr/bin/env node
// The compile cache of src/ for the notebook kernel: a fast `import * as d from "./src/index";`.
//
// Without it, tslab type-checks and compiles every file of src/ in each new kernel (seconds, on every
// restart). With it, src/ is compiled once per content — with tslab's own TypeScript and tslab's
// compiler options — into declaration files and CommonJS code, and the kernel uses them:
//   - tslab's compiler sees src/X.d.ts (from the cache) instead of src/X.ts, so a cell is still
//     type-checked against the real API of src/ (a notebook's type errors are reported as before), but
//     src/ itself is neither checked nor compiled again;
//   - Node loads src/X.ts through a require hook that runs the cached code.
// The cache key is a hash of every file under src/, package-lock.json, tslab's and its TypeScript's
// versions, the Node major version (it picks the compile target) and this file's format number: an
// edited file means another key, so a stale cache is never used. If src/ has a compile error, no cache
// is used and tslab compiles src/ as before (and reports the error at the import); the failure is cached
// too, so the next kernel does not try again for the same content.
// Cached in <root>/.cache/kernel/ (one JSON file per key, the newest few kept).
//
//   node scripts/kernel/kernelCache.js            build the cache for the current src/ (npm start does)
//   node scripts/kernel/kernelCache.js --status   print whether the cache is up to date
//   node scripts/kernel/kernelCache.js --freeze   build it, and let kernels trust its key (a folder whose src/ never changes)
// In the kernel: require("./kernelCache").useInKernel(root)  (scripts/kernel/kernelProcess.js)
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");
const { whenTypeScriptLoads } = require("./lazyTypeScript");

const FORMAT = 1;
const KEEP = 4;

function tslabDir(root) {
  return path.join(root, "node_modules", "tslab");
}

/** The file of the TypeScript tslab's converter uses. */
function tslabTypeScriptFile(root) {
  return require.resolve("@tslab/typescript-for-tslab", { paths: [path.join(tslabDir(root), "dist")] });
}

/**
 * The TypeScript instance tslab's converter uses (the same module object, so patches reach it; in a grading
 * kernel, a stand-in that loads it on first use: scripts/kernel/lazyTypeScript.js).
 */
function tslabTypeScript(root) {
  return require(tslabTypeScriptFile(root));
}

/** f(ts) with tslab's TypeScript: now, or when a kernel that deferred it loads it (lazyTypeScript.js). */
function withTslabTypeScript(root, f) {
  whenTypeScriptLoads(tslabTypeScriptFile(root), f);
}

/** Every .ts file under src/ (no .d.ts), sorted, as paths relative to root with "/" separators. */
function sourceFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(rel);
    }
  };
  walk("src");
  return out.sort();
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return Buffer.alloc(0);
  }
}

/** The key of the current sources: their contents plus everything else the compiled output depends on. */
function cacheKey(root, files, tsVersion) {
  const h = crypto.createHash("sha256");
  const tslabVersion = JSON.parse(fs.readFileSync(path.join(tslabDir(root), "package.json"), "utf8")).version;
  h.update(
    `descent-kernel-cache ${FORMAT}\0tslab ${tslabVersion}\0typescript ${tsVersion}\0node ${process.versions.node.split(".")[0]}\0`,
  );
  h.update(readIfExists(path.join(root, "package-lock.json")));
  for (const rel of files) {
    h.update(`\0${rel}\0`);
    h.update(fs.readFileSync(path.join(root, rel)));
  }
  return h.digest("hex").slice(0, 32);
}

function cacheDir(root) {
  return path.join(root, ".cache", "kernel");
}

function cacheFile(root, key) {
  return path.join(cacheDir(root), `src-${key}.json`);
}

/** The compiler options of tslab's converter (node_modules/tslab/dist/converter.js, createConverter). */
function tslabOptions(ts, root) {
  const major = Number(process.versions.node.split(".")[0]);
  const [target, lib] =
    major >= 18
      ? [ts.ScriptTarget.ES2022, "es2022"]
      : major >= 16
        ? [ts.ScriptTarget.ES2021, "es2021"]
        : [ts.ScriptTarget.ES2020, "es2020"];
  return {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    target,
    lib: [`lib.${lib}.d.ts`],
    declaration: true,
    newLine: ts.NewLineKind.LineFeed,
    noImplicitUseStrict: true,
    experimentalDecorators: true,
    resolveJsonModule: true,
    jsx: ts.JsxEmit.React,
    allowJs: true,
    checkJs: true,
    disableTopLevelAwait: true,
    skipLibCheck: true,
    rootDir: root,
    outDir: path.join(root, "outDir"),
  };
}

/**
 * Compiles src/ as tslab would: ES modules, then tslab's own conversion to CommonJS; declarations too.
 * Returns { ok: true, js: {rel → code}, dts: {rel of the .ts → declarations} } or { ok: false, errors }.
 */
function build(root, files, key) {
  const ts = tslabTypeScript(root);
  const { esModuleToCommonJSModule } = require(path.join(tslabDir(root), "dist", "converter.js"));
  const options = tslabOptions(ts, root);
  const program = ts.createProgram(
    files.map((rel) => path.join(root, rel)),
    options,
  );
  // The diagnostics tslab reports for imported files (per file; not the options' deprecation notices).
  const diagnostics = [];
  for (const rel of files) {
    const sf = program.getSourceFile(path.join(root, rel));
    if (!sf) return { key, ok: false, errors: [`${rel}: not in the program`] };
    for (const d of [
      ...program.getSyntacticDiagnostics(sf),
      ...program.getSemanticDiagnostics(sf),
      ...program.getDeclarationDiagnostics(sf),
    ]) {
      if (d.category === ts.DiagnosticCategory.Error) diagnostics.push(d);
    }
  }
  if (diagnostics.length > 0) {
    const errors = diagnostics.slice(0, 20).map((d) => {
      const where = d.file
        ? `${path.relative(root, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
        : "";
      return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
    });
    return { key, ok: false, errors };
  }
  const js = {};
  const dts = {};
  const outDir = options.outDir;
  const target = options.target;
  const emitted = program.emit(undefined, (fileName, data) => {
    const rel = path.relative(outDir, fileName).split(path.sep).join("/");
    if (rel.endsWith(".d.ts")) dts[rel.slice(0, -".d.ts".length) + ".ts"] = data;
    else if (rel.endsWith(".js")) js[rel.slice(0, -".js".length) + ".ts"] = esModuleToCommonJSModule(data, target);
  });
  if (emitted.emitSkipped) return { key, ok: false, errors: ["the compiler skipped the emit"] };
  for (const rel of files) {
    if (!(rel in js) || !(rel in dts)) return { key, ok: false, errors: [`${rel}: nothing was emitted`] };
  }
  return { key, ok: true, js, dts };
}

/** Writes the cache atomically (a kernel starting meanwhile sees the old file or the whole new one). */
function save(root, cache) {
  const dir = cacheDir(root);
  fs.mkdirSync(dir, { recursive: true });
  const file = cacheFile(root, cache.key);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(cache));
  fs.renameSync(tmp, file);
  // keep the newest few (another branch's src/ may come back)
  const old = fs
    .readdirSync(dir)
    .filter((f) => /^src-[0-9a-f]+\.json$/.test(f))
    .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t)
    .slice(KEEP);
  for (const { f } of old) fs.rmSync(path.join(dir, f), { force: true });
}

/**
 * DESCENT_KERNEL_SHARED_CACHE: a read-only folder of caches built for the same course (a class server's,
 * scripts/hub/hub.ts), looked in after <root>/.cache/kernel: a student's first kernel needs no compile.
 */
function sharedCacheFile(name) {
  const dir = process.env.DESCENT_KERNEL_SHARED_CACHE;
  return dir ? path.join(dir, name) : null;
}

function load(root, key) {
  for (const file of [cacheFile(root, key), sharedCacheFile(path.basename(cacheFile(root, key)))]) {
    if (!file) continue;
    try {
      const cache = JSON.parse(fs.readFileSync(file, "utf8"));
      if (cache && cache.key === key) return cache;
    } catch {
      /* not there */
    }
  }
  return null;
}

/**
 * A course folder whose src/ never changes (the grader's student edition: a fresh kernel per notebook, and
 * its kernels cannot write there) names its cache's key in .cache/kernel/frozen-key (`kernelCache.js
 * --freeze`): its kernels take that key instead of reading and hashing every file of src/ (~25 ms of CPU
 * per kernel). A folder whose src/ may be edited (a lecturer's, a student's) must not have the file.
 */
function frozenKeyFile(root) {
  return path.join(cacheDir(root), "frozen-key");
}

/** The cache for the current src/: loaded, or built (and saved) when missing. */
function current(root) {
  let frozen = null;
  try {
    frozen = load(root, fs.readFileSync(frozenKeyFile(root), "utf8").trim());
  } catch {
    /* not frozen */
  }
  if (frozen) return { cache: frozen, built: false, files: null };
  const ts = tslabTypeScript(root);
  const files = sourceFiles(root);
  const key = cacheKey(root, files, ts.version);
  let cache = load(root, key);
  let built = false;
  if (!cache) {
    cache = build(root, files, key);
    built = true;
    try {
      save(root, cache);
    } catch {
      /* a read-only project: use it in this kernel only */
    }
  }
  return { cache, built, files };
}

/**
 * In the kernel process, before tslab starts: makes tslab's compiler see the cached declarations in
 * place of src/*.ts, and Node run the cached code for src/*.ts. Does nothing (tslab compiles src/
 * as before) when src/ does not compile or DESCENT_KERNEL_CACHE=0.
 */
function useInKernel(root) {
  if (process.env.DESCENT_KERNEL_CACHE === "0") return { used: false, why: "DESCENT_KERNEL_CACHE=0" };
  let state;
  try {
    state = current(root);
  } catch (e) {
    return { used: false, why: `cache unavailable: ${e.message}` };
  }
  const { cache } = state;
  if (!cache.ok) return { used: false, why: "src/ does not compile" };
  const hidden = new Set();
  const declarations = new Map();
  const code = new Map();
  for (const [rel, text] of Object.entries(cache.dts)) {
    const file = path.join(root, rel);
    hidden.add(file);
    declarations.set(file.slice(0, -".ts".length) + ".d.ts", text);
    code.set(file, cache.js[rel]);
  }
  withTslabTypeScript(root, (ts) => {
    const { fileExists, readFile } = ts.sys;
    ts.sys.fileExists = (p) => (hidden.has(p) ? false : declarations.has(p) ? true : fileExists.call(ts.sys, p));
    ts.sys.readFile = (p, encoding) => (declarations.has(p) ? declarations.get(p) : readFile.call(ts.sys, p, encoding));
  });
  const loadJs = Module._extensions[".js"];
  Module._extensions[".ts"] = (module, filename) => {
    const js = code.get(filename);
    if (js === undefined) return loadJs(module, filename);
    module._compile(js, filename);
  };
  return { used: true, built: state.built };
}

/**
 * V8's code cache for tslab's TypeScript compiler (7.8 MB of JavaScript): compiled once, not per kernel.
 * Call before anything loads the compiler; returns save(), to call once the compiler has done some work
 * (the cache then holds the functions compiled so far, too). V8 rejects a cache made by another Node
 * or for another source, and then it is made again.
 */
function useCodeCache(root) {
  let file;
  try {
    file = fs.realpathSync(
      require.resolve("@tslab/typescript-for-tslab", { paths: [path.join(tslabDir(root), "dist")] }),
    );
  } catch {
    return () => {};
  }
  const stat = fs.statSync(file);
  const tag = crypto
    .createHash("sha256")
    .update(`${file}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.execArgv.join(" ")}`)
    .digest("hex")
    .slice(0, 16);
  const cachePath = path.join(cacheDir(root), `typescript-${tag}.v8cache`);
  let script = null;
  let fresh = false;
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (filename !== file) return compile.call(this, content, filename);
    Module.prototype._compile = compile;
    let cachedData;
    for (const p of [cachePath, sharedCacheFile(path.basename(cachePath))]) {
      try {
        cachedData = p ? fs.readFileSync(p) : undefined;
      } catch {
        cachedData = undefined;
      }
      if (cachedData !== undefined) break;
    }
    script = new vm.Script(Module.wrap(content), { filename, cachedData });
    fresh = cachedData !== undefined && !script.cachedDataRejected;
    const fn = script.runInThisContext({ displayErrors: true });
    return fn.call(this.exports, this.exports, Module.createRequire(filename), this, filename, path.dirname(filename));
  };
  return function save() {
    if (!script || fresh) return;
    fresh = true;
    try {
      fs.mkdirSync(cacheDir(root), { recursive: true });
      const tmp = `${cachePath}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cachePath);
      for (const f of fs.readdirSync(cacheDir(root))) {
        if (f.startsWith("typescript-") && f.endsWith(".v8cache") && path.join(cacheDir(root), f) !== cachePath)
          fs.rmSync(path.join(cacheDir(root), f), { force: true });
      }
    } catch {
      /* read-only project: no cache */
    }
  };
}

/**
 * tslab's compiler watches node_modules recursively for failed module lookups; on Linux TypeScript 5.0
 * does that by walking every directory below it (about 900 here: half a second per kernel start, and as
 * many inotify watches). The kernel watches node_modules itself only: a package installed while a
 * kernel runs is found after a restart of the kernel.
 */
function shallowNodeModulesWatch(root) {
  withTslabTypeScript(root, (ts) => shallowWatch(root, ts));
}

function shallowWatch(root, ts) {
  const nodeModules = path.join(root, "node_modules");
  const watchDirectory = ts.sys.watchDirectory;
  if (!watchDirectory) return;
  const inside = (dir) => dir === root || dir.startsWith(root + path.sep);
  ts.sys.watchDirectory = (dir, callback, recursive, options) =>
    // Nor the folders above root (failed lookups of node_modules/@types there): on a class server root is
    // ~/descent, and a change in the student's home would leave tslab a pending rebuild that fails the next cell.
    !inside(path.resolve(dir))
      ? { close() {} }
      : watchDirectory.call(
          ts.sys,
          dir,
          callback,
          recursive && !(dir === nodeModules || dir.startsWith(nodeModules + path.sep)),
          options,
        );
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..", "..");
  process.chdir(root); // the compiler's current directory, as in the kernel
  const ts = tslabTypeScript(root);
  const files = sourceFiles(root);
  const key = cacheKey(root, files, ts.version);
  const cached = load(root, key);
  if (process.argv.includes("--status")) {
    console.log(
      cached
        ? `kernel cache of src/ is up to date (${cached.ok ? "compiled" : "src/ does not compile"})`
        : "kernel cache of src/ is out of date",
    );
    process.exit(0);
  }
  if (cached) {
    console.log(`[descent] kernel cache of src/ is up to date`);
  } else {
    const t0 = Date.now();
    const cache = build(root, files, key);
    save(root, cache);
    if (cache.ok) console.log(`[descent] compiled src/ for the kernel in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    else
      console.log(
        `[descent] src/ does not compile with tslab's TypeScript; the kernel will compile it per session:\n  ${cache.errors.join("\n  ")}`,
      );
  }
  // --freeze: this folder's src/ will not change (the grader's edition, scripts/homework/grading/gradingCourse.ts)
  if (process.argv.includes("--freeze")) fs.writeFileSync(frozenKeyFile(root), `${key}\n`);
}

module.exports = {
  useInKernel,
  useCodeCache,
  shallowNodeModulesWatch,
  sourceFiles,
  cacheKey,
  cacheFile,
  build,
  current,
  tslabTypeScript,
  tslabTypeScriptFile,
};
