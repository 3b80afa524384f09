/**
 * Symbolic calculus with mathjs, for checking the derivatives the notes derive by hand.
 *
 * A function is typed as a string ("1/(1+exp(-x))", "v1^2 + 4*v2^2"); mathjs differentiates and
 * simplifies it, and compiles the result into a plain JavaScript function to compare with code and
 * with finite differences.
 */
import type { MathNode, SymbolNode } from "mathjs";
import { describeValue } from "../core/describe";

type MathJs = typeof import("mathjs");
let mathjsModule: MathJs | null = null;
/** mathjs takes about two seconds to load: it is loaded at the first symbolic call, not with the course code. */
function mathjs(): MathJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (mathjsModule ??= require("mathjs") as MathJs);
}

/** Names mathjs treats as constants, not variables. */
const CONSTANTS = new Set([
  "pi",
  "e",
  "E",
  "PI",
  "Infinity",
  "NaN",
  "i",
  "true",
  "false",
  "null",
  "phi",
  "tau",
  "LN2",
  "LN10",
  "LOG2E",
  "LOG10E",
  "SQRT1_2",
  "SQRT2",
]);

function parseOrThrow(expr: string, where: string): MathNode {
  if (typeof expr !== "string" || expr.trim() === "")
    throw new Error(`${where}: expected an expression string, got ${JSON.stringify(expr)}`);
  try {
    return mathjs().parse(expr);
  } catch (e) {
    throw new Error(`${where}: cannot parse "${expr}": ${(e as Error).message}`);
  }
}

/** The free variables of an expression, in order of first appearance (function names and constants excluded). */
export function freeVariables(expr: string): string[] {
  const node = parseOrThrow(expr, "freeVariables");
  const seen: string[] = [];
  node.traverse((n: MathNode, path: string, parent: MathNode | null) => {
    if (n.type === "SymbolNode" && !(parent && parent.type === "FunctionNode" && path === "fn")) {
      const name = (n as SymbolNode).name;
      if (!CONSTANTS.has(name) && !seen.includes(name)) seen.push(name);
    }
  });
  return seen;
}

/**
 * Compile an expression of the given variables into f(v) with v[k] the value of variables[k].
 * Throws (naming the expression) if it uses a variable not in the list, or if f returns a non-number.
 */
export function compileExpression(expr: string, variables: string[]): (v: ArrayLike<number>) => number {
  const node = parseOrThrow(expr, "compileExpression");
  const unknown = freeVariables(expr).filter((name) => !variables.includes(name));
  if (unknown.length) {
    throw new Error(
      `compileExpression: "${expr}" uses ${unknown.map((u) => `"${u}"`).join(", ")}, which is not among the variables [${variables.join(", ")}]`,
    );
  }
  const code = node.compile();
  return (v: ArrayLike<number>) => {
    if (v.length !== variables.length) {
      throw new Error(`"${expr}": expected ${variables.length} values for [${variables.join(", ")}], got ${v.length}`);
    }
    const scope: Record<string, number> = {};
    for (let k = 0; k < variables.length; k++) scope[variables[k]] = v[k];
    const out = code.evaluate(scope);
    if (typeof out !== "number")
      throw new Error(`"${expr}" at [${Array.from(v)}] gave ${String(out)}, not a real number`);
    return out;
  };
}

/** A derivative found by mathjs: the simplified expression, its LaTeX, and a compiled f'(x). */
export interface SymbolicDerivative {
  /** The function differentiated, as typed. */
  of: string;
  variable: string;
  /** d/dx of `of`, simplified by mathjs, as a string (mathjs syntax). */
  expr: string;
  /** The same in LaTeX (for a Markdown display). */
  tex: string;
  /** The derivative as a function of the variable. */
  f: (x: number) => number;
}

/**
 * d/dx f(x) for an expression f of one variable (other free variables are not allowed here).
 * Example: symbolicDerivative("1/(1+exp(-x))", "x").expr → "exp(-x) / (exp(-x) + 1) ^ 2".
 */
