/**
 * Entry point of one sandbox process. Started by the pool as
 * `deno run --allow-read=<asset dir> child.ts <serve|snapshot> <asset dir>`
 * with nothing else allowed. It runs Pyodide in a worker and keeps its own
 * thread free to watch the clock: on a case's deadline it writes the
 * interrupt buffer; the parent SIGKILLs the whole process if that does not
 * stop the case. It exits as soon as its stdin closes, so it never outlives
 * the parent.
 *
 * In `serve` mode it reads JSON-line `ParentMessage`s on stdin and writes
 * JSON-line `ChildEvent`s on stdout. In `snapshot` mode it writes the memory
 * snapshot bytes on stdout and exits.
 *
 * @module
 */

import {
  type BatchMessage,
  type ChildEvent,
  CONTROL,
  CONTROL_BYTES,
  type ParentMessage,
  type WorkerInit,
} from "./child_protocol.ts";
import { textLines } from "../core/text_lines.ts";
import { HARNESS_SOURCE, WARM_MODULES } from "./harness_py.ts";

const [mode, assetDir, isolation = "reset", restoreEvery = "64"] = Deno.args as [
  "serve" | "snapshot",
  string,
  "snapshot" | "reset",
  string,
];
const encoder = new TextEncoder();
const control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
control[CONTROL.current] = -1;
control[CONTROL.interrupted] = -1;

function writeAll(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
}

function send(event: ChildEvent): void {
  writeAll(encoder.encode(JSON.stringify(event) + "\n"));
}

// The worker's source is copied into the asset directory, the only place this process may read.
const worker = new Worker(`file://${assetDir}child_worker.ts`, { type: "module" });
let batch: BatchMessage | undefined;
let deadline: ReturnType<typeof setTimeout> | undefined;

worker.onmessage = (event: MessageEvent<ChildEvent | { ev: "snapshot"; bytes: Uint8Array }>) => {
  const msg = event.data;
  if (msg.ev === "snapshot") {
    writeAll(msg.bytes);
    Deno.exit(0);
  }
  if (msg.ev === "start" && batch) {
    clearTimeout(deadline);
    const index = msg.i;
    deadline = setTimeout(() => {
      if (Atomics.load(control, CONTROL.current) !== index) return;
      Atomics.store(control, CONTROL.interrupted, index);
      Atomics.store(control, CONTROL.signal, 2);
    }, batch.timeLimitMs);
  } else if (msg.ev === "result" || msg.ev === "done") {
    clearTimeout(deadline);
  }
  send(msg);
  if (msg.ev === "fatal" && mode === "snapshot") Deno.exit(1);
};
worker.onerror = (event) => {
  event.preventDefault();
  send({ ev: "fatal", message: String(event.message) });
  Deno.exit(1);
};

const init: WorkerInit = {
  op: "init",
  mode,
  assetDir,
  control: control.buffer as SharedArrayBuffer,
  harness: HARNESS_SOURCE,
  warmModules: WARM_MODULES,
  isolation,
  restoreEvery: Number(restoreEvery),
};
worker.postMessage(init);

async function serve(): Promise<void> {
  for await (const line of textLines(Deno.stdin.readable)) {
    if (line.trim() === "") continue;
    const msg = JSON.parse(line) as ParentMessage;
    if (msg.op === "batch") {
      batch = msg;
      Atomics.store(control, CONTROL.cancel, 0);
      worker.postMessage(msg);
    } else if (msg.op === "cancel" && batch?.id === msg.id) {
      Atomics.store(control, CONTROL.cancel, 1);
    }
  }
  Deno.exit(0);
}

if (mode === "serve") await serve();
