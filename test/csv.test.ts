import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Matrix } from "../src/core/matrix";
import { Rng } from "../src/core/random";
import {
  formatKaggleCsv,
  formatSubmission,
  parseKaggleCsv,
  parseSubmission,
  readKaggleCsv,
  readKaggleTest,
  readKaggleTrain,
  readSubmission,
  writeKaggleCsv,
  writeSubmission,
} from "../src/data/csv";
import { classCounts, loadMnist, subset } from "../src/data/mnist";

/** n random images with pixels k/255 (k = 0…255) and random labels. */
function randomImages(n: number, d: number, seed: number): { X: Matrix; y: Uint8Array; bytes: Uint8Array } {
  const r = new Rng(seed);
  const bytes = new Uint8Array(n * d);
  for (let i = 0; i < bytes.length; i++) bytes[i] = r.uniform() < 0.6 ? 0 : r.int(256);
  const X = new Matrix(
    n,
    d,
    Float32Array.from(bytes, (b) => b / 255),
  );
  const y = Uint8Array.from({ length: n }, () => r.int(10));
  return { X, y, bytes };
}

/** A header and rows written by hand (d pixels). */
function csv(d: number, rows: string[], label = true): string {
  const head = [...(label ? ["label"] : []), ...Array.from({ length: d }, (_, j) => `pixel${j}`)].join(",");
  return [head, ...rows].join("\n") + "\n";
}
const zerosRow = (d: number, label?: number) =>
  [...(label === undefined ? [] : [label]), ...new Array(d).fill(0)].join(",");

test("CSV round trip: write then read gives the same images and labels (train and test layouts)", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "csv-"));
  try {
    const { X, y } = randomImages(37, 784, 3);
    const file = path.join(tmp, "train.csv");
    writeKaggleCsv(file, { X, y });
    const back = readKaggleCsv(file);
    assert.equal(back.layout, "train");
    assert.equal(back.X.shape, "37×784");
    assert.equal(back.X.dtype, "float32");
    assert.deepEqual(Array.from(back.X.data), Array.from(X.data));
    assert.deepEqual(Array.from(back.y!), Array.from(y));

    const testFile = path.join(tmp, "test.csv");
    writeKaggleCsv(testFile, { X });
    const t = readKaggleCsv(testFile, { dtype: "float64" });
    assert.equal(t.layout, "test");
    assert.equal(t.y, undefined);
    assert.equal(t.X.dtype, "float64");
    for (let i = 0; i < X.data.length; i++) assert.ok(Math.abs(t.X.data[i] - X.data[i]) < 1e-7);
    assert.equal(readKaggleTest(testFile).rows, 37);
    assert.throws(() => readKaggleTrain(testFile), /test\.csv: line 1: wrong header for the train layout/);
    assert.throws(() => readKaggleTest(file), /train\.csv: line 1: wrong header for the test layout/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test("the written text is the Kaggle layout: header, then label and integer pixels 0–255", () => {
  const X = new Matrix(2, 3, Float64Array.from([0, 1, 128 / 255, 1 / 255, 0, 254 / 255]));
  const text = formatKaggleCsv({ X, y: [7, 0] });
  assert.equal(text, "label,pixel0,pixel1,pixel2\n7,0,255,128\n0,1,0,254\n");
  assert.equal(formatKaggleCsv({ X }), "pixel0,pixel1,pixel2\n0,255,128\n1,0,254\n");
  assert.throws(
    () => formatKaggleCsv({ X: new Matrix(1, 2, Float64Array.from([0, 1.5])) }),
    /X\[0, 1\] = 1\.5 is outside \[0, 1\]/,
  );
  assert.throws(() => formatKaggleCsv({ X, y: [1, 10] }), /label 10 at index 1 is outside 0–9/);
  // The reader parses this text (with a small pixel count) back.
  const r = parseKaggleCsv(text, "t.csv", { pixels: 3 });
  assert.deepEqual(Array.from(r.y!), [7, 0]);
  assert.deepEqual(Array.from(r.X.data), Array.from(Float32Array.from(X.data)));
});

test("reading accepts CRLF line ends, a BOM, no final newline, and a limit", () => {
  const text = "\uFEFF" + csv(2, ["3,0,255", "4,17,1"]).replace(/\n/g, "\r\n").replace(/\r\n$/, "");
  const r = parseKaggleCsv(text, "w.csv", { pixels: 2 });
  assert.deepEqual(Array.from(r.y!), [3, 4]);
  assert.deepEqual(Array.from(r.X.data), [0, 1, 17 / 255, 1 / 255].map(Math.fround));
  const first = parseKaggleCsv(text, "w.csv", { pixels: 2, limit: 1 });
  assert.equal(first.X.rows, 1);
  assert.deepEqual(Array.from(first.y!), [3]);
  const none = parseKaggleCsv("label,pixel0,pixel1\r\n", "h.csv", { pixels: 2 });
  assert.equal(none.X.shape, "0×2");
  const padded = Buffer.concat([Buffer.from("xyz"), Buffer.from(csv(2, ["1,2,3"]))]).subarray(3);
  assert.deepEqual(Array.from(parseKaggleCsv(padded, "p.csv", { pixels: 2 }).y!), [1]);
  const trailing = parseKaggleCsv(csv(2, ["3,0,1"]) + "\n\n", "t.csv", { pixels: 2 });
  assert.equal(trailing.X.rows, 1);
});

test("malformed rows are reported with the file name and line number", () => {
  const d = 784;
  const good = zerosRow(d, 1);
  const bad = (row: string, at = 2) => {
    const rows = [good, good, good];
    rows[at] = row;
    return csv(d, rows);
  };
  const pixels = (i: number, v: string) => {
    const a: string[] = new Array(d).fill("0");
    a[i] = v;
    return a;
  };
  // line numbers: header is line 1, so rows[2] is line 4
  assert.throws(
    () => parseKaggleCsv(bad(zerosRow(d - 1, 1)), "train.csv"),
    /train\.csv: line 4 has 784 columns, expected 785/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(zerosRow(d, 1) + ",0"), "train.csv"),
    /train\.csv: line 4 has 786 columns, expected 785/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(["5", ...pixels(17, "abc")].join(","), 0), "train.csv"),
    /train\.csv: line 2, column 19 \(pixel17\): "abc" is not a number/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(["5", ...pixels(0, "256")].join(","), 1), "train.csv"),
    /train\.csv: line 3, column 2 \(pixel0\): pixel value 256 is outside 0–255/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(["5", ...pixels(783, "-1")].join(",")), "train.csv"),
    /train\.csv: line 4, column 785 \(pixel783\): pixel value -1 is outside 0–255/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(["5", ...pixels(3, "2.5")].join(",")), "train.csv"),
    /line 4, column 5 \(pixel3\): pixel value 2\.5 is not an integer/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(["5", ...pixels(3, "")].join(",")), "train.csv"),
    /line 4, column 5 \(pixel3\) is empty/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(zerosRow(d, 10), 1), "train.csv"),
    /train\.csv: line 3: label 10 is outside 0–9/,
  );
  assert.throws(
    () => parseKaggleCsv(bad(["x", ...pixels(0, "0")].join(","), 1), "train.csv"),
    /line 3, column 1 \(label\): "x" is not a number/,
  );
  assert.throws(() => parseKaggleCsv(csv(d, [good, "", good]), "train.csv"), /train\.csv: line 3 is empty/);
  assert.throws(
    () => parseKaggleCsv(bad(zerosRow(d, 2.5)), "train.csv"),
    /train\.csv: line 4: label 2\.5 is not an integer/,
  );

  // Wrong headers.
  const header = (cols: string[]) => cols.join(",") + "\n" + good + "\n";
  const names = Array.from({ length: d }, (_, j) => `pixel${j}`);
  assert.throws(
    () => parseKaggleCsv(header(["lable", ...names]), "h.csv"),
    /h\.csv: line 1: wrong header: column 1 is "lable", expected "label"/,
  );
  const swapped = [...names];
  swapped[5] = "pixel6";
  assert.throws(
    () => parseKaggleCsv(header(["label", ...swapped]), "h.csv"),
    /h\.csv: line 1: wrong header: column 7 is "pixel6", expected "pixel5"/,
  );
  assert.throws(
    () => parseKaggleCsv(header(["label", ...names.slice(0, 700)]), "h.csv"),
    /h\.csv: line 1: wrong header: 701 columns, expected 785/,
  );
  assert.throws(() => parseKaggleCsv("", "empty.csv"), /empty\.csv: the file is empty/);
  // A test-layout row with a label-like extra column.
  assert.throws(
    () => parseKaggleCsv(csv(d, [zerosRow(d), zerosRow(d, 3)], false), "test.csv"),
    /test\.csv: line 3 has 785 columns, expected 784/,
  );
});

