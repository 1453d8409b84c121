/**
 * The Pyodide sandbox: a pool of sandbox processes, each a `deno run` that may
 * read the Pyodide assets and nothing else (no net, env, write, run, ffi or
 * sys). Every program gets a clean interpreter (a memory-snapshot restore, or
 * a reset the harness has checked); a case past its deadline is interrupted,
 * and if that does not stop it within a grace period the process is
 * SIGKILLed and replaced. Memory is capped in the wasm module itself, output
 * by the harness. No process outlives the pool: `close()`, `unload` and
 * SIGINT/SIGTERM kill them, and a child exits when its stdin closes.
 *
 * Permissions: run (`deno`), read of the Pyodide package and sandbox sources,
 * write of the cache directory.
 *
 * @module
 */

import {
  type BatchMessage,
  type ChildEvent,
  isRunResult,
  MAX_EVENT_CHARS,
  type ParentMessage,
} from "./child_protocol.ts";
import { textLines } from "../core/text_lines.ts";
import { childEntry, preparePyodideAssets, sandboxFlags } from "./pyodide_assets.ts";
import {
  type BatchListener,
  type BatchRequest,
  MAX_TIME_LIMIT_MS,
  type RunRequest,
  type RunResult,
  type Sandbox,
  SandboxError,
} from "./sandbox.ts";

/** Options of {@linkcode createPyodideSandbox}. */
export interface PyodideSandboxOptions {
  /** Sandbox processes (default: the CPU count, at most 8). */
  workers?: number;
  /** Hard memory cap of each interpreter, in MiB (default 1024). */
  memoryLimitMiB?: number;
  /** Where the capped runtime and snapshot are kept (default `<project>/.cache/pyodide/`). */
  cacheDir?: string;
  /** How long an interrupted case may take to stop before its worker is terminated (default 250 ms). */
  killGraceMs?: number;
  /** Default output cap in bytes (default 16 MiB). */
  outputLimitBytes?: number;
  /** Kill the processes on SIGINT/SIGTERM, then re-raise the signal (default true). */
  handleSignals?: boolean;
}

/** The Pyodide implementation of {@linkcode Sandbox}. */
export interface PyodideSandbox extends Sandbox {
  readonly version: string;
  readonly memoryLimitMiB: number;
  readonly cacheDir: string;
  /** Process ids of the live sandbox processes. */
  pids(): number[];
}

const START_TIMEOUT_MS = 60_000;
/** How long a child may take to acknowledge a batch (it answers at once unless stdin was stolen). */
const ACCEPT_TIMEOUT_MS = 10_000;
/** Past a case's limit and grace, how long the parent waits for the child before SIGKILL. */
const KILL_MARGIN_MS = 2_000;
const MIB = 1024 * 1024;
const encoder = new TextEncoder();

/** Where a batch segment stopped, whether its process must go, and the workers it keeps. */
type Outcome = { next: number; replace: boolean; workers: number };

/**
 * One sandbox process, seen from the parent. Every line it writes must carry
 * the key this side chose and the next sequence number, and be a well-formed
 * event: nothing else in the child (the program's worker) knows the key, so
 * any other line means the process is no longer trustworthy; it is killed,
 * and whatever it was running is run again elsewhere.
 */
class SandboxProcess {
  readonly child: Deno.ChildProcess;
  readonly ready: Promise<void>;
  #key = crypto.randomUUID();
  #seq = 0;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #onEvent: ((event: ChildEvent) => void) | undefined;
  #onExit: (() => void) | undefined;
  #stderrTail = "";
  #exited = false;
  /** Why the process was found untrustworthy, if it was. */
  forged: string | undefined;

