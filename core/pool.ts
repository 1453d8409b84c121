/**
 * Bounded concurrency: run an async function over items (a list or a
 * stream) with at most `limit` in flight, stopping new work when the signal
 * aborts. Items are pulled only as workers free up, so a stream is never
 * read far ahead.
 *
 * @module
 */

/**
 * Runs `fn` over `items`, at most `limit` at a time. Rejects with the first
 * error after in-flight calls settle; stops starting new calls on abort.
 */
export async function forEachPooled<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  if (!(limit >= 1)) throw new RangeError(`Concurrency must be at least 1, got ${limit}`);
  const iterator = Symbol.asyncIterator in items
    ? items[Symbol.asyncIterator]()
    : items[Symbol.iterator]();
  let next = 0;
  let exhausted = false;
  let failure: { error: unknown } | null = null;
  async function worker(): Promise<void> {
    while (!exhausted && !failure && !signal?.aborted) {
      let item: IteratorResult<T>;
      try {
        item = await iterator.next();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (item.done) {
        exhausted = true;
        return;
      }
      try {
        await fn(item.value, next++);
      } catch (error) {
        failure ??= { error };
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: limit }, worker));
  } finally {
    if (!exhausted) await iterator.return?.();
  }
  if (failure) throw (failure as { error: unknown }).error;
  signal?.throwIfAborted();
}
