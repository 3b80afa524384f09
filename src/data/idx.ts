/**
 * The IDX file format (the format MNIST is distributed in), read and written by hand.
 *
 * An IDX file is a header followed by raw numbers, all big-endian:
 *
 *   bytes 0–1   0x00 0x00
 *   byte  2     type code: 0x08 ubyte, 0x09 sbyte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3     number of dimensions D
 *   bytes 4…    D dimension sizes, 4 bytes each (big-endian unsigned)
 *   then        d₁·d₂·…·d_D numbers of the given type, last index fastest (row-major)
 *
 * So the magic number (bytes 0–3 read as one big-endian integer) is 0x00000801 for MNIST's labels
 * (ubyte, 1 dimension) and 0x00000803 for its images (ubyte, 3 dimensions: n × 28 × 28).
 * A file may be gzipped (it then starts with the bytes 1f 8b); it is unpacked header first, and
 * unpacking stops a little beyond the size the header's dimensions imply.
 *
 * Every error names the file and the problem: "train-labels-idx1-ubyte: label 12 at index 345 is outside 0–9".
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";

/** A malformed data file (IDX or CSV); the message names the file and the problem. */
export class DataFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataFormatError";
  }
}

/**
 * The bytes of a data file and its base name (for messages); a missing or unreadable file is a DataFormatError naming
 * it.
 */
export function readDataFile(file: string, into?: (n: number) => Uint8Array): { bytes: Uint8Array; name: string } {
  const name = path.basename(file);
  try {
    return { bytes: into ? readWhole(file, into) : fs.readFileSync(file), name };
  } catch (e) {
    throw new DataFormatError(
      `${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

export type IdxType = "ubyte" | "sbyte" | "int16" | "int32" | "float32" | "float64";
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** Type code (byte 2 of the header) → element type and size in bytes. */
const TYPES: { [code: number]: { type: IdxType; size: number } } = {
  0x08: { type: "ubyte", size: 1 },
  0x09: { type: "sbyte", size: 1 },
  0x0b: { type: "int16", size: 2 },
  0x0c: { type: "int32", size: 4 },
  0x0d: { type: "float32", size: 4 },
  0x0e: { type: "float64", size: 8 },
};

function typeCode(type: IdxType): number {
  for (const k of Object.keys(TYPES)) if (TYPES[Number(k)].type === type) return Number(k);
  throw new Error(`IDX: unknown element type "${type}"`);
}

/** A parsed IDX file. */
export interface Idx {
  /** The file name used in messages. */
  name: string;
  /** Bytes 0–3 as a big-endian integer: 0x00000801 for labels, 0x00000803 for images. */
  magic: number;
  /** Element type, from byte 2 of the header. */
  type: IdxType;
  /** The dimension sizes d₁ … d_D from the header, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The header bytes themselves (4 + 4·D of them), to show byte by byte. */
  header: Uint8Array;
  /** The d₁·…·d_D numbers in row-major order (for ubyte a view into the file's bytes, no copy). */
  data: IdxData;
  /** Whether the file was gzipped. */
  gzipped: boolean;
}

/** True when the bytes start with the gzip signature 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Unpack gzip bytes (if they are gzip; otherwise return them unchanged), refusing more than `maxBytes` of output. */
export function gunzipIfNeeded(bytes: Uint8Array, name: string, maxBytes?: number): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return zlib.gunzipSync(bytes, maxBytes === undefined ? {} : { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" && maxBytes !== undefined) {
      throw new DataFormatError(
        `${name}: the gzipped file (${bytes.length} bytes) unpacks to more than ${maxBytes} bytes; stopped unpacking there`,
      );
    }
    throw new DataFormatError(
      `${name}: the file is gzipped but could not be unpacked (${(e as Error).message}); it may be truncated or corrupt`,
    );
  }
}

/** Largest IDX header: 4 bytes, then 4 per dimension, at most 255 dimensions. */
const MAX_IDX_HEADER = 4 + 4 * 255;
/**
 * Bytes beyond the header-implied size that a gzipped IDX file may unpack to before unpacking stops (they are then
 * reported as extra).
 */
const GZIP_SLACK = 64 * 1024;

/**
 * The first bytes of a gzip stream's content, at least `want` of them when the content has that
 * many: unpacks a growing prefix of the compressed bytes (1 KB, 2 KB, …) without waiting for the
 * end of the stream, so only about a thousand times the prefix is ever unpacked.
 */
function gunzipPrefix(bytes: Uint8Array, want: number): Uint8Array {
  for (let take = 1024; ; take *= 2) {
    const part = bytes.subarray(0, Math.min(take, bytes.length));
    let out: Uint8Array;
    try {
      out = zlib.gunzipSync(part, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      out = new Uint8Array(0); // corrupt: let the full unpacking report it
    }
    if (out.length >= want || part.length === bytes.length) return out;
  }
}

/**
 * The IDX content of gzipped bytes, unpacked header first: the header's dimensions say how many
 * bytes the file must unpack to (header + d₁·…·d_D·element size), and unpacking stops a little
 * beyond that, so a small file that would unpack to gigabytes (a "gzip bomb") fails fast with a
 * message naming the sizes instead of filling memory.
 */
function gunzipIdx(bytes: Uint8Array, name: string): Uint8Array {
  const head = gunzipPrefix(bytes, MAX_IDX_HEADER);
  const promise = headerPromise(head);
  if (promise === "bad magic") return head; // parseIdx names it
  if (promise === "short") {
    // Shorter than its header: unpack what there is (little) so that parseIdx, or gzip, says what is wrong.
    return gunzipIfNeeded(bytes, name, MAX_IDX_HEADER + GZIP_SLACK);
  }
  const { dims, type, headerLength, expected } = promise;
  const limit = expected + GZIP_SLACK;
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new DataFormatError(
        `${name}: the header's dimensions ${dims.join("×")} need ${expected} bytes (${headerLength} header + ${expected - headerLength} ${type} data), but the gzipped file (${bytes.length} bytes) unpacks to more than ${limit}; stopped unpacking there (the file is corrupt or not what its header says)`,
      );
    }
    if (e instanceof RangeError) {
      throw new DataFormatError(
        `${name}: the header's dimensions ${dims.join("×")} need ${expected} bytes, more than this program can hold in memory (${e.message})`,
      );
    }
    throw new DataFormatError(
      `${name}: the file is gzipped but could not be unpacked (${(e as Error).message}); it may be truncated or corrupt`,
    );
  }
}

