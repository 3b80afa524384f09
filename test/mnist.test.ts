import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Matrix, fromArrays } from "../src/core/matrix";
import { Rng } from "../src/core/random";
import { encodeIdx, idxImages, readIdx, writeIdx } from "../src/data/idx";
import {
  Dataset,
  centre,
  centreWith,
  classCounts,
  classSortedIndices,
  loadMnist,
  meanImage,
  mnistDataDir,
  mnistFiles,
  perClass,
  sortByClass,
  splitValidation,
  subset,
  takeFirst,
} from "../src/data/mnist";

/** A small data set whose first pixel is the example's id i (so rows can be traced), labels as given. */
function tagged(labels: number[], d = 3): Dataset {
  const rows = labels.map((_, i) => [i, ...Array.from({ length: d - 1 }, (_, j) => (i * 7 + j * 3) % 11)]);
  return { X: fromArrays(rows, "float64"), y: Uint8Array.from(labels) };
}
const ids = (ds: Dataset) => Array.from({ length: ds.X.rows }, (_, i) => ds.X.get(i, 0));

test("loadMnist: 60,000 / 10,000 images of 784 pixels in [0, 1] with the known first labels", () => {
  const { train, test: testSet } = loadMnist();
  assert.equal(train.X.rows, 60000);
  assert.equal(train.X.cols, 784);
  assert.equal(train.X.dtype, "float32");
  assert.equal(train.y.length, 60000);
  assert.equal(testSet.X.rows, 10000);
  assert.equal(testSet.X.cols, 784);
  assert.equal(testSet.y.length, 10000);
  assert.equal(train.y[0], 5);
  assert.equal(testSet.y[0], 7);

  const counts = classCounts(train);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    60000,
  );
  assert.equal(
    classCounts(testSet).reduce((a, b) => a + b, 0),
    10000,
  );
  for (let c = 0; c < 10; c++) assert.ok(counts[c] > 5000 && counts[c] < 7000, `class ${c}: ${counts[c]}`);
  assert.equal(counts[1], 6742); // the published count of 1s in MNIST's training set

  let min = Infinity;
  let max = -Infinity;
  for (const v of train.X.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  assert.equal(min, 0);
  assert.equal(max, 1);

  // Pixels are the IDX bytes divided by 255.
  const raw = idxImages(readIdx(path.join(mnistDataDir(), "train-images-idx3-ubyte")));
  for (const i of [0, 1234, 59999]) {
    for (let j = 0; j < 784; j += 13)
      assert.equal(train.X.data[i * 784 + j], Math.fround(raw.pixels[i * 784 + j] / 255));
  }
});

test("loadMnist caches per directory and dtype; float64 on request", () => {
  const a = loadMnist();
  const again = loadMnist();
  assert.equal(again.train.X, a.train.X, "second call returns the cached arrays");
  assert.equal(again.test.y, a.test.y);
  const b = loadMnist({ dtype: "float64" });
  assert.notEqual(b, a);
  assert.equal(b.test.X.dtype, "float64");
  assert.ok(b.test.X.data instanceof Float64Array);
  const i = 77 * 784 + 400;
  assert.ok(Math.abs(b.test.X.data[i] - a.test.X.data[i]) < 1e-7);
  const raw = idxImages(readIdx(path.join(mnistDataDir(), "t10k-images-idx3-ubyte")));
  assert.equal(b.test.X.data[i], raw.pixels[i] / 255);
});

