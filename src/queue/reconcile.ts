import { createHash } from 'node:crypto';
import { platformOf } from '../channels.ts';
import type { DeliveryRequest } from '../delivery/deliver.ts';
import type { StoryVersion, SummariseJob } from './jobs.ts';
import { deliverQueue, type JobRef, jobId, SUMMARISE_QUEUE } from './names.ts';
import type { QueueRuntime } from './runtime.ts';
import { type PipelineDeps, summariseRef } from './workers.ts';

/** What a reconciliation put back on the queue. */
export interface ReconcileReport {
  /** Stories whose wanted summary was missing. */
  stories: number;
  /** Summarised stories not yet matched against the watches (their alerts were never recorded). */
  alerts: number;
  /** Recorded deliveries (alerts, digests, answers) not settled: queued, or claimed and maybe posted. */
  deliveries: number;
  /** The jobs it (re-)enqueued, for a caller that waits. */
  refs: JobRef[];
}

/** Most items of each kind read per reconciliation; a later one takes the rest. */
const RECONCILE_LIMIT = 20_000;
/** Stories per offline summary job (as the ingest worker batches them). */
const OFFLINE_BATCH = 200;

/**
 * Makes sure a job with this deterministic id will run: a waiting, delayed or active one is left as it
 * is; a completed or failed one (its work is still unfinished in the store, so it did not stick) is
 * replaced; a missing one (lost with Redis, or never enqueued) is added. Handlers are idempotent, so
 * a job that races with this one does its work once.
 */
export async function ensureJob(
  rt: QueueRuntime,
  ref: JobRef,
  name: string,
  data: unknown,
): Promise<'kept' | 'added'> {
  const queue = rt.queue(ref.queue);
  const job = await queue.getJob(ref.id);
  if (job) {
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'kept';
    await job.remove().catch(() => {});
  }
  await queue.add(name, data, { jobId: ref.id });
  return 'added';
}

/**
 * Reconciles the store's unfinished work with the queue: every story that wants a summary, every
 * summary not yet matched against the watches, and every recorded delivery not yet settled gets its job
 * back under its deterministic id. A delivery that was claimed (and perhaps posted) before a crash is
 * re-run by deliver(), which asks the platform (`findPosted`) before posting again: never twice.
 */
export async function reconcileUnfinished(rt: QueueRuntime, deps: PipelineDeps): Promise<ReconcileReport> {
  const report: ReconcileReport = { stories: 0, alerts: 0, deliveries: 0, refs: [] };
  const unsummarised = await deps.store.unsummarisedStories(RECONCILE_LIMIT);
  const unalerted = await deps.store.unalertedStories(RECONCILE_LIMIT);
  const stories: StoryVersion[] = [...unsummarised, ...unalerted];
  const summaries = await ensureSummaries(rt, deps, stories);
  report.stories = unsummarised.filter((s) => summaries.added.has(s.storyId)).length;
  report.alerts = unalerted.filter((s) => summaries.added.has(s.storyId)).length;
  report.refs.push(...summaries.refs);

  for (const d of await deps.store.unsettledDeliveries(RECONCILE_LIMIT)) {
    const req = d.request as DeliveryRequest | null;
    const platform = platformOf(d.channel);
    // Rows from before the outbox carry no payload; rows for a platform not configured here wait
    // for a deployment that has it.
    if (!req || !platform || !deps.platforms.includes(platform)) continue;
    const ref: JobRef = { queue: deliverQueue(platform), id: jobId('deliver', d.id) };
    if ((await ensureJob(rt, ref, 'deliver', req)) === 'added') report.deliveries++;
    report.refs.push(ref);
  }
  if (report.stories + report.alerts + report.deliveries > 0) {
    deps.log.info('unfinished work found in the store put back on the queue', {
      stories: report.stories,
      alerts: report.alerts,
      deliveries: report.deliveries,
    });
  }
  return report;
}

/** Offline: stories go in batches, under an id derived from the batch's contents. */
function offlineBatches(stories: StoryVersion[]): Array<{ ref: JobRef; batch: StoryVersion[] }> {
  const out: Array<{ ref: JobRef; batch: StoryVersion[] }> = [];
  for (let i = 0; i < stories.length; i += OFFLINE_BATCH) {
    const batch = stories.slice(i, i + OFFLINE_BATCH);
    const digest = createHash('sha1')
      .update(batch.map((s) => `${s.storyId}@${s.version}`).join(','))
      .digest('hex');
    out.push({ ref: { queue: SUMMARISE_QUEUE, id: jobId('summarise-batch', 'reconcile', digest) }, batch });
  }
  return out;
}

/** Returns the summary jobs (one per story with an LLM, batches offline) and the stories whose job was (re-)added. */
async function ensureSummaries(
  rt: QueueRuntime,
  deps: PipelineDeps,
  stories: StoryVersion[],
): Promise<{ refs: JobRef[]; added: Set<string> }> {
  const added = new Set<string>();
  const refs: JobRef[] = [];
  if (deps.llm) {
    for (const s of stories) {
      const ref = summariseRef(s.storyId, s.version);
      refs.push(ref);
      if ((await ensureJob(rt, ref, 'summarise', s satisfies SummariseJob)) === 'added') added.add(s.storyId);
    }
    return { refs, added };
  }
  for (const { ref, batch } of offlineBatches(stories)) {
    refs.push(ref);
    if ((await ensureJob(rt, ref, 'summarise', { batch } satisfies SummariseJob)) === 'added') {
      for (const s of batch) added.add(s.storyId);
    }
  }
  return { refs, added };
}
