/**
 * One `POST /chat/completions` through a {@linkcode Transport} (keep-alive
 * connections, the body serialized once per request): the parsed answer,
 * or its chunks one by one as a streamed (SSE) answer arrives. What went
 * wrong is thrown as one of the errors below or the transport's
 * `ConnectionError`, for `attempt_failure.ts` to describe.
 *
 * @module
 */

import { decodeErrorBody } from "./error_body.ts";
import { type SseEvent, SseLines } from "./sse_lines.ts";
import { readText, type Transport, type WireResponse } from "./transport.ts";

type Json = Record<string, unknown>;

/** The server answered with an error status; `message` is its own words. */
export class HttpStatusError extends Error {
  readonly status: number;
  /** OpenAI `error.code` (or `error.type`) when it is a string. */
  readonly code: string | null;
  readonly headers: Headers;
  /** Makes the error of an answer with `status`. */
  constructor(status: number, body: string, headers: Headers) {
    const decoded = decodeErrorBody(body);
    super(decoded.message);
    this.name = "HttpStatusError";
    this.status = status;
    this.code = decoded.code;
    this.headers = headers;
  }
}

/** An `error` object inside a 200 answer (a stream that broke off, or a body). */
export class ErrorInAnswer extends Error {
  /** Makes the error from the server's `error` value. */
  constructor(error: unknown) {
    super(errorText(error));
    this.name = "ErrorInAnswer";
  }
}

/** What a request needs besides its body. */
export interface ChatRequestOptions {
  transport: Transport;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Called once the response headers arrive (the server answered). */
  onAnswer: () => void;
}

/**
 * Posts `body` (serialized JSON) and returns the parsed response.
 *
 * @throws {HttpStatusError} for an error status, {@linkcode ConnectionError}
 * when no connection was made, `SyntaxError` for a body that is not JSON,
 * the abort reason when `signal` aborts.
 */
export async function postChat(
  url: string,
  body: string,
  options: ChatRequestOptions,
): Promise<unknown> {
  const response = await send(url, body, options);
  return JSON.parse(await readText(response));
}

/**
 * Posts `body` (serialized JSON, asking for a stream) and calls `onChunk`
 * with each parsed chunk until `[DONE]` or the end of the stream; returns
 * the number of chunks. `onBytes` is called whenever bytes arrive.
 *
 * @throws what {@linkcode postChat} throws, and {@linkcode ErrorInAnswer}
 * for an `error` event or a chunk holding an `error`.
 */
export async function streamChat(
  url: string,
  body: string,
  options: ChatRequestOptions & { onChunk: (chunk: Json) => void; onBytes: () => void },
): Promise<number> {
  const response = await send(url, body, options);
  const decoder = new TextDecoder();
  const lines = new SseLines();
  let chunks = 0;
  let done = false;
  const take = (events: SseEvent[]) => {
    for (const { event, data } of events) {
      if (data.startsWith("[DONE]")) {
        done = true;
        return;
      }
      const chunk = JSON.parse(data);
      if (chunk === null || typeof chunk !== "object" || Array.isArray(chunk)) {
        throw new SyntaxError(`a stream event is not a JSON object: ${data.slice(0, 200)}`);
      }
      if (event === "error") throw new ErrorInAnswer(chunk.error ?? chunk);
      if (chunk.error != null) throw new ErrorInAnswer(chunk.error);
      chunks++;
      options.onChunk(chunk);
    }
  };
  try {
    // Read to the end even after [DONE], so the connection can be reused.
    for (let piece = await response.read(); piece; piece = await response.read()) {
      options.onBytes();
      if (!done) take(lines.push(decoder.decode(piece, { stream: true })));
    }
    if (!done) take(lines.push(decoder.decode()).concat(lines.end()));
  } catch (error) {
    response.cancel();
    throw error;
  }
  return chunks;
}

async function send(
  url: string,
  body: string,
  options: ChatRequestOptions,
): Promise<WireResponse> {
  const response = await options.transport.post(url, body, options.headers, options.signal);
  options.onAnswer();
  if (response.status < 200 || response.status > 299) {
    throw new HttpStatusError(response.status, await readText(response), response.headers());
  }
  return response;
}

function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  if (error && typeof error === "object") {
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  return JSON.stringify(error);
}
