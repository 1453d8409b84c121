/**
 * Throughput of the answer graders on real model responses (the generations
 * in tests/testdata, replicated to about 100k), native against the TypeScript
 * baseline measured in the same run, end to end through `runGrade` on a JSONL
 * file, and the slowest adversarial inputs (the 50 ms bound).
 *
 *   deno run -A bench/grade_bench.ts [--n 100000]
 *
 * Under `deno bench` it registers short benches on the same corpus instead.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runGrade } from "../cli/grade.ts";
import { type AnswerGrader, type AnswerItem, tsAnswerGrader } from "../scoring/answer/mod.ts";
import { openNativeAnswerGrader } from "../native/mod.ts";
import { testdataJson, testdataJsonl } from "../tests/support/testdata.ts";

interface Line {
  id: string;
  response: string;
  gold: string;
  kind: "math" | "mcq";
  task?: string;
  choices?: string[];
}

function readJsonl(path: string): Record<string, unknown>[] {
  return testdataJsonl(`generations/${path}.gz`);
}

/** Every real response in the shared generations, as grade input lines. */
function realLines(): Line[] {
  const lines: Line[] = [];
  for (const name of ["math500", "aime24", "amc23"]) {
    for (const r of readJsonl(`qwen25math_harness/Qwen2.5-14B-Instruct/${name}.jsonl`)) {
      lines.push({
        id: `${name}-${r.idx}`,
        response: (r.code as string[])[0],
        gold: String(r.answer),
        kind: "math",
      });
    }
  }
  for (const run of ["AIME_train", "MATH500_test"]) {
    const d = testdataJson<
      Record<string, { answer: unknown; responses: Record<string, { content: string }> }>
    >(
      `generations/skythought_native/Qwen2.5-32B-Instruct_${run}_None_0_-1_still2_sys_zero.json.gz`,
    );
    for (
      const [k, v] of Object.entries<
        { answer: unknown; responses: Record<string, { content: string }> }
      >(d)
    ) {
      lines.push({
        id: k.slice(0, 24),
        response: v.responses["0.0"].content,
        gold: String(v.answer),
        kind: "math",
      });
    }
  }
  for (const [i, r] of readJsonl("gsm8k_openai_example_model_solutions.jsonl").entries()) {
    const truth = r.ground_truth as string;
    for (const m of ["6b_finetuning", "6b_verification", "175b_finetuning", "175b_verification"]) {
      lines.push({
        id: `gsm8k-${i}-${m}`,
        response: (r[m] as { solution: string }).solution,
        gold: truth.slice(truth.lastIndexOf("A:") + 2),
        kind: "math",
        task: "gsm8k",
      });
    }
  }
  for (const r of readJsonl("arc_challenge_test_responses.jsonl")) {
    const key = String(r.answerKey);
    const gold = "1234".includes(key) ? "ABCD"[Number(key) - 1] : key;
    const choices = (r.choices as { text: string[] }).text;
    lines.push({
      id: `arc-${r.id}`,
      response: r.response as string,
      gold,
      kind: "mcq",
      task: "arc_c",
      choices,
    });
    lines.push({ id: `mcq-${r.id}`, response: r.response as string, gold, kind: "mcq" });
  }
  return lines;
}

function toItem(l: Line): AnswerItem {
  const format = l.kind === "math"
    ? (l.task === "gsm8k" ? "gsm8k" : "math")
    : l.task === "arc_c"
    ? "arc"
    : "choice";
  return { response: l.response, gold: l.gold, format, choices: l.choices };
}

function replicate<T>(xs: T[], n: number): T[] {
  return Array.from({ length: n }, (_, i) => xs[i % xs.length]);
}

function timeGrader(grader: AnswerGrader, items: AnswerItem[], batch = 4096): number {
  const t = performance.now();
  for (let i = 0; i < items.length; i += batch) grader.grade(items.slice(i, i + batch));
  return (performance.now() - t) / 1000;
}

const ADVERSARIAL: AnswerItem[] = [
  {
    response: `\\boxed{\\{${Array.from({ length: 400 }, (_, i) => `x_{${i + 1}}`).join(",")}\\}}`,
    gold: `\\{${Array.from({ length: 400 }, (_, i) => `x_{${400 - i}}`).join(",")}\\}`,
    format: "math",
  },
  { response: "\\boxed{2003^{2002^{2001}}}", gold: "2003^{2002^{2000}}", format: "math" },
  { response: `\\boxed{${"(".repeat(5000)}1${")".repeat(5000)}}`, gold: "1", format: "math" },
  { response: `\\boxed{${"1+".repeat(1500)}1}`, gold: "1501", format: "math" },
  { response: `\\boxed{${"x*".repeat(1000)}x}`, gold: `${"x*".repeat(999)}x`, format: "math" },
  { response: `\\boxed{(${"9".repeat(1000)})^{4}}`, gold: `${"9".repeat(1000)}`, format: "math" },
  { response: "\\boxed{".repeat(20000), gold: "1", format: "math" },
  { response: "The answer is: ".repeat(20000) + "7", gold: "7", format: "math" },
  { response: "A ".repeat(200000), gold: "B", format: "mmlu_pro" },
  { response: `\\boxed{${"\\text{a}".repeat(400)}}`, gold: "a", format: "math" },
  {
    response: `\\boxed{${Array.from({ length: 500 }, (_, i) => `${i}.5`).join(",")}}`,
    gold: Array.from({ length: 500 }, (_, i) => `${499 - i}.5`).join(","),
    format: "math",
  },
  {
    response: `\\boxed{\\begin{pmatrix}${
      Array.from({ length: 30 }, () => Array(30).fill("\\frac{1}{3}").join("&")).join("\\\\")
    }\\end{pmatrix}}`,
    gold: `\\begin{pmatrix}${
      Array.from({ length: 30 }, () => Array(30).fill("0.3333").join("&")).join("\\\\")
    }\\end{pmatrix}`,
    format: "math",
  },
  { response: "so $a$ ".repeat(40000), gold: "a", format: "math" },
  { response: "$" + "\\$".repeat(100000), gold: "1", format: "math" },
  {
    response: `\\boxed{${Array.from({ length: 200 }, (_, i) => `\\pm${i}\\pm1\\pm2`).join(",")}}`,
    gold: Array.from({ length: 1600 }, (_, i) => String(i)).join(","),
    format: "math",
  },
  { response: "\\boxed{(1+i)^{999999}}", gold: "(1-i)^{999999}", format: "math" },
  { response: "It can't be " + "A or B, ".repeat(20000) + "so C", gold: "C", format: "choice" },
];

