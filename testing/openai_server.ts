/**
 * A fake OpenAI / vLLM chat server for tests and demos: the real wire
 * protocol over a real socket on 127.0.0.1, with answers from a function or
 * replayed from recorded generations.
 *
 * Implements `POST /v1/chat/completions` (`n` choices, `usage`, vLLM
 * `token_ids` on `return_token_ids`, `finish_reason: "length"` when an answer
 * exceeds the max tokens counted in whitespace tokens, `stop` strings, SSE when `stream` is
 * true, the prefill flag check), `GET /v1/models`, `GET /health`,
 * `GET /version`, and scripted failures (any status in the OpenAI or the old
 * flat vLLM error shape, `Retry-After`, hangs). It counts requests in flight
 * (several servers can share one count). With `llamaCpp: true` it does what
 * llama.cpp's `llama-server` was seen to do differently from vLLM: no
 * `token_ids` (it ignores unknown keys), `usage.completion_tokens` of one
 * choice for `n > 1`, and the prefill repeated at the start of the text.
 *
 * @module
 */

/** The chat request body as the server sees it. */
export interface ChatRequestBody {
  model?: string;
  messages: { role: string; content: string }[];
  n?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  [key: string]: unknown;
}

/** One scripted choice. */
export interface FakeAnswer {
  text: string;
  finishReason?: string;
  /** Overrides the whitespace token count. */
  completionTokens?: number;
  /** Returned as vLLM's `message.reasoning`. */
  reasoning?: string;
}

/**
 * Answers a request: one text for every choice, or a list used choice by
 * choice (cycling when `n` exceeds it).
 */
export type AnswerFunction = (
  req: ChatRequestBody,
) => string | (string | FakeAnswer)[] | Promise<string | (string | FakeAnswer)[]>;

/** A scripted failure for one request. */
export type FakeFailure =
  | {
    status: number;
    message?: string;
    /** OpenAI `error.type` (or the flat vLLM `type`). */
    type?: string;
    code?: string | number | null;
    /** `Retry-After` header value (seconds). */
    retryAfter?: string;
    /** `retry-after-ms` header value. */
    retryAfterMs?: string;
    headers?: Record<string, string>;
    /** Send vLLM's pre-0.10.1 flat body `{"object": "error", "message", ...}`. */
    flat?: boolean;
  }
  | { hangMs: number }
  /** Answer 200 with a stream (or body) that carries an `error` object after the first chunk. */
  | { midStreamError: string };

/** Options of {@linkcode startOpenAIServer}. */
export interface OpenAIServerOptions {
  answer: AnswerFunction;
  /**
   * Failures to serve before answering: a list consumed one per chat request
   * in arrival order, or a function of the request and its 1-based number.
   */
  failures?:
    | FakeFailure[]
    | ((req: ChatRequestBody, requestNumber: number) => FakeFailure | undefined);
  /** Delay before each answer, ms (or a function of the request). */
  latencyMs?: number | ((req: ChatRequestBody) => number);
  /** The served model: other names get 404. Any name is accepted when unset. */
  model?: string;
  /** Require `Authorization: Bearer <apiKey>` on `/v1/*`. */
  apiKey?: string;
  /** Status of `GET /health` (vLLM gives 503 when its engine died). */
  healthStatus?: () => number;
  /** Prompt tokens reported per request; default: whitespace tokens of all messages. */
  promptTokens?: (req: ChatRequestBody) => number;
  /**
   * Answer like OpenAI for o-series model names: 400 `unsupported_parameter`
   * for `max_tokens`, 400 `unsupported_value` for a `temperature` or
   * `top_p` other than 1 (default true).
   */
  reasoningRules?: boolean;
  hostname?: string;
  /** Port to bind; 0 (default) picks a free one. */
  port?: number;
  /** Count requests in flight here (share one object between servers to count them together). */
  stats?: { inFlight: number; maxInFlight: number };
  /** Answer as llama.cpp's server does (see the module doc). */
  llamaCpp?: boolean;
  /**
   * Keep every request's body and headers in `requests` / `requestHeaders`
   * (default true); benchmarks of millions of requests turn it off.
   */
  recordRequests?: boolean;
}

/** A running fake server. */
export interface OpenAIServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  port: number;
  /** Every chat request body received, in arrival order (unless `recordRequests` is false). */
  requests: ChatRequestBody[];
  /** The headers of each chat request, same order. */
  requestHeaders: Headers[];
  /** Chat requests being served now, and the most at any one time. */
  stats: { inFlight: number; maxInFlight: number };
  close(): Promise<void>;
}

