// Byte pixels against float32 pixels, in one process, alternating: one shuffled epoch of mini-batches
// gathered by the engine's BatchLoader (as train() does) from MNIST kept as bytes (loadMnist's PixelMatrix,
// resident, converted per batch by a worker during the step) and from a float32 copy in the wasm memory
// (copied by a worker during the step). Prints the medians and their ratio (bytes / floats).
//   node --import tsx bench/bytesVsFloats.ts [--reps 5] [--batch 128,10]
/* eslint-disable @typescript-eslint/no-require-imports */
require("../src/engine/index"); // the engine: fused models, resident arrays, the BatchLoader
import * as d from "../src/index";
import { BatchLoader } from "../src/engine/gatherBatch";
import { residentCopy } from "../src/engine/resident";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const reps = Number(opt("--reps", "5"));
const batches = opt("--batch", "128,10").split(",").map(Number);

const { train } = d.loadMnist();
const X = train.X; // bytes
const XF = residentCopy(d.copy(X)); // float32, in the wasm memory

function epochMs(data: d.Matrix, B: number): number {
  const net =
    B >= 64
      ? new d.MLP({ sizes: [784, 256, 10], activations: ["relu"], init: "he", rng: d.rng(1) })
      : new d.SoftmaxRegression({ inputs: 784, classes: 10 });
  const opt = d.sgd(0.1);
  const order = d.rng(2).permutation(60000);
  const loader = new BatchLoader(data, train.y, B);
  const t0 = performance.now();
  for (let s = 0; s < 60000; s += B) {
    const batch = loader.batch(order, s, Math.min(B, 60000 - s));
    if (s + B < 60000) loader.prefetch(order, s + B, Math.min(B, 60000 - s - B));
    net.lossAndGradient(batch.X, batch.y);
    opt.step(net.params);
  }
  loader.finish();
  return performance.now() - t0;
}

const median = (v: number[]) => v.slice().sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const B of batches) {
  const bytes: number[] = [],
    floats: number[] = [];
  for (let r = 0; r < reps; r++) {
    bytes.push(epochMs(X, B));
    floats.push(epochMs(XF, B));
  }
  const [mb, mf] = [median(bytes), median(floats)];
  console.log(
    `batch ${B}: bytes ${mb.toFixed(0)} ms, floats ${mf.toFixed(0)} ms, bytes/floats ${(mb / mf).toFixed(3)} ` +
      `(${reps} alternating runs each)`,
  );
}
