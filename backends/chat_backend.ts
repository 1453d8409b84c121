/**
 * The one HTTP backend behind `openai`, `vllm` and `ray`: chat completions
 * with `n` choices (`chat_request.ts` over `transport.ts`: keep-alive
 * connections, SSE read as it arrives), spread over one or more base URLs, with at most
 * `concurrency` requests in flight.
 *
 * Retries are ours: a retry may go to another base URL, a stream that broke
 * off after its first byte is retried, every attempt's cause feeds the
 * run's retry summary, and connection failures before any server has
 * answered fail fast.
 *
 * Deadlines: a streamed attempt (the default) may be silent for at most
 * `idleTimeoutMs` (before its first chunk and between chunks), so a live
 * 30k-token generation is never cut and a hung server is noticed in
 * minutes; `timeoutMs`, when set, caps a whole attempt.
 *
 * The hot path costs little per request: the body is serialized once
 * (retries resend the same string), headers are checked and built once per
 * backend, chunks go straight into the accumulator, and plain `http:`
 * servers are reached over `http1_client.ts`. `bench/concurrency_bench.ts`
 * measures it against plain `fetch`.
 *
 * @module
 */

import { AttemptDeadline, linkAbort } from "./attempt_deadline.ts";
import { type AttemptFailure, describeFailure, failure } from "./attempt_failure.ts";
import {
  type Backend,
  BackendError,
  type BackendInfo,
  type Completion,
  type GenerationRequest,
  type GenerationResult,
} from "./backend.ts";
import { buildChatBody, type ChatBodyOptions } from "./chat_body.ts";
import { type AssembledChoices, ChoiceAccumulator } from "./choice_accumulator.ts";
import { type ChatRequestOptions, postChat, streamChat } from "./chat_request.ts";
import { chooseTransport, type Transport } from "./transport.ts";
import { checkHeaderLines } from "./http1_client.ts";
import { VERSION } from "../version.ts";
import type { AttemptOutcome } from "./auto_concurrency.ts";
import { type ConcurrencyLevel, type ConcurrencyReport, InFlightControl } from "./in_flight.ts";
import { type Endpoint, EndpointPool, type RoutingStrategy } from "./endpoint_pool.ts";
import { type BackoffOptions, DEFAULT_BACKOFF, retryDelayMs } from "./retry_policy.ts";
import { RetryLog, type RetryTally } from "./retry_log.ts";
import { completionTokenCounts } from "./token_usage.ts";

/** Everything a {@linkcode ChatBackend} needs; `createBackend` fills it from backend args. */
export interface ChatBackendConfig {
  info: BackendInfo;
  /** Requests in flight over all base URLs: a number, or `auto` to find it. */
  concurrency: ConcurrencyLevel;
  /** A lower bound from the backend's own args, which then wins. */
  concurrencyLimit?: number;
  body: ChatBodyOptions;
  /** Sent as `Authorization: Bearer <key>` when set. */
  apiKey?: string;
  /** Extra request headers (e.g. `OpenAI-Organization`). */
  headers?: Record<string, string>;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Limit of one whole attempt, ms; none when absent. */
  timeoutMs?: number;
  /** Longest silence of a streamed attempt, ms. */
  idleTimeoutMs: number;
  /** Ask for a streamed (SSE) answer, assembled before returning. */
  stream: boolean;
  backoff?: BackoffOptions;
  routing?: RoutingStrategy;
  /** First cooldown of a server that refused a connection, ms. */
  downCooldownMs?: number;
  /** Send through this `fetch` instead of the built-in HTTP/1.1 client. */
  fetch?: typeof fetch;
  /** A proxy is configured (`HTTP_PROXY`...): plain `http:` goes through `fetch`, which honours it. */
  proxy?: boolean;
  /** Lines for the user: the first retry of each distinct cause. */
  onLog?: (line: string) => void;
  /** Runs once on close, after in-flight requests are aborted (e.g. stops a launched server). */
  onClose?: () => Promise<void>;
  /** Why the server this backend started is gone, if it is: failed requests then stop retrying. */
  serverFailure?: () => string | null;
}

