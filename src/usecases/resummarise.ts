import { followJobs } from '../queue/follow.ts';
import type { StoryVersion } from '../queue/jobs.ts';
import { deliverQueue, type JobRef, SUMMARISE_QUEUE } from '../queue/names.ts';
import { summariseRef } from '../queue/workers.ts';
import { LLM_FALLBACK_PROMPT_VERSION } from '../summarise/summarise-story.ts';
import type { UseCaseDeps } from './deps.ts';

export interface ResummariseOptions {
  /** These stories only (the breaker's deferred list); otherwise every marked story in the store. */
  storyIds?: string[];
  /** With no `storyIds`: only stories published at or after this ISO time. */
  since?: string;
  /** Wait until the new summaries are written (and their alerts posted on the console). */
  wait: boolean;
  timeoutMs?: number;
}

export interface ResummariseReport {
  /** Stories whose offline fallback summary will be (or was) replaced. */
  queued: number;
  storyIds: string[];
  /** With `wait`: summarise jobs that failed. */
  failed: number;
}

const EPOCH = '1970-01-01T00:00:00.000Z';
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/**
 * Re-summarises stories that got an offline summary because the LLM failed (their summary carries
 * LLM_FALLBACK_PROMPT_VERSION): asks the store for a new summary version of each, still marked and
 * up to date (so a story is re-summarised once however often this runs), and queues the summarise
 * job under its deterministic id. Runs automatically when the LLM's breaker closes, and as
 * `tradewire resummarise`.
 */
export async function resummariseFallbacks(
  deps: UseCaseDeps,
  opts: ResummariseOptions,
): Promise<ResummariseReport> {
  const candidates =
    opts.storyIds ??
    (await deps.store.storiesPublishedBetween(opts.since ?? EPOCH, END_OF_TIME))
      .filter((v) => v.summary?.promptVersion === LLM_FALLBACK_PROMPT_VERSION)
      .map((v) => v.story.id);
  const refs: JobRef[] = [];
  const jobs: Array<{ name: string; data: StoryVersion; opts: { jobId: string } }> = [];
  for (const storyId of candidates) {
    const version = await deps.store.requestResummary(storyId, LLM_FALLBACK_PROMPT_VERSION);
    if (version === null) continue;
    const ref = summariseRef(storyId, version);
    refs.push(ref);
    jobs.push({ name: 'summarise', data: { storyId, version }, opts: { jobId: ref.id } });
  }
  const report: ResummariseReport = {
    queued: refs.length,
    storyIds: jobs.map((j) => j.data.storyId),
    failed: 0,
  };
  if (refs.length === 0) return report;
  const rt = await deps.queues();
  if (opts.wait) await deps.startWorkers();
  await rt.queue(SUMMARISE_QUEUE).addBulk(jobs);
  deps.log.info('re-summarising stories summarised offline while the LLM was failing', {
    stories: refs.length,
  });
  if (!opts.wait) return report;
  const followed = await followJobs(rt, refs, {
    queues: [SUMMARISE_QUEUE, deliverQueue('console')],
    timeoutMs: opts.timeoutMs ?? 30 * 60_000,
  });
  report.failed = followed.failed.length;
  return report;
}
