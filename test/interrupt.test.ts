// Interrupting a run (issue 12, item 2): Jupyter's interrupt (■) stops `await d.train(...)` and the
// synchronous loops of src/ between two steps, within about a second, says where, leaves the model at its
// last completed step, and nothing of the run carries on after the cell ended.
// First the checkpoints themselves (a flag raised by hand), then the real kernel through jupyter_client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { checkpoint, INTERRUPT_SLOTS, InterruptedError, useInterruptFlag } from "../src/core/interrupt";
import { Matrix } from "../src/core/matrix";
import { Rng } from "../src/core/random";
import { MLP } from "../src/models/mlp";
import { sgd } from "../src/optim/index";
import { lastRun, train } from "../src/training/train";
import { notesZeroParams, trainNotesAlgorithm } from "../src/chapters/notesAlgorithm";
import { trainPerceptron } from "../src/models/perceptron";
import { gradientCheck } from "../src/calculus/gradcheck";
import { python, root } from "./support/notebooks";

function newFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * INTERRUPT_SLOTS.COUNT));
}
function raise(flag: Int32Array): void {
  Atomics.store(flag, INTERRUPT_SLOTS.REQUESTED, 1);
}

/** Runs `body` with `flag` as the interrupt flag, restoring the previous one. */
async function withFlag<T>(flag: Int32Array | null, body: () => T | Promise<T>): Promise<T> {
  const before = useInterruptFlag(flag);
  try {
    return await body();
  } finally {
    useInterruptFlag(before);
  }
}

function toyData(n: number, d: number, seed: number): { X: Matrix; y: Int32Array } {
  const r = new Rng(seed);
  const X = new Matrix(
    n,
    d,
    new Float64Array(n * d).map(() => r.normal(0, 1)),
  );
  const y = new Int32Array(n).map((_, i) => (X.data[i * d] + X.data[i * d + 1] > 0 ? 1 : 0));
  return { X, y };
}

const mlp = () => new MLP({ sizes: [4, 8, 2], activations: ["relu"], init: "he", rng: new Rng(7), dtype: "float64" });

test("without a flag (tests, node scripts) a checkpoint never throws", async () => {
  await withFlag(null, () => {
    for (let i = 0; i < 1000; i++) checkpoint(() => "never");
  });
  const flag = newFlag();
  await withFlag(flag, () => checkpoint(() => "not yet")); // a flag, but nothing requested
});

test("train stops at the step after the interrupt, the model keeps that step, and the message says where", async () => {
  const data = toyData(64, 4, 1);
  const flag = newFlag();
  const model = mlp();
  const err = await withFlag(flag, () =>
    train(model, data, {
      optimizer: sgd(0.1),
      batchSize: 8,
      shuffle: false,
      epochs: 10,
      evaluateEvery: 5,
      onEvaluate: (ev) => {
        if (ev.iteration === 10) raise(flag);
      },
    }).then(
      () => null,
      (e: unknown) => e,
    ),
  );
  assert.ok(err instanceof InterruptedError, `expected an InterruptedError, got ${String(err)}`);
  assert.equal(
    err.message,
    "interrupted after iteration 10 of 80 (epoch 2); the model keeps its last completed step; d.lastRun() gives the model and the evaluations so far",
  );
  // the interrupted run stays reachable: its model (the same object) and the evaluations so far
  const run = lastRun();
  assert.equal(run.ended, "interrupted");
  assert.equal(run.model, model);
  assert.equal(run.iterations, 10);
  assert.deepEqual(
    run.history.map((e) => e.iteration),
    [0, 5, 10],
  );
  assert.equal(Atomics.load(flag, INTERRUPT_SLOTS.STOPPED), 1);
  // the same model trained for exactly 10 iterations, without interrupts
  const reference = mlp();
  await train(reference, data, { optimizer: sgd(0.1), batchSize: 8, shuffle: false, maxIterations: 10 });
  model.params.forEach((p, i) =>
    assert.deepEqual(p.value.data, reference.params[i].value.data, `${p.name} differs from 10 completed steps`),
  );
});

