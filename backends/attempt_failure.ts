/**
 * One readable, one-line {@linkcode BackendError} for every way a chat
 * attempt fails: the server's own words for an HTTP error, the root cause
 * of a connection failure, which deadline ran out, an error inside a 200
 * stream.
 *
 * @module
 */

import { BackendError } from "./backend.ts";
import type { AttemptDeadline } from "./attempt_deadline.ts";
import { ErrorInAnswer, HttpStatusError } from "./chat_request.ts";
import { oneLine } from "./error_body.ts";
import { ConnectionError } from "./transport.ts";
import { isRetryableStatus } from "./retry_policy.ts";

/** A failed attempt and what the retry loop needs to know about it. */
export interface AttemptFailure {
  error: BackendError;
  headers: Headers | null;
  /** No connection was made: another base URL may help. */
  connectionFailed: boolean;
}

/** Describes what `cause` (thrown by `chat_request.ts` or the stream) means for the attempt. */
export function describeFailure(
  baseUrl: string,
  cause: unknown,
  deadline: AttemptDeadline,
): AttemptFailure {
  if (deadline.expired) return failure(`Request to "${baseUrl}" ${deadline.expired}`, cause, false);
  if (deadline.signal.aborted) return failure(`Request to "${baseUrl}" was aborted`, cause, false);
  if (cause instanceof HttpStatusError) {
    const error = new BackendError(
      `Server "${baseUrl}" answered ${cause.status}: ${cause.message}`,
      {
        status: cause.status,
        retryable: isRetryableStatus(cause.status, cause.code, cause.headers),
      },
    );
    return { error, headers: cause.headers, connectionFailed: false };
  }
  if (cause instanceof ConnectionError) {
    return failure(`Cannot connect to "${baseUrl}": ${oneLine(rootCause(cause))}`, cause, true);
  }
  if (cause instanceof ErrorInAnswer) {
    return failure(
      `Server "${baseUrl}" broke off with an error: ${oneLine(cause.message)}`,
      cause,
      false,
    );
  }
  if (cause instanceof SyntaxError) {
    return failure(
      `Server "${baseUrl}" sent a body that is not JSON: ${cause.message}`,
      cause,
      false,
    );
  }
  return failure(
    `Connection to "${baseUrl}" broke while reading the response: ${oneLine(rootCause(cause))}`,
    cause,
    false,
  );
}

export function failure(
  message: string,
  cause: unknown,
  connectionFailed: boolean,
  retryable = true,
): AttemptFailure {
  const error = new BackendError(message, { retryable, cause });
  return { error, headers: null, connectionFailed };
}

/** The innermost message of an error chain, e.g. `tcp connect error: Connection refused`. */
function rootCause(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause !== undefined) inner = inner.cause;
  const message = inner instanceof Error ? inner.message : String(inner);
  return message.replace(/^error sending request for url \([^)]*\): /, "");
}
