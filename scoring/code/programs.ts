/**
 * The programs the sandbox runs for each benchmark: the extracted code behind
 * the benchmark's import header (stdin tests), or a driver that reads one
 * test's arguments on stdin, runs the code as a module, calls the function
 * (or `Solution().method`) and prints the tagged JSON of the return value
 * (call-based tests). Nothing expected ever goes in.
 *
 * Permissions: none.
 *
 * @module
 */

/** The header the APPS and TACO runners put before generated code (numpy is not available). */
export const APPS_HEADER = `import sys
import time
import itertools
from itertools import accumulate, product, permutations, combinations
import collections
from collections import Counter, OrderedDict, deque, defaultdict, ChainMap
from functools import lru_cache
import math
from math import sqrt, sin, cos, tan, ceil, fabs, floor, gcd, exp, log, log2
import fractions
from typing import List, Tuple
import random
import heapq
from heapq import *
`;

/** LiveCodeBench's `import_string`. */
export const LCB_HEADER = `from string import *
from re import *
from datetime import *
from collections import *
from heapq import *
from bisect import *
from copy import *
from math import *
from random import *
from statistics import *
from itertools import *
from functools import *
from operator import *
from io import *
from sys import *
from json import *
from builtins import *
from typing import *
import string
import re
import datetime
import collections
import heapq
import bisect
import copy
import math
import random
import statistics
import itertools
import functools
import operator
import io
import sys
import json
sys.setrecursionlimit(50000)
`;

/** Marks the line that carries a call-based result. */
export const RESULT_MARKER = "__SKYEVAL_RESULT__";
/** Written to stderr by the driver when the solution does not compile. */
export const SYNTAX_MARKER = "__SKYEVAL_SYNTAX_ERROR__";

/** Put `header` before `code`, keeping `from __future__` imports first. */
export function withHeader(header: string, code: string): string {
  const future: string[] = [];
  const rest = code.replace(/^from __future__ import [^\n]*\n?/gm, (line) => {
    future.push(line.endsWith("\n") ? line : line + "\n");
    return "";
  });
  return future.join("") + header + rest;
}

/**
 * A stdin program: `source` compiled and run as `__main__`. When it does not
 * compile only because of a top-level `return`, it is wrapped into
 * `def code(): ...; code()` as the APPS runner does (imports stay on top).
 * Threads run in place (`start()` calls `run()`), since the sandbox has none.
 */
export function stdinProgram(source: string): string {
  return `import sys as _sys
_SOURCE = ${JSON.stringify(source)}


def _skyeval_wrap(text):
    lines = []
    started = False
    for line in text.split("\\n"):
        if line.startswith("from ") or line.startswith("import "):
            lines.append(("\\t" if started else "") + line)
        else:
            if not started:
                lines.append("stdin = _sys.stdin\\nstdout = _sys.stdout\\ndef code():")
                started = True
            lines.append("\\t" + line)
    return "\\n".join(lines) + "\\ncode()\\n"


def _skyeval_compile():
    try:
        return compile(_SOURCE, "<solution>", "exec")
    except (SyntaxError, ValueError) as exc:
        if "outside function" in str(exc):
            try:
                return compile(_skyeval_wrap(_SOURCE), "<solution>", "exec")
            except (SyntaxError, ValueError):
                pass
        _sys.stderr.write("${SYNTAX_MARKER} %s: %s\\n" % (type(exc).__name__, exc))
        raise SystemExit(1)


_skyeval_code = _skyeval_compile()
del _skyeval_compile, _skyeval_wrap, _SOURCE

# The sandbox has no threads; run the common "threading.Thread(target=main).start()" in place.
import threading as _threading
_skyeval_threads = (_threading.Thread.start, _threading.Thread.join, _threading.stack_size)
_threading.Thread.start = lambda self: self.run()
_threading.Thread.join = lambda self, timeout=None: None
_threading.stack_size = lambda size=0: 0
try:
    exec(_skyeval_code)
finally:
    _threading.Thread.start, _threading.Thread.join, _threading.stack_size = _skyeval_threads
`;
}

/** How a call-based driver reads one test's stdin into arguments. */
export type ArgumentStyle = "apps" | "lcb";

/** A driver program for call-based tests of `fnName`. */
export function callDriver(
  source: string,
  fnName: string,
  argumentStyle: ArgumentStyle,
): string {
  return `import sys as _sys, json as _json, io as _io, math as _math
_SOURCE = ${JSON.stringify(source)}
_FN = ${JSON.stringify(fnName)}
_STYLE = ${JSON.stringify(argumentStyle)}


def _skyeval_value(x, depth=0):
    if depth > 200:
        return {"$repr": "<too deep>"}
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, int):
        return x if -2**53 <= x <= 2**53 else {"$int": str(x)}
    if isinstance(x, float):
        return x if _math.isfinite(x) else {"$float": repr(x)}
    if isinstance(x, (list, tuple)):
        return [_skyeval_value(e, depth + 1) for e in x]
    if isinstance(x, dict):
        return {"$dict": [[_skyeval_value(k, depth + 1), _skyeval_value(v, depth + 1)] for k, v in x.items()]}
    if isinstance(x, (set, frozenset)):
        return {"$set": [_skyeval_value(e, depth + 1) for e in x]}
    return {"$repr": repr(x)}


def _skyeval_args(raw):
    if _STYLE == "lcb":
        return [_json.loads(line) for line in raw.split("\\n") if line.strip()]
    args = _json.loads(raw)
    try:
        if isinstance(args[0], dict):
            args = [{int(k): v for k, v in args[0].items()}] + list(args[1:])
    except (ValueError, TypeError, IndexError):
        pass
    return args


def _skyeval_main():
    args = _skyeval_args(_sys.stdin.read())
    try:
        code = compile(_SOURCE, "<solution>", "exec")
    except (SyntaxError, ValueError) as exc:
        _sys.stderr.write("${SYNTAX_MARKER} %s: %s\\n" % (type(exc).__name__, exc))
        raise SystemExit(1)
    out = _sys.stdout
    _sys.stdout = _io.StringIO()
    try:
        # Like the reference, the module runs once per program and its state is
        # shared by the tests (a module not in the snapshot, dropped after the program).
        holder = _sys.modules.get("_skyeval_solution")
        if holder is None or holder.source != _SOURCE:
            ns = {"__name__": "solution", "__builtins__": __builtins__}
            exec(code, ns)
            holder = type(_sys)("_skyeval_solution")
            holder.source, holder.ns = _SOURCE, ns
            _sys.modules["_skyeval_solution"] = holder
        ns = holder.ns
        cls = ns.get("Solution")
        if isinstance(cls, type) and hasattr(cls, _FN):
            fn = getattr(cls(), _FN)
        elif _FN in ns:
            fn = ns[_FN]
        else:
            raise NameError("name %r is not defined" % _FN)
        result = fn(*args)
    finally:
        _sys.stdout = out
    out.write("\\n${RESULT_MARKER}" + _json.dumps(_skyeval_value(result)) + "\\n")


_skyeval_main()
`;
}
