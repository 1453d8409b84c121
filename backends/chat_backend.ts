/**
 * The one HTTP backend behind `openai`, `vllm` and `ray`: `POST
 * {base}/chat/completions` with `n` choices, spread over one or more base
 * URLs, bounded in concurrency, with a per-attempt timeout and retries with
 * jittered exponential backoff (honouring `Retry-After`).
 *
 * @module
 */

import { z } from "npm:zod@4.6.7";
import {
  type Backend,
  BackendError,
  type BackendInfo,
  type Completion,
  type GenerationRequest,
  type GenerationResult,
} from "./backend.ts";
import { buildChatBody, type ChatBodyOptions } from "./chat_body.ts";
import { assembleChatStream } from "./chat_stream.ts";
import { decodeErrorBody } from "./error_body.ts";
import { type Endpoint, EndpointPool, type RoutingStrategy } from "./endpoint_pool.ts";
import { Limiter } from "./limiter.ts";
import {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  isRetryableStatus,
  retryDelayMs,
} from "./retry_policy.ts";
import { splitCompletionTokens } from "./token_usage.ts";

/** Everything a {@linkcode ChatBackend} needs; `createBackend` fills it from backend args. */
export interface ChatBackendConfig {
  info: BackendInfo;
  maxConcurrency: number;
  body: ChatBodyOptions;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string;
  /** Extra request headers (e.g. `OpenAI-Organization`). */
  headers?: Record<string, string>;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Limit of one attempt, ms. */
  timeoutMs: number;
  /**
   * Ask for a streamed (SSE) answer, assembled before returning: bytes keep
   * flowing during long generations, so idle-connection limits of proxies
   * and load balancers do not cut them.
   */
  stream?: boolean;
  backoff?: BackoffOptions;
  routing?: RoutingStrategy;
  /** First cooldown of a server that refused a connection, ms. */
  downCooldownMs?: number;
  fetch?: typeof fetch;
  onLog?: (line: string) => void;
  /** Runs once on close, after in-flight requests are aborted (e.g. stops a launched server). */
  onClose?: () => Promise<void>;
  /** Why the server this backend started is gone, if it is: failed requests then stop retrying. */
  serverFailure?: () => string | null;
}

const ChatResponseSchema = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().optional(),
      message: z.object({
        content: z.string().nullish(),
        reasoning: z.string().nullish(),
        reasoning_content: z.string().nullish(),
      }),
      finish_reason: z.string().nullish(),
      token_ids: z.array(z.number()).nullish(),
    }),
  ),
  usage: z
    .object({
      prompt_tokens: z.number().int().nullish(),
      completion_tokens: z.number().int().nullish(),
    })
    .nullish(),
});

type ChatResponse = z.infer<typeof ChatResponseSchema>;

type AttemptOutcome =
  | { ok: true; response: ChatResponse }
  | { ok: false; error: BackendError; headers: Headers | null; connectionFailed: boolean };

/** A {@linkcode Backend} speaking the OpenAI chat completions protocol. */
export class ChatBackend implements Backend {
  readonly info: BackendInfo;
  readonly maxConcurrency: number;
  #config: ChatBackendConfig;
  #pool: EndpointPool;
  #limiter: Limiter;
  #fetch: typeof fetch;
  #closing = new AbortController();
  #closed: Promise<void> | null = null;

