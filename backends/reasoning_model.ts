/**
 * Recognises OpenAI reasoning models (o-series, gpt-5 family), whose chat API
 * takes `max_completion_tokens` and `reasoning_effort`, fixes sampling
 * (no `temperature`, `top_p` or penalties) and reads instructions from a
 * `developer` turn instead of `system`.
 *
 * @module
 */

/**
 * Whether `model` names an OpenAI reasoning model: `o1`, `o3`, `o4-mini`,
 * `o3-pro-2025-06-10`, `gpt-5`, `gpt-5-mini`, ... (an `openai/` prefix is
 * ignored). `gpt-5-chat*` models are chat models, not reasoning ones.
 *
 * @example
 * ```ts
 * import { isReasoningModel } from "./reasoning_model.ts";
 * isReasoningModel("openai/o3-mini"); // true
 * isReasoningModel("gpt-4o"); // false
 * ```
 */
export function isReasoningModel(model: string): boolean {
  const name = bareModelName(model);
  if (/^o\d+(-|$)/.test(name)) return true;
  return /^gpt-5(\.\d+)?(-|$)/.test(name) && !/^gpt-5(\.\d+)?-chat/.test(name);
}

/**
 * Whether a reasoning model rejects both `system` and `developer` turns, so
 * instructions must go in a `user` turn (the first o1 previews).
 */
export function rejectsInstructionRoles(model: string): boolean {
  return /^o1-(mini|preview)/.test(bareModelName(model));
}

function bareModelName(model: string): string {
  return model.toLowerCase().replace(/^openai\//, "");
}
