/**
 * Builds replay answers for the fake OpenAI server from recorded generations:
 * SkyThought `results.json` files (`{key: {prompt, problem, responses: {temp:
 * {content}} | [...], token_usages}}`), as in `tests/testdata/generations/skythought_native/`.
 *
 * @module
 */

import type { FakeAnswer } from "../../testing/openai_server.ts";

/**
 * A SkyThought results object as a map from prompt text to recorded answers
 * (with their recorded completion tokens). Each entry is keyed by its
 * `prompt` and also by its `problem`, so a replay matches whether or not the
 * instruction template is part of the user message.
 */
export function skyThoughtAnswers(
  results: Record<string, Record<string, unknown>>,
): Map<string, FakeAnswer[]> {
  const answers = new Map<string, FakeAnswer[]>();
  for (const [key, entry] of Object.entries(results)) {
    const responses = listOf(entry.responses).map((r) => (r as { content?: unknown }).content);
    const usages = listOf(entry.token_usages) as { completion_tokens?: number }[];
    const recorded = responses.flatMap((content, i): FakeAnswer[] =>
      typeof content === "string"
        ? [{
          text: content,
          ...(typeof usages[i]?.completion_tokens === "number"
            ? { completionTokens: usages[i].completion_tokens }
            : {}),
        }]
        : []
    );
    if (recorded.length === 0) continue;
    for (const text of [entry.prompt, entry.problem, key]) {
      if (typeof text === "string" && !answers.has(text)) answers.set(text, recorded);
    }
  }
  return answers;
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "object" && value !== null) return Object.values(value);
  return [];
}
