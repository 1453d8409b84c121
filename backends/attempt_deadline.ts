/**
 * The deadlines of one chat attempt as one abort signal: the request's own
 * signal, an idle timeout for a streamed answer (moved on by every chunk)
 * and an optional cap on the whole attempt. The deadlines of all attempts
 * share one timer, armed for the earliest and re-armed when it fires: a
 * timer set and cleared per attempt showed at thousands of requests per
 * second. Linked with listeners, not `AbortSignal.any`, for the same reason.
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

/** One timer for the deadlines of every attempt in flight. */
class DeadlineClock {
  #watched = new Set<AttemptDeadline>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Infinity;

  watch(deadline: AttemptDeadline): void {
    this.#watched.add(deadline);
    if (deadline.due < this.#armedFor) this.#arm(deadline.due);
  }

  unwatch(deadline: AttemptDeadline): void {
    if (!this.#watched.delete(deadline) || this.#watched.size > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #arm(due: number): void {
    clearTimeout(this.#timer);
    this.#armedFor = due;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, due - performance.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const deadline of this.#watched) {
      if (!deadline.check(now)) next = Math.min(next, deadline.due);
    }
    if (next < Infinity) this.#arm(next);
  }
}

const CLOCK = new DeadlineClock();

/** The request's signal and the two deadlines of one attempt, as one abort signal. */
export class AttemptDeadline {
  readonly #controller = new AbortController();
  readonly #idleMs: number | null;
  readonly #timeoutMs: number | undefined;
  readonly #endsAt: number;
  #lastHeard = performance.now();
  #unlink: () => void;
  /** Which deadline fired, for the message. */
  expired: string | null = null;

  constructor(settings: DeadlineSettings, request: AbortSignal) {
    this.#unlink = linkAbort(this.#controller, [request]);
    this.#idleMs = settings.idleMs;
    this.#timeoutMs = settings.timeoutMs;
    this.#endsAt = settings.timeoutMs === undefined
      ? Infinity
      : this.#lastHeard + settings.timeoutMs;
    if (this.due < Infinity) CLOCK.watch(this);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** When the next deadline falls (`performance.now()` time). */
  get due(): number {
    return Math.min(
      this.#idleMs === null ? Infinity : this.#lastHeard + this.#idleMs,
      this.#endsAt,
    );
  }

  /** Bytes arrived: the idle clock starts again. */
  heard(): void {
    this.#lastHeard = performance.now();
  }

  /** Expires the attempt if a deadline has passed at `now`; whether it did. */
  check(now: number): boolean {
    if (now >= this.#endsAt) this.#expire(`timed out after ${seconds(this.#timeoutMs!)}`);
    else if (this.#idleMs !== null && now >= this.#lastHeard + this.#idleMs) {
      this.#expire(`was silent for ${seconds(this.#idleMs)} (idle_timeout)`);
    } else return false;
    return true;
  }

  clear(): void {
    CLOCK.unwatch(this);
    this.#unlink();
  }

  #expire(what: string): void {
    CLOCK.unwatch(this);
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
