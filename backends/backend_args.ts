/**
 * Reads `--backend-args` values (already parsed by the CLI into numbers,
 * booleans, strings, lists) into typed settings. Keys are taken out of the
 * object as they are read, so what is left can be checked for typos or
 * turned into `vllm serve` flags.
 *
 * @module
 */

import type { RoutingStrategy } from "./endpoint_pool.ts";

/** A mutable view of backend args from which keys are consumed. */
export class ArgReader {
  readonly #args: Map<string, unknown>;
  readonly #backend: string;

  /** Wraps `args` of the backend named `backend` (for messages). */
  constructor(backend: string, args: Record<string, unknown>) {
    this.#backend = backend;
    this.#args = new Map(Object.entries(args).filter(([, v]) => v !== undefined));
  }

  /** Whether `key` is present and not yet read. */
  has(key: string): boolean {
    return this.#args.has(key);
  }

  /** Takes `key` as it is. */
  take(key: string): unknown {
    const value = this.#args.get(key);
    this.#args.delete(key);
    return value;
  }

  /** Takes a string (numbers are accepted as their text). */
  string(key: string): string | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number") return String(value);
    throw this.#typeError(key, value, "a string");
  }

  /** Takes a finite number (numeric strings are accepted). */
  number(key: string, options: { min?: number; integer?: boolean } = {}): number | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof number !== "number" || !Number.isFinite(number)) {
      throw this.#typeError(key, value, options.integer ? "an integer" : "a number");
    }
    if (options.integer && !Number.isInteger(number)) {
      throw this.#typeError(key, value, "an integer");
    }
    if (options.min !== undefined && number < options.min) {
      throw new RangeError(
        `Invalid backend argument "${key}" for backend "${this.#backend}": expected a value >= ${options.min}, got "${value}"`,
      );
    }
    return number;
  }

  /** Takes a boolean (`true`/`false`/`1`/`0` strings are accepted). */
  boolean(key: string): boolean | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    const text = String(value).toLowerCase();
    if (["true", "1", "yes"].includes(text)) return true;
    if (["false", "0", "no"].includes(text)) return false;
    throw this.#typeError(key, value, "true or false");
  }

  /** Takes one of `choices`. */
  choice<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    if (!(choices as readonly string[]).includes(value)) {
      throw this.#typeError(key, value, `one of ${choices.map((c) => `"${c}"`).join(", ")}`);
    }
    return value as T;
  }

  /** Takes a list of strings, given as a list or as comma-separated text. */
  list(key: string): string[] | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    const items = typeof value === "string" ? value.split(",") : value;
    if (!Array.isArray(items) || items.some((item) => typeof item !== "string")) {
      throw this.#typeError(key, value, "a list of strings or comma-separated text");
    }
    return items.map((item: string) => item.trim()).filter(Boolean);
  }

  /** The args not read yet. */
  rest(): Record<string, unknown> {
    return Object.fromEntries(this.#args);
  }

  /** Throws when any arg is left unread. */
  rejectUnknown(known: readonly string[]): void {
    const left = [...this.#args.keys()];
    if (left.length === 0) return;
    throw new TypeError(
      `Unknown backend argument "${left[0]}" for backend "${this.#backend}": expected one of ${
        known.map((k) => `"${k}"`).join(", ")
      }`,
    );
  }

  #typeError(key: string, value: unknown, expected: string): TypeError {
    return new TypeError(
      `Invalid backend argument "${key}" for backend "${this.#backend}": expected ${expected}, got "${
        typeof value === "object" ? JSON.stringify(value) : String(value)
      }"`,
    );
  }
}

/** The settings every HTTP backend reads. */
export interface CommonArgs {
  /** Base URLs including `/v1`; empty when none was given. */
  baseUrls: string[];
  apiKey?: string;
  maxRetries: number;
  /** Limit of one whole attempt; none by default when streaming. */
  timeoutMs?: number;
  /** Longest silence of a streamed attempt. */
  idleTimeoutMs: number;
  concurrency?: number;
  routing: RoutingStrategy;
  prefill?: "continue" | "ignore";
  reasoning?: boolean;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Ask for SSE answers (assembled before returning); the default. */
  stream: boolean;
}

/** The keys {@linkcode readCommonArgs} reads. */
export const COMMON_ARG_KEYS = [
  "base_url",
  "base_urls",
  "api_key",
  "max_retries",
  "timeout",
  "idle_timeout",
  "concurrency",
  "routing",
  "prefill",
  "reasoning",
  "retry_base_delay",
  "retry_max_delay",
  "stream",
] as const;

/**
 * Default seconds a streamed request may be silent (before its first chunk
 * or between chunks): a live generation of any length is never cut, a hung
 * server is noticed in minutes. Queueing at the server counts as silence.
 */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 300;
/** Default seconds one unstreamed (`stream=false`) attempt may take (long reasoning outputs are slow). */
export const DEFAULT_TIMEOUT_SECONDS = 1800;
/** Default retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 6;

/** Reads the common settings out of `reader`. */
export function readCommonArgs(reader: ArgReader): CommonArgs {
  const urls = [...(reader.list("base_url") ?? []), ...(reader.list("base_urls") ?? [])];
  const stream = reader.boolean("stream") ?? true;
  const timeout = reader.number("timeout", { min: 0.001 }) ??
    (stream ? undefined : DEFAULT_TIMEOUT_SECONDS);
  return {
    baseUrls: [...new Set(urls.map(normaliseBaseUrl))],
    apiKey: reader.string("api_key"),
    maxRetries: reader.number("max_retries", { min: 0, integer: true }) ?? DEFAULT_MAX_RETRIES,
    ...(timeout !== undefined ? { timeoutMs: 1000 * timeout } : {}),
    idleTimeoutMs: 1000 *
      (reader.number("idle_timeout", { min: 0.001 }) ?? DEFAULT_IDLE_TIMEOUT_SECONDS),
    concurrency: reader.number("concurrency", { min: 1, integer: true }),
    routing: reader.choice("routing", ["least_outstanding", "round_robin"] as const) ??
      "least_outstanding",
    prefill: reader.choice("prefill", ["continue", "ignore"] as const),
    reasoning: reader.boolean("reasoning"),
    retryBaseDelayMs: 1000 * (reader.number("retry_base_delay", { min: 0 }) ?? 0.5),
    retryMaxDelayMs: 1000 * (reader.number("retry_max_delay", { min: 0 }) ?? 20),
    stream,
  };
}

/**
 * Checks a base URL and drops its trailing slash; a URL with no path gets
 * `/v1` (so `http://host:8000` works for vLLM as users expect).
 *
 * @example
 * ```ts
 * import { normaliseBaseUrl } from "./backend_args.ts";
 * normaliseBaseUrl("http://127.0.0.1:8000"); // "http://127.0.0.1:8000/v1"
 * ```
 */
export function normaliseBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`Invalid base URL "${text}": expected an http(s) URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Invalid base URL "${text}": expected an http(s) URL`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.origin}${path === "" ? "/v1" : path}`;
}
