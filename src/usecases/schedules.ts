import { nextRun, WORKDAYS } from '../digest/schedule.ts';
import { type ScheduleInput, validSchedule } from '../digest/schedule-schema.ts';
import type { Schedule } from '../domain.ts';
import { removeDigestScheduler, upsertDigestScheduler } from '../queue/digest-schedulers.ts';
import type { UseCaseDeps } from './deps.ts';

type Deps = Pick<UseCaseDeps, 'store' | 'platforms' | 'config' | 'queues'>;

export interface ScheduleView {
  schedule: Schedule;
  /** Next time the digest fires (ISO). */
  next: string;
}

type Optional<T> = { [K in keyof T]?: T[K] | undefined };

export type ScheduleRequest = Optional<Omit<ScheduleInput, 'channel' | 'time'>> & {
  channel: string;
  time: string;
  /** `true`: Monday to Friday. */
  workdays?: boolean | undefined;
};

/**
 * Sets (or replaces) a channel's daily digest and plans it with a BullMQ job scheduler. Unset options
 * keep the channel's current values, else the deployment's defaults.
 */
export async function setSchedule(deps: Deps, req: ScheduleRequest): Promise<ScheduleView> {
  deps.platforms.requireChannel(req.channel);
  const current = await deps.store.getSchedule(req.channel);
  const schedule = validSchedule({
    channel: req.channel,
    time: req.time,
    timezone: req.timezone ?? current?.timezone ?? 'UTC',
    weekdays: req.workdays ? WORKDAYS : (req.weekdays ?? current?.weekdays ?? []),
    minRelevance: req.minRelevance ?? current?.minRelevance ?? deps.config.minRelevance,
    query: req.query !== undefined ? req.query : (current?.query ?? null),
    maxStories: req.maxStories ?? current?.maxStories ?? deps.config.digestMaxStories,
    postEmpty: req.postEmpty ?? current?.postEmpty ?? false,
  });
  await deps.store.setSchedule(schedule);
  await upsertDigestScheduler(await deps.queues(), schedule);
  return view(schedule, new Date());
}

export async function removeSchedule(
  deps: Pick<UseCaseDeps, 'store' | 'queues'>,
  channel: string,
): Promise<boolean> {
  const removed = await deps.store.removeSchedule(channel);
  await removeDigestScheduler(await deps.queues(), channel);
  return removed;
}

export async function listSchedules(deps: Pick<UseCaseDeps, 'store'>): Promise<ScheduleView[]> {
  const now = new Date();
  return (await deps.store.listSchedules()).map((s) => view(validSchedule(s), now));
}

function view(s: Schedule, now: Date): ScheduleView {
  return { schedule: s, next: nextRun(s, now).toISOString() };
}
