/**
 * HTTP to the Hugging Face Hub: the token on Hub hosts only, redirects followed by hand
 * (relative ones keep the token, CDN ones drop it), bounded retries on 429 and 5xx
 * honouring `Retry-After` / `RateLimit`, and errors classified by `X-Error-Code`.
 *
 * @module
 */

/** How to talk to the Hub. */
export interface HubContext {
  /** Hub base URL without a trailing slash, e.g. `https://huggingface.co`. */
  endpoint: string;
  /** Sent as `Authorization: Bearer` to the Hub's own origin, never to a CDN. */
  token: string | null;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** Retries after a 429/5xx or a dropped connection (default 5). */
  maxRetries: number;
  /** Longest single wait before a retry, in ms (default 60 000). */
  maxRetryWaitMs: number;
  /** First backoff wait when the server gives no hint, in ms; it doubles (default 1000). */
  retryBaseMs: number;
}

/** The Hub answered with an error status (after any retries). */
export class HubHttpError extends Error {
  /** Builds the error from the failed response's facts. */
  constructor(
    readonly status: number,
    readonly errorCode: string | null,
    readonly hubMessage: string | null,
    readonly url: string,
    readonly retries: number,
  ) {
    super(`${status} ${errorCode ?? ""} ${hubMessage ?? ""} for ${url}`.replace(/\s+/g, " "));
    this.name = "HubHttpError";
  }
}

/** The Hub could not be reached at all. */
export class HubNetworkError extends Error {
  /** Builds the error; `cause` is the fetch failure. */
  constructor(readonly url: string, options?: ErrorOptions) {
    super(`cannot reach ${new URL(url).origin}`, options);
    this.name = "HubNetworkError";
  }
}

/** A response, plus the headers of the Hub's own answer when a CDN served the body. */
export interface HubResponse {
  response: Response;
  /** Headers of the last response in the redirect chain that came from the Hub. */
  hubHeaders: Headers;
  /** The URL that served `response` (after redirects). */
  finalUrl: string;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * GETs (or HEADs) a URL on the Hub with retries. Returns only successful responses;
 * otherwise throws `HubHttpError` or `HubNetworkError`. The caller owns the body.
 */
export async function hubRequest(
  ctx: HubContext,
  url: string,
  init: { method?: "GET" | "HEAD"; headers?: Record<string, string> } = {},
): Promise<HubResponse> {
  for (let attempt = 0;; attempt++) {
    let result: HubResponse;
    try {
      result = await followRedirects(ctx, url, init);
    } catch (error) {
      if (ctx.signal?.aborted || attempt >= Math.min(ctx.maxRetries, 1)) {
        throw ctx.signal?.aborted ? error : new HubNetworkError(url, { cause: error });
      }
      await sleep(ctx.retryBaseMs, ctx.signal);
      continue;
    }
    const { response } = result;
    if (response.ok) return result;
    if (RETRY_STATUSES.has(response.status) && attempt < ctx.maxRetries) {
      const wait = retryWaitMs(response.headers, ctx.retryBaseMs * 2 ** attempt);
      await response.body?.cancel();
      await sleep(Math.min(wait, ctx.maxRetryWaitMs), ctx.signal);
      continue;
    }
    throw await httpErrorOf(response, result.finalUrl, attempt);
  }
}

async function followRedirects(
  ctx: HubContext,
  url: string,
  init: { method?: "GET" | "HEAD"; headers?: Record<string, string> },
): Promise<HubResponse> {
  const hubOrigin = new URL(ctx.endpoint).origin;
  let current = url;
  let hubHeaders: Headers | null = null;
  for (let hop = 0; hop < 10; hop++) {
    const headers = new Headers(init.headers);
    if (ctx.token && new URL(current).origin === hubOrigin) {
      headers.set("Authorization", `Bearer ${ctx.token}`);
    }
    const response = await ctx.fetch(current, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
      signal: ctx.signal,
    });
    if (response.headers.has("x-repo-commit") || hubHeaders === null) {
      hubHeaders = response.headers;
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).href;
      continue;
    }
    return { response, hubHeaders, finalUrl: current };
  }
  throw new TypeError(`too many redirects from ${url}`);
}

/** Milliseconds to wait before retrying, from `Retry-After` or `RateLimit: ...;t=N`. */
export function retryWaitMs(headers: Headers, fallbackMs: number): number {
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  const rateLimit = headers.get("ratelimit")?.match(/;\s*t=(\d+)/);
  if (rateLimit) return Number(rateLimit[1]) * 1000;
  return fallbackMs;
}

async function httpErrorOf(response: Response, url: string, retries: number) {
  let message = response.headers.get("x-error-message");
  const text = await response.text().catch(() => "");
  if (!message && text) {
    try {
      const body = JSON.parse(text);
      const error = body?.error ?? body?.error_description;
      message = Array.isArray(error) ? error.join("; ") : typeof error === "string" ? error : null;
    } catch {
      message = text.slice(0, 200);
    }
  }
  return new HubHttpError(
    response.status,
    response.headers.get("x-error-code"),
    message,
    url,
    retries,
  );
}

/** Waits `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** An `X-Linked-Etag` or `ETag` without the weak prefix and quotes. */
export function normalizeEtag(value: string | null): string | null {
  if (!value) return null;
  return value.replace(/^W\//, "").replace(/^"|"$/g, "");
}

/** Percent-encodes a revision as one path segment (`refs/pr/2` -> `refs%2Fpr%2F2`). */
export function encodeRevision(revision: string): string {
  return encodeURIComponent(revision);
}

/** Percent-encodes a path in a repo segment by segment. */
export function encodeRepoPath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
