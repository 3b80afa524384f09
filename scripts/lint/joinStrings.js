#!/usr/bin/env node
// Part of `npm run format`: a string in src/ is one literal. A chain of literals joined by + ("…" + "…",
// `…${x}…` + "…") is rewritten as the one literal it evaluates to, so that a message can be found by
// searching for it; ESLint's max-len ignores lines that hold a string (eslint.config.js), so a long
// literal stays whole. Only + chains whose operands are all string or template literals are joined
// (a + chain of "a" + x + "b" is left as it is; (x + "a") + "b" becomes x + "ab", the same string).
//   node scripts/lint/joinStrings.js            every .ts file under src/
//   node scripts/lint/joinStrings.js --check    change nothing; list the chains; exit 1 if there are any
//   node scripts/lint/joinStrings.js FILE…      only these files
// Prettier formats the files afterwards (npm run format runs it before and after).
"use strict";
const fs = require("fs");
const path = require("path");
const ts = require("typescript");

const { root, srcFiles } = require("./srcFiles");

const isPlus = (n) => ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken;
const isStringLike = (n) =>
  ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n);

/** A literal, or a literal in parentheses; else null. */
function literal(n) {
  while (ts.isParenthesizedExpression(n)) n = n.expression;
  return isStringLike(n) ? n : null;
}

/** The operands of a + chain, left to right (a + b + c parses as (a + b) + c; parentheses end the chain). */
function operands(n) {
  return isPlus(n) ? [...operands(n.left), ...operands(n.right)] : [n];
}

/**
 * The inside of a literal's quotes, as source text, re-escaped for the quote `q`: an unescaped q is
 * escaped, and in a template an unescaped "${" too. Escape sequences are copied as they are.
 */
function body(sf, lit, q) {
  const raw = lit.getText(sf).slice(1, -1);
  if (ts.isTemplateExpression(lit)) return raw; // only ever joined into a template
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\") {
      out += raw.slice(i, i + 2);
      i++;
    } else if (c === q || (q === "`" && c === "$" && raw[i + 1] === "{")) out += "\\" + c;
    else out += c;
  }
  return out;
}

/** One string or template literal for literals joined by +. */
function joined(sf, parts) {
  const template = parts.some((p) => !ts.isStringLiteral(p));
  const q = template ? "`" : parts[0].getText(sf)[0];
  return q + parts.map((p) => body(sf, p, q)).join("") + q;
}

/**
 * The edits that join the literal runs of a file's + chains, each { start, end, text } replacing [start,
 * end): every run of two or more literals in a chain becomes one ("a" + "b" → "ab"; x + "a" + "b" →
 * x + "ab", the same string: the + of a string and a literal is associative). A run with a comment
 * between its literals, or a whole chain standing as a statement (it would become a directive), is
 * left. Edits do not overlap: a literal chain inside a joined run is joined on the next pass.
 */
function chains(sf) {
  const out = [];
  const visit = (n) => {
    if (!isPlus(n) || (isPlus(n.parent) && n.parent.left === n)) return ts.forEachChild(n, visit);
    const ops = operands(n);
    const inRun = new Set();
    for (let i = 0; i < ops.length;) {
      let j = i;
      while (j < ops.length && literal(ops[j])) j++;
      const run = ops.slice(i, j).map(literal);
      const gaps = run.slice(1).map((r, k) => sf.text.slice(run[k].end, r.getStart(sf)));
      const statement = run.length === ops.length && ts.isExpressionStatement(n.parent);
      if (run.length >= 2 && !statement && gaps.every((g) => /^[\s()+]*$/.test(g))) {
        out.push({ start: ops[i].getStart(sf), end: ops[j - 1].end, text: joined(sf, run) });
        ops.slice(i, j).forEach((o) => inRun.add(o));
      }
      i = Math.max(j, i + 1);
    }
    for (const o of ops) if (!inRun.has(o)) visit(o);
  };
  visit(sf);
  return out;
}

/** The file's text with its literal chains joined, and how many runs were joined. */
function joinText(file, text) {
  let count = 0;
  for (let pass = 0; pass < 20; pass++) {
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const edits = chains(sf).sort((a, b) => b.start - a.start);
    if (!edits.length) break;
    for (const e of edits) text = text.slice(0, e.start) + e.text + text.slice(e.end);
    count += edits.length;
  }
  return { text, count };
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const files = srcFiles(args);
  let total = 0;
  let changed = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, "utf8");
    const r = joinText(file, text);
    if (!r.count) continue;
    total += r.count;
    changed++;
    if (check) console.log(`${path.relative(root, file)}: ${r.count} string(s) split with +`);
    else fs.writeFileSync(file, r.text);
  }
  if (total) console.log(`joinStrings: ${check ? "would join" : "joined"} ${total} string(s) in ${changed} file(s)`);
  process.exit(check && total ? 1 : 0);
}

if (require.main === module) main();

module.exports = { joinText };
