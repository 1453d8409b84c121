/**
 * Dataset loading for skyeval: Hugging Face Hub datasets (over plain HTTP, with a disk
 * cache and offline mode), URLs, and local files, returned as plain JSON rows with a
 * sha256 over the exact bytes read.
 *
 * Permissions: `--allow-net` to the Hub (and its CDN) or the URL's host,
 * `--allow-read`/`--allow-write` on the cache dir, `--allow-read` on local files.
 * No environment reads: the caller passes `HF_ENDPOINT` / `HF_TOKEN` / `HF_HUB_OFFLINE`.
 *
 * @example
 * ```ts ignore
 * const data = await loadDataset(
 *   { kind: "hub", repo: "openai/gsm8k", subset: "main", split: "test" },
 *   { hubToken: Deno.env.get("HF_TOKEN") ?? null, cacheDir: "/home/me/.cache/skyeval" },
 * );
 * data.rows.length; // 1319
 * ```
 *
 * @module
 */
import type { ProgressEvent } from "./download.ts";
import { DatasetError } from "./errors.ts";
import type { HubContext } from "./hub_http.ts";
import { loadHubDataset } from "./hub_loader.ts";
import { loadLocalFile } from "./local_file.ts";
import type { DatasetSource } from "./source.ts";
import { loadUrl } from "./url_loader.ts";

export { DatasetError } from "./errors.ts";
export { datasetSourceOf, describeSource } from "./source.ts";
export type { DatasetSource } from "./source.ts";
export type { ProgressEvent } from "./download.ts";
export { formatOfName, readDataFile } from "./data_file.ts";
export { type StreamedDataset, streamLocalFile } from "./local_file.ts";
export type { DataFormat, DataInput } from "./data_file.ts";

/** A loaded split: rows in dataset order plus what identifies the exact data read. */
export interface LoadedDataset {
  /** Rows as plain JSON values, in the order the source lists them. */
  rows: Record<string, unknown>[];
  /** sha256 hex over the bytes of every data file read, concatenated in `files` order. */
  contentHash: string;
  /** Human-readable: Hub repo at commit sha with route and files, URL, or absolute path. */
  origin: string;
  /** The files read, in order: `hf://datasets/{repo}@{sha}/{path}`, the URL, or an absolute path. */
  files: string[];
}

/** How to load. Every field is optional. */
export interface LoadOptions {
  /** Hub base URL (`HF_ENDPOINT`); default `https://huggingface.co`. */
  hubEndpoint?: string;
  /** `HF_TOKEN`; sent as `Authorization: Bearer` to the Hub's own host only. */
  hubToken?: string | null;
  /** Where downloads and resolved revisions are kept; `null` keeps nothing. */
  cacheDir?: string | null;
  /** Use only the cache (`HF_HUB_OFFLINE=1`); needs `cacheDir`. */
  offline?: boolean;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Retries after a 429/5xx (default 5). */
  maxRetries?: number;
  /** Longest single wait before a retry, ms (default 60 000). */
  maxRetryWaitMs?: number;
  /** First backoff wait when the server gives no `Retry-After`, ms; doubles (default 1000). */
  retryBaseMs?: number;
}

/** The default Hub. */
export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

/**
 * Loads a dataset split. Throws `DatasetError` (one user-facing line) when it cannot.
 *
 * @example
 * ```ts ignore
 * const { rows, contentHash } = await loadDataset({ kind: "file", path: "aime.jsonl" });
 * ```
 */
export async function loadDataset(
  source: DatasetSource,
  options: LoadOptions = {},
): Promise<LoadedDataset> {
  const endpoint = (options.hubEndpoint || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, "");
  if (!URL.canParse(endpoint)) {
    throw new DatasetError(`Cannot use hub endpoint "${endpoint}": not a URL`);
  }
  const ctx: HubContext = {
    endpoint,
    token: options.hubToken || null,
    fetch: options.fetch ?? globalThis.fetch,
    signal: options.signal,
    maxRetries: options.maxRetries ?? 5,
    maxRetryWaitMs: options.maxRetryWaitMs ?? 60_000,
    retryBaseMs: options.retryBaseMs ?? 1000,
  };
  const cacheDir = options.cacheDir || null;
  const offline = options.offline ?? false;
  switch (source.kind) {
    case "hub":
      return await loadHubDataset(source, {
        ctx,
        cacheDir,
        offline,
        onProgress: options.onProgress,
      });
    case "url":
      return await loadUrl(source.url, {
        ctx,
        cacheDir,
        offline,
        field: source.field,
        onProgress: options.onProgress,
      });
    case "file":
      return await loadLocalFile(source.path, source.field);
  }
}
