/**
 * The gate between a Pyodide interpreter and the JavaScript realm of its
 * worker. Code running in WebAssembly reaches JavaScript only by calling a
 * function some module imports: the runtime's own imports (system calls, the
 * JS FFI behind `import js`, timers, `dlopen`, ...) and the JS functions
 * Pyodide adds to the function table (each imported by a small module of its
 * own). The gate wraps every one of them as the worker builds the runtime.
 *
 * Before {@linkcode BridgeGate.lock} everything works, so Pyodide boots as
 * usual. After it, the interpreter is untrusted: only the system calls a
 * plain CPython process needs pass; those that change state living outside
 * the wasm memory and globals (files, timers, descriptors) pass but mark the
 * gate `spent`, so the worker is not used for another program; everything
 * else, the whole JS FFI included, throws and records a `violation`. A
 * program can therefore change nothing but the wasm state the worker restores.
 *
 * Permissions: none.
 *
 * @module
 */

/** A call rule: always pass, pass but spend the worker, or a check of the arguments. */
type Rule = "pass" | "spend" | ((args: ArrayLike<unknown>) => boolean);

const O_WRITING = 0o1 | 0o2 | 0o100 | 0o1000 | 0o2000 | 0o20000000;
const F_GETFD = 1;
const F_GETFL = 3;
const TCGETS = 0x5401;
const TIOCGWINSZ = 0x5413;
const TIOCGPGRP = 0x540f;

/** What a locked interpreter may call, by import name; anything absent is blocked. */
function rules(ownOutput: (fd: number) => boolean): Map<string, Rule> {
  const rules = new Map<string, Rule>();
  const pass = [
    // Reading files and descriptors, and where they are.
    "fd_read",
    "fd_pread",
    "fd_seek",
    "fd_fdstat_get",
    "fd_sync",
    "__syscall_fdatasync",
    "__syscall_fstat64",
    "__syscall_stat64",
    "__syscall_lstat64",
    "__syscall_newfstatat",
    "__syscall_getdents64",
    "__syscall_faccessat",
    "__syscall_readlinkat",
    "__syscall_getcwd",
    "__syscall_statfs64",
    "__syscall_fstatfs64",
    "__syscall_fadvise64",
    "__syscall_poll",
    // Pyodide's socket hooks under poll and fcntl: they act only on sockets, which cannot be made.
    "_maybe_poll_async",
    "_try_fcntl64",
    "__syscall_getuid32_js",
    // The worker puts the working directory back after each program.
    "__syscall_chdir",
    "__syscall_fchdir",
    // Time, randomness, the environment.
    "clock_time_get",
    "clock_res_get",
    "random_get",
    "environ_get",
    "environ_sizes_get",
    "emscripten_date_now",
    "emscripten_get_now",
    "_tzset_js",
    "_localtime_js",
    "_gmtime_js",
    "_mktime_js",
    "_timegm_js",
    "_emscripten_get_progname",
    // Memory (capped by the module's maximum), and the interpreter's own machinery.
    "emscripten_get_heap_max",
    "emscripten_resize_heap",
    "_Py_CheckEmscriptenSignals_Helper",
    "_PyEM_TrampolineCall_JS",
    "_Py_emscripten_runtime",
    "can_run_sync_js",
    "__call_sighandler",
    // Ending the process: the worker treats the interpreter as dead afterwards.
    "proc_exit",
    "exit",
    "_abort_js",
    "__assert_fail",
  ];
  for (const name of pass) rules.set(name, "pass");
  rules.set("fd_close", "pass");
  const spend = [
    "__syscall_dup",
    "__syscall_dup3",
    "__syscall_pipe",
    "__syscall_mkdirat",
    "__syscall_mknodat",
    "__syscall_unlinkat",
    "__syscall_rmdir",
    "__syscall_renameat",
    "__syscall_symlinkat",
    "__syscall_ftruncate64",
    "__syscall_truncate64",
    "__syscall_fallocate",
    "__syscall_fchmod",
    "__syscall_chmod",
    "__syscall_fchmodat2",
    "__syscall_fchown32",
    "__syscall_fchownat",
    "__syscall_utimensat",
    "__syscall_umask_js",
    "_setitimer_js",
    "emscripten_runtime_keepalive_push",
    "emscripten_runtime_keepalive_pop",
    "_mmap_js",
    "_munmap_js",
    "_msync_js",
  ];
  for (const name of spend) rules.set(name, "spend");
  rules.set("__syscall_openat", (args) => (Number(args[2]) & O_WRITING) === 0);
  rules.set("__syscall_fcntl64", (args) => args[1] === F_GETFD || args[1] === F_GETFL);
  rules.set("__syscall_ioctl", (args) => [TCGETS, TIOCGWINSZ, TIOCGPGRP].includes(Number(args[1])));
  rules.set("fd_write", (args) => ownOutput(Number(args[0])));
  rules.set("fd_pwrite", () => false);
  return rules;
}

