// MNIST's pixels kept as bytes (src/core/pixelMatrix.ts): the same numbers as a float array of byte/255
// everywhere, read from the bytes on the paths a notebook and train() use (no float copy of the set), and
// a float view made once, and then authoritative, when something reads X.data.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as d from "../src/index";
import { copy, gatherRows, Matrix, ShapeError } from "../src/core/matrix";
import { PixelMatrix, pixelValue } from "../src/core/pixelMatrix";
import { assertFiniteMatrix } from "../src/core/finite";
import { loadMnist, meanImage, splitValidation, subset, takeFirst, centre } from "../src/data/mnist";
import { BatchLoader, gatherBatchReference } from "../src/engine/gatherBatch";
import { GatheredBatches } from "../src/training/batches";
import { allocBytes, setByteAllocator } from "../src/core/alloc";
import { defaultGemmKernel } from "../src/engine/wasmGemm";
import { residentByteAllocator } from "../src/engine/resident";

/** n×dim bytes from a seeded generator, with 0 and 255 present. */
function someBytes(n: number, dim: number, seed = 5): Uint8Array {
  const r = d.rng(seed);
  const b = new Uint8Array(n * dim);
  for (let k = 0; k < b.length; k++) b[k] = r.int(256);
  b[0] = 0;
  b[1] = 255;
  return b;
}

/** The float matrix loadMnist used to return: X[k] = byte/255 stored in the dtype's array. */
function floatsOf(bytes: Uint8Array, rows: number, cols: number, dtype: d.DType = "float32"): Matrix {
  const X = d.zeros(rows, cols, dtype);
  for (let k = 0; k < bytes.length; k++) X.data[k] = bytes[k] / 255;
  return X;
}

test("PixelMatrix: every byte reads as byte/255 rounded to the dtype, as a float array holds it", () => {
  const all = Uint8Array.from({ length: 256 }, (_, b) => b);
  for (const dtype of ["float32", "float64"] as const) {
    const P = new PixelMatrix(16, 16, all, dtype);
    const F = floatsOf(all, 16, 16, dtype);
    assert.equal(P.dtype, dtype);
    for (let b = 0; b < 256; b++) {
      assert.equal(P.get(b >> 4, b & 15), F.data[b], `byte ${b} (${dtype})`);
      assert.equal(pixelValue(b, dtype), F.data[b]);
    }
    assert.equal(P.isMaterialised(), false);
  }
  assert.equal(pixelValue(255), 1);
  assert.equal(pixelValue(0), 0);
});

test("PixelMatrix: get, row, rowBlock, gatherRows and copy read the bytes (no float copy of the whole)", () => {
  const rows = 37,
    cols = 11;
  const bytes = someBytes(rows, cols);
  const P = new PixelMatrix(rows, cols, bytes);
  const F = floatsOf(bytes, rows, cols);
  assert.deepEqual(Array.from(P.row(5)), Array.from(F.row(5)));
  assert.deepEqual(P.rowBlock(3, 7).toArrays(), F.rowBlock(3, 7).toArrays());
  const idx = [36, 0, 5, 5, 17];
  assert.deepEqual(gatherRows(P, idx).toArrays(), gatherRows(F, idx).toArrays());
  assert.equal(gatherRows(P, idx).dtype, "float32");
  assert.deepEqual(copy(P).toArrays(), F.toArrays());
  assert.deepEqual(copy(P, "float64").toArrays(), copy(F, "float64").toArrays());
  assertFiniteMatrix(P, "X", "test"); // bytes/255 are finite: nothing to screen
  assert.equal(P.isMaterialised(), false, "none of the above made the float array");
  // row is a copy: writing to it leaves X alone
  P.row(2)[0] = 42;
  assert.equal(P.get(2, 0), F.get(2, 0));
  assert.match(P.toString(), /37×11 float32 \(bytes\/255\)/);
});

test("PixelMatrix: X.data makes the float view once; from then on writes through it or set() are what X reads", () => {
  const bytes = someBytes(6, 4);
  const P = new PixelMatrix(6, 4, bytes);
  const F = floatsOf(bytes, 6, 4);
  const data = P.data;
  assert.ok(data instanceof Float32Array);
  assert.equal(P.isMaterialised(), true);
  assert.equal(P.data, data, "made once and kept");
  assert.deepEqual(Array.from(data), Array.from(F.data));
  assert.equal(P.floatsMatchBytes(), true);
  // a float op on the pixels works (the product of the float view)
  const W = d.randn(3, 4, d.rng(2), 1, "float32");
  assert.deepEqual(d.matmulNT(P, W).toArrays(), d.matmulNT(F, W).toArrays());
  // changes through data and set() are seen by get, row, rowBlock and the batch gather
  P.data[5] = -3;
  P.set(4, 3, 7);
  assert.equal(P.get(1, 1), -3);
  assert.equal(P.row(1)[1], -3);
  assert.equal(P.rowBlock(4, 1).get(0, 3), 7);
  assert.equal(gatherRows(P, [4]).get(0, 3), 7);
  assert.equal(P.floatsMatchBytes(0, 1), true);
  assert.equal(P.floatsMatchBytes(1, 2), false);
  assert.equal(P.floatsMatchBytes(), false);
  // set() on a fresh matrix makes the view too, and the rest keeps its values
  const Q = new PixelMatrix(6, 4, bytes.slice());
  Q.set(0, 0, 0.5);
  assert.equal(Q.get(0, 0), 0.5);
  assert.equal(Q.get(5, 3), F.get(5, 3));
});