/** A {@linkcode Backend} speaking the OpenAI chat completions protocol. */
export class ChatBackend implements Backend {
  readonly info: BackendInfo;
  #config: ChatBackendConfig;
  #pool: EndpointPool;
  #headers: Record<string, string>;
  #transport: Transport;
  #inFlight: InFlightControl;
  #retries: RetryLog;
  #answered = false;
  #closing = new AbortController();
  #closed: Promise<void> | null = null;

  /** Makes a backend over `config.info.baseUrls`. */
  constructor(config: ChatBackendConfig) {
    this.info = config.info;
    this.#config = config;
    this.#pool = new EndpointPool(config.info.baseUrls, {
      strategy: config.routing,
      cooldownMs: config.downCooldownMs,
    });
    this.#inFlight = new InFlightControl(config.concurrency, config.concurrencyLimit);
    this.#retries = new RetryLog(config.onLog);
    this.#headers = {
      "content-type": "application/json",
      accept: "application/json",
      "user-agent": `skyeval/${VERSION}`,
      ...config.headers,
      ...(config.apiKey !== undefined ? { authorization: `Bearer ${config.apiKey}` } : {}),
    };
    checkHeaderLines(this.#headers);
    this.#transport = chooseTransport(config.info.baseUrls, config);
  }

  /** The most requests this backend keeps in flight (the ceiling under `auto`). */
  get maxConcurrency(): number {
    return this.#inFlight.ceiling;
  }

  /** The servers and their request counts, for progress displays and tests. */
  get endpoints(): readonly Readonly<Endpoint>[] {
    return this.#pool.endpoints;
  }

  /** Requests in flight: asked for, reached (peak, time-weighted mean), and the `auto` level. */
  concurrency(): ConcurrencyReport {
    return this.#inFlight.report();
  }

  /** Retries so far, one entry per distinct cause. */
  retries(): RetryTally[] {
    return this.#retries.tally();
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
      const wire = JSON.stringify(
        this.#config.stream ? { ...body, stream: true, stream_options: STREAM_OPTIONS } : body,
      );
      return this.#send(req, body, wire, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Aborts in-flight requests and runs the close hook once. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing.abort(new BackendError("Generation aborted: the backend was closed"));
      this.#transport.close();
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
    wire: string,
    outer: AbortSignal | undefined,
  ): Promise<GenerationResult> {
    // Listeners, not AbortSignal.any: at thousands of requests/s its bookkeeping shows.
    const request = new AbortController();
    const unlink = linkAbort(request, [outer, this.#closing.signal]);
    try {
      return await this.#sendUntilDone(req, body, wire, request.signal);
    } finally {
      unlink();
    }
  }

  async #sendUntilDone(
    req: GenerationRequest,
    body: Record<string, unknown>,
    wire: string,
    signal: AbortSignal,
  ): Promise<GenerationResult> {
    const started = performance.now();
    const failedUrls = new Set<string>();
    for (let attempt = 0;; attempt++) {
      const slot = await this.#inFlight.acquire(signal);
      const endpoint = this.#pool.acquire(failedUrls);
      let outcome: AssembledChoices | AttemptFailure | undefined;
      try {
        outcome = await this.#attempt(endpoint.url, wire, req.n, signal);
      } finally {
        this.#pool.release(endpoint);
        slot.release(...slotOutcome(outcome));
      }
      if ("choices" in outcome) {
        this.#pool.markUp(endpoint);
        return toResult(req, body, outcome, this.#config.stream, performance.now() - started);
      }
      signal.throwIfAborted();
      const { error } = outcome;
      const gone = await this.#launchedServerFailure(outcome.connectionFailed, signal);
      if (gone) throw new BackendError(gone, { cause: error });
      if (outcome.connectionFailed) {
        this.#pool.markDown(endpoint);
        failedUrls.add(endpoint.url);
        if (this.#pool.hasUpEndpointBesides(failedUrls)) continue;
        if (!this.#answered) {
          // Nothing has ever answered: a wrong address or a server not started, not a blip.
          throw new BackendError(`${error.message} (no server has answered yet)`, {
            cause: error,
          });
        }
      }
      if (!error.retryable || attempt >= this.#config.maxRetries) {
        if (attempt > 0) error.message += ` (after ${attempt + 1} attempts)`;
        throw error;
      }
      this.#retries.record(error.message);
      await sleep(
        retryDelayMs(attempt, outcome.headers, this.#config.backoff ?? DEFAULT_BACKOFF),
        signal,
      );
    }
  }

  /**
   * Why a server skyeval launched is gone, if it is. A dropped connection usually reaches us before
   * the process's exit does, so after one the exit gets a moment to show.
   */
  async #launchedServerFailure(
    connectionFailed: boolean,
    signal: AbortSignal,
  ): Promise<string | null> {
    const failure = this.#config.serverFailure;
    if (!failure) return null;
    for (let waited = 0; connectionFailed && waited < 1_000 && !failure(); waited += 50) {
      await sleep(50, signal);
    }
    return failure();
  }

  async #attempt(
    baseUrl: string,
    wire: string,
    n: number,
    signal: AbortSignal,
  ): Promise<AssembledChoices | AttemptFailure> {
    const deadline = new AttemptDeadline(
      {
        idleMs: this.#config.stream ? this.#config.idleTimeoutMs : null,
        timeoutMs: this.#config.timeoutMs,
      },
      signal,
    );
    const choices = new ChoiceAccumulator();
    const url = `${baseUrl}/chat/completions`;
    const options: ChatRequestOptions = {
      transport: this.#transport,
      headers: this.#headers,
      signal: deadline.signal,
      onAnswer: () => {
        this.#answered = true;
        deadline.heard();
      },
    };
    try {
      if (this.#config.stream) {
        const events = await streamChat(url, wire, {
          ...options,
          onChunk: (chunk) => choices.addChunk(chunk),
          onBytes: () => deadline.heard(),
        });
        if (events === 0) {
          return failure(
            `Server "${baseUrl}" answered a streamed request without stream events; pass --backend-args stream=false if it cannot stream`,
            undefined,
            false,
            false,
          );
        }
      } else {
        choices.addResponse(await postChat(url, wire, options));
      }
    } catch (cause) {
      signal.throwIfAborted();
      return describeFailure(baseUrl, cause, deadline);
    } finally {
      deadline.clear();
    }
    signal.throwIfAborted();
    const assembled = choices.finish(n);
    if (typeof assembled === "string") {
      return failure(`Server "${baseUrl}" ${assembled}`, undefined, false);
    }
    return assembled;
  }
}

/** Asks a streaming server for the usage in the last chunk. */
const STREAM_OPTIONS = { include_usage: true };

/** How an attempt ended and the work it did, for `--concurrency auto`. */
function slotOutcome(
  outcome: AssembledChoices | AttemptFailure | undefined,
): [AttemptOutcome, number?] {
  if (outcome === undefined) return ["error"];
  if ("choices" in outcome) return ["ok", outcome.usage.completionTokens || 1];
  const status = outcome.error.status;
  return [status === 429 || status === 503 ? "overload" : "error"];
}

function toResult(
  req: GenerationRequest,
  body: Record<string, unknown>,
  answer: AssembledChoices,
  streamed: boolean,
  latencyMs: number,
): GenerationResult {
  const maxTokens = body.max_tokens ?? body.max_completion_tokens;
  const prefill = body.continue_final_message === true
    ? (body.messages as { content: string }[]).at(-1)?.content ?? ""
    : "";
  const counts = completionTokenCounts(
    answer,
    typeof maxTokens === "number" ? maxTokens : null,
    streamed,
  );
  const completions = answer.choices.map((choice, i): Completion => {
    const completion: Completion = {
      // llama.cpp's server returns the prefill with its continuation; vLLM only the continuation.
      text: prefill && choice.content.startsWith(prefill)
        ? choice.content.slice(prefill.length)
        : choice.content,
      finishReason: choice.finishReason,
      completionTokens: counts.perChoice[i].tokens,
    };
    if (counts.perChoice[i].kind) completion.completionTokensKind = counts.perChoice[i].kind;
    if (choice.reasoning) completion.reasoning = choice.reasoning;
    return completion;
  });
  return { id: req.id, completions, promptTokens: counts.promptTokens, latencyMs };
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
