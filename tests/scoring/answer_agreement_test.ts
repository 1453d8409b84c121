/**
 * The TypeScript and Rust graders agree on real responses whose final
 * answers are mutated to hit the grading rules (units, degree signs, `\pm`,
 * intervals, decimals, decimal commas, text, percentages, lists), and enough
 * of those items reach `correct` and `incorrect` that the rules are really
 * compared (random text almost never reaches either).
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type AnswerItem, tsAnswerGrader } from "../../scoring/answer/mod.ts";
import { openBuiltNativeGrader } from "./native_library.ts";

const DATA = fileURLToPath(
  new URL("../testdata/grader/math500_qwen25_14b_tails.jsonl", import.meta.url),
);

interface RealResponse {
  idx: number;
  answer: string;
  response_tail: string;
  published_score: boolean;
}

const rows: RealResponse[] = Deno.readTextFileSync(DATA).trim().split("\n").map((l) =>
  JSON.parse(l)
);

/** The start and end (exclusive) of the content of the last `\boxed{}`, or null. */
function lastBoxContent(text: string): [number, number] | null {
  const at = text.lastIndexOf("\\boxed{");
  if (at < 0) return null;
  let depth = 0;
  for (let i = at + 6; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return [at + 7, i];
  }
  return null;
}

const isInt = (s: string) => /^-?\d+$/.test(s);
const simpleFrac = (s: string) => s.match(/^(-?)\\[dt]?frac\{(\d+)\}\{(\d+)\}$/);

/** Mutations of a final answer: [name, new box content or whole new response]. */
function mutations(answer: string): [string, string][] {
  const out: [string, string][] = [
    ["as is", answer],
    ["unit text", `${answer}\\text{ cm}`],
    ["unit word", `${answer} meters`],
    ["degree sign", `${answer}^\\circ`],
    ["unicode degree", `${answer}°`],
    ["x equals", `x = ${answer}`],
    ["dfrac", answer.replaceAll("\\frac", "\\dfrac")],
    ["stray backslash", `${answer}\\`],
    ["approx tail", `${answer} \\approx 1.5`],
    ["plus-minus", `\\pm ${answer}`],
    ["bracket flip", answer.replace(/^\(/, "[").replace(/\)$/, "]")],
    ["text", `\\text{${answer}}`],
  ];
  if (isInt(answer)) {
    const n = BigInt(answer);
    out.push(
      ["next integer", String(n + 1n)],
      ["decimal zero", `${answer}.0`],
      ["decimal tail", `${answer}.01`],
      ["percent", `${answer}\\%`],
      ["thousands", n >= 1000n ? n.toLocaleString("en-US") : `${answer},000`],
      ["braced thousands", n >= 1000n ? n.toLocaleString("en-US").replaceAll(",", "{,}") : answer],
      ["mixed with zero", `${answer} 0/2`],
    );
  }
  const f = simpleFrac(answer);
  if (f !== null) {
    const value = (f[1] === "-" ? -1 : 1) * Number(f[2]) / Number(f[3]);
    out.push(
      ["rounded decimal", value.toFixed(4)],
      ["rounded decimal comma", value.toFixed(3).replace(".", ",")],
      ["off by a digit", (value + 0.001).toFixed(3)],
      ["slash", `${f[1]}${f[2]}/${f[3]}`],
      ["approx decimal", `${answer} \\approx ${value.toFixed(2)}`],
    );
  }
  if (answer.includes(",") && !answer.startsWith("(") && !answer.startsWith("\\begin")) {
    out.push(["reversed list", answer.split(",").reverse().join(",")]);
  }
  if (answer.startsWith("(") && answer.endsWith(")")) {
    out.push(["semicolons", answer.replaceAll(",", ";")]);
  }
  return out;
}

function mutatedItems(): { name: string; item: AnswerItem }[] {
  const items: { name: string; item: AnswerItem }[] = [];
  for (const row of rows) {
    const box = lastBoxContent(row.response_tail);
    if (box === null) continue;
    const [start, end] = box;
    const boxed = row.response_tail.slice(start, end);
    const swap = (content: string) =>
      row.response_tail.slice(0, start) + content + row.response_tail.slice(end);
    for (const [name, content] of [...mutations(boxed), ...mutations(row.answer)]) {
      items.push({
        name: `${row.idx} ${name}`,
        item: { response: swap(content), gold: row.answer, format: "math" },
      });
    }
    // The same answer without its box: the last math span is read.
    const unboxed = row.response_tail.slice(0, start - 7) + `$${boxed}$` +
      row.response_tail.slice(end + 1);
    items.push({
      name: `${row.idx} unboxed`,
      item: { response: unboxed, gold: row.answer, format: "math" },
    });
    items.push({
      name: `${row.idx} gold in $`,
      item: { response: row.response_tail, gold: `$${row.answer}$`, format: "math" },
    });
  }
  return items;
}

const native = openBuiltNativeGrader();
const cases = mutatedItems();

Deno.test("enough mutated real responses reach correct and incorrect", () => {
  const scores = tsAnswerGrader().grade(cases.map((c) => c.item));
  const count = (v: string) => scores.filter((s) => s.verdict === v).length;
  const share = (v: string) => count(v) / scores.length;
  assert.ok(cases.length >= 1500, `only ${cases.length} items`);
  // Measured: 71% correct, 29% incorrect, nothing else.
  assert.ok(share("correct") >= 0.6, `correct share ${share("correct")}`);
  assert.ok(share("incorrect") >= 0.25, `incorrect share ${share("incorrect")}`);
  assert.ok(share("correct") + share("incorrect") >= 0.95);
  assert.equal(count("grader_error"), 0);
});

Deno.test("answers rewritten without changing their value stay correct", () => {
  const everywhere = ["as is", "dfrac", "text"];
  const numeric = ["unit text", "unit word", "degree sign", "x equals", "decimal zero", "percent"];
  const isNumeric = (a: string) => isInt(a) || simpleFrac(a) !== null || /^\\sqrt\{\d+\}$/.test(a);
  const kept = rows.filter((r) => r.published_score);
  const items = kept.flatMap((r) =>
    mutations(r.answer).filter(([n]) =>
      everywhere.includes(n) || (isNumeric(r.answer) && numeric.includes(n))
    ).map(([name, content]) => ({
      name: `${r.idx} ${name}`,
      item: { response: `So the answer is $\\boxed{${content}}$.`, gold: r.answer, format: "math" },
    }))
  );
  const scores = tsAnswerGrader().grade(items.map((c) => c.item as AnswerItem));
  const wrong = items.filter((_, i) => scores[i].verdict !== "correct").map((c) => c.name);
  assert.ok(items.length >= 150, `only ${items.length} items`);
  assert.deepEqual(wrong, []);
});

Deno.test({
  name: "native and ts graders agree item by item on mutated real responses",
  ignore: "unavailable" in native,
  fn() {
    if ("unavailable" in native) return;
    const ts = tsAnswerGrader().grade(cases.map((c) => c.item));
    const nat = native.grade(cases.map((c) => c.item));
    for (const [i, c] of cases.entries()) assert.deepEqual(nat[i], ts[i], c.name);
  },
});
