/**
 * Python source of the in-interpreter harness, baked into the memory snapshot
 * as the module `_skyeval_harness`. The worker calls `open_result(...)` once
 * as it boots, then `set_program()` once per program (the source is in a
 * file the worker wrote) and `run_case()` once per input (the input is in a
 * file too); every case runs as a fresh `__main__` with its own stdin. Each
 * call writes one JSON line on the result device, read by the worker, so no
 * value crosses the JS FFI (which is closed once programs run). Standard output and error are
 * CPython's own buffered streams over fds 1 and 2, whose bytes the worker
 * captures and caps, so `print`, `sys.stdout.buffer` and `os.write` land in
 * the order CPython would write them.
 *
 * Permissions: none.
 *
 * @module
 */

/** Modules imported before the snapshot is taken, so programs find them warm. */
export const WARM_MODULES = [
  "array",
  "bisect",
  "collections",
  "copy",
  "dataclasses",
  "datetime",
  "decimal",
  "fractions",
  "functools",
  "heapq",
  "io",
  "itertools",
  "json",
  "math",
  "operator",
  "random",
  "re",
  "statistics",
  "string",
  "time",
  "traceback",
  "typing",
];

/** The harness module source. */
export const HARNESS_SOURCE = String.raw`
import atexit, builtins, io, json, os, random, sys, time, traceback

HOME = os.getcwd()
_RECURSION_LIMIT = sys.getrecursionlimit()
_INT_DIGITS = sys.get_int_max_str_digits()
_program = None
_result_fd = None
_program_file = None
_stdin_file = None


def open_result(device, program_file, stdin_file):
    """Open the result device and remember where programs and inputs arrive."""
    global _result_fd, _program_file, _stdin_file
    _result_fd = os.open(device, os.O_WRONLY)
    _program_file, _stdin_file = program_file, stdin_file


def _report(value):
    os.write(_result_fd, (json.dumps(value) + "\n").encode())


class Stream(io.TextIOWrapper):
    """A standard stream with the real fd number, name and mode (for fast-IO templates)."""

    def __init__(self, buffer, fd, name, mode, **options):
        super().__init__(buffer, **options)
        self._fd = fd
        self.mode = mode
        self._name = name

    def fileno(self):
        return self._fd

    @property
    def name(self):
        return self._name


def _describe(exc):
    name = type(exc).__name__
    text = str(exc)
    return name + ": " + text if text else name


def set_program():
    """Compile the program; report None, or the SyntaxError text. Seed random as a new process does."""
    global _program
    _program = None
    random.seed()
    with open(_program_file, encoding="utf-8", errors="surrogateescape") as file:
        source = file.read()
    try:
        _program = compile(source, "<program>", "exec")
    except (SyntaxError, ValueError) as exc:
        _report({"compileError": _describe(exc)})
        return
    _report({"compileError": None})


def _writer(fd):
    return io.BufferedWriter(io.FileIO(fd, "w", closefd=False))


def run_case():
    """Run the compiled program once. Reports [status, exit_code, ms, error]."""
    with open(_stdin_file, "rb") as file:
        stdin = file.read()
    sys.stdin = Stream(io.BytesIO(stdin), 0, "<stdin>", "r", encoding="utf-8")
    stdout = Stream(_writer(1), 1, "<stdout>", "w", encoding="utf-8", errors="backslashreplace", newline="\n")
    stderr = Stream(_writer(2), 2, "<stderr>", "w", encoding="utf-8", errors="backslashreplace", newline="\n", write_through=True)
    sys.stdout, sys.stderr = stdout, stderr
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": "<program>"}
    status, code, error = "ok", 0, None
    start = time.perf_counter()
    try:
        try:
            exec(_program, namespace)
        finally:
            # As at interpreter exit: the program's atexit handlers (a fast-output template's flush).
            try:
                atexit._run_exitfuncs()
            except BaseException:
                pass
            atexit._clear()
            # As at interpreter exit: flush whatever sys.stdout is now (a program's fast-IO wrapper).
            for stream in (sys.stdout, stdout, stderr):
                try:
                    stream.flush()
                except BaseException:
                    pass
    except SystemExit as exc:
        status = "exit"
        arg = exc.code
        if arg is None:
            code = 0
        elif isinstance(arg, int):
            code = arg
        else:
            code = 1
            try:
                print(arg, file=stderr, flush=True)
            except BaseException:
                pass
    except KeyboardInterrupt:
        status, code, error = "interrupt", None, "KeyboardInterrupt"
    except MemoryError:
        status, code, error = "memory_limit", None, "MemoryError"
    except BaseException as exc:
        status, code, error = "exception", 1, _describe(exc)
        try:
            lines = traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next)
            stderr.write("".join(lines))
        except BaseException:
            pass
    elapsed = (time.perf_counter() - start) * 1000.0
    namespace.clear()
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
    sys.setrecursionlimit(_RECURSION_LIMIT)
    sys.set_int_max_str_digits(_INT_DIGITS)
    try:
        os.chdir(HOME)
    except OSError:
        pass
    _report([status, code, elapsed, error])
`;
