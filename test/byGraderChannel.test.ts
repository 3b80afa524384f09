// The channel of hw.byGrader (src/homework/byGrader.ts: one JSON message per line over a pair of file
// descriptors): messages arrive whole and in order, whether one spans many reads or many share one read;
// the grader's side (scripts/homework/grading/referenceServer.ts) answers with the reference's value.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LineChannel, Message } from "../src/homework/byGrader";
import { decode, encode } from "../src/homework/wire";
import { logSumExpRef } from "../src/homework/exercises/hw03/ex3-log-sum-exp";
import { bundleReferenceServer, startReferenceServer } from "../scripts/homework/grading/referenceServer";

test("LineChannel: a message of many reads, and many messages in one read, arrive whole and in order", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-channel-"));
  try {
    const file = path.join(dir, "lines");
    const big = "x".repeat(5 * (1 << 20) + 123); // more than five reads of a megabyte
    const messages: Message[] = [
      { t: "call", id: "small-1" },
      { t: "ret", message: big },
      ...Array.from({ length: 200 }, (_, i): Message => ({ t: "err", message: `m${i} ünïcode` })),
      { t: "call", id: "last", message: big.slice(0, 70_000) },
    ];
    // written in one go: the small ones share a read with the end of the big one
    fs.writeFileSync(file, messages.map((m) => JSON.stringify(m) + "\n").join(""));
    const r = fs.openSync(file, "r");
    const w = fs.openSync(path.join(dir, "out"), "w");
    const channel = new LineChannel(r, w);
    for (const [i, m] of messages.entries()) assert.deepEqual(channel.receive(), m, `message ${i}`);
    assert.throws(() => channel.receive(), /reference process ended/, "the end of the input is reported");
    channel.send({ t: "ret", value: 1 });
    assert.equal(fs.readFileSync(path.join(dir, "out"), "utf8"), '{"t":"ret","value":1}\n');
    fs.closeSync(r);
    fs.closeSync(w);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const bundled of [false, true])
  test(
    `the grader's reference process${bundled ? ", bundled" : ""}: the value computed there, and an argument it left unchanged comes back as null`,
    { timeout: 60_000 },
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "descent-served-"));
      const bundle = bundled ? await bundleReferenceServer(dir) : null;
      if (bundled) {
        assert.ok(bundle, "esbuild (tsx's) is found");
        // each bundled module of the course keeps its own folder (forbidden.ts, studentError.ts, notebook.ts use it)
        const text = fs.readFileSync(bundle, "utf8");
        const own = [...text.matchAll(/\b__(dirname|filename)\d* = "([^"]+)"/g)];
        assert.ok(own.length >= 3, `the bundle's own folders: ${own.map((m) => m[2]).join(", ")}`);
        for (const [, kind, p] of own)
          assert.ok(fs.existsSync(p) && (kind === "filename") === fs.statSync(p).isFile(), p);
        assert.ok(
          own.some(([, , p]) => p === path.resolve(__dirname, "..", "src", "homework")),
          "src/homework's own folder",
        );
      }
      const server = startReferenceServer(dir, ["hw03-ex3"], bundle);
      try {
        // the kernel's order: the request pipe first, then the response pipe
        const w = fs.openSync(server.request, "w");
        const r = fs.openSync(server.response, "r");
        const channel = new LineChannel(r, w);
        const z = [1000, 1001, 999.5];
        const reply = channel.request({ t: "call", id: "hw03-ex3", args: [encode(z, "z")] }, () => {
          throw new Error("no callbacks here");
        }) as Message;
        assert.equal(reply.t, "ret");
        assert.ok(Math.abs((decode(reply.value ?? null) as number) - logSumExpRef(z)) < 1e-12);
        assert.deepEqual(reply.args, [null], "an argument the reference did not change is not sent back");
        const other = (() => {
          try {
            return channel.request({ t: "call", id: "hw03-ex2", args: [encode(z, "z")] }, () => null) as Message;
          } catch (e) {
            return (e as Error).message;
          }
        })();
        assert.match(String(other), /computes only hw03-ex3/);
        fs.closeSync(w);
        fs.closeSync(r);
      } finally {
        server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
