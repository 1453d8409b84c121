/**
 * The Pyodide worker inside a sandbox process. It lives for one program: the
 * child's main thread starts it, it restores a fresh interpreter from the
 * memory snapshot, runs the program once per case it is sent, and is
 * terminated after the program (so nothing the program reached, in Python or
 * in this JS realm, outlives it). The child's main thread watches the clock
 * and writes the interrupt buffer.
 *
 * Permissions: read of the asset directory only (inherited from the child).
 *
 * @module
 */

import {
  CONTROL,
  PLACEHOLDER_WASM,
  type SnapshotReply,
  type WorkerReply,
  type WorkerRequest,
} from "./child_protocol.ts";
import type { RunResult } from "./sandbox.ts";

interface PyProxy {
  (...args: unknown[]): unknown;
  toJs(): unknown;
  destroy(): void;
}

interface Pyodide {
  runPython(code: string): unknown;
  setInterruptBuffer(buffer: Int32Array): void;
  setStdin(options: { read(buffer: Uint8Array): number }): void;
  setStdout(options: { write(buffer: Uint8Array): number }): void;
  setStderr(options: { write(buffer: Uint8Array): number }): void;
  makeMemorySnapshot(): Uint8Array;
  FS: {
    writeFile(path: string, data: string | Uint8Array): void;
    mkdirTree(path: string): void;
    getStream(fd: number): unknown;
    close(stream: unknown): void;
    open(path: string, flags: number): { fd: number };
  };
  _module: { HEAP8: Int8Array };
}

type LoadPyodide = (options: Record<string, unknown>) => Promise<Pyodide>;

/** The current case's stdin, and its stdout and stderr bytes as the program wrote them. */
interface CaseIo {
  stdin: Uint8Array;
  stdinPos: number;
  out: Uint8Array[];
  err: Uint8Array[];
  outBytes: number;
  errBytes: number;
  limit: number;
  exceeded: boolean;
}

// deno-lint-ignore no-explicit-any
const scope = self as any;
const encoder = new TextEncoder();
const STDIN_FILE = "/tmp/.stdin";

let py: Pyodide;
let runCaseProxy: PyProxy;
let control: Int32Array;
let compileError: string | null = null;
/** The interpreter failed under a case (or the program called `os._exit`); it is not used again. */
let dead = false;
const io: CaseIo = {
  stdin: new Uint8Array(),
  stdinPos: 0,
  out: [],
  err: [],
  outBytes: 0,
  errBytes: 0,
  limit: 0,
  exceeded: false,
};
const decoder = new TextDecoder();

function post(reply: WorkerReply | SnapshotReply): void {
  scope.postMessage(reply);
}

/** Make Pyodide instantiate the runtime from the module the child compiled once. */
function useCompiledModule(module: WebAssembly.Module): void {
  const instantiate = WebAssembly.instantiate.bind(WebAssembly);
  // deno-lint-ignore no-explicit-any
  (WebAssembly as any).instantiate = async (source: any, imports: any) => {
    if (source instanceof WebAssembly.Module || source.byteLength !== PLACEHOLDER_WASM.length) {
      return await instantiate(source, imports);
    }
    return { instance: await instantiate(module, imports), module };
  };
}

async function boot(msg: Extract<WorkerRequest, { op: "init" }>): Promise<void> {
  useCompiledModule(msg.module);
  control = new Int32Array(msg.control);
  const { loadPyodide } = await import(`file://${msg.assetDir}pyodide.mjs`) as {
    loadPyodide: LoadPyodide;
  };
  py = await loadPyodide({
    indexURL: msg.assetDir,
    _loadSnapshot: msg.snapshot,
    stdout: () => {},
    stderr: () => {},
    args: [],
    env: { HOME: "/home/pyodide" },
  });
  // Every restore starts from the same generator state; seed it as a new CPython process would.
  py.runPython("import random\nrandom.seed()");
  runCaseProxy = py.runPython("import _skyeval_harness\n_skyeval_harness.run_case") as PyProxy;
  py.setInterruptBuffer(new Int32Array(control.buffer, CONTROL.signal * 4, 1));
  py.setStdin({
    read(buffer) {
      const n = Math.min(buffer.length, io.stdin.length - io.stdinPos);
      buffer.set(io.stdin.subarray(io.stdinPos, io.stdinPos + n));
      io.stdinPos += n;
      return n;
    },
  });
  py.setStdout({ write: (buffer) => capture(buffer, "out") });
  py.setStderr({ write: (buffer) => capture(buffer, "err") });
}

/** Keep a write to fd 1 or 2; past the cap, stop the program (as an interrupt does). */
function capture(buffer: Uint8Array, stream: "out" | "err"): number {
  const used = stream === "out" ? io.outBytes : io.errBytes;
  if (buffer.length > io.limit - used) {
    if (io.limit > used) io[stream].push(buffer.slice(0, io.limit - used));
    if (stream === "out") io.outBytes = io.limit;
    else io.errBytes = io.limit;
    io.exceeded = true;
    Atomics.store(control, CONTROL.signal, 2);
    throw new Error("output limit exceeded");
  }
  io[stream].push(buffer.slice());
  if (stream === "out") io.outBytes += buffer.length;
  else io.errBytes += buffer.length;
  return buffer.length;
}

function joinText(chunks: Uint8Array[]): string {
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return decoder.decode(out);
}

