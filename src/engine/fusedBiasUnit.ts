/**
 * The homework network's per-example SGD step (src/chapters/biasUnitNetwork.ts, biasUnitSgdStep) in
 * one WebAssembly SIMD call (biasUnitSgdStep in src/engine/assembly/gemm.as): forward, δ², δ¹ and the
 * two outer-product updates, in place on V and W when both are resident float32 arrays with a ReLU
 * hidden layer. Anything else (float64, another activation, arrays outside the wasm memory) returns
 * null and the readable loop runs. test/biasUnitFast.test.ts holds the two equal.
 *
 * x is copied into the scratch above the resident arrays (784 floats: cheap next to 157,000 weights).
 */
import { BiasUnitSgdFastPath } from "../chapters/biasUnitNetwork";
import { relu } from "../models/activations";
import { defaultGemmKernel } from "./wasmGemm";

export const fusedBiasUnitSgd: BiasUnitSgdFastPath = {
  step(net, x, y, gamma) {
    const e = defaultGemmKernel().engine;
    if (!e || net.g !== relu) return null;
    const pv = e.heap.residentPtr(net.V.data), pw = e.heap.residentPtr(net.W.data);
    if (pv < 0 || pw < 0) return null;
    const nIn = net.V.cols - 1, nHid = net.V.rows, nOut = net.W.rows;
    const px = (e.heap.base + 15) & ~15;
    const scratch = px + ((nIn + 4) * 4 + 15 & ~15);
    e.heap.ensure(scratch + 4 * (nHid + 8) * 4 + 2 * nOut * 8 + 128);
    e.heap.f32().set(x, px / 4);
    return e.x.biasUnitSgdStep(pv, pw, px, nIn, nHid, nOut, y, gamma, scratch);
  },
};
