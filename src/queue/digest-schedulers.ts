import { cronPattern, schedulerId } from '../digest/schedule.ts';
import type { Schedule } from '../domain.ts';
import type { DigestJob } from './jobs.ts';
import { DIGEST_QUEUE } from './names.ts';
import type { QueueRuntime } from './runtime.ts';

/**
 * Digest schedules live in the store; BullMQ job schedulers fire them. Upserting the same id replaces
 * the scheduler and its pending job (the next fire is planned from now): use it when a schedule changes.
 */
export async function upsertDigestScheduler(rt: QueueRuntime, s: Schedule): Promise<void> {
  const data: DigestJob = { channel: s.channel, trigger: 'schedule' };
  await rt
    .queue(DIGEST_QUEUE)
    .upsertJobScheduler(
      schedulerId(s.channel),
      { pattern: cronPattern(s), tz: s.timezone },
      { name: 'digest', data },
    );
}

export async function removeDigestScheduler(rt: QueueRuntime, channel: string): Promise<void> {
  await rt.queue(DIGEST_QUEUE).removeJobScheduler(schedulerId(channel));
}

/**
 * True when BullMQ already runs this exact schedule and its next job still exists. That job may be overdue:
 * after downtime it is the one catch-up digest, and re-upserting would replace it with the next future fire.
 */
async function schedulerIsCurrent(rt: QueueRuntime, s: Schedule): Promise<boolean> {
  const queue = rt.queue(DIGEST_QUEUE);
  const id = schedulerId(s.channel);
  const existing = await queue.getJobScheduler(id);
  if (!existing || existing.pattern !== cronPattern(s) || existing.tz !== s.timezone) return false;
  const data = existing.template?.data as Partial<DigestJob> | undefined;
  if (data?.channel !== s.channel || data.trigger !== 'schedule' || typeof existing.next !== 'number')
    return false;
  const state = await queue.getJobState(`repeat:${id}:${existing.next}`);
  // An active job means its next iteration has not been planned yet (or planning failed): upsert to be sure.
  return state === 'delayed' || state === 'waiting' || state === 'prioritized';
}

/**
 * Run at every start: upserts schedules that are new or changed while we were down and removes deleted
 * ones. An unchanged schedule is left alone, so a fire missed during downtime still runs once on restart.
 */
export async function syncDigestSchedulers(rt: QueueRuntime, schedules: Schedule[]): Promise<void> {
  const wanted = new Set(schedules.map((s) => schedulerId(s.channel)));
  for (const s of schedules) {
    if (!(await schedulerIsCurrent(rt, s))) await upsertDigestScheduler(rt, s);
  }
  for (const existing of await rt.queue(DIGEST_QUEUE).getJobSchedulers()) {
    if (existing.key && !wanted.has(existing.key))
      await rt.queue(DIGEST_QUEUE).removeJobScheduler(existing.key);
  }
}

/** Next fire instant BullMQ has planned for a channel (ms since epoch), or null. */
export async function plannedDigest(rt: QueueRuntime, channel: string): Promise<number | null> {
  const s = await rt.queue(DIGEST_QUEUE).getJobScheduler(schedulerId(channel));
  return s?.next ?? null;
}
