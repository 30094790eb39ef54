import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/store/postgres/migrations.ts';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.ts';
import { createTestDatabase, dropTestDatabase } from '../../helpers/postgres-server.ts';

const base = inject('postgresUrl');
const skip = inject('postgresSkip');

describe.skipIf(!base)(`PostgreSQL migrations${base ? '' : ` (skipped: ${skip})`}`, () => {
  const urls: string[] = [];
  afterAll(async () => {
    for (const u of urls) await dropTestDatabase(base, u);
  });

  it('several stores starting at once on an empty database apply each migration exactly once', async () => {
    const url = await createTestDatabase(base, 'migrate');
    urls.push(url);
    const stores = Array.from({ length: 5 }, () => new PostgresStore(url, { poolSize: 2 }));
    await Promise.all(stores.map((s) => s.migrate()));
    expect(await Promise.all(stores.map((s) => s.articleCount()))).toEqual([0, 0, 0, 0, 0]);
    await Promise.all(stores.map((s) => s.close()));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const rows = (await c.query('SELECT version FROM tradewire_migrations ORDER BY version')).rows;
      expect(rows.map((r) => Number(r.version))).toEqual(
        Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
      );
    } finally {
      await c.end();
    }
    // Opening again finds nothing to do.
    const again = new PostgresStore(url);
    await again.migrate();
    expect(await again.storyCount()).toBe(0);
    await again.close();
  });
});
