/**
 * Messages between the pool (parent), a sandbox process (`child.ts`) and the
 * Pyodide worker inside it. Parent and child speak JSON lines over the
 * child's stdin and stdout; child and worker use `postMessage` plus a shared
 * `Int32Array` for the interrupt, the cancel flag and the running case.
 *
 * Permissions: none.
 *
 * @module
 */

import type { RunResult } from "./sandbox.ts";

/** Slots of the shared control array. */
export const CONTROL = {
  /** Pyodide's interrupt buffer: 2 raises `KeyboardInterrupt`. */
  signal: 0,
  /** 1 asks the worker to skip the remaining cases of the batch. */
  cancel: 1,
  /** Index of the case now running, -1 between cases. */
  current: 2,
  /** Index of the case the watchdog interrupted, -1 when none. */
  interrupted: 3,
} as const;

/** Bytes of the shared control buffer. */
export const CONTROL_BYTES = 16;

/** A batch as sent to the child (and on to the worker). */
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

/** Parent to child. */
export type ParentMessage = BatchMessage | { op: "cancel"; id: number };

/** Child to parent (and worker to child). */
export type ChildEvent =
  | { ev: "ready"; loadMs: number }
  | { ev: "start"; id: number; i: number }
  | { ev: "result"; id: number; i: number; r: RunResult }
  | { ev: "done"; id: number; heapBytes: number; recycle: boolean }
  | { ev: "fatal"; message: string };

/** Child to worker, besides batches. */
export type WorkerInit = {
  op: "init";
  mode: "serve" | "snapshot";
  assetDir: string;
  control: SharedArrayBuffer;
  harness: string;
  warmModules: string[];
  /** `snapshot`: a fresh interpreter per program; `reset`: reuse one that passed the clean check. */
  isolation: "snapshot" | "reset";
  /** With `reset`, a fresh interpreter after this many programs anyway. */
  restoreEvery: number;
};
