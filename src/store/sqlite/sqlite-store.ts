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
  ClaimResult,
  DigestCursor,
  IngestResult,
  NewArticle,
  Passage,
  PassageQuery,
  Store,
  StoryArticle,
  StoryCandidateRow,
  StoryDecision,
  StorySource,
  StoryView,
} from '../store.ts';
import { BandIndex } from './band-index.ts';
import { SqliteConnection } from './connection.ts';

type Row = Record<string, unknown>;
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const now = (): string => new Date().toISOString();

function toStory(r: Row): Story {
  return {
    id: str(r.id),
    firstPublished: str(r.first_published),
    lastPublished: str(r.last_published),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
    articleCount: Number(r.article_count),
    sourceCount: Number(r.source_count),
    tradeRelevance: Number(r.trade_relevance),
    summaryVersion: Number(r.summary_version),
    wantedSummaryVersion: Number(r.wanted_summary_version),
  };
}

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
    attempts: Number(r.attempts),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

const VIEW_CACHE_MAX = 50_000;
/** What a cached story view depends on: a new summary version or a joining article invalidates it. */
const stampOf = (r: Row): string => `${r.summary_version}:${r.article_count}:${r.updated_at}`;

/** The embedded default store: one SQLite file in the data directory, WAL mode. */
export class SqliteStore implements Store {
  private readonly conn: SqliteConnection;
  private closed = false;
  private readonly viewCache = new Map<string, { stamp: string; view: StoryView }>();

  constructor(file: string) {
    this.conn = SqliteConnection.acquire(file);
  }

  /** The underlying database (benchmarks and tests inspect it). */
  get db(): Database.Database {
    return this.conn.db;
  }

  private get bands(): BandIndex {
    return this.conn.bands;
  }

  private q(sql: string): Database.Statement {
    return this.conn.statement(sql);
  }

  private write<T>(fn: () => T): Promise<T> {
    return this.conn.write(fn);
  }