test("the sample files in data/ are real MNIST rows (traced back by data/mnist-sample-indices.json)", () => {
  const { train, test: testSet } = loadMnist();
  const idx = JSON.parse(fs.readFileSync("data/mnist-sample-indices.json", "utf8")) as {
    train: number[];
    test: number[];
  };
  const tr = readKaggleTrain("data/mnist-sample-train.csv");
  assert.equal(tr.X.shape, "400×784");
  assert.deepEqual(Array.from(classCounts(tr)), new Array(10).fill(40));
  const src = subset(train, idx.train);
  assert.deepEqual(Array.from(tr.y), Array.from(src.y));
  assert.deepEqual(Array.from(tr.X.data), Array.from(src.X.data));
  for (let i = 1; i < idx.train.length; i++)
    assert.ok(idx.train[i] > idx.train[i - 1], "kept in MNIST order, not sorted by class");

  const te = readKaggleCsv("data/mnist-sample-test.csv");
  assert.equal(te.layout, "test");
  assert.equal(te.X.shape, "100×784");
  assert.deepEqual(Array.from(te.X.data), Array.from(subset(testSet, idx.test).X.data));
  const key = readSubmission("data/mnist-sample-test-labels.csv");
  assert.deepEqual(Array.from(key), Array.from(subset(testSet, idx.test).y));
  assert.deepEqual(Array.from(classCounts(key)), new Array(10).fill(10));
  for (const f of ["data/mnist-sample-train.csv", "data/mnist-sample-test.csv"])
    assert.ok(fs.statSync(f).size < 1024 * 1024, `${f} under 1 MiB`);
});

test("submission: ImageId from 1, Label the prediction; round trip and errors", () => {
  assert.equal(formatSubmission([3, 0, 9]), "ImageId,Label\n1,3\n2,0\n3,9\n");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sub-"));
  try {
    const pred = Int32Array.from({ length: 500 }, (_, i) => (i * 7) % 10);
    const file = path.join(tmp, "submission.csv");
    writeSubmission(file, pred);
    assert.deepEqual(Array.from(readSubmission(file)), Array.from(pred));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  assert.throws(() => formatSubmission([1, 12]), /prediction 12 at index 1 is not a digit 0–9/);
  assert.throws(() => parseSubmission("ImageId,Label\n1,3\n3,4\n", "s.csv"), /s\.csv: line 3: ImageId "3", expected 2/);
  assert.throws(() => parseSubmission("Id,Label\n1,3\n", "s.csv"), /s\.csv: line 1: wrong header/);
  assert.throws(() => parseSubmission("ImageId,Label\n1,x\n", "s.csv"), /s\.csv: line 2: label "x" is not a digit/);
});
