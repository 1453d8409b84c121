/**
 * Python source of the in-interpreter harness, baked into the memory snapshot
 * as the module `_skyeval_harness`. The worker calls `set_program(source)`
 * once per program and `run_case(stdin)` once per input; every case runs as
 * a fresh `__main__` with its own stdin. Standard output and error are
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
import builtins, io, os, sys, time, traceback

HOME = os.getcwd()
_RECURSION_LIMIT = sys.getrecursionlimit()
_INT_DIGITS = sys.get_int_max_str_digits()
_program = None


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


def set_program(source):
    """Compile the program; return None, or the SyntaxError text."""
    global _program
    _program = None
    try:
        _program = compile(source, "<program>", "exec")
    except (SyntaxError, ValueError) as exc:
        return _describe(exc)
    return None


def _writer(fd):
    return io.BufferedWriter(io.FileIO(fd, "w", closefd=False))


def run_case(stdin):
    """Run the compiled program once. Returns [status, exit_code, ms, error]."""
    sys.stdin = Stream(io.BytesIO(stdin.encode("utf-8", "surrogatepass")), 0, "<stdin>", "r", encoding="utf-8")
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
    return [status, code, elapsed, error]
`;
