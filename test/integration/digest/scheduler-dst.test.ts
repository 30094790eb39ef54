import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../../src/cli/app.ts';
import { cronPattern, localDay, nextRun, schedulerId } from '../../../src/digest/schedule.ts';
import type { Schedule } from '../../../src/domain.ts';
import { plannedDigest, upsertDigestScheduler } from '../../../src/queue/digest-schedulers.ts';
import type { DigestJob } from '../../../src/queue/jobs.ts';
import { DIGEST_QUEUE } from '../../../src/queue/names.ts';
import type { QueueRuntime } from '../../../src/queue/runtime.ts';
import { digestInstant } from '../../../src/queue/workers.ts';
import { openTestApp, removeDir, schedule, tempDataDir, uniquePrefix } from './helpers.ts';

/**
 * BullMQ computes a job scheduler's next fire time itself (cron-parser with `tz`), from
 * max(now, repeat.startDate). Setting startDate just before a DST change in 2027 makes BullMQ
 * plan across that change today, so we can compare its plan with nextRun() without waiting.
 */
let dataDir: string;
let app: App;
let rt: QueueRuntime;

beforeAll(async () => {
  dataDir = tempDataDir();
  app = openTestApp(dataDir, { url: inject('redisUrl'), prefix: uniquePrefix('dst') });
  rt = await app.queues();
});
afterAll(async () => {
  await app.close();
  removeDir(dataDir);
});

/** Upserts the channel's scheduler as upsertDigestScheduler does, plus a startDate; returns BullMQ's plan. */
async function bullmqPlan(s: Schedule, startDate: string): Promise<{ next: number; job: Job<DigestJob> }> {
  const data: DigestJob = { channel: s.channel, trigger: 'schedule' };
  const id = schedulerId(s.channel);
  await rt
    .queue(DIGEST_QUEUE)
    .upsertJobScheduler(id, { pattern: cronPattern(s), tz: s.timezone, startDate }, { name: 'digest', data });
  const scheduler = await rt.queue(DIGEST_QUEUE).getJobScheduler(id);
  const next = scheduler?.next;
  if (typeof next !== 'number') throw new Error(`no next for ${id}`);
  const job = (await rt.queue(DIGEST_QUEUE).getJob(`repeat:${id}:${next}`)) as Job<DigestJob> | undefined;
  if (!job) throw new Error(`no delayed job for ${id} at ${next}`);
  return { next, job };
}

const cases: Array<{ name: string; s: Partial<Schedule>; startDate: string; expected: string; day: string }> =
  [
    {
      name: 'Berlin 08:00, the day before the spring change → 07:00Z',
      s: { timezone: 'Europe/Berlin' },
      startDate: '2027-03-26T12:00:00Z',
      expected: '2027-03-27T07:00:00.000Z',
      day: '2027-03-27',
    },
    {
      name: 'Berlin 08:00, the night of the spring change → 06:00Z',
      s: { timezone: 'Europe/Berlin' },
      startDate: '2027-03-27T23:30:00Z',
      expected: '2027-03-28T06:00:00.000Z',
      day: '2027-03-28',
    },
    {
      name: 'Berlin 08:00, the day before the autumn change → 06:00Z',
      s: { timezone: 'Europe/Berlin' },
      startDate: '2027-10-29T12:00:00Z',
      expected: '2027-10-30T06:00:00.000Z',
      day: '2027-10-30',
    },
    {
      name: 'Berlin 08:00, the night of the autumn change → 07:00Z',
      s: { timezone: 'Europe/Berlin' },
      startDate: '2027-10-30T23:30:00Z',
      expected: '2027-10-31T07:00:00.000Z',
      day: '2027-10-31',
    },
    {
      name: 'New York 08:00, the night of the spring change → 12:00Z',
      s: { timezone: 'America/New_York' },
      startDate: '2027-03-14T04:00:00Z',
      expected: '2027-03-14T12:00:00.000Z',
      day: '2027-03-14',
    },
    {
      name: 'New York 08:00, the night of the autumn change → 13:00Z',
      s: { timezone: 'America/New_York' },
      startDate: '2027-11-07T03:00:00Z',
      expected: '2027-11-07T13:00:00.000Z',
      day: '2027-11-07',
    },
    {
      name: 'Berlin weekdays 08:00 from Friday after 08:00 → Monday 06:00Z (weekend and DST change skipped)',
      s: { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] },
      startDate: '2027-03-26T12:00:00Z',
      expected: '2027-03-29T06:00:00.000Z',
      day: '2027-03-29',
    },
    {
      name: 'New York 01:30 on the autumn change (01:30 happens twice) → the first one, 05:30Z',
      s: { timezone: 'America/New_York', time: '01:30' },
      startDate: '2027-11-07T03:00:00Z',
      expected: '2027-11-07T05:30:00.000Z',
      day: '2027-11-07',
    },
  ];

describe('BullMQ job scheduler agrees with nextRun across DST changes', () => {
  for (const [i, c] of cases.entries()) {
    it(c.name, async () => {
      const s = schedule(`console:dst-${i}`, c.s);
      const { next, job } = await bullmqPlan(s, c.startDate);
      expect(new Date(next).toISOString()).toBe(c.expected);
      expect(next).toBe(nextRun(s, new Date(c.startDate)).getTime());
      // The delayed job BullMQ created fires at that instant, and the worker reads the same instant back.
      expect(job.timestamp + job.delay).toBe(next);
      expect(job.data).toEqual({ channel: s.channel, trigger: 'schedule' });
      expect(digestInstant(job).getTime()).toBe(next);
      // ...so the digest's period key is the channel-local day of the fire.
      expect(localDay(digestInstant(job), s.timezone)).toBe(c.day);
      expect(await rt.queue(DIGEST_QUEUE).getDelayedCount()).toBeGreaterThanOrEqual(1);
    });
  }

  it('upsertDigestScheduler (no startDate) plans the next fire from now, as nextRun does', async () => {
    const s = schedule('console:dst-now', {
      timezone: 'America/New_York',
      weekdays: [1, 3, 5],
      time: '17:45',
    });
    const before = Date.now();
    await upsertDigestScheduler(rt, s);
    const after = Date.now();
    const planned = await plannedDigest(rt, s.channel);
    // BullMQ planned from a `now` between `before` and `after`; no fire instant falls in that short span.
    expect(planned).toBe(nextRun(s, new Date(before)).getTime());
    expect(planned).toBe(nextRun(s, new Date(after)).getTime());
    // Upserting again (`schedule set` with the same values) replaces the scheduler: still one job for it.
    await upsertDigestScheduler(rt, s);
    const mine = (await rt.queue(DIGEST_QUEUE).getDelayed()).filter(
      (j) => j.repeatJobKey === schedulerId(s.channel),
    );
    expect(mine.map((j) => j.id)).toEqual([`repeat:${schedulerId(s.channel)}:${planned}`]);
  });
});
