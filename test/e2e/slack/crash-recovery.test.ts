import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../../src/delivery/deliver.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { FakeSlack } from '../../fakes/slack.ts';
import { tempDir } from '../../helpers/cli.ts';
import { digest, story } from '../../unit/slack/slack-fixtures.ts';
import { platformFor } from './slack-setup.ts';

/**
 * A worker that dies after Slack accepted its message but before the ledger recorded it: the ledger
 * row stays pending, the lease runs out, and the next worker (a new process: a fresh platform with
 * nothing in memory) must find the post by its metadata instead of posting again.
 */
describe('Slack exactly once across a crash between posting and recording', () => {
  let fake: FakeSlack;
  let store: SqliteStore;
  beforeAll(async () => {
    fake = await new FakeSlack().start();
    store = new SqliteStore(join(tempDir(), 'tradewire.db'));
  });
  afterAll(async () => {
    await store.close();
    await fake.stop();
  });

  for (const [name, message, count] of [
    ['a digest', digest([story(1), story(2)]), 1],
    ['a digest split across messages', digest(Array.from({ length: 40 }, (_, i) => story(i + 1))), 0],
  ] as const) {
    it(`${name} is posted once`, async () => {
      const channel = `slack:CCRASH${name.length}`;
      const req = { deliveryId: `digest:${channel}:2026-11-20`, channel, message };
      const parts = platformFor(fake).render(message).length;
      if (count) expect(parts).toBe(count);
      else expect(parts).toBeGreaterThan(1);
      // The first worker: claims, posts, and dies before settling.
      const claim = await store.claimDelivery({
        id: req.deliveryId,
        channel,
        kind: 'digest',
        storyIds: [],
        leaseMs: 30,
      });
      expect(claim.outcome).toBe('claimed');
      const first = await platformFor(fake).post(channel, message, { idempotencyKey: req.deliveryId });
      await new Promise((r) => setTimeout(r, 60));
      // The retry, in another process.
      const out = await deliver(store, platformFor(fake), req, { leaseMs: 30 });
      expect(out).toMatchObject({ status: 'delivered', recovered: true, posted: { refs: first.refs } });
      expect(fake.posted(channel.slice('slack:'.length))).toHaveLength(parts);
      // The ledger keeps the ts of every message the post became.
      expect(await store.getDelivery(req.deliveryId)).toMatchObject({
        status: 'delivered',
        messageRefs: first.refs,
      });
      expect(await deliver(store, platformFor(fake), req)).toEqual({ status: 'already-delivered' });
    });
  }
});