test("the notes' per-example algorithm, the perceptron and the gradient check stop with a message and a whole state", async () => {
  const { X, y } = toyData(200, 4, 2);
  const flag = newFlag();
  // notes: interrupt after pass 1 → the parameters are those of a 1-pass run
  const init = notesZeroParams(2, 4);
  const notes = await withFlag(flag, () => {
    try {
      trainNotesAlgorithm(X, y, { stepSize: 0.1, maxPasses: 5, epsilon: 0, init, onPass: () => raise(flag) });
      return null;
    } catch (e) {
      return e;
    }
  });
  assert.ok(notes instanceof InterruptedError);
  assert.match(
    notes.message,
    /^interrupted in pass 2 of 5 after example 0 of 200; W and b keep the last completed update$/,
  );
  const onePass = trainNotesAlgorithm(X, y, { stepSize: 0.1, maxPasses: 1, epsilon: 0, init: notesZeroParams(2, 4) });
  assert.deepEqual(init.W.data, onePass.params.W.data, "W is not that of one completed pass");
  assert.deepEqual(init.b.data, onePass.params.b.data, "b is not that of one completed pass");

  Atomics.store(flag, INTERRUPT_SLOTS.REQUESTED, 1);
  const perceptron = await withFlag(flag, () => {
    try {
      trainPerceptron(X, y, { maxEpochs: 10 });
      return null;
    } catch (e) {
      return e;
    }
  });
  assert.ok(perceptron instanceof InterruptedError);
  assert.match(perceptron.message, /^interrupted in pass 1 of 10 after example 0 of 200/);

  const model = mlp();
  model.lossAndGradient(X, y);
  const before = model.params.map((p) => Float64Array.from(p.value.data));
  const check = await withFlag(flag, () => {
    try {
      gradientCheck(() => model.loss(X, y), model.params, { samples: 5 });
      return null;
    } catch (e) {
      return e;
    }
  });
  assert.ok(check instanceof InterruptedError);
  assert.match(check.message, /in the gradient check of .* after 0 of 5 entries; the parameters are restored/);
  model.params.forEach((p, i) => assert.deepEqual(Float64Array.from(p.value.data), before[i]));
});

interface CellReport {
  status: string;
  stdout: string;
  stderr: string;
  displays: number;
  display_at: number[];
  display_text: string[];
  seconds: number;
  interrupt_to_end: number | null;
  late: { type: string; text: string }[];
}

