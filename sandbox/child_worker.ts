/**
 * The Pyodide worker inside a sandbox process. Each batch runs in a clean
 * interpreter: the previous one after the harness has reset and checked it,
 * or a fresh one restored from the memory snapshot. It runs the harness once
 * per case and posts each result as soon as it exists. The child's main
 * thread watches the clock and writes the interrupt buffer.
 *
 * Permissions: read of the asset directory only (inherited from the child).
 *
 * @module
 */

import { type BatchMessage, type ChildEvent, CONTROL, type WorkerInit } from "./child_protocol.ts";
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

interface Instance {
  py: Pyodide;
  setProgram: PyProxy;
  runCase: PyProxy;
  beginProgram: PyProxy;
  endProgram: PyProxy;
  programs: number;
  stdin: Uint8Array;
  stdinPos: number;
  fdOut: Uint8Array[];
  fdErr: Uint8Array[];
  fdBytes: number;
  fdLimit: number;
  fdExceeded: boolean;
  dead: boolean;
}

// deno-lint-ignore no-explicit-any
const scope = self as any;
const decoder = new TextDecoder();
const encoder = new TextEncoder();
const FD_CAP = 1 << 20;
const STDIN_FILE = "/tmp/.stdin";
/** An interpreter whose heap grew past this is replaced, to give the memory back. */
const RESTORE_HEAP_BYTES = 256 * 1024 * 1024;

let init: WorkerInit;
let control: Int32Array;
let loadPyodide: LoadPyodide;
let snapshot: Uint8Array;
let spare: Promise<Instance> | undefined;
/** An interpreter that ran programs and passed the harness's clean check. */
let reusable: Instance | undefined;

function post(event: ChildEvent | { ev: "snapshot"; bytes: Uint8Array }): void {
  scope.postMessage(event);
}

/** Compile the big wasm module once per process and instantiate it per interpreter. */
function cacheWasmModule(): void {
  const instantiate = WebAssembly.instantiate.bind(WebAssembly);
  let compiled: Promise<WebAssembly.Module> | undefined;
  // deno-lint-ignore no-explicit-any
  (WebAssembly as any).instantiate = async (source: any, imports: any) => {
    if (source instanceof WebAssembly.Module || source.byteLength < 1 << 20) {
      return await instantiate(source, imports);
    }
    compiled ??= WebAssembly.compile(source);
    const module = await compiled;
    return { instance: await instantiate(module, imports), module };
  };
}

async function freshInstance(): Promise<Instance> {
  const py = await loadPyodide({
    indexURL: init.assetDir,
    _loadSnapshot: snapshot,
    stdout: () => {},
    stderr: () => {},
    args: [],
    env: { HOME: "/home/pyodide" },
  });
  return instanceOf(py);
}

function instanceOf(py: Pyodide): Instance {
  const instance: Instance = {
    py,
    setProgram: py.runPython("import _skyeval_harness\n_skyeval_harness.set_program") as PyProxy,
    runCase: py.runPython("_skyeval_harness.run_case") as PyProxy,
    beginProgram: py.runPython("_skyeval_harness.begin_program") as PyProxy,
    endProgram: py.runPython("_skyeval_harness.end_program") as PyProxy,
    programs: 0,
    stdin: new Uint8Array(),
    stdinPos: 0,
    fdOut: [],
    fdErr: [],
    fdBytes: 0,
    fdLimit: FD_CAP,
    fdExceeded: false,
    dead: false,
  };
  py.setInterruptBuffer(new Int32Array(control.buffer, CONTROL.signal * 4, 1));
  py.setStdin({
    read(buffer) {
      const n = Math.min(buffer.length, instance.stdin.length - instance.stdinPos);
      buffer.set(instance.stdin.subarray(instance.stdinPos, instance.stdinPos + n));
      instance.stdinPos += n;
      return n;
    },
  });
  const sink = (chunks: () => Uint8Array[]) => (buffer: Uint8Array) => {
    const room = instance.fdLimit - instance.fdBytes;
    if (buffer.length > room) {
      if (room > 0) chunks().push(buffer.slice(0, room));
      instance.fdBytes = instance.fdLimit;
      instance.fdExceeded = true;
      throw new Error("output limit exceeded");
    }
    chunks().push(buffer.slice());
    instance.fdBytes += buffer.length;
    return buffer.length;
  };
  py.setStdout({ write: sink(() => instance.fdOut) });
  py.setStderr({ write: sink(() => instance.fdErr) });
  return instance;
}

