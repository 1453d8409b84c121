/**
 * Entry point of one sandbox process. Started by the pool as
 * `deno run --allow-read=<asset dir> child.ts <serve|snapshot> <asset dir>`
 * with nothing else allowed. Its main thread never runs untrusted code: it
 * runs programs in a Pyodide worker whose interpreter is sealed off from JS
 * and put back after every program (see `child_worker.ts`), sends it one
 * case at a time, keeps the clock (the interrupt at the deadline,
 * `terminate()` after a grace period), checks every reply, and replaces the
 * worker when it could not put its interpreter back. It exits as soon as its
 * stdin closes, so it never outlives the parent.
 *
 * In `serve` mode it reads JSON-line `ParentMessage`s on stdin (the first
 * one is the key) and writes signed JSON-line `ChildEvent`s on stdout. In
 * `snapshot` mode it writes the memory snapshot bytes on stdout and exits.
 *
 * @module
 */

import {
  type BatchMessage,
  type ChildEvent,
  CONTROL,
  CONTROL_BYTES,
  isRunResult,
  type ParentMessage,
  RUNTIME_WASM,
  type SnapshotReply,
  type WorkerReply,
  type WorkerRequest,
} from "./child_protocol.ts";
import type { RunResult } from "./sandbox.ts";
import { HARNESS_SOURCE, WARM_MODULES } from "./harness_py.ts";
import { textLines } from "../core/text_lines.ts";

const [mode, assetDir, graceArg = "250"] = Deno.args as ["serve" | "snapshot", string, string];
const killGraceMs = Number(graceArg);
const encoder = new TextEncoder();

function writeAll(bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stdout.writeSync(bytes.subarray(offset));
}

function startWorker(): Worker {
  // The worker's source is copied into the asset directory, the only place this process may read.
  return new Worker(`file://${assetDir}child_worker.ts`, { type: "module" });
}

/** One Pyodide worker: one request at a time, exactly one reply to each. */
class PyWorker {
  readonly worker = startWorker();
  readonly control = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
  /** Set when the worker sent something nobody asked for, or failed. */
  broken: string | undefined;
  #waiting: ((reply: WorkerReply | undefined) => void) | undefined;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (!waiting) this.broken ??= "the worker sent a message nobody asked for";
      waiting?.(event.data);
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.broken ??= `the worker failed: ${event.message}`;
      this.#waiting?.(undefined);
      this.#waiting = undefined;
    };
  }

  /** Post `request`; the reply, or `undefined` when the worker broke or was terminated. */
  ask(request: WorkerRequest, transfer: Transferable[] = []): Promise<WorkerReply | undefined> {
    if (this.broken) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.worker.postMessage(request, transfer);
    });
  }

  terminate(reason: string): void {
    this.broken ??= reason;
    this.worker.terminate();
    this.#waiting?.(undefined);
    this.#waiting = undefined;
  }
}

async function snapshot(): Promise<void> {
  const worker = startWorker();
  worker.onmessage = (event: MessageEvent<SnapshotReply | WorkerReply>) => {
    const reply = event.data;
    if (reply.ev === "snapshot") {
      writeAll(reply.bytes);
      Deno.exit(0);
    }
    console.error(reply.ev === "fatal" ? reply.message : `unexpected reply ${reply.ev}`);
    Deno.exit(1);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    console.error(event.message);
    Deno.exit(1);
  };
  const request: WorkerRequest = {
    op: "snapshot",
    assetDir,
    harness: HARNESS_SOURCE,
    warmModules: WARM_MODULES,
  };
  worker.postMessage(request);
  await new Promise(() => {});
}

