import type { Schedule } from '../domain.ts';
import type { DigestJob } from '../queue/jobs.ts';
import { DIGEST_QUEUE } from '../queue/names.ts';
import type { QueueRuntime } from '../queue/runtime.ts';
import { cronPattern, schedulerId } from './schedule.ts';

/**
 * Digest schedules live in the store; BullMQ job schedulers fire them. Upserting the same id replaces
 * the scheduler, so syncing at every start is safe and picks up changes made while we were down.
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

export async function syncDigestSchedulers(rt: QueueRuntime, schedules: Schedule[]): Promise<void> {
  const wanted = new Set(schedules.map((s) => schedulerId(s.channel)));
  for (const s of schedules) await upsertDigestScheduler(rt, s);
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
