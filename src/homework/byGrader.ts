/**
 * A function computed by the grader, for the kernel: after a solution cell stopped the kernel at its
 * top level (`while (true) {}`, `process.exit(1)` in the cell itself), the grader runs the notebook
 * again with that cell replaced by the same declaration whose body is
 *   return hw.byGrader("hw03-ex3", arguments) as any;
 * so a later exercise that calls the function (ex4's crossEntropy calls logSumExp) gets the
 * reference's values and is graded on its own work. The crashed exercise keeps its 0.
 *
 * Why on the grader's side and not the reference's code in the kernel: everything in the kernel is
 * reachable by the student's cells (an earlier cell can patch Function.prototype.toString, require,
 * fs…, a later one can print the function), and what they print reaches the executed notebook and
 * the feedback. Here only values cross: the arguments go to a process of the grader's
 * (scripts/homework/grading/referenceServer.ts) as data (wire.ts), the reference runs there, its
 * value comes back. A function argument (a cost the student's code passes) stays in the kernel: the
 * grader's side calls it back through the same channel. The channel is a pair of named pipes the
 * grader names in its private calls file (report.ts), synchronous on both sides, so the function
 * behaves like any other call in the student's code.
 *
 * Messages, one JSON line each: {t: "call", id | cb, args} → {t: "ret", value, args} | {t: "err", message};
 * {t: "reset", n} → {t: "reset", n} after a call of the kernel's was cut off mid-way (LineChannel.resync).
 */
import * as fs from "fs";
import { graderChannel } from "./report";
import { decode, encode, Wire } from "./wire";

export interface Message {
  t: "call" | "ret" | "err" | "reset";
  /** A reset's number: its answer carries it back (resync). */
  n?: number;
  id?: string;
  cb?: number;
  args?: Wire[];
  value?: Wire;
  message?: string;
}

// Taken at load, before any student cell can replace them.
const { openSync, readSync, writeSync } = fs;
const parse = JSON.parse;
const stringify = JSON.stringify;

/** The other side asked to start again (a call of its was cut off mid-way): what was being computed is dropped. */
export class ResetSignal extends Error {
  constructor(readonly n: number) {
    super("the kernel dropped its call");
    this.name = "ResetSignal";
  }
}

/** One JSON message per line over a pair of file descriptors, read and written synchronously. */
export class LineChannel {
  private pending: Buffer = Buffer.alloc(0);
  constructor(
    private readonly readFd: number,
    private readonly writeFd: number,
  ) {}

  send(m: Message): void {
    const b = Buffer.from(stringify(m) + "\n", "utf8");
    for (let off = 0; off < b.length;) off += writeSync(this.writeFd, b, off, b.length - off);
  }

  /**
   * The next message. Each read is searched for the end of the line alone, and the reads are joined once
   * (joining and searching everything read so far after every read took seconds per call for hw05's
   * datasets, ~20 MB a message: quadratic in its size).
   */
  receive(): Message {
    let nl = this.pending.indexOf(10);
    if (nl < 0) {
      const reads = [this.pending];
      let length = this.pending.length;
      for (;;) {
        const chunk = Buffer.allocUnsafe(1 << 20);
        const n = readSync(this.readFd, chunk, 0, chunk.length, null);
        if (n === 0) throw new Error("the grader's reference process ended");
        const got = chunk.subarray(0, n);
        const at = got.indexOf(10);
        reads.push(got);
        if (at >= 0) {
          nl = length + at;
          break;
        }
        length += n;
      }
      this.pending = Buffer.concat(reads);
    }
    const line = this.pending.subarray(0, nl).toString("utf8");
    this.pending = this.pending.subarray(nl + 1);
    return parse(line) as Message;
  }

  /**
   * Starts the conversation again after a call of this side was cut off mid-way (a check's time limit ends a
   * student's call wherever it is, also inside a call to the grader, and no `finally` runs): a reset (after a
   * newline, which ends a line the cut-off call may have left half written) that the other side answers once
   * it has dropped what it was computing; everything read before that answer is stale.
   */
  resync(n: number): void {
    const b = Buffer.from("\n" + stringify({ t: "reset", n }) + "\n", "utf8");
    for (let off = 0; off < b.length;) off += writeSync(this.writeFd, b, off, b.length - off);
    for (;;) {
      let m: Message;
      try {
        m = this.receive();
      } catch (e) {
        if (e instanceof SyntaxError) continue; // (a stale line)
        throw e;
      }
      if (m.t === "reset" && m.n === n) return;
    }
  }

  /**
   * Sends a call and waits for its answer, serving the calls the other side makes meanwhile
   * (`serve`: a callback into this side, answered with its value or its error).
   */
  request(m: Message, serve: (m: Message) => unknown): unknown {
    this.send(m);
    for (;;) {
      const r = this.receive();
      if (r.t === "reset") throw new ResetSignal(r.n ?? 0);
      if (r.t === "call") {
        try {
          this.send({ t: "ret", value: encode(serve(r), "the value returned") });
        } catch (e) {
          if (e instanceof ResetSignal) throw e;
          this.send({ t: "err", message: e instanceof Error ? e.message : String(e) });
        }
      } else if (r.t === "err") throw new Error(r.message);
      else return r;
    }
  }
}

