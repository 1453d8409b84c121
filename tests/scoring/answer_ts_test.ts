import assert from "node:assert/strict";
import {
  Budget,
  extractMathAnswer,
  mathEqual,
  normalizeAnswer,
  tsAnswerGrader,
} from "../../scoring/answer/mod.ts";
import { registerAnswerConformance, SKYTHOUGHT_CASES } from "./answer_conformance.ts";

registerAnswerConformance("ts", tsAnswerGrader());

Deno.test("extractMathAnswer() pulls the final answer out of a reference solution", () => {
  assert.equal(
    extractMathAnswer("Thus $x = \\boxed{\\dfrac{3}{4}}$ meters, as required."),
    "\\frac{3}{4}",
  );
  assert.equal(
    extractMathAnswer("The final answer is $\\frac{1}{2}$. I hope it is correct."),
    "\\frac{1}{2}",
  );
  assert.equal(extractMathAnswer("<think>\\boxed{1}</think>So it is \\boxed{2}."), "2");
  assert.equal(extractMathAnswer("no numbers here"), null);
});

Deno.test("normalizeAnswer() applies the reference's rules with its bugs fixed", () => {
  assert.equal(normalizeAnswer("\\left( 3, \\frac{\\pi}{2} \\right)"), "(3,\\frac{\\pi}{2})");
  assert.equal(normalizeAnswer("10,\\!080"), "10080");
  assert.equal(normalizeAnswer("2 \\text{ and } 5"), "2,5");
  assert.equal(normalizeAnswer("band"), "band");
  assert.equal(normalizeAnswer("\\text{Evelyn}"), "Evelyn");
  assert.equal(normalizeAnswer("50\\%"), "50%");
});

Deno.test("mathEqual() spends its budget and stops at the bound", () => {
  const budget = new Budget();
  assert.equal(mathEqual("\\frac{1}{2}", "0.5", budget), true);
  assert.ok(budget.left > 0 && budget.left < 10_000);
  assert.throws(() => mathEqual("x^2+1", "1+x^2", new Budget(3)), { name: "BudgetExceeded" });
});

Deno.test("--grader skythought keeps the reference's leniencies (and only those)", () => {
  const grader = tsAnswerGrader({ mode: "skythought" });
  const scores = grader.grade(SKYTHOUGHT_CASES.map((c) => c.item));
  for (const [i, c] of SKYTHOUGHT_CASES.entries()) {
    assert.equal(scores[i].verdict, c.verdict, `${c.name}: ${JSON.stringify(scores[i])}`);
  }
  const strict = tsAnswerGrader().grade(SKYTHOUGHT_CASES.slice(0, 4).map((c) => c.item));
  assert.deepEqual(strict.map((s) => s.verdict), [
    "incorrect",
    "incorrect",
    "incorrect",
    "incorrect",
  ]);
});