test("PixelMatrix: bad input gets a clear error", () => {
  assert.throws(
    () => new PixelMatrix(2, 3, new Float32Array(6) as unknown as Uint8Array),
    /bytes must be a Uint8Array/,
  );
  assert.throws(() => new PixelMatrix(2, 3, new Uint8Array(5)), ShapeError);
  const P = new PixelMatrix(2, 3, new Uint8Array(6));
  assert.throws(() => P.row(2), /row 2 outside 0…1/);
  assert.throws(() => P.rowBlock(1, 2), /rows 1…2 are outside 0…1/);
  assert.throws(() => gatherRows(P, [0, 2]), /index 2 at position 1/);
});

test("loadMnist keeps the pixels as bytes; subset, takeFirst, splitValidation, meanImage and centre read them", () => {
  const { train, test: testSet } = loadMnist();
  assert.ok(train.X instanceof PixelMatrix && testSet.X instanceof PixelMatrix);
  const X = train.X as PixelMatrix;
  assert.equal(X.bytes.length, 60000 * 784);
  assert.equal(X.dtype, "float32");
  const firstF = floatsOf(X.bytes.subarray(0, 300 * 784), 300, 784);
  const first = takeFirst(train, 300);
  assert.ok(first.X instanceof PixelMatrix, "takeFirst keeps bytes");
  assert.deepEqual(copy(first.X).data, firstF.data);
  const some = subset(train, [299, 3, 150]);
  assert.ok(some.X instanceof PixelMatrix, "subset keeps bytes");
  assert.deepEqual(Array.from(some.X.row(0)), Array.from(firstF.row(299)));
  const split = splitValidation(first, 100, 7);
  assert.ok(split.train.X instanceof PixelMatrix && split.validation.X instanceof PixelMatrix);
  const mean = meanImage(first);
  const meanF = meanImage({ X: firstF, y: first.y });
  assert.deepEqual(Array.from(mean.data), Array.from(meanF.data));
  const c = centre(first, subset(train, [400, 401]));
  const cF = centre({ X: firstF, y: first.y }, { X: gatherRows(X, [400, 401]), y: train.y.subarray(400, 402) });
  assert.deepEqual(c.train.X.data, cF.train.X.data);
  assert.deepEqual(c.others[0].X.data, cF.others[0].X.data);
  assert.equal(X.isMaterialised(), false, "no float copy of the 60,000 images was made");
});

test("train() on byte pixels: the same run as on the float array, and no float copy of the set", async () => {
  const { train } = loadMnist();
  const ds = takeFirst(train, 3000);
  const P = ds.X as PixelMatrix;
  const F = copy(P);
  const run = async (X: Matrix) => {
    const net = new d.MLP({ sizes: [784, 32, 10], activations: ["relu"], init: "he", rng: d.rng(1) });
    const r = await d.train(
      net,
      { X, y: ds.y },
      {
        epochs: 1,
        batchSize: 64,
        optimizer: d.sgd(0.1),
        shuffle: true,
        rng: d.rng(2),
        evaluateAtStart: false,
        evaluate: { validation: { X: subset(ds, [0, 1, 2, 3]).X, y: ds.y.subarray(0, 4) } },
      },
    );
    return { loss: r.history.map((e) => e.loss), w: Array.from(net.params[0].value.data) };
  };
  const onBytes = await run(P);
  const onFloats = await run(F);
  assert.deepEqual(onBytes.loss, onFloats.loss);
  assert.deepEqual(onBytes.w, onFloats.w);
  assert.ok(onBytes.loss.every(Number.isFinite));
  assert.equal(P.isMaterialised(), false);
  assert.equal((train.X as PixelMatrix).isMaterialised(), false);
});

test("the engine's BatchLoader and the plain GatheredBatches gather byte pixels as the reference does", () => {
  const bytes = someBytes(500, 784, 9);
  const P = new PixelMatrix(500, 784, bytes);
  const y = Uint8Array.from({ length: 500 }, (_, i) => i % 10);
  const order = d.rng(4).permutation(500);
  const loader = new BatchLoader(P, y, 128);
  const plain = new GatheredBatches(P, y, 128);
  const refX = d.zeros(128, 784, "float32");
  const refY = new Uint8Array(128);
  for (let start = 0; start < 500; start += 128) {
    const count = Math.min(128, 500 - start);
    const got = loader.batch(order, start, count);
    const next = Math.min(128, 500 - start - count);
    loader.prefetch(order, start + count, next);
    const ref = gatherBatchReference(P, y, order, start, count, refX, refY);
    assert.deepEqual(got.X.toArrays(), ref.X.toArrays(), `BatchLoader, batch at ${start}`);
    assert.deepEqual(Array.from(got.y), Array.from(ref.y));
    assert.deepEqual(plain.batch(order, start, count).X.toArrays(), ref.X.toArrays(), `GatheredBatches at ${start}`);
  }
  loader.finish();
  assert.equal(P.isMaterialised(), false);
});

