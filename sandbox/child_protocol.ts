/**
 * Messages between the pool (parent), a sandbox process (`child.ts`) and the
 * Pyodide worker that runs one program inside it. Parent and child speak
 * JSON lines over the child's stdin and stdout; the child's main thread and
 * the worker use `postMessage` plus a shared `Int32Array` for the interrupt.
 *
 * The worker runs untrusted code, so everything it sends is checked by the
 * child's main thread, and every line the child writes carries a secret the
 * worker never sees (see `sandbox/README.md`).
 *
 * Permissions: none.
 *
 * @module
 */

import type { RunResult, RunStatus } from "./sandbox.ts";

/**
 * The asset directory keeps the real runtime as `runtime.wasm` (compiled once
 * per process by the child) and an empty module as `pyodide.asm.wasm`, which
 * is all Pyodide reads in each worker; the worker swaps in the compiled one.
 */
export const RUNTIME_WASM = "runtime.wasm";

/** The empty module in place of `pyodide.asm.wasm`: only the header. */
export const PLACEHOLDER_WASM = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

/** Slots of the shared control array. */
export const CONTROL = {
  /** Pyodide's interrupt buffer: 2 raises `KeyboardInterrupt`. */
  signal: 0,
} as const;

/** Bytes of the shared control buffer. */
export const CONTROL_BYTES = 4;

/** A batch as sent to the child. */
export interface BatchMessage {
  op: "batch";
  id: number;
  code: string;
  inputs: string[];
  /** Index of the first input to run (after a kill, the pool resumes). */
  start: number;
  timeLimitMs: number;
  outputLimitBytes: number;
  memoryLimitBytes: number;
  files: Record<string, string>;
}

/**
 * Parent to child. The first line is always `{"op":"key"}`: the secret the
 * child signs its events with, sent before any worker exists.
 */
export type ParentMessage =
  | { op: "key"; key: string }
  | BatchMessage
  | { op: "cancel"; id: number };

/** Child to parent, before signing. */
export type ChildEvent =
  | { ev: "ready"; loadMs: number }
  | { ev: "accepted"; id: number }
  | { ev: "start"; id: number; i: number }
  | { ev: "result"; id: number; i: number; r: RunResult }
  /** `workers`: Pyodide workers the child holds now (a spare being prepared). */
  | { ev: "done"; id: number; workers: number }
  | { ev: "fatal"; message: string };

/** A child event as written on stdout: the key and a sequence number, then the event. */
export type SignedEvent = ChildEvent & { key: string; seq: number };

/** Child's main thread to worker. */
export type WorkerRequest =
  | {
    op: "init";
    assetDir: string;
    module: WebAssembly.Module;
    /** The memory snapshot, shared (see `child.ts`). */
    snapshot: Uint8Array;
    control: SharedArrayBuffer;
  }
  | { op: "snapshot"; assetDir: string; harness: string; warmModules: string[] }
  | { op: "program"; code: string; files: Record<string, string> }
  | { op: "case"; i: number; stdin: string; outputLimitBytes: number; memoryLimitBytes: number }
  /** Put the interpreter back as sealed, for the next program. */
  | { op: "restore" };

/** Worker to child's main thread. */
export type WorkerReply =
  | { ev: "ready" }
  | { ev: "program"; compileError: string | null }
  /** `dead`: the interpreter cannot run another case (`os._exit`, a crash). */
  | { ev: "result"; i: number; r: RunResult; dead: boolean }
  /** `reusable`: the interpreter is as sealed again; if not, `spent` says why the worker must go. */
  | { ev: "restored"; reusable: boolean; spent?: string }
  | { ev: "fatal"; message: string };

/** The worker in snapshot mode: the memory snapshot bytes. */
export type SnapshotReply = { ev: "snapshot"; bytes: Uint8Array };

/** The longest line a child may write (a result carries up to two capped, JSON-escaped streams). */
export const MAX_EVENT_CHARS = 2 ** 28;

const STATUSES: ReadonlySet<RunStatus> = new Set([
  "ok",
  "exit",
  "exception",
  "timeout",
  "memory_limit",
  "output_limit",
  "crash",
]);

/**
 * Whether `value` is a well-formed {@linkcode RunResult} whose streams fit
 * `outputLimitBytes` (decoded text never has more UTF-16 units than bytes).
 */
export function isRunResult(value: unknown, outputLimitBytes: number): value is RunResult {
  const r = value as Partial<RunResult> | null;
  return typeof r === "object" && r !== null &&
    STATUSES.has(r.status as RunStatus) &&
    (r.exitCode === null || Number.isSafeInteger(r.exitCode)) &&
    typeof r.stdout === "string" && r.stdout.length <= outputLimitBytes &&
    typeof r.stderr === "string" && r.stderr.length <= outputLimitBytes &&
    typeof r.wallMs === "number" && Number.isFinite(r.wallMs) && r.wallMs >= 0 &&
    (r.error === undefined || (typeof r.error === "string" && r.error.length <= 65536)) &&
    (r.phase === undefined || r.phase === "compile" || r.phase === "run");
}
