import { afterAll, describe, inject, it } from 'vitest';
import { PostgresFeedStore } from '../../../src/store/postgres/postgres-feeds.ts';
import { feedStoreConformance } from '../../conformance/feed-store.ts';
import { createTestDatabase, dropTestDatabase } from '../../helpers/postgres-server.ts';

const base = inject('postgresUrl');
const skip = inject('postgresSkip');

if (!base) {
  describe('FeedStore conformance: PostgreSQL', () => {
    it.skip(`skipped: ${skip}`, () => {});
  });
} else {
  const urls: string[] = [];
  afterAll(async () => {
    for (const u of urls) await dropTestDatabase(base, u);
  });
  // A fresh database for every test, as the suite asks for an empty store.
  feedStoreConformance('PostgreSQL', async () => {
    const url = await createTestDatabase(base, 'feeds');
    urls.push(url);
    return new PostgresFeedStore(url);
  });
}
