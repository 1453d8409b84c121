/**
 * `results.json` in SkyThought's shape: an object keyed by `_index`, each
 * value the dataset row plus `prompt`, `input_conversation`, `responses`
 * (`content`, `correctness`, `reason`, and our `verdict`/`extracted`) and
 * `token_usages`. Derived from the sample records.
 *
 * @module
 */
import { userPrompt } from "./conversation.ts";
import type { SampleRecord } from "./sample_record.ts";

/** Builds the `results.json` object from sample records. */
export function buildResults(records: Iterable<SampleRecord>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const record of records) {
    // A sample that failed to generate has no responses to show (it is
    // listed in summary.json and retried by --resume-from).
    if (record.error !== undefined && record.responses.length === 0) continue;
    const responses = record.responses.map((r) => ({
      content: r.content,
      correctness: r.correctness,
      reason: r.reason,
      ...(r.verdict ? { verdict: r.verdict } : {}),
      ...(r.extracted !== undefined ? { extracted: r.extracted } : {}),
      ...(r.tests ? { tests: r.tests } : {}),
      finish_reason: r.finish_reason,
      ...(r.reasoning ? { reasoning: r.reasoning } : {}),
    }));
    out[record.id] = {
      ...record.row,
      _index: record.id,
      prompt: userPrompt(record.messages),
      input_conversation: record.messages,
      responses,
      token_usages: record.responses.map((r, i) => ({
        completion_tokens: r.completion_tokens,
        // The prompt is sent once per sample: its tokens are counted on the first response.
        prompt_tokens: i === 0 ? record.prompt_tokens : 0,
      })),
    };
  }
  return out;
}
