/**
 * Per-choice completion token counts, recorded as the server reported them
 * or marked as estimated and how. OpenAI and vLLM report one
 * `usage.completion_tokens` for all `n` choices; llama.cpp's server reports
 * one choice's count for all `n`; the reference put the whole total on
 * sample 0 (skythought.md section 12.7). Here, per choice:
 *
 * 1. `reported`: the server counted this choice (vLLM `token_ids`, or n = 1).
 * 2. `stream_chunks` (estimated): with n > 1 streamed, the deltas that
 *    carried this choice's text (vLLM and llama.cpp stream one token per
 *    delta). Used when they add up to the total, or when the total is
 *    smaller than they are (a server that under-reports, as llama.cpp does).
 * 3. `apportioned` (estimated): the total shared so the parts add up to it
 *    exactly: a choice that stopped for `length` is pinned at `max_tokens`
 *    when the pins fit, and the rest goes in proportion to the streamed
 *    deltas (a server packing several tokens per delta) or, unstreamed, to
 *    the characters each choice produced (largest remainder, ties to the
 *    earlier choice).
 *
 * @module
 */

import type { CompletionTokensKind } from "./backend.ts";
import type { AssembledChoices } from "./choice_accumulator.ts";

/** One choice's count and how it was obtained. */
export interface ChoiceTokens {
  tokens: number | null;
  kind?: CompletionTokensKind;
}

/** Token counts of one answer. */
export interface TokenCounts {
  /** Prompt tokens of the request, once (not once per choice). */
  promptTokens: number | null;
  perChoice: ChoiceTokens[];
}

/**
 * Counts the tokens of each choice of `answer`, following the module rules.
 *
 * @example
 * ```ts
 * import { completionTokenCounts } from "./token_usage.ts";
 * const choice = { content: "", reasoning: "", finishReason: "stop", tokenIds: null };
 * const answer = {
 *   choices: [{ ...choice, index: 0, chunks: 7 }, { ...choice, index: 1, chunks: 7 }],
 *   usage: { promptTokens: 3, completionTokens: 7 },
 * };
 * completionTokenCounts(answer, null, true).perChoice; // 7 and 7, "stream_chunks"
 * ```
 */
export function completionTokenCounts(
  answer: AssembledChoices,
  maxTokens: number | null,
  streamed: boolean,
): TokenCounts {
  const { choices, usage } = answer;
  const total = usage.completionTokens;
  const promptTokens = usage.promptTokens;
  if (choices.every((c) => c.tokenIds !== null)) {
    return {
      promptTokens,
      perChoice: choices.map((c) => ({ tokens: c.tokenIds, kind: "reported" })),
    };
  }
  if (choices.length === 1 && total !== null) {
    return { promptTokens, perChoice: [{ tokens: total, kind: "reported" }] };
  }
  const chunks = choices.reduce((sum, c) => sum + c.chunks, 0);
  if (streamed && (total === null || total <= chunks)) {
    return {
      promptTokens,
      perChoice: choices.map((c) => ({ tokens: c.chunks, kind: "stream_chunks" })),
    };
  }
  if (total === null) return { promptTokens, perChoice: choices.map(() => ({ tokens: null })) };
  const weights = choices.map((c) => streamed ? c.chunks : c.content.length + c.reasoning.length);
  const split = splitTotal(total, weights, choices.map((c) => c.finishReason), maxTokens);
  return { promptTokens, perChoice: split.map((tokens) => ({ tokens, kind: "apportioned" })) };
}

/**
 * Splits `total` over choices in proportion to `weights`, pinning choices
 * cut by `length` at `maxTokens` when the pins fit in the total.
 */
export function splitTotal(
  total: number,
  weights: readonly number[],
  finishReasons: readonly (string | null)[],
  maxTokens: number | null,
): number[] {
  const pinned = finishReasons.map((r) => maxTokens !== null && r === "length");
  const pinnedCount = pinned.filter(Boolean).length;
  const pinnedSum = pinnedCount * (maxTokens ?? 0);
  const pinsFit = pinnedCount > 0 &&
    (pinnedCount < weights.length ? pinnedSum <= total : pinnedSum === total);
  const free = pinsFit ? total - pinnedSum : total;
  const freeIndexes = weights.map((_, i) => i).filter((i) => !(pinsFit && pinned[i]));
  const parts = largestRemainder(free, freeIndexes.map((i) => Math.max(weights[i], 0)));
  const tokens = weights.map((_, i) => (pinsFit && pinned[i] ? maxTokens! : 0));
  freeIndexes.forEach((choiceIndex, k) => (tokens[choiceIndex] = parts[k]));
  return tokens;
}

/**
 * Splits the integer `total` in proportion to `weights` (equal parts when all
 * weights are 0) so that the parts sum to `total` exactly.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const effective = sum > 0 ? weights : weights.map(() => 1);
  const effectiveSum = sum > 0 ? sum : weights.length;
  const exact = effective.map((w) => (total * w) / effectiveSum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] += 1;
    left -= 1;
  }
  return parts;
}
