/**
 * The one place that talks to the notebook: send a whole MIME bundle as ONE display message.
 *
 * tslab's public `display` sends one MIME type per message, but its kernel keeps the writer of the
 * running cell in `require("tslab/dist/jupyter").lastWriteDisplayData`, which accepts a complete
 * `{ data, metadata, transient: { display_id } }` message and an `update` flag (true sends
 * `update_display_data`, which redraws an earlier display with the same id in place).
 * Tests swap in a fake writer with `setDisplayWriter`.
 */
import { randomBytes } from "crypto";

/** MIME type → content (strings; JSON types as objects). */
export type MimeBundle = { [mime: string]: unknown };

/** What a kernel writer receives. */
export interface DisplayMessage {
  data: MimeBundle;
  metadata: { [key: string]: unknown };
  transient: { display_id?: string };
}

/** Sends one message; `update` = true means update_display_data instead of display_data. */
export type DisplayWriter = (message: DisplayMessage, update: boolean) => void;

let override: DisplayWriter | null = null;

interface TslabJupyter {
  lastWriteDisplayData: DisplayWriter | null;
  JupyterHandlerImpl?: { prototype: { handleKernel?: (...args: unknown[]) => unknown } };
}

/**
 * tslab's kernel module, if this process is a tslab kernel (then tslab has loaded it already).
 * Not loaded otherwise: it pulls in tslab's TypeScript compiler, which plain node scripts don't need.
 */
function tslabJupyter(): TslabJupyter | null {
  try {
    const file = require.resolve("tslab/dist/jupyter");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require.cache[file] ? (require(file) as TslabJupyter) : null;
  } catch {
    return null;
  }
}

/** Use `writer` instead of the kernel's (for tests); `null` restores the kernel's writer. */
export function setDisplayWriter(writer: DisplayWriter | null): void {
  override = writer;
}

/** The writer of the running cell, or null outside a tslab kernel (e.g. under node or tsx). */
export function displayWriter(): DisplayWriter | null {
  patchKernelInfo();
  if (override) return override;
  const j = tslabJupyter();
  return j && typeof j.lastWriteDisplayData === "function" ? j.lastWriteDisplayData : null;
}

/** A fresh display id (16 hex digits), for displays that are later updated in place. */
export function newDisplayId(): string {
  return randomBytes(8).toString("hex");
}

/**
 * Send `data` (every MIME type at once) as one display. With `displayId` the display can be
 * redrawn later by calling again with the same id and `update: true`.
 * Returns false when there is no notebook to send to.
 */
export function displayBundle(
  data: MimeBundle,
  options: { displayId?: string; update?: boolean; metadata?: { [key: string]: unknown } } = {},
): boolean {
  const write = displayWriter();
  if (!write) return false;
  if (options.update && !options.displayId)
    throw new Error("displayBundle: update needs the displayId of the display to redraw");
  const transient: { display_id?: string } = {};
  if (options.displayId) transient.display_id = options.displayId;
  write({ data, metadata: options.metadata ?? {}, transient }, options.update === true);
  return true;
}

/** Kept on globalThis so a re-imported copy of this module shares the list with the patched kernel. */
const LISTENERS = "__descentFrontendListeners";
function frontendListeners(): Array<() => void> {
  const g = globalThis as unknown as { [LISTENERS]?: Array<() => void> };
  return (g[LISTENERS] ??= []);
}

/**
 * Call `listener` whenever a front end (re)connects to this kernel — a notebook page sends
 * kernel_info_request when it loads or reloads — so that page-level resources (the vega libraries)
 * can be sent again. Patches tslab's handler once; does nothing outside tslab.
 */
export function onFrontendConnect(listener: () => void): void {
  frontendListeners().push(listener);
  patchKernelInfo();
}

/** Wrap tslab's kernel_info handler (once per process) to call the listeners. */
function patchKernelInfo(): void {
  const j = tslabJupyter();
  const proto = j?.JupyterHandlerImpl?.prototype;
  if (!proto || typeof proto.handleKernel !== "function") return;
  const marked = proto as { handleKernel: (...args: unknown[]) => unknown; __descentPatched?: boolean };
  if (marked.__descentPatched) return;
  const original = marked.handleKernel;
  marked.handleKernel = function (this: unknown, ...args: unknown[]) {
    for (const l of frontendListeners()) {
      try {
        l();
      } catch {
        /* a listener must never break kernel_info */
      }
    }
    return original.apply(this, args);
  };
  marked.__descentPatched = true;
}