/** Runs cells in a fresh `descent` kernel through jupyter_client (scripts/kernel/driver.py). */
function kernelSession(cells: { code: string; interrupt_after?: number; settle?: number }[]): CellReport[] {
  const py = python();
  assert.ok(py, "no Python with nbclient/jupyter_client: run `npm run setup`");
  spawnSync(process.execPath, [path.join(root, "scripts", "kernel", "kernelspec.js")], { cwd: root });
  const r = spawnSync(py, [path.join(root, "scripts", "kernel", "driver.py"), "session"], {
    cwd: root,
    input: JSON.stringify({ cells, timeout: 240 }),
    encoding: "utf8",
    env: { ...process.env, JUPYTER_PATH: path.join(root, ".jupyter", "share", "jupyter"), PYTHONWARNINGS: "ignore" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  assert.ok(line, `driver.py session gave no report (exit ${r.status}):\n${r.stderr}`);
  return (JSON.parse(line) as { cells: CellReport[] }).cells;
}

test(
  "in the kernel, Jupyter's interrupt stops train, the perceptron and the notes' algorithm within a second, for good",
  { timeout: 300_000 },
  () => {
    const stopped =
      /InterruptedError: interrupted after iteration (\d+) of (\d+) \(epoch (\d+)\); the model keeps its last completed step/;
    const [imp, setup, training, still, perceptron, notes, own, alive] = kernelSession([
      { code: 'import * as d from "./src/index";' },
      {
        code: [
          "const mn = d.loadMnist();",
          'const model = new d.MLP({ sizes: [784, 64, 10], activations: ["relu"], init: "he", rng: new d.Rng(1) });',
          'const live = d.liveView({ title: "interrupt test", total: 50 * 3750, minIntervalMs: 0 });',
          "let lastEval = 0;",
        ].join("\n"),
      },
      {
        code: [
          "await d.train(model, mn.train, { optimizer: d.sgd(0.05), batchSize: 16, shuffle: false, epochs: 50, evaluateEvery: 100,",
          "  onEvaluate: async (ev) => { lastEval = ev.iteration; await live.onEvaluate(ev); console.log(`iteration ${ev.iteration}`); } });",
        ].join("\n"),
        interrupt_after: 4,
        settle: 1.5,
      },
      {
        code: [
          "const snapshot = () => model.params.map((p) => Array.from(p.value.data.subarray(0, 50)).join()).join(';');",
          "const a = snapshot(); const e1 = lastEval;",
          "await new Promise((r) => setTimeout(r, 1000));",
          'console.log(a === snapshot() && e1 === lastEval ? "unchanged" : "CHANGED", e1);',
        ].join("\n"),
      },
      {
        code: "const three = Uint8Array.from(mn.train.y, (v) => (v === 3 ? 1 : 0));\nd.trainPerceptron(mn.train.X, three, { maxEpochs: 500 });",
        interrupt_after: 2.5,
        settle: 0.5,
      },
      {
        code: "d.trainNotesAlgorithm(mn.train.X, mn.train.y, { stepSize: 0.01, maxPasses: 200, epsilon: 0 });",
        interrupt_after: 2.5,
        settle: 0.5,
      },
      { code: "let spins = 0;\nwhile (true) { spins++; }", interrupt_after: 2, settle: 0.5 },
      { code: 'console.log("still alive");' },
    ]);
    assert.equal(imp.status, "ok", imp.stderr);
    assert.equal(setup.status, "ok", setup.stderr);

    assert.equal(training.status, "error");
    const m = stopped.exec(training.stderr);
    assert.ok(m, `train's cell did not end with the interrupt message:\n${training.stderr}`);
    assert.equal(Number(m[2]), 50 * 3750);
    assert.ok(Number(m[1]) > 0 && Number(m[1]) < 50 * 3750);
    assert.ok(training.interrupt_to_end! < 1.5, `train took ${training.interrupt_to_end} s to stop`);
    assert.ok(training.displays > 0, "the live view drew nothing before the interrupt");
    assert.doesNotMatch(training.stderr, /Interrupted asynchronously/);
    assert.deepEqual(training.late, [], "the interrupted training still sent output after its cell ended");

    assert.equal(still.status, "ok", still.stderr);
    assert.match(still.stdout, /^unchanged \d+/, "the model kept changing after the cell ended");
    assert.ok(Number(/unchanged (\d+)/.exec(still.stdout)![1]) <= Number(m[1]), "evaluations after the interrupt");

    for (const [name, cell, re] of [
      [
        "perceptron",
        perceptron,
        /InterruptedError: interrupted in pass \d+ of 500 after example \d+ of 60000; w and b keep the last completed update/,
      ],
      [
        "notes' algorithm",
        notes,
        /InterruptedError: interrupted in pass \d+ of 200 after example \d+ of 60000; W and b keep the last completed update/,
      ],
    ] as const) {
      assert.equal(cell.status, "error", `${name}: ${cell.stderr}`);
      assert.match(cell.stderr, re, name);
      assert.ok(cell.interrupt_to_end! < 1.5, `${name} took ${cell.interrupt_to_end} s to stop`);
      assert.deepEqual(cell.late, []);
    }

    // a loop of the user's own has no checkpoint: tslab's interrupt takes over after about a second
    assert.equal(own.status, "error");
    assert.match(own.stderr, /interrupted/i);
    assert.ok(own.interrupt_to_end! < 2.5, `the user's loop took ${own.interrupt_to_end} s to stop`);

    assert.equal(alive.status, "ok", alive.stderr);
    assert.match(alive.stdout, /still alive/);
  },
);

test(
  "in the kernel, ■ during `const run = await d.train(…)` leaves the run reachable with d.lastRun(), and a progress line ran meanwhile",
  { timeout: 300_000 },
  () => {
    // As in chapter 05: `const mainRun = await runCurve(…)` interrupted leaves mainRun undefined in the next cell.
    const [imp, setup, training, next] = kernelSession([
      { code: 'import * as d from "./src/index";' },
      { code: "const mn = d.loadMnist();\nconst model = new d.SoftmaxRegression({ inputs: 784, classes: 10 });" },
      {
        code: "const mainRun = await d.train(model, mn.train, { optimizer: d.sgd(0.1), batchSize: 10, shuffle: false, epochs: 300, evaluateEvery: 1000 });",
        interrupt_after: 5,
        settle: 1,
      },
      {
        code: [
          "const run = d.lastRun();",
          "console.log(run.ended, run.model === model, run.iterations, run.history.length, run.history[run.history.length - 1].iteration);",
        ].join("\n"),
      },
    ]);
    assert.equal(imp.status, "ok", imp.stderr);
    assert.equal(setup.status, "ok", setup.stderr);
    // 300 epochs (1.8 million steps) so that no machine finishes before the interrupt at 5 s (30 epochs once did)
    assert.equal(
      training.status,
      "error",
      `the training was not interrupted:\n${training.display_text[training.display_text.length - 1]}`,
    );
    const m =
      /interrupted after iteration (\d+) of 1800000 \(epoch \d+\); the model keeps its last completed step; d\.lastRun\(\) gives the model and the evaluations so far/.exec(
        training.stderr,
      );
    assert.ok(m, `the interrupt message does not say how to reach the run:\n${training.stderr}`);
    // progress: a line redrawn in place while the cell ran (before the interrupt), the last one saying how to recover
    const during = training.display_at.filter((t) => t < 5);
    console.log(
      `# progress lines: ${training.displays} (${during.length} before ■ at 5 s, first at ${training.display_at[0]} s); last: ${training.display_text[training.display_text.length - 1]}`,
    );
    assert.ok(
      during.length >= 3,
      `only ${during.length} progress redraws arrived during the 5 s run (at ${training.display_at.join(", ")})`,
    );
    assert.match(
      training.display_text[0],
      /^training · step [\d,]+ of 1,800,000 \(\d+%\) · epoch [\d.]+ · loss [\d.]+ · [\d.]+ s · about .* left$/,
    );
    assert.match(
      training.display_text[training.display_text.length - 1],
      /■ interrupted: d\.lastRun\(\) gives the model and the evaluations so far/,
    );
    assert.deepEqual(training.late, []);
    assert.equal(next.status, "ok", next.stderr);
    const [ended, same, iterations, evaluations, lastEval] = next.stdout.trim().split(" ");
    assert.equal(ended, "interrupted");
    assert.equal(same, "true", "d.lastRun().model is not the model trained");
    assert.equal(Number(iterations), Number(m[1]), "d.lastRun() does not stop where the message says");
    assert.equal(Number(evaluations), Math.floor(Number(m[1]) / 1000) + 1);
    assert.equal(Number(lastEval), 1000 * Math.floor(Number(m[1]) / 1000));
  },
);
