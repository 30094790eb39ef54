import type { Store, UnfinishedCounts } from '../store/store.ts';
import type { QueueRuntime } from './runtime.ts';

/** What `/healthz` and `tradewire status` report: reachability, unfinished work, and each queue. */
export interface PipelineStatus {
  /** Redis and the store both answer. */
  ok: boolean;
  checks: { redis: boolean; store: boolean };
  /** Work the store names as unfinished; null when the store does not answer. */
  unfinished: UnfinishedCounts | null;
  /** Per queue; null when Redis does not answer. */
  queues: Record<string, QueueStatus> | null;
}

export interface QueueStatus {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** The most recent failed job's reason (kept for `removeOnFail`'s age), or null. */
  lastError: { job: string; reason: string; at: string | null } | null;
}

/** A check that does not answer in time counts as down (ioredis queues commands while disconnected). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([p.catch(() => null), late]);
  } finally {
    clearTimeout(timer);
  }
}

async function queueStatus(rt: QueueRuntime, name: string): Promise<QueueStatus> {
  const q = rt.queue(name);
  const [c, [last]] = await Promise.all([
    q.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
    q.getFailed(0, 0),
  ]);
  return {
    waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
    active: c.active ?? 0,
    delayed: c.delayed ?? 0,
    failed: c.failed ?? 0,
    lastError: last
      ? {
          job: String(last.id),
          reason: last.failedReason,
          at: last.finishedOn ? new Date(last.finishedOn).toISOString() : null,
        }
      : null,
  };
}

export async function pipelineStatus(
  rt: QueueRuntime,
  store: Store,
  queues: readonly string[],
  opts: { timeoutMs?: number } = {},
): Promise<PipelineStatus> {
  const ms = opts.timeoutMs ?? 2_000;
  const [redis, unfinished] = await Promise.all([
    within(rt.ping(), ms),
    within(store.unfinishedCounts(), ms),
  ]);
  let perQueue: PipelineStatus['queues'] = null;
  if (redis) {
    const all = await within(Promise.all(queues.map((q) => queueStatus(rt, q))), ms);
    if (all) perQueue = Object.fromEntries(queues.map((q, i) => [q, all[i]!]));
  }
  const checks = { redis: redis === true, store: unfinished !== null };
  return { ok: checks.redis && checks.store, checks, unfinished, queues: perQueue };
}
