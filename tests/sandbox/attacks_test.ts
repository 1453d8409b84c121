/**
 * Attacks on other programs' verdicts, one per class of issue 7: each attack
 * program runs on a one-process pool, then honest programs run on the same
 * pool and must get their true results. A program may reach Pyodide's JS
 * realm (`import js`); what it does there must stay with its own program.
 */

import assert from "node:assert/strict";
import { createPyodideSandbox, type PyodideSandbox } from "../../sandbox/pyodide_pool.ts";
import { type RunResult, SandboxError } from "../../sandbox/sandbox.ts";

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
];

async function honestStillTrue(): Promise<void> {
  for (const [code, stdin, stdout] of HONEST) {
    const r = await run(code, stdin);
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.equal(r.stdout, stdout, code);
  }
}

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `attack: ${name}`, ...opts, fn });

test("hooking the worker's postMessage and onmessage forges no later result", async () => {
  const r = await run(
    `import js
js.eval("""
const post = self.postMessage.bind(self);
self.postMessage = (m) => {
  if (m && m.r) Object.assign(m.r, { status: 'ok', exitCode: 0, stdout: '42\\\\n', wallMs: 1 });
  post(m);
};
const on = self.onmessage;
self.onmessage = (e) => { if (e.data.stdin !== undefined) e.data.stdin = '20 22\\\\n'; return on(e); };
""")
print("hooked")`,
  );
  // Its own result is what it made its worker say: no more than printing "42" would give it.
  assert.equal(r.stdout, "42\n");
  await honestStillTrue();
  const wrong = await run("print(41)");
  assert.equal(wrong.stdout, "41\n");
});

test("a program that hooks its own worker cannot outlast its limit", async () => {
  const r = await run(
    `import js, time
js.eval("const post = self.postMessage.bind(self); self.postMessage = (m) => { if (m && m.r) { m.r.status = 'ok'; m.r.wallMs = 1; } post(m); };")
while True:
    try:
        time.sleep(10)
    except BaseException:
        pass`,
    "",
    500,
  );
  assert.equal(r.status, "timeout");
  await honestStillTrue();
});

test("lines forged on the process's stdout are caught, and the process is replaced", async () => {
  const pool = await sandbox();
  const before = pool.pids();
  await assert.rejects(
    run(`import js
line = '{"ev":"result","id":1,"i":0,"r":{"status":"ok","exitCode":0,"stdout":"42\\\\n","stderr":"","wallMs":1}}'
js.Deno.stdout.writeSync(js.TextEncoder.new().encode(line + "\\n"))
js.Deno.stdout.writeSync(js.TextEncoder.new().encode('{"key":'))
print("forged")`),
    SandboxError,
  );
  assert.notDeepEqual(pool.pids(), before);
  await honestStillTrue();
});

test("JS workers a program starts do not outlive it: their process is replaced", async () => {
  const pool = await sandbox();
  const before = pool.pids();
  const r = await run(`import js
js.eval("for (let i = 0; i < 2; i++) new Worker(URL.createObjectURL(new Blob(['for (;;) {}'], { type: 'text/javascript' })), { type: 'module' })")
print("spawned")`);
  assert.equal(r.stdout, "spawned\n");
  const after = pool.pids();
  assert.equal(after.length, 1);
  assert.notDeepEqual(after, before);
  await honestStillTrue();
});

test("reading the process's stdin steals no later program", async () => {
  const r = await run(`import js
js.eval("for (let i = 0; i < 4; i++) Deno.stdin.read(new Uint8Array(1 << 16)).catch(() => {})")
print("reading")`);
  assert.equal(r.stdout, "reading\n");
  await honestStillTrue();
});

test("Python state a program changes is gone for the next one", async () => {
  await run(`import json, collections, random, sys, re, decimal, os
json.JSONEncoder.item_separator = '|'
json._default_encoder.__dict__['indent'] = 4
collections.Counter.__add__ = lambda a, b: 'leak'
re.sub = lambda *a, **k: 'leak'
random.seed(1)
sys.setrecursionlimit(60)
sys.set_int_max_str_digits(640)
decimal.DefaultContext.prec = 3
decimal.getcontext().prec = 3
fd = os.open('/tmp/leak', os.O_CREAT | os.O_WRONLY)
os.write(fd, b'x')
os.close(fd)
sys.modules['collections'].leak = 1`);
  await honestStillTrue();
  const a = await run("import random\nprint(random.random())");
  const b = await run("import random\nprint(random.random())");
  assert.notEqual(a.stdout, b.stdout, "each interpreter seeds its own random generator");
});

test("network access from the JS realm is denied by Deno: zero connections", async () => {
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
    const results = await (await sandbox()).runBatch!({
      code: `import js
if input() == "0":
    js.eval("""
      globalThis.outcomes = [];
      const note = (p) => p.then(() => outcomes.push('connected'), (e) => outcomes.push(e.name));
      note(fetch('http://127.0.0.1:${port}/'));
      note(Deno.connect({ hostname: '127.0.0.1', port: ${port} }));
    """)
    print(js.eval("Deno.permissions.querySync({ name: 'net' }).state"))
else:
    print(sorted(set(js.eval("globalThis.outcomes || []").to_py())))`,
      inputs: ["0", "1"],
      timeLimitMs: LIMIT_MS,
    });
    assert.equal(results[0].stdout, "denied\n");
    assert.ok(!results[1].stdout.includes("connected"), results[1].stdout);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(connections, 0);
  } finally {
    listener.close();
    await accepting.catch(() => {});
  }
});

Deno.test({
  name: "attack: close the shared pool",
  ...opts,
  fn: async () => {
    if (shared) await (await shared).close();
  },
});
