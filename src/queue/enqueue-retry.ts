import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';

/**
 * Runs an enqueue, retrying with backoff while Redis refuses it (out of memory under `noeviction`,
 * a failover, a restart) for up to `budgetMs`; then the last error is thrown. The enqueues wrapped
 * here use deterministic job ids, so a retry after an add that did land is a no-op.
 */
export async function withEnqueueRetry<T>(
  fn: () => Promise<T>,
  opts: { budgetMs: number; log: Logger; what: string },
): Promise<T> {
  const deadline = Date.now() + opts.budgetMs;
  let delay = 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() + delay > deadline) throw err;
      opts.log.warn('enqueue refused, retrying', {
        what: opts.what,
        attempt,
        err: err instanceof Error ? err.message : String(err),
      });
      await sleep(delay);
      delay = Math.min(delay * 2, 2_000);
    }
  }
}