function joinText(chunks: Uint8Array[]): string {
  if (chunks.length === 0) return "";
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return decoder.decode(out);
}

function heapBytes(instance: Instance): number {
  try {
    return instance.py._module.HEAP8.byteLength;
  } catch {
    return 0;
  }
}

function prepare(instance: Instance, msg: BatchMessage): string | null {
  for (const [name, text] of Object.entries(msg.files)) {
    const slash = name.lastIndexOf("/");
    if (slash > 0) instance.py.FS.mkdirTree(name.slice(0, slash));
    instance.py.FS.writeFile(name, text);
  }
  return (instance.setProgram(msg.code) as string | undefined) ?? null;
}

/**
 * Make fd 0 a regular file holding the case's input, as a judge's `< input`
 * redirect does, so `os.fstat(0).st_size` and `os.read(0, n)` work.
 */
function stdinAsFile(instance: Instance): void {
  const fs = instance.py.FS;
  try {
    fs.writeFile(STDIN_FILE, instance.stdin);
    const current = fs.getStream(0);
    if (current) fs.close(current);
    const stream = fs.open(STDIN_FILE, 0);
    if (stream.fd !== 0) fs.close(stream);
  } catch {
    // Keep the stdin device (fed from instance.stdin) if the file cannot be set up.
  }
}

function runCase(instance: Instance, msg: BatchMessage, index: number): RunResult {
  instance.stdin = encoder.encode(msg.inputs[index]);
  instance.stdinPos = 0;
  stdinAsFile(instance);
  instance.fdOut = [];
  instance.fdErr = [];
  instance.fdBytes = 0;
  instance.fdLimit = msg.outputLimitBytes;
  instance.fdExceeded = false;
  const started = performance.now();
  let result: RunResult;
  try {
    const proxy = instance.runCase(
      msg.inputs[index],
      msg.outputLimitBytes,
      msg.outputLimitBytes,
    ) as PyProxy;
    const [status, exitCode, stdout, stderr, wallMs, error] = proxy.toJs() as [
      string,
      number | undefined,
      string,
      string,
      number,
      string | undefined,
    ];
    proxy.destroy();
    result = {
      status: status as RunResult["status"],
      exitCode: exitCode ?? null,
      stdout: stdout + joinText(instance.fdOut),
      stderr: stderr + joinText(instance.fdErr),
      wallMs,
    };
    if (error != null) result.error = error;
    if (status === "interrupt") {
      const ours = Atomics.load(control, CONTROL.interrupted) === index;
      result.status = ours ? "timeout" : "exception";
      result.exitCode = ours ? null : 1;
    }
  } catch (error) {
    instance.dead = true;
    result = fatalResult(instance, error, performance.now() - started);
  }
  if (instance.fdExceeded && result.status !== "timeout") {
    result = { ...result, status: "output_limit", exitCode: null, error: "output limit exceeded" };
  }
  if (result.wallMs > msg.timeLimitMs && result.status !== "timeout") {
    result = { ...result, status: "timeout", exitCode: null };
  }
  if (
    heapBytes(instance) > msg.memoryLimitBytes &&
    (result.status === "ok" || result.status === "exit" || result.status === "exception")
  ) {
    result = { ...result, status: "memory_limit", exitCode: null, error: "MemoryError" };
  }
  return result;
}

function fatalResult(instance: Instance, error: unknown, wallMs: number): RunResult {
  const base = {
    stdout: joinText(instance.fdOut),
    stderr: joinText(instance.fdErr),
    wallMs,
  };
  const e = error as { name?: string; status?: unknown; message?: string };
  if (typeof e?.status === "number") {
    return { ...base, status: "exit", exitCode: e.status };
  }
  const message = String(e?.message ?? error).split("\n")[0];
  if (error instanceof RangeError) {
    return { ...base, status: "exception", exitCode: 1, error: `RecursionError: ${message}` };
  }
  if (/memory|Cannot enlarge/i.test(message)) {
    return { ...base, status: "memory_limit", exitCode: null, error: "MemoryError" };
  }
  return { ...base, status: "exception", exitCode: 1, error: `InterpreterError: ${message}` };
}

async function takeInstance(): Promise<Instance> {
  if (reusable) {
    const instance = reusable;
    reusable = undefined;
    return instance;
  }
  const instance = await (spare ?? freshInstance());
  spare = undefined;
  return instance;
}