/** Functions inside the arguments become {$cb: n} (called back by number); the rest is data. */
export function markCallbacks(
  v: unknown,
  fns: Map<number, (...a: unknown[]) => unknown>,
  next: { n: number },
): unknown {
  if (typeof v === "function") {
    const n = next.n++;
    fns.set(n, v as (...a: unknown[]) => unknown);
    return { $cb: n };
  }
  if (Array.isArray(v)) return v.map((x) => markCallbacks(x, fns, next));
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype)
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markCallbacks(x, fns, next)]));
  return v;
}

/** What the reference left in an argument, copied back into the caller's value (arrays, typed arrays, matrices). */
export function copyBack(into: unknown, from: unknown): void {
  const dataOf = (v: unknown) =>
    ArrayBuffer.isView((v as { data?: unknown })?.data) ? (v as { data: unknown }).data : v;
  const target = dataOf(into);
  const source = dataOf(from);
  if (ArrayBuffer.isView(target) && ArrayBuffer.isView(source)) {
    const t = target as unknown as Float64Array;
    const s = source as unknown as Float64Array;
    if (t.length === s.length) t.set(s);
  } else if (Array.isArray(target) && Array.isArray(source) && target.length === source.length) {
    source.forEach((x, i) => {
      if (typeof x === "number") target[i] = x;
      else copyBack(target[i], x);
    });
  }
}

let channel: LineChannel | null = null;
const callbacks = new Map<number, (...a: unknown[]) => unknown>();
const counter = { n: 0 };
const clock = performance.now.bind(performance); // (taken at load, like the fs functions above)
/** Milliseconds spent waiting for the grader in byGrader calls, less the callbacks it made into the kernel. */
let served = 0;
/** byGrader calls in progress (nested through callbacks); more than a call's guard saw before it: cut off. */
let depth = 0;
/** A call to the grader was cut off mid-way: the channel must be reset before the next one. */
let dirty = false;
let resets = 0;

/** The calls to the grader in progress now (guardedCaller notes it before a student's call). */
export function callsInProgress(): number {
  return depth;
}

/**
 * After a student's call was cut off (a time limit): if it was inside calls to the grader (more in progress
 * than `before`), they were dropped mid-way, and the next call resets the channel first (LineChannel.resync).
 */
export function afterCutOff(before: number): void {
  if (depth <= before) return;
  depth = before;
  dirty = true;
}

/**
 * How long the kernel has waited for the grader in byGrader calls so far (ms; the time of the callbacks
 * the grader made meanwhile, which is the kernel's own work, not included). A check does not count it
 * against the student's time limit (check.ts, guardedCaller): it is the grader's, and grows with the
 * machine's load (each callback is a round trip between two processes).
 */
export function servedTime(): number {
  return served;
}

/**
 * The value of exercise `id`'s reference on `args`, computed by the grader (only at grading, only for
 * an exercise whose solution cell stopped the kernel: see the module's comment).
 */
export function byGrader(id: string, args: ArrayLike<unknown>): unknown {
  if (!channel) {
    const paths = graderChannel();
    if (!paths) throw new Error(`${id}: hw.byGrader works only when the grader reruns a notebook (npm run grade)`);
    // The order matters: the grader's process opens the request pipe first, then the response pipe.
    const w = openSync(paths.request, "w");
    const r = openSync(paths.response, "r");
    channel = new LineChannel(r, w);
  }
  const mine: number[] = [];
  const before = counter.n;
  const sent = Array.from(args);
  const marked = sent.map((a) => markCallbacks(a, callbacks, counter));
  for (let n = before; n < counter.n; n++) mine.push(n);
  if (dirty && depth === 0) {
    channel.resync(++resets);
    dirty = false;
  }
  const t0 = clock();
  let inCallbacks = 0;
  depth++;
  try {
    const reply = channel.request(
      { t: "call", id, args: marked.map((a, i) => encode(a, `argument ${i + 1}`)) },
      (m) => {
        const fn = callbacks.get(m.cb ?? -1);
        if (!fn) throw new Error(`no callback ${String(m.cb)}`);
        const c0 = clock();
        try {
          return fn(...((m.args ?? []).map(decode) as unknown[]));
        } finally {
          inCallbacks += clock() - c0;
        }
      },
    ) as Message;
    (reply.args ?? []).forEach((a, i) => copyBack(sent[i], decode(a)));
    return decode(reply.value ?? null);
  } finally {
    depth--;
    served += Math.max(0, clock() - t0 - inCallbacks);
    for (const n of mine) callbacks.delete(n);
  }
}
