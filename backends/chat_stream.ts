/**
 * Assembles a streamed chat completion (Server-Sent Events, protocols.md
 * 2.7 and 4.3) into the shape of a non-streamed one. Chunks of different
 * choices interleave; text, vLLM `reasoning` (or `reasoning_content`) and
 * `token_ids` are concatenated per choice, the last `finish_reason` wins, and
 * `usage` comes from the final chunk (`stream_options.include_usage`). An
 * `error` object inside the stream, or a stream cut before `data: [DONE]`,
 * is a failure.
 *
 * @module
 */

/** The assembled response, or why there is none. */
export type AssembledStream =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; message: string };

interface ChoiceState {
  index: number;
  content: string;
  reasoning: string;
  finishReason: string | null;
  tokenIds: number[] | null;
}

/**
 * Assembles the text of an SSE chat stream.
 *
 * @example
 * ```ts
 * import { assembleChatStream } from "./chat_stream.ts";
 * const sse = 'data: {"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n';
 * assembleChatStream(sse); // { ok: true, body: { choices: [{ index: 0, message: { content: "hi", ... }, ... }] } }
 * ```
 */
export function assembleChatStream(text: string): AssembledStream {
  const choices = new Map<number, ChoiceState>();
  let usage: unknown = null;
  let done = false;
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""))
      .join("\n");
    if (data === "") continue;
    if (data === "[DONE]") {
      done = true;
      break;
    }
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(data);
    } catch {
      return { ok: false, message: `Stream chunk is not JSON: ${data.slice(0, 200)}` };
    }
    if (chunk.error !== undefined && chunk.error !== null) {
      const error = chunk.error as { message?: unknown } | string;
      const message = typeof error === "string"
        ? error
        : String(error.message ?? JSON.stringify(error));
      return {
        ok: false,
        message: `Stream broke off with an error: ${message.replace(/\s+/g, " ")}`,
      };
    }
    if (chunk.usage) usage = chunk.usage;
    for (const raw of (chunk.choices ?? []) as Record<string, unknown>[]) {
      const index = typeof raw.index === "number" ? raw.index : 0;
      const state = choices.get(index) ??
        { index, content: "", reasoning: "", finishReason: null, tokenIds: null };
      choices.set(index, state);
      const delta = (raw.delta ?? {}) as Record<string, unknown>;
      if (typeof delta.content === "string") state.content += delta.content;
      const reasoning = delta.reasoning ?? delta.reasoning_content;
      if (typeof reasoning === "string") state.reasoning += reasoning;
      if (typeof raw.finish_reason === "string") state.finishReason = raw.finish_reason;
      if (Array.isArray(raw.token_ids)) {
        state.tokenIds = [...(state.tokenIds ?? []), ...raw.token_ids];
      }
    }
  }
  if (!done) return { ok: false, message: "Stream ended before [DONE]" };
  return {
    ok: true,
    body: {
      choices: [...choices.values()]
        .sort((a, b) => a.index - b.index)
        .map((c) => ({
          index: c.index,
          message: {
            role: "assistant",
            content: c.content,
            ...(c.reasoning ? { reasoning: c.reasoning } : {}),
          },
          finish_reason: c.finishReason,
          ...(c.tokenIds ? { token_ids: c.tokenIds } : {}),
        })),
      usage,
    },
  };
}
