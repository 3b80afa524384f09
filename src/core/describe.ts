/**
 * How an argument is shown in an error message: as the student typed it, with its kind when that is
 * not what was asked for, so `epochs: "2"` reads `got "2" (a string)` and not `got 2`.
 */

/**
 * The value as it would be written in code, plus its kind unless it is a number: 2, "2" (a string), null, an array of
 * 3.
 */
export function describeValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)} (a string)`;
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "boolean") return `${v} (a boolean)`;
  if (typeof v === "bigint") return `${v}n (a bigint)`;
  if (typeof v === "function") return `a function${v.name ? ` (${v.name})` : ""}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  const name = (v as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== "Object" ? `a ${name}` : "an object";
}
