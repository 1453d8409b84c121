import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { gradeHelp, runGrade } from "../../cli/grade.ts";
import type { Score } from "../../core/verdict.ts";
import { nativeUnavailable } from "./native_library.ts";

const NATIVE_UNAVAILABLE = nativeUnavailable();
if (NATIVE_UNAVAILABLE) console.warn(`ignored: native grade tests: ${NATIVE_UNAVAILABLE}`);
const native = { ignore: NATIVE_UNAVAILABLE !== null };

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function streamOf(text: string): ReadableStream<Uint8Array> {
  return new Blob([text]).stream();
}

function collector(): { stream: WritableStream<Uint8Array>; text: () => string } {
  const chunks: Uint8Array[] = [];
  return {
    stream: new WritableStream({ write: (c) => void chunks.push(c) }),
    text: () => new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))),
  };
}

async function run(args: string[], input = "", options = {}) {
  const out = collector();
  const errors: string[] = [];
  const code = await runGrade(args, {
    stdin: streamOf(input),
    stdout: out.stream,
    stderr: (l) => void errors.push(l),
  }, options);
  return { code, out: out.text(), errors };
}

const LINES = [
  { id: "m1", response: "So $\\boxed{\\frac{1}{2}}$.", gold: "0.5", kind: "math" },
  { id: 2, response: "The final answer is 18", gold: "#### 18", kind: "math", task: "gsm8k" },
  { id: "c1", response: "def f(): pass", kind: "code", tests: { inputs: [], outputs: [] } },
  { id: "q1", response: "The answer is (B)", gold: "B", kind: "mcq" },
  { id: "q2", response: "so the answer is (J).", gold: "J", kind: "mcq", task: "mmlu_pro" },
  {
    id: "q3",
    response: "The best answer is Paris",
    gold: "B",
    kind: "mcq",
    task: "arc_c",
    choices: ["London", "Paris"],
  },
  {
    id: "t1",
    response: "Let me think about 5 and",
    gold: "5",
    kind: "math",
    finish_reason: "length",
  },
  { id: "w1", response: "\\boxed{7}", gold: "8", kind: "math" },
];
const INPUT = LINES.map((l) => JSON.stringify(l)).join("\n") + "\n";
const EXPECTED = [
  { id: "m1", correct: true, verdict: "correct", extracted: "\\frac{1}{2}" },
  { id: 2, correct: true, verdict: "correct", extracted: "18" },
  { id: "c1", correct: null, verdict: "infra_error", extracted: null },
  { id: "q1", correct: true, verdict: "correct", extracted: "B" },
  { id: "q2", correct: true, verdict: "correct", extracted: "J" },
  { id: "q3", correct: true, verdict: "correct", extracted: "B" },
  { id: "t1", correct: false, verdict: "truncated", extracted: null },
  { id: "w1", correct: false, verdict: "incorrect", extracted: "7" },
];

