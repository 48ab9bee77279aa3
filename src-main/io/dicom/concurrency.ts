// Runs async work over a list with at most `limit` tasks in flight (file reads: enough to keep the disk busy,
// few enough not to hold hundreds of file buffers at once). Results keep the input order.
import { CancelledError } from '../../core/errors';

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
  what = 'DICOM import',
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      if (signal?.aborted) throw new CancelledError(what);
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, () => worker());
  // allSettled first so that no task is left running when the first error is thrown.
  const settled = await Promise.allSettled(workers);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  if (signal?.aborted) throw new CancelledError(what);
  return results;
}
