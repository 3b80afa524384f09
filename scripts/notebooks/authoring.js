#!/usr/bin/env node
// Notebook authoring helper.
//   node scripts/notebooks/authoring.js build SOURCE.ts OUT.ipynb   percent-format text → notebook (no outputs, descent kernel)
//   node scripts/notebooks/authoring.js clean NOTEBOOK.ipynb...      strip outputs and execution counts, set the descent kernel
//   node scripts/notebooks/authoring.js text NOTEBOOK.ipynb          notebook → percent-format text on stdout (to edit and rebuild)
// Percent format: a line "// %% [markdown]" starts a markdown cell (its lines are Markdown, plain or
// each behind "// "),
// a line "// %%" starts a code cell. Text before the first marker is ignored.
"use strict";
const fs = require("fs");
const crypto = require("crypto");

const METADATA = {
  kernelspec: { name: "descent", display_name: "TypeScript (Descent)", language: "typescript" },
  language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
};

function cellId(name, i, source) {
  return crypto.createHash("sha1").update(`${name}:${i}:${source}`).digest("hex").slice(0, 8);
}

function toSource(lines) {
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  while (lines.length && lines[0].trim() === "") lines.shift();
  return lines.map((l, i) => (i < lines.length - 1 ? l + "\n" : l));
}

// Markdown lines may be written plain or commented out ("// text", as jupytext does); when every
// non-blank line of a markdown cell starts with "//", the comment markers are removed.
function uncomment(lines) {
  const body = lines.filter((l) => l.trim() !== "");
  if (body.length === 0 || !body.every((l) => /^\/\/( |$)/.test(l))) return lines;
  return lines.map((l) => l.replace(/^\/\/ ?/, ""));
}

function build(text, name) {
  const cells = [];
  let cur = null;
  for (const line of text.split("\n")) {
    const m = /^\/\/ %%( \[markdown\])?\s*$/.exec(line);
    if (m) {
      if (cur) cells.push(cur);
      cur = { type: m[1] ? "markdown" : "code", lines: [] };
    } else if (cur) cur.lines.push(line);
  }
  if (cur) cells.push(cur);
  return normalize({
    cells: cells.map((c) => ({ cell_type: c.type, metadata: {}, source: toSource(c.type === "markdown" ? uncomment(c.lines) : c.lines) })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  }, name);
}

function normalize(nb, name) {
  nb.metadata = { ...nb.metadata, ...METADATA };
  nb.nbformat = 4;
  nb.nbformat_minor = 5;
  nb.cells = nb.cells.map((c, i) => {
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    const out = { cell_type: c.cell_type, id: c.id || cellId(name, i, src), metadata: c.metadata || {}, source: c.source };
    if (c.cell_type === "code") {
      out.execution_count = null;
      out.outputs = [];
    }
    return out;
  });
  return nb;
}

function toText(nb) {
  const parts = [];
  for (const c of nb.cells) {
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    parts.push((c.cell_type === "markdown" ? "// %% [markdown]\n" : "// %%\n") + src + "\n");
  }
  return parts.join("\n");
}

function write(path, nb) {
  fs.writeFileSync(path, JSON.stringify(nb, null, 1) + "\n");
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === "build" && args.length === 2) {
  write(args[1], build(fs.readFileSync(args[0], "utf8"), args[1]));
} else if (cmd === "clean" && args.length > 0) {
  for (const p of args) write(p, normalize(JSON.parse(fs.readFileSync(p, "utf8")), p));
} else if (cmd === "text" && args.length === 1) {
  process.stdout.write(toText(JSON.parse(fs.readFileSync(args[0], "utf8"))));
} else {
  console.error("usage: node scripts/notebooks/authoring.js build SOURCE OUT.ipynb | clean NB.ipynb... | text NB.ipynb");
  process.exit(2);
}
