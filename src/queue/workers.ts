import { DelayedError, type Job, type Processor, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { answerForDelivery } from '../ask/answer-delivery.ts';
import { platformOf } from '../channels.ts';
import { claimOf, type DeliveryRequest, deliver, recordUndeliverable } from '../delivery/deliver.ts';
import { digestIntro } from '../digest/digest-intro.ts';
import { buildScheduledDigest, type DigestDefaults } from '../digest/scheduled-digest.ts';
import { isTradewireError, TradewireError } from '../errors.ts';
import type { ArticleAnalyser } from '../ingest/analysis-pool.ts';
import { ingestBatch } from '../ingest/ingest-batch.ts';
import type { Llm } from '../llm/client.ts';
import type { Logger } from '../log.ts';
import type { DeliveryTarget, PlatformName } from '../platform/port.ts';
import type { Store } from '../store/store.ts';
import { summariseStory } from '../summarise/summarise-story.ts';
import type { SummaryBatcher } from '../summarise/summary-batcher.ts';
import { alertsForStory, type WatchMatcher } from '../watch/match-watches.ts';
import { withEnqueueRetry } from './enqueue-retry.ts';
import type {
  AskJob,
  DigestJob,
  IngestJob,
  IngestJobResult,
  StepResult,
  StoryVersion,
  SummariseJob,
} from './jobs.ts';
import {
  ASK_QUEUE,
  DIGEST_QUEUE,
  deliverQueue,
  INGEST_QUEUE,
  type JobRef,
  jobId,
  SUMMARISE_QUEUE,
} from './names.ts';
import type { QueueRuntime } from './runtime.ts';

export interface PipelineDeps {
  store: Store;
  llm: Llm | null;
  log: Logger;
  watches: WatchMatcher;
  /** Platforms this process can post to; only their delivery queues are consumed here. */
  targets: Map<PlatformName, DeliveryTarget>;
  /** Platforms configured in this deployment (deliveries to others are recorded as failed). */
  platforms: PlatformName[];
  digestDefaults: DigestDefaults;
  /** Only what answering needs from the configuration. */
  embeddings: boolean;
  /** Threads for the CPU-bound half of ingest; without one, ingest analyses on this thread. */
  analyser?: ArticleAnalyser | null;
  /** How long an enqueue Redis refuses is retried before the job fails (default: not retried here). */
  enqueueRetryMs?: number | undefined;
  /** Shares LLM calls among the stories being summarised at once (none: one call per story). */
  summaryBatcher?: SummaryBatcher | null | undefined;
}

/**
 * Enqueues deliveries on their platform's queue. A channel whose platform no process here can post to
 * was refused when it was written; one that slipped through (a platform since unconfigured) is recorded
 * in the ledger as failed, with the reason, instead of being dropped silently.
 */
export async function enqueueDeliveries(
  rt: QueueRuntime,
  deps: PipelineDeps,
  reqs: DeliveryRequest[],
): Promise<JobRef[]> {
  const refs: JobRef[] = [];
  const postable: Array<{ req: DeliveryRequest; platform: PlatformName }> = [];
  for (const req of reqs) {
    const platform = platformOf(req.channel);
    if (!platform || !deps.platforms.includes(platform)) {
      const reason = platform
        ? `platform ${platform} is not configured in this deployment`
        : `"${req.channel}" is not a channel id`;
      deps.log.warn('delivery cannot be posted', { channel: req.channel, delivery: req.deliveryId, reason });
      await recordUndeliverable(deps.store, req, reason);
      continue;
    }
    postable.push({ req, platform });
  }
  // The outbox: the ledger holds each delivery (and its payload) before Redis does, so a failed
  // enqueue or a lost queue leaves it visible as unsettled, and the next reconciliation enqueues it.
  await deps.store.recordPendingDeliveries(
    postable.map(({ req }) => ({ claim: claimOf(req), request: req })),
  );
  for (const { req, platform } of postable) {
    const queue = deliverQueue(platform);
    const id = jobId('deliver', req.deliveryId);
    await enqueue(deps, `deliver ${req.deliveryId}`, () =>
      rt.queue(queue).add('deliver', req, { jobId: id }),
    );
    refs.push({ queue, id });
  }
  return refs;
}

/** An enqueue from inside a job, retried while Redis refuses writes (see withEnqueueRetry). */
function enqueue<T>(deps: PipelineDeps, what: string, fn: () => Promise<T>): Promise<T> {
  return withEnqueueRetry(fn, { budgetMs: deps.enqueueRetryMs ?? 0, log: deps.log, what });
}

export function summariseRef(storyId: string, version: number): JobRef {
  return { queue: SUMMARISE_QUEUE, id: jobId('summarise', storyId, version) };
}

async function processIngest(
  rt: QueueRuntime,
  deps: PipelineDeps,
  job: Job<IngestJob>,
): Promise<IngestJobResult> {
  const results: IngestJobResult['results'] = [];
  const next: JobRef[] = [];
  const bulk: Array<{ name: string; data: SummariseJob; opts: { jobId: string } }> = [];
  // Each article is its own atomic write, applied in input order; writes are issued in chunks so the
  // store commits a chunk at once while the analysis threads work on the next.
  const settled = await ingestBatch(
    deps.store,
    deps.analyser,
    job.data.articles.map(({ record }) => record),
  );
  const due: StoryVersion[] = [];
  const queued = new Set<string>();
  let resumed = 0;
  for (const [i, s] of settled.entries()) {
    if (s.status === 'rejected') throw s.reason;
    const r = s.value;
    results.push({ ...r, input: job.data.articles[i]!.input });
    if (queued.has(r.storyId)) continue;
    if (r.summaryDue) {
      const story = await deps.store.getStory(r.storyId);
      due.push({ storyId: r.storyId, version: story?.wantedSummaryVersion ?? 1 });
      queued.add(r.storyId);
    } else if (r.status === 'duplicate') {
      // Already stored: this is a retry of this job, or a re-run of an import that was cut off. The store
      // says whether its story still wants a summary (the first run died, or its enqueue failed, after
      // the commit): if so, queue it again, so no story is left unsummarised and unmatched for good.
      const story = await deps.store.getStory(r.storyId);
      if (story && story.summaryVersion < story.wantedSummaryVersion) {
        due.push({ storyId: r.storyId, version: story.wantedSummaryVersion });
        queued.add(r.storyId);
        resumed++;
      }
      // Summarised but not yet matched against the watches (the run died before its alerts were
      // recorded): the store names it (unalertedStories) and reconciliation matches it again.
    }
  }
  if (resumed > 0) deps.log.info('resuming unfinished stories', { job: job.id, stories: resumed });
  if (deps.llm) {
    for (const d of due) {
      const ref = summariseRef(d.storyId, d.version);
      bulk.push({ name: 'summarise', data: d, opts: { jobId: ref.id } });
      next.push(ref);
    }
  } else if (due.length > 0) {
    const ref: JobRef = { queue: SUMMARISE_QUEUE, id: jobId('summarise-batch', job.id ?? 'x') };
    bulk.push({ name: 'summarise', data: { batch: due }, opts: { jobId: ref.id } });
    next.push(ref);
  }
  if (bulk.length > 0) {
    await enqueue(deps, `summaries of ${job.id}`, () => rt.queue(SUMMARISE_QUEUE).addBulk(bulk));
  }
  return { results, next, resumed };
}

async function processSummarise(
  rt: QueueRuntime,
  deps: PipelineDeps,
  job: Job<SummariseJob>,
): Promise<StepResult> {
  const stories = 'batch' in job.data ? job.data.batch : [job.data];
  // A thread pays for itself when there are several stories' summaries to overlap with the writes.
  const analyser = stories.length >= 4 ? deps.analyser : null;
  const matched: StoryVersion[] = [];
  const alerts = (
    await Promise.all(
      stories.map(async ({ storyId }) => {
        const outcome = await summariseStory(
          {
            ...deps,
            batcher: deps.summaryBatcher,
            offlineOnThread: analyser ? (a) => analyser.summarise(a) : null,
          },
          storyId,
        );
        if (outcome.status === 'missing') return [];
        matched.push({ storyId, version: outcome.version });
        // Matching runs after every summary write (and on re-runs): the ledger makes alerts once-only.
        return alertsForStory(deps.store, deps.watches, storyId);
      }),
    )
  ).flat();
  const next = await enqueueDeliveries(rt, deps, alerts);
  // Only once its alerts are in the outbox is a summary matched: a crash before this point leaves the
  // story among the store's unalerted ones, and reconciliation matches it again (the ledger keeps
  // alerts once-only).
  for (const m of matched) await deps.store.markStoryMatched(m.storyId, m.version);
  return { next };
}

/** Scheduler jobs are named `repeat:<schedulerId>:<millis>`: the millis are the instant the digest is due. */
export function digestInstant(job: Job<DigestJob>): Date {
  if (job.data.at) return new Date(job.data.at);
  const millis = Number(/:(\d+)$/.exec(job.id ?? '')?.[1]);
  return new Date(Number.isFinite(millis) && millis > 0 ? millis : job.timestamp);
}

async function processDigest(rt: QueueRuntime, deps: PipelineDeps, job: Job<DigestJob>): Promise<StepResult> {
  const built = await buildScheduledDigest(deps.store, job.data.channel, digestInstant(job), {
    trigger: job.data.trigger,
    defaults: deps.digestDefaults,
    intro: deps.llm ? (stories) => digestIntro(deps.llm!, stories, deps.log) : null,
  });
  deps.log.info('digest', { channel: job.data.channel, status: built.status });
  if (built.status !== 'post') return { next: [] };
  return { next: await enqueueDeliveries(rt, deps, [built.request]) };
}

async function processAsk(rt: QueueRuntime, deps: PipelineDeps, job: Job<AskJob>): Promise<StepResult> {
  const request = await answerForDelivery(
    { store: deps.store, llm: deps.llm, log: deps.log, embedder: deps.embeddings ? deps.llm : null },
    job.data,
  );
  return { next: await enqueueDeliveries(rt, deps, [request]) };
}

/** While a platform's Retry-After for a channel runs, that channel's deliveries wait (all processes). */
const pauseKey = (rt: QueueRuntime, channel: string): string => `${rt.prefix}:channel-pause:${channel}`;

async function processDeliver(
  rt: QueueRuntime,
  client: Redis,
  deps: PipelineDeps,
  target: DeliveryTarget,
  job: Job<DeliveryRequest>,
): Promise<StepResult> {
  const key = pauseKey(rt, job.data.channel);
  const left = await client.pttl(key);
  if (left > 0) {
    // Another delivery to this channel was told to wait: this one waits as long (delayed, not failed).
    throw new TradewireError('platform/rate-limited', `${job.data.channel} is rate-limited by its platform`, {
      retryable: true,
      retryAfterMs: left,
    });
  }
  try {
    await deliver(deps.store, target, job.data, { log: deps.log });
  } catch (err) {
    if (isTradewireError(err, 'platform/rate-limited') && err.retryAfterMs) {
      await client.set(key, '1', 'PX', err.retryAfterMs);
    }
    throw err;
  }
  return { next: [] };
}

/**
 * Errors decide retries: a TradewireError that retrying cannot fix fails the job at once; a platform
 * rate limit with Retry-After delays that one job (its channel) for that long without using up an attempt.
 */
function guarded<T, R>(parentLog: Logger, fn: (job: Job<T>, log: Logger) => Promise<R>): Processor<T, R> {
  return async (job, token) => {
    // Every line logged while this job runs carries its queue and job id.
    const log = parentLog.child({ queue: job.queueName, job: job.id });
    try {
      return await fn(job, log);
    } catch (err) {
      if (err instanceof TradewireError) {
        if ((err.code === 'summarise/in-progress' || err.code === 'delivery/in-progress') && token) {
          // Not a failure: come back when the other worker's lease ends, without using an attempt.
          await job.moveToDelayed(Date.now() + (err.retryAfterMs ?? 5_000), token);
          throw new DelayedError();
        }
        if (err.code === 'platform/rate-limited' && token) {
          // Delay this delivery only (its channel is the one being limited), without using an attempt:
          // other channels' deliveries on the same platform queue go on.
          log.info('rate limited: delivery delayed', { retryAfterMs: err.retryAfterMs });
          await job.moveToDelayed(Date.now() + (err.retryAfterMs ?? 1_000), token);
          throw new DelayedError();
        }
        if (!err.retryable) {
          log.warn('job failed permanently', { attempt: job.attemptsMade + 1, err });
          throw new UnrecoverableError(`${err.code}: ${err.message}`);
        }
      }
      log.warn('job failed, will retry', { attempt: job.attemptsMade + 1, err });
      throw err;
    }
  };
}

export interface WorkerSet {
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * Job lock durations per queue. An offline summary batch is CPU work on the event loop, so it gets the
 * longest lock (a loaded machine must not make it look stalled); everything else is I/O.
 */
export const LOCK_MS = { default: 15_000, summarise: 30_000 } as const;

/**
 * Starts the pipeline workers (ingest, summarise) and one delivery worker per platform in `deps.targets`.
 * close() lets in-flight jobs finish; a job cut off by a crash is re-run by BullMQ (handlers are idempotent).
 */
export function startWorkers(
  rt: QueueRuntime,
  deps: PipelineDeps,
  opts: { concurrency: number; pipeline?: boolean },
): WorkerSet {
  const workers: Worker[] = [];
  const make = <T, R>(
    queue: string,
    concurrency: number,
    fn: (job: Job<T>, deps: PipelineDeps) => Promise<R>,
    lockMs: number = LOCK_MS.default,
  ): void => {
    // Each job's steps log through a child carrying its queue and job id.
    const worker = new Worker<T, R>(
      queue,
      guarded(deps.log, (job, log) => fn(job, { ...deps, log })),
      {
        connection: rt.connection(),
        prefix: rt.prefix,
        concurrency,
        // BullMQ renews a running job's lock every lockDuration/2 from a timer, so an awaited LLM call
        // never looks stalled; only a worker that died does, and short locks bring its jobs back
        // within seconds instead of minutes.
        lockDuration: lockMs,
        stalledInterval: Math.max(1_000, Math.floor(lockMs / 2)),
        maxStalledCount: 2,
      },
    );
    worker.on('error', (err) => deps.log.error('worker error', { queue, err }));
    workers.push(worker);
  };
  if (opts.pipeline !== false) {
    make<IngestJob, IngestJobResult>(INGEST_QUEUE, 1, (job, d) => processIngest(rt, d, job));
    make<SummariseJob, StepResult>(
      SUMMARISE_QUEUE,
      opts.concurrency,
      (job, d) => processSummarise(rt, d, job),
      LOCK_MS.summarise,
    );
    make<DigestJob, StepResult>(DIGEST_QUEUE, 2, (job, d) => processDigest(rt, d, job));
    make<AskJob, StepResult>(ASK_QUEUE, 2, (job, d) => processAsk(rt, d, job));
  }
  // One connection for every delivery worker's channel-pause reads and writes.
  const pauses = deps.targets.size > 0 ? rt.connection() : null;
  for (const [platform, target] of deps.targets) {
    make<DeliveryRequest, StepResult>(deliverQueue(platform), 4, (job, d) =>
      processDeliver(rt, pauses!, d, target, job),
    );
  }
  return {
    workers,
    close: async () => {
      await Promise.allSettled(workers.map((w) => w.close()));
    },
  };
}
