/**
 * "Every answer is graded under 50 ms", as a property that holds on a loaded machine: the
 * slowest adversarial answer costs at most TYPICAL_MULTIPLE typical real answers, both timed in
 * the same run (best of several rounds, so a pause elsewhere does not count). On an idle
 * machine a typical answer takes 30-60 µs, so the multiple stands for 9-18 ms, inside 50.
 * Measured on 2 cores at load 15: the slowest took 74 (TS) and 6 (native) typical answers
 * with the work budget, 487 (TS) without it.
 */
import assert from "node:assert/strict";
import { type AnswerGrader, type AnswerItem, tsAnswerGrader } from "../../scoring/answer/mod.ts";
import { testdataJsonl } from "../support/testdata.ts";
import { openBuiltNativeGrader } from "./native_library.ts";

const TYPICAL_MULTIPLE = 300;

const typical: AnswerItem[] = testdataJsonl<{ code: string[]; answer: string }>(
  "generations/qwen25math_harness/Qwen2.5-14B-Instruct/math500.jsonl.gz",
).map((g) => ({ response: g.code[0], gold: String(g.answer), format: "math" }));

const r = (s: string, n: number) => s.repeat(n);
const list = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
const adversarial: AnswerItem[] = [
  { response: `\\boxed{${r("\\frac{1}{", 60)}2${r("}", 60)}}`, gold: "0", format: "math" },
  { response: `\\boxed{${r("\\sqrt{", 60)}2${r("}", 60)}}`, gold: "3", format: "math" },
  { response: "\\boxed{2^{2^{2^{2^{2^{2}}}}}}", gold: "2^{2^{2^{2^{2^{2}}}}}+1", format: "math" },
  { response: "\\boxed{10^{10^{10}}}", gold: "10^{10^{10}}+1", format: "math" },
  { response: "\\boxed{9^{9^{9}}}", gold: "9^{9^{8}}", format: "math" },
  { response: "\\boxed{(x+1)^{200}}", gold: "(x+2)^{200}", format: "math" },
  { response: `\\boxed{${r("(x+1)", 200)}}`, gold: `${r("(x+1)", 199)}(x+2)`, format: "math" },
  { response: `\\boxed{${r("9", 3000)}}`, gold: r("9", 2999) + "8", format: "math" },
  {
    response: `\\boxed{${r("\\sin(", 100)}x${r(")", 100)}}`,
    gold: `${r("\\sin(", 99)}x)`,
    format: "math",
  },
  { response: `\\boxed{x = ${r("1+", 2000)}1}`, gold: "2000", format: "math" },
  { response: `\\boxed{${r("{", 200)}1${r("}", 200)}}`, gold: "2", format: "math" },
  { response: r("The answer is ", 3000) + "(A)", gold: "A", format: "mmlu_pro" },
  {
    response: `\\boxed{\\{${list(400, (i) => `x_{${i + 1}}`).join(",")}\\}}`,
    gold: `\\{${list(400, (i) => `x_{${400 - i}}`).join(",")}\\}`,
    format: "math",
  },
  {
    response: `\\boxed{(${list(300, (i) => `${i}`).join(",")})}`,
    gold: `(${list(300, (i) => `${i + 1}`).join(",")})`,
    format: "math",
  },
];

/** Best-of-`rounds` milliseconds of `work`. */
function fastest(rounds: number, work: () => void): number {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function checkTimeBound(grader: AnswerGrader): void {
  grader.grade(typical.slice(0, 20)); // warm up
  const perTypical = fastest(3, () => grader.grade(typical)) / typical.length;
  const slowest = adversarial
    .map((item) => ({ item, ms: fastest(5, () => grader.grade([item])) }))
    .reduce((a, b) => (b.ms > a.ms ? b : a));
  const multiple = slowest.ms / perTypical;
  assert.ok(
    multiple <= TYPICAL_MULTIPLE,
    `${slowest.ms.toFixed(2)} ms = ${multiple.toFixed(0)} typical answers (${
      (perTypical * 1000).toFixed(1)
    } µs each) for ${JSON.stringify(slowest.item).slice(0, 120)}`,
  );
}

Deno.test("ts grader: the slowest adversarial answer stays within the time bound", () => {
  checkTimeBound(tsAnswerGrader());
});

const native = openBuiltNativeGrader();
if ("unavailable" in native) console.warn(`ignored: native time bound: ${native.unavailable}`);
Deno.test(
  "native grader: the slowest adversarial answer stays within the time bound",
  { ignore: "unavailable" in native },
  () => checkTimeBound(native as AnswerGrader),
);