test("loadMnist: arrays a student changes in place stay theirs; the next call warns, names the rows and reads fresh copies", () => {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void warnings.push(args.join(" "));
  try {
    const a = loadMnist();
    const firstPixel = a.train.X.data[0];
    const label = a.test.y[5000];
    // A careless student centres the training images in place (here: rows 2000–2999 only) and relabels a test digit.
    for (let i = 2000 * 784; i < 3000 * 784; i++) a.train.X.data[i] -= 0.5;
    a.test.y[5000] = (label + 1) % 10;
    // Reassigning a field of the result never reaches the cache either.
    a.train.X = a.test.X;

    const b = loadMnist();
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0],
      /^loadMnist: the arrays returned earlier were changed in place \(train\.X rows 2000–2999, test\.y rows 5000–5999\); returning fresh copies .*use d\.copy\(X\) before modifying/,
    );
    assert.notEqual(b.train.X, a.train.X);
    assert.equal(b.train.X.rows, 60000);
    assert.equal(b.train.X.data[0], firstPixel);
    assert.equal(b.test.y[5000], label);
    const raw = idxImages(readIdx(path.join(mnistDataDir(), "train-images-idx3-ubyte")));
    assert.equal(b.train.X.data[2500 * 784 + 400], Math.fround(raw.pixels[2500 * 784 + 400] / 255));
    // The student's arrays keep their change.
    assert.equal(a.test.y[5000], (label + 1) % 10);

    // Unchanged data: no warning, the same (cached) arrays again.
    const c = loadMnist();
    assert.equal(warnings.length, 1);
    assert.equal(c.train.X, b.train.X);
  } finally {
    console.warn = warn;
  }
});

