/**
 * Maps a {@linkcode GenerationRequest} (SkyThought sampling keys) to the JSON
 * body of `POST /v1/chat/completions`.
 *
 * Rules, fixing the reference's OpenAI backend (skythought.md section 12.9):
 * - `temperature` and `top_p` are always sent (defaults 0 and 1), because
 *   vLLM otherwise falls back to the model's `generation_config.json`.
 * - `max_tokens` becomes `max_completion_tokens` for OpenAI reasoning models.
 * - A key whose value is `null` or `undefined` is never sent.
 * - vLLM extras (`top_k`, `min_p`, `repetition_penalty`, `min_tokens`, ...)
 *   go to vLLM servers; the neutral values of the first three are sent when
 *   unset, for the same reason as `top_p`. Unknown keys pass through to vLLM
 *   and to any non-OpenAI `base_url`. OpenAI's own API rejects them here,
 *   with a clear message, unless they hold the neutral value.
 * - Reasoning models get no `temperature`, `top_p` or penalties, and their
 *   `system` turn becomes `developer` (`user` for o1-mini / o1-preview).
 * - A final `assistant` turn is a prefill: vLLM continues it with
 *   `continue_final_message: true, add_generation_prompt: false`.
 *
 * @module
 */

import { BackendError, type ChatMessage, type GenerationRequest } from "./backend.ts";
import { rejectsInstructionRoles } from "./reasoning_model.ts";

/** What to do with a final assistant turn (a prefill). */
export type PrefillMode = "continue" | "ignore" | "reject";

/** How to shape the body for one kind of server. */
export interface ChatBodyOptions {
  /** `vllm` for vLLM and Ray Serve LLM, `openai` for OpenAI-compatible servers. */
  dialect: "openai" | "vllm";
  /** OpenAI reasoning-model rules (see {@linkcode isReasoningModel}). */
  reasoning: boolean;
  /** `continue`: send vLLM's continuation flags; `ignore`: drop the prefill; `reject`: throw. */
  prefill: PrefillMode;
  /** For the `openai` dialect: send keys it does not know as-is (a non-OpenAI `base_url`). */
  passThrough: boolean;
  /** For the `vllm` dialect: ask for `token_ids` to count tokens per choice exactly. */
  returnTokenIds: boolean;
}

const NEUTRAL_VLLM_EXTRAS: Record<string, unknown> = {
  top_k: -1,
  min_p: 0,
  repetition_penalty: 1,
};

/** Keys this module maps itself; everything else is an extra. */
const MAPPED_KEYS = new Set([
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "n",
  "seed",
  "stop",
  "presence_penalty",
  "frequency_penalty",
  "reasoning_effort",
]);

/**
 * Builds the chat completions body for `model`.
 *
 * @throws {BackendError} (not retryable) when the request asks for something
 * the server cannot do: a prefill under `prefill: "reject"`, a vLLM-only
 * sampling key or `reasoning_effort` on a non-reasoning model sent to
 * OpenAI's own API.
 */
export function buildChatBody(
  model: string,
  req: GenerationRequest,
  options: ChatBodyOptions,
): Record<string, unknown> {
  const sampling = withoutNulls(req.sampling);
  const { messages, continueFinal } = shapeMessages(model, req.messages, options);
  const body: Record<string, unknown> = { model, messages, n: req.n };

  if (!options.reasoning) {
    body.temperature = sampling.temperature ?? 0;
    body.top_p = sampling.top_p ?? 1;
    copyIfSet(body, sampling, "presence_penalty");
    copyIfSet(body, sampling, "frequency_penalty");
  }
  const maxTokens = sampling.max_completion_tokens ?? sampling.max_tokens;
  if (maxTokens !== undefined) {
    body[options.reasoning ? "max_completion_tokens" : "max_tokens"] = maxTokens;
  }
  copyIfSet(body, sampling, "seed");
  copyIfSet(body, sampling, "stop");
  if (sampling.reasoning_effort !== undefined) {
    if (!options.reasoning && options.dialect === "openai" && !options.passThrough) {
      throw new BackendError(
        `Sampling parameter "reasoning_effort" is only supported for reasoning models: "${model}" is not one; pass --backend-args reasoning=true if it is`,
      );
    }
    body.reasoning_effort = sampling.reasoning_effort;
  }

  const extras = Object.entries(sampling).filter(([key]) => !MAPPED_KEYS.has(key));
  if (options.dialect === "vllm") {
    Object.assign(body, NEUTRAL_VLLM_EXTRAS, Object.fromEntries(extras));
    if (options.returnTokenIds && body.return_token_ids === undefined) {
      body.return_token_ids = true;
    }
  } else if (options.passThrough) {
    Object.assign(body, Object.fromEntries(extras));
  } else {
    const unsupported = extras.filter(([key, value]) => NEUTRAL_VLLM_EXTRAS[key] !== value);
    if (unsupported.length > 0) {
      const names = unsupported.map(([key]) => `"${key}"`).join(", ");
      throw new BackendError(
        `Sampling parameter ${names} is not supported by the OpenAI API: use --backend vllm, or point base_url at a vLLM server`,
      );
    }
  }
  if (continueFinal) {
    body.continue_final_message = true;
    body.add_generation_prompt = false;
  }
  return body;
}

/** Whether the conversation ends with an assistant turn to continue. */
export function hasPrefill(messages: readonly ChatMessage[]): boolean {
  return messages.at(-1)?.role === "assistant";
}

function shapeMessages(
  model: string,
  messages: readonly ChatMessage[],
  options: ChatBodyOptions,
): { messages: { role: string; content: string }[]; continueFinal: boolean } {
  let turns: { role: string; content: string }[] = messages.map((m) => ({ ...m }));
  let continueFinal = false;
  if (hasPrefill(messages)) {
    const canContinue = options.dialect === "vllm" || options.passThrough;
    if (options.prefill === "ignore") {
      turns = turns.slice(0, -1);
    } else if (options.prefill === "continue" && canContinue) {
      continueFinal = true;
    } else {
      throw new BackendError(
        `Cannot honour the assistant prefill: the OpenAI API answers after the last message instead of continuing it; pass --backend-args prefill=ignore to drop the prefill${
          options.passThrough ? ", or prefill=continue if base_url is a vLLM server" : ""
        }`,
      );
    }
  }
  if (options.reasoning) {
    const instructionRole = rejectsInstructionRoles(model) ? "user" : "developer";
    turns = turns.map((m) => m.role === "system" ? { ...m, role: instructionRole } : m);
  }
  return { messages: turns, continueFinal };
}

function withoutNulls(sampling: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(sampling).filter(([, value]) => value !== null && value !== undefined),
  );
}

function copyIfSet(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  key: string,
): void {
  if (source[key] !== undefined) target[key] = source[key];
}
