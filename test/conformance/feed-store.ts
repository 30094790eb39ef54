import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedStore, NewFeed } from '../../src/store/feeds.ts';

/**
 * What every FeedStore implementation must do (SQLite and PostgreSQL run the same suite).
 * `open` returns a fresh, empty store.
 */
export function feedStoreConformance(name: string, open: () => Promise<FeedStore> | FeedStore): void {
  describe(`FeedStore conformance: ${name}`, () => {
    let store: FeedStore;
    const feed = (id: string, over: Partial<NewFeed> = {}): NewFeed => ({
      id,
      url: `https://wire.example/${id}.xml`,
      channel: 'console:desk',
      everyMs: 600_000,
      createdBy: 'U1',
      ...over,
    });

    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('adds a feed once and lists feeds in the order they were added', async () => {
      const a = await store.addFeed(feed('fa'));
      expect(a.created).toBe(true);
      expect(a.feed).toMatchObject({ id: 'fa', status: 'active', failures: 0, itemsIngested: 0, etag: null });
      expect((await store.addFeed(feed('fa'))).created).toBe(false);
      await store.addFeed(feed('fb', { channel: null }));
      expect((await store.listFeeds()).map((f) => [f.id, f.channel])).toEqual([
        ['fa', 'console:desk'],
        ['fb', null],
      ]);
      expect(await store.getFeed('nope')).toBeNull();
    });

    it('writes poll state, and re-adding a disabled feed enables it with a clean record', async () => {
      await store.addFeed(feed('fc'));
      const at = '2026-11-25T12:00:00.000Z';
      const after = await store.updateFeed('fc', {
        etag: '"e1"',
        lastModified: 'Wed, 25 Nov 2026 12:00:00 GMT',
        lastError: 'HTTP 503',
        lastErrorAt: at,
        failures: 5,
        status: 'disabled',
        disabledAt: at,
        itemsIngested: 7,
      });
      expect(after).toMatchObject({ etag: '"e1"', failures: 5, status: 'disabled', itemsIngested: 7 });
      expect(await store.updateFeed('nope', { failures: 1 })).toBeNull();
      const again = await store.addFeed(feed('fc', { everyMs: 3_600_000 }));
      expect(again.feed).toMatchObject({
        status: 'active',
        failures: 0,
        disabledAt: null,
        everyMs: 3_600_000,
      });
      expect(again.feed.lastError).toBe('HTTP 503');
    });

    it('tracks seen items per feed, idempotently, and forgets them with the feed', async () => {
      await store.addFeed(feed('fd'));
      await store.addFeed(feed('fe'));
      await store.markItemsSeen('fd', ['g1', 'g2']);
      await store.markItemsSeen('fd', ['g2']);
      expect(await store.unseenItems('fd', ['g3', 'g1', 'g2', 'g4'])).toEqual(['g3', 'g4']);
      expect(await store.unseenItems('fe', ['g1'])).toEqual(['g1']);
      expect(await store.removeFeed('fd')).toBe(true);
      expect(await store.removeFeed('fd')).toBe(false);
      await store.addFeed(feed('fd'));
      expect(await store.unseenItems('fd', ['g1'])).toEqual(['g1']);
    });
  });
}
