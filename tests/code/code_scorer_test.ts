import assert from "node:assert/strict";
import {
  type CodeItem,
  type CodeScorer,
  createCodeScorer,
  scoreCode,
} from "../../scoring/code/mod.ts";
import { createPyodideSandbox } from "../../sandbox/pyodide_pool.ts";
import { gradeCodeLine } from "../../scoring/code/grade_line.ts";
import { testdataJsonl } from "../support/testdata.ts";

const opts = { sanitizeOps: false, sanitizeResources: false };

// deno-lint-ignore no-explicit-any
type Row = any;
function readJsonl(name: string): Row[] {
  return testdataJsonl(`code/${name}`);
}

let shared: Promise<CodeScorer> | undefined;
// The speed factor is measured once and cached; tests that expect a timeout set short limits.
const scorer = () => (shared ??= createCodeScorer({ workers: 2 }));
const fence = (code: string) => "```python\n" + code + "\n```";

Deno.test({
  name: "score() gives per-test and per-response verdicts",
  ...opts,
  fn: async () => {
    const s = await scorer();
    const tests = { inputs: ["1 2\n", "3 4\n", "5 6\n"], outputs: ["3\n", "7\n", "11\n"] };
    const ok = await s.score({
      family: "apps",
      response: fence("a, b = map(int, input().split())\nprint(a + b)"),
      tests,
    });
    assert.deepEqual([ok.verdict, ok.correct, ok.tests], ["correct", true, [
      "pass",
      "pass",
      "pass",
    ]]);
    const wrong = await s.score({
      family: "apps",
      response: fence("a, b = map(int, input().split())\nprint(a + b if a < 3 else 0)"),
      tests,
    });
    assert.deepEqual([wrong.verdict, wrong.tests], ["wrong_answer", [
      "pass",
      "wrong_answer",
      "wrong_answer",
    ]]);
    const taco = await s.score({
      family: "taco",
      response: fence("a, b = map(int, input().split())\nprint(a + b if a < 3 else 0)"),
      tests,
    });
    assert.deepEqual(taco.tests, ["pass", "wrong_answer"], "TACO stops at the first failure");
    const crash = await s.score({ family: "apps", response: fence("raise ValueError"), tests });
    assert.deepEqual([crash.verdict, crash.correct], ["runtime_error", false]);
    const syntax = await s.score({ family: "apps", response: fence("print(("), tests });
    assert.deepEqual([syntax.verdict, syntax.tests], ["syntax_error", ["syntax_error"]]);
    const slow = await s.score({
      family: "livecodebench",
      response: fence("while True: pass"),
      tests: [{ input: "", output: "", testtype: "stdin" }],
      timeLimitSeconds: 0.2,
    });
    assert.equal(slow.verdict, "timeout");
    const noTests = await s.score({
      family: "apps",
      response: fence("print(1)"),
      tests: { inputs: [], outputs: [] },
    });
    assert.deepEqual([noTests.verdict, noTests.correct], ["infra_error", null]);
    const none = await s.score({
      family: "apps",
      response: "I cannot solve this.",
      tests,
      finishReason: "length",
    });
    assert.deepEqual([none.verdict, none.correct, none.extracted], ["no_code", false, null]);
    const topLevelReturn = await s.score({
      family: "apps",
      response: fence("n = int(input())\nif n > 2:\n    print(n)\n    return\nprint(0)"),
      tests: { inputs: ["5\n", "1\n"], outputs: ["5\n", "0\n"] },
    });
    assert.equal(topLevelReturn.verdict, "correct", "the APPS def code() wrapper");
    const threaded = await s.score({
      family: "apps",
      response: fence(
        "import sys, threading\nsys.setrecursionlimit(10**6)\nthreading.stack_size(2**26)\ndef main():\n    def f(n): return 0 if n == 0 else 1 + f(n - 1)\n    print(f(int(input())))\nt = threading.Thread(target=main)\nt.start()\nt.join()",
      ),
      tests: { inputs: ["50000\n"], outputs: ["50000\n"] },
    });
    assert.equal(threaded.verdict, "correct", "the threading idiom for deep recursion");
  },
});