/** An error the answer function can throw to choose the HTTP status. */
export class FakeHttpError extends Error {
  status: number;
  /** Makes an error answered with `status`. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "FakeHttpError";
    this.status = status;
  }
}

/**
 * An answer function replaying recorded generations: it looks up the text
 * of the last user message in `recorded` (with `match: "contains"`, the
 * longest recorded key found inside it, for prompts wrapped in a template)
 * and answers 404 when there is none.
 */
export function replayAnswers(
  recorded: ReadonlyMap<string, string | (string | FakeAnswer)[]>,
  options: { match?: "exact" | "contains" } = {},
): AnswerFunction {
  const keys = [...recorded.keys()].sort((a, b) => b.length - a.length);
  return (req) => {
    const prompt = req.messages.findLast((m) => m.role === "user")?.content ?? "";
    const key = options.match === "contains"
      ? keys.find((k) => k !== "" && prompt.includes(k))
      : prompt;
    const answer = key === undefined ? undefined : recorded.get(key);
    if (answer === undefined) {
      throw new FakeHttpError(404, `No recorded answer for the prompt "${prompt.slice(0, 80)}"`);
    }
    return answer;
  };
}

/** Counts whitespace-separated tokens, the fake's tokenizer. */
export function countWhitespaceTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Starts the fake server on 127.0.0.1 (port 0 by default). */
export function startOpenAIServer(options: OpenAIServerOptions): Promise<OpenAIServer> {
  const requests: ChatRequestBody[] = [];
  const requestHeaders: Headers[] = [];
  const stats = options.stats ?? { inFlight: 0, maxInFlight: 0 };
  const closing = new AbortController();
  let chatCount = 0;

  async function chat(request: Request): Promise<Response> {
    let body: ChatRequestBody;
    try {
      body = await request.json();
    } catch {
      return errorResponse({ status: 400, message: "Body is not valid JSON" });
    }
    if (options.recordRequests !== false) {
      requests.push(body);
      requestHeaders.push(request.headers);
    }
    const number = ++chatCount;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      const signals = [closing.signal];
      const failure = Array.isArray(options.failures)
        ? options.failures.shift()
        : options.failures?.(body, number);
      if (failure && "hangMs" in failure) {
        await sleep(failure.hangMs, signals);
      } else if (failure && "midStreamError" in failure) {
        return midStreamError(failure.midStreamError, body.stream === true);
      } else if (failure) {
        return errorResponse(failure);
      }
      const latency = typeof options.latencyMs === "function"
        ? options.latencyMs(body)
        : options.latencyMs ?? 0;
      if (latency > 0) await sleep(latency, signals);
      return await completion(body);
    } catch (error) {
      if (error instanceof FakeHttpError) {
        return errorResponse({ status: error.status, message: error.message });
      }
      if (closing.signal.aborted) {
        return errorResponse({ status: 503, message: "Server is shutting down" });
      }
      return errorResponse({ status: 500, message: String(error) });
    } finally {
      stats.inFlight -= 1;
    }
  }

