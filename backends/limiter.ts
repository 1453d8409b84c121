/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in
 * arrival order. A waiter can give up through an AbortSignal.
 *
 * @module
 */

/** Bounds how many tasks run at once. */
export class Limiter {
  readonly limit: number;
  #active = 0;
  #waiters: { grant: () => void }[] = [];

  /** Makes a limiter admitting `limit` (at least 1) holders. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`Cannot limit concurrency to "${limit}": expected an integer >= 1`);
    }
    this.limit = limit;
  }

  /** Holders now. */
  get active(): number {
    return this.#active;
  }

  /** Runs `task` once a slot is free and frees the slot when it settles. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#active < this.limit) {
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

  #release(): void {
    this.#active -= 1;
    this.#waiters.shift()?.grant();
  }
}
