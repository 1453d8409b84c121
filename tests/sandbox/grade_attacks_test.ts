/**
 * `skyeval grade` over a mixed file of attack programs and honest ones: the
 * run ends in bounded time, and every honest line gets the verdict it has
 * when graded alone.
 */

import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
/** Far beyond what the file needs (minutes on a loaded machine); only a hang reaches it. */
const BOUND_MS = 30 * 60_000;

const fence = (code: string) => "```python\n" + code + "\n```";
const SUM = { inputs: ["1 2\n", "5 5\n"], outputs: ["3\n", "10\n"] };
const DOUBLE = { inputs: [[2], [21]], outputs: [4, 42], fn_name: "double" };

/** Honest lines and their true verdicts. */
const HONEST: [Record<string, unknown>, string][] = [
  [{ response: fence("print(sum(map(int, input().split())))"), tests: SUM }, "correct"],
  [{ response: fence("print(3)"), tests: SUM }, "wrong_answer"],
  [{ response: fence("def double(x):\n    return 2 * x"), tests: DOUBLE }, "correct"],
  [{ response: fence("def double(x):\n    return x + 2"), tests: DOUBLE }, "wrong_answer"],
  [
    {
      response: fence("import json\nprint(json.dumps([1, 2]))"),
      tests: { inputs: [""], outputs: ["[1, 2]\n"] },
    },
    "correct",
  ],
];

/** Attack lines: their own verdicts do not matter, only that the run survives them. */
const ATTACKS: Record<string, unknown>[] = [
  // Hooks its worker to make every later result print what SUM expects.
  {
    response: fence(`import js
js.eval("const p = self.postMessage.bind(self); self.postMessage = (m) => { if (m && m.r) m.r.stdout = '3\\\\n'; p(m); }")
print(3)`),
    tests: SUM,
  },
  // Writes a forged event line on the sandbox process's stdout.
  {
    response: fence(`import js
js.Deno.stdout.writeSync(js.TextEncoder.new().encode('{"ev":"done","id":1,"workers":0}\\n'))`),
    tests: SUM,
  },
  // Leaves spinning JS workers behind.
  {
    response: fence(`import js
js.eval("new Worker(URL.createObjectURL(new Blob(['for (;;) {}'], { type: 'text/javascript' })), { type: 'module' })")
print(3)`),
    tests: SUM,
  },
  // A forged driver result line (the parent once threw on it and never settled the batch).
  {
    response: fence(
      `import os\ndef double(x):\n    os.write(1, b'\\n__SKYEVAL_RESULT__{"$int": "4x"}\\n')\n    return 4`,
    ),
    tests: DOUBLE,
  },
  // Changes pure-Python state a later call-based driver uses.
  {
    response: fence(`import json, collections
json.JSONEncoder.item_separator = ', '
json._default_encoder.__dict__['indent'] = 1
collections.Counter.__eq__ = lambda a, b: True
print(3)`),
    tests: SUM,
  },
  // Silences print for everyone after it, and leaves a file and a descriptor behind.
  {
    response: fence(`import builtins, os
fd = os.open('/tmp/answer', os.O_CREAT | os.O_WRONLY)
os.write(fd, b'3')
builtins.print = lambda *a, **k: None
builtins.sum = lambda *a: 3`),
    tests: SUM,
  },
  // Tests without outputs (the grader once waited forever).
  { response: fence("print(1)"), tests: { inputs: ["1\n"] } },
  // Output that made the APPS float comparison backtrack for a minute.
  { response: fence("print('1' * 100000 + 'x')"), tests: SUM },
];

Deno.test({
  name: "grade: a mixed file of attacks and honest programs ends, with the honest verdicts intact",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "skyeval_grade_attacks_" });
    try {
      const lines: string[] = [];
      const expected = new Map<string, string>();
      let n = 0;
      // Every attack is followed by honest lines (three of them, in turn), its possible victims.
      for (const [a, attack] of ATTACKS.entries()) {
        lines.push(JSON.stringify({ id: `attack-${n++}`, kind: "code", ...attack }));
        for (const k of [0, 1, 2]) {
          const [line, verdict] = HONEST[(a + k) % HONEST.length];
          const id = `honest-${n++}`;
          expected.set(id, verdict);
          lines.push(JSON.stringify({ id, kind: "code", ...line }));
        }
      }
      await Deno.writeTextFile(`${dir}/in.jsonl`, lines.join("\n") + "\n");
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          "--quiet",
          `${ROOT}cli.ts`,
          "grade",
          "--input",
          `${dir}/in.jsonl`,
          "--output",
          `${dir}/out.jsonl`,
        ],
        cwd: ROOT,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const timer = setTimeout(() => child.kill("SIGKILL"), BOUND_MS);
      const out = await child.output();
      clearTimeout(timer);
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, `grade did not finish cleanly: ${stderr.slice(-2000)}`);
      const graded = (await Deno.readTextFile(`${dir}/out.jsonl`)).trim().split("\n")
        .map((l) => JSON.parse(l) as { id: string; verdict: string });
      assert.equal(graded.length, lines.length);
      for (const { id, verdict } of graded) {
        if (expected.has(id)) assert.equal(verdict, expected.get(id), `${id}: ${verdict}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
