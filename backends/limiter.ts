/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in
 * arrival order. The limit can change while it runs (`--concurrency auto`),
 * and a waiter can give up through an AbortSignal.
 *
 * @module
 */

/** Bounds how many tasks run at once. */
export class Limiter {
  #limit: number;
  #active = 0;
  #waiters: { grant: () => void }[] = [];

  /** Makes a limiter admitting `limit` (at least 1) holders. */
  constructor(limit: number) {
    this.#limit = checkedLimit(limit);
  }

  /** Holders admitted at once. */
  get limit(): number {
    return this.#limit;
  }

  /** Admits `limit` holders from now on (those beyond it finish undisturbed). */
  set limit(limit: number) {
    this.#limit = checkedLimit(limit);
    while (this.#active < this.#limit && this.#waiters.length > 0) this.#waiters.shift()!.grant();
  }

  /** Holders now. */
  get active(): number {
    return this.#active;
  }

  /** Runs `task` once a slot is free and frees the slot when it settles. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Waits for a slot; call {@linkcode release} once done with it. */
  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#active < this.#limit) {
      this.#active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#active += 1;
          resolve();
        },
      };
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Frees a slot taken by {@linkcode acquire}. */
  release(): void {
    this.#active -= 1;
    if (this.#active < this.#limit) this.#waiters.shift()?.grant();
  }
}

function checkedLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Cannot limit concurrency to "${limit}": expected an integer >= 1`);
  }
  return limit;
}
