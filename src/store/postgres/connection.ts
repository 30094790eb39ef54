import pg from 'pg';
import { TradewireError } from '../../errors.ts';
import { migrate } from './migrations.ts';

export type Row = Record<string, unknown>;
export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * A pool on one database, migrated before first use. `tx` runs a function in a transaction on one
 * pooled client (READ COMMITTED: every statement sees what was committed before it started) and
 * resolves only after COMMIT.
 */
export class PgConnection {
  readonly pool: pg.Pool;
  private ready: Promise<void> | null = null;

  constructor(url: string, opts: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
    // An idle client whose server went away must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  /** Applies pending migrations once per connection (under the cluster-wide advisory lock). */
  migrated(): Promise<void> {
    this.ready ??= migrate(this.pool).catch((e: unknown) => {
      this.ready = null;
      throw new TradewireError('store/unavailable', `PostgreSQL migrations failed: ${(e as Error).message}`, {
        cause: e,
      });
    });
    return this.ready;
  }

  async query<T extends Row = Row>(sql: string, args: unknown[] = []): Promise<T[]> {
    await this.migrated();
    return (await this.pool.query<T>(sql, args)).rows;
  }

  /**
   * `commitWith(sql)` ends the transaction early: it sends `sql` (no parameters: literals escaped
   * with pg.escapeLiteral) and COMMIT in one round trip, so a lock taken in `sql` is held for no
   * longer than the server needs — never across a wait for this process's busy event loop.
   */
  async tx<T>(fn: (c: Queryable, commitWith: (sql: string) => Promise<void>) => Promise<T>): Promise<T> {
    await this.migrated();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      let committed = false;
      const commitWith = async (sql: string): Promise<void> => {
        await client.query(`${sql};\nCOMMIT`);
        committed = true;
      };
      try {
        const out = await fn(client, commitWith);
        if (!committed) await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      }
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