async function serve(): Promise<void> {
  const messages = textLines(Deno.stdin.readable)[Symbol.asyncIterator]();
  const first = await messages.next();
  const hello = first.done ? undefined : parse(first.value);
  if (hello?.op !== "key" || typeof hello.key !== "string") Deno.exit(1);
  const key = hello.key;
  let seq = 0;
  const send = (event: ChildEvent) =>
    writeAll(encoder.encode(JSON.stringify({ key, seq: seq++, ...event }) + "\n"));

  const started = performance.now();
  const wasm = await Deno.readFile(`${assetDir}${RUNTIME_WASM}`);
  const module = await WebAssembly.compile(wasm);

  // The snapshot is shared with the workers, not copied into each (a copy costs more than the
  // restore); it is compared with this thread's private copy before and after every boot, and no
  // program's worker is alive during a boot, so no program can change what the next one starts from.
  const pristine = await Deno.readFile(`${assetDir}snapshot.bin`);
  const snapshot = new Uint8Array(new SharedArrayBuffer(pristine.length));
  snapshot.set(pristine);

  /** A worker with a fresh interpreter restored from the snapshot. */
  const boot = async (attempt = 0): Promise<PyWorker> => {
    if (!sameBytes(snapshot, pristine)) snapshot.set(pristine);
    const worker = new PyWorker();
    const reply = await worker.ask({
      op: "init",
      assetDir,
      module,
      snapshot,
      control: worker.control.buffer as SharedArrayBuffer,
    });
    if (reply?.ev !== "ready") {
      worker.terminate("boot failed");
      throw new Error(reply?.ev === "fatal" ? reply.message : worker.broken ?? "boot failed");
    }
    if (!sameBytes(snapshot, pristine)) {
      worker.terminate("the snapshot changed while it booted");
      if (attempt > 0) throw new Error("the snapshot keeps changing");
      return await boot(attempt + 1);
    }
    return worker;
  };
  /** A sealed worker whose interpreter was put back after its last program. */
  let idle: PyWorker | undefined;
  /** Booted only while no program runs (after the last worker was terminated). */
  let spare: Promise<PyWorker> | undefined;
  const take = (): Promise<PyWorker> => {
    if (idle) {
      const worker = idle;
      idle = undefined;
      return Promise.resolve(worker);
    }
    const worker = spare ?? boot();
    spare = undefined;
    return worker;
  };
  /** After a program: keep the worker if it put its interpreter back, else replace it. */
  const release = async (worker: PyWorker): Promise<void> => {
    const timer = setTimeout(() => worker.terminate("the worker did not restore"), RESTORE_MS);
    const reply = await worker.ask({ op: "restore" });
    clearTimeout(timer);
    if (reply?.ev === "restored" && reply.reusable === true && !worker.broken) {
      idle = worker;
      return;
    }
    worker.terminate("spent");
    spare = boot();
    spare.catch(() => {});
  };
  const held = () => (idle ? 1 : 0) + (spare ? 1 : 0);
  try {
    // V8 tiers the shared wasm code up as it runs; warm it once so the first programs are timed fairly.
    const warm = await take();
    await warm.ask({ op: "program", code: WARM_UP_PROGRAM, files: {} });
    for (let i = 0; i < 3; i++) {
      await warm.ask({
        op: "case",
        i,
        stdin: "",
        outputLimitBytes: 1 << 20,
        memoryLimitBytes: 1 << 30,
      });
    }
    await release(warm);
    await take().then((worker) => idle = worker);
  } catch (error) {
    send({ ev: "fatal", message: String((error as Error)?.stack ?? error) });
    Deno.exit(1);
  }
  send({ ev: "ready", loadMs: performance.now() - started });

  let cancelled = -1;
  let running: Promise<void> = Promise.resolve();
  for (;;) {
    let next: IteratorResult<string>;
    try {
      next = await messages.next();
    } catch {
      Deno.exit(1);
    }
    if (next.done) break;
    const message = parse(next.value);
    if (message?.op === "batch") {
      send({ ev: "accepted", id: message.id });
      running = running.then(() =>
        runBatch(message, { take, release, held }, send, () => cancelled === message.id)
      );
    } else if (message?.op === "cancel") {
      cancelled = message.id;
    } else if (next.value.trim() !== "") {
      // A line the parent never sends: stdin was read by someone else. Give up this process.
      Deno.exit(1);
    }
  }
  Deno.exit(0);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  const aligned = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0;
  const words = aligned ? a.length >> 2 : 0;
  const x = new Int32Array(a.buffer, a.byteOffset, words);
  const y = new Int32Array(b.buffer, b.byteOffset, words);
  for (let i = 0; i < words; i++) if (x[i] !== y[i]) return false;
  for (let i = words << 2; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function parse(line: string): ParentMessage | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** How long a worker may take to put its interpreter back. */
const RESTORE_MS = 5000;

const WARM_UP_PROGRAM = `d = {}
for i in range(60000):
    d[i % 100] = d.get(i % 100, 0) + i * i % 7
s = sorted(str(i) for i in range(20000))
`;

/** Where a batch gets its worker, where it gives it back, and how many the process holds. */
interface Workers {
  take(): Promise<PyWorker>;
  release(worker: PyWorker): Promise<void>;
  held(): number;
}

async function runBatch(
  msg: BatchMessage,
  workers: Workers,
  send: (event: ChildEvent) => void,
  isCancelled: () => boolean,
): Promise<void> {
  let worker: PyWorker | undefined;
  try {
    for (let i = msg.start; i < msg.inputs.length && !isCancelled(); i++) {
      if (!worker) {
        worker = await workers.take();
        const reply = await worker.ask({ op: "program", code: msg.code, files: msg.files });
        if (reply?.ev !== "program") throw new Error(worker.broken ?? "the program was not set");
      }
      send({ ev: "start", id: msg.id, i });
      const { r, dead } = await runCase(worker, msg, i);
      send({ ev: "result", id: msg.id, i, r });
      if (dead) {
        await workers.release(worker);
        worker = undefined;
      }
    }
  } catch (error) {
    worker?.terminate("failed");
    send({ ev: "fatal", message: String((error as Error)?.message ?? error) });
    Deno.exit(1);
  }
  if (worker) await workers.release(worker);
  send({ ev: "done", id: msg.id, workers: workers.held() });
}

/** Run case `i` on `worker` under this thread's clock; the worker only says what the program did. */
async function runCase(
  worker: PyWorker,
  msg: BatchMessage,
  i: number,
): Promise<{ r: RunResult; dead: boolean }> {
  const started = performance.now();
  const interrupt = setTimeout(
    () => Atomics.store(worker.control, CONTROL.signal, 2),
    msg.timeLimitMs,
  );
  const kill = setTimeout(
    () => worker.terminate("time limit exceeded"),
    msg.timeLimitMs + killGraceMs,
  );
  const reply = await worker.ask({
    op: "case",
    i,
    stdin: msg.inputs[i],
    outputLimitBytes: msg.outputLimitBytes,
    memoryLimitBytes: msg.memoryLimitBytes,
  });
  clearTimeout(interrupt);
  clearTimeout(kill);
  const wallMs = performance.now() - started;
  const timedOut = wallMs > msg.timeLimitMs;
  if (
    reply?.ev !== "result" || reply.i !== i || typeof reply.dead !== "boolean" ||
    !isRunResult(reply.r, msg.outputLimitBytes) || worker.broken
  ) {
    const reason = worker.broken ?? "the worker sent a malformed result";
    worker.terminate(reason);
    const status = timedOut ? "timeout" : "crash";
    const error = timedOut ? "time limit exceeded" : `sandbox worker: ${reason}`;
    return { r: { status, exitCode: null, stdout: "", stderr: "", wallMs, error }, dead: true };
  }
  const r: RunResult = { ...reply.r, wallMs };
  if (timedOut) {
    Object.assign(r, { status: "timeout", exitCode: null, error: "time limit exceeded" });
  } else if (r.status === "timeout") {
    // Not this thread's interrupt: the program raised KeyboardInterrupt itself.
    Object.assign(r, { status: "exception", exitCode: 1, error: "KeyboardInterrupt" });
  }
  return { r, dead: reply.dead };
}

if (mode === "snapshot") await snapshot();
else await serve();
