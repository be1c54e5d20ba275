/**
 * A bounded worker pool over a list of independent items: the local stand-in for a Step Functions
 * Distributed Map. Items are taken in list order by `concurrency` workers; results come back in list
 * order whatever the finishing order, so callers that only combine results stay deterministic.
 */

/** Runs one item; `worker` (0 ≤ worker < concurrency) names the lane, for per-lane state such as caches. */
export type PoolWork<T, R> = (item: T, index: number, worker: number) => Promise<R>;

/**
 * Runs `work` over every item with at most `concurrency` in flight and returns the results in item order.
 * The first failure stops workers from taking new items; it is rethrown once the running ones settle.
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: PoolWork<T, R>,
): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('pool concurrency must be a whole number ≥ 1');
  }
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (worker: number): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index] as T, index, worker);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, (_, w) => lane(w)));
  if (failure !== undefined) throw failure.error;
  return results;
}
