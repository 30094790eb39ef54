import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type App, openApp } from '../../../src/cli/app.ts';
import { claimOf, type DeliveryRequest } from '../../../src/delivery/deliver.ts';
import { validateArticle } from '../../../src/ingest/validate.ts';
import type { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { submitArticles } from '../../../src/usecases/submit.ts';
import { removeDir, tempDataDir, uniquePrefix } from '../digest/helpers.ts';

/**
 * Reconciliation: work the store names as unfinished goes back on the queue under its deterministic
 * job id and is done once — a delivery recorded but never enqueued, a delivery claimed and posted by
 * a worker that died before recording it (found again with findPosted, not posted twice), and a
 * summary never matched against the watches.
 */

const notice = (id: string): DeliveryRequest => ({
  deliveryId: id,
  channel: 'console:r',
  message: { kind: 'notice', title: `Notice ${id}`, text: 'A feed was disabled.' },
});

async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reconciling the store with the queue', () => {
  let dir: string;
  let app: App;
  beforeEach(() => {
    dir = tempDataDir();
    app = openApp({
      dataDir: dir,
      echo: null,
      env: {
        TRADEWIRE_LOG_LEVEL: 'silent',
        REDIS_URL: inject('redisUrl'),
        TRADEWIRE_QUEUE_PREFIX: uniquePrefix('rec'),
      },
    });
  });
  afterEach(async () => {
    await app.close();
    removeDir(dir);
  });

  const lines = (id: string) =>
    app.console.read('console:r').filter((l) => JSON.stringify(l).includes(`"deliveryId":"${id}"`)).length;

  it('posts a recorded delivery that never reached the queue, once', async () => {
    const req = notice('notice:lost');
    await app.store.recordPendingDeliveries([{ claim: claimOf(req), request: req }]);
    expect(await app.store.unfinishedCounts()).toMatchObject({ unsettled: 1 });
    await app.startWorkers();
    const first = await app.deps.reconcile!();
    expect(first).toMatchObject({ stories: 0, alerts: 0, deliveries: 1 });
    await until(async () => (await app.store.getDelivery(req.deliveryId))?.status === 'delivered');
    // A second reconciliation finds nothing to do.
    expect(await app.deps.reconcile!()).toMatchObject({ deliveries: 0, refs: [] });
    expect(app.console.read('console:r')).toHaveLength(1);
  });

  it('a delivery claimed and posted by a worker that died before recording it is found, not posted again', async () => {
    const req = notice('notice:crashed');
    await app.store.recordPendingDeliveries([{ claim: claimOf(req), request: req }]);
    // The dead worker's claim (its lease since run out) and its post.
    expect((await app.store.claimDelivery(claimOf(req, 50))).outcome).toBe('claimed');
    await app.console.post(req.channel, req.message, { idempotencyKey: req.deliveryId });
    await new Promise((r) => setTimeout(r, 80));
    await app.startWorkers();
    expect(await app.deps.reconcile!()).toMatchObject({ deliveries: 1 });
    await until(async () => (await app.store.getDelivery(req.deliveryId))?.status === 'delivered');
    expect(lines(req.deliveryId)).toBe(1);
    expect(await app.store.getDelivery(req.deliveryId)).toMatchObject({
      attempts: 2,
      messageRef: `console:r#${req.deliveryId}`,
    });
  });

  it('a summary never matched against the watches is matched, and alerts once', async () => {
    const record = validateArticle(
      {
        title: 'Canada sets steel tariffs',
        body: 'Canada announced tariffs of 25 percent on imported steel on Tuesday. Officials said the steel tariffs answer a surge.',
        published: '2026-11-20',
      },
      't',
    );
    const report = await submitArticles(app.deps, [{ input: 't:1', record }], { wait: true });
    expect(report.new).toBe(1);
    const storyId = report.articles[0]!.storyId;
    await app.store.addWatch(
      {
        id: 'w1',
        channel: 'console:r',
        query: 'tariffs',
        createdAt: new Date().toISOString(),
        createdBy: null,
      },
      10,
    );
    // The matcher reloads watches at most every 2 s.
    await new Promise((r) => setTimeout(r, 2_100));
    // As if the worker died between writing the summary and recording its alerts.
    (app.store as SqliteStore).db.prepare('UPDATE stories SET matched_version = 0 WHERE id = ?').run(storyId);
    expect(await app.store.unalertedStories(10)).toEqual([{ storyId, version: 1 }]);
    const again = await submitArticles(app.deps, [{ input: 't:1', record }], { wait: true });
    expect(again.reconciled).toEqual({ stories: 0, alerts: 1, deliveries: 0 });
    expect(await app.store.unfinishedCounts()).toEqual({ unsummarised: 0, unalerted: 0, unsettled: 0 });
    expect(lines(`alert:w1:${storyId}`)).toBe(1);
    // Nothing left: a third run reconciles nothing and alerts nothing more.
    const third = await submitArticles(app.deps, [{ input: 't:1', record }], { wait: true });
    expect(third.reconciled).toEqual({ stories: 0, alerts: 0, deliveries: 0 });
    expect(lines(`alert:w1:${storyId}`)).toBe(1);
  });
});