  async function completion(body: ChatRequestBody): Promise<Response> {
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return errorResponse({ status: 400, message: "messages must be a non-empty list" });
    }
    if (options.model !== undefined && body.model !== undefined && body.model !== options.model) {
      return errorResponse({
        status: 404,
        message: `The model \`${body.model}\` does not exist.`,
        type: "NotFoundError",
        code: "model_not_found",
      });
    }
    if (body.continue_final_message === true && body.add_generation_prompt !== false) {
      return errorResponse({
        status: 400,
        message: "Cannot set both `continue_final_message` and `add_generation_prompt` to True.",
      });
    }
    if (body.continue_final_message === true && body.messages.at(-1)?.role !== "assistant") {
      return errorResponse({
        status: 400,
        message: "continue_final_message needs a final assistant message",
      });
    }
    const reasoningProblem = options.reasoningRules === false ? null : reasoningModelProblem(body);
    if (reasoningProblem) return errorResponse(reasoningProblem);
    const n = body.n ?? 1;
    const llamaCpp = options.llamaCpp === true;
    const prefill = llamaCpp && body.continue_final_message === true
      ? String(body.messages.at(-1)?.content ?? "")
      : "";
    const maxTokens = body.max_completion_tokens ?? body.max_tokens ?? Infinity;
    const given = await options.answer(body);
    const list = typeof given === "string" ? [given] : given;
    if (list.length === 0) throw new Error("The answer function gave no answer");
    const choices = Array.from({ length: n }, (_, index) => {
      const item = list[index % list.length];
      const given: FakeAnswer = typeof item === "string" ? { text: item } : item;
      const answer = cutAtStop(given, body.stop);
      const tokens = countWhitespaceTokens(answer.text);
      const cut = tokens > maxTokens;
      const text = cut
        ? answer.text.split(/\s+/).filter(Boolean).slice(0, maxTokens).join(" ")
        : answer.text;
      const completionTokens = answer.completionTokens ?? (cut ? maxTokens : tokens);
      return {
        index,
        message: {
          role: "assistant",
          content: prefill + text,
          ...(answer.reasoning !== undefined ? { reasoning: answer.reasoning } : {}),
        },
        logprobs: null,
        finish_reason: cut ? "length" : answer.finishReason ?? "stop",
        stop_reason: null,
        ...(body.return_token_ids === true && !llamaCpp
          ? { token_ids: Array.from({ length: completionTokens }, (_, i) => 1000 + i) }
          : {}),
        completionTokens,
      };
    });
    const promptTokens = options.promptTokens?.(body) ??
      body.messages.reduce((sum, m) => sum + countWhitespaceTokens(String(m.content)), 0);
    const completionTokens = llamaCpp
      ? choices[0].completionTokens
      : choices.reduce((sum, c) => sum + c.completionTokens, 0);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const id = `chatcmpl-${crypto.randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = options.model ?? body.model ?? "fake-model";
    const wireChoices = choices.map(({ completionTokens: _, ...choice }) => choice);
    if (body.stream === true) return streamResponse(id, created, model, wireChoices, body, usage);
    return Response.json({
      id,
      object: "chat.completion",
      created,
      model,
      choices: wireChoices,
      usage,
    });
  }

  function authorised(request: Request): boolean {
    return options.apiKey === undefined ||
      request.headers.get("authorization") === `Bearer ${options.apiKey}`;
  }

  async function handle(request: Request): Promise<Response> {
    const path = pathOf(request.url);
    if (path === "/health" && request.method === "GET") {
      return new Response(null, { status: options.healthStatus?.() ?? 200 });
    }
    if (path === "/version") return Response.json({ version: "0.0.0-fake" });
    if (path.startsWith("/v1/") && !authorised(request)) {
      return Response.json({ error: "Unauthorized" }, { status: 401 });
    }
    if (path === "/v1/models" && request.method === "GET") {
      const id = options.model ?? "fake-model";
      return Response.json({
        object: "list",
        data: [{ id, object: "model", created: 0, owned_by: "vllm", root: id, parent: null }],
      });
    }
    if (path === "/v1/chat/completions" && request.method === "POST") return await chat(request);
    return errorResponse({ status: 404, message: `Route "${request.method} ${path}" not found` });
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 0,
      onListen: ({ port }) => {
        resolve({
          url: `http://${options.hostname ?? "127.0.0.1"}:${port}/v1`,
          port,
          requests,
          requestHeaders,
          stats,
          async close() {
            closing.abort();
            await server.shutdown();
          },
        });
      },
    }, handle);
  });
}

/** The path of an absolute URL, without parsing all of it. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

/**
 * Ends an answer before the first of the `stop` strings it contains, which is
 * not returned (`finish_reason: "stop"`), as vLLM and llama-server do.
 */
function cutAtStop(answer: FakeAnswer, stop: unknown): FakeAnswer {
  const stops = (Array.isArray(stop) ? stop : [stop]).filter((s): s is string =>
    typeof s === "string" && s !== ""
  );
  const at = Math.min(...stops.map((s) => answer.text.indexOf(s)).filter((i) => i >= 0));
  if (!Number.isFinite(at)) return answer;
  return { ...answer, text: answer.text.slice(0, at), finishReason: "stop" };
}

function reasoningModelProblem(
  body: ChatRequestBody,
): Extract<FakeFailure, { status: number }> | null {
  if (!/^(openai\/)?o\d+(-|$)/.test(String(body.model ?? ""))) return null;
  if (body.max_tokens !== undefined) {
    return {
      status: 400,
      type: "invalid_request_error",
      code: "unsupported_parameter",
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    };
  }
  for (const key of ["temperature", "top_p"]) {
    if (body[key] !== undefined && body[key] !== 1) {
      return {
        status: 400,
        type: "invalid_request_error",
        code: "unsupported_value",
        message: `Unsupported value: '${key}' does not support ${
          body[key]
        } with this model. Only the default (1) value is supported.`,
      };
    }
  }
  return null;
}