function parseOut(text: string): unknown[] {
  return text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

Deno.test("runGrade() grades stdin to stdout, one line per input in order", async () => {
  const { code, out, errors } = await run(["--scorer", "ts"], INPUT);
  assert.equal(code, 0, errors.join("\n"));
  assert.deepEqual(parseOut(out), EXPECTED);
  assert.deepEqual(errors, []);
});

Deno.test(
  "runGrade() gives the same output with the native scorer, in small batches",
  native,
  async () => {
    const { code, out, errors } = await run(["--scorer", "native"], INPUT.repeat(5), {
      batchSize: 3,
    });
    assert.equal(code, 0, errors.join("\n"));
    assert.deepEqual(parseOut(out), [
      ...EXPECTED,
      ...EXPECTED,
      ...EXPECTED,
      ...EXPECTED,
      ...EXPECTED,
    ]);
  },
);

Deno.test("runGrade() passes code lines to the injected code scorer", async () => {
  const seen: unknown[] = [];
  const codeScorer = (line: unknown): Promise<Score> => {
    seen.push(line);
    return Promise.resolve({ verdict: "correct", correct: true, extracted: "def f(): pass" });
  };
  const { code, out } = await run(["--scorer", "ts"], INPUT, { codeScorer });
  assert.equal(code, 0);
  assert.deepEqual(parseOut(out)[2], {
    id: "c1",
    correct: true,
    verdict: "correct",
    extracted: "def f(): pass",
  });
  assert.equal((seen[0] as { id: string }).id, "c1");
});

Deno.test("runGrade() reads --input and writes --output files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/in.jsonl`, INPUT.replaceAll("\n", "\r\n") + "\n");
    const { code, out } = await run(["--input", `${dir}/in.jsonl`, "--output", `${dir}/out.jsonl`]);
    assert.equal(code, 0);
    assert.equal(out, "");
    assert.deepEqual(parseOut(await Deno.readTextFile(`${dir}/out.jsonl`)), EXPECTED);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runGrade() stops at a bad line with one error and keeps the lines before it", async () => {
  for (
    const [bad, pattern] of [
      ["{not json", /Line 3 is not JSON/],
      [JSON.stringify({ id: "x", response: "r", kind: "math" }), /Line 3 .*has no "gold"/],
      [
        JSON.stringify({ id: "x", response: 5, gold: "1", kind: "math" }),
        /Line 3 is not a grade input: response/,
      ],
      [
        JSON.stringify({ id: "x", response: "r", gold: "1", kind: "essay" }),
        /Line 3 is not a grade input: kind/,
      ],
      [
        JSON.stringify({ id: "x", response: "r", gold: "1", kind: "math", format: "arc" }),
        /format "arc" does not fit kind "math"/,
      ],
    ] as const
  ) {
    const text = [LINES[0], LINES[3]].map((l) => JSON.stringify(l)).join("\n") + "\n" + bad + "\n" +
      JSON.stringify(LINES[0]) + "\n";
    const { code, out, errors } = await run(["--scorer", "ts"], text, { batchSize: 1 });
    assert.equal(code, 2);
    assert.equal(errors.length, 1);
    assert.match(errors[0], pattern);
    assert.deepEqual(parseOut(out), [EXPECTED[0], EXPECTED[3]]);
  }
});

Deno.test("runGrade() rejects bad flags and unreadable files", async () => {
  assert.equal((await run(["--bogus"])).code, 2);
  assert.equal((await run(["--scorer", "fast"])).code, 2);
  const missing = await run(["--input", "/nonexistent/in.jsonl"]);
  assert.equal(missing.code, 2);
  assert.match(missing.errors[0], /^error: Cannot read input "\/nonexistent\/in.jsonl"/);
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.equal(help.out, gradeHelp + "\n");
});

