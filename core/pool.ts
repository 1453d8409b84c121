/**
 * Bounded concurrency: run an async function over items with at most
 * `limit` in flight, stopping new work when the signal aborts.
 *
 * @module
 */

/**
 * Runs `fn` over `items`, at most `limit` at a time. Rejects with the first
 * error after in-flight calls settle; stops starting new calls on abort.
 */
export async function forEachPooled<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  if (!(limit >= 1)) throw new RangeError(`Concurrency must be at least 1, got ${limit}`);
  let next = 0;
  let failure: { error: unknown } | null = null;
  async function worker(): Promise<void> {
    while (next < items.length && !failure && !signal?.aborted) {
      const index = next++;
      try {
        await fn(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  signal?.throwIfAborted();
}
