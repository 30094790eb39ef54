import { Job } from 'bullmq';
import type { JobRef } from '../queue/names.ts';
import type { QueueRuntime } from '../queue/runtime.ts';

export interface FollowResult {
  /** Return value per job id, for the jobs that completed. */
  results: Map<string, unknown>;
  failed: Array<{ ref: JobRef; reason: string }>;
}

/**
 * Waits for jobs and for the jobs their results point to (`{ next: JobRef[] }`), so a CLI command can
 * wait for its articles to go through the whole pipeline. Refs on queues outside `follow` are not
 * waited for (e.g. Slack deliveries that only `tradewire run` can post).
 */
export async function followJobs(
  rt: QueueRuntime,
  start: JobRef[],
  opts: {
    follow: (queue: string) => boolean;
    timeoutMs: number;
    onSettled?: (ref: JobRef) => void;
    /** Called with the number of further jobs found in a result. */
    onDiscovered?: (n: number) => void;
    parallel?: number;
  },
): Promise<FollowResult> {
  const results = new Map<string, unknown>();
  const failed: FollowResult['failed'] = [];
  const pending: JobRef[] = start.filter((r) => opts.follow(r.queue));
  const deadline = Date.now() + opts.timeoutMs;
  const seen = new Set<string>();

  const one = async (ref: JobRef): Promise<void> => {
    const key = `${ref.queue}/${ref.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    const job = await Job.fromId(rt.queue(ref.queue), ref.id);
    if (!job) return; // removed after completion long ago, or never added: nothing to wait for
    try {
      const value = await waitFinished(rt, ref, job, deadline);
      results.set(ref.id, value);
      const next = (value as { next?: JobRef[] } | null)?.next ?? [];
      const more = next.filter((n) => opts.follow(n.queue));
      pending.push(...more);
      if (more.length > 0) opts.onDiscovered?.(more.length);
    } catch (err) {
      failed.push({ ref, reason: err instanceof Error ? err.message : String(err) });
    } finally {
      opts.onSettled?.(ref);
    }
  };

  const parallel = opts.parallel ?? 256;
  const running = new Set<Promise<void>>();
  while (pending.length > 0 || running.size > 0) {
    while (pending.length > 0 && running.size < parallel) {
      const p = one(pending.shift()!).finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size > 0) await Promise.race(running);
  }
  return { results, failed };
}

/** Short event waits with a state check in between, so a missed completion event can never hang a caller. */
async function waitFinished(rt: QueueRuntime, ref: JobRef, job: Job, deadline: number): Promise<unknown> {
  for (;;) {
    try {
      return await job.waitUntilFinished(
        rt.queueEvents(ref.queue),
        Math.max(1, Math.min(2_000, deadline - Date.now())),
      );
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('timed out')) throw err;
      const fresh = await Job.fromId(rt.queue(ref.queue), ref.id);
      if (!fresh) return null;
      const state = await fresh.getState();
      if (state === 'completed') return fresh.returnvalue;
      if (state === 'failed') throw new Error(fresh.failedReason);
      if (Date.now() >= deadline) throw err;
    }
  }
}
