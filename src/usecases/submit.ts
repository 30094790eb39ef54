import { randomUUID } from 'node:crypto';
import type { ArticleInput, IngestStatus } from '../domain.ts';
import { describeError } from '../errors.ts';
import { withEnqueueRetry } from '../queue/enqueue-retry.ts';
import { followJobs } from '../queue/follow.ts';
import type { IngestJob, IngestJobResult } from '../queue/jobs.ts';
import { deliverQueue, INGEST_QUEUE, type JobRef, jobId, SUMMARISE_QUEUE } from '../queue/names.ts';
import type { UseCaseDeps } from './deps.ts';

/**
 * Records per ingest job: one job is one store commit (and one FTS5 segment), so bigger batches
 * amortise commits and queue round trips; 200 measured best (50: 970/s, 200: 1,230/s, 500: 1,160/s).
 */
export const INGEST_BATCH = 200;

/** Queues an ingest waits on: deliveries on other platforms' queues are left to the processes that hold their credentials. */
const FOLLOWED = [INGEST_QUEUE, SUMMARISE_QUEUE, deliverQueue('console')];
/** Reconciliations after the first pass, before an ingest reports done. */
const RECONCILE_ROUNDS = 3;

/** One record to store, or one a reader already rejected; `input` names where it came from (`a.jsonl:17`). */
export type SubmitItem = { input: string; record: ArticleInput } | { input: string; error: unknown };

export interface IngestReport {
  new: number;
  /** Articles already stored (same URL or same text) plus copies that joined an existing story. */
  duplicates: number;
  /** Of `duplicates`: copies of a known story that were stored as one more source of it. */
  joined: number;
  /** The first `config.ingest.reportRejections` rejections; memory stays bounded however many there are. */
  rejected: Array<{ input: string; reason: string }>;
  /** All rejections, listed or not. */
  rejectedCount: number;
  articles: Array<{ id: string; storyId: string; status: IngestStatus }>;
  /** Stories an interrupted earlier run left unsummarised, finished by this one. */
  resumed: number;
  /**
   * Unfinished work found in the store (left by an interrupted run, or lost by the queue) and put back
   * on the queue by this run: stories to summarise, stories to match against the watches, deliveries.
   */
  reconciled: { stories: number; alerts: number; deliveries: number };
  /** Articles handed to the queue without waiting (`wait: false`). */
  queued?: number;
}

export interface SubmitOptions {
  /** Wait until the articles went through the whole pipeline (stored, grouped, summarised, alerts posted). */
  wait: boolean;
  timeoutMs?: number | undefined;
  /** After every record read: how many were accepted and rejected so far. */
  onProgress?: ((accepted: number, rejected: number) => void) | undefined;
  /** While waiting: jobs settled and jobs known. */
  onPipeline?: ((settled: number, total: number) => void) | undefined;
}

/**
 * The one way articles enter Tradewire — CLI files and stdin, the HTTP ingest API and the feed poller
 * all come through here: records are batched onto the ingest queue under deterministic job ids and,
 * with `wait`, followed through every step that this process can run (console deliveries included).
 */
export async function submitArticles(
  deps: UseCaseDeps,
  items: AsyncIterable<SubmitItem> | Iterable<SubmitItem>,
  opts: SubmitOptions,
): Promise<IngestReport> {
  const rt = await deps.queues();
  const reconciled: IngestReport['reconciled'] = { stories: 0, alerts: 0, deliveries: 0 };
  const extra: JobRef[] = [];
  const reconcile = async (): Promise<JobRef[]> => {
    const r = await deps.reconcile?.();
    if (!r) return [];
    reconciled.stories += r.stories;
    reconciled.alerts += r.alerts;
    reconciled.deliveries += r.deliveries;
    return r.refs.filter((ref) => FOLLOWED.includes(ref.queue));
  };
  if (opts.wait) {
    await deps.startWorkers();
    // Work an earlier run left in the store goes back on the queue before this run adds its own.
    extra.push(...(await reconcile()));
  }
  const run = randomUUID().slice(0, 8);
  const refs: JobRef[] = [];
  const rejected: IngestReport['rejected'] = [];
  let batch: IngestJob['articles'] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const id = jobId('ingest', run, refs.length);
    const job = { articles: batch } satisfies IngestJob;
    await withEnqueueRetry(() => rt.queue(INGEST_QUEUE).add('ingest', job, { jobId: id }), {
      budgetMs: deps.config.reconcile.enqueueRetryMs,
      log: deps.log,
      what: `ingest batch ${refs.length}`,
    });
    refs.push({ queue: INGEST_QUEUE, id });
    batch = [];
  };
  let accepted = 0;
  let rejectedCount = 0;
  const listed = deps.config.ingest.reportRejections;
  for await (const item of items) {
    if ('error' in item) {
      rejectedCount++;
      if (rejected.length < listed) rejected.push({ input: item.input, reason: describeError(item.error) });
    } else {
      accepted++;
      batch.push({ input: item.input, record: item.record });
      if (batch.length >= INGEST_BATCH) await flush();
    }
    opts.onProgress?.(accepted, rejectedCount);
  }
  await flush();

  const report: IngestReport = {
    new: 0,
    duplicates: 0,
    joined: 0,
    resumed: 0,
    reconciled,
    rejected,
    rejectedCount,
    articles: [],
  };
  if (!opts.wait) {
    report.queued = accepted;
    return report;
  }
  let settled = 0;
  let total = refs.length + extra.length;
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  const follow = (start: JobRef[]) =>
    followJobs(rt, start, {
      queues: FOLLOWED,
      timeoutMs: Math.max(1, deadline - Date.now()),
      onSettled: () => opts.onPipeline?.(++settled, total),
      onDiscovered: (n) => {
        total += n;
      },
    });
  const followed = await follow([...refs, ...extra]);
  // Before reporting done: whatever the store still names as unfinished (an enqueue refused while
  // Redis was full, a job lost with it) goes back on the queue and is followed too, a few rounds at most.
  for (let round = 0; round < RECONCILE_ROUNDS && Date.now() < deadline; round++) {
    const counts = await deps.store.unfinishedCounts();
    if (counts.unsummarised + counts.unalerted + counts.unsettled === 0) break;
    const more = await reconcile();
    if (more.length === 0) break;
    total += more.length;
    const again = await follow(more);
    followed.failed.push(...again.failed);
  }
  for (const ref of refs) {
    const res = followed.results.get(ref.id) as IngestJobResult | undefined;
    report.resumed += res?.resumed ?? 0;
    for (const r of res?.results ?? []) {
      report.articles.push({ id: r.articleId, storyId: r.storyId, status: r.status });
      if (r.status === 'new') report.new++;
      else report.duplicates++;
      if (r.status === 'joined-story') report.joined++;
    }
  }
  for (const f of followed.failed) {
    deps.log.error('pipeline job failed', { queue: f.ref.queue, job: f.ref.id, reason: f.reason });
  }
  return report;
}
