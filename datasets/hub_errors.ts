/**
 * One-line, user-facing messages for Hub failures.
 *
 * @module
 */
import { ChecksumError } from "./download.ts";
import { DatasetError } from "./errors.ts";
import { HubHttpError, HubNetworkError } from "./hub_http.ts";

/** What was being fetched when a Hub call failed. */
export interface HubFailureContext {
  repo: string;
  endpoint: string;
  revision?: string;
  path?: string;
}

/** Wraps a Hub failure in a `DatasetError` that says what to do; other errors pass through. */
export function hubFailure(error: unknown, context: HubFailureContext): unknown {
  if (error instanceof DatasetError) return error;
  const prefix = `Cannot load dataset "${context.repo}"`;
  if (error instanceof HubHttpError) {
    return new DatasetError(
      `${prefix}: the hub answered ${error.status} (${explain(error, context)})`,
      { cause: error },
    );
  }
  if (error instanceof HubNetworkError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return new DatasetError(
      `${prefix}: ${error.message}${cause} (with a filled cache, run offline)`,
      { cause: error },
    );
  }
  if (error instanceof ChecksumError) {
    return new DatasetError(`${prefix}: ${error.message} (download corrupted twice)`, {
      cause: error,
    });
  }
  return error;
}

function explain(error: HubHttpError, context: HubFailureContext): string {
  const code = error.errorCode ?? "";
  const message = error.hubMessage ?? "";
  const page = `${context.endpoint}/datasets/${context.repo}`;
  switch (error.status) {
    case 401:
      if (code === "GatedRepo") return "gated dataset: accept its terms and set HF_TOKEN";
      if (/invalid credentials/i.test(message)) return "invalid token: check HF_TOKEN";
      return "dataset not found or private: check the name and HF_TOKEN";
    case 403:
      if (code === "GatedRepo") {
        return `gated dataset: this token has no access yet; accept the terms at ${page}`;
      }
      if (/disabled/i.test(message)) return "the dataset is disabled";
      return `access denied${message ? `: ${message}` : ""}`;
    case 404:
      if (code === "RevisionNotFound") return `revision "${context.revision ?? "?"}" not found`;
      if (code === "EntryNotFound") {
        return `file "${context.path ?? "?"}" not found at revision "${context.revision ?? "?"}"`;
      }
      return "dataset not found";
    case 429:
      return `rate limited, ${error.retries} retries spent; wait, or set HF_TOKEN for a higher limit`;
    default:
      if (error.status >= 500) return `server error after ${error.retries} retries`;
      return message || "unexpected answer";
  }
}