  async ingestArticle(
    a: NewArticle,
    window: { from: string; to: string },
    decide: (
      candidates: StoryCandidateRow[],
      storyFingerprints: (storyId: string) => string[],
    ) => StoryDecision,
  ): Promise<IngestResult> {
    // IMMEDIATE: take the write lock before reading candidates, so two processes cannot both
    // decide "new story" for two copies of the same story.
    return this.write((): IngestResult => {
      const existing = this.q('SELECT story_id FROM articles WHERE id = ?').get(a.id) as Row | undefined;
      if (existing) {
        return { articleId: a.id, storyId: str(existing.story_id), status: 'duplicate', summaryDue: false };
      }
      const candidates = this.candidates(a.bandKeys, window);
      const decision =
        candidates.length === 0 ? { join: null } : decide(candidates, (s) => this.fingerprints(s));
      const ts = now();
      let storyId: string;
      let summaryDue: boolean;
      if (decision.join === null) {
        storyId = a.id;
        const seq = (this.q('SELECT coalesce(max(seq), 0) + 1 AS n FROM stories').get() as Row).n;
        this.q(
          `INSERT INTO stories (id, seq, first_published, last_published, created_at, updated_at, article_count,
               source_count, trade_relevance) VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?)`,
        ).run(storyId, seq, a.published, a.published, ts, ts, a.tradeRelevance);
        summaryDue = true;
      } else {
        storyId = decision.join;
        summaryDue = decision.materialChange;
      }
      const insertArticle = this.q(
        `INSERT INTO articles (id, story_id, url, source, title, title_derived, published, ingested_at, body,
             content_hash, trade_relevance, fingerprint, band_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const keys = BandIndex.encode(a.bandKeys);
      const inserted = insertArticle.run(
        a.id,
        storyId,
        a.url,
        a.source,
        a.title,
        a.titleDerived ? 1 : 0,
        a.published,
        a.ingestedAt,
        a.body,
        a.contentHash,
        a.tradeRelevance,
        a.fingerprint,
        keys,
      );
      this.bands.added(Number(inserted.lastInsertRowid), keys, a.published);
      const passage = this.q(
        'INSERT INTO passages (article_id, story_id, source, url, title, published, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const fts = this.q('INSERT INTO passages_fts (rowid, title, text) VALUES (?, ?, ?)');
      for (const text of a.passages) {
        const info = passage.run(a.id, storyId, a.source, a.url, a.title, a.published, text);
        fts.run(info.lastInsertRowid, a.title, text);
      }
      if (decision.join !== null) {
        this.q(
          `UPDATE stories SET
               first_published = min(first_published, ?), last_published = max(last_published, ?),
               updated_at = ?, article_count = article_count + 1,
               source_count = (SELECT count(DISTINCT source) FROM articles WHERE story_id = ?),
               trade_relevance = max(trade_relevance, ?),
               wanted_summary_version = wanted_summary_version + ?
             WHERE id = ?`,
        ).run(a.published, a.published, ts, storyId, a.tradeRelevance, summaryDue ? 1 : 0, storyId);
        if (summaryDue) {
          const v = (
            this.q('SELECT wanted_summary_version AS v FROM stories WHERE id = ?').get(storyId) as Row
          ).v;
          this.q(
            'INSERT OR REPLACE INTO story_changes (story_id, version, article_id, reason, at) VALUES (?, ?, ?, ?, ?)',
          ).run(storyId, v, a.id, 'material-new-content', ts);
        }
      }
      return {
        articleId: a.id,
        storyId,
        status: decision.join === null ? 'new' : 'joined-story',
        summaryDue,
      };
    });
  }

  private candidates(bandKeys: string[], window: { from: string; to: string }): StoryCandidateRow[] {
    if (bandKeys.length === 0) return [];
    const fetch = this.q('SELECT id, story_id, published, fingerprint FROM articles WHERE rowid = ?');
    const out: StoryCandidateRow[] = [];
    for (const rowid of this.bands.lookup(bandKeys, window.from, window.to)) {
      const a = fetch.get(rowid) as Row | undefined;
      if (a) {
        out.push({
          articleId: str(a.id),
          storyId: str(a.story_id),
          published: str(a.published),
          fingerprint: str(a.fingerprint),
        });
      }
    }
    return out;
  }

  private fingerprints(storyId: string): string[] {
    return (
      this.q('SELECT fingerprint FROM articles WHERE story_id = ? LIMIT 200').all(storyId) as Row[]
    ).map((r) => str(r.fingerprint));
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

  /**
   * Views for many story rows (at least id, summary_version, article_count, updated_at). Views are
   * cached per story, keyed by what changes them, so a thousand channels building digests at 08:00
   * read each story once; the keys are always read fresh, so other processes' writes are seen.
   */
  private views(rows: Row[]): StoryView[] {
    const out: StoryView[] = [];
    const missing: Row[] = [];
    for (const r of rows) {
      const hit = this.viewCache.get(str(r.id));
      if (hit && hit.stamp === stampOf(r)) out.push(hit.view);
      else missing.push(r);
    }
    if (missing.length === 0) return out; // already in the caller's order
    const loaded = new Map(this.loadViews(missing).map((v) => [v.story.id, v]));
    for (const r of missing) {
      const v = loaded.get(str(r.id))!;
      if (this.viewCache.size >= VIEW_CACHE_MAX)
        this.viewCache.delete(this.viewCache.keys().next().value ?? '');
      this.viewCache.set(v.story.id, { stamp: stampOf(r), view: v });
    }
    // Keep the caller's order.
    return rows.map((r) => {
      const v = loaded.get(str(r.id));
      return v ?? this.viewCache.get(str(r.id))!.view;
    });
  }

  /** Many stories in three queries (not three per story); `keys` need only carry `id`. */
  private loadViews(keys: Row[]): StoryView[] {
    if (keys.length === 0) return [];
    const ids = JSON.stringify(keys.map((r) => str(r.id)));
    const rows = this.q('SELECT st.* FROM json_each(?) j JOIN stories st ON st.id = j.value').all(
      ids,
    ) as Row[];
    const summaries = new Map<string, StoredSummary>();
    for (const r of this.q(
      `SELECT s.* FROM json_each(?) j JOIN stories st ON st.id = j.value
       JOIN summaries s ON s.story_id = st.id AND s.version = st.summary_version`,
    ).all(ids) as Row[]) {
      summaries.set(str(r.story_id), {
        ...(JSON.parse(str(r.json)) as Summary),
        storyId: str(r.story_id),
        version: Number(r.version),
        summarisedBy: str(r.summarised_by),
        promptVersion: str(r.prompt_version),
        createdAt: str(r.created_at),
      });
    }
    const sources = new Map<string, StorySource[]>();
    for (const r of this.q(
      `SELECT a.story_id, a.id, a.source, a.url, a.title, a.published FROM json_each(?) j
       JOIN articles a ON a.story_id = j.value ORDER BY a.published, a.ingested_at, a.id`,
    ).all(ids) as Row[]) {
      const list = sources.get(str(r.story_id)) ?? [];
      list.push({
        articleId: str(r.id),
        source: str(r.source),
        url: strOrNull(r.url),
        title: str(r.title),
        published: str(r.published),
      });
      sources.set(str(r.story_id), list);
    }
    return rows.map((r) => {
      const story = toStory(r);
      return { story, summary: summaries.get(story.id) ?? null, sources: sources.get(story.id) ?? [] };
    });
  }

  async storyView(storyId: string): Promise<StoryView | null> {
    const r = this.q('SELECT * FROM stories WHERE id = ?').get(storyId) as Row | undefined;
    return r ? (this.views([r])[0] ?? null) : null;
  }

  async storiesPublishedBetween(since: string, until: string): Promise<StoryView[]> {
    const rows = this.q(
      `SELECT * FROM stories WHERE id IN (SELECT DISTINCT story_id FROM articles WHERE published >= ? AND published < ?)
       ORDER BY last_published DESC, seq DESC`,
    ).all(since, until) as Row[];
    return this.views(rows);
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
    return { stories: this.views(rows), maxSeq };
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

  async cachedSummary(
    key: string,
  ): Promise<{ summary: Summary; summarisedBy: string; promptVersion: string } | null> {
    const r = this.q('SELECT * FROM summary_cache WHERE key = ?').get(key) as Row | undefined;
    if (!r) return null;
    return {
      summary: JSON.parse(str(r.json)) as Summary,
      summarisedBy: str(r.summarised_by),
      promptVersion: str(r.prompt_version),
    };
  }

  async cacheSummary(
    key: string,
    v: { summary: Summary; summarisedBy: string; promptVersion: string },
  ): Promise<void> {
    return this.write(() => {
      this.q(
        `INSERT OR REPLACE INTO summary_cache (key, json, summarised_by, prompt_version, created_at)
       VALUES (?, ?, ?, ?, ?)`,
      ).run(key, JSON.stringify(v.summary), v.summarisedBy, v.promptVersion, now());
    });
  }

  async searchPassages(q: PassageQuery): Promise<Passage[]> {
    const where = ['passages_fts MATCH ?'];
    const args: unknown[] = [q.match];
    if (q.since) {
      where.push('p.published >= ?');
      args.push(q.since);
    }
    if (q.until) {
      where.push('p.published < ?');
      args.push(q.until);
    }
    if (q.source) {
      where.push('lower(p.source) = lower(?)');
      args.push(q.source);
    }
    args.push(q.limit);
    // bm25 weights: a title hit counts more than a body hit.
    const rows = this.q(
      `SELECT p.article_id, p.story_id, p.source, p.url, p.title, p.published, p.text,
              bm25(passages_fts, 3.0, 1.0) AS score
       FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
       WHERE ${where.join(' AND ')}
       ORDER BY score, p.published DESC LIMIT ?`,
    ).all(...args) as Row[];
    return rows.map((r) => ({
      articleId: str(r.article_id),
      storyId: str(r.story_id),
      source: str(r.source),
      url: strOrNull(r.url),
      title: str(r.title),
      published: str(r.published),
      text: str(r.text),
      score: -Number(r.score),
    }));
  }

  async claimDelivery(d: {
    id: string;
    channel: string;
    kind: DeliveryKind;
    storyIds: string[];
    watchId?: string | null;
    leaseMs: number;
  }): Promise<ClaimResult> {
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
    opts: {
      messageRef?: string | null;
      reason?: string | null;
      digestCursor?: { channel: string; seq: number; periodKey: string } | undefined;
    } = {},
  ): Promise<void> {
    return this.write(() => {
      this.q(
        `UPDATE deliveries SET status = ?, message_ref = coalesce(?, message_ref), reason = ?, updated_at = ?,
             lease_until = 0 WHERE id = ?`,
      ).run(status, opts.messageRef ?? null, opts.reason ?? null, now(), id);
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

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.release();
  }
}
