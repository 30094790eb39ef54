import type { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { App } from '../../../src/cli/app.ts';
import { type DeliveryRequest, deliver } from '../../../src/delivery/deliver.ts';
import { localDay, schedulerId } from '../../../src/digest/schedule.ts';
import { buildScheduledDigest, digestDeliveryId } from '../../../src/digest/scheduled-digest.ts';
import { TradewireError } from '../../../src/errors.ts';
import { upsertDigestScheduler } from '../../../src/queue/digest-schedulers.ts';
import type { DigestJob } from '../../../src/queue/jobs.ts';
import { DIGEST_QUEUE, deliverQueue } from '../../../src/queue/names.ts';
import type { QueueRuntime } from '../../../src/queue/runtime.ts';
import {
  type ChildRun,
  DEFAULTS,
  ingestSamples,
  openTestApp,
  removeDir,
  runScript,
  SAMPLE,
  schedule,
  stopScript,
  tempDataDir,
  uniquePrefix,
  until,
} from './helpers.ts';

/**
 * Two independent app instances on one data dir and one Redis prefix: this process's app and a second
 * one — in its own Node process for the worker races (as production runs workers), in this process for
 * the direct race.
 */
let dataDir: string;
let redis: { url: string; prefix: string };
let one: App;
let rt: QueueRuntime;
let other: ChildRun | null = null;
let two: App | null = null;

beforeEach(async () => {
  dataDir = tempDataDir();
  redis = { url: inject('redisUrl'), prefix: uniquePrefix('race') };
  one = openTestApp(dataDir, redis);
  rt = await one.queues();
  await ingestSamples(one.store, [SAMPLE.steelWire, SAMPLE.steelDaily, SAMPLE.mexicoSteel, SAMPLE.chips]);
});
afterEach(async () => {
  if (other) await stopScript(other);
  other = null;
  await Promise.all([one.close(), two?.close()]);
  two = null;
  removeDir(dataDir);
});

async function startOtherProcess(mode: 'pipeline' | 'deliver-only'): Promise<void> {
  other = runScript('worker-process.ts', [dataDir, redis.url, redis.prefix, mode]);
  await other.said('ready');
}

async function finished(queue: string, id: string): Promise<string> {
  return until(`${queue}/${id} to finish`, async () => {
    const state = await rt.queue(queue).getJobState(id);
    return state === 'completed' || state === 'failed' ? state : undefined;
  });
}

async function idle(queue: string): Promise<void> {
  await until(`${queue} to drain`, async () => {
    const c = await rt.queue(queue).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  });
}

describe('two workers racing on the same digest post it once', () => {
  it('a scheduler job and a second job for the same period, each picked up by a different process', async () => {
    const ch = 'console:race';
    const s = schedule(ch, { timezone: 'Europe/Berlin' });
    await one.store.setSchedule(s);
    await upsertDigestScheduler(rt, s);
    const sid = schedulerId(ch);
    const [scheduled] = (await rt.queue(DIGEST_QUEUE).getDelayed()).filter((j) => j.repeatJobKey === sid);
    if (!scheduled?.id) throw new Error('no scheduler job');
    const due = Number(scheduled.id.split(':').at(-1));
    // The same period enqueued a second time under another job id (as a retry or an operator would).
    const manual: DigestJob = { channel: ch, trigger: 'schedule', at: new Date(due).toISOString() };
    await rt.queue(DIGEST_QUEUE).add('digest', manual, { jobId: 'manual-same-period' });
    await (scheduled as Job<DigestJob>).promote(); // due now rather than at 08:00

    await Promise.all([one.startWorkers(), startOtherProcess('pipeline')]);
    expect(await finished(DIGEST_QUEUE, scheduled.id)).toBe('completed');
    expect(await finished(DIGEST_QUEUE, 'manual-same-period')).toBe('completed');
    await idle(deliverQueue('console'));

    const deliveryId = digestDeliveryId(ch, localDay(new Date(due), s.timezone));
    expect(one.console.read(ch).map((l) => l.deliveryId)).toEqual([deliveryId]);
    const rows = await one.store.listDeliveries({ channel: ch });
    expect(rows.map((r) => [r.id, r.status, r.attempts])).toEqual([[deliveryId, 'delivered', 1]]);
  });

  it('the same delivery enqueued under two job ids, two processes: one posts, the other finds it settled', async () => {
    const ch = 'console:race2';
    await one.store.setSchedule(schedule(ch));
    const built = await buildScheduledDigest(one.store, ch, new Date(), {
      trigger: 'schedule',
      defaults: DEFAULTS,
    });
    if (built.status !== 'post') throw new Error(built.status);
    const q = rt.queue(deliverQueue('console'));
    // Different ids defeat BullMQ's own de-duplication: only the ledger stands between them and a double post.
    await q.add('deliver', built.request, { jobId: 'deliver-copy-1' });
    await q.add('deliver', built.request, { jobId: 'deliver-copy-2' });
    await Promise.all([one.startWorkers({ pipeline: false }), startOtherProcess('deliver-only')]);

    expect(await finished(deliverQueue('console'), 'deliver-copy-1')).toBe('completed');
    expect(await finished(deliverQueue('console'), 'deliver-copy-2')).toBe('completed');
    expect(one.console.read(ch).map((l) => l.deliveryId)).toEqual([built.request.deliveryId]);
    expect(await one.store.getDelivery(built.request.deliveryId)).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });
    expect(await one.store.getDigestCursor(ch)).toMatchObject({ lastSeq: built.request.digestCursor?.seq });
  });

  it('two processes build and deliver the same digest at once: one post, one delivered row', async () => {
    const ch = 'console:race3';
    await one.store.setSchedule(schedule(ch));
    const at = new Date().toISOString();
    const runs = [0, 1].map(() => runScript('deliver-digest.ts', [dataDir, ch, at]));
    const exits = await Promise.all(runs.map((r) => r.exited));
    for (const e of exits) expect(e).toMatchObject({ code: 0 });
    expect(one.console.read(ch)).toHaveLength(1);
    const rows = await one.store.listDeliveries({ channel: ch });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['delivered', 1]]);
  });

  it('two app instances in one process build concurrently and deliver concurrently: one post', async () => {
    const ch = 'console:race4';
    two = openTestApp(dataDir, redis);
    await one.store.setSchedule(schedule(ch));
    const at = new Date();
    const opts = { trigger: 'schedule' as const, defaults: DEFAULTS };
    const [b1, b2] = await Promise.all([
      buildScheduledDigest(one.store, ch, at, opts),
      buildScheduledDigest(two.store, ch, at, opts),
    ]);
    if (b1.status !== 'post' || b2.status !== 'post') throw new Error('expected two digests to post');
    expect(b2.request.deliveryId).toBe(b1.request.deliveryId);
    const reqs: Array<[App, DeliveryRequest]> = [
      [one, b1.request],
      [two, b2.request],
    ];
    const outcomes = await Promise.allSettled(reqs.map(([app, req]) => deliver(app.store, app.console, req)));
    const delivered = outcomes.filter((o) => o.status === 'fulfilled' && o.value.status === 'delivered');
    expect(delivered).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        // The loser saw the winner's lease: a retryable "busy", which the queue retries later.
        expect(o.reason).toBeInstanceOf(TradewireError);
        expect(o.reason).toMatchObject({ code: 'delivery/in-progress', retryable: true });
      }
    }
    // The retry the queue would make finds the delivery settled.
    expect(await deliver(two.store, two.console, b2.request)).toEqual({ status: 'already-delivered' });
    expect(one.console.read(ch)).toHaveLength(1);
    expect(await one.store.listDeliveries({ channel: ch })).toHaveLength(1);
  });
});