/**
 * What the header at the start of `head` promises: the dimensions, the element type, the header's
 * length and the whole (unpacked) file's size = header + d₁·…·d_D·element size; "bad magic" when
 * the first 4 bytes are not an IDX magic number, "short" when `head` ends inside the header.
 */
function headerPromise(
  head: Uint8Array,
): { dims: number[]; type: IdxType; headerLength: number; expected: number } | "bad magic" | "short" {
  if (head.length < 4) return "short";
  const info = TYPES[head[2]];
  const D = head[3];
  if (head[0] !== 0 || head[1] !== 0 || !info || D === 0) return "bad magic";
  const headerLength = 4 + 4 * D;
  if (head.length < headerLength) return "short";
  const dims: number[] = [];
  for (let i = 0; i < D; i++) dims.push(readU32BE(head, 4 + 4 * i));
  return { dims, type: info.type, headerLength, expected: headerLength + dims.reduce((a, d) => a * d, 1) * info.size };
}

/** A whole file read into into(size) (the size fstat gives; a file that changes size meanwhile is an error). */
function readWhole(file: string, into: (n: number) => Uint8Array): Uint8Array {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const buf = into(size);
    let got = 0;
    for (let n = 1; got < size && n > 0; got += n) n = fs.readSync(fd, buf, got, size - got, got);
    if (got !== size) throw new Error(`read ${got} of ${size} bytes (the file changed while it was read)`);
    return buf;
  } finally {
    fs.closeSync(fd);
  }
}

