/**
 * The Kaggle "digit recognizer" CSV layout, read and written.
 *
 *   train layout:  label,pixel0,pixel1,…,pixel783      then one row per image: a digit 0–9 and 784 pixels 0–255
 *   test layout:   pixel0,pixel1,…,pixel783            (no label column)
 *   submission:    ImageId,Label                        then 1,<digit> / 2,<digit> / … (ImageId counts from 1)
 *
 * Reading scans the file's bytes once and parses the numbers directly into one typed array (no
 * per-row or per-pixel strings), so a 42,000-row file takes well under a second. Pixels are scaled
 * to [0, 1] (x = pixel/255) like loadMnist. Every malformed row is reported with the file name and
 * line number (the header is line 1).
 */
import * as fs from "fs";
import { DType, Matrix, zeros } from "../core/matrix";
import { DataFormatError, readDataFile } from "./idx";
import type { Dataset } from "./mnist";

/** What a Kaggle CSV holds: the images X (n×784, scaled to [0, 1]) and, in the train layout, the labels y. */
export interface KaggleData {
  X: Matrix;
  /** The labels (train layout); undefined for the test layout. */
  y: Uint8Array | undefined;
  layout: "train" | "test";
}

export interface KaggleReadOptions {
  /** Element type of X (default float32). */
  dtype?: DType;
  /** Number of pixel columns (default 784). */
  pixels?: number;
  /** Require this layout (default: either, decided by the header). */
  expect?: "train" | "test";
  /** Read only the first `limit` rows. */
  limit?: number;
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const ZERO = 48;
const NINE = 57;

function decoder(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString("utf8");
}

function lineEnd(b: Uint8Array, from: number): number {
  let i = from;
  while (i < b.length && b[i] !== LF) i++;
  return i;
}

/** Parse the header, deciding the layout and checking every column name. */
function parseHeader(text: string, name: string, pixels: number, expect?: "train" | "test"): "train" | "test" {
  const cols = text.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
  const layout: "train" | "test" =
    cols[0] === "label" || (cols.length === pixels + 1 && cols[0] !== "pixel0") ? "train" : "test";
  const wanted: string[] = layout === "train" ? ["label"] : [];
  for (let j = 0; j < pixels; j++) wanted.push(`pixel${j}`);
  const show = (l: "train" | "test") =>
    l === "train" ? `label,pixel0,…,pixel${pixels - 1}` : `pixel0,…,pixel${pixels - 1}`;
  if (expect && expect !== layout) {
    throw new DataFormatError(
      `${name}: line 1: wrong header for the ${expect} layout: expected ${show(expect)}, got "${text.slice(0, 40)}${text.length > 40 ? "…" : ""}"`,
    );
  }
  for (let j = 0; j < Math.min(cols.length, wanted.length); j++) {
    if (cols[j] !== wanted[j]) {
      throw new DataFormatError(
        `${name}: line 1: wrong header: column ${j + 1} is "${cols[j]}", expected "${wanted[j]}" (the ${layout} layout is ${show(layout)})`,
      );
    }
  }
  if (cols.length !== wanted.length) {
    throw new DataFormatError(
      `${name}: line 1: wrong header: ${cols.length} columns, expected ${wanted.length} (${show(layout)})`,
    );
  }
  return layout;
}

/**
 * Parse the text (or bytes) of a Kaggle digit-recognizer CSV. `name` is the file name used in messages.
 * Train layout → X (n×784) and labels y; test layout → X and y undefined.
 */
export function parseKaggleCsv(input: Uint8Array | string, name: string, options: KaggleReadOptions = {}): KaggleData {
  const b: Buffer =
    typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(input.buffer, input.byteOffset, input.length);
  const pixels = options.pixels ?? 784;
  const dtype = options.dtype ?? "float32";
  let pos = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0; // skip a UTF-8 BOM
  if (pos >= b.length) throw new DataFormatError(`${name}: the file is empty (expected a header line)`);
  const end = lineEnd(b, pos);
  const headerText = decoder(b, pos, end > pos && b[end - 1] === CR ? end - 1 : end);
  const layout = parseHeader(headerText, name, pixels, options.expect);
  const hasLabel = layout === "train";
  const ncols = pixels + (hasLabel ? 1 : 0);
  pos = end + 1;

  // Count the lines after the header (a native memchr scan) to allocate X once.
  let bound = 0;
  for (let i = b.indexOf(LF, pos); i !== -1; i = b.indexOf(LF, i + 1)) bound++;
  if (pos < b.length && b[b.length - 1] !== LF) bound++;
  if (options.limit !== undefined) {
    if (!(Number.isInteger(options.limit) && options.limit >= 0))
      throw new RangeError(`readKaggleCsv: limit = ${options.limit} must be a non-negative integer`);
    bound = Math.min(bound, options.limit);
  }
  const X = zeros(bound, pixels, dtype);
  const x = X.data;
  const y = hasLabel ? new Uint8Array(bound) : undefined;
  const len = b.length;
  const first = hasLabel ? 1 : 0;

  const columnName = (c: number) => (hasLabel ? (c === 0 ? "label" : `pixel${c - 1}`) : `pixel${c}`);
  const columnsIn = (line: number, from: number) => {
    let k = 1;
    for (let i = from; i < len && b[i] !== LF; i++) if (b[i] === COMMA) k++;
    return new DataFormatError(
      `${name}: line ${line} has ${k} columns, expected ${ncols} (${hasLabel ? "label and " : ""}${pixels} pixels)`,
    );
  };

  let n = 0;
  let line = 1;
  let p = pos;
  while (p < len && n < bound) {
    line++;
    const rowStart = p;
    if (b[p] === LF || b[p] === CR) {
      // An empty line: allowed only at the end of the file.
      let rest = p;
      while (rest < len && (b[rest] === LF || b[rest] === CR)) rest++;
      if (rest >= len) break;
      throw new DataFormatError(`${name}: line ${line} is empty`);
    }
    const rowOff = n * pixels - first;
    for (let c = 0; c < ncols; c++) {
      // Fast path: an unsigned integer, then a comma or the end of the line.
      const start = p;
      let v = 0;
      let ch = p < len ? b[p] : LF;
      while (ch >= ZERO && ch <= NINE) {
        v = v * 10 + (ch - ZERO);
        ch = ++p < len ? b[p] : LF;
      }
      if (p === start || p - start > 6 || (ch !== COMMA && ch !== LF && ch !== CR)) {
        // Slow path: something other than plain digits; find the field and diagnose it.
        let q = start;
        while (q < len && b[q] !== COMMA && b[q] !== LF && b[q] !== CR) q++;
        const field = decoder(b, start, q);
        if (field.trim() === "") {
          if ((q >= len || b[q] !== COMMA) && c < ncols - 1) throw columnsIn(line, rowStart);
          throw new DataFormatError(`${name}: line ${line}, column ${c + 1} (${columnName(c)}) is empty`);
        }
        const num = Number(field);
        if (!Number.isFinite(num)) {
          throw new DataFormatError(
            `${name}: line ${line}, column ${c + 1} (${columnName(c)}): "${field}" is not a number`,
          );
        }
        v = num;
        p = q;
        ch = p < len ? b[p] : LF;
      }
      // The delimiter must match the column: a comma after every column but the last.
      if ((ch === COMMA) !== c < ncols - 1) throw columnsIn(line, rowStart);
      if (c < first) {
        if (!Number.isInteger(v)) throw new DataFormatError(`${name}: line ${line}: label ${v} is not an integer`);
        if (!(v >= 0 && v <= 9)) throw new DataFormatError(`${name}: line ${line}: label ${v} is outside 0–9`);
        y![n] = v;
      } else {
        if (!(Number.isInteger(v) && v >= 0 && v <= 255)) {
          const why = Number.isInteger(v) ? "is outside 0–255" : "is not an integer";
          throw new DataFormatError(
            `${name}: line ${line}, column ${c + 1} (${columnName(c)}): pixel value ${v} ${why}`,
          );
        }
        x[rowOff + c] = v / 255;
      }
      p++; // past the comma, or past the CR / LF ending the line
    }
    if (p < len && b[p - 1] === CR && b[p] === LF) p++; // CRLF
    n++;
  }
  if (n < bound) {
    // Trailing blank lines were counted as rows: keep the rows read.
    const X2 = new Matrix(n, pixels, X.data.slice(0, n * pixels));
    return { X: X2, y: y ? y.slice(0, n) : undefined, layout };
  }
  return { X, y, layout };
}

/** Read a Kaggle digit-recognizer CSV file (train or test layout, decided by its header). */
export function readKaggleCsv(file: string, options: KaggleReadOptions = {}): KaggleData {
  const { bytes, name } = readDataFile(file);
  return parseKaggleCsv(bytes, name, options);
}

/** Read a Kaggle CSV in the train layout (with labels) as a Dataset. */
export function readKaggleTrain(file: string, options: Omit<KaggleReadOptions, "expect"> = {}): Dataset {
  const r = readKaggleCsv(file, { ...options, expect: "train" });
  return { X: r.X, y: r.y! };
}

/** Read a Kaggle CSV in the test layout (no labels): the images X. */
export function readKaggleTest(file: string, options: Omit<KaggleReadOptions, "expect"> = {}): Matrix {
  return readKaggleCsv(file, { ...options, expect: "test" }).X;
}

const PIXEL_TEXT: string[] = Array.from({ length: 256 }, (_, i) => String(i));

/**
 * The Kaggle CSV text for images X (n×d, values in [0, 1], written as round(255·x)) and, for the
 * train layout, labels y (digits 0–9). Without y the test layout is written.
 */
export function formatKaggleCsv(data: { X: Matrix; y?: ArrayLike<number> }): string {
  const { X, y } = data;
  const d = X.cols;
  if (y && y.length !== X.rows) throw new RangeError(`formatKaggleCsv: X is ${X.shape} but y has ${y.length} labels`);
  const header: string[] = y ? ["label"] : [];
  for (let j = 0; j < d; j++) header.push(`pixel${j}`);
  const lines: string[] = [header.join(",")];
  const row: string[] = new Array(d + (y ? 1 : 0));
  for (let i = 0; i < X.rows; i++) {
    let k = 0;
    if (y) {
      const label = y[i];
      if (!(Number.isInteger(label) && label >= 0 && label <= 9))
        throw new RangeError(`formatKaggleCsv: label ${label} at index ${i} is outside 0–9`);
      row[k++] = PIXEL_TEXT[label];
    }
    for (let j = 0; j < d; j++) {
      const v = X.data[i * d + j];
      const p = Math.round(v * 255);
      if (!(p >= 0 && p <= 255)) {
        throw new RangeError(
          `formatKaggleCsv: X[${i}, ${j}] = ${v} is outside [0, 1] (the Kaggle layout stores pixels 0–255 as round(255·x))`,
        );
      }
      row[k++] = PIXEL_TEXT[p];
    }
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

/** Write images (and labels, for the train layout) as a Kaggle CSV file. */
export function writeKaggleCsv(file: string, data: { X: Matrix; y?: ArrayLike<number> }): void {
  fs.writeFileSync(file, formatKaggleCsv(data));
}

/** The submission text: "ImageId,Label" then one line "i,ŷ_i" per prediction, ImageId counting from 1. */
export function formatSubmission(predictions: ArrayLike<number>): string {
  const lines: string[] = ["ImageId,Label"];
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i];
    if (!(Number.isInteger(p) && p >= 0 && p <= 9))
      throw new RangeError(`formatSubmission: prediction ${p} at index ${i} is not a digit 0–9`);
    lines.push(`${i + 1},${p}`);
  }
  return lines.join("\n") + "\n";
}

/** Write a Kaggle submission file (ImageId,Label). */
export function writeSubmission(file: string, predictions: ArrayLike<number>): void {
  fs.writeFileSync(file, formatSubmission(predictions));
}

/** Parse a submission (ImageId,Label; ImageIds 1, 2, … in order) back into the predicted labels. */
export function parseSubmission(text: string, name: string): Uint8Array {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  while (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  if (lines[0].trim() !== "ImageId,Label")
    throw new DataFormatError(`${name}: line 1: wrong header "${lines[0]}", expected "ImageId,Label"`);
  const out = new Uint8Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(",");
    if (f.length !== 2)
      throw new DataFormatError(`${name}: line ${i + 1} has ${f.length} columns, expected 2 (ImageId,Label)`);
    const id = Number(f[0]);
    const label = Number(f[1]);
    if (f[0].trim() === "" || id !== i)
      throw new DataFormatError(`${name}: line ${i + 1}: ImageId "${f[0]}", expected ${i}`);
    if (f[1].trim() === "" || !(Number.isInteger(label) && label >= 0 && label <= 9)) {
      throw new DataFormatError(`${name}: line ${i + 1}: label "${f[1]}" is not a digit 0–9`);
    }
    out[i - 1] = label;
  }
  return out;
}

/** Read a submission file back (see parseSubmission). */
export function readSubmission(file: string): Uint8Array {
  const { bytes, name } = readDataFile(file);
  return parseSubmission(Buffer.from(bytes).toString("utf8"), name);
}