/** The float32 bits of a batch (bit-for-bit comparison: −0 and NaN patterns count). */
const bitsOf = (M: Matrix) => Array.from(new Uint32Array(M.data.buffer, M.data.byteOffset, M.data.length));

/**
 * Every batch of an epoch from BatchLoader (batch + prefetch, as train() runs it) against
 * gatherBatchReference, bit for bit; returns how many prefetches a worker did from the bytes.
 */
function loaderMatchesReference(P: PixelMatrix, B: number, seed: number): number {
  const e = defaultGemmKernel().engine;
  let async = 0;
  const original = e?.gatherRowsAsync;
  if (e && original)
    e.gatherRowsAsync = (src, ...rest) => {
      const started = original.call(e, src, ...rest);
      if (started && src instanceof Uint8Array) async++;
      return started;
    };
  try {
    const n = P.rows;
    const y = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
    const order = d.rng(seed).permutation(n);
    const loader = new BatchLoader(P, y, B);
    const refX = d.zeros(B, P.cols, "float32");
    const refY = new Uint8Array(B);
    for (let start = 0; start < n; start += B) {
      const count = Math.min(B, n - start);
      const got = loader.batch(order, start, count);
      loader.prefetch(order, start + count, Math.min(B, n - start - count));
      const ref = gatherBatchReference(P, y, order, start, count, refX, refY);
      assert.deepEqual(bitsOf(got.X), bitsOf(ref.X), `batch of ${B} at ${start} (d = ${P.cols})`);
      assert.deepEqual(Array.from(got.y), Array.from(ref.y));
    }
    loader.finish();
    assert.equal(P.isMaterialised(), false);
  } finally {
    if (e && original) delete (e as { gatherRowsAsync?: unknown }).gatherRowsAsync; // the prototype's again
  }
  return async;
}

/** n×dim bytes from allocBytes (resident with the engine); row i starts with (i + v) mod 256, v < 256 (all, if dim ≥ 256). */
function allocatedBytes(n: number, dim: number, seed: number): Uint8Array {
  const b = allocBytes(n * dim, "data");
  b.set(someBytes(n, dim, seed));
  for (let i = 0; i < n; i++) for (let v = 0; v < 256 && v < dim; v++) b[i * dim + v] = (i + v) & 255;
  return b;
}

test("a worker gathers resident byte pixels into float32 batches: the reference's numbers, bit for bit", () => {
  const e = defaultGemmKernel().engine;
  // with the engine, the core's byte allocator places data sets in the wasm memory (loadMnist's too)
  assert.ok(e, "this test needs the wasm engine");
  assert.ok(e.heap.residentBytesPtr(allocBytes(1000, "data")) >= 0, "allocBytes is resident with the engine");
  assert.ok(e.heap.residentBytesPtr((loadMnist().train.X as PixelMatrix).bytes) >= 0, "loadMnist's pixels resident");
  for (const [rows, cols, B] of [
    [1000, 784, 128],
    [1000, 784, 10],
    [333, 37, 50], // rows of 37 bytes: the kernel's tail after its 16-byte vectors; a last batch of 33
  ]) {
    const P = new PixelMatrix(rows, cols, allocatedBytes(rows, cols, rows + cols));
    const async = loaderMatchesReference(P, B, 3);
    const batches = Math.ceil(rows / B);
    if (e.requestedThreads >= 2) assert.equal(async, batches - 1, `every prefetch went to a worker (batch ${B})`);
  }
});

test("without the engine's byte allocator the bytes are plain and the caller converts them: same numbers", () => {
  setByteAllocator(null);
  try {
    const b = allocBytes(500 * 784, "data");
    assert.equal(defaultGemmKernel().engine?.heap.residentBytesPtr(b) ?? -1, -1, "a plain Uint8Array");
    b.set(someBytes(500, 784, 11));
    assert.equal(loaderMatchesReference(new PixelMatrix(500, 784, b), 128, 6), 0, "no worker gather from plain bytes");
    // a float64 PixelMatrix is never gathered by a worker (its batches are float64)
    const P64 = new PixelMatrix(300, 784, allocatedBytes(300, 784, 2), "float64");
    const y = new Uint8Array(300);
    const loader = new BatchLoader(P64, y, 64);
    const order = d.rng(1).permutation(300);
    loader.batch(order, 0, 64);
    loader.prefetch(order, 64, 64);
    const ref = gatherBatchReference(P64, y, order, 64, 64, d.zeros(64, 784, "float64"), new Uint8Array(64));
    assert.deepEqual(loader.batch(order, 64, 64).X.toArrays(), ref.X.toArrays());
    loader.finish();
  } finally {
    setByteAllocator(residentByteAllocator); // the engine's again
  }
});
