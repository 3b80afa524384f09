#!/usr/bin/env node
// The part of `npm run format` Prettier does not do: Prettier lays out code within printWidth
// (.prettierrc.json) but never wraps a comment, so a comment line of src/ can stay longer than the width
// ESLint's max-len allows there. This script, run after `prettier --write`, for each file of src/ (or the
// files named), repeats until no line is over the width:
//   - a comment after code on an over-long line moves onto its own line above that code;
//   - an over-long comment line breaks at its last space within the width, the rest on a new line
//     that keeps the comment's prefix ("//   " or " * ");
// then Prettier formats the file again. A string or template literal is never split: max-len ignores a
// line that holds one (eslint.config.js), so a message stays whole and can be found by searching for it
// (scripts/lint/joinStrings.js joins literals split with +). What it cannot wrap (a comment with no space
// to break at, a long line of code with no string) is listed and it exits 1: wrap those by hand.
//   node scripts/lint/wrapLongLines.js            every .ts file under src/
//   node scripts/lint/wrapLongLines.js --check    change nothing; exit 1 if a file would change
//   node scripts/lint/wrapLongLines.js FILE…      only these files
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");
const prettier = require("prettier");

const { root, srcFiles } = require("./srcFiles");
const { printWidth } = require(path.join(root, ".prettierrc.json"));

/** Line length as ESLint's max-len counts it: code points. */
const width = (line) => Array.from(line).length;

/** Every comment of the file, as [start, end) offsets. */
function comments(sf) {
  const text = sf.text;
  const seen = new Map();
  const add = (r) => seen.set(r.pos, r);
  const visit = (node) => {
    (ts.getLeadingCommentRanges(text, node.pos) ?? []).forEach(add);
    (ts.getTrailingCommentRanges(text, node.end) ?? []).forEach(add);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  (ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos) ?? []).forEach(add);
  return [...seen.values()].map((r) => ({
    start: r.pos,
    end: r.end,
    line: r.kind === ts.SyntaxKind.SingleLineCommentTrivia,
  }));
}

/**
 * The [start, end) ranges of the file's string and template literal tokens (a template's head, middles and
 * tail, not the code in its ${…}): the lines max-len ignores, as ESLint's ignoreStrings and
 * ignoreTemplateLiterals find them.
 */
