/**
 * The `Sandbox` interface: run untrusted Python with stdin, files, a time
 * limit and an output cap, and say how and why it stopped.
 *
 * Permissions: none (types and a pure helper only).
 *
 * @module
 */

/**
 * The longest time limit a run may have. JS timers fire at once past
 * 2^31 - 1 ms, so longer limits are clamped to this (an hour below it, room
 * for grace periods).
 */
export const MAX_TIME_LIMIT_MS = 2 ** 31 - 1 - 3_600_000;

/** One program run. */
export interface RunRequest {
  /** Python source, run as `__main__`. */
  code: string;
  /** Bytes on standard input (UTF-8). Empty when absent. */
  stdin?: string;
  /** Files written into the sandbox's working directory before the run. */
  files?: Record<string, string>;
  /** Wall-clock limit of the run, in milliseconds. */
  timeLimitMs: number;
  /** Cap on stdout (and separately stderr), in bytes. */
  outputLimitBytes?: number;
  /** Memory cap, in MiB; a sandbox may only lower its own fixed cap. */
  memoryLimitMiB?: number;
}

/** Why a run stopped. */
export type RunStatus =
  | "ok"
  | "exit"
  | "exception"
  | "timeout"
  | "memory_limit"
  | "output_limit"
  | "crash";

/** The outcome of one run. */
export interface RunResult {
  /**
   * `ok`: ran to the end; `exit`: `sys.exit()` or `os._exit()` (see
   * `exitCode`); `exception`: uncaught exception (see `error`); `timeout`,
   * `memory_limit`, `output_limit`: a limit stopped it; `crash`: the sandbox
   * process died under it.
   */
  status: RunStatus;
  /** 0 for `ok`, the exit code for `exit`, 1 for `exception`, else `null`. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Wall time of the program itself, in milliseconds. */
  wallMs: number;
  /** `"Type: message"` of the uncaught exception, or why it crashed. */
  error?: string;
  /** `compile` when the source did not compile (a `SyntaxError`). */
  phase?: "compile" | "run";
}

/**
 * The same program run once per input, each as a fresh `__main__` with that
 * input on stdin, inside one fresh interpreter.
 */
export interface BatchRequest {
  code: string;
  /** One stdin per run. */
  inputs: string[];
  /** Wall-clock limit of each run, in milliseconds. */
  timeLimitMs: number;
  outputLimitBytes?: number;
  memoryLimitMiB?: number;
  files?: Record<string, string>;
}

/**
 * Called after each run of a batch; return `false` to skip the remaining
 * inputs.
 */
export type BatchListener = (index: number, result: RunResult) => boolean | void;

/** Something that runs untrusted Python. */
export interface Sandbox extends AsyncDisposable {
  /** Name recorded in results, e.g. `pyodide-314.0.7`. */
  readonly name: string;
  /** Run one program. Never throws for a misbehaving program. */
  run(req: RunRequest): Promise<RunResult>;
  /**
   * Run one program over many inputs. Returns one result per input that ran,
   * in order; fewer than `inputs.length` when the listener stopped it.
   */
  runBatch?(req: BatchRequest, onResult?: BatchListener): Promise<RunResult[]>;
  /** Stop every process the sandbox started. */
  close(): Promise<void>;
}

/**
 * Run a batch through `sandbox.runBatch` when it has one, else one `run` per
 * input.
 *
 * @example
 * ```ts ignore
 * const results = await runBatch(sandbox, { code, inputs: ["1\n", "2\n"], timeLimitMs: 1000 });
 * ```
 */
export async function runBatch(
  sandbox: Sandbox,
  req: BatchRequest,
  onResult?: BatchListener,
): Promise<RunResult[]> {
  if (sandbox.runBatch) return await sandbox.runBatch(req, onResult);
  const results: RunResult[] = [];
  for (const [index, stdin] of req.inputs.entries()) {
    const result = await sandbox.run({
      code: req.code,
      stdin,
      files: req.files,
      timeLimitMs: req.timeLimitMs,
      outputLimitBytes: req.outputLimitBytes,
      memoryLimitMiB: req.memoryLimitMiB,
    });
    results.push(result);
    if (onResult?.(index, result) === false) break;
  }
  return results;
}

/** The sandbox itself failed (could not start, or broke its protocol). */
export class SandboxError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SandboxError";
  }
}
