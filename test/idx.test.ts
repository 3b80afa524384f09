import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import {
  DataFormatError,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  IdxType,
  describeIdxHeader,
  encodeIdx,
  idxImages,
  idxLabels,
  parseIdx,
  parseIdxImages,
  parseIdxLabels,
  readIdx,
  writeIdx,
} from "../src/data/idx";
import { mnistDataDir } from "../src/data/mnist";

const dir = mnistDataDir();

/** IDX bytes built by hand (independently of encodeIdx): header 00 00 type D, dims big-endian, then data bytes. */
function handIdx(type: number, dims: number[], payload: number[]): Uint8Array {
  const out: number[] = [0, 0, type, dims.length];
  for (const d of dims) out.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...out, ...payload]);
}

test("the real MNIST label and image files have the documented headers", () => {
  const labels = readIdx(path.join(dir, "train-labels-idx1-ubyte"));
  assert.equal(labels.magic, 0x00000801);
  assert.equal(labels.type, "ubyte");
  assert.deepEqual(labels.dims, [60000]);
  assert.equal(labels.data.length, 60000);
  assert.equal(labels.gzipped, false);
  assert.equal(labels.data[0], 5); // the first training digit is a 5

  const images = readIdx(path.join(dir, "t10k-images-idx3-ubyte"));
  assert.equal(images.magic, 0x00000803);
  assert.deepEqual(images.dims, [10000, 28, 28]);
  // 10000 = 0x2710, 28 = 0x1c
  assert.deepEqual(Array.from(images.header), [0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 0x1c, 0, 0, 0, 0x1c]);
  const rows = describeIdxHeader(images);
  assert.deepEqual(
    rows.map((r) => r.offset),
    [0, 2, 3, 4, 8, 12],
  );
  assert.equal(rows[1].bytes, "08");
  assert.equal(rows[3].bytes, "00 00 27 10");
  assert.equal(rows[3].value, "10000");
  assert.equal(rows[5].value, "28");
});

test("idxLabels / idxImages return the labels and pixel bytes", () => {
  const y = idxLabels(path.join(dir, "t10k-labels-idx1-ubyte"));
  assert.equal(y.length, 10000);
  assert.equal(y[0], 7); // the first test digit is a 7
  const img = idxImages(path.join(dir, "t10k-images-idx3-ubyte"));
  assert.equal(img.n, 10000);
  assert.equal(img.rows * img.cols, 784);
  assert.equal(img.pixels.length, 10000 * 784);
  let max = 0;
  for (let i = 0; i < 784; i++) max = Math.max(max, img.pixels[i]);
  assert.ok(max > 200, "the first test image has bright pixels");
});

test("parseIdx reads a hand-built file of each element type", () => {
  const u = parseIdx(handIdx(0x08, [2, 3], [1, 2, 3, 250, 251, 252]), "u");
  assert.equal(u.magic, 0x00000802);
  assert.deepEqual(u.dims, [2, 3]);
  assert.deepEqual(Array.from(u.data), [1, 2, 3, 250, 251, 252]);

  const s = parseIdx(handIdx(0x09, [2], [0xff, 0x05]), "s");
  assert.deepEqual(Array.from(s.data), [-1, 5]);

  // int16 big-endian: 0x0102 = 258, 0xfffe = -2
  const i16 = parseIdx(handIdx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe]), "i16");
  assert.equal(i16.type, "int16");
  assert.deepEqual(Array.from(i16.data), [258, -2]);

  // float32 big-endian: 0x3fc00000 = 1.5
  const f32 = parseIdx(handIdx(0x0d, [1], [0x3f, 0xc0, 0, 0]), "f32");
  assert.deepEqual(Array.from(f32.data), [1.5]);
});

test("encodeIdx then parseIdx gives back dims and data for every type", () => {
  const cases: [IdxType, number[]][] = [
    ["ubyte", [0, 1, 128, 255, 7, 9]],
    ["sbyte", [-128, -1, 0, 1, 127, 5]],
    ["int16", [-32768, -1, 0, 1, 32767, 300]],
    ["int32", [-2147483648, -1, 0, 1, 2147483647, 70000]],
    ["float32", [-1.5, 0, 0.25, 3, 1e10, -2]],
    ["float64", [-Math.PI, 0, Math.E, 1e-300, 1e300, -0.1]],
  ];
  for (const [type, values] of cases) {
    const idx = parseIdx(encodeIdx([3, 2], values, type), `x.${type}`);
    assert.equal(idx.type, type);
    assert.deepEqual(idx.dims, [3, 2]);
    assert.deepEqual(Array.from(idx.data), values, type);
  }
  // Bytes that sit at an offset inside a larger buffer (as Node's Buffers often do).
  const inner = encodeIdx([2], [-300, 7], "int16");
  const padded = new Uint8Array(inner.length + 3);
  padded.set(inner, 3);
  assert.deepEqual(Array.from(parseIdx(padded.subarray(3), "offset").data), [-300, 7]);
  const innerU = encodeIdx([3], [9, 8, 7]);
  const paddedU = new Uint8Array(innerU.length + 5);
  paddedU.set(innerU, 5);
  assert.deepEqual(Array.from(parseIdx(paddedU.subarray(5), "offset-u").data), [9, 8, 7]);
  assert.throws(() => encodeIdx([2], [1, 256]), /value 256 at index 1 is not a ubyte/);
  assert.throws(() => encodeIdx([3], [1, 2]), /need 3 numbers, got 2/);
});

