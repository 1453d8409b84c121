/**
 * A large synthetic run folder (`samples.jsonl` + `summary.json`) for the
 * report's scale test and benchmark: problem i is `no_answer` when i % 7 is
 * 0, else `incorrect` when i % 3 is 0, else `correct`; its level is
 * 1 + i % 5 and its subject one of seven.
 *
 * @module
 */
import { RUN_FILES } from "../../core/run_dir.ts";
import type { SampleRecord } from "../../core/sample_record.ts";

const SUBJECTS = [
  "Algebra",
  "Counting & Probability",
  "Geometry",
  "Intermediate Algebra",
  "Number Theory",
  "Prealgebra",
  "Precalculus",
];

/** The verdict the synthetic run gives problem `i`. */
export function syntheticVerdict(i: number): "correct" | "incorrect" | "no_answer" {
  return i % 7 === 0 ? "no_answer" : i % 3 === 0 ? "incorrect" : "correct";
}

/** Writes a run of `count` problems, one response each, into `dir`. */
export async function writeSyntheticRun(dir: string, count: number): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const file = await Deno.open(`${dir}/${RUN_FILES.samples}`, {
    write: true,
    create: true,
    truncate: true,
  });
  const encoder = new TextEncoder();
  let chunk = "";
  for (let i = 0; i < count; i++) {
    const verdict = syntheticVerdict(i);
    const gold = String(i % 1000);
    const extracted = verdict === "no_answer" ? null : verdict === "correct" ? gold : "-1";
    const record: SampleRecord = {
      id: String(i),
      row: {
        _index: String(i),
        problem: `Synthetic problem p${i}: what is ${i} modulo 1000?`,
        answer: gold,
        level: 1 + (i % 5),
        subject: SUBJECTS[i % SUBJECTS.length],
      },
      messages: [{ role: "user", content: `Synthetic problem p${i}: what is ${i} modulo 1000?` }],
      prompt_tokens: 20,
      responses: [{
        content: `<think>${i} = ${Math.floor(i / 1000)} * 1000 + ${
          i % 1000
        }, so the remainder is ${gold}.</think>The answer is ${
          extracted === null ? "unclear" : `$\\boxed{${extracted}}$`
        }.`,
        finish_reason: "stop",
        completion_tokens: 40,
        correctness: verdict === "correct",
        reason: verdict === "correct" ? "" : "Solution is incorrect.",
        verdict,
        extracted,
      }],
      scored: true,
    };
    chunk += JSON.stringify(record) + "\n";
    if (chunk.length > 1 << 20) {
      await file.write(encoder.encode(chunk));
      chunk = "";
    }
  }
  await file.write(encoder.encode(chunk));
  file.close();
  await Deno.writeTextFile(
    `${dir}/${RUN_FILES.summary}`,
    JSON.stringify({ n: 1, configuration: { task: { name: "synthetic" } } }),
  );
}
