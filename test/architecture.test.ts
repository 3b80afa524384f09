// Architecture: the layers of src/ and the direction of their dependencies (README, "Project layout").
// Every import of every src/**/*.ts is read with TypeScript's own pre-processor (import, import type,
// export … from, require(), import()), so the table below is what the code does, not what it says.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { CHAPTER } from "./support/notebooks";

const root = path.resolve(__dirname, "..");
const srcDir = path.join(root, "src");

/**
 * Which folders each folder of src/ may import (besides itself). The readable layers go one way:
 *
 *   core ← data, models ← calculus, optim ← training ← chapters
 *
 * plot is a side layer (charts and images: it reads plain numbers and imports at most core; only
 * chapters use it). engine exists only for speed: it may import the readable layers whose hooks it
 * plugs into (core's gemm backend registry and float32 allocator, the models' fast-path hook, the
 * optimisers' update-kernel hook, training's batch source, the homework network's per-example step hook
 * in chapters) and nothing imports it but src/index.ts.
 * src/index.ts, the public API, may import every folder. homework (the exercises' checks) sits above the
 * public API: it may import src/index.ts (the course as a notebook sees it) and every readable folder.
 */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  data: ["core"],
  models: ["core"],
  calculus: ["core", "data", "models"],
  optim: ["core", "models"],
  training: ["core", "data", "models", "calculus", "optim"],
  chapters: ["core", "data", "models", "calculus", "optim", "training", "plot"],
  plot: ["core"],
  engine: ["core", "data", "models", "optim", "training", "chapters"],
  homework: ["core", "data", "models", "calculus", "optim", "training", "chapters", "plot", "index.ts"],
};

/** Folders whose files must read as the course's math: no word of the speed machinery in them. */
const READABLE = ["core", "models", "optim", "training", "data", "calculus", "chapters"];
/** The words, or the same inside a camel-case name (usesFusedKernels); \b keeps "refused" and "confused" out. */
const SPEED_WORDS = /\b(resident|fused|wasm|webassembly)/i;
const SPEED_IN_NAMES = /[a-z](Resident|Fused|Wasm|WebAssembly)/;
/** A model file holds one model's math: mlp.ts above this many lines fails (issue 13 aims at ~250). */
const MLP_MAX_LINES = 260;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out.sort();
}

const files = sourceFiles(srcDir);
const rel = (f: string) => path.relative(root, f).split(path.sep).join("/");
/** The folder of src/ a path lies in ("index.ts" for src/index.ts, "" outside src/). */
function layerOf(abs: string): string {
  const r = path.relative(srcDir, abs);
  if (r.startsWith("..") || path.isAbsolute(r)) return "";
  const first = r.split(path.sep)[0];
  return first === "index" ? "index.ts" : first; // "../index" names src/index.ts
}

const unique = (xs: string[]) => [...new Set(xs)];

interface Edge {
  file: string;
  from: string;
  to: string;
  spec: string;
}

/** Every relative import of every source file, with the layers at both ends. */
const edges: Edge[] = files.flatMap((f) => {
  const info = ts.preProcessFile(fs.readFileSync(f, "utf8"), true, true);
  return info.importedFiles
    .map((r) => r.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => ({ file: rel(f), from: layerOf(f), to: layerOf(path.resolve(path.dirname(f), spec)), spec }));
});

test("every file of src/ sits in a known layer folder (or is src/index.ts)", () => {
  const unknown = files.map(rel).filter((f) => {
    const layer = layerOf(path.join(root, f));
    return layer !== "index.ts" && !(layer in ALLOWED);
  });
  assert.deepEqual(unknown, [], `files outside the layers of the table (add the folder to ALLOWED and to README's layout): ${unknown.join(", ")}`);
  assert.ok(edges.length > 50, `only ${edges.length} imports found: the parser is not reading the files`);
});

