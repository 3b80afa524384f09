// The memory of one Descent kernel on a class server (issue 23, item 4): a student who loads MNIST and
// trains an epoch of 784-256-10 must not need half a gigabyte. Measured in a real kernel, started by
// jupyter_client as Jupyter starts it (scripts/hub/kernelMemory.ts, `npm run hub:memory`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { measureKernelMemory } from "../scripts/hub/kernelMemory";

// The bound: 295 MB was measured when it was set (session 8) and 300–302 MB in session 10 (three runs, a fresh
// clone and main), so 300 MB failed on noise; 320 MB keeps a margin and still fails well below the float32
// figure (+165 MB) or half a gigabyte.
const BOUND_MB = 320;

test(
  `one kernel holds at most ${BOUND_MB} MB after loadMnist() and an epoch of 784-256-10`,
  { timeout: 900_000 },
  () => {
    const m = measureKernelMemory();
    const table = JSON.stringify(m);
    // the kernel process itself (its launcher, a small relay process beside it, is reported, not bounded here)
    assert.ok(
      m.kernelOnly.epoch <= BOUND_MB,
      `kernel after loadMnist + an epoch: ${m.kernelOnly.epoch} MB > ${BOUND_MB} (${table})`,
    );
    // MNIST's pixels as bytes: 47 + 8 MB, not 220 MB of float32
    const mnist = m.kernelOnly.loadMnist - m.kernelOnly.imported;
    assert.ok(mnist <= 100, `loadMnist() added ${mnist} MB (bytes: 55 MB; float32: 220 MB) (${table})`);
    assert.ok(m.kernelOnly.started > 50, `implausible measurement (${table})`);
  },
);
