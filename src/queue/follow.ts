import type { QueueEvents } from 'bullmq';
import type { JobRef } from './names.ts';
import type { QueueRuntime } from './runtime.ts';

export interface FollowResult {
  /** Return value per job id, for the jobs that completed. */
  results: Map<string, unknown>;
  failed: Array<{ ref: JobRef; reason: string }>;
}

export interface FollowOptions {
  /**
   * Queues to wait for, listened to from the start; refs on other queues are not followed
   * (e.g. Slack deliveries that only `tradewire run` can post).
   */
  queues: string[];
  timeoutMs: number;
  onSettled?: (ref: JobRef) => void;
  /** Called with the number of further jobs found in a result. */
  onDiscovered?: (n: number) => void;
}

/** A sweep re-reads the state of jobs no event has settled yet, so a missed event cannot hang a caller. */
const SWEEP_MS = 1_000;

/**
 * Waits for jobs and for the jobs their results point to (`{ next: JobRef[] }`), so a CLI command can
 * wait for its articles to go through the whole pipeline. One 'completed'/'failed' listener per queue
 * (not one per job) keeps this cheap for tens of thousands of jobs.
 */
export async function followJobs(
  rt: QueueRuntime,
  start: JobRef[],
  opts: FollowOptions,
): Promise<FollowResult> {
  const results = new Map<string, unknown>();
  const failed: FollowResult['failed'] = [];
  const pending = new Map<string, JobRef>();
  const follows = (q: string) => opts.queues.includes(q);
  const key = (r: JobRef) => `${r.queue}\u0000${r.id}`;
  const listening = new Map<string, { events: QueueEvents; off: () => void }>();
  let wake: (() => void) | null = null;
  let lastEventAt = Date.now();

  const settle = (ref: JobRef, outcome: { value: unknown } | { reason: string }) => {
    if (!pending.delete(key(ref))) return;
    if ('reason' in outcome) failed.push({ ref, reason: outcome.reason });
    else {
      results.set(ref.id, outcome.value);
      const next = ((outcome.value as { next?: JobRef[] } | null)?.next ?? []).filter((n) =>
        follows(n.queue),
      );
      if (next.length > 0) opts.onDiscovered?.(next.length);
      for (const n of next) add(n);
    }
    opts.onSettled?.(ref);
    if (pending.size === 0) wake?.();
  };

  const listen = (queue: string) => {
    if (listening.has(queue)) return;
    const events = rt.queueEvents(queue);
    const onCompleted = (a: { jobId: string; returnvalue: unknown }) => {
      lastEventAt = Date.now();
      settle({ queue, id: a.jobId }, { value: a.returnvalue });
    };
    const onFailed = (a: { jobId: string; failedReason: string }) => {
      settle({ queue, id: a.jobId }, { reason: a.failedReason });
    };
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    listening.set(queue, {
      events,
      off: () => {
        events.off('completed', onCompleted);
        events.off('failed', onFailed);
      },
    });
  };

  const add = (ref: JobRef) => {
    if (!follows(ref.queue) || results.has(ref.id)) return;
    pending.set(key(ref), ref);
  };

  const sweep = async () => {
    for (const ref of [...pending.values()]) {
      const job = await rt.queue(ref.queue).getJob(ref.id);
      if (!job)
        settle(ref, { value: null }); // removed long after completion, or never added
      else if (job.finishedOn && job.failedReason && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        settle(ref, { reason: job.failedReason });
      } else if (job.finishedOn && !job.failedReason) settle(ref, { value: job.returnvalue });
    }
  };

  for (const q of opts.queues) listen(q);
  for (const r of start) add(r);
  await Promise.all([...listening.values()].map((l) => l.events.waitUntilReady()));
  const deadline = Date.now() + opts.timeoutMs;
  try {
    while (pending.size > 0) {
      if (Date.now() > deadline) {
        for (const ref of [...pending.values()])
          settle(ref, { reason: `timed out after ${opts.timeoutMs} ms` });
        break;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, SWEEP_MS).unref();
      });
      wake = null;
      // Events keep arriving while work progresses; sweep only when they go quiet.
      if (pending.size > 0 && Date.now() - lastEventAt >= SWEEP_MS) await sweep();
    }
  } finally {
    for (const l of listening.values()) l.off();
  }
  return { results, failed };
}
