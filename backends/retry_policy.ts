/**
 * When to retry a failed chat request and how long to wait first: the rules
 * of OpenAI's own clients, applied by `chat_backend.ts` so that a retry can
 * move to another server and be counted for the run.
 *
 * Retried: connection errors, timeouts, 408, 409, 429 (except
 * `insufficient_quota`, which more waiting cannot fix) and every 5xx. A
 * response header `x-should-retry: true|false` overrides the status, as with
 * OpenAI's own client.
 *
 * @module
 */

/** Backoff settings, in milliseconds. */
export interface BackoffOptions {
  /** First exponential step. */
  baseDelayMs: number;
  /** Cap of one exponential step. */
  maxDelayMs: number;
  /** The longest `Retry-After` honoured; longer hints fall back to the exponential step. */
  maxRetryAfterMs: number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
}

/** Default backoff: 0.5 s doubling to 20 s, `Retry-After` up to 60 s. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/**
 * Whether an HTTP error is worth retrying.
 *
 * @param status the HTTP status
 * @param errorCode the decoded `error.code`/`error.type`, if any
 * @param headers the response headers
 */
export function isRetryableStatus(
  status: number,
  errorCode: string | null,
  headers?: Headers,
): boolean {
  const hint = headers?.get("x-should-retry");
  if (hint === "true") return true;
  if (hint === "false") return false;
  if (status === 429) return errorCode !== "insufficient_quota";
  return status === 408 || status === 409 || status >= 500;
}

/**
 * Milliseconds to wait before retry number `attempt` (0 = the first retry):
 * the server's `retry-after-ms` or `retry-after` (seconds or an HTTP date)
 * when it is positive and at most `maxRetryAfterMs`, otherwise
 * `min(base * 2^attempt, max)` scaled by a jitter factor in [0.5, 1].
 */
export function retryDelayMs(
  attempt: number,
  headers: Headers | null,
  options: BackoffOptions = DEFAULT_BACKOFF,
  now: number = Date.now(),
): number {
  const hinted = headers ? retryAfterMs(headers, now) : null;
  if (hinted !== null && hinted > 0 && hinted <= options.maxRetryAfterMs) return hinted;
  const random = options.random ?? Math.random;
  const step = Math.min(options.baseDelayMs * 2 ** attempt, options.maxDelayMs);
  return step * (0.5 + 0.5 * random());
}

/** The wait a response asks for, in ms, or `null` when it names none. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | null {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Number(ms);
  const after = headers.get("retry-after");
  if (after === null || after.trim() === "") return null;
  if (Number.isFinite(Number(after))) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? null : date - now;
}
