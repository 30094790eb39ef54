import type { DeliveryRequest } from '../delivery/deliver.ts';
import type { QueueRuntime } from '../queue/runtime.ts';
import { FEEDS_QUEUE, startFeedWorker, syncFeedSchedulers } from '../sources/feed-worker.ts';
import { createSafeFetcher } from '../sources/safe-fetch.ts';
import type { UseCaseDeps } from './deps.ts';
import { submitArticles } from './submit.ts';

export { FEEDS_QUEUE };

/**
 * Feed polling inside `tradewire run`: schedulers brought in line with the stored feeds, then the
 * `feeds` worker, whose items go through submitArticles like every other source and whose notices go
 * through the delivery ledger (`notify`, e.g. enqueueDeliveries).
 */
export async function startFeedPolling(
  rt: QueueRuntime,
  deps: UseCaseDeps,
  notify: (req: DeliveryRequest) => Promise<unknown>,
  /** Process roles: the scheduler role syncs the schedulers, the worker role runs the worker. */
  parts: { schedulers?: boolean; worker?: boolean } = {},
): Promise<{ close(): Promise<void> }> {
  const feeds = deps.feeds;
  if (!feeds) return { close: async () => {} };
  if (parts.schedulers !== false) await syncFeedSchedulers(rt, await feeds.listFeeds());
  if (parts.worker === false) return { close: async () => {} };
  const { config } = deps;
  const fetcher = createSafeFetcher({ ...config.fetch, allowPrivate: config.allowPrivateUrls });
  const worker = startFeedWorker(
    rt,
    {
      feeds,
      fetcher,
      submit: (items) => submitArticles(deps, items, { wait: false }),
      notify: async (req) => {
        await notify(req);
      },
      log: deps.log,
      settings: config.feeds,
    },
    { concurrency: config.feeds.concurrency, log: deps.log },
  );
  return {
    async close() {
      await worker.close();
      fetcher.close();
    },
  };
}
