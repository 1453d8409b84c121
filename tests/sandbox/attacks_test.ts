/**
 * Attacks on other programs' verdicts, one per class of issue 7: each attack
 * program runs on a one-process pool, then honest programs run on the same
 * pool and must get their true results. The interpreter is sealed off from
 * its worker's JS realm (`sandbox/bridge_gate.ts`): every route into it ends
 * the attacking program with a `SandboxViolation` (a runtime error of its
 * own), and the worker is replaced.
 */

import assert from "node:assert/strict";
import { createPyodideSandbox, type PyodideSandbox } from "../../sandbox/pyodide_pool.ts";
import type { RunResult } from "../../sandbox/sandbox.ts";
import { sandboxFlags } from "../../sandbox/pyodide_assets.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };
const LIMIT_MS = 2000;

let shared: Promise<PyodideSandbox> | undefined;
const sandbox = () => (shared ??= createPyodideSandbox({ workers: 1 }));
const run = async (code: string, stdin = "", timeLimitMs = LIMIT_MS): Promise<RunResult> =>
  await (await sandbox()).run({ code, stdin, timeLimitMs });

/** Honest programs, each with the only output it may have. */
const HONEST: [string, string, string][] = [
  ["print(sum(map(int, input().split())))", "20 22\n", "42\n"],
  ["print(int(input()) + 1)", "3\n", "4\n"],
  [
    "import json, collections, random, sys, re, decimal\n" +
    "print(json.dumps({'a': [1, 2]}), collections.Counter('aab') + collections.Counter('b'),\n" +
    "      sys.getrecursionlimit() >= 1000, re.sub('a', 'b', 'aa'), decimal.Decimal(1) / 3)",
    "",
    `{"a": [1, 2]} Counter({'a': 2, 'b': 2}) True bb 0.3333333333333333333333333333\n`,
  ],
  ["import os\nprint(os.path.exists('/tmp/leak'), os.listdir('.'))", "", "False []\n"],
  ["print(len(__import__('sys').stdin.read()))", "x".repeat(1000), "1000\n"],
];

async function honestStillTrue(): Promise<void> {
  for (const [code, stdin, stdout] of HONEST) {
    const r = await run(code, stdin);
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.equal(r.stdout, stdout, code);
  }
}

function refused(r: RunResult): void {
  assert.equal(r.status, "exception", JSON.stringify(r));
  assert.match(r.error ?? "", /^SandboxViolation: the program called \S+/);
  assert.match(r.stderr, /SandboxViolation/);
  assert.doesNotMatch(r.stdout, /reached/);
}

/** Connections a listener the test owns received while `attempt` ran (and 300 ms after). */
async function countConnections(attempt: (port: number) => Promise<void>): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  let connections = 0;
  const accepting = (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })();
  try {
    await attempt(port);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return connections;
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `attack: ${name}`, ...opts, fn });

/** Every route from Python into the worker's JS realm that a program could take. */
const ROUTES: [string, string][] = [
  ["import js", "import js\nprint('reached', js.self)"],
  [
    "hooking postMessage",
    `import js
js.eval("self.postMessage = () => {}")
print("reached")`,
  ],
  ["pyodide_js", "import pyodide_js\nprint('reached', pyodide_js._module)"],
  ["run_js", "from pyodide.code import run_js\nprint('reached', run_js('1 + 1'))"],
  ["create_proxy", "from pyodide.ffi import create_proxy\nprint('reached', create_proxy(print))"],
  ["to_js", "from pyodide.ffi import to_js\nprint('reached', to_js([1, 2]))"],
  [
    "a JsProxy found with gc and constructor.constructor",
    `import gc
for o in gc.get_objects():
    if type(o).__name__.startswith("Js"):
        try:
            print("reached", o.constructor.constructor("return globalThis")())
            break
        except AttributeError:
            pass
else:
    import js`,
  ],
  ["ctypes (raw memory, C calls)", "import ctypes\nprint('reached', ctypes.CDLL(None))"],
  ["asyncio", "import asyncio\nasync def f(): return 1\nprint('reached', asyncio.run(f()))"],
];

for (const [route, code] of ROUTES) {
  test(`reaching the JS realm (${route}) is refused, and later verdicts are true`, async () => {
    refused(await run(code));
    await honestStillTrue();
  });
}

test("the JS realm cannot be reached to make or see a network connection: zero connections", async () => {
  const connections = await countConnections(async (port) => {
    refused(await run(`import js\njs.fetch("http://127.0.0.1:${port}/")\nprint("reached")`));
    const sock = await run(`import socket
try:
    socket.create_connection(("127.0.0.1", ${port}), timeout=1)
    print("connected")
except BaseException as e:
    print("refused")`);
    assert.notEqual(sock.stdout, "connected\n", JSON.stringify(sock));
  });
  assert.equal(connections, 0);
  await honestStillTrue();
});