  /** Makes a backend over `config.info.baseUrls`. */
  constructor(config: ChatBackendConfig) {
    this.info = config.info;
    this.maxConcurrency = config.maxConcurrency;
    this.#config = config;
    this.#pool = new EndpointPool(config.info.baseUrls, {
      strategy: config.routing,
      cooldownMs: config.downCooldownMs,
    });
    this.#limiter = new Limiter(config.maxConcurrency);
    this.#fetch = config.fetch ?? fetch;
  }

  /** The servers and their request counts, for progress displays and tests. */
  get endpoints(): readonly Readonly<Endpoint>[] {
    return this.#pool.endpoints;
  }

  /**
   * Generates `req.n` completions of `req.messages`.
   *
   * @throws {BackendError} when the request cannot be sent as asked, or
   * failed after all retries; the abort reason when `signal` aborts.
   */
  generate(req: GenerationRequest, signal?: AbortSignal): Promise<GenerationResult> {
    try {
      if (this.#closed) throw new BackendError("Cannot generate: the backend is closed");
      if (!Number.isInteger(req.n) || req.n < 1) {
        throw new BackendError(
          `Cannot generate "${req.id}": n must be an integer >= 1, got "${req.n}"`,
        );
      }
      if (req.messages.length === 0) {
        throw new BackendError(`Cannot generate "${req.id}": the conversation is empty`);
      }
      const body = buildChatBody(this.info.model, req, this.#config.body);
      const combined = signal
        ? AbortSignal.any([signal, this.#closing.signal])
        : this.#closing.signal;
      return this.#limiter.run(() => this.#send(req, body, combined), combined);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Aborts in-flight requests and runs the close hook once. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort(new BackendError("Generation aborted: the backend was closed"));
      this.#closed = this.#config.onClose?.() ?? Promise.resolve();
    }
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #send(
    req: GenerationRequest,
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<GenerationResult> {
    const started = performance.now();
    if (this.#config.stream) {
      body = { ...body, stream: true, stream_options: { include_usage: true } };
    }
    const text = JSON.stringify(body);
    const failedUrls = new Set<string>();
    for (let attempt = 0;; attempt++) {
      const endpoint = this.#pool.acquire(failedUrls);
      let outcome: AttemptOutcome;
      try {
        outcome = await this.#attempt(endpoint.url, text, req.n, signal);
      } finally {
        this.#pool.release(endpoint);
      }
      if (outcome.ok) {
        this.#pool.markUp(endpoint);
        return toResult(req, body, outcome.response, performance.now() - started);
      }
      signal.throwIfAborted();
      const { error } = outcome;
      const gone = this.#config.serverFailure?.();
      if (gone) throw new BackendError(gone, { cause: error });
      if (!error.retryable || attempt >= this.#config.maxRetries) {
        if (attempt > 0) error.message += ` (after ${attempt + 1} attempts)`;
        throw error;
      }
      if (outcome.connectionFailed) {
        this.#pool.markDown(endpoint);
        failedUrls.add(endpoint.url);
        if (this.#pool.hasUpEndpointBesides(failedUrls)) {
          this.#config.onLog?.(`Request "${req.id}" moves to another server: ${error.message}`);
          continue;
        }
      }
      const delay = retryDelayMs(attempt, outcome.headers, this.#config.backoff ?? DEFAULT_BACKOFF);
      this.#config.onLog?.(
        `Retrying request "${req.id}" in ${(delay / 1000).toFixed(1)} s (retry ${
          attempt + 1
        } of ${this.#config.maxRetries}): ${error.message}`,
      );
      await sleep(delay, signal);
    }
  }

  async #attempt(
    baseUrl: string,
    body: string,
    n: number,
    signal: AbortSignal,
  ): Promise<AttemptOutcome> {
    const url = `${baseUrl}/chat/completions`;
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DOMException("Timed out", "TimeoutError")),
      this.#config.timeoutMs,
    );
    const timeoutSeconds = `${this.#config.timeoutMs / 1000} s`;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: "POST",
        headers: this.#headers(),
        body,
        signal: AbortSignal.any([signal, timeout.signal]),
      });
    } catch (cause) {
      clearTimeout(timer);
      signal.throwIfAborted();
      if (timeout.signal.aborted) {
        return failure(`Request to "${url}" timed out after ${timeoutSeconds}`, cause, false);
      }
      return failure(`Cannot connect to "${url}": ${describe(cause)}`, cause, true);
    }
    let raw: string;
    try {
      raw = await response.text();
    } catch (cause) {
      signal.throwIfAborted();
      const message = timeout.signal.aborted
        ? `Request to "${url}" timed out after ${timeoutSeconds}`
        : `Connection to "${url}" broke while reading the response: ${describe(cause)}`;
      return failure(message, cause, false);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const decoded = decodeErrorBody(raw);
      const retryable = isRetryableStatus(response.status, decoded.code, response.headers);
      const error = new BackendError(
        `Server "${baseUrl}" answered ${response.status}: ${decoded.message}`,
        { status: response.status, retryable },
      );
      return { ok: false, error, headers: response.headers, connectionFailed: false };
    }
    if (
      this.#config.stream && response.headers.get("content-type")?.includes("text/event-stream")
    ) {
      const assembled = assembleChatStream(raw);
      if (!assembled.ok) {
        return failure(`Server "${baseUrl}": ${assembled.message}`, undefined, false);
      }
      raw = JSON.stringify(assembled.body);
    }
    return parseChatResponse(url, raw, n);
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      ...this.#config.headers,
    };
    if (this.#config.apiKey) headers.authorization = `Bearer ${this.#config.apiKey}`;
    return headers;
  }
}

function parseChatResponse(url: string, raw: string, n: number): AttemptOutcome {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    return failure(
      `Server "${url}" answered 200 with a body that is not JSON: ${raw.slice(0, 200)}`,
      cause,
      false,
      false,
    );
  }
  if (typeof json === "object" && json !== null && "error" in json && !("choices" in json)) {
    const message = decodeErrorBody(raw).message;
    return failure(`Server "${url}" answered 200 with an error: ${message}`, undefined, false);
  }
  const parsed = ChatResponseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return failure(
      `Server "${url}" answered with an unexpected body: ${
        issue?.path.join(".")
      }: ${issue?.message}`,
      parsed.error,
      false,
      false,
    );
  }
  if (parsed.data.choices.length !== n) {
    return failure(
      `Server "${url}" returned ${parsed.data.choices.length} choices for n = ${n}`,
      undefined,
      false,
    );
  }
  return { ok: true, response: parsed.data };
}

function toResult(
  req: GenerationRequest,
  body: Record<string, unknown>,
  response: ChatResponse,
  latencyMs: number,
): GenerationResult {
  const choices = [...response.choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  const counts = splitCompletionTokens(
    response.usage?.completion_tokens ?? null,
    choices.map((c) => ({
      chars: (c.message.content ?? "").length + reasoningOf(c.message).length,
      finishReason: c.finish_reason ?? null,
      reportedTokens: c.token_ids ? c.token_ids.length : null,
    })),
    typeof maxTokens === "number" ? maxTokens : null,
  );
  const completions = choices.map((choice, i): Completion => {
    const completion: Completion = {
      text: choice.message.content ?? "",
      finishReason: choice.finish_reason ?? null,
      completionTokens: counts[i].tokens,
    };
    if (counts[i].kind) completion.completionTokensKind = counts[i].kind;
    const reasoning = reasoningOf(choice.message);
    if (reasoning) completion.reasoning = reasoning;
    return completion;
  });
  return {
    id: req.id,
    completions,
    promptTokens: response.usage?.prompt_tokens ?? null,
    latencyMs,
  };
}

function reasoningOf(message: ChatResponse["choices"][number]["message"]): string {
  return message.reasoning ?? message.reasoning_content ?? "";
}

function failure(
  message: string,
  cause: unknown,
  connectionFailed: boolean,
  retryable = true,
): AttemptOutcome {
  const error = new BackendError(message, { retryable, cause });
  return { ok: false, error, headers: null, connectionFailed };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, " ").trim();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