/** The first `n` bytes of a file (fewer if it is shorter). */
function readStart(file: string, n: number): Uint8Array {
  const fd = fs.openSync(file, "r");
  try {
    const buf = new Uint8Array(n);
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

function hex(x: number, digits: number): string {
  return "0x" + x.toString(16).padStart(digits, "0");
}

function readU32BE(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

/**
 * Parse the bytes of an IDX file (gzipped or not). `name` is the file name used in error messages.
 * Checks: the two zero bytes, a known type code, a complete header, and that d₁·…·d_D elements
 * fill the rest of the file exactly.
 */
export function parseIdx(bytesIn: Uint8Array, name: string): Idx {
  const gzipped = isGzip(bytesIn);
  const bytes = gzipped ? gunzipIdx(bytesIn, name) : bytesIn;
  if (bytes.length < 4) {
    throw new DataFormatError(
      `${name}: truncated: ${bytes.length} bytes is too short for an IDX header (at least 4 bytes)`,
    );
  }
  const magic = readU32BE(bytes, 0);
  const info = TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !info) {
    throw new DataFormatError(
      `${name}: wrong magic number ${hex(magic, 8)}: an IDX file starts with 00 00, a type code (08 ubyte, 09 sbyte, 0b int16, 0c int32, 0d float32, 0e float64) and the number of dimensions, e.g. 0x00000803 for images`,
    );
  }
  const D = bytes[3];
  if (D === 0) throw new DataFormatError(`${name}: magic number ${hex(magic, 8)} declares 0 dimensions`);
  const headerLength = 4 + 4 * D;
  if (bytes.length < headerLength) {
    throw new DataFormatError(
      `${name}: truncated header: ${D} dimensions need ${headerLength} header bytes but the file has ${bytes.length}`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < D; i++) dims.push(readU32BE(bytes, 4 + 4 * i));
  let count = 1;
  for (const d of dims) count *= d;
  const expected = count * info.size;
  const actual = bytes.length - headerLength;
  if (actual < expected) {
    throw new DataFormatError(
      `${name}: truncated data: the header's dimensions ${dims.join("×")} need ${expected} bytes of ${info.type} data but only ${actual} follow the header`,
    );
  }
  if (actual > expected) {
    throw new DataFormatError(
      `${name}: the header's dimensions ${dims.join("×")} need ${expected} bytes of ${info.type} data but ${actual} follow the header (${actual - expected} extra): dimensions do not match the byte count`,
    );
  }
  const header = bytes.slice(0, headerLength);
  const offset = bytes.byteOffset + headerLength;
  let data: IdxData;
  if (info.type === "ubyte") data = new Uint8Array(bytes.buffer, offset, count);
  else if (info.type === "sbyte") data = new Int8Array(bytes.buffer, offset, count);
  else {
    // Multi-byte elements are big-endian: decode through a DataView.
    const view = new DataView(bytes.buffer, offset, expected);
    const s = info.size;
    if (info.type === "int16") {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(i * s, false);
      data = a;
    } else if (info.type === "int32") {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(i * s, false);
      data = a;
    } else if (info.type === "float32") {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(i * s, false);
      data = a;
    } else {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(i * s, false);
      data = a;
    }
  }
  return { name, magic, type: info.type, dims, header, data, gzipped };
}

/**
 * Read and parse an IDX file from disk (gzipped or not); errors name the file. With `into`, an uncompressed
 * file is read into into(file size), and ubyte data is a view of that array (no other copy of the file).
 */
export function readIdx(file: string, into?: (n: number) => Uint8Array): Idx {
  // An uncompressed file far longer than its header says is refused before it is read into memory.
  const name = path.basename(file);
  let size = -1;
  let head: Uint8Array = new Uint8Array(0);
  try {
    size = fs.statSync(file).size;
    head = readStart(file, MAX_IDX_HEADER);
  } catch {
    /* readDataFile names the problem */
  }
  const promise = isGzip(head) ? null : headerPromise(head);
  if (promise && typeof promise === "object" && size > promise.expected + GZIP_SLACK) {
    throw new DataFormatError(
      `${name}: the header's dimensions ${promise.dims.join("×")} need ${promise.expected} bytes (${promise.headerLength} header + ${promise.expected - promise.headerLength} ${promise.type} data), but the file has ${size} bytes (${size - promise.expected} extra); not read (the file is corrupt or not what its header says)`,
    );
  }
  const { bytes } = readDataFile(file, isGzip(head) ? undefined : into);
  return parseIdx(bytes, name);
}

/** Magic number of an MNIST label file: ubyte, 1 dimension (n). */
export const IDX_LABELS_MAGIC = 0x00000801;
/** Magic number of an MNIST image file: ubyte, 3 dimensions (n × rows × cols). */
export const IDX_IMAGES_MAGIC = 0x00000803;

function source(file: string | Idx): Idx {
  return typeof file === "string" ? readIdx(file) : file;
}

/**
 * The labels y (length n) of an MNIST-style label file (magic 0x00000801), each checked to lie in
 * 0 … classes−1. Takes a path or an already parsed Idx.
 */
export function idxLabels(file: string | Idx, classes = 10): Uint8Array {
  const idx = source(file);
  if (idx.magic !== IDX_LABELS_MAGIC) {
    throw new DataFormatError(
      `${idx.name}: wrong magic number ${hex(idx.magic, 8)} for a label file, expected 0x00000801 (ubyte, 1 dimension)`,
    );
  }
  const y = idx.data as Uint8Array;
  for (let i = 0; i < y.length; i++) {
    if (y[i] >= classes)
      throw new DataFormatError(`${idx.name}: label ${y[i]} at index ${i} is outside 0–${classes - 1}`);
  }
  return y.slice(); // an independent copy, not a view into the file's buffer
}

/** The images of an MNIST-style image file (magic 0x00000803): n, rows, cols and the n·rows·cols pixel bytes 0–255. */
export function idxImages(file: string | Idx): { n: number; rows: number; cols: number; pixels: Uint8Array } {
  const idx = source(file);
  if (idx.magic !== IDX_IMAGES_MAGIC) {
    throw new DataFormatError(
      `${idx.name}: wrong magic number ${hex(idx.magic, 8)} for an image file, expected 0x00000803 (ubyte, 3 dimensions)`,
    );
  }
  const [n, rows, cols] = idx.dims;
  return { n, rows, cols, pixels: idx.data as Uint8Array };
}

/** Parse label bytes (see idxLabels). */
export function parseIdxLabels(bytes: Uint8Array, name: string, classes = 10): Uint8Array {
  return idxLabels(parseIdx(bytes, name), classes);
}

/** Parse image bytes (see idxImages). */
export function parseIdxImages(
  bytes: Uint8Array,
  name: string,
): { n: number; rows: number; cols: number; pixels: Uint8Array } {
  return idxImages(parseIdx(bytes, name));
}

/** One row of a byte-by-byte description of an IDX header. */
export interface IdxHeaderField {
  /** Byte offset in the (unpacked) file. */
  offset: number;
  /** The bytes in hex, e.g. "00 00 ea 60". */
  bytes: string;
  /** What the bytes are. */
  field: string;
  /** What they mean. */
  value: string;
}

function hexBytes(b: Uint8Array, from: number, to: number): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) parts.push(b[i].toString(16).padStart(2, "0"));
  return parts.join(" ");
}

/** The header of an IDX file explained field by field (for a table in a notebook). */
export function describeIdxHeader(idx: Idx): IdxHeaderField[] {
  const h = idx.header;
  const D = idx.dims.length;
  const rows: IdxHeaderField[] = [
    { offset: 0, bytes: hexBytes(h, 0, 2), field: "zero bytes", value: "always 0" },
    { offset: 2, bytes: hexBytes(h, 2, 3), field: "type code", value: `${hex(h[2], 2)} = ${idx.type}` },
    { offset: 3, bytes: hexBytes(h, 3, 4), field: "number of dimensions", value: String(D) },
  ];
  for (let i = 0; i < D; i++) {
    rows.push({
      offset: 4 + 4 * i,
      bytes: hexBytes(h, 4 + 4 * i, 8 + 4 * i),
      field: `size of dimension ${i + 1}`,
      value: String(idx.dims[i]),
    });
  }
  return rows;
}

/** The bytes of an IDX file holding `data` with dimensions `dims` (elements of the given type, big-endian). */
export function encodeIdx(dims: number[], data: ArrayLike<number>, type: IdxType = "ubyte"): Uint8Array {
  const code = typeCode(type);
  const size = TYPES[code].size;
  let count = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff)
      throw new RangeError(`encodeIdx: dimension ${d} is not a 32-bit unsigned integer`);
    count *= d;
  }
  if (dims.length === 0 || dims.length > 255)
    throw new RangeError(`encodeIdx: needs 1–255 dimensions, got ${dims.length}`);
  if (data.length !== count)
    throw new RangeError(`encodeIdx: dimensions ${dims.join("×")} need ${count} numbers, got ${data.length}`);
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + count * size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (code << 8) | dims.length, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = headerLength + i * size;
    const v = data[i];
    if (type === "ubyte") {
      if (!(Number.isInteger(v) && v >= 0 && v <= 255))
        throw new RangeError(`encodeIdx: value ${v} at index ${i} is not a ubyte 0–255`);
      out[at] = v;
    } else if (type === "sbyte") view.setInt8(at, v);
    else if (type === "int16") view.setInt16(at, v, false);
    else if (type === "int32") view.setInt32(at, v, false);
    else if (type === "float32") view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

/** Write an IDX file (gzipped when `gzip` is true, as the .gz distributions are). */
export function writeIdx(
  file: string,
  dims: number[],
  data: ArrayLike<number>,
  options: { type?: IdxType; gzip?: boolean } = {},
): void {
  const bytes = encodeIdx(dims, data, options.type ?? "ubyte");
  fs.writeFileSync(file, options.gzip ? zlib.gzipSync(bytes, { level: 9 }) : bytes);
}
