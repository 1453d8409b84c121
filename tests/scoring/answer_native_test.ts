import assert from "node:assert/strict";
import fc from "fast-check";
import { type AnswerFormat, type AnswerItem, tsAnswerGrader } from "../../scoring/answer/mod.ts";
import { openNativeAnswerGrader } from "../../native/mod.ts";
import { registerAnswerConformance } from "./answer_conformance.ts";
import { openBuiltNativeGrader } from "./native_library.ts";

const native = openBuiltNativeGrader();
registerAnswerConformance("native", native);
const ignored = { ignore: "unavailable" in native };
/** The opened library; only used by tests that are ignored when it is unavailable. */
const grader = native as Exclude<typeof native, { unavailable: string }>;

const FRAGMENTS = [
  "\\boxed{",
  "\\fbox{",
  "boxed ",
  "}",
  "{",
  "\\frac",
  "\\dfrac",
  "12",
  "3.5",
  "0.75",
  "1,000",
  "-",
  "+",
  "x",
  "y",
  "=",
  "(",
  ")",
  "[",
  "]",
  ",",
  " and ",
  "The answer is ",
  "the final answer is $",
  "$. I hope",
  "Answer: ",
  "answer is",
  "**",
  "\n",
  "\n\n",
  "$",
  "$$",
  "\\(",
  "\\)",
  "\\sqrt",
  "^",
  "^{",
  "\\pi",
  "%",
  "\\%",
  "\\text{cm}",
  "\\text{",
  "</think>",
  "<think>",
  "<|end_of_thought|>",
  "A",
  "B",
  "(C)",
  "D)",
  "a",
  "I think",
  "ки",
  "é",
  "π",
  "😀",
  "\0",
  "\\left(",
  "\\right)",
  "\\infty",
  "\\cup",
  "\\le",
  "\\ge",
  "<",
  ">",
  "\\begin{pmatrix}",
  "\\\\",
  "&",
  "\\end{pmatrix}",
  "e",
  "i",
  "!",
  "|",
  "_",
  "_{",
  "#### ",
  "\\sin",
  "\\log",
  "\\cdot",
  "\\times",
  "10^{",
  "e5",
  "°",
  "^\\circ",
  "five",
  "inf",
  " ",
  "7",
  "0",
  "00",
  "2^{100}",
  "\\{",
  "\\}",
  "\\pm",
  "\\mathbf{",
  "\\mbox{",
  "Option ",
  "choice is ",
  "\\!",
  "\\,",
  "x=",
  "k=",
  "/",
  "*",
  ".",
  ":",
  "'",
  '"',
  "\\",
  "Evelyn",
  "sqrt(",
  "±",
  "1\\pm\\sqrt{2}",
  "exp(",
  "pi",
  "xsin",
  "lnx",
  "abcdef",
  " or ",
  "x > 3",
  "\\le 2",
  "\uD800",
  "9999999999999999",
  "\\approx",
  "≈",
  "1,22",
  "1{,}000",
  ";",
  "(0;-2;6)",
  "\\text{east}",
  "(D) Alina",
  "C Cecile",
  "it can't be ",
  "not ",
  "i(2-i)",
  "\\sqrt{-4}",
  "i^{2023}",
  "1 1/2",
  "\\[",
  "\\]",
  "0.577",
  "326.51",
  "\\pm1,\\pm2",
  "k1",
  "v=",
];

const fragmentText = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((a) =>
  a.join("")
);
const anyText = fc.oneof(
  fragmentText,
  fc.string({ maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 30 }),
);
const formats: AnswerFormat[] = ["math", "gsm8k", "choice", "mmlu_pro", "arc"];
const itemArb: fc.Arbitrary<AnswerItem> = fc.record({
  response: anyText,
  gold: fc.oneof(anyText, fc.constantFrom("A", "b", "(C)", "12", "\\frac{1}{2}", "#### 18", "x=5")),
  format: fc.constantFrom(...formats),
  choices: fc.option(
    fc.array(fc.oneof(anyText, fc.constantFrom("Paris", "12", "")), { maxLength: 6 }),
    {
      nil: undefined,
    },
  ),
  finishReason: fc.constantFrom(null, "stop", "length"),
});

Deno.test("native and ts graders agree on random and adversarial items", ignored, () => {
  const items = fc.sample(itemArb, { numRuns: 4000, seed: 20261127 });
  const expected = tsAnswerGrader().grade(items);
  const got = grader.grade(items);
  for (let i = 0; i < items.length; i++) {
    assert.deepEqual(got[i], expected[i], `item ${JSON.stringify(items[i])}`);
  }
});

Deno.test("native and ts graders agree item by item under fast-check shrinking", ignored, () => {
  const ts = tsAnswerGrader();
  fc.assert(
    fc.property(fc.array(itemArb, { minLength: 1, maxLength: 40 }), (items) => {
      assert.deepEqual(grader.grade(items), ts.grade(items));
    }),
    { numRuns: 150, seed: 7 },
  );
});

Deno.test(
  "native gradeAsync() gives the same scores as grade() across threads",
  ignored,
  async () => {
    const items = fc.sample(itemArb, { numRuns: 3000, seed: 11 });
    assert.deepEqual(await grader.gradeAsync(items), grader.grade(items));
    assert.deepEqual(grader.grade([]), []);
  },
);

Deno.test("openNativeAnswerGrader() reports a missing library instead of throwing", () => {
  const r = openNativeAnswerGrader({ path: "/nonexistent/libskyeval_native.so" });
  assert.ok("unavailable" in r);
  assert.match(r.unavailable, /does not exist/);
});
