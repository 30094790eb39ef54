import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import type { App } from '../../../src/cli/app.ts';
import { deliver } from '../../../src/delivery/deliver.ts';
import { localDay, nextRun, schedulerId } from '../../../src/digest/schedule.ts';
import { buildScheduledDigest, digestDeliveryId } from '../../../src/digest/scheduled-digest.ts';
import {
  plannedDigest,
  syncDigestSchedulers,
  upsertDigestScheduler,
} from '../../../src/queue/digest-schedulers.ts';
import { DIGEST_QUEUE } from '../../../src/queue/names.ts';
import type { QueueRuntime } from '../../../src/queue/runtime.ts';
import {
  DEFAULTS,
  ingestSamples,
  openTestApp,
  removeDir,
  SAMPLE,
  schedule,
  tempDataDir,
  uniquePrefix,
  until,
} from './helpers.ts';

/**
 * Missed schedules after downtime. A BullMQ job scheduler keeps exactly one delayed job: the next fire.
 * The next one is only created when a worker picks that job up, computed from max(now, its due time). So
 * however many fire times pass while no worker runs, one late job is waiting on restart, and after it
 * the scheduler plans the first fire after now. The Tradewire side must turn that one late job into one
 * digest that covers every story that arrived in the meantime.
 *
 * To have a scheduler written "days ago" without waiting days, only the JavaScript Date of this test
 * process is set back while upsertDigestScheduler runs (BullMQ takes `now` from the client); Redis, BullMQ
 * and the workers are real, and the clock is real again before anything else happens.
 */
const CH = 'console:catchup';
const S = schedule(CH, { time: '08:00', timezone: 'Europe/Berlin' });
const HOUR = 3_600_000;
let dataDir: string;
let app: App;
let rt: QueueRuntime;

beforeEach(async () => {
  dataDir = tempDataDir();
  app = openTestApp(dataDir, { url: inject('redisUrl'), prefix: uniquePrefix('catchup') });
  rt = await app.queues();
  rt.queue(DIGEST_QUEUE); // connect before the clock is moved
  await app.store.setSchedule(S);
});
afterEach(async () => {
  vi.useRealTimers();
  await app.close();
  removeDir(dataDir);
});

