/**
 * Checking `--sampling-params` before any request. Every key must be a
 * sampling field of the OpenAI chat API or vLLM (a typo such as
 * `temprature` is an error naming `temperature`, not a silent run at the
 * default); the common ones must have the right type and range (SkyThought's
 * pydantic model rejected `temperature=abc` too). Keys a server understands
 * but this list does not go in `extra_body={...}`, which is sent as-is.
 *
 * @module
 */
import { z } from "npm:zod@4.6.7";
import { closestName } from "./closest_name.ts";

const SamplingSchema = z.looseObject({
  temperature: z.number().min(0).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  max_tokens: z.number().int().min(1).optional(),
  max_completion_tokens: z.number().int().min(1).optional(),
  n: z.number().int().min(1).optional(),
  top_k: z.number().int().min(-1).optional(),
  min_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().nullable().optional(),
  presence_penalty: z.number().optional(),
  frequency_penalty: z.number().optional(),
  repetition_penalty: z.number().gt(0).optional(),
  stop: z.union([z.string(), z.array(z.string())]).nullable().optional(),
});

/** Sampling fields of OpenAI's chat completions API and vLLM's `SamplingParams` / chat request. */
export const KNOWN_SAMPLING_KEYS: ReadonlySet<string> = new Set([
  // OpenAI chat completions
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "n",
  "seed",
  "stop",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "reasoning_effort",
  "response_format",
  "verbosity",
  "service_tier",
  "user",
  // vLLM
  "top_k",
  "min_p",
  "repetition_penalty",
  "min_tokens",
  "stop_token_ids",
  "include_stop_str_in_output",
  "ignore_eos",
  "skip_special_tokens",
  "spaces_between_special_tokens",
  "truncate_prompt_tokens",
  "prompt_logprobs",
  "allowed_token_ids",
  "bad_words",
  "use_beam_search",
  "length_penalty",
  "best_of",
  "chat_template_kwargs",
  "structured_outputs",
  "thinking_token_budget",
  "include_reasoning",
  "priority",
  "cache_salt",
  "vllm_xargs",
  "repetition_detection",
  "return_token_ids",
  // passes other keys through unchecked
  "extra_body",
]);

/**
 * Validates sampling parameters and returns them with `extra_body`'s keys
 * merged in (the server gets one flat body, as the OpenAI client sends it;
 * a key in `extra_body` wins over the same key given directly).
 *
 * @throws {TypeError} naming the first unknown key (and the closest known
 * one) or the first bad value and what it must be.
 */
export function checkSamplingParams(sampling: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(sampling)) {
    if (KNOWN_SAMPLING_KEYS.has(key)) continue;
    const near = closestName(key, KNOWN_SAMPLING_KEYS);
    throw new TypeError(
      `Unknown sampling parameter "${key}"${
        near ? `; did you mean "${near}"?` : ""
      } (a key the server knows but skyeval does not: extra_body={"${key}": ...})`,
    );
  }
  const extra = sampling.extra_body;
  if (
    extra !== undefined && (typeof extra !== "object" || extra === null || Array.isArray(extra))
  ) {
    throw new TypeError(
      `Invalid sampling parameter "extra_body" = ${JSON.stringify(extra)}: expected a dictionary`,
    );
  }
  const { extra_body: _, ...direct } = sampling;
  const merged = { ...direct, ...(extra as Record<string, unknown> | undefined) };
  const parsed = SamplingSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    throw new TypeError(
      `Invalid sampling parameter "${key}" = ${JSON.stringify(merged[key])}: ${issue.message}`,
    );
  }
  return merged;
}