test("the dependency table is acyclic (the layers have an order)", () => {
  const state = new Map<string, "open" | "done">();
  const visit = (layer: string, trail: string[]): void => {
    if (state.get(layer) === "done") return;
    assert.notEqual(state.get(layer), "open", `cycle in ALLOWED: ${[...trail, layer].join(" → ")}`);
    state.set(layer, "open");
    for (const dep of ALLOWED[layer] ?? []) visit(dep, [...trail, layer]);
    state.set(layer, "done");
  };
  for (const layer of Object.keys(ALLOWED)) visit(layer, []);
  assert.ok(!Object.entries(ALLOWED).some(([l, deps]) => l !== "homework" && deps.includes("index.ts")), "only homework may import src/index.ts");
});

test("(a) nothing outside src/engine/ imports the engine, except src/index.ts (which switches it on)", () => {
  const bad = edges.filter((e) => e.to === "engine" && e.from !== "engine" && e.from !== "index.ts");
  assert.deepEqual(unique(bad.map((e) => `${e.file} imports ${e.spec}`)), []);
});

test("(b) layers import only the layers below them (the table above), and nothing but homework imports src/index.ts", () => {
  const bad = edges.filter((e) => {
    if (e.from === "index.ts" || e.to === e.from || e.to === "engine") return false; // engine: see (a)
    if (e.to === "") return true;
    return !(ALLOWED[e.from] ?? []).includes(e.to);
  });
  assert.deepEqual(
    unique(bad.map((e) => `${e.file} (${e.from}) imports ${e.spec} (${e.to || "outside src/"}); ${e.from} may import: ${(ALLOWED[e.from] ?? []).join(", ") || "nothing"}`)),
    [],
  );
});

test("(c) the readable layers never mention the speed machinery (resident, fused, wasm, WebAssembly)", () => {
  const hits: string[] = [];
  for (const f of files) {
    if (!READABLE.includes(layerOf(f))) continue;
    fs.readFileSync(f, "utf8").split("\n").forEach((line, i) => {
      const m = SPEED_WORDS.exec(line) ?? SPEED_IN_NAMES.exec(line);
      if (m) hits.push(`${rel(f)}:${i + 1}: "${m[0]}" in ${line.trim().slice(0, 100)}`);
    });
  }
  const byFile = new Map<string, number>();
  for (const h of hits) byFile.set(h.split(":")[0], (byFile.get(h.split(":")[0]) ?? 0) + 1);
  assert.equal(hits.length, 0, `${hits.length} mentions in ${byFile.size} files (${[...byFile].map(([f, n]) => `${f}: ${n}`).join(", ")}):\n${hits.join("\n")}`);
});

test(`model files: sizes reported, src/models/mlp.ts at most ${MLP_MAX_LINES} lines`, (t) => {
  const models = files.filter((f) => layerOf(f) === "models");
  assert.ok(models.some((f) => rel(f) === "src/models/mlp.ts"), "src/models/mlp.ts is missing");
  const lines = (f: string) => fs.readFileSync(f, "utf8").split("\n").length - 1;
  for (const f of models) t.diagnostic(`${rel(f)}: ${lines(f)} lines`);
  const mlp = lines(path.join(srcDir, "models", "mlp.ts"));
  assert.ok(mlp <= MLP_MAX_LINES, `src/models/mlp.ts has ${mlp} lines (at most ${MLP_MAX_LINES}: one model's math, the speed paths in src/engine/)`);
});

test("every src/ file a notebook's prose names exists (the notebooks point at the code)", () => {
  const nbDir = path.join(root, "notebooks");
  const missing: string[] = [];
  let named = 0;
  for (const nb of fs.readdirSync(nbDir).filter((f) => CHAPTER.test(f)).sort()) {
    const cells = (JSON.parse(fs.readFileSync(path.join(nbDir, nb), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] }).cells;
    for (const c of cells) {
      if (c.cell_type !== "markdown") continue;
      const text = Array.isArray(c.source) ? c.source.join("") : c.source;
      for (const m of text.matchAll(/`(src\/[\w/.-]+?\.ts)`/g)) {
        named++;
        if (!fs.existsSync(path.join(root, m[1]))) missing.push(`${nb}: ${m[1]}`);
      }
    }
  }
  assert.ok(named > 20, `the notebooks name only ${named} source files`);
  assert.deepEqual(missing, []);
});