describe('catching up missed digests after downtime', () => {
  it('one late job → one digest with every missed story; the next fire is in the future', async () => {
    const realNow = Date.now();
    // The process went down an hour before a fire time about four days ago.
    const firstMissed = nextRun(S, new Date(realNow - 4 * 24 * HOUR));
    const wentDown = new Date(firstMissed.getTime() - HOUR);
    const lastDelivered = nextRun(S, new Date(firstMissed.getTime() - 30 * HOUR)); // the fire the day before

    // Before the downtime: batch A went out in that day's digest.
    const a = await ingestSamples(app.store, [SAMPLE.steelWire, SAMPLE.steelDaily, SAMPLE.mexicoSteel]);
    const before = await buildScheduledDigest(app.store, CH, lastDelivered, {
      trigger: 'schedule',
      defaults: DEFAULTS,
    });
    if (before.status !== 'post') throw new Error(before.status);
    await deliver(app.store, app.console, before.request);
    expect(app.console.read(CH)).toHaveLength(1);

    // The scheduler as the process left it when it went down.
    vi.useFakeTimers({ toFake: ['Date'], now: wentDown });
    try {
      await upsertDigestScheduler(rt, S);
    } finally {
      vi.useRealTimers();
    }
    expect(await plannedDigest(rt, CH)).toBe(firstMissed.getTime());

    // While down, stories keep arriving (a copy joining A's steel story, and new ones).
    const b = await ingestSamples(app.store, [
      SAMPLE.steelMetals,
      SAMPLE.chips,
      SAMPLE.liuHe,
      SAMPLE.soybeans,
      SAMPLE.ukSanctions,
    ]);
    expect(b[0]?.status).toBe('joined-story');
    const missedStories = b.filter((r) => r.status === 'new').map((r) => r.storyId);

    // Several fire times have passed, yet BullMQ holds a single job for this scheduler.
    let missedFires = 0;
    for (let t = firstMissed; t.getTime() < Date.now(); t = nextRun(S, t)) missedFires++;
    expect(missedFires).toBeGreaterThanOrEqual(3);
    const sid = schedulerId(CH);
    const waiting = (await rt.queue(DIGEST_QUEUE).getJobs(['delayed', 'wait', 'prioritized'])).filter(
      (j) => j.repeatJobKey === sid,
    );
    expect(waiting.map((j) => j.id)).toEqual([`repeat:${sid}:${firstMissed.getTime()}`]);

    // Restart.
    const restartedAt = new Date();
    await app.startWorkers();
    const lateId = digestDeliveryId(CH, localDay(firstMissed, S.timezone));
    await until(
      'the late digest to be delivered',
      async () => (await app.store.getDelivery(lateId))?.status === 'delivered',
    );

    const lines = app.console.read(CH);
    expect(lines.map((l) => l.deliveryId)).toEqual([before.request.deliveryId, lateId]);
    expect([...(lines[1]?.storyIds ?? [])].sort()).toEqual([...missedStories].sort());
    for (const r of a) expect(lines[1]?.storyIds).not.toContain(r.storyId);

    // The next fire is planned after the restart — not one per missed day — and is the only job left.
    const next = await until('the next fire to be planned', async () => {
      const n = await plannedDigest(rt, CH);
      return n !== null && n !== firstMissed.getTime() ? n : undefined;
    });
    expect(next).toBeGreaterThan(Date.now());
    expect(next).toBe(nextRun(S, restartedAt).getTime());
    const left = (await rt.queue(DIGEST_QUEUE).getJobs(['delayed', 'wait', 'active', 'prioritized'])).filter(
      (j) => j.repeatJobKey === sid,
    );
    expect(left.map((j) => j.id)).toEqual([`repeat:${sid}:${next}`]);
    expect(await app.store.listDeliveries({ channel: CH })).toHaveLength(2);
  });
  it('the start-up schedule sync (`tradewire run`) keeps the late job instead of replacing it', async () => {
    const ch = 'console:catchup-sync';
    const s = schedule(ch, { time: '07:15', timezone: 'America/New_York' });
    await app.store.setSchedule(s);
    const firstMissed = nextRun(s, new Date(Date.now() - 3 * 24 * HOUR));
    vi.useFakeTimers({ toFake: ['Date'], now: new Date(firstMissed.getTime() - HOUR) });
    try {
      await upsertDigestScheduler(rt, s);
    } finally {
      vi.useRealTimers();
    }
    const late = await ingestSamples(app.store, [SAMPLE.japanUk, SAMPLE.canadaSteel]);

    // `tradewire run` starts workers and syncs every stored schedule; whichever runs first, the missed
    // digest must still go out once. Syncing before any worker runs is the case that can lose it.
    await syncDigestSchedulers(rt, await app.store.listSchedules());
    expect(await plannedDigest(rt, ch)).toBe(firstMissed.getTime());
    await app.startWorkers();
    const lateId = digestDeliveryId(ch, localDay(firstMissed, s.timezone));
    await until(
      'the late digest to be delivered',
      async () => (await app.store.getDelivery(lateId))?.status === 'delivered',
    );
    expect(app.console.read(ch).map((l) => l.storyIds.length)).toEqual([late.length]);
    const next = await until('the next fire to be planned', async () => {
      const n = await plannedDigest(rt, ch);
      return n !== null && n > Date.now() ? n : undefined;
    });
    expect(next).toBe(nextRun(s, new Date()).getTime());

    // A schedule that did change while we were down is replaced at start-up (its next fire follows the new time).
    const changed = { ...s, time: '19:45' };
    await app.store.setSchedule(changed);
    await syncDigestSchedulers(rt, await app.store.listSchedules());
    expect(await plannedDigest(rt, ch)).toBe(nextRun(changed, new Date()).getTime());
  });
});