  constructor(args: string[]) {
    this.child = new Deno.Command(Deno.execPath(), {
      args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#writer = this.child.stdin.getWriter();
    let resolveReady!: () => void;
    let rejectReady!: (error: Error) => void;
    this.ready = new Promise((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.#onEvent = (event) => {
      if (event.ev === "ready") resolveReady();
      else {
        const why = event.ev === "fatal" ? event.message : `unexpected "${event.ev}" event`;
        rejectReady(new SandboxError(`Sandbox process failed: ${why}`));
        this.kill();
      }
    };
    this.#onExit = () =>
      rejectReady(new SandboxError(`Sandbox process exited while starting: ${this.stderrTail()}`));
    this.send({ op: "key", key: this.#key }).catch(() => {});
    this.#readEvents();
    this.#readStderr();
    this.child.status.then(() => {
      this.#exited = true;
      this.#onExit?.();
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  stderrTail(): string {
    return this.#stderrTail.trim().slice(-1000) || "(no stderr)";
  }

  async #readEvents(): Promise<void> {
    try {
      for await (const line of textLines(this.child.stdout, { maxLineChars: MAX_EVENT_CHARS })) {
        const event = this.#authentic(line);
        if (!event) return this.#forgery("a line without the key, out of sequence or malformed");
        this.#onEvent?.(event);
      }
    } catch (error) {
      // Killed, or a line past the bound.
      if (!this.#exited) this.#forgery(String((error as Error)?.message ?? error));
    }
  }

  #forgery(reason: string): void {
    this.forged ??= reason;
    this.kill();
  }

  /** The event on `line` if it carries the key and the next sequence number, else undefined. */
  #authentic(line: string): ChildEvent | undefined {
    let value: Record<string, unknown>;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof value !== "object" || value === null) return undefined;
    if (value.key !== this.#key || value.seq !== this.#seq) return undefined;
    this.#seq++;
    return isChildEvent(value) ? value : undefined;
  }

  async #readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of this.child.stderr) {
        this.#stderrTail = (this.#stderrTail + decoder.decode(chunk, { stream: true })).slice(
          -4000,
        );
      }
    } catch {
      // Killed.
    }
  }

  async send(message: ParentMessage): Promise<void> {
    await this.#writer.write(encoder.encode(JSON.stringify(message) + "\n"));
  }

  listen(onEvent: (event: ChildEvent) => void, onExit: () => void): void {
    this.#onEvent = onEvent;
    this.#onExit = onExit;
    if (this.#exited) onExit();
  }

  kill(): void {
    if (this.#exited) return;
    try {
      this.child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  }

  async dispose(): Promise<void> {
    this.kill();
    await this.#writer.close().catch(() => {});
    await this.child.status;
  }
}

function isIndex(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Whether `e` has the shape of a {@linkcode ChildEvent} (results are checked against their batch). */
function isChildEvent(e: Record<string, unknown>): e is ChildEvent {
  switch (e.ev) {
    case "ready":
      return typeof e.loadMs === "number";
    case "accepted":
      return isIndex(e.id);
    case "start":
      return isIndex(e.id) && isIndex(e.i);
    case "result":
      return isIndex(e.id) && isIndex(e.i) && typeof e.r === "object" && e.r !== null;
    case "done":
      return isIndex(e.id) && isIndex(e.workers);
    case "fatal":
      return typeof e.message === "string";
    default:
      return false;
  }
}

/**
 * Whether process `pid` runs more Pyodide workers than `expected` (Deno names
 * a worker's thread `worker-<n>`). A program that reached the JS realm could
 * have started workers of its own, which outlive its terminated worker; such
 * a process is not used again. `undefined` when the threads cannot be listed
 * (no `/proc`).
 */
async function hasStrayWorkers(pid: number, expected: number): Promise<boolean | undefined> {
  // A terminated worker's thread takes a moment to exit.
  for (let attempt = 0; attempt < 20; attempt++) {
    let workers = 0;
    try {
      for await (const entry of Deno.readDir(`/proc/${pid}/task`)) {
        const name = await Deno.readTextFile(`/proc/${pid}/task/${entry.name}/comm`).catch(() =>
          ""
        );
        if (/^worker-\d+/.test(name)) workers++;
      }
    } catch {
      return undefined;
    }
    if (workers <= expected) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** Every live pool in this process, for the signal and unload handlers. */
const livePools = new Set<PyodideSandboxPool>();
let signalHandler: (() => void) | undefined;

function installHandlers(): void {
  if (signalHandler) return;
  const killAll = () => {
    for (const pool of livePools) pool.killAll();
  };
  signalHandler = () => {
    killAll();
    const signal: Deno.Signal = "SIGINT";
    removeHandlers();
    try {
      Deno.kill(Deno.pid, signal);
    } catch {
      // Without a way to re-raise, the process keeps running.
    }
  };
  Deno.addSignalListener("SIGINT", signalHandler);
  Deno.addSignalListener("SIGTERM", signalHandler);
  globalThis.addEventListener("unload", killAll);
}

function removeHandlers(): void {
  if (!signalHandler) return;
  Deno.removeSignalListener("SIGINT", signalHandler);
  Deno.removeSignalListener("SIGTERM", signalHandler);
  signalHandler = undefined;
}

class PyodideSandboxPool implements PyodideSandbox {
  readonly name: string;
  readonly version: string;
  readonly memoryLimitMiB: number;
  readonly cacheDir: string;
  #args: string[];
  #processes: SandboxProcess[] = [];
  #idle: SandboxProcess[] = [];
  #waiters: ((process: SandboxProcess | undefined) => void)[] = [];
  #failure: unknown;
  #nextId = 1;
  #closed = false;
  #killGraceMs: number;
  #outputLimitBytes: number;
  #handleSignals: boolean;

  constructor(
    assets: { dir: string; version: string; memoryLimitMiB: number },
    options: PyodideSandboxOptions,
    cacheDir: string,
  ) {
    this.version = assets.version;
    this.memoryLimitMiB = assets.memoryLimitMiB;
    this.cacheDir = cacheDir;
    this.name = `pyodide-${assets.version}`;
    this.#killGraceMs = options.killGraceMs ?? 250;
    this.#args = [
      ...sandboxFlags(assets.dir),
      childEntry(),
      "serve",
      assets.dir,
      String(this.#killGraceMs),
    ];
    this.#outputLimitBytes = options.outputLimitBytes ?? 16 * MIB;
    this.#handleSignals = options.handleSignals ?? true;
  }

  async start(workers: number): Promise<void> {
    livePools.add(this);
    if (this.#handleSignals) installHandlers();
    const started = Array.from({ length: workers }, () => this.#spawn());
    try {
      await Promise.all(started.map((p) => p.ready));
    } catch (error) {
      await this.close();
      throw error;
    }
    for (const process of started) this.#release(process);
  }

  pids(): number[] {
    return this.#processes.filter((p) => !p.exited).map((p) => p.child.pid);
  }

  #spawn(): SandboxProcess {
    const process = new SandboxProcess(this.#args);
    this.#processes.push(process);
    return process;
  }

  #release(process: SandboxProcess): void {
    if (this.#closed) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter(process);
    else this.#idle.push(process);
  }

  async #acquire(): Promise<SandboxProcess> {
    if (this.#closed) throw new SandboxError("Cannot run code: the sandbox is closed");
    const idle = this.#idle.shift();
    if (idle) return idle;
    if (this.#failure && this.#processes.every((p) => p.exited)) {
      throw new SandboxError("Cannot run code: no sandbox process could be started", {
        cause: this.#failure,
      });
    }
    const process = await new Promise<SandboxProcess | undefined>((resolve) =>
      this.#waiters.push(resolve)
    );
    if (!process) {
      throw new SandboxError("Cannot run code: a sandbox process could not be restarted", {
        cause: this.#failure,
      });
    }
    return process;
  }

  /** Replace a process (killed, crashed or asked to be recycled) with a fresh one. */
  async #replace(old: SandboxProcess): Promise<SandboxProcess> {
    this.#processes = this.#processes.filter((p) => p !== old);
    old.dispose();
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.#closed) break;
      const fresh = this.#spawn();
      try {
        await fresh.ready;
        return fresh;
      } catch (error) {
        lastError = error;
        this.#processes = this.#processes.filter((p) => p !== fresh);
        fresh.dispose();
      }
    }
    throw lastError ?? new SandboxError("Cannot run code: the sandbox is closed");
  }

  #replaceInBackground(process: SandboxProcess): void {
    this.#replace(process).then(
      (fresh) => this.#release(fresh),
      (error) => {
        this.#failure = error;
        for (const waiter of this.#waiters.splice(0)) waiter(undefined);
      },
    );
  }

  async run(req: RunRequest): Promise<RunResult> {
    const [result] = await this.runBatch({
      code: req.code,
      inputs: [req.stdin ?? ""],
      timeLimitMs: req.timeLimitMs,
      outputLimitBytes: req.outputLimitBytes,
      memoryLimitMiB: req.memoryLimitMiB,
      files: req.files,
    });
    return result;
  }

  async runBatch(req: BatchRequest, onResult?: BatchListener): Promise<RunResult[]> {
    if (!(req.timeLimitMs > 0)) {
      throw new RangeError(`Cannot run code: time limit "${req.timeLimitMs}" must be positive`);
    }
    const results: RunResult[] = [];
    let stopped = false;
    let listenerError: { error: unknown } | undefined;
    const listener = (index: number, result: RunResult): boolean => {
      if (stopped) return false;
      results[index] = result;
      try {
        if (onResult?.(index, result) === false) stopped = true;
      } catch (error) {
        listenerError ??= { error };
        stopped = true;
      }
      return !stopped;
    };
    const message: BatchMessage = {
      op: "batch",
      id: 0,
      code: req.code,
      inputs: req.inputs,
      start: 0,
      timeLimitMs: Math.min(req.timeLimitMs, MAX_TIME_LIMIT_MS),
      outputLimitBytes: req.outputLimitBytes ?? this.#outputLimitBytes,
      memoryLimitBytes: Math.min(req.memoryLimitMiB ?? Infinity, this.memoryLimitMiB) * MIB,
      files: req.files ?? {},
    };
    let crashesWithoutProgress = 0;
    while (message.start < req.inputs.length && !stopped) {
      const process = await this.#acquire();
      const segmentStart = message.start;
      message.id = this.#nextId++;
      const outcome = await this.#execute(process, message, listener);
      crashesWithoutProgress = outcome.next === segmentStart ? crashesWithoutProgress + 1 : 0;
      message.start = outcome.next;
      if (!outcome.replace && await hasStrayWorkers(process.child.pid, outcome.workers) !== false) {
        outcome.replace = true;
      }
      if (outcome.replace) this.#replaceInBackground(process);
      else this.#release(process);
      if (crashesWithoutProgress >= 2) {
        throw new SandboxError(
          `Sandbox process keeps failing before the program's case ${message.start} ends${
            process.forged ? ` (${process.forged})` : ""
          }`,
        );
      }
    }
    if (listenerError) throw listenerError.error;
    return results.filter((r) => r !== undefined);
  }

  /**
   * Run a batch segment on one process; resolves (never rejects) when it is
   * done, killed or dead. A case the process was running when it broke its
   * protocol is not judged here: `next` points at it, and it runs again on
   * another process.
   */
  #execute(
    process: SandboxProcess,
    message: BatchMessage,
    listener: (index: number, result: RunResult) => boolean,
  ): Promise<Outcome> {
    return new Promise<Outcome>((resolve) => {
      let current = -1;
      let accepted = false;
      let startedAt = performance.now();
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      let cancelled = false;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        resolve(outcome);
      };
      const arm = (ms: number, onFire: () => void) => {
        clearTimeout(watchdog);
        watchdog = setTimeout(onFire, Math.min(ms, 2 ** 31 - 1));
      };
      /** The process broke its protocol or died between cases: run the rest elsewhere. */
      const untrusted = () => {
        process.kill();
        finish({ next: current >= 0 ? current : message.start, replace: true, workers: 0 });
      };
      /** The process died or hung under a case: that case ends as `status`. */
      const lost = (status: "timeout" | "crash") => {
        process.kill();
        if (current < 0 || process.forged) return untrusted();
        const index = current;
        current = -1;
        const wallMs = performance.now() - startedAt;
        listener(index, {
          status,
          exitCode: null,
          stdout: "",
          stderr: "",
          wallMs,
          error: status === "timeout"
            ? "time limit exceeded"
            : `sandbox process died: ${process.stderrTail()}`,
        });
        finish({ next: index + 1, replace: true, workers: 0 });
      };
      arm(ACCEPT_TIMEOUT_MS, untrusted);
      process.listen((event) => {
        if (settled) return;
        try {
          onEvent(event);
        } catch {
          untrusted();
        }
      }, () => {
        if (!settled) lost("crash");
      });
      const onEvent = (event: ChildEvent) => {
        // Events come in a fixed order, each for this batch and the case that is due.
        const expected = !accepted
          ? event.ev === "accepted" && event.id === message.id
          : event.ev === "start"
          ? current < 0 && event.id === message.id && event.i === message.start
          : event.ev === "result"
          ? current >= 0 && event.id === message.id && event.i === current &&
            isRunResult(event.r, message.outputLimitBytes)
          : event.ev === "done"
          ? current < 0 && event.id === message.id &&
            (cancelled || message.start === message.inputs.length)
          : event.ev === "fatal";
        if (!expected) return untrusted();
        switch (event.ev) {
          case "accepted":
            accepted = true;
            arm(START_TIMEOUT_MS, () => lost("crash"));
            break;
          case "start":
            current = event.i;
            startedAt = performance.now();
            arm(message.timeLimitMs + this.#killGraceMs + KILL_MARGIN_MS, () => lost("timeout"));
            break;
          case "result":
            current = -1;
            message.start = event.i + 1;
            arm(START_TIMEOUT_MS, () => lost("crash"));
            if (!listener(event.i, event.r)) {
              cancelled = true;
              process.send({ op: "cancel", id: message.id }).catch(() => {});
            }
            break;
          case "done":
            finish({ next: message.start, replace: false, workers: event.workers });
            break;
          case "fatal":
            lost("crash");
            break;
        }
      };
      process.send(message).catch(() => lost("crash"));
    });
  }

  killAll(): void {
    for (const process of this.#processes) process.kill();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) waiter(undefined);
    livePools.delete(this);
    if (livePools.size === 0) removeHandlers();
    await Promise.all(this.#processes.map((p) => p.dispose()));
    this.#processes = [];
    this.#idle = [];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Start a pool of Pyodide sandbox processes. The first call for a memory cap
 * builds the capped runtime and the snapshot in the cache directory (a few
 * seconds); later calls start in well under a second per process.
 *
 * @example
 * ```ts ignore
 * await using sandbox = await createPyodideSandbox({ workers: 2 });
 * const result = await sandbox.run({ code: "print(input()[::-1])", stdin: "abc", timeLimitMs: 1000 });
 * // result.stdout === "cba\n"
 * ```
 */
export async function createPyodideSandbox(
  options: PyodideSandboxOptions = {},
): Promise<PyodideSandbox> {
  const workers = options.workers ?? Math.max(1, Math.min(8, navigator.hardwareConcurrency ?? 2));
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(
      `Cannot create the sandbox: workers "${workers}" must be a positive integer`,
    );
  }
  const memoryLimitMiB = options.memoryLimitMiB ?? 1024;
  if (!(memoryLimitMiB >= 64 && memoryLimitMiB <= 4096)) {
    throw new RangeError(
      `Cannot create the sandbox: memory limit "${memoryLimitMiB}" MiB is outside 64-4096`,
    );
  }
  const assets = await preparePyodideAssets({ cacheDir: options.cacheDir, memoryLimitMiB });
  const pool = new PyodideSandboxPool(
    assets,
    options,
    options.cacheDir ?? assets.dir.replace(/[^/]+\/$/, ""),
  );
  await pool.start(workers);
  return pool;
}
