import type { Feed, FeedState, FeedStatus, FeedStore, NewFeed } from '../feeds.ts';
import { PgConnection, type Queryable, type Row } from './connection.ts';

const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const now = (): string => new Date().toISOString();

/** Seen-item rows older than this are dropped: feeds list their recent items only. */
const SEEN_RETENTION_MS = 180 * 24 * 3600_000;

const COLUMNS: Record<keyof FeedState, string> = {
  status: 'status',
  title: 'title',
  etag: 'etag',
  lastModified: 'last_modified',
  bodyHash: 'body_hash',
  lastPolledAt: 'last_polled_at',
  lastSuccessAt: 'last_success_at',
  lastError: 'last_error',
  lastErrorAt: 'last_error_at',
  failures: 'failures',
  retryAt: 'retry_at',
  disabledAt: 'disabled_at',
  itemsIngested: 'items_ingested',
};

function toFeed(r: Row): Feed {
  return {
    id: String(r.id),
    url: String(r.url),
    channel: strOrNull(r.channel),
    everyMs: Number(r.every_ms),
    status: String(r.status) as FeedStatus,
    createdAt: String(r.created_at),
    createdBy: strOrNull(r.created_by),
    title: strOrNull(r.title),
    etag: strOrNull(r.etag),
    lastModified: strOrNull(r.last_modified),
    bodyHash: strOrNull(r.body_hash),
    lastPolledAt: strOrNull(r.last_polled_at),
    lastSuccessAt: strOrNull(r.last_success_at),
    lastError: strOrNull(r.last_error),
    lastErrorAt: strOrNull(r.last_error_at),
    failures: Number(r.failures),
    retryAt: strOrNull(r.retry_at),
    disabledAt: strOrNull(r.disabled_at),
    itemsIngested: Number(r.items_ingested),
  };
}

const one = async (c: Queryable, sql: string, args: unknown[]): Promise<Feed | null> => {
  const r = (await c.query<Row>(sql, args)).rows[0];
  return r ? toFeed(r) : null;
};

/**
 * Feeds in the PostgreSQL database of the main store (same DATABASE_URL and migrations, its own small
 * pool). Every method is one statement or one transaction, so pollers in several processes may share
 * it; nothing is cached in the process.
 */
export class PostgresFeedStore implements FeedStore {
  private readonly conn: PgConnection;
  private closed = false;

  constructor(url: string, opts: { poolSize?: number } = {}) {
    this.conn = new PgConnection(url, { max: opts.poolSize ?? 2 });
  }

  addFeed(f: NewFeed): Promise<{ feed: Feed; created: boolean }> {
    return this.conn.tx(async (c) => {
      const inserted = await one(
        c,
        `INSERT INTO feeds (id, url, channel, every_ms, status, created_at, created_by)
         VALUES ($1, $2, $3, $4, 'active', $5, $6) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [f.id, f.url, f.channel, f.everyMs, now(), f.createdBy],
      );
      if (inserted) return { feed: inserted, created: true };
      // The row lock makes two re-adds take turns; the second finds the first's write.
      const existing = (await one(c, 'SELECT * FROM feeds WHERE id = $1 FOR UPDATE', [f.id]))!;
      if (existing.status !== 'disabled' && existing.everyMs === f.everyMs) {
        return { feed: existing, created: false };
      }
      const enabled = await one(
        c,
        `UPDATE feeds SET status = 'active', every_ms = $1, failures = 0, retry_at = NULL, disabled_at = NULL
         WHERE id = $2 RETURNING *`,
        [f.everyMs, f.id],
      );
      return { feed: enabled!, created: false };
    });
  }

  async getFeed(id: string): Promise<Feed | null> {
    const [r] = await this.conn.query('SELECT * FROM feeds WHERE id = $1', [id]);
    return r ? toFeed(r) : null;
  }

  async listFeeds(): Promise<Feed[]> {
    return (await this.conn.query('SELECT * FROM feeds ORDER BY created_at, id')).map(toFeed);
  }

  removeFeed(id: string): Promise<boolean> {
    return this.conn.tx(async (c) => {
      await c.query('DELETE FROM feed_items WHERE feed_id = $1', [id]);
      return ((await c.query('DELETE FROM feeds WHERE id = $1', [id])).rowCount ?? 0) > 0;
    });
  }

  async updateFeed(id: string, state: FeedState): Promise<Feed | null> {
    const keys = (Object.keys(state) as Array<keyof FeedState>).filter((k) => state[k] !== undefined);
    if (keys.length === 0) return this.getFeed(id);
    const sets = keys.map((k, i) => `${COLUMNS[k]} = $${i + 1}`).join(', ');
    const [r] = await this.conn.query(`UPDATE feeds SET ${sets} WHERE id = $${keys.length + 1} RETURNING *`, [
      ...keys.map((k) => state[k]),
      id,
    ]);
    return r ? toFeed(r) : null;
  }

  async unseenItems(feedId: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const seen = new Set(
      (
        await this.conn.query('SELECT item_key FROM feed_items WHERE feed_id = $1 AND item_key = ANY($2)', [
          feedId,
          keys,
        ])
      ).map((r) => String(r.item_key)),
    );
    return keys.filter((k) => !seen.has(k));
  }

  async markItemsSeen(feedId: string, keys: string[]): Promise<void> {
    const cutoff = new Date(Date.now() - SEEN_RETENTION_MS).toISOString();
    await this.conn.tx(async (c) => {
      if (keys.length > 0) {
        await c.query(
          `INSERT INTO feed_items (feed_id, item_key, seen_at) SELECT $1, k, $2 FROM unnest($3::text[]) AS k
           ON CONFLICT (feed_id, item_key) DO NOTHING`,
          [feedId, now(), keys],
        );
      }
      await c.query('DELETE FROM feed_items WHERE feed_id = $1 AND seen_at < $2', [feedId, cutoff]);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }
}