function errorResponse(failure: Extract<FakeFailure, { status: number }>): Response {
  const message = failure.message ?? `Fake failure ${failure.status}`;
  const type = failure.type ?? (failure.status === 429 ? "rate_limit_exceeded" : "server_error");
  const code = failure.code ?? (failure.flat ? failure.status : null);
  const body = failure.flat
    ? { object: "error", message, type, param: null, code }
    : { error: { message, type, param: null, code } };
  const headers = new Headers(failure.headers);
  if (failure.retryAfter !== undefined) headers.set("retry-after", failure.retryAfter);
  if (failure.retryAfterMs !== undefined) headers.set("retry-after-ms", failure.retryAfterMs);
  return Response.json(body, { status: failure.status, headers });
}

function streamResponse(
  id: string,
  created: number,
  model: string,
  choices: {
    index: number;
    message: { content: string; reasoning?: string };
    finish_reason: string;
    token_ids?: number[];
  }[],
  body: ChatRequestBody,
  usage: Record<string, number>,
): Response {
  const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)
    ?.include_usage === true;
  // Every chunk shares its envelope: serialized once, the choices spliced in.
  const envelope = `data: {"id":${
    JSON.stringify(id)
  },"object":"chat.completion.chunk","created":${created},"model":${
    JSON.stringify(model)
  },"choices":`;
  const chunk = (choiceList: unknown[], usage?: Record<string, number>) =>
    `${envelope}${JSON.stringify(choiceList)}${
      usage ? `,"usage":${JSON.stringify(usage)}` : ""
    }}\n\n`;
  const events: string[] = [];
  for (const c of choices) {
    events.push(
      chunk([{ index: c.index, delta: { role: "assistant", content: "" }, finish_reason: null }]),
    );
    if (c.message.reasoning) {
      events.push(
        chunk([{ index: c.index, delta: { reasoning: c.message.reasoning }, finish_reason: null }]),
      );
    }
  }
  // Each content piece is one whitespace token and carries one token id, like vLLM's deltas.
  const pieces = choices.map((c) => c.message.content.split(/(?<=\s)(?=\S)/));
  const idsUsed = choices.map(() => 0);
  const longest = Math.max(...pieces.map((p) => p.length));
  for (let i = 0; i < longest; i++) {
    for (const c of choices) {
      const piece = pieces[c.index][i];
      if (!piece) continue;
      const ids = c.token_ids?.slice(idsUsed[c.index], idsUsed[c.index] + 1);
      idsUsed[c.index] += ids?.length ?? 0;
      events.push(chunk([{
        index: c.index,
        delta: { content: piece },
        finish_reason: null,
        ...(ids ? { token_ids: ids } : {}),
      }]));
    }
  }
  for (const c of choices) {
    const rest = c.token_ids?.slice(idsUsed[c.index]);
    events.push(chunk([{
      index: c.index,
      delta: {},
      finish_reason: c.finish_reason,
      ...(rest ? { token_ids: rest } : {}),
    }]));
  }
  if (includeUsage) events.push(chunk([], usage));
  events.push("data: [DONE]\n\n");
  return new Response(events.join(""), {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}

function midStreamError(message: string, stream: boolean): Response {
  const error = { message, type: "InternalServerError", param: null, code: 500 };
  if (!stream) return Response.json({ error });
  const first = {
    id: "chatcmpl-broken",
    object: "chat.completion.chunk",
    created: 0,
    model: "fake-model",
    choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
  };
  return new Response(
    `data: ${JSON.stringify(first)}\n\ndata: ${JSON.stringify({ error })}\n\ndata: [DONE]\n\n`,
    { headers: { "content-type": "text/event-stream" } },
  );
}

/** Waits `ms`, rejecting early when any of `signals` aborts. */
function sleep(ms: number, signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = signals.find((s) => s.aborted);
    if (aborted) return reject(aborted.reason);
    const stopListening = () => signals.forEach((s) => s.removeEventListener("abort", onAbort));
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, ms);
    function onAbort(this: AbortSignal) {
      clearTimeout(timer);
      stopListening();
      reject(this.reason);
    }
    signals.forEach((s) => s.addEventListener("abort", onAbort, { once: true }));
  });
}