Deno.test({
  name: "score() runs call-based tests: functions, class Solution, starter code",
  ...opts,
  fn: async () => {
    const s = await scorer();
    const apps = await s.score({
      family: "apps",
      response: fence("def add(a, b):\n    return (a + b, a)"),
      tests: { inputs: [[1, 2], [3, 4]], outputs: [[[3, 1]], [[7, 3]]], fn_name: "add" },
    });
    assert.equal(apps.verdict, "correct");
    const lcb = await s.score({
      family: "livecodebench",
      response: fence(
        "class Solution:\n    def halve(self, nums: List[int], k: int) -> float:\n        return sum(nums) / k",
      ),
      tests: [{ input: "[1, 2]\n3", output: "1.0", testtype: "functional" }, {
        input: "[1]\n3",
        output: "0.33333333",
        testtype: "functional",
      }],
      starterCode:
        "class Solution:\n    def halve(self, nums: List[int], k: int) -> float:\n        ",
    });
    assert.equal(lcb.verdict, "correct");
    const missing = await s.score({
      family: "apps",
      response: fence("def other(): pass"),
      tests: { inputs: [[1]], outputs: [1], fn_name: "f" },
    });
    assert.equal(missing.verdict, "runtime_error");
  },
});

Deno.test({
  name: "score() agrees with the reference's scorer fixtures",
  ...opts,
  fn: async () => {
    const s = await scorer();
    for (const f of readJsonl("code_scorer_fixtures.jsonl.gz")) {
      let item: CodeItem | undefined;
      if (f.benchmark === "apps") {
        item = { family: "apps", response: f.response, tests: f.input_output };
      } else if (f.fixture_id === "skythought-taco-0") {
        item = { family: "taco", response: f.response, tests: f.input_output };
      } else if (f.benchmark === "code_contests" || f.benchmark === "taco") {
        item = { family: "taco", response: f.response, tests: f.tests };
      } else if (f.benchmark === "codeforces") {
        item = {
          family: "apps",
          response: f.response,
          tests: {
            inputs: f.tests.map((t: Row) => t.input),
            outputs: f.tests.map((t: Row) => t.output),
          },
        };
      } else if (f.benchmark === "livecodebench") {
        item = { family: "livecodebench", response: f.response, tests: f.tests };
      }
      if (!item) continue; // leetcode check scripts and kodcode pytest files are other formats
      const score = await s.score(item);
      assert.equal(
        score.correct,
        f.expected_correct,
        `${f.fixture_id}: ${score.verdict} ${score.detail ?? ""}`,
      );
    }
  },
});

Deno.test({
  name: "score() passes known-correct APPS programs and fails known-wrong ones",
  ...opts,
  fn: async () => {
    const s = await scorer();
    for (const problem of readJsonl("apps_coderl_samples.jsonl.gz")) {
      const solutions = problem.solutions.slice(0, 8) as string[];
      // Known-correct programs get a limit no machine load reaches: this checks verdicts,
      // not speed (the default 4 s timed one out on 2 cores shared with 7 other test runs).
      const scores = await Promise.all(
        solutions.map((code) =>
          s.score({
            family: "apps",
            response: fence(code),
            tests: problem.input_output,
            timeLimitSeconds: 60,
          })
        ),
      );
      for (const [i, score] of scores.entries()) {
        assert.equal(
          score.verdict,
          "correct",
          `${problem.problem_id} solution ${i}: ${score.verdict}`,
        );
      }
      const samples = problem.graded_model_samples as Row[];
      const graded = await Promise.all(
        samples.map((sample) =>
          s.score({
            family: "apps",
            response: fence(sample.code),
            tests: problem.input_output,
            timeLimitSeconds: 1,
          })
        ),
      );
      for (const [i, score] of graded.entries()) {
        const expected = samples[i].coderl_result === true;
        assert.equal(
          score.correct,
          expected,
          `${problem.problem_id} sample ${i}: ${score.verdict}, CodeRL ${samples[i].coderl_result}`,
        );
      }
    }
  },
});

