/**
 * Sample records from a SkyThought `results.json`: the current form keyed
 * by `_index` with lists of responses, and the form SkyThought wrote before
 * Feb 2025, keyed by problem text with responses keyed by temperature.
 *
 * @module
 */
import { RunDirError } from "./run_dir.ts";
import type { ResponseRecord, SampleRecord } from "./sample_record.ts";

/** Options of {@linkcode recordsFromResults}. */
export interface FromResultsOptions {
  /** Keep the file's `correctness` and `reason` as scores (default: unscored, to re-score). */
  keepScores?: boolean;
}

/**
 * Converts a parsed `results.json` into sample records.
 *
 * @throws {RunDirError} when it is not an object or a response list has an unknown shape.
 */
export function recordsFromResults(
  results: unknown,
  options: FromResultsOptions = {},
): SampleRecord[] {
  if (!results || typeof results !== "object" || Array.isArray(results)) {
    throw new RunDirError("results.json is not an object");
  }
  return Object.entries(results).map(([id, value]) => recordFromResultEntry(id, value, options));
}

/**
 * Converts one `results.json` entry (`_index` and its value) into a sample record.
 *
 * @throws {RunDirError} when the value is not an object or a response list has an unknown shape.
 */
export function recordFromResultEntry(
  id: string,
  value: unknown,
  options: FromResultsOptions = {},
): SampleRecord {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new RunDirError(`results.json entry "${id}" is not an object`);
  }
  const { responses, token_usages, input_conversation, prompt: _p, ...row } = value as Record<
    string,
    unknown
  >;
  const usages = listOf<{ completion_tokens?: number; prompt_tokens?: number }>(token_usages);
  const kept = listOf<SavedResponse>(responses);
  const scored = options.keepScores === true &&
    kept.some((r) => typeof r.correctness === "boolean");
  return {
    id,
    row: { ...row, _index: id },
    messages: (input_conversation ?? []) as SampleRecord["messages"],
    prompt_tokens: usages[0]?.prompt_tokens ?? null,
    responses: kept.map((r, i) => ({
      content: r.content,
      finish_reason: r.finish_reason ?? null,
      completion_tokens: usages[i]?.completion_tokens ?? null,
      correctness: scored && typeof r.correctness === "boolean" ? r.correctness : null,
      reason: scored ? String(r.reason ?? "") : "",
      ...(scored && r.verdict ? { verdict: r.verdict } : {}),
      ...(scored && r.extracted !== undefined ? { extracted: r.extracted } : {}),
      ...(scored && r.tests ? { tests: r.tests } : {}),
      ...(r.reasoning ? { reasoning: r.reasoning } : {}),
    })),
    scored,
  };
}

type SavedResponse =
  & Pick<
    ResponseRecord,
    "content" | "verdict" | "extracted" | "reasoning" | "tests"
  >
  & { finish_reason?: string; correctness?: boolean | null; reason?: string };

/**
 * A list from results.json: the current list form, or the old form keyed by
 * temperature (`{"0.7": {...}}`).
 */
export function listOf<T>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value as T[];
  if (typeof value === "object") return Object.values(value) as T[];
  throw new RunDirError(
    `results.json holds a response list of an unknown shape: ${JSON.stringify(value).slice(0, 60)}`,
  );
}
