/**
 * Per-choice completion token counts. OpenAI and vLLM report one
 * `usage.completion_tokens` for all `n` choices of a request; the reference
 * put that whole total on sample 0 (skythought.md section 12.7). Here:
 *
 * 1. When the server counted every choice (vLLM `token_ids`), use those.
 * 2. With one choice, it gets the whole total.
 * 3. Otherwise the total is split so the parts add up to it exactly: a
 *    choice that stopped for `length` is pinned at `max_tokens` (that is
 *    what it generated) when the pins fit in the total, and the rest is
 *    shared in proportion to the characters each choice produced, by the
 *    largest-remainder method (ties to the earlier choice). Such counts are
 *    marked `apportioned`.
 *
 * @module
 */

import type { CompletionTokensKind } from "./backend.ts";

/** What the split needs to know about one choice. */
export interface ChoiceTokenFacts {
  /** Characters generated (text plus reasoning). */
  chars: number;
  finishReason: string | null;
  /** The server's own count for this choice, if it gave one. */
  reportedTokens: number | null;
}

/** One choice's count and how it was obtained. */
export interface ChoiceTokens {
  tokens: number | null;
  kind?: CompletionTokensKind;
}

/**
 * Splits `total` completion tokens over `choices`, following the module rules.
 *
 * @example
 * ```ts
 * import { splitCompletionTokens } from "./token_usage.ts";
 * const facts = [{ chars: 30, finishReason: "stop", reportedTokens: null },
 *   { chars: 10, finishReason: "stop", reportedTokens: null }];
 * splitCompletionTokens(8, facts, null).map((c) => c.tokens); // [6, 2]
 * ```
 */
export function splitCompletionTokens(
  total: number | null,
  choices: readonly ChoiceTokenFacts[],
  maxTokens: number | null,
): ChoiceTokens[] {
  if (choices.every((c) => c.reportedTokens !== null)) {
    return choices.map((c) => ({ tokens: c.reportedTokens, kind: "reported" }));
  }
  if (total === null) return choices.map(() => ({ tokens: null }));
  if (choices.length === 1) return [{ tokens: total, kind: "reported" }];

  const pinned = choices.map((c) => maxTokens !== null && c.finishReason === "length");
  const pinnedCount = pinned.filter(Boolean).length;
  const pinnedSum = pinnedCount * (maxTokens ?? 0);
  const pinsFit = pinnedCount > 0 &&
    (pinnedCount < choices.length ? pinnedSum <= total : pinnedSum === total);
  const shares = pinsFit
    ? choices.map((c, i) => (pinned[i] ? 0 : Math.max(c.chars, 0)))
    : choices.map((c) => Math.max(c.chars, 0));
  const free = pinsFit ? total - pinnedSum : total;
  const freeIndexes = choices.map((_, i) => i).filter((i) => !(pinsFit && pinned[i]));
  const parts = largestRemainder(free, freeIndexes.map((i) => shares[i]));
  const tokens = choices.map((_, i) => (pinsFit && pinned[i] ? maxTokens! : 0));
  freeIndexes.forEach((choiceIndex, k) => (tokens[choiceIndex] = parts[k]));
  return tokens.map((t) => ({ tokens: t, kind: "apportioned" }));
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
