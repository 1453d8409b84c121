import { assertEquals } from "../support/assert.ts";
import { reportData, splitReasoning } from "../../report/report_data.ts";
import { escapeHtml, reportHtml } from "../../report/report_html.ts";
import type { SampleRecord } from "../../core/sample_record.ts";
import type { SavedRun } from "../../core/saved_run.ts";

Deno.test("splitReasoning() separates the thinking from the final answer", () => {
  assertEquals(splitReasoning("<think>\nlet me see</think>\n\nThe answer is 4."), {
    th: "let me see",
    t: "The answer is 4.",
  });
  assertEquals(
    splitReasoning(
      "<|begin_of_thought|>hmm<|end_of_thought|>\n<|begin_of_solution|>\n42\n<|end_of_solution|>",
    ),
    { th: "hmm", t: "42" },
  );
  assertEquals(splitReasoning("just 4"), { th: null, t: "just 4" });
  assertEquals(splitReasoning("4", "server-split thinking"), {
    th: "server-split thinking",
    t: "4",
  });
});

function record(id: string, correct: boolean, level: number): SampleRecord {
  return {
    id,
    row: { _index: id, problem: `p${id}`, answer: "1", level },
    messages: [{ role: "user", content: `p${id}` }],
    prompt_tokens: 3,
    responses: [{
      content: "x",
      finish_reason: "stop",
      completion_tokens: 2,
      correctness: correct,
      reason: correct ? "" : "Solution is incorrect.",
      verdict: correct ? "correct" : "incorrect",
      extracted: correct ? "1" : "2",
    }],
    scored: true,
  };
}

const run = (label: string, records: SampleRecord[]): SavedRun => ({
  path: `/runs/${label}`,
  label,
  format: "skyeval",
  summary: null,
  records,
});

Deno.test("reportData() of one run keeps run order, gold and breakdown groups", () => {
  const data = reportData([run("a", [record("0", true, 1), record("1", false, 2)])]);
  assertEquals(data.mode, "run");
  assertEquals(data.fields, ["level"]);
  assertEquals(data.samples.map((s) => [s.id, s.g, s.a, s.r[0].v, s.r[0].x]), [
    ["0", ["1"], "1", "correct", "1"],
    ["1", ["2"], "1", "incorrect", "2"],
  ]);
  assertEquals(data.runs[0].summary.accuracy, 0.5);
});

Deno.test("reportData() of two runs puts flipped problems first", () => {
  const a = run("a", [record("0", true, 1), record("1", true, 1), record("2", false, 1)]);
  const b = run("b", [record("0", true, 1), record("1", false, 1), record("2", true, 1)]);
  const data = reportData([a, b]);
  assertEquals(data.mode, "compare");
  assertEquals(data.samples.map((s) => [s.id, s.d]), [["1", -1], ["2", 1], ["0", 0]]);
  assertEquals(data.comparison?.test, "mcnemar_exact");
});

Deno.test("reportHtml() embeds data that cannot close its script element", () => {
  const bad = record("0", false, 1);
  bad.responses[0].content = "</script><script>alert(1)</script>";
  const html = reportHtml(reportData([run("<a>", [bad])]));
  assertEquals(html.split("</script>").length - 1, 2); // the data block's and the page script's
  if (!html.includes("\\u003c/script>\\u003cscript>alert(1)")) throw new Error("data not escaped");
  if (!html.includes("<title>skyeval report: &lt;a&gt;</title>")) {
    throw new Error("title not escaped");
  }
  assertEquals(escapeHtml(`<"&'>`), "&lt;&quot;&amp;&#39;&gt;");
});