function literals(sf) {
  const out = [];
  const visit = (node) => {
    const k = node.kind;
    if (k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral) {
      out.push([node.getStart(sf), node.end]);
      return;
    }
    if (k === ts.SyntaxKind.TemplateExpression) {
      out.push([node.head.getStart(sf), node.head.end]);
      for (const span of node.templateSpans) out.push([span.literal.getStart(sf), span.literal.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * One edit that shortens line `i` (0-based) of the file, as { start, end, insert } in offsets, null
 * when the line may stay (it holds a string), or { problem } when it cannot be wrapped automatically.
 */
function editFor(sf, lineStarts, i, allComments, allLiterals) {
  const text = sf.text;
  const start = lineStarts[i];
  const end = i + 1 < lineStarts.length ? lineStarts[i + 1] - 1 : text.length;
  const line = text.slice(start, end);
  const indent = /^[ \t]*/.exec(line)[0];
  // max-len ignores a line that holds a string or template literal: the string stays whole.
  const holdsLiteral = allLiterals.some(([a, b]) => a < end && b > start);

  const here = allComments.filter((r) => r.start < end && r.end > start);
  // A // comment after code: onto its own line above the code.
  const trailing = here.find((r) => r.line && r.start > start && text.slice(start, r.start).trim() !== "");
  if (trailing) {
    const code = text.slice(start, trailing.start).replace(/[ \t]+$/, "");
    return { start, end, insert: `${indent}${text.slice(trailing.start, trailing.end)}\n${code}` };
  }
  // The offset of the first character past the width.
  const chars = Array.from(line);
  const over = start + chars.slice(0, printWidth).join("").length;
  const comment = here.find((r) => r.start <= over && over < r.end);
  if (comment) {
    if (comment.start > start && text.slice(start, comment.start).trim() !== "") {
      return holdsLiteral ? null : { problem: "a /* */ comment after code" };
    }
    // The comment line itself: break at the last space within the width.
    const prefixMatch = comment.line ? /^[ \t]*\/\/[ \t]*/.exec(line) : /^[ \t]*(\/\*\*?|\*)?[ \t]*/.exec(line);
    let prefix = prefixMatch[0];
    let cutAt = -1;
    for (let k = Math.min(printWidth, chars.length - 1); k > width(prefix) + 8; k--) {
      if (chars[k] === " " && chars[k - 1] !== " ") {
        cutAt = k;
        break;
      }
    }
    if (cutAt < 0) return { problem: "a comment with no space to break at within the width" };
    const head = chars.slice(0, cutAt).join("");
    const rest = chars.slice(cutAt + 1).join("");
    if (!comment.line) {
      if (/^[ \t]*\/\*\*?/.test(prefix)) {
        // The first line of a block comment: the continuation is " * ".
        prefix = prefix.replace(/\/\*\*?/, " *");
        if (rest.endsWith("*/") && comment.start >= start && !text.slice(comment.start, comment.end).includes("\n")) {
          // A one-line /** … */ becomes a block of lines.
          const open = /^[ \t]*\/\*\*?/.exec(line)[0];
          const inner = line
            .slice(open.length)
            .replace(/\s*\*\/$/, "")
            .trim();
          return { start, end, insert: `${open}\n${indent} * ${inner}\n${indent} */` };
        }
      } else if (!/\*/.test(prefix)) {
        prefix = indent;
      }
    }
    return { start, end, insert: `${head}\n${prefix}${rest}` };
  }

  if (holdsLiteral) return null;
  return { problem: "no comment to wrap and no string (max-len ignores a line with one)" };
}

async function wrapFile(file, options) {
  let text = fs.readFileSync(file, "utf8");
  const original = text;
  let problems = [];
  for (let pass = 0; pass < 20; pass++) {
    text = await prettier.format(text, { ...options, filepath: file });
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const lineStarts = sf.getLineStarts();
    const lines = text.split("\n");
    const long = lines.map((l, i) => (width(l) > printWidth ? i : -1)).filter((i) => i >= 0);
    if (long.length === 0) {
      problems = [];
      break;
    }
    const allComments = comments(sf);
    const allLiterals = literals(sf);
    const edits = [];
    problems = [];
    for (const i of long) {
      const e = editFor(sf, lineStarts, i, allComments, allLiterals);
      if (e === null) continue;
      if (e.problem) problems.push(`${path.relative(root, file)}:${i + 1}: ${e.problem}`);
      else if (!edits.some((d) => d.start < e.end && e.start < d.end)) edits.push(e);
    }
    if (edits.length === 0) break;
    edits.sort((a, b) => b.start - a.start);
    for (const e of edits) text = text.slice(0, e.start) + e.insert + text.slice(e.end);
  }
  return { changed: text !== original, text, problems };
}

async function main() {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const files = srcFiles(args);
  let changed = 0;
  const problems = [];
  for (const file of files) {
    const options = (await prettier.resolveConfig(file)) ?? {};
    const r = await wrapFile(file, options);
    problems.push(...r.problems);
    if (r.changed) {
      changed++;
      if (check) console.log(`would wrap ${path.relative(root, file)}`);
      else fs.writeFileSync(file, r.text);
    }
  }
  for (const p of problems) console.error(`wrapLongLines: ${p} (over ${printWidth} columns; wrap it by hand)`);
  if (!check && changed) console.log(`wrapLongLines: wrapped lines in ${changed} file(s)`);
  process.exit(problems.length || (check && changed) ? 1 : 0);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}

module.exports = { wrapFile };
