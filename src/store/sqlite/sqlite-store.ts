import type Database from 'better-sqlite3';
import type {
  Delivery,
  DeliveryKind,
  DeliveryStatus,
  Schedule,
  SourceInfo,
  StoredSummary,
  Story,
  Summary,
  ThreadState,
  Watch,
} from '../../domain.ts';
import { TradewireError } from '../../errors.ts';
import type {
  CachedSummary,
  CandidateSnapshot,
  ClaimResult,
  DeliveryClaim,
  DigestCursor,
  IngestResult,
  NewArticle,
  Passage,
  PassageQuery,
  PendingDelivery,
  SettleOptions,
  StaleDecision,
  Store,
  StoryArticle,
  StoryDecision,
  StoryView,
  UnfinishedCounts,
  UnsettledDelivery,
} from '../store.ts';
import { addArticle, storyCandidates, storyFingerprints } from './article-writes.ts';
import { SqliteConnection } from './connection.ts';
import { searchPassages } from './passage-search.ts';
import { StoryViews, toStory } from './story-views.ts';
import * as unfinished from './unfinished-work.ts';

type Row = Record<string, unknown>;
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const now = (): string => new Date().toISOString();

function toDelivery(r: Row): Delivery {
  return {
    id: str(r.id),
    channel: str(r.channel),
    kind: str(r.kind) as DeliveryKind,
    status: str(r.status) as DeliveryStatus,
    storyIds: JSON.parse(str(r.story_ids)) as string[],
    watchId: strOrNull(r.watch_id),
    reason: strOrNull(r.reason),
    messageRef: strOrNull(r.message_ref),
    messageRefs: JSON.parse(str(r.message_refs)) as string[],
    attempts: Number(r.attempts),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

/** The embedded default store: one SQLite file in the data directory, WAL mode. */
export class SqliteStore implements Store {
  private readonly conn: SqliteConnection;
  private closed = false;
  private readonly views: StoryViews;

  /** `privateConnection`: see SqliteConnection.acquire (for tests that read what is committed). */
  constructor(file: string, opts: { privateConnection?: boolean } = {}) {
    this.conn = SqliteConnection.acquire(file, { shared: !opts.privateConnection });
    this.views = new StoryViews(this.conn);
  }

  /** The underlying database (benchmarks and tests inspect it). */
  get db(): Database.Database {
    return this.conn.db;
  }

  private q(sql: string): Database.Statement {
    return this.conn.statement(sql);
  }

  private write<T>(fn: () => T): Promise<T> {
    return this.conn.write(fn);
  }

  async storyCandidates(
    a: { id: string; bandKeys: readonly string[] },
    window: { from: string; to: string },
  ): Promise<CandidateSnapshot> {
    return storyCandidates(this.conn, a, window);
  }

  async storyFingerprints(storyId: string): Promise<string[]> {
    return storyFingerprints(this.conn, storyId);
  }

  async addArticle(
    a: NewArticle,
    placement: { window: { from: string; to: string }; token: string; decision: StoryDecision },
  ): Promise<IngestResult | StaleDecision> {
    return this.write(() => addArticle(this.conn, a, placement));
  }

  async getStory(id: string): Promise<Story | null> {
    const r = this.q('SELECT * FROM stories WHERE id = ?').get(id) as Row | undefined;
    return r ? toStory(r) : null;
  }

  async storyArticles(storyId: string): Promise<StoryArticle[]> {
    const rows = this.q(
      `SELECT id, title, title_derived, body, source, url, published, content_hash FROM articles
       WHERE story_id = ? ORDER BY published, ingested_at, id`,
    ).all(storyId) as Row[];
    return rows.map((r) => ({
      id: str(r.id),
      title: str(r.title),
      titleDerived: r.title_derived === 1,
      body: str(r.body),
      source: str(r.source),
      url: strOrNull(r.url),
      published: str(r.published),
      contentHash: str(r.content_hash),
    }));
  }

  async storyView(storyId: string): Promise<StoryView | null> {
    const r = this.q('SELECT * FROM stories WHERE id = ?').get(storyId) as Row | undefined;
    return r ? (this.views.of([r], { cache: false })[0] ?? null) : null;
  }

  async storiesPublishedBetween(since: string, until: string): Promise<StoryView[]> {
    const rows = this.q(
      `SELECT * FROM stories WHERE id IN (SELECT DISTINCT story_id FROM articles WHERE published >= ? AND published < ?)
       ORDER BY last_published DESC, seq DESC`,
    ).all(since, until) as Row[];
    return this.views.of(rows);
  }

  async storiesArrivedAfter(
    afterSeq: number,
    opts: { createdSince?: string; limit?: number } = {},
  ): Promise<{ stories: StoryView[]; maxSeq: number }> {
    // Only the columns the view cache is keyed on: full rows are read for stories not cached.
    const rows = this.q(
      `SELECT id, seq, summary_version, article_count, updated_at FROM stories
       WHERE seq > ? AND created_at >= ? ORDER BY seq LIMIT ?`,
    ).all(afterSeq, opts.createdSince ?? '', opts.limit ?? 100_000) as Row[];
    const maxSeq = rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : afterSeq;
    return { stories: this.views.of(rows), maxSeq };
  }

  async maxStorySeq(): Promise<number> {
    return Number((this.q('SELECT coalesce(max(seq), 0) AS n FROM stories').get() as Row).n);
  }

  async storyCount(): Promise<number> {
    return Number((this.q('SELECT count(*) AS n FROM stories').get() as Row).n);
  }

  async articleCount(): Promise<number> {
    return Number((this.q('SELECT count(*) AS n FROM articles').get() as Row).n);
  }

  async listSources(): Promise<SourceInfo[]> {
    const rows = this.q(
      `SELECT source, count(*) AS n, max(published) AS last FROM articles GROUP BY source
       ORDER BY n DESC, source LIMIT 500`,
    ).all() as Row[];
    return rows.map((r) => ({
      source: str(r.source),
      articles: Number(r.n),
      lastPublished: strOrNull(r.last),
    }));
  }

  async requestResummary(storyId: string, promptVersion: string): Promise<number | null> {
    return this.write((): number | null => {
      const r = this.q(
        `UPDATE stories SET wanted_summary_version = wanted_summary_version + 1
           WHERE id = ? AND summary_version = wanted_summary_version
             AND EXISTS (SELECT 1 FROM summaries m WHERE m.story_id = stories.id
                           AND m.version = stories.summary_version AND m.prompt_version = ?)`,
      ).run(storyId, promptVersion);
      if (r.changes === 0) return null;
      const row = this.q('SELECT wanted_summary_version AS v FROM stories WHERE id = ?').get(storyId) as Row;
      return Number(row.v);
    });
  }

  async claimSummary(
    storyId: string,
    leaseMs: number,
  ): Promise<{ claimed: true } | { claimed: false; retryInMs: number }> {
    return this.write(() => {
      const t = Date.now();
      const r = this.q(
        `UPDATE stories SET summarising_until = ? WHERE id = ? AND summary_version < wanted_summary_version
           AND summarising_until <= ?`,
      ).run(t + leaseMs, storyId, t);
      if (r.changes > 0) return { claimed: true as const };
      const row = this.q('SELECT summarising_until AS u FROM stories WHERE id = ?').get(storyId) as
        | Row
        | undefined;
      return { claimed: false as const, retryInMs: Math.max(0, Number(row?.u ?? 0) - t) };
    });
  }

  async saveSummary(s: Omit<StoredSummary, 'createdAt'>): Promise<boolean> {
    const { storyId, version, summarisedBy, promptVersion, ...summary } = s;
    return this.write((): boolean => {
      const cur = this.q('SELECT summary_version FROM stories WHERE id = ?').get(storyId) as Row | undefined;
      if (!cur) throw new TradewireError('store/not-found', `story ${storyId} does not exist`);
      if (Number(cur.summary_version) >= version) return false;
      this.q(
        `INSERT OR REPLACE INTO summaries (story_id, version, json, summarised_by, prompt_version, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(storyId, version, JSON.stringify(summary), summarisedBy, promptVersion, now());
      this.q('UPDATE stories SET summary_version = ?, summarising_until = 0 WHERE id = ?').run(
        version,
        storyId,
      );
      return true;
    });
  }

  async cachedSummary(key: string): Promise<CachedSummary | null> {
    const r = this.q('SELECT * FROM summary_cache WHERE key = ?').get(key) as Row | undefined;
    if (!r) return null;
    return {
      summary: JSON.parse(str(r.json)) as Summary,
      summarisedBy: str(r.summarised_by),
      promptVersion: str(r.prompt_version),
    };
  }

  async cacheSummary(key: string, v: CachedSummary): Promise<void> {
    return this.write(() => {
      this.q(
        `INSERT OR REPLACE INTO summary_cache (key, json, summarised_by, prompt_version, created_at)
       VALUES (?, ?, ?, ?, ?)`,
      ).run(key, JSON.stringify(v.summary), v.summarisedBy, v.promptVersion, now());
    });
  }

  async searchPassages(q: PassageQuery): Promise<Passage[]> {
    return searchPassages(this.conn, q);
  }

  async claimDelivery(d: DeliveryClaim): Promise<ClaimResult> {
    return this.write((): ClaimResult => {
      const ts = now();
      this.q(
        `INSERT OR IGNORE INTO deliveries (id, channel, kind, status, story_ids, watch_id, created_at, updated_at)
           VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)`,
      ).run(d.id, d.channel, d.kind, JSON.stringify(d.storyIds), d.watchId ?? null, ts, ts);
      const row = this.q('SELECT * FROM deliveries WHERE id = ?').get(d.id) as Row;
      const status = str(row.status);
      if (status === 'delivered' || status === 'filtered-out') {
        return { outcome: 'settled', delivery: toDelivery(row), retryInMs: 0 };
      }
      const leaseLeft = Number(row.lease_until) - Date.now();
      if (leaseLeft > 0) return { outcome: 'busy', delivery: toDelivery(row), retryInMs: leaseLeft };
      this.q(
        'UPDATE deliveries SET attempts = attempts + 1, lease_until = ?, updated_at = ? WHERE id = ?',
      ).run(Date.now() + d.leaseMs, ts, d.id);
      return {
        outcome: 'claimed',
        delivery: toDelivery(this.q('SELECT * FROM deliveries WHERE id = ?').get(d.id) as Row),
        retryInMs: 0,
      };
    });
  }

  async settleDelivery(
    id: string,
    status: Exclude<DeliveryStatus, 'pending'>,
    opts: SettleOptions = {},
  ): Promise<void> {
    const refs = opts.messageRefs ? [...opts.messageRefs] : opts.messageRef ? [opts.messageRef] : null;
    return this.write(() => {
      const settled = this.q(
        `UPDATE deliveries SET status = ?, message_ref = coalesce(?, message_ref),
             message_refs = coalesce(?, message_refs), reason = ?, updated_at = ?, lease_until = 0 WHERE id = ?`,
      ).run(
        status,
        opts.messageRef ?? refs?.[0] ?? null,
        refs ? JSON.stringify(refs) : null,
        opts.reason ?? null,
        now(),
        id,
      );
      if (settled.changes === 0)
        throw new TradewireError('store/not-found', `delivery ${id} was never claimed`);
      const c = opts.digestCursor;
      if (c && status === 'delivered') this.advanceCursorSync(c.channel, c.seq, c.periodKey);
    });
  }

  async getDelivery(id: string): Promise<Delivery | null> {
    const r = this.q('SELECT * FROM deliveries WHERE id = ?').get(id) as Row | undefined;
    return r ? toDelivery(r) : null;
  }

  async listDeliveries(opts: { channel?: string; limit?: number } = {}): Promise<Delivery[]> {
    const rows = (
      opts.channel
        ? this.q('SELECT * FROM deliveries WHERE channel = ? ORDER BY created_at DESC, id LIMIT ?').all(
            opts.channel,
            opts.limit ?? 100,
          )
        : this.q('SELECT * FROM deliveries ORDER BY created_at DESC, id LIMIT ?').all(opts.limit ?? 100)
    ) as Row[];
    return rows.map(toDelivery);
  }

  async getDigestCursor(channel: string): Promise<DigestCursor | null> {
    const r = this.q('SELECT * FROM digest_cursors WHERE channel = ?').get(channel) as Row | undefined;
    if (!r) return null;
    return {
      channel,
      lastSeq: Number(r.last_seq),
      lastPeriodKey: strOrNull(r.last_period_key),
      updatedAt: str(r.updated_at),
    };
  }

  async advanceDigestCursor(channel: string, lastSeq: number, periodKey: string): Promise<void> {
    return this.write(() => this.advanceCursorSync(channel, lastSeq, periodKey));
  }

  private advanceCursorSync(channel: string, lastSeq: number, periodKey: string): void {
    this.q(
      `INSERT INTO digest_cursors (channel, last_seq, last_period_key, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(channel) DO UPDATE SET last_seq = excluded.last_seq, last_period_key = excluded.last_period_key,
         updated_at = excluded.updated_at
       WHERE excluded.last_seq >= digest_cursors.last_seq`,
    ).run(channel, lastSeq, periodKey, now());
  }

  async addWatch(w: Watch, maxPerChannel: number): Promise<Watch> {
    return this.write((): Watch => {
      const n = Number(
        (this.q('SELECT count(*) AS n FROM watches WHERE channel = ?').get(w.channel) as Row).n,
      );
      if (n >= maxPerChannel) {
        throw new TradewireError(
          'watch/limit',
          `channel ${w.channel} already has ${n} watches (limit ${maxPerChannel})`,
          {
            hint: 'remove one with `watch remove <id>` or raise TRADEWIRE_MAX_WATCHES_PER_CHANNEL',
          },
        );
      }
      this.q('INSERT INTO watches (id, channel, query, created_at, created_by) VALUES (?, ?, ?, ?, ?)').run(
        w.id,
        w.channel,
        w.query,
        w.createdAt,
        w.createdBy,
      );
      return w;
    });
  }

  async removeWatch(id: string): Promise<boolean> {
    return this.write(() => this.q('DELETE FROM watches WHERE id = ?').run(id).changes > 0);
  }

  async listWatches(channel?: string): Promise<Watch[]> {
    const rows = (
      channel
        ? this.q('SELECT * FROM watches WHERE channel = ? ORDER BY created_at, id').all(channel)
        : this.q('SELECT * FROM watches ORDER BY channel, created_at, id').all()
    ) as Row[];
    return rows.map((r) => ({
      id: str(r.id),
      channel: str(r.channel),
      query: str(r.query),
      createdAt: str(r.created_at),
      createdBy: strOrNull(r.created_by),
    }));
  }

  async setSchedule(s: Schedule): Promise<void> {
    return this.write(() => {
      this.q('INSERT OR REPLACE INTO schedules (channel, json) VALUES (?, ?)').run(
        s.channel,
        JSON.stringify(s),
      );
    });
  }

  async removeSchedule(channel: string): Promise<boolean> {
    return this.write(() => this.q('DELETE FROM schedules WHERE channel = ?').run(channel).changes > 0);
  }

  async getSchedule(channel: string): Promise<Schedule | null> {
    const r = this.q('SELECT json FROM schedules WHERE channel = ?').get(channel) as Row | undefined;
    return r ? (JSON.parse(str(r.json)) as Schedule) : null;
  }

  async listSchedules(): Promise<Schedule[]> {
    return (this.q('SELECT json FROM schedules ORDER BY channel').all() as Row[]).map(
      (r) => JSON.parse(str(r.json)) as Schedule,
    );
  }

  async getThread(threadId: string): Promise<ThreadState | null> {
    const r = this.q('SELECT json FROM threads WHERE thread_id = ?').get(threadId) as Row | undefined;
    return r ? (JSON.parse(str(r.json)) as ThreadState) : null;
  }

  async saveThread(t: ThreadState): Promise<void> {
    return this.write(() => {
      this.q('INSERT OR REPLACE INTO threads (thread_id, channel, json, updated_at) VALUES (?, ?, ?, ?)').run(
        t.threadId,
        t.channel,
        JSON.stringify(t),
        t.updatedAt,
      );
    });
  }

  async recordPendingDeliveries(entries: readonly PendingDelivery[]): Promise<void> {
    if (entries.length === 0) return;
    return this.write(() => unfinished.recordPendingDeliveries(this.conn, entries));
  }

  async markStoryMatched(storyId: string, version: number): Promise<void> {
    return this.write(() => unfinished.markStoryMatched(this.conn, storyId, version));
  }

  async unfinishedCounts(): Promise<UnfinishedCounts> {
    return unfinished.unfinishedCounts(this.conn);
  }

  async unsummarisedStories(limit: number): Promise<Array<{ storyId: string; version: number }>> {
    return unfinished.unsummarisedStories(this.conn, limit);
  }

  async unalertedStories(limit: number): Promise<Array<{ storyId: string; version: number }>> {
    return unfinished.unalertedStories(this.conn, limit);
  }

  async unsettledDeliveries(limit: number): Promise<UnsettledDelivery[]> {
    return unfinished.unsettledDeliveries(this.conn, limit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.release();
  }
}