Deno.test("skyeval grade runs as a subprocess through cli.ts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/in.jsonl`, INPUT);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "cli.ts", "grade", "--input", `${dir}/in.jsonl`],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.deepEqual(parseOut(new TextDecoder().decode(out.stdout)), EXPECTED);
    const bad = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "cli.ts", "grade"],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = bad.stdin.getWriter();
    await w.write(new TextEncoder().encode(JSON.stringify(LINES[0]) + "\n[1,2]\n"));
    await w.close();
    const r = await bad.output();
    assert.equal(r.code, 2);
    assert.match(new TextDecoder().decode(r.stderr), /Line 2 is not a grade input/);
    assert.deepEqual(parseOut(new TextDecoder().decode(r.stdout)), [EXPECTED[0]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const WEIRD_LINES = [
  "",
  "   \t",
  JSON.stringify({
    id: 'é\u0000"\\\n',
    response: "\\boxed{\\frac{1}{2}}",
    gold: "0.5",
    kind: "math",
  }),
  '{"id":1,"response":"\\u0041nswer: \\ud83d\\ude00 7","gold":7,"kind":"math"}',
  '{"id":"lone","response":"\\ud800 \\\\boxed{3}","gold":"3","kind":"math"}',
  '{"id":1.5,"response":"7","gold":"7","kind":"math"}',
  '{"id":12345678901234567,"response":"7","gold":"7","kind":"math"}',
  '{"id":"g","response":"7","gold":7.0,"kind":"math"}',
  '{"id":"n","response":"7","gold":null,"kind":"math"}',
  '{"id":"x","response":"The answer is (B)","gold":"B","kind":"mcq","choices":["a","b"],"extra":{"deep":[1,{"a":null}]}}',
  '{"id":"dup","response":"\\\\boxed{1}","gold":"2","kind":"math","gold":"1"}',
  '{"id":"t","response":"The best answer is C","gold":"C","kind":"mcq","task":"ARC_C"}',
  '{"id":"f","response":"The best answer is C","gold":"C","kind":"mcq","format":"mmlu_pro","finishReason":"length"}',
  '{"id":"r","response":"so 5 and","gold":"5","kind":"math","finish_reason":null,"finishReason":"length"}',
  '{"id":"c","response":"x","kind":"code","tests":{}}',
  '  {"id":"ws","response":"\\\\boxed{2}","gold":"2","kind":"math"}  ',
  '{"id":"bad-choice","response":"A","gold":"A","kind":"mcq","choices":[1]}',
];

async function bothPaths(text: string, options = {}) {
  const ts = await run(["--scorer", "ts"], text, options);
  const native = await run(["--scorer", "native"], text, { chunkBytes: 64, ...options });
  return { ts, native };
}

Deno.test(
  "runGrade() native path writes byte for byte what the ts path writes",
  native,
  async () => {
    const valid = WEIRD_LINES.filter((l) => !l.includes('"bad-choice"') && !l.includes('"n"'));
    const input = "\uFEFF" + valid.join("\n") + "\r\n" + valid.join("\r\n");
    const { ts, native } = await bothPaths(input);
    assert.equal(ts.code, 0, ts.errors.join("\n"));
    assert.deepEqual(native, ts);
    for (
      const bad of [
        '{"id":"n","response":"7","gold":null,"kind":"math"}',
        WEIRD_LINES.at(-1)!,
        "[]",
        "{",
        "\u00a0",
      ]
    ) {
      const r = await bothPaths(valid.slice(2, 6).join("\n") + "\n" + bad + "\n" + valid[2] + "\n");
      assert.equal(r.ts.code, 2);
      assert.deepEqual(r.native, r.ts);
    }
  },
);

Deno.test("runGrade() native and ts paths agree on random JSONL", native, async () => {
  const fc = (await import("fast-check")).default;
  const str = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.string({ unit: "binary", maxLength: 10 }),
    fc.constantFrom(
      "\\boxed{12}",
      "The answer is (C)",
      "7",
      "A",
      "x=5",
      "gsm8k",
      "arc_c",
      "mmlu_pro",
    ),
  );
  const value = fc.oneof(
    str,
    fc.integer(),
    fc.double(),
    fc.constant(null),
    fc.boolean(),
    fc.array(str, { maxLength: 3 }),
  );
  const line = fc.record({
    id: fc.oneof(str, fc.integer(), fc.double(), fc.constant(null)),
    response: fc.oneof(str, value),
    gold: fc.oneof(str, fc.integer(), value),
    kind: fc.oneof(fc.constantFrom("math", "mcq", "code", "essay"), value),
    task: fc.oneof(str, value),
    format: fc.oneof(fc.constantFrom("math", "gsm8k", "choice", "mmlu_pro", "arc", "x"), value),
    choices: fc.oneof(fc.array(str, { maxLength: 4 }), value),
    finish_reason: fc.oneof(fc.constantFrom("length", "stop"), value),
  }, { requiredKeys: ["id", "response", "kind"] }).map((o) => JSON.stringify(o));
  for (let seed = 1; seed <= Number(Deno.env.get("GRADE_FUZZ_SEEDS") ?? "6"); seed++) {
    const lines = fc.sample(line, { numRuns: 150, seed });
    const { ts, native } = await bothPaths(lines.join("\n") + "\n", { chunkBytes: 300 });
    assert.deepEqual(native, ts, `seed ${seed}`);
  }
});

Deno.test("runGrade() --grader skythought applies the reference's leniencies", async () => {
  const lines = [
    { id: "p", response: "\\boxed{75}", gold: "0.75", kind: "math" },
    { id: "i", response: "\\boxed{[2, \\infty)}", gold: "(2,\\infty)", kind: "math" },
  ];
  const input = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
  const verdicts = (out: string) => out.trim().split("\n").map((l) => JSON.parse(l).verdict);
  const strict = await run(["--scorer", "ts"], input);
  assert.deepEqual(verdicts(strict.out), ["incorrect", "incorrect"]);
  const lenient = await run(["--grader", "skythought"], input);
  assert.equal(lenient.code, 0, lenient.errors.join("\n"));
  assert.deepEqual(verdicts(lenient.out), ["correct", "correct"]);
});

Deno.test("runGrade() rejects an unknown --grader and skythought on the native scorer", async () => {
  const unknown = await run(["--grader", "sympy"], "");
  assert.equal(unknown.code, 2);
  assert.equal(unknown.errors.length, 1);
  assert.match(unknown.errors[0], /--grader must be skyeval or skythought/);
  const native = await run(["--grader", "skythought", "--scorer", "native"], "");
  assert.equal(native.code, 2);
  assert.match(native.errors[0], /TypeScript grader/);
});
