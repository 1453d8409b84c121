/**
 * The Pyodide worker inside a sandbox process. It restores an interpreter
 * from the memory snapshot, sets up the harness, then seals the interpreter
 * off from this JS realm (see `bridge_gate.ts`) and copies its whole state
 * (linear memory, mutable globals, open streams). From then on it runs
 * programs, one case per request, and after each program puts that state
 * back, so every program starts from the same interpreter. A program that
 * changed state the worker cannot put back (files, descriptors, timers), or
 * that reached for the JS realm, leaves the worker spent: the child's main
 * thread terminates it. The child's main thread keeps the clock and writes
 * the interrupt buffer.
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
import { BridgeGate, BridgeViolation } from "./bridge_gate.ts";
import { GLOBAL_EXPORT_PREFIX } from "./wasm_globals.ts";

interface Stream {
  fd: number | null;
  path?: string;
}

interface Pyodide {
  runPython(code: string): unknown;
  setInterruptBuffer(buffer: Int32Array): void;
  setStdin(options: { read(buffer: Uint8Array): number }): void;
  setStdout(options: { write(buffer: Uint8Array): number }): void;
  setStderr(options: { write(buffer: Uint8Array): number }): void;
  makeMemorySnapshot(): Uint8Array;
  _module: { HEAPU8: Uint8Array };
  FS: {
    writeFile(path: string, data: string | Uint8Array): void;
    mkdirTree(path: string): void;
    unlink(path: string): void;
    analyzePath(path: string): { exists: boolean };
    getStream(fd: number): Stream | undefined;
    close(stream: Stream): void;
    open(path: string, flags: number): Stream & { fd: number };
    cwd(): string;
    chdir(path: string): void;
    makedev(major: number, minor: number): number;
    registerDevice(dev: number, ops: Record<string, unknown>): void;
    mkdev(path: string, dev: number): void;
    streams: (Stream | null | undefined)[];
  };
}

type LoadPyodide = (options: Record<string, unknown>) => Promise<Pyodide>;

interface RuntimeExports {
  memory: WebAssembly.Memory;
  __indirect_function_table: WebAssembly.Table;
  malloc(bytes: number): number;
  sbrk(increment: number): number;
  PyRun_SimpleString(command: number): number;
}

/** The current case's stdin, and what the program wrote to fd 1, fd 2 and the result device. */
interface CaseIo {
  stdin: Uint8Array;
  stdinPos: number;
  out: Uint8Array[];
  err: Uint8Array[];
  outBytes: number;
  errBytes: number;
  limit: number;
  exceeded: boolean;
  record: Uint8Array[];
  recordBytes: number;
}

/** The interpreter as sealed: what is put back after every program. */
interface Pristine {
  memory: Uint8Array;
  globals: [WebAssembly.Global, unknown][];
  streams: (Stream | null | undefined)[];
  cwd: string;
  tableLength: number;
}

// deno-lint-ignore no-explicit-any
const scope = self as any;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const STDIN_FILE = "/tmp/.stdin";
const PROGRAM_FILE = "/tmp/.program";
const RESULT_DEVICE = "/dev/skyeval-result";
/** A record longer than this is not the harness's. */
const MAX_RECORD_BYTES = 1 << 16;
/** Memory a program may leave grown (zeroed, kept) before the worker is replaced to free it. */
const MAX_KEPT_GROWTH_BYTES = 64 << 20;
const COMMAND_BYTES = 256;
const SET_PROGRAM = "import _skyeval_harness\n_skyeval_harness.set_program()";
const RUN_CASE = "import _skyeval_harness\n_skyeval_harness.run_case()";

const gate = new BridgeGate(ownOutput);
gate.install();

let py: Pyodide;
let runtime: RuntimeExports;
let pristine: Pristine;
let command = 0;
let resultFd = -1;
let control: Int32Array;
let compileError: string | null = null;
/** The interpreter stopped under a case (`os._exit`, a crash): put back or replaced before reuse. */
let dead = false;
/** Whether the state can be put back at all (false after `os._exit`, an abort, a violation). */
let restorable = true;
/** The program came with files: the worker is not used again. */
let wroteFiles = false;
const io: CaseIo = {
  stdin: new Uint8Array(),
  stdinPos: 0,
  out: [],
  err: [],
  outBytes: 0,
  errBytes: 0,
  limit: 0,
  exceeded: false,
  record: [],
  recordBytes: 0,
};

function post(reply: WorkerReply | SnapshotReply): void {
  scope.postMessage(reply);
}

/** Writes to fd 1, 2 and the result device are the program's output, while they are still ours. */
function ownOutput(fd: number): boolean {
  return (fd === 1 || fd === 2 || fd === resultFd) && pristine !== undefined &&
    py.FS.streams[fd] === pristine.streams[fd];
}