function startProgram(instance: Instance, msg: BatchMessage): string | null {
  instance.programs++;
  const compileError = prepare(instance, msg);
  instance.beginProgram();
  return compileError;
}

/** "clean", "restore" or "recycle" after a program, per the harness and the isolation mode. */
function finishProgram(instance: Instance): string {
  if (instance.dead) return "restore";
  let verdict: string;
  try {
    verdict = String(instance.endProgram());
  } catch {
    return "restore";
  }
  if (verdict !== "clean") return verdict;
  if (init.isolation === "snapshot" || instance.programs >= init.restoreEvery) return "restore";
  return "clean";
}

async function runBatch(msg: BatchMessage): Promise<void> {
  let instance = await takeInstance();
  let compileError = startProgram(instance, msg);
  let recycle = false;
  for (let i = msg.start; i < msg.inputs.length; i++) {
    if (Atomics.load(control, CONTROL.cancel) === 1) break;
    if (instance.dead) {
      instance = await freshInstance();
      compileError = startProgram(instance, msg);
    }
    Atomics.store(control, CONTROL.interrupted, -1);
    Atomics.store(control, CONTROL.signal, 0);
    Atomics.store(control, CONTROL.current, i);
    post({ ev: "start", id: msg.id, i });
    const result: RunResult = compileError === null ? runCase(instance, msg, i) : {
      status: "exception",
      exitCode: 1,
      stdout: "",
      stderr: compileError + "\n",
      wallMs: 0,
      error: compileError,
      phase: "compile",
    };
    Atomics.store(control, CONTROL.current, -1);
    post({ ev: "result", id: msg.id, i, r: result });
  }
  Atomics.store(control, CONTROL.signal, 0);
  const heap = heapBytes(instance);
  const verdict = finishProgram(instance);
  if (verdict === "recycle") recycle = true;
  else if (verdict === "clean" && heap <= RESTORE_HEAP_BYTES) reusable = instance;
  post({ ev: "done", id: msg.id, heapBytes: heap, recycle });
  if (!reusable && !recycle && !spare) {
    spare = freshInstance();
    spare.catch(() => {});
  }
}

/**
 * V8 first runs wasm with its baseline compiler and optimizes hot functions in
 * the background; a fresh process runs Python up to 2x slower for a while.
 * Run a little Python before taking programs, so the first ones are timed fairly.
 */
const WARM_UP_PROGRAM = `d = {}
for i in range(60000):
    d[i % 100] = d.get(i % 100, 0) + i * i % 7
s = sorted(str(i) for i in range(20000))
`;

function warmUp(instance: Instance): void {
  instance.setProgram(WARM_UP_PROGRAM);
  instance.beginProgram();
  for (let i = 0; i < 3; i++) (instance.runCase("", 1 << 20, 1 << 20) as PyProxy).destroy();
  if (finishProgram(instance) === "clean") reusable = instance;
  else {
    spare = freshInstance();
    spare.catch(() => {});
  }
  instance.programs = 0;
}

async function makeSnapshot(): Promise<void> {
  const py = await loadPyodide({
    indexURL: init.assetDir,
    _makeSnapshot: true,
    stdout: () => {},
    stderr: () => {},
    args: [],
    env: { HOME: "/home/pyodide" },
  });
  py.runPython(`import ${init.warmModules.join(", ")}`);
  py.runPython(
    `import sys, types\n_m = types.ModuleType("_skyeval_harness")\nexec(${
      JSON.stringify(init.harness)
    }, _m.__dict__)\nsys.modules["_skyeval_harness"] = _m\ndel _m`,
  );
  const bytes = py.makeMemorySnapshot();
  scope.postMessage({ ev: "snapshot", bytes }, [bytes.buffer]);
}

scope.onmessage = async (event: MessageEvent<WorkerInit | BatchMessage>) => {
  const msg = event.data;
  try {
    if (msg.op === "init") {
      init = msg;
      control = new Int32Array(msg.control);
      cacheWasmModule();
      const started = performance.now();
      loadPyodide = (await import(`file://${init.assetDir}pyodide.mjs`)).loadPyodide;
      if (msg.mode === "snapshot") return await makeSnapshot();
      snapshot = await Deno.readFile(`${init.assetDir}snapshot.bin`);
      warmUp(await freshInstance());
      post({ ev: "ready", loadMs: performance.now() - started });
    } else if (msg.op === "batch") {
      await runBatch(msg);
    }
  } catch (error) {
    post({ ev: "fatal", message: String((error as Error)?.stack ?? error) });
  }
};
