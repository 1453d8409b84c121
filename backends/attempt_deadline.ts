/**
 * The deadlines of one chat attempt as one abort signal: the request's own
 * signal, an idle timeout for a streamed answer (reset by every chunk, one
 * timer re-armed only when it fires) and an optional cap on the whole
 * attempt. Linked with listeners, not `AbortSignal.any`, whose bookkeeping
 * shows at thousands of requests per second.
 *
 * @module
 */

/** The two deadlines of one attempt. */
export interface DeadlineSettings {
  /** Longest silence of a streamed attempt, ms; `null` for an unstreamed one. */
  idleMs: number | null;
  /** Limit of the whole attempt, ms. */
  timeoutMs?: number;
}

/** The request's signal and the two deadlines of one attempt, as one abort signal. */
export class AttemptDeadline {
  readonly #controller = new AbortController();
  readonly #idleMs: number | null;
  readonly #totalTimer: ReturnType<typeof setTimeout> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastHeard = performance.now();
  #unlink: () => void;
  /** Which deadline fired, for the message. */
  expired: string | null = null;

  constructor(settings: DeadlineSettings, request: AbortSignal) {
    this.#unlink = linkAbort(this.#controller, [request]);
    this.#idleMs = settings.idleMs;
    if (settings.timeoutMs !== undefined) {
      this.#totalTimer = setTimeout(
        () => this.#expire(`timed out after ${seconds(settings.timeoutMs!)}`),
        settings.timeoutMs,
      );
    }
    if (this.#idleMs !== null) this.#armIdle(this.#idleMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Bytes arrived: the idle clock starts again (one timer, re-armed only when it fires). */
  heard(): void {
    this.#lastHeard = performance.now();
  }

  #armIdle(ms: number): void {
    this.#idleTimer = setTimeout(() => {
      const idleMs = this.#idleMs!;
      const left = this.#lastHeard + idleMs - performance.now();
      if (left > 0) this.#armIdle(left);
      else this.#expire(`was silent for ${seconds(idleMs)} (idle_timeout)`);
    }, ms);
  }

  clear(): void {
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#totalTimer);
    this.#unlink();
  }

  #expire(what: string): void {
    this.expired ??= what;
    this.#controller.abort(new DOMException(what, "TimeoutError"));
  }
}

export function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** Aborts `target` with the reason of the first of `sources` to abort; returns the unlinker. */
export function linkAbort(
  target: AbortController,
  sources: (AbortSignal | undefined)[],
): () => void {
  const live = sources.filter((s): s is AbortSignal => s !== undefined);
  const aborted = live.find((s) => s.aborted);
  if (aborted) {
    target.abort(aborted.reason);
    return () => {};
  }
  const onAbort = (event: Event) => target.abort((event.target as AbortSignal).reason);
  for (const source of live) source.addEventListener("abort", onAbort, { once: true });
  return () => live.forEach((source) => source.removeEventListener("abort", onAbort));
}