/** Make Pyodide instantiate the runtime from the module the child compiled once, and keep its exports. */
function useCompiledModule(module: WebAssembly.Module): void {
  const instantiate = WebAssembly.instantiate.bind(WebAssembly);
  // deno-lint-ignore no-explicit-any
  (WebAssembly as any).instantiate = async (source: any, imports: any) => {
    if (source instanceof WebAssembly.Module || source.byteLength !== PLACEHOLDER_WASM.length) {
      return await instantiate(source, imports);
    }
    const instance = await instantiate(module, imports);
    runtime = instance.exports as unknown as RuntimeExports;
    return { instance, module };
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
  const device = py.FS.makedev(64, 0);
  py.FS.registerDevice(device, {
    open() {},
    close() {},
    read: () => 0,
    write(_stream: unknown, buffer: Uint8Array, offset: number, length: number) {
      if (io.recordBytes + length <= MAX_RECORD_BYTES) {
        io.record.push(buffer.slice(offset, offset + length));
      }
      io.recordBytes += length;
      return length;
    },
  });
  py.FS.mkdev(RESULT_DEVICE, device);
  py.runPython(
    `import _skyeval_harness\n_skyeval_harness.open_result(${
      [RESULT_DEVICE, PROGRAM_FILE, STDIN_FILE].map((path) => JSON.stringify(path)).join(", ")
    })`,
  );
  resultFd = py.FS.streams.findIndex((stream) => stream?.path === RESULT_DEVICE);
  if (resultFd < 3) throw new Error("the harness did not open the result device");
  // The default TTYs read the process's own stdin (the parent's control pipe): no program may open them.
  for (const tty of ["/dev/tty", "/dev/tty1"]) {
    if (py.FS.analyzePath(tty).exists) py.FS.unlink(tty);
  }
  // The scratch files exist from the start, so their nodes stay the same from program to program.
  for (const path of [STDIN_FILE, PROGRAM_FILE]) py.FS.writeFile(path, "");
  command = runtime.malloc(COMMAND_BYTES);
  pristine = seal();
}

/** Copy the interpreter's whole state and lock the gate: from here on it runs untrusted code. */
function seal(): Pristine {
  const globals: [WebAssembly.Global, unknown][] = [];
  for (const [name, value] of Object.entries(runtime)) {
    if (name.startsWith(GLOBAL_EXPORT_PREFIX) && value instanceof WebAssembly.Global) {
      globals.push([value, value.value]);
    }
  }
  if (globals.length === 0) throw new Error("the runtime exports none of its mutable globals");
  const sealed = {
    memory: new Uint8Array(runtime.memory.buffer).slice(),
    globals,
    streams: py.FS.streams.slice(),
    cwd: py.FS.cwd(),
    tableLength: runtime.__indirect_function_table.length,
  };
  gate.lock();
  return sealed;
}

/**
 * Put the interpreter back as sealed. Returns why it cannot be, if so: the
 * worker must then be replaced.
 */
function restore(): string | undefined {
  if (!restorable) return "the interpreter stopped";
  if (gate.violation !== undefined) return `the program called ${gate.violation}`;
  if (gate.spent !== undefined) return `the program called ${gate.spent}`;
  if (wroteFiles) return "the program came with files";
  if (runtime.__indirect_function_table.length !== pristine.tableLength) return "the table changed";
  // A stack overflow inside a memory grow can leave the runtime's views on the old buffer.
  if (py._module.HEAPU8.buffer !== runtime.memory.buffer) {
    return "the runtime's memory views are stale";
  }
  const heap = new Uint8Array(runtime.memory.buffer);
  if (heap.length - pristine.memory.length > MAX_KEPT_GROWTH_BYTES) return "memory grew";
  for (const path of [STDIN_FILE, PROGRAM_FILE]) py.FS.writeFile(path, "");
  const streams = py.FS.streams;
  for (let fd = 0; fd < streams.length; fd++) {
    const stream = streams[fd];
    if (stream && stream !== pristine.streams[fd]) py.FS.close(stream);
  }
  for (let fd = 0; fd < pristine.streams.length; fd++) {
    if (streams[fd] !== pristine.streams[fd]) {
      if (fd !== 0) return `fd ${fd} was replaced`;
      py.FS.open("/dev/stdin", 0);
    }
  }
  py.FS.chdir(pristine.cwd);
  heap.set(pristine.memory);
  heap.fill(0, pristine.memory.length);
  for (const [global, value] of pristine.globals) global.value = value;
  dead = false;
  compileError = null;
  return undefined;
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

function joinBytes(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Run one of the harness's commands through the C API (no JS FFI involved)
 * and return the record it wrote to the result device, or the error that
 * stopped the interpreter.
 */
function callHarness(source: string): { record?: unknown; error?: unknown } {
  const bytes = encoder.encode(source + "\0");
  new Uint8Array(runtime.memory.buffer, command, COMMAND_BYTES).set(bytes);
  io.record = [];
  io.recordBytes = 0;
  try {
    runtime.PyRun_SimpleString(command);
  } catch (error) {
    return { error };
  }
  if (io.recordBytes > MAX_RECORD_BYTES) return {};
  try {
    return { record: JSON.parse(decoder.decode(joinBytes(io.record)).split("\n").at(-2) ?? "") };
  } catch {
    return {};
  }
}

function setProgram(code: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const slash = name.lastIndexOf("/");
    if (slash > 0) py.FS.mkdirTree(name.slice(0, slash));
    py.FS.writeFile(name, text);
    wroteFiles = true;
  }
  py.FS.writeFile(PROGRAM_FILE, code);
  const { record, error } = callHarness(SET_PROGRAM);
  py.FS.writeFile(PROGRAM_FILE, "");
  if (error !== undefined) {
    dead = true;
    compileError = describeFatal(error);
    return;
  }
  const r = record as { compileError?: unknown } | undefined;
  compileError = typeof r?.compileError === "string"
    ? r.compileError
    : r?.compileError === null
    ? null
    : "InterpreterError: the program was not compiled";
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

/** The top of the program's heap: its peak memory, as the runtime started from the same point. */
function heapTop(): number {
  try {
    return runtime.sbrk(0) >>> 0;
  } catch {
    return 0;
  }
}

const STATUSES = new Set(["ok", "exit", "exception", "interrupt", "memory_limit"]);

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
  const { record, error } = callHarness(RUN_CASE);
  let result: RunResult;
  const r = record as unknown[] | undefined;
  if (error !== undefined) {
    dead = true;
    result = fatalResult(error, performance.now() - started);
  } else if (
    Array.isArray(r) && r.length === 4 && STATUSES.has(r[0] as string) &&
    (r[1] === null || Number.isSafeInteger(r[1])) && typeof r[2] === "number" &&
    (r[3] === null || typeof r[3] === "string")
  ) {
    result = {
      status: r[0] === "interrupt" ? "timeout" : r[0] as RunResult["status"],
      exitCode: r[1] as number | null,
      stdout: "",
      stderr: "",
      wallMs: r[2] as number,
    };
    if (r[3] !== null) result.error = r[3] as string;
  } else {
    dead = true;
    result = {
      status: "crash",
      exitCode: null,
      stdout: "",
      stderr: "",
      wallMs: performance.now() - started,
      error: "the program left no result",
    };
  }
  result.stdout = decoder.decode(joinBytes(io.out));
  result.stderr = decoder.decode(joinBytes(io.err)) + result.stderr;
  if (io.exceeded) {
    result = { ...result, status: "output_limit", exitCode: null, error: "output limit exceeded" };
  }
  const overLimit = heapTop() > msg.memoryLimitBytes;
  if (
    overLimit &&
    (result.status === "ok" || result.status === "exit" || result.status === "exception")
  ) {
    result = { ...result, status: "memory_limit", exitCode: null, error: "MemoryError" };
  }
  // The heap top never comes down: the next case must start from the sealed interpreter.
  if (overLimit || result.status === "memory_limit") dead = true;
  return result;
}

function describeFatal(error: unknown): string {
  const message = String((error as Error)?.message ?? error).split("\n")[0];
  return error instanceof BridgeViolation ? `SandboxViolation: ${message}` : message;
}

/** How a case ended when the interpreter itself stopped under it. */
function fatalResult(error: unknown, wallMs: number): RunResult {
  const base = { stdout: "", stderr: "", wallMs };
  const e = error as { status?: unknown; message?: string };
  // A stack overflow unwinds through the runtime and leaves nothing outside the state put back.
  if (!(error instanceof RangeError)) restorable = false;
  if (typeof e?.status === "number") return { ...base, status: "exit", exitCode: e.status };
  if (error instanceof BridgeViolation) {
    // The program's own doing, like any runtime error (not a failure of the sandbox).
    const text = describeFatal(error);
    return { ...base, stderr: text + "\n", status: "exception", exitCode: 1, error: text };
  }
  const message = describeFatal(error);
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
    } else if (msg.op === "restore") {
      const spent = restore();
      post({ ev: "restored", reusable: spent === undefined, spent });
    }
  } catch (error) {
    post({ ev: "fatal", message: String((error as Error)?.stack ?? error) });
  }
};
