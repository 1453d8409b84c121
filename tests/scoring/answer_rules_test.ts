import assert from "node:assert/strict";
import { type AnswerItem, tsAnswerGrader } from "../../scoring/answer/mod.ts";
import { RULES } from "../../scoring/answer/rules.ts";
import { openBuiltNativeGrader } from "./native_library.ts";

const native = openBuiltNativeGrader();

/** One item per entry of the rule table, built so that the entry decides the extracted answer. */
function itemsFromTable(): { rule: string; item: AnswerItem }[] {
  const out: { rule: string; item: AnswerItem }[] = [];
  for (const [word, digits] of RULES.numberWords) {
    out.push({
      rule: `number word ${word}`,
      item: { response: `\\boxed{${word}}`, gold: digits, format: "math" },
    });
  }
  for (const unit of RULES.unitWords) {
    out.push({
      rule: `unit word ${unit}`,
      item: { response: `\\boxed{7 ${unit}}`, gold: "7", format: "math" },
    });
  }
  for (const cmd of RULES.textCommands) {
    out.push({
      rule: `text command ${cmd}`,
      item: { response: `\\boxed{${cmd}{12}}`, gold: "12", format: "math" },
    });
  }
  for (const [list, pairs] of Object.entries(RULES.replacements)) {
    for (const [from, to] of pairs) {
      out.push({
        rule: `${list}: ${JSON.stringify(from)} -> ${JSON.stringify(to)}`,
        item: { response: `\\boxed{2${from}x}`, gold: `2${to}x`, format: "math" },
      });
    }
  }
  return out;
}

Deno.test("the TypeScript table gives every number and unit word its rule", () => {
  const cases = itemsFromTable().filter((c) =>
    c.rule.startsWith("number") || c.rule.startsWith("unit")
  );
  const scores = tsAnswerGrader().grade(cases.map((c) => c.item));
  for (const [i, c] of cases.entries()) {
    assert.equal(scores[i].verdict, "correct", `${c.rule}: ${JSON.stringify(scores[i])}`);
  }
});

Deno.test(
  {
    name: "native and ts graders read the same rule table (one item per table entry)",
    ignore: "unavailable" in native,
  },
  () => {
    if ("unavailable" in native) return;
    const cases = itemsFromTable();
    const ts = tsAnswerGrader().grade(cases.map((c) => c.item));
    const nat = native.grade(cases.map((c) => c.item));
    for (const [i, c] of cases.entries()) {
      assert.deepEqual(nat[i], ts[i], c.rule);
    }
  },
);

Deno.test(
  {
    name: "native verdict and detail codes decode through the table",
    ignore: "unavailable" in native,
  },
  () => {
    if ("unavailable" in native) return;
    const long = "1".repeat(5000);
    const [s] = native.grade([{ response: "\\boxed{1}", gold: long, format: "math" }]);
    assert.equal(s.verdict, RULES.verdicts[4]);
    assert.equal(s.detail, RULES.details[2]);
  },
);
