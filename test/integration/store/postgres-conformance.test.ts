import { describe, inject, it } from 'vitest';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { describeStoreConformance } from '../../conformance/store.ts';
import { createTestDatabase, dropTestDatabase } from '../../helpers/postgres-server.ts';

const base = inject('postgresUrl');
const skip = inject('postgresSkip');

if (!base) {
  describe('store conformance: PostgreSQL', () => {
    it.skip(`skipped: ${skip}`, () => {});
  });
} else {
  describeStoreConformance('PostgreSQL', async () => {
    const url = await createTestDatabase(base, 'conformance');
    const opened: Store[] = [];
    const track = (s: Store) => {
      opened.push(s);
      return s;
    };
    return {
      // Every instance has its own pool: PostgreSQL stores share nothing in memory.
      open: async () => track(new PostgresStore(url, { poolSize: 4 })),
      openIndependent: async () => track(new PostgresStore(url, { poolSize: 2 })),
      destroy: async () => {
        for (const s of opened) await s.close();
        await dropTestDatabase(base, url);
      },
    };
  });
}