test("gzip round trip: a gzipped file parses to the same data, in memory and on disk", () => {
  const bytes = encodeIdx(
    [4, 2, 2],
    Array.from({ length: 16 }, (_, i) => i * 16),
  );
  const gz = zlib.gzipSync(bytes);
  assert.equal(gz[0], 0x1f);
  assert.equal(gz[1], 0x8b);
  const a = parseIdx(bytes, "plain");
  const b = parseIdx(gz, "packed");
  assert.equal(a.gzipped, false);
  assert.equal(b.gzipped, true);
  assert.deepEqual(b.dims, a.dims);
  assert.deepEqual(Array.from(b.data), Array.from(a.data));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idx-"));
  try {
    const file = path.join(tmp, "x-images-idx3-ubyte.gz");
    writeIdx(file, [4, 2, 2], a.data, { gzip: true });
    const c = readIdx(file);
    assert.equal(c.gzipped, true);
    assert.equal(c.name, "x-images-idx3-ubyte.gz");
    assert.deepEqual(Array.from(c.data), Array.from(a.data));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("corrupt files are rejected with a message naming the file and the problem", () => {
  const good = encodeIdx([3, 2, 2], new Array(12).fill(1));

  // Wrong magic: not 00 00 at the start.
  const badMagic = good.slice();
  badMagic[0] = 0x12;
  assert.throws(
    () => parseIdx(badMagic, "bad-images"),
    (e: Error) => e instanceof DataFormatError && /^bad-images: wrong magic number 0x12000803/.test(e.message),
  );
  // Wrong magic: unknown type code.
  const badType = good.slice();
  badType[2] = 0x07;
  assert.throws(() => parseIdx(badType, "t-images"), /^DataFormatError: t-images: wrong magic number 0x00000703/);
  // A label file where images are expected, and the other way round.
  const labels = encodeIdx([3], [1, 2, 3]);
  assert.throws(
    () => parseIdxImages(labels, "swapped"),
    /^DataFormatError: swapped: wrong magic number 0x00000801 for an image file, expected 0x00000803/,
  );
  assert.throws(
    () => parseIdxLabels(good, "swapped2"),
    /^DataFormatError: swapped2: wrong magic number 0x00000803 for a label file, expected 0x00000801/,
  );

  // Truncated data: the last 5 pixel bytes missing.
  assert.throws(
    () => parseIdx(good.subarray(0, good.length - 5), "short-images"),
    /^DataFormatError: short-images: truncated data: the header's dimensions 3×2×2 need 12 bytes of ubyte data but only 7 follow/,
  );
  // Truncated header.
  assert.throws(
    () => parseIdx(good.subarray(0, 9), "stub"),
    /^DataFormatError: stub: truncated header: 3 dimensions need 16 header bytes but the file has 9/,
  );
  assert.throws(() => parseIdx(good.subarray(0, 2), "tiny"), /^DataFormatError: tiny: truncated: 2 bytes/);
  // Header dims not matching the byte count (extra bytes).
  const extra = Uint8Array.from([...good, 0, 0, 0]);
  assert.throws(
    () => parseIdx(extra, "long-images"),
    /^DataFormatError: long-images: .*need 12 bytes .* but 15 follow the header \(3 extra\): dimensions do not match the byte count/,
  );
  // Corrupt gzip.
  const gz = zlib.gzipSync(good);
  assert.throws(
    () => parseIdx(gz.subarray(0, gz.length - 10), "cut.gz"),
    /^DataFormatError: cut\.gz: the file is gzipped but could not be unpacked/,
  );

  // Labels outside 0–9.
  const y = new Array(400).fill(3);
  y[345] = 12;
  assert.throws(
    () => parseIdxLabels(encodeIdx([400], y), "train-labels-idx1-ubyte"),
    (e: Error) => e.message === "train-labels-idx1-ubyte: label 12 at index 345 is outside 0–9",
  );
  assert.throws(
    () => parseIdxLabels(encodeIdx([4], [0, 9, 10, 1]), "l"),
    /^DataFormatError: l: label 10 at index 2 is outside 0–9$/,
  );
  // With fewer classes the bound moves.
  assert.throws(() => parseIdxLabels(encodeIdx([2], [0, 2]), "l2", 2), /label 2 at index 1 is outside 0–1/);
});

test("readIdx names the file when it cannot be read or is corrupt on disk", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idx-"));
  try {
    assert.throws(
      () => readIdx(path.join(tmp, "missing-idx1-ubyte")),
      /^DataFormatError: missing-idx1-ubyte: cannot read .*ENOENT/,
    );
    const file = path.join(tmp, "broken-labels-idx1-ubyte");
    fs.writeFileSync(file, encodeIdx([5], [1, 2, 3, 4, 5]).subarray(0, 10));
    assert.throws(() => readIdx(file), /^DataFormatError: broken-labels-idx1-ubyte: truncated data/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  assert.equal(IDX_LABELS_MAGIC, 0x801);
  assert.equal(IDX_IMAGES_MAGIC, 0x803);
});

/**
 * A gzip file whose content is `header` followed by `zeroMB` megabytes of zeros, built without ever
 * holding the zeros: one 1 MB block of zeros is deflated once (sync-flushed, so it ends on a byte
 * boundary and refers to nothing before it) and repeated; the trailer's CRC-32 and size are computed
 * incrementally. About 1 KB of gzip per MB of zeros.
 */
function gzipBomb(header: Uint8Array, zeroMB: number): Buffer {
  const mb = Buffer.alloc(1 << 20);
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), zlib.deflateRawSync(header, flush)];
  const block = zlib.deflateRawSync(mb, { ...flush, level: 9 });
  let crc = zlib.crc32(header);
  for (let i = 0; i < zeroMB; i++) {
    parts.push(block);
    crc = zlib.crc32(mb, crc);
  }
  parts.push(zlib.deflateRawSync(Buffer.alloc(0))); // the final (empty) block
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((header.length + zeroMB * (1 << 20)) % 2 ** 32, 4);
  parts.push(trailer);
  return Buffer.concat(parts);
}

test("a gzip bomb (a header claiming 10 images, then 512 MB of zeros) is refused fast, without unpacking it", () => {
  const header = handIdx(0x08, [10, 28, 28], []);
  const small = gzipBomb(header, 2);
  assert.equal(zlib.gunzipSync(small).length, 16 + 2 * (1 << 20)); // the construction is a valid gzip file
  const bomb = gzipBomb(header, 512);
  assert.ok(bomb.length < 1024 * 1024, `the bomb is ${bomb.length} bytes`);

  const before = process.memoryUsage();
  const t0 = Date.now();
  assert.throws(
    () => parseIdx(bomb, "bomb-images-idx3-ubyte.gz"),
    (e: Error) =>
      e instanceof DataFormatError &&
      /^bomb-images-idx3-ubyte\.gz: the header's dimensions 10×28×28 need 7856 bytes \(16 header \+ 7840 ubyte data\), but the gzipped file \(\d+ bytes\) unpacks to more than 73392; stopped unpacking there/.test(
        e.message,
      ),
  );
  const ms = Date.now() - t0;
  const after = process.memoryUsage();
  const grown = after.rss - before.rss + (after.arrayBuffers - before.arrayBuffers);
  assert.ok(ms < 500, `refusing the bomb took ${ms} ms`);
  assert.ok(grown < 64 * 1024 * 1024, `memory grew by ${(grown / 1e6).toFixed(0)} MB`);
});

test("gzipped files: the header's size is enforced with a little slack, wrong headers named without unpacking", () => {
  const header = handIdx(0x08, [10, 28, 28], []);
  const legit = zlib.gzipSync(Buffer.concat([Buffer.from(header), Buffer.alloc(7840, 3)]));
  const ok = parseIdx(legit, "ok.gz");
  assert.deepEqual(ok.dims, [10, 28, 28]);
  assert.equal(ok.data.length, 7840);
  assert.equal(ok.data[7839], 3);
  // A few bytes too many are still reported as extra bytes.
  const long = zlib.gzipSync(Buffer.concat([Buffer.from(header), Buffer.alloc(7840 + 100)]));
  assert.throws(
    () => parseIdx(long, "long.gz"),
    /^DataFormatError: long\.gz: .* but 7940 follow the header \(100 extra\)/,
  );
  // A wrong magic number is named, however much the file would unpack to.
  const wrong = gzipBomb(Uint8Array.from([0x12, 0, 8, 3]), 64);
  assert.throws(() => parseIdx(wrong, "wrong.gz"), /^DataFormatError: wrong\.gz: wrong magic number 0x12000803/);
  // The real (gzipped) Fashion-MNIST files, when installed, still load.
  const fashion = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
  if (fs.existsSync(fashion)) assert.deepEqual(readIdx(fashion).dims, [10000]);
});

test("an uncompressed file far longer than its header says is refused before it is read", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idx-"));
  try {
    const file = path.join(tmp, "long-images-idx3-ubyte");
    fs.writeFileSync(file, handIdx(0x08, [10, 28, 28], []));
    fs.truncateSync(file, 256 * 1024 * 1024); // a sparse 256 MB file: zeros after the header
    const t0 = Date.now();
    assert.throws(
      () => readIdx(file),
      (e: Error) =>
        e instanceof DataFormatError &&
        /^long-images-idx3-ubyte: the header's dimensions 10×28×28 need 7856 bytes .* but the file has 268435456 bytes \(268427600 extra\); not read/.test(
          e.message,
        ),
    );
    assert.ok(Date.now() - t0 < 200, "refused without reading the file");
    // A little extra is still parsed and reported as before.
    fs.truncateSync(file, 7856 + 3);
    assert.throws(() => readIdx(file), /need 7840 bytes of ubyte data but 7843 follow the header \(3 extra\)/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
