/**
 * Turns an HTTP error response body (of a chat server or the Ray dashboard's
 * Serve REST API) into one readable line. Servers disagree on the shape: OpenAI and vLLM >= 0.10.1 nest `{"error": {"message"}}`, older
 * vLLM sends a flat `{"object": "error", "message"}`, vLLM's auth middleware
 * sends `{"error": "Unauthorized"}`, and Ray answers in plain text.
 *
 * @module
 */

/** The useful parts of an error body. */
export interface DecodedErrorBody {
  message: string;
  /** OpenAI `error.type` or `error.code` when it is a string, e.g. `insufficient_quota`. */
  code: string | null;
}

const MAX_MESSAGE_CHARS = 500;

/**
 * Decodes an error body of any known shape into a one-line message.
 *
 * @example
 * ```ts
 * import { decodeErrorBody } from "./error_body.ts";
 * decodeErrorBody('{"error":{"message":"Bad\\nthing","code":"x"}}').message; // "Bad thing"
 * ```
 */
export function decodeErrorBody(body: string): DecodedErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { message: oneLine(body) || "(no body)", code: null };
  }
  if (isRecord(parsed)) {
    const error = parsed.error;
    if (isRecord(error)) {
      const code = typeof error.code === "string"
        ? error.code
        : typeof error.type === "string"
        ? error.type
        : null;
      return { message: oneLine(String(error.message ?? JSON.stringify(error))), code };
    }
    if (typeof error === "string") return { message: oneLine(error), code: null };
    if (typeof parsed.message === "string") {
      const code = typeof parsed.type === "string" ? parsed.type : null;
      return { message: oneLine(parsed.message), code };
    }
    if (typeof parsed.detail === "string") return { message: oneLine(parsed.detail), code: null };
  }
  return { message: oneLine(body) || "(no body)", code: null };
}

/** `text` on one line, whitespace runs as one space, cut at 500 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}...` : line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