test("loadMnist reads any directory of IDX files with the standard names, gzipped or not", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mnist-"));
  try {
    const px = (n: number) => Array.from({ length: n * 4 }, (_, i) => (i * 37) % 256);
    // gzipped, standard names
    writeIdx(path.join(tmp, "train-images-idx3-ubyte.gz"), [3, 2, 2], px(3), { gzip: true });
    writeIdx(path.join(tmp, "train-labels-idx1-ubyte.gz"), [3], [4, 0, 9], { gzip: true });
    // plain, the "." naming variant
    writeIdx(path.join(tmp, "t10k-images.idx3-ubyte"), [2, 2, 2], px(2));
    writeIdx(path.join(tmp, "t10k-labels.idx1-ubyte"), [2], [1, 2]);
    const { train, test: t } = loadMnist({ dir: tmp, dtype: "float64" });
    assert.equal(train.X.shape, "3×4");
    assert.deepEqual(Array.from(train.y), [4, 0, 9]);
    assert.deepEqual(
      Array.from(train.X.data),
      px(3).map((v) => v / 255),
    );
    assert.equal(t.X.shape, "2×4");
    assert.deepEqual(Array.from(t.y), [1, 2]);

    // Counts that disagree.
    const bad = path.join(tmp, "bad");
    fs.mkdirSync(bad);
    writeIdx(path.join(bad, "train-images-idx3-ubyte"), [3, 2, 2], px(3));
    writeIdx(path.join(bad, "train-labels-idx1-ubyte"), [2], [4, 0]);
    writeIdx(path.join(bad, "t10k-images-idx3-ubyte"), [2, 2, 2], px(2));
    writeIdx(path.join(bad, "t10k-labels-idx1-ubyte"), [2], [1, 2]);
    assert.throws(
      () => loadMnist({ dir: bad }),
      /train-images-idx3-ubyte has 3 images but train-labels-idx1-ubyte has 2 labels/,
    );
    // A label out of range inside a directory.
    fs.writeFileSync(path.join(bad, "train-labels-idx1-ubyte"), encodeIdx([3], [4, 10, 0]));
    assert.throws(() => loadMnist({ dir: bad }), /train-labels-idx1-ubyte: label 10 at index 1 is outside 0–9/);
    // A missing file, and a missing directory.
    fs.rmSync(path.join(bad, "t10k-labels-idx1-ubyte"));
    assert.throws(() => mnistFiles(bad), /no t10k-labels file in .*looked for t10k-labels-idx1-ubyte/);
    assert.throws(() => loadMnist({ dir: path.join(tmp, "nowhere") }), /directory .*nowhere does not exist/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("data/mnist-tiny holds the first 100 / 50 real images, gzipped", () => {
  const tiny = loadMnist({ dir: "data/mnist-tiny" });
  const full = loadMnist();
  assert.equal(tiny.train.X.rows, 100);
  assert.equal(tiny.test.X.rows, 50);
  assert.deepEqual(Array.from(tiny.train.y), Array.from(full.train.y.subarray(0, 100)));
  assert.deepEqual(Array.from(tiny.test.X.data), Array.from(full.test.X.data.subarray(0, 50 * 784)));
});

test("takeFirst and subset copy the chosen rows and labels", () => {
  const ds = tagged([3, 1, 4, 1, 5, 9, 2, 6]);
  const first = takeFirst(ds, 3);
  assert.deepEqual(ids(first), [0, 1, 2]);
  assert.deepEqual(Array.from(first.y), [3, 1, 4]);
  first.X.data[0] = 99;
  assert.equal(ds.X.data[0], 0, "takeFirst copies");
  assert.throws(() => takeFirst(ds, 9), /n = 9 must be an integer in 0…8/);

  const s = subset(ds, [5, 0, 5]);
  assert.deepEqual(ids(s), [5, 0, 5]);
  assert.deepEqual(Array.from(s.y), [9, 3, 9]);
  assert.deepEqual(Array.from(s.X.row(0)), Array.from(ds.X.row(5)));
  assert.throws(() => subset(ds, [1, 8]), /index 8 at position 1 is outside 0…7/);
  assert.throws(() => subset({ X: ds.X, y: new Uint8Array(3) }, [0]), /X is 8×3 but y has 3 labels/);
});

test("classCounts counts each label", () => {
  assert.deepEqual(Array.from(classCounts(tagged([3, 1, 4, 1, 5, 9, 2, 6]))), [0, 2, 1, 1, 1, 1, 1, 0, 0, 1]);
  assert.deepEqual(Array.from(classCounts([0, 1, 1], 2)), [1, 2]);
  assert.throws(() => classCounts([0, 2], 2), /label 2 at index 1 is outside 0–1/);
});

test("sortByClass: labels non-decreasing, a permutation of the rows, stable within a class", () => {
  const labels = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5, 0];
  const ds = tagged(labels);
  const s = sortByClass(ds);
  for (let i = 1; i < s.y.length; i++) assert.ok(s.y[i - 1] <= s.y[i], `sorted at ${i}`);
  const order = ids(s);
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    labels.map((_, i) => i),
    "a permutation of the rows",
  );
  for (let i = 0; i < order.length; i++) {
    assert.equal(s.y[i], labels[order[i]], "each row keeps its label");
    assert.deepEqual(Array.from(s.X.row(i)), Array.from(ds.X.row(order[i])), "each row keeps its pixels");
    if (i > 0 && s.y[i] === s.y[i - 1]) assert.ok(order[i] > order[i - 1], "stable");
  }
  assert.deepEqual(Array.from(classSortedIndices([1, 0, 1, 0])), [1, 3, 0, 2]);
});

test("perClass gives k examples of each class, drawn with a seed", () => {
  const { train } = loadMnist();
  const p = perClass(train, 3, new Rng(5));
  assert.equal(p.X.rows, 30);
  assert.deepEqual(Array.from(classCounts(p)), new Array(10).fill(3));
  for (let i = 0; i < 30; i++) assert.equal(p.y[i], Math.floor(i / 3), "class by class");
  const again = perClass(train, 3, new Rng(5));
  assert.deepEqual(Array.from(again.X.data), Array.from(p.X.data), "same seed, same examples");
  const other = perClass(train, 3, 6);
  assert.notDeepEqual(Array.from(other.X.data), Array.from(p.X.data), "another seed, other examples");

  // Drawn without replacement, from the right class: on a tagged set every id is distinct and has the class's label.
  const labels = Array.from({ length: 50 }, (_, i) => i % 10);
  const small = perClass(tagged(labels), 4, new Rng(1));
  const got = ids(small);
  assert.equal(new Set(got).size, 40);
  got.forEach((id, i) => assert.equal(labels[id], small.y[i]));
  assert.throws(
    () => perClass(tagged(labels), 6, new Rng(1)),
    /asked for 6 examples of class 0 but the data set has only 5/,
  );
});

test("splitValidation: disjoint, covers everything, deterministic for a seed", () => {
  const labels = Array.from({ length: 100 }, (_, i) => (i * 3) % 10);
  const ds = tagged(labels);
  const { train, validation } = splitValidation(ds, 20, new Rng(42));
  assert.equal(validation.X.rows, 20);
  assert.equal(train.X.rows, 80);
  const v = ids(validation);
  const t = ids(train);
  assert.deepEqual(
    [...v, ...t].sort((a, b) => a - b),
    labels.map((_, i) => i),
  );
  for (let i = 1; i < t.length; i++) assert.ok(t[i] > t[i - 1], "original order kept");
  t.forEach((id, i) => assert.equal(train.y[i], labels[id]));
  assert.deepEqual(ids(splitValidation(ds, 20, new Rng(42)).validation), v);
  assert.notDeepEqual(ids(splitValidation(ds, 20, new Rng(43)).validation), v);
  assert.notDeepEqual(
    v,
    Array.from({ length: 20 }, (_, i) => i),
    "not simply the first 20",
  );
  assert.throws(() => splitValidation(ds, 101, 1), /nValidation = 101 must be an integer in 0…100/);
});

test("meanImage averages the rows (optionally of one class)", () => {
  const ds: Dataset = {
    X: fromArrays(
      [
        [1, 2],
        [3, 6],
        [5, 1],
      ],
      "float32",
    ),
    y: Uint8Array.from([0, 1, 0]),
  };
  assert.deepEqual(Array.from(meanImage(ds).data), [3, 3]);
  assert.deepEqual(Array.from(meanImage(ds, 0).data), [3, 1.5]);
  assert.deepEqual(Array.from(meanImage(ds, 1).data), [3, 6]);
  assert.throws(() => meanImage(ds, 7), /no example has label 7/);
});

test("centre subtracts the TRAINING mean image from every set", () => {
  const train: Dataset = {
    X: fromArrays(
      [
        [0, 10],
        [2, 20],
        [4, 60],
      ],
      "float64",
    ),
    y: Uint8Array.from([0, 1, 2]),
  };
  const val: Dataset = { X: fromArrays([[1, 1]], "float64"), y: Uint8Array.from([3]) };
  const test2: Dataset = {
    X: fromArrays(
      [
        [10, 30],
        [0, 0],
      ],
      "float64",
    ),
    y: Uint8Array.from([4, 5]),
  };
  const c = centre(train, val, test2);
  // training mean by hand: (0+2+4)/3 = 2, (10+20+60)/3 = 30
  assert.deepEqual(Array.from(c.mean.data), [2, 30]);
  assert.deepEqual(c.train.X.toArrays(), [
    [-2, -20],
    [0, -10],
    [2, 30],
  ]);
  assert.deepEqual(c.others[0].X.toArrays(), [[-1, -29]]);
  assert.deepEqual(c.others[1].X.toArrays(), [
    [8, 0],
    [-2, -30],
  ]);
  assert.deepEqual(Array.from(c.others[1].y), [4, 5]);
  assert.deepEqual(
    train.X.toArrays(),
    [
      [0, 10],
      [2, 20],
      [4, 60],
    ],
    "inputs untouched",
  );

  // On MNIST: the centred training set has mean ≈ 0, the centred test set is test − training mean (not its own mean).
  const { train: tr, test: te } = loadMnist();
  const small = takeFirst(tr, 2000);
  const testSmall = takeFirst(te, 500);
  const cc = centre(small, testSmall);
  const m = meanImage(cc.train);
  for (let j = 0; j < 784; j++) assert.ok(Math.abs(m.data[j]) < 1e-5, `centred train mean at ${j}`);
  const direct = centreWith(testSmall, meanImage(small));
  assert.deepEqual(Array.from(cc.others[0].X.data), Array.from(direct.X.data));
  let far = 0;
  const mt = meanImage(cc.others[0]);
  for (let j = 0; j < 784; j++) far = Math.max(far, Math.abs(mt.data[j]));
  assert.ok(far > 1e-3, "the test set is centred with the training mean, so its own mean is not exactly 0");
  assert.throws(
    () => centre(small, { X: new Matrix(1, 3, new Float32Array(3)), y: new Uint8Array(1) }),
    /training set is 2000×784 but data set 2 is 1×3/,
  );
});
