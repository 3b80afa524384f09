#!/usr/bin/env node
// The part of `npm run format` Prettier does not do: Prettier lays out code within printWidth
// (.prettierrc.json) but never wraps a comment or splits a string, so a line of src/ can stay longer
// than the width ESLint's max-len allows there. This script, run after `prettier --write`, for each
// file of src/ (or the files named), repeats until no line is over the width:
//   - a comment after code on an over-long line moves onto its own line above that code;
//   - an over-long comment line breaks at its last space within the width, the rest on a new line
//     that keeps the comment's prefix ("//   " or " * ");
//   - an over-long string or template literal splits at its last space within the width into two
//     literals joined by + (parenthesised where + would bind differently), which Prettier then lays out;
// then Prettier formats the file again. What it cannot wrap (no space to break at, a literal type,
// an import path, a tagged template) is listed and it exits 1: wrap those by hand.
//   node scripts/lint/wrapLongLines.js            every .ts file under src/
//   node scripts/lint/wrapLongLines.js --check    change nothing; exit 1 if a file would change
//   node scripts/lint/wrapLongLines.js FILE…      only these files
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");
const prettier = require("prettier");

const root = path.resolve(__dirname, "..", "..");
const { printWidth } = require(path.join(root, ".prettierrc.json"));
/** Generated files, left as their generator writes them (ESLint's config exempts them too). */
const GENERATED = new Set(["src/engine/wasmBinaries.ts"]);

/** Line length as ESLint's max-len counts it: code points. */
const width = (line) => Array.from(line).length;

function listTs(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

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

/** String and template literals: each with the [start, end) ranges of its text a split may fall in. */
function literals(sf) {
  const out = [];
  const visit = (node) => {
    const k = node.kind;
    if (k === ts.SyntaxKind.StringLiteral || k === ts.SyntaxKind.NoSubstitutionTemplateLiteral) {
      out.push({ node, quote: sf.text[node.getStart(sf)], text: [[node.getStart(sf) + 1, node.end - 1]] });
      return;
    }
    if (k === ts.SyntaxKind.TemplateExpression) {
      const text = [[node.head.getStart(sf) + 1, node.head.end - 2]];
      for (const span of node.templateSpans) {
        const lit = span.literal;
        text.push([lit.getStart(sf) + 1, lit.end - (lit.kind === ts.SyntaxKind.TemplateTail ? 1 : 2)]);
      }
      out.push({ node, quote: "`", text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Why a literal must not be split, or null: where a string is not an expression, or `a + b` means otherwise. */
function unsplittable(node) {
  const p = node.parent;
  if (ts.isLiteralTypeNode(p)) return "a literal type";
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p)) return "a module path";
  if (ts.isImportTypeNode(p) || ts.isLiteralTypeNode(p.parent)) return "a module path";
  if (ts.isTaggedTemplateExpression(p)) return "a tagged template";
  if (
    (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p) || ts.isEnumMember(p)) &&
    p.name === node
  )
    return "a property name";
  if (ts.isExpressionStatement(p)) return "a directive";
  if (ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === "require")
    return "a module path";
  if (ts.isAsExpression(p) || ts.isSatisfiesExpression(p)) return "a typed literal";
  return null;
}

/** Whether `a + b` may stand where the literal stands without parentheses. */
function bareSumFits(node) {
  const p = node.parent;
  if (ts.isBinaryExpression(p))
    return p.operatorToken.kind === ts.SyntaxKind.PlusToken && (p.left === node || p.right === node);
  return (
    ((ts.isCallExpression(p) || ts.isNewExpression(p)) && (p.arguments ?? []).includes(node)) ||
    (ts.isConditionalExpression(p) && (p.whenTrue === node || p.whenFalse === node)) ||
    ts.isReturnStatement(p) ||
    ts.isThrowStatement(p) ||
    ts.isVariableDeclaration(p) ||
    ts.isPropertyAssignment(p) ||
    ts.isArrayLiteralExpression(p) ||
    ts.isParenthesizedExpression(p) ||
    ts.isTemplateSpan(p) ||
    ts.isArrowFunction(p) ||
    ts.isParameter(p) ||
    ts.isBinaryExpression(p)
  );
}

/**
 * One edit that shortens line `i` (0-based) of the file, as { start, end, insert } in offsets,
 * or { problem } when the line cannot be wrapped automatically.
 */
function editFor(sf, lineStarts, i, allComments, allLiterals) {
  const text = sf.text;
  const start = lineStarts[i];
  const end = i + 1 < lineStarts.length ? lineStarts[i + 1] - 1 : text.length;
  const line = text.slice(start, end);
  const indent = /^[ \t]*/.exec(line)[0];
  const col = (offset) => width(text.slice(start, offset)); // column of an offset on this line

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
      return { problem: "a /* */ comment after code" };
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

  // A string or template literal on this line: split it within the width, at its last space if it
  // has one there, else after its last ; , { or }, else at its last character boundary (never inside
  // an escape sequence or a surrogate pair). The literal that reaches past the width is tried first.
  const onLine = allLiterals.filter((l) => l.node.getStart(sf) < end && l.node.end > start);
  onLine.sort(
    (x, y) =>
      Number(y.node.getStart(sf) <= over && over < y.node.end) -
      Number(x.node.getStart(sf) <= over && over < x.node.end),
  );
  for (const lit of onLine) {
    const ns = lit.node.getStart(sf);
    const first = Math.max(ns + 1, start) + 12; // the first piece keeps at least 12 characters
    const cuts = { space: -1, punct: -1, any: -1 };
    lit.text.forEach(([a, b], r) => {
      const last = r === lit.text.length - 1; // a cut at its very end would leave an empty literal
      for (let o = a; o <= b;) {
        const ok = o >= first && o >= start && o < end && (o < b || !last) && col(o) <= printWidth - 3;
        if (ok) {
          if (text[o - 1] === " " && text[o] !== " ") cuts.space = o;
          else if (";,{}".includes(text[o - 1])) cuts.punct = o;
          cuts.any = o;
        }
        if (o === b) break;
        o += escapeLength(text, o);
      }
    });
    const cut = cuts.space >= 0 ? cuts.space : cuts.punct >= 0 ? cuts.punct : cuts.any;
    if (cut < 0) continue;
    const why = unsplittable(lit.node);
    if (why) return { problem: `a string that is ${why}` };
    const q = lit.quote;
    if (bareSumFits(lit.node)) return { start: cut, end: cut, insert: `${q} + ${q}` };
    return {
      start: ns,
      end: lit.node.end,
      insert: `(${text.slice(ns, cut)}${q} + ${q}${text.slice(cut, lit.node.end)})`,
    };
  }
  return { problem: "no comment or string to wrap" };
}

/** Length in UTF-16 units of the character or escape sequence at text[o] inside a literal. */
function escapeLength(text, o) {
  const c = text.charCodeAt(o);
  if (c >= 0xd800 && c < 0xdc00) return 2; // a surrogate pair
  if (text[o] !== "\\") return 1;
  const m = /^\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])/.exec(text.slice(o, o + 12));
  return m ? m[0].length : 1;
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
  const named = args.filter((a) => !a.startsWith("--"));
  const files = (named.length ? named.map((f) => path.resolve(f)) : listTs(path.join(root, "src"))).filter(
    (f) => !GENERATED.has(path.relative(root, f).split(path.sep).join("/")),
  );
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