export function symbolicDerivative(expr: string, variable = "x"): SymbolicDerivative {
  const where = "symbolicDerivative";
  const node = parseOrThrow(expr, where);
  const vars = freeVariables(expr);
  const others = vars.filter((v) => v !== variable);
  if (others.length)
    throw new Error(
      `${where}: "${expr}" has variables ${others.join(", ")} besides ${variable}; use symbolicGradient for several variables`,
    );
  let d: MathNode;
  try {
    d = mathjs().simplify(mathjs().derivative(node, variable));
  } catch (e) {
    throw new Error(
      `${where}: mathjs cannot differentiate "${expr}" with respect to ${variable}: ${(e as Error).message}`,
    );
  }
  const g = compileExpression(d.toString(), [variable]);
  return { of: expr, variable, expr: d.toString(), tex: d.toTex(), f: (x: number) => g([x]) };
}

/** A gradient found by mathjs: ∇C = (∂C/∂v₁, …, ∂C/∂v_p) as expressions and compiled functions. */
export interface SymbolicGradient {
  /** The cost, as typed. */
  cost: string;
  variables: string[];
  /** ∂C/∂v_k, simplified, in mathjs syntax and LaTeX. */
  partials: string[];
  tex: string[];
  /** C(v) and ∇C(v), v[k] the value of variables[k]. */
  f: (v: ArrayLike<number>) => number;
  grad: (v: ArrayLike<number>) => number[];
}

/**
 * ∇C for a cost C typed as a string, e.g. symbolicGradient("v1^2 + 4*v2^2", ["v1", "v2"]).
 * Without `variables`, they are the free variables in order of appearance.
 */
export function symbolicGradient(cost: string, variables?: string[]): SymbolicGradient {
  const where = "symbolicGradient";
  const node = parseOrThrow(cost, where);
  const vars = variables ?? freeVariables(cost);
  if (vars.length === 0) throw new Error(`${where}: "${cost}" has no variables to differentiate with respect to`);
  const f = compileExpression(cost, vars);
  const partials: string[] = [];
  const tex: string[] = [];
  for (const v of vars) {
    let d: MathNode;
    try {
      d = mathjs().simplify(mathjs().derivative(node, v));
    } catch (e) {
      throw new Error(`${where}: mathjs cannot differentiate "${cost}" with respect to ${v}: ${(e as Error).message}`);
    }
    partials.push(d.toString());
    tex.push(d.toTex());
  }
  const fs = partials.map((p) => compileExpression(p, vars));
  return { cost, variables: vars, partials, tex, f, grad: (v) => fs.map((g) => g(v)) };
}

/** The LaTeX of an expression as mathjs reads it (to display a formula a student typed). */
export function expressionTex(expr: string): string {
  return parseOrThrow(expr, "expressionTex").toTex();
}

/** mathjs's simplification of an expression, as a string. */
export function simplified(expr: string): string {
  const node = parseOrThrow(expr, "simplified");
  return mathjs().simplify(node).toString();
}

/**
 * Does mathjs simplify a − b to exactly 0? (true proves a ≡ b; false only means mathjs's rules did not
 * find it; check such identities numerically with maxDifference.)
 */
export function simplifiesToZero(a: string, b: string): boolean {
  parseOrThrow(a, "simplifiesToZero");
  parseOrThrow(b, "simplifiesToZero");
  return mathjs().simplify(`(${a}) - (${b})`).toString() === "0";
}

/** max over the points xs of |f(x) − g(x)| (NaN anywhere gives NaN, so a check on it fails). */
export function maxDifference(f: (x: number) => number, g: (x: number) => number, xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) {
    const d = Math.abs(f(xs[i]) - g(xs[i]));
    if (Number.isNaN(d)) return NaN;
    m = Math.max(m, d);
  }
  return m;
}

/** n evenly spaced points from a to b inclusive (n ≥ 2). */
export function evenlySpaced(a: number, b: number, n: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new Error(`evenlySpaced: n must be an integer ≥ 2, got ${describeValue(n)}`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new Error(`evenlySpaced: ends must be finite, got ${a}, ${b}`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(a + ((b - a) * i) / (n - 1));
  return out;
}