/** Thrown into the interpreter when a locked program calls what it may not. */
export class BridgeViolation extends Error {
  constructor(readonly call: string) {
    super(`the program called ${call}, which the sandbox does not allow`);
    this.name = "BridgeViolation";
  }
}

// deno-lint-ignore no-explicit-any
type AnyFunction = (...args: any[]) => unknown;

/**
 * Wraps the runtime's imports; see the module documentation.
 *
 * @example
 * ```ts ignore
 * const gate = new BridgeGate((fd) => fd === 1 || fd === 2);
 * gate.install(); // before Pyodide loads
 * // ... boot, then:
 * gate.lock();
 * ```
 */
export class BridgeGate {
  /** Set once the interpreter may run untrusted code; never unset. */
  locked = false;
  /** The first call that changed state the worker cannot restore. */
  spent: string | undefined;
  /** The first blocked call. */
  violation: string | undefined;
  readonly #rules: Map<string, Rule>;
  /** Gate wrappers, and the name of each raw import (to name JS functions added to the table). */
  readonly #wrappers = new WeakSet<AnyFunction>();
  readonly #names = new WeakMap<AnyFunction, string>();

  constructor(ownOutput: (fd: number) => boolean) {
    this.#rules = rules(ownOutput);
  }

  /** From now on the rules apply. */
  lock(): void {
    this.locked = true;
  }

  /**
   * Route every JS function a wasm module of this realm imports through the
   * gate, and switch off JS promise integration (whose suspending imports
   * are not plain functions). Call before Pyodide loads. `namespace` is the
   * `WebAssembly` object to patch.
   */
  install(namespace: typeof WebAssembly = WebAssembly): void {
    const wasm = namespace as unknown as Record<string, unknown>;
    for (const name of ["Suspending", "Suspender", "promising", "Function"]) delete wasm[name];
    const instantiate = namespace.instantiate.bind(namespace);
    const RawInstance = namespace.Instance;
    const gateImports = (imports?: WebAssembly.Imports) => this.#gateImports(imports);
    wasm.instantiate = (source: unknown, imports?: WebAssembly.Imports) =>
      // deno-lint-ignore no-explicit-any
      instantiate(source as any, gateImports(imports));
    const GatedInstance = function (module: WebAssembly.Module, imports?: WebAssembly.Imports) {
      return new RawInstance(module, gateImports(imports));
    };
    GatedInstance.prototype = RawInstance.prototype;
    wasm.Instance = GatedInstance;
  }

  #gateImports(imports?: WebAssembly.Imports): WebAssembly.Imports | undefined {
    if (!imports) return imports;
    for (const [space, values] of Object.entries(imports)) {
      if (space.startsWith("GOT.") || values === null || typeof values !== "object") continue;
      const table = values as Record<string, unknown>;
      for (const name of Object.keys(table)) {
        const value = table[name];
        if (typeof value === "function") table[name] = this.wrap(name, value as AnyFunction);
      }
    }
    return imports;
  }

  /** `raw` as the gate lets the interpreter call it (raw itself when it always passes). */
  wrap(name: string, raw: AnyFunction): AnyFunction {
    if (this.#wrappers.has(raw)) return raw;
    const known = this.#names.get(raw);
    const call = known ?? name;
    if (!known) this.#names.set(raw, name);
    const rule = this.#rules.get(call);
    if (rule === "pass") return raw;
    // deno-lint-ignore no-this-alias
    const gate = this;
    const wrapper = function (this: unknown) {
      if (gate.locked) {
        if (rule === undefined) {
          gate.violation ??= call;
          throw new BridgeViolation(call);
        }
        if (rule === "spend" || !rule(arguments)) gate.spent ??= call;
      }
      return Reflect.apply(raw, this, arguments);
    } as AnyFunction;
    for (const key of Object.keys(raw)) {
      (wrapper as unknown as Record<string, unknown>)[key] =
        (raw as unknown as Record<string, unknown>)[key];
    }
    this.#wrappers.add(wrapper);
    return wrapper;
  }
}