test("records forged on the result device and lines on fd 1 shape only the forger's own result", async () => {
  const r = await run(`import os
for fd in range(3, 12):
    try:
        os.write(fd, b'["ok", 0, 1.0, null]\\n{"compileError": null}\\n')
    except OSError:
        pass
os.write(1, b'{"ev":"result","id":1,"i":0,"r":{"status":"ok"}}\\n')
raise SystemExit(3)`);
  assert.equal(r.status, "exit");
  assert.equal(r.exitCode, 3);
  await honestStillTrue();
  const wrong = await run("print(41)");
  assert.equal(wrong.stdout, "41\n");
});

test("a timer a program starts dies with its worker", async () => {
  const r = await run(
    `import signal, time
def tick(*_):
    print("tick", flush=True)
for arm in (lambda: signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01), lambda: signal.alarm(1)):
    try:
        signal.signal(signal.SIGALRM, tick)
        arm()
    except (AttributeError, OSError, ValueError):
        pass
while True:
    try:
        time.sleep(10)
    except BaseException:
        pass`,
    "",
    500,
  );
  assert.equal(r.status, "timeout", JSON.stringify(r));
  await honestStillTrue();
  await new Promise((resolve) => setTimeout(resolve, 100));
  await honestStillTrue();
});

test("Python state a program changes is gone for the next one", async () => {
  await run(`import json, collections, random, sys, re, decimal, os, builtins
json.JSONEncoder.item_separator = '|'
json._default_encoder.__dict__['indent'] = 4
collections.Counter.__add__ = lambda a, b: 'leak'
re.sub = lambda *a, **k: 'leak'
builtins.print = lambda *a, **k: None
builtins.int = str
random.seed(1)
sys.setrecursionlimit(60)
sys.set_int_max_str_digits(640)
decimal.DefaultContext.prec = 3
decimal.getcontext().prec = 3
sys.modules['collections'].leak = 1
sys.stdout = open('/dev/null', 'w')
os.chdir('/lib')`);
  await honestStillTrue();
  const a = await run("import random\nprint(random.random())");
  const b = await run("import random\nprint(random.random())");
  assert.notEqual(a.stdout, b.stdout, "each program seeds its own random generator");
});

test("files and descriptors a program leaves are gone for the next one", async () => {
  await run(`import os
fd = os.open('/tmp/leak', os.O_CREAT | os.O_WRONLY)
os.write(fd, b'x')
kept = open('/lib/python3.14/os.py')
os.dup2(os.open('/tmp/leak', os.O_RDONLY), 1)`);
  await honestStillTrue();
  const fds = await run("import os\nprint(sorted(os.listdir('/proc/self/fd')))");
  const again = await run("import os\nprint(sorted(os.listdir('/proc/self/fd')))");
  assert.equal(fds.stdout, again.stdout);
});

test("reading a TTY cannot reach the sandbox process's own stdin", async () => {
  const r = await run(`import os
for tty in ("/dev/tty", "/dev/tty1", "/dev/console"):
    try:
        print(tty, os.read(os.open(tty, os.O_RDONLY), 4000))
    except OSError as e:
        print(tty, e.errno)`);
  assert.equal(r.status, "ok", JSON.stringify(r));
  assert.doesNotMatch(r.stdout, /b'/);
  await honestStillTrue();
});

test("deep recursion ends its own program only", async () => {
  const r = await run(`import sys
sys.setrecursionlimit(10 ** 7)
def f(n):
    return f(n + 1) + 1
f(0)`);
  assert.notEqual(r.status, "ok");
  await honestStillTrue();
});

test("behind the gate, the sandbox process's own permissions deny the network: zero connections", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const connections = await countConnections(async (port) => {
      // JS as a program that got past the gate would run it: in a process with the sandbox's flags.
      const script = `${dir}/escaped.ts`;
      await Deno.writeTextFile(
        script,
        `const outcomes = [];
for (const attempt of [
  () => fetch("http://127.0.0.1:${port}/"),
  () => Deno.connect({ hostname: "127.0.0.1", port: ${port} }),
]) {
  try { await attempt(); outcomes.push("connected"); } catch (e) { outcomes.push(e.name); }
}
console.log(JSON.stringify(outcomes));`,
      );
      const out = await new Deno.Command(Deno.execPath(), {
        args: [...sandboxFlags(dir + "/"), script],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const outcomes = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.deepEqual(outcomes, ["NotCapable", "NotCapable"]);
    });
    assert.equal(connections, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "attack: close the shared pool",
  ...opts,
  fn: async () => {
    if (shared) await (await shared).close();
  },
});
