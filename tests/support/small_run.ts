/**
 * A small scored run folder of 40 problems, one response each, written by
 * the real run-file writer, for the `compare` and `report` tests.
 *
 * @module
 */
import { writeRunFiles } from "../../core/run.ts";
import { RUN_FILES } from "../../core/run_dir.ts";
import type { SampleRecord } from "../../core/sample_record.ts";

/** Writes the run into `dir`: problem i is correct when `correct(i)`; `sha` is its dataset hash. */
export async function writeRun(
  dir: string,
  correct: (i: number) => boolean,
  sha = "d",
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const records: SampleRecord[] = Array.from({ length: 40 }, (_, i) => ({
    id: String(i),
    row: { _index: String(i), problem: `p${i}`, level: 1 + (i % 5) },
    messages: [{ role: "user", content: `p${i}` }],
    prompt_tokens: 5,
    responses: [{
      content: correct(i) ? "\\boxed{1}" : "\\boxed{2}",
      finish_reason: "stop",
      completion_tokens: 10,
      correctness: correct(i),
      reason: "",
      verdict: correct(i) ? "correct" : "incorrect",
      extracted: correct(i) ? "1" : "2",
    }],
    scored: true,
  }));
  await Deno.writeTextFile(
    `${dir}/${RUN_FILES.samples}`,
    records.map((r) => JSON.stringify(r) + "\n").join(""),
  );
  await writeRunFiles(dir, {
    configuration: { task: { name: "t" } },
    n: 1,
    status: "scored",
    scoring: null,
    fingerprint: { dataset: { sha256: sha }, prompt_sha256: "p", task_version: 1 },
    version: "test",
  });
}