function setProgram(code: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const slash = name.lastIndexOf("/");
    if (slash > 0) py.FS.mkdirTree(name.slice(0, slash));
    py.FS.writeFile(name, text);
  }
  const setter = py.runPython("_skyeval_harness.set_program") as PyProxy;
  compileError = (setter(code) as string | undefined) ?? null;
  setter.destroy();
}

/**
 * Make fd 0 a regular file holding the case's input, as a judge's `< input`
 * redirect does, so `os.fstat(0).st_size` and `os.read(0, n)` work.
 */
function stdinAsFile(): void {
  try {
    py.FS.writeFile(STDIN_FILE, io.stdin);
    const current = py.FS.getStream(0);
    if (current) py.FS.close(current);
    const stream = py.FS.open(STDIN_FILE, 0);
    if (stream.fd !== 0) py.FS.close(stream);
  } catch {
    // Keep the stdin device (fed from io.stdin) if the file cannot be set up.
  }
}

/** Reopen fd 1 or 2 on its device if an earlier case of the program closed it. */
function reopenOutput(): void {
  for (const [number, device] of [[1, "/dev/stdout"], [2, "/dev/stderr"]] as const) {
    try {
      if (py.FS.getStream(number)) continue;
      const stream = py.FS.open(device, 1);
      if (stream.fd !== number) py.FS.close(stream);
    } catch {
      // The case then runs without that stream, as a process with it closed would.
    }
  }
}

function heapBytes(): number {
  try {
    return py._module.HEAP8.byteLength;
  } catch {
    return 0;
  }
}

function runCase(msg: Extract<WorkerRequest, { op: "case" }>): RunResult {
  if (compileError !== null) {
    return {
      status: "exception",
      exitCode: 1,
      stdout: "",
      stderr: compileError + "\n",
      wallMs: 0,
      error: compileError,
      phase: "compile",
    };
  }
  io.stdin = encoder.encode(msg.stdin);
  io.stdinPos = 0;
  io.out = [];
  io.err = [];
  io.outBytes = 0;
  io.errBytes = 0;
  io.limit = msg.outputLimitBytes;
  io.exceeded = false;
  stdinAsFile();
  reopenOutput();
  Atomics.store(control, CONTROL.signal, 0);
  const started = performance.now();
  let result: RunResult;
  try {
    const proxy = runCaseProxy(msg.stdin) as PyProxy;
    const [status, exitCode, wallMs, error] = proxy.toJs() as [
      RunResult["status"] | "interrupt",
      number | undefined,
      number,
      string | undefined,
    ];
    proxy.destroy();
    result = {
      status: status === "interrupt" ? "timeout" : status,
      exitCode: exitCode ?? null,
      stdout: "",
      stderr: "",
      wallMs,
    };
    if (error != null) result.error = error;
  } catch (error) {
    dead = true;
    result = fatalResult(error, performance.now() - started);
  }
  result.stdout = joinText(io.out);
  result.stderr = joinText(io.err);
  if (io.exceeded) {
    result = { ...result, status: "output_limit", exitCode: null, error: "output limit exceeded" };
  }
  if (
    heapBytes() > msg.memoryLimitBytes &&
    (result.status === "ok" || result.status === "exit" || result.status === "exception")
  ) {
    result = { ...result, status: "memory_limit", exitCode: null, error: "MemoryError" };
  }
  return result;
}

/** How a case ended when the interpreter itself stopped under it. */
function fatalResult(error: unknown, wallMs: number): RunResult {
  const base = { stdout: "", stderr: "", wallMs };
  const e = error as { status?: unknown; message?: string };
  if (typeof e?.status === "number") return { ...base, status: "exit", exitCode: e.status };
  const message = String(e?.message ?? error).split("\n")[0];
  if (error instanceof RangeError) {
    return { ...base, status: "exception", exitCode: 1, error: `RecursionError: ${message}` };
  }
  if (/memory|Cannot enlarge/i.test(message)) {
    return { ...base, status: "memory_limit", exitCode: null, error: "MemoryError" };
  }
  return { ...base, status: "exception", exitCode: 1, error: `InterpreterError: ${message}` };
}

async function makeSnapshot(msg: Extract<WorkerRequest, { op: "snapshot" }>): Promise<void> {
  const { loadPyodide } = await import(`file://${msg.assetDir}pyodide.mjs`) as {
    loadPyodide: LoadPyodide;
  };
  const snapshotPy = await loadPyodide({
    indexURL: msg.assetDir,
    _makeSnapshot: true,
    stdout: () => {},
    stderr: () => {},
    args: [],
    env: { HOME: "/home/pyodide" },
  });
  snapshotPy.runPython(`import ${msg.warmModules.join(", ")}`);
  snapshotPy.runPython(
    `import sys, types\n_m = types.ModuleType("_skyeval_harness")\nexec(${
      JSON.stringify(msg.harness)
    }, _m.__dict__)\nsys.modules["_skyeval_harness"] = _m\ndel _m`,
  );
  const bytes = snapshotPy.makeMemorySnapshot();
  scope.postMessage({ ev: "snapshot", bytes }, [bytes.buffer]);
}

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const msg = event.data;
  try {
    if (msg.op === "init") {
      await boot(msg);
      post({ ev: "ready" });
    } else if (msg.op === "snapshot") {
      await makeSnapshot(msg);
    } else if (msg.op === "program") {
      setProgram(msg.code, msg.files);
      post({ ev: "program", compileError });
    } else if (msg.op === "case") {
      const r = runCase(msg);
      post({ ev: "result", i: msg.i, r, dead });
    }
  } catch (error) {
    post({ ev: "fatal", message: String((error as Error)?.stack ?? error) });
  }
};