Deno.test({
  name: "score() judges real LiveCodeBench problems (stdin and functional)",
  ...opts,
  fn: async () => {
    const s = await scorer();
    const problems = new Map(
      readJsonl("livecodebench_public_tests_slice.jsonl").map((p) => [p.question_id, p]),
    );
    const cases: [string, string, boolean][] = [
      [
        "1873_A",
        "t = int(input())\nfor _ in range(t):\n    s = input().strip()\n    print('YES' if sum(a != b for a, b in zip(s, 'abc')) <= 2 else 'NO')",
        true,
      ],
      ["1873_A", "t = int(input())\nfor _ in range(t):\n    input()\n    print('YES')", false],
      [
        "2727",
        "class Solution:\n    def countSeniors(self, details: List[str]) -> int:\n        return sum(int(d[11:13]) > 60 for d in details)",
        true,
      ],
      [
        "2727",
        "class Solution:\n    def countSeniors(self, details: List[str]) -> int:\n        return sum(int(d[12:14]) > 60 for d in details)",
        false,
      ],
      [
        "2728",
        "class Solution:\n    def matrixSum(self, nums):\n        for r in nums:\n            r.sort()\n        return sum(max(c) for c in zip(*nums))",
        true,
      ],
      [
        "2728",
        "class Solution:\n    def matrixSum(self, nums):\n        return sum(max(r) for r in nums)",
        false,
      ],
    ];
    for (const [id, code, expected] of cases) {
      const p = problems.get(id);
      const score = await s.score({
        family: "livecodebench",
        response: fence(code),
        tests: p.public_test_cases,
        starterCode: p.starter_code,
      });
      assert.equal(score.correct, expected, `${id}: ${score.verdict}`);
    }
  },
});

Deno.test({
  name: "gradeCodeLine() scores a grade line of kind code",
  ...opts,
  fn: async () => {
    const s = await scorer();
    const score = await gradeCodeLine(s, {
      id: "x",
      kind: "code",
      response: fence("print(input()[::-1])"),
      tests: { inputs: ["abc\n"], outputs: ["cba\n"] },
      task: "taco",
    });
    assert.deepEqual([score.verdict, score.correct, score.extracted], [
      "correct",
      true,
      "print(input()[::-1])\n",
    ]);
    await assert.rejects(() => gradeCodeLine(s, { id: "y", response: "x" } as never), TypeError);
  },
});

const HIJACK = `import gc
for o in gc.get_objects():
    if hasattr(o, "jsproxies"):
        g = next(iter(o.jsproxies.values())).constructor.constructor("return globalThis")()
        ACTION
print(input())
`;

Deno.test({
  name: "score() fails a program that kills or hijacks its sandbox process (never unscored)",
  ...opts,
  fn: async () => {
    const s = await scorer();
    const tests = { inputs: ["1\n", "2\n"], outputs: ["1\n", "2\n"] };
    for (
      const action of [
        "g.Deno.exit(0)",
        `g.postMessage(g.JSON.parse('{"ev": "done", "id": 0, "heapBytes": 0, "recycle": false}'))`,
        `g.postMessage(g.JSON.parse('{"ev": "result", "id": 0, "i": 1, "r": {"status": "ok", "exitCode": 0, "stdout": "2\\\\n", "stderr": "", "wallMs": 1}}'))`,
      ]
    ) {
      const score = await s.score({
        family: "apps",
        response: fence(HIJACK.replace("ACTION", action)),
        tests,
        timeLimitSeconds: 0.3,
      });
      assert.equal(score.correct, false, `${action}: ${score.verdict}`);
    }
    const ok = await s.score({ family: "apps", response: fence("print(input())"), tests });
    assert.equal(ok.verdict, "correct");
  },
});

Deno.test({
  name: "scoreCode() reports infra_error, unscored, when the sandbox itself fails",
  ...opts,
  fn: async () => {
    const sandbox = await createPyodideSandbox({ workers: 1 });
    await sandbox.close();
    const score = await scoreCode(sandbox, {
      family: "apps",
      response: fence("print(1)"),
      tests: { inputs: [""], outputs: ["1"] },
    });
    assert.deepEqual([score.verdict, score.correct], ["infra_error", null]);
    assert.match(score.detail ?? "", /Sandbox failed/);
  },
});

Deno.test({
  name: "close() stops the scorer's sandbox",
  ...opts,
  fn: async () => {
    const s = await scorer();
    assert.equal(s.info.sandbox.startsWith("pyodide-"), true);
    assert.ok(s.info.speedFactor >= 1, `${s.info.speedFactor}`);
    await s.close();
  },
});
