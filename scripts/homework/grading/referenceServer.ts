// The grader's side of hw.byGrader (src/homework/byGrader.ts): a process of the grader's that runs the
// references of the exercises whose solution cells stopped the kernel, for the rerun of one notebook.
// (One step of `npm run grade`: gradeSubmissions.ts starts one per rerun notebook, next to its kernel.)
//
// Only values cross (wire.ts): the reference's code and the hidden generators stay in this process,
// so nothing the student's cells do in the kernel can print them. It answers only the exercises it was
// started for; a function argument is called back in the kernel. Two named pipes in a folder with an
// unguessable name, named only in that notebook's private calls file: no other kernel can find them.
//
//   node --import tsx referenceServer.ts REQUEST_PIPE RESPONSE_PIPE ID...
//   node reference-server.js REQUEST_PIPE RESPONSE_PIPE ID...   (the same, bundled once per grading run)
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LineChannel, Message, ResetSignal } from "../../../src/homework/byGrader";
import { getExercise, sameWire } from "../../../src/homework/check";
import { decode, encode, Wire } from "../../../src/homework/wire";
import { root } from "../notebook";

export interface ReferenceServer {
  request: string;
  response: string;
  /** Ends the process and removes its pipes. */
  stop: () => void;
}

/**
 * This file and what it imports as one CommonJS file in `dir` (esbuild, which tsx compiles with): a server
 * started from it takes ~0.2 s of CPU instead of ~1 s through tsx's loader (one per rerun notebook: about
 * one notebook in six of a class). Each bundled module of the course keeps its own __dirname and __filename.
 * Null when esbuild cannot be found (the server then starts through tsx). Write `dir` where no kernel can
 * read: the bundle holds the references.
 */
export async function bundleReferenceServer(dir: string): Promise<string | null> {
  let esbuild: typeof import("esbuild");
  try {
    // tsx's own esbuild (tsx depends on it; the course does not name it)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require(require.resolve("esbuild", { paths: [path.dirname(require.resolve("tsx/package.json"))] }));
  } catch {
    return null;
  }
  const outfile = path.join(dir, "reference-server.js");
  const ownPaths: import("esbuild").Plugin = {
    name: "descent-own-dirname",
    setup(build) {
      // (the course's files only: node_modules/ stays external; each file read once, here)
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = fs.readFileSync(args.path, "utf8");
        if (!/\b__(dirname|filename)\b/.test(text)) return { contents: text, loader: "ts" };
        // on the file's first line, so its line numbers stay as they are
        const own =
          `const __dirname = ${JSON.stringify(path.dirname(args.path))};` +
          ` const __filename = ${JSON.stringify(args.path)};`;
        return { contents: `${own} ${text}`, loader: "ts" };
      });
    },
  };
  await esbuild.build({
    entryPoints: [__filename],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: `node${process.versions.node.split(".")[0]}`,
    packages: "external", // node_modules/ is required from the course, as tsx does
    keepNames: true, // function names as tsx keeps them
    plugins: [ownPaths],
    logLevel: "silent",
  });
  fs.chmodSync(outfile, 0o600);
  return outfile;
}

/**
 * Starts the references of `ids` for one rerun notebook; the pipes go in a fresh folder under `dir`.
 * `bundle`: this server bundled (bundleReferenceServer), else it starts through tsx.
 */
export function startReferenceServer(dir: string, ids: string[], bundle: string | null = null): ReferenceServer {
  const own = path.join(dir, randomBytes(16).toString("hex"));
  // The kernel may run as another user (grading/isolation.ts): it passes through `own` (0711, not listable)
  // to the pipes by the names its calls file gives, and nobody else knows them.
  fs.mkdirSync(own, { recursive: true, mode: 0o711 });
  fs.chmodSync(own, 0o711);
  const request = path.join(own, "request");
  const response = path.join(own, "response");
  const made = spawnSync("mkfifo", ["-m", "666", request, response], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`grade: mkfifo failed in ${own}: ${made.stderr || made.error?.message}`);
  const script = bundle ? [bundle] : ["--import", "tsx", __filename];
  const child = spawn(process.execPath, [...script, request, response, ...ids], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return {
    request,
    response,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      fs.rmSync(own, { recursive: true, force: true });
    },
  };
}

/** Serves calls until the kernel closes its end. */
function serve(request: string, response: string, ids: string[]): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the specs register themselves when loaded
  require("../../../src/homework/exercises/index");
  // The same order as the kernel's side: the request pipe first.
  const r = fs.openSync(request, "r");
  const w = fs.openSync(response, "w");
  const channel = new LineChannel(r, w);
  // A loaded machine, for tests: each message waits this long (ms) before it is sent.
  const delay = Number(process.env.DESCENT_REFERENCE_DELAY_MS ?? 0);
  if (delay > 0) {
    const send = channel.send.bind(channel);
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    channel.send = (m: Message) => {
      Atomics.wait(sleeper, 0, 0, delay);
      send(m);
    };
  }
  const callBack =
    (cb: number) =>
    (...args: unknown[]): unknown => {
      const reply = channel.request(
        { t: "call", cb, args: args.map((a, i) => encode(a, `argument ${i + 1} of a function argument`)) },
        (call) => answer(call).value,
      ) as Message;
      return decode(reply.value ?? null);
    };
  const withCallbacks = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(withCallbacks);
    if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$cb") return callBack(Number((v as { $cb: number }).$cb));
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withCallbacks(x)]));
    }
    return v;
  };
  function answer(m: Message): { value: unknown; args: Wire[] } {
    const id = m.id ?? "";
    if (!ids.includes(id)) throw new Error(`the grader computes only ${ids.join(", ")} here, not ${id}`);
    const spec = getExercise(id);
    if (!spec) throw new Error(`unknown exercise ${id}`);
    const args = (m.args ?? []).map((a) => withCallbacks(decode(a)));
    const value = (spec.reference as (...a: unknown[]) => unknown)(...args);
    // What the reference changed in its arguments goes back too (copied into the caller's values); an
    // argument left as it came goes back as null (hw05's datasets, ~20 MB, went back with every call).
    const left = args.map((a, i) => {
      try {
        const now = encode(a, `argument ${i + 1}`);
        return sameWire(now, (m.args ?? [])[i] ?? null) ? null : now;
      } catch {
        return null;
      }
    });
    return { value, args: left };
  }
  for (;;) {
    let m: Message;
    try {
      m = channel.receive();
    } catch (e) {
      if (e instanceof SyntaxError) continue; // a line a cut-off call left half written (a reset follows)
      return; // the kernel closed its end (the notebook ended)
    }
    let reply: Message;
    try {
      if (m.t === "reset") throw new ResetSignal(m.n ?? 0);
      const { value, args } = answer(m);
      reply = { t: "ret", value: encode(value, "the reference's value"), args };
    } catch (e) {
      // the kernel's call was cut off mid-way (a check's time limit): what it asked for is dropped
      if (e instanceof ResetSignal) reply = { t: "reset", n: e.n };
      else reply = { t: "err", message: e instanceof Error ? e.message : String(e) };
    }
    try {
      channel.send(reply);
    } catch {
      return; // the kernel is gone (its run was stopped): nobody to answer, nothing to report
    }
  }
}

if (require.main === module) serve(process.argv[2], process.argv[3], process.argv.slice(4));
