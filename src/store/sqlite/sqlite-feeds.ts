import type { Feed, FeedState, FeedStatus, FeedStore, NewFeed } from '../feeds.ts';
import { SqliteConnection } from './connection.ts';

type Row = Record<string, unknown>;
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

/** Feeds in the SQLite file of the main store (shares its connection and group commit). */
export class SqliteFeedStore implements FeedStore {
  private readonly conn: SqliteConnection;
  private closed = false;

  constructor(file: string) {
    this.conn = SqliteConnection.acquire(file);
  }

  private get(id: string): Feed | null {
    const r = this.conn.statement('SELECT * FROM feeds WHERE id = ?').get(id) as Row | undefined;
    return r ? toFeed(r) : null;
  }

  async addFeed(f: NewFeed): Promise<{ feed: Feed; created: boolean }> {
    return this.conn.write(() => {
      const existing = this.get(f.id);
      if (existing) {
        if (existing.status === 'disabled' || existing.everyMs !== f.everyMs) {
          this.conn
            .statement(
              `UPDATE feeds SET status = 'active', every_ms = ?, failures = 0, retry_at = NULL,
               disabled_at = NULL WHERE id = ?`,
            )
            .run(f.everyMs, f.id);
        }
        return { feed: this.get(f.id)!, created: false };
      }
      this.conn
        .statement(
          `INSERT INTO feeds (id, url, channel, every_ms, status, created_at, created_by)
           VALUES (?, ?, ?, ?, 'active', ?, ?)`,
        )
        .run(f.id, f.url, f.channel, f.everyMs, now(), f.createdBy);
      return { feed: this.get(f.id)!, created: true };
    });
  }

  async getFeed(id: string): Promise<Feed | null> {
    return this.get(id);
  }

  async listFeeds(): Promise<Feed[]> {
    return (this.conn.statement('SELECT * FROM feeds ORDER BY created_at, id').all() as Row[]).map(toFeed);
  }

  async removeFeed(id: string): Promise<boolean> {
    return this.conn.write(() => {
      this.conn.statement('DELETE FROM feed_items WHERE feed_id = ?').run(id);
      return this.conn.statement('DELETE FROM feeds WHERE id = ?').run(id).changes > 0;
    });
  }

  async updateFeed(id: string, state: FeedState): Promise<Feed | null> {
    const keys = (Object.keys(state) as Array<keyof FeedState>).filter((k) => state[k] !== undefined);
    return this.conn.write(() => {
      if (keys.length > 0) {
        const sets = keys.map((k) => `${COLUMNS[k]} = ?`).join(', ');
        this.conn
          .statement(`UPDATE feeds SET ${sets} WHERE id = ?`)
          .run(...keys.map((k) => state[k] as string | number | null), id);
      }
      return this.get(id);
    });
  }

  async unseenItems(feedId: string, keys: string[]): Promise<string[]> {
    const seen = this.conn.statement('SELECT 1 FROM feed_items WHERE feed_id = ? AND item_key = ?');
    return keys.filter((k) => seen.get(feedId, k) === undefined);
  }

  async markItemsSeen(feedId: string, keys: string[]): Promise<void> {
    const at = now();
    const cutoff = new Date(Date.now() - SEEN_RETENTION_MS).toISOString();
    await this.conn.write(() => {
      const insert = this.conn.statement(
        'INSERT OR IGNORE INTO feed_items (feed_id, item_key, seen_at) VALUES (?, ?, ?)',
      );
      for (const k of keys) insert.run(feedId, k, at);
      this.conn.statement('DELETE FROM feed_items WHERE feed_id = ? AND seen_at < ?').run(feedId, cutoff);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.release();
  }
}