function slowest(grader: AnswerGrader): { ms: number; index: number } {
  let worst = { ms: 0, index: -1 };
  for (let round = 0; round < 3; round++) {
    for (const [i, item] of ADVERSARIAL.entries()) {
      const t = performance.now();
      grader.grade([item]);
      const ms = performance.now() - t;
      if (round > 0 && ms > worst.ms) worst = { ms, index: i };
    }
  }
  return worst;
}

async function endToEnd(path: string, scorer: string, n: number): Promise<number> {
  const out = path + `.${scorer}.out`;
  const t = performance.now();
  const code = await runGrade(["--input", path, "--output", out, "--scorer", scorer], {
    stdin: new Blob([]).stream(),
    stdout: new WritableStream(),
    stderr: (l) => console.error(l),
  });
  const s = (performance.now() - t) / 1000;
  if (code !== 0) throw new Error(`runGrade exited with ${code}`);
  const lines = (await Deno.readTextFile(out)).split("\n").length - 1;
  if (lines !== n) throw new Error(`runGrade wrote ${lines} lines for ${n}`);
  return n / s;
}

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { n: { type: "string", default: "100000" } },
  });
  const n = Number(values.n);
  const base = realLines();
  const lines = replicate(base, n).map((l, i) => ({ ...l, id: `${l.id}#${i}` }));
  const items = lines.map(toItem);
  const bytes = lines.reduce((a, l) => a + l.response.length, 0);
  console.log(
    `corpus: ${base.length} real responses replicated to ${fmt(n)} (${
      (bytes / 1e6).toFixed(1)
    } MB of text)`,
  );
  const ts = tsAnswerGrader();
  const native = openNativeAnswerGrader();
  timeGrader(ts, items.slice(0, 5000));
  const tsRate = n / timeGrader(ts, items);
  console.log(`ts grader:              ${fmt(tsRate)} responses/s (baseline)`);
  if (!("unavailable" in native)) {
    const one = openNativeAnswerGrader({ threads: 1 });
    if ("unavailable" in one) throw new Error(one.unavailable);
    timeGrader(native, items.slice(0, 5000));
    const nRate = n / timeGrader(native, items);
    const oneRate = n / timeGrader(one, items);
    console.log(
      `native grader, 1 thread: ${fmt(oneRate)} responses/s (${(oneRate / tsRate).toFixed(2)}x ts)`,
    );
    console.log(
      `native grader, all cores: ${fmt(nRate)} responses/s (${(nRate / tsRate).toFixed(2)}x ts)`,
    );
    one.close();
  } else console.log(`native grader unavailable: ${native.unavailable}`);
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/responses.jsonl`;
    await Deno.writeTextFile(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const size = (await Deno.stat(path)).size;
    console.log(`end to end (runGrade, ${(size / 1e6).toFixed(1)} MB JSONL file to file):`);
    const tsE2e = await endToEnd(path, "ts", n);
    console.log(`  --scorer ts:     ${fmt(tsE2e)} responses/s`);
    if (!("unavailable" in native)) {
      const nE2e = await endToEnd(path, "native", n);
      console.log(`  --scorer native: ${fmt(nE2e)} responses/s (${(nE2e / tsE2e).toFixed(2)}x ts)`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const tsWorst = slowest(ts);
  console.log(`slowest adversarial input, ts: ${tsWorst.ms.toFixed(1)} ms (case ${tsWorst.index})`);
  if (!("unavailable" in native)) {
    const nWorst = slowest(native);
    console.log(
      `slowest adversarial input, native: ${nWorst.ms.toFixed(1)} ms (case ${nWorst.index})`,
    );
    native.close();
  }
  console.log("reference figures: SkyThought's Python grader ~150/s, Math-Verify ~125/s per core");
}

if (import.meta.main) {
  await main();
} else {
  let items: AnswerItem[] | undefined;
  const corpus = () => (items ??= replicate(realLines(), 10_000).map(toItem));
  const native = openNativeAnswerGrader();
  Deno.bench({
    name: "ts grader, 10k real responses",
    group: "grade",
    baseline: true,
    fn: () => void tsAnswerGrader().grade(corpus()),
  });
  if (!("unavailable" in native)) {
    Deno.bench({
      name: "native grader, 10k real responses",
      group: "grade",
      fn: () => void native.grade(corpus()),
    });
  }
}
