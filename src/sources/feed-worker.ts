import { type Job, Worker } from 'bullmq';
import type { Logger } from '../log.ts';
import type { QueueRuntime } from '../queue/runtime.ts';
import type { Feed } from '../store/feeds.ts';
import { type PollDeps, type PollOutcome, pollFeed } from './poll-feed.ts';

/** Each feed is polled by its own BullMQ job scheduler on this queue, worked by `tradewire run`. */
export const FEEDS_QUEUE = 'feeds';

export interface FeedJob {
  feedId: string;
}

const schedulerId = (feedId: string): string => `feed-${feedId}`;

/**
 * Upserting replaces the scheduler (a changed interval takes effect at once). The poller handles its
 * own failures (backoff, disabling), so a poll job is never retried by the queue.
 */
export async function upsertFeedScheduler(
  rt: QueueRuntime,
  feed: Pick<Feed, 'id' | 'everyMs'>,
): Promise<void> {
  const data: FeedJob = { feedId: feed.id };
  await rt.queue(FEEDS_QUEUE).upsertJobScheduler(
    schedulerId(feed.id),
    { every: feed.everyMs },
    {
      name: 'poll',
      data,
      opts: { attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
    },
  );
}

export async function removeFeedScheduler(rt: QueueRuntime, feedId: string): Promise<void> {
  await rt.queue(FEEDS_QUEUE).removeJobScheduler(schedulerId(feedId));
}

/** Next poll BullMQ has planned for a feed (ms since epoch), or null when none is scheduled. */
export async function plannedPoll(rt: QueueRuntime, feedId: string): Promise<number | null> {
  const s = await rt.queue(FEEDS_QUEUE).getJobScheduler(schedulerId(feedId));
  return s?.next ?? null;
}

/** At start: a scheduler for every active feed with the right interval, none for the others. */
export async function syncFeedSchedulers(rt: QueueRuntime, feeds: Feed[]): Promise<void> {
  const queue = rt.queue(FEEDS_QUEUE);
  const wanted = new Map(feeds.filter((f) => f.status === 'active').map((f) => [schedulerId(f.id), f]));
  const existing = await queue.getJobSchedulers();
  for (const s of existing) {
    const feed = s.key ? wanted.get(s.key) : undefined;
    if (!feed && s.key) await queue.removeJobScheduler(s.key);
    else if (feed && Number(s.every) === feed.everyMs) wanted.delete(s.key);
  }
  for (const feed of wanted.values()) await upsertFeedScheduler(rt, feed);
}

/** The `feeds` queue's worker: decodes the job, polls, and drops the scheduler of a disabled feed. */
export function startFeedWorker(
  rt: QueueRuntime,
  deps: PollDeps,
  opts: { concurrency: number; log: Logger },
): Worker<FeedJob, PollOutcome> {
  const worker = new Worker<FeedJob, PollOutcome>(
    FEEDS_QUEUE,
    async (job: Job<FeedJob>) => {
      const outcome = await pollFeed(deps, job.data.feedId);
      const gone =
        (outcome.status === 'failed' && outcome.disabled) ||
        (outcome.status === 'skipped' && outcome.reason !== 'backoff');
      if (gone) await removeFeedScheduler(rt, job.data.feedId);
      return outcome;
    },
    { connection: rt.connection(), prefix: rt.prefix, concurrency: opts.concurrency },
  );
  worker.on('error', (err) => opts.log.error('worker error', { queue: FEEDS_QUEUE, err: err.message }));
  // Fetch and parse failures are outcomes; a throw here is the store or Redis failing under the poll.
  worker.on('failed', (job, err) =>
    opts.log.error('feed poll failed', { feed: job?.data.feedId, err: err.message }),
  );
  return worker;
}
