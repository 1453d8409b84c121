/**
 * Python source of the in-interpreter harness, baked into the memory snapshot
 * as the module `_skyeval_harness`. The JS side calls `set_program(source)`
 * once per program and `run_case(stdin, out_cap, err_cap)` once per input;
 * every case runs as a fresh `__main__` with its own stdin and captured,
 * capped stdout and stderr.
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
import builtins, decimal, gc, io, os, signal, sys, time, traceback, warnings
from operator import is_not as _is_not

HOME = os.getcwd()
_RECURSION_LIMIT = sys.getrecursionlimit()
_INT_DIGITS = sys.get_int_max_str_digits()
_program = None

# Watched state, captured on the first begin_program() of an interpreter.
_pristine = None
_BRIDGES = ("js", "pyodide", "pyodide_js", "_pyodide", "_pyodide_core")
# Ways to reach the JS objects Pyodide keeps: the process may have been tampered with.
_RECYCLE_EVENTS = frozenset((
    "sys._getframe", "sys._current_frames", "sys._getframemodulename", "gc.get_objects",
    "gc.get_referrers", "gc.get_referents", "object.__getattr__",
))
_RESTORE_EVENTS = frozenset((
    "sys.addaudithook", "sys.settrace", "sys.setprofile", "object.__setattr__", "object.__delattr__", "os.remove", "os.rename", "os.rmdir", "os.mkdir",
    "os.symlink", "os.link", "os.chmod", "os.chown", "os.truncate", "os.utime", "os.putenv",
    "os.unsetenv", "shutil.rmtree", "shutil.move", "ctypes.dlopen", "ctypes.cdata",
    "ctypes.addressof", "ctypes.string_at", "code.__new__", "function.__new__",
))
_armed = False
_taint = None
_hidden = None


def _audit(event, args):
    global _taint
    if not _armed:
        return
    if event == "import":
        if str(args[0]).split(".")[0] in _BRIDGES:
            _taint = "recycle"
    elif event == "open":
        if len(args) > 1 and args[1] and any(c in str(args[1]) for c in "wax+"):
            _taint = _taint or "restore"
    elif event in _RECYCLE_EVENTS:
        _taint = "recycle"
    elif event in _RESTORE_EVENTS:
        _taint = _taint or "restore"


def _is_bridge(name):
    return name.split(".")[0] in _BRIDGES


def _capture():
    global _pristine
    # Modules with a lazy __getattr__ (typing, ...) cache names on first use: load them now.
    for module in list(sys.modules.values()):
        if isinstance(module, type(sys)) and "__getattr__" in module.__dict__ and not _is_bridge(module.__name__):
            for name in module.__dict__.get("__all__", ()):
                try:
                    getattr(module, name)
                except Exception:
                    pass
    modules = dict(sys.modules)
    # Every module's namespace, to compare by identity after each program.
    namespaces = []
    for name, module in modules.items():
        if isinstance(module, type(sys)) and not _is_bridge(name) and name != __name__:
            d = module.__dict__
            namespaces.append((d, tuple(d.keys()), tuple(d.values())))
    _pristine = {
        "modules": modules,
        "namespaces": namespaces,
        "excepthook": sys.excepthook,
        "meta_path": list(sys.meta_path),
        "path": list(sys.path),
        "path_hooks": list(sys.path_hooks),
        "environ": dict(os.environ),
        "warnings": list(warnings.filters),
        "decimal": repr(decimal.DefaultContext),
        "gc": gc.get_threshold(),
        "sigint": signal.getsignal(signal.SIGINT),
    }
    sys.addaudithook(_audit)


def begin_program():
    """Hide the JS bridges and start watching the program."""
    global _armed, _taint, _hidden
    if _pristine is None:
        _capture()
    _taint = None
    _hidden = {n: m for n, m in sys.modules.items() if _is_bridge(n)}
    for name in _hidden:
        del sys.modules[name]
    sys.meta_path[:] = [f for f in sys.meta_path if not type(f).__module__.startswith("_pyodide")]
    sys.excepthook = sys.__excepthook__
    _armed = True


def end_program():
    """Reset what a program may change; say whether the interpreter is still clean.

    Returns "clean", "restore" (use a fresh interpreter) or "recycle" (use a fresh process).
    """
    global _armed
    _armed = False
    p = _pristine
    for name in list(sys.modules):
        if name not in p["modules"] or _is_bridge(name):
            del sys.modules[name]
    sys.modules.update(_hidden)
    sys.meta_path[:] = p["meta_path"]
    sys.excepthook = p["excepthook"]
    if _taint:
        return _taint
    for name, module in p["modules"].items():
        if sys.modules.get(name) is not module:
            return "restore"
    for namespace, keys, values in p["namespaces"]:
        if len(namespace) != len(keys) or any(map(_is_not, map(namespace.get, keys), values)):
            return "restore"
    if (sys.path != p["path"] or sys.path_hooks != p["path_hooks"]
            or dict(os.environ) != p["environ"] or repr(decimal.DefaultContext) != p["decimal"]):
        return "restore"
    warnings.filters[:] = p["warnings"]
    decimal.setcontext(decimal.DefaultContext.copy())
    gc.enable()
    gc.set_threshold(*p["gc"])
    signal.signal(signal.SIGINT, p["sigint"])
    for entry in os.listdir(HOME):
        return "restore"
    return "clean"


class OutputLimitExceeded(BaseException):
    pass


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


class CappedBuffer(io.BytesIO):
    def __init__(self, cap):
        super().__init__()
        self.cap = cap
        self.size = 0
        self.exceeded = False

    def write(self, data):
        n = len(data)
        room = self.cap - self.size
        if n > room:
            if room > 0:
                super().write(bytes(memoryview(data)[:room]))
                self.size = self.cap
            self.exceeded = True
            raise OutputLimitExceeded("output limit exceeded")
        self.size += n
        return super().write(data)

    def text(self):
        return self.getvalue().decode("utf-8", "replace")


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


def run_case(stdin, out_cap, err_cap):
    """Run the compiled program once. Returns [status, exit_code, stdout, stderr, ms, error]."""
    out = CappedBuffer(out_cap)
    err = CappedBuffer(err_cap)
    sys.stdin = Stream(io.BytesIO(stdin.encode("utf-8", "surrogatepass")), 0, "<stdin>", "r", encoding="utf-8")
    stdout = Stream(out, 1, "<stdout>", "w", encoding="utf-8", errors="backslashreplace", newline="\n")
    stderr = Stream(err, 2, "<stderr>", "w", encoding="utf-8", errors="backslashreplace", newline="\n", write_through=True)
    sys.stdout, sys.stderr = stdout, stderr
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": "<program>"}
    status, code, error = "ok", 0, None
    start = time.perf_counter()
    try:
        try:
            exec(_program, namespace)
        finally:
            # As at interpreter exit: flush whatever sys.stdout is now (a program's fast-IO wrapper).
            for stream in (sys.stdout, stdout):
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
                print(arg, file=stderr)
            except BaseException:
                pass
    except KeyboardInterrupt:
        status, code, error = "interrupt", None, "KeyboardInterrupt"
    except MemoryError:
        status, code, error = "memory_limit", None, "MemoryError"
    except OutputLimitExceeded:
        status, code, error = "output_limit", None, "output limit exceeded"
    except BaseException as exc:
        global _armed
        status, code, error = "exception", 1, _describe(exc)
        armed, _armed = _armed, False
        try:
            lines = traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next)
            stderr.write("".join(lines))
        except BaseException:
            pass
        _armed = armed
    elapsed = (time.perf_counter() - start) * 1000.0
    if out.exceeded or err.exceeded:
        if status in ("ok", "exit", "exception"):
            status, code, error = "output_limit", None, "output limit exceeded"
    result = [status, code, out.text(), err.text(), elapsed, error]
    namespace.clear()
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
    sys.setrecursionlimit(_RECURSION_LIMIT)
    sys.set_int_max_str_digits(_INT_DIGITS)
    try:
        os.chdir(HOME)
    except OSError:
        pass
    return result
`;
