/**
 * The generation backend contract: one chat conversation in, `n` sampled
 * completions out, over HTTP to vLLM, Ray Serve LLM or any OpenAI-compatible
 * server.
 *
 * @module
 */

import type { ConcurrencyReport } from "./in_flight.ts";
import type { RetryTally } from "./retry_log.ts";

export type { ConcurrencyLevel, ConcurrencyReport } from "./in_flight.ts";
export type { RetryTally } from "./retry_log.ts";

/** One chat turn. A final `assistant` turn is a prefill to be continued. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * One generation request: a conversation and `n` samples of it.
 *
 * `sampling` holds SkyThought's `--sampling-params` keys (`temperature`,
 * `top_p`, `max_tokens`, `top_k`, `min_p`, `repetition_penalty`, `seed`,
 * `stop`, `presence_penalty`, `frequency_penalty`, `reasoning_effort`, and any
 * other vLLM sampling field).
 */
export interface GenerationRequest {
  id: string;
  messages: ChatMessage[];
  n: number;
  sampling: Record<string, unknown>;
}

/**
 * How a completion's token count was obtained: `reported` when the server
 * counted this choice alone (n = 1, or vLLM `token_ids`); estimated:
 * `stream_chunks` when it is the number of streamed deltas that carried this
 * choice's text, `apportioned` when it is this choice's share of a total the
 * server gave for all choices (see `token_usage.ts`).
 */
export type CompletionTokensKind = "reported" | "stream_chunks" | "apportioned";

/** One sampled completion. */
export interface Completion {
  /** The generated text (the continuation only, when a prefill was sent). */
  text: string;
  /** `stop`, `length`, `abort`, ... as the server said, `null` if absent. */
  finishReason: string | null;
  /** Tokens generated for this choice, `null` when the server gave no usage. */
  completionTokens: number | null;
  /** See {@linkcode CompletionTokensKind}; absent when `completionTokens` is `null`. */
  completionTokensKind?: CompletionTokensKind;
  /** The chain of thought when a vLLM reasoning parser split it off `text`. */
  reasoning?: string;
}

/** The answer to one {@linkcode GenerationRequest}. */
export interface GenerationResult {
  id: string;
  /** Exactly `n` completions, in the server's choice order. */
  completions: Completion[];
  /** Prompt tokens of the request, counted once (not once per sample). */
  promptTokens: number | null;
  /** Wall time of the request including retries, excluding the queue wait. */
  latencyMs: number;
}

/** What a backend talks to, for logs and the run fingerprint. */
export interface BackendInfo {
  name: "openai" | "vllm" | "ray";
  model: string;
  baseUrls: string[];
}

/** A source of completions. Dispose it (or call `close`) to free what it started. */
export interface Backend extends AsyncDisposable {
  readonly info: BackendInfo;
  /** The most requests in flight at once; `generate` queues beyond this. */
  readonly maxConcurrency: number;
  generate(req: GenerationRequest, signal?: AbortSignal): Promise<GenerationResult>;
  /** Requests in flight: asked for and reached. */
  concurrency?(): ConcurrencyReport;
  /** Retries so far, one entry per distinct cause. */
  retries?(): RetryTally[];
  close(): Promise<void>;
}

/** A generation failure. `retryable` says whether trying again may succeed. */
export class BackendError extends Error {
  /** The HTTP status, when a server answered. */
  status?: number;
  retryable: boolean;

  /** Makes an error; `status` and `retryable` describe the failed call. */
  constructor(
    message: string,
    options: { status?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "BackendError";
    if (options.status !== undefined) this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}
