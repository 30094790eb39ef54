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
import { PgConnection, type Queryable, type Row } from './connection.ts';
import { searchPassages } from './passage-search.ts';
import { storyViews, toStory } from './story-views.ts';
import * as unfinished from './unfinished-work.ts';

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

const first = async (c: Queryable, sql: string, args: unknown[]): Promise<Row | undefined> =>
  (await c.query<Row>(sql, args)).rows[0];

/**
 * The shared store for multi-process and multi-machine deployments: PostgreSQL through a `pg` pool
 * (selected by DATABASE_URL). Migrations run on first use, under an advisory lock. Every method is
 * one statement or one transaction, and resolves after COMMIT; nothing is cached in the process, so
 * any number of processes may share the database.
 */
export class PostgresStore implements Store {
  private readonly conn: PgConnection;
  private closed = false;

  constructor(url: string, opts: { poolSize?: number } = {}) {
    this.conn = new PgConnection(url, opts.poolSize ? { max: opts.poolSize } : {});
  }

  /** Applies pending migrations now (otherwise the first call does). */
  migrate(): Promise<void> {
    return this.conn.migrated();
  }

  storyCandidates(
    a: { id: string; bandKeys: readonly string[] },
    window: { from: string; to: string },
  ): Promise<CandidateSnapshot> {
    return storyCandidates(this.conn, a, window);
  }

  storyFingerprints(storyId: string): Promise<string[]> {
    return storyFingerprints(this.conn, storyId);
  }

  addArticle(
    a: NewArticle,
    placement: { window: { from: string; to: string }; token: string; decision: StoryDecision },
  ): Promise<IngestResult | StaleDecision> {
    return addArticle(this.conn, a, placement);
  }

  async getStory(id: string): Promise<Story | null> {
    const [r] = await this.conn.query('SELECT * FROM stories WHERE id = $1', [id]);
    return r ? toStory(r) : null;
  }

  async storyArticles(storyId: string): Promise<StoryArticle[]> {
    const rows = await this.conn.query(
      `SELECT id, title, title_derived, body, source, url, published, content_hash FROM articles
       WHERE story_id = $1 ORDER BY published, ingested_at, id`,
      [storyId],
    );
    return rows.map((r) => ({
      id: str(r.id),
      title: str(r.title),
      titleDerived: r.title_derived === true,
      body: str(r.body),
      source: str(r.source),
      url: strOrNull(r.url),
      published: str(r.published),
      contentHash: str(r.content_hash),
    }));
  }

  async storyView(storyId: string): Promise<StoryView | null> {
    const rows = await this.conn.query('SELECT * FROM stories WHERE id = $1', [storyId]);
    return (await storyViews(this.conn, rows))[0] ?? null;
  }

  async storiesPublishedBetween(since: string, until: string): Promise<StoryView[]> {
    const rows = await this.conn.query(
      `SELECT * FROM stories WHERE id IN (SELECT story_id FROM articles WHERE published >= $1 AND published < $2)
       ORDER BY last_published DESC, seq DESC`,
      [since, until],
    );
    return storyViews(this.conn, rows);
  }

  async storiesArrivedAfter(
    afterSeq: number,
    opts: { createdSince?: string; limit?: number } = {},
  ): Promise<{ stories: StoryView[]; maxSeq: number }> {
    const rows = await this.conn.query(
      'SELECT * FROM stories WHERE seq > $1 AND created_at >= $2 ORDER BY seq LIMIT $3',
      [afterSeq, opts.createdSince ?? '', opts.limit ?? 100_000],
    );
    const maxSeq = rows.length > 0 ? Number(rows[rows.length - 1]!.seq) : afterSeq;
    return { stories: await storyViews(this.conn, rows), maxSeq };
  }

  async maxStorySeq(): Promise<number> {
    return Number((await this.conn.query('SELECT coalesce(max(seq), 0) AS n FROM stories'))[0]!.n);
  }

  async storyCount(): Promise<number> {
    return Number((await this.conn.query('SELECT count(*) AS n FROM stories'))[0]!.n);
  }

  async articleCount(): Promise<number> {
    return Number((await this.conn.query('SELECT count(*) AS n FROM articles'))[0]!.n);
  }

  async listSources(): Promise<SourceInfo[]> {
    const rows = await this.conn.query(
      `SELECT source, count(*) AS n, max(published) AS last FROM articles GROUP BY source
       ORDER BY n DESC, source LIMIT 500`,
    );
    return rows.map((r) => ({
      source: str(r.source),
      articles: Number(r.n),
      lastPublished: strOrNull(r.last),
    }));
  }

  async requestResummary(storyId: string, promptVersion: string): Promise<number | null> {
    // One statement: the row lock makes a second request wait for the first, then find nothing to do.
    const [r] = await this.conn.query(
      `UPDATE stories SET wanted_summary_version = wanted_summary_version + 1
         WHERE id = $1 AND summary_version = wanted_summary_version
           AND EXISTS (SELECT 1 FROM summaries m WHERE m.story_id = stories.id
                         AND m.version = stories.summary_version AND m.prompt_version = $2)
         RETURNING wanted_summary_version AS v`,
      [storyId, promptVersion],
    );
    return r ? Number(r.v) : null;
  }

  async claimSummary(
    storyId: string,
    leaseMs: number,
  ): Promise<{ claimed: true } | { claimed: false; retryInMs: number }> {
    const t = Date.now();
    // One statement: the row lock makes two claimers take turns, and the second sees the first's lease.
    const [r] = await this.conn.query(
      `WITH claim AS (
         UPDATE stories SET summarising_until = $1 WHERE id = $2 AND summary_version < wanted_summary_version
           AND summarising_until <= $3 RETURNING id)
       SELECT (SELECT count(*) FROM claim) AS claimed, (SELECT summarising_until FROM stories WHERE id = $2) AS u`,
      [t + leaseMs, storyId, t],
    );
    if (Number(r?.claimed) > 0) return { claimed: true };
    return { claimed: false, retryInMs: Math.max(0, Number(r?.u ?? 0) - t) };
  }

  saveSummary(s: Omit<StoredSummary, 'createdAt'>): Promise<boolean> {
    const { storyId, version, summarisedBy, promptVersion, ...summary } = s;
    return this.conn.tx(async (c): Promise<boolean> => {
      const cur = await first(c, 'SELECT summary_version FROM stories WHERE id = $1 FOR UPDATE', [storyId]);
      if (!cur) throw new TradewireError('store/not-found', `story ${storyId} does not exist`);
      if (Number(cur.summary_version) >= version) return false;
      await c.query(
        `INSERT INTO summaries (story_id, version, json, summarised_by, prompt_version, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (story_id, version) DO UPDATE SET json = excluded.json,
           summarised_by = excluded.summarised_by, prompt_version = excluded.prompt_version,
           created_at = excluded.created_at`,
        [storyId, version, JSON.stringify(summary), summarisedBy, promptVersion, now()],
      );
      await c.query('UPDATE stories SET summary_version = $1, summarising_until = 0 WHERE id = $2', [
        version,
        storyId,
      ]);
      return true;
    });
  }

  async cachedSummary(key: string): Promise<CachedSummary | null> {
    const [r] = await this.conn.query('SELECT * FROM summary_cache WHERE key = $1', [key]);
    if (!r) return null;
    return {
      summary: JSON.parse(str(r.json)) as Summary,
      summarisedBy: str(r.summarised_by),
      promptVersion: str(r.prompt_version),
    };
  }

  async cacheSummary(key: string, v: CachedSummary): Promise<void> {
    await this.conn.query(
      `INSERT INTO summary_cache (key, json, summarised_by, prompt_version, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET json = excluded.json, summarised_by = excluded.summarised_by,
         prompt_version = excluded.prompt_version, created_at = excluded.created_at`,
      [key, JSON.stringify(v.summary), v.summarisedBy, v.promptVersion, now()],
    );
  }

  searchPassages(q: PassageQuery): Promise<Passage[]> {
    return searchPassages(this.conn, q);
  }

  claimDelivery(d: DeliveryClaim): Promise<ClaimResult> {
    return this.conn.tx(async (c): Promise<ClaimResult> => {
      const ts = now();
      await c.query(
        `INSERT INTO deliveries (id, channel, kind, status, story_ids, watch_id, created_at, updated_at)
         VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6) ON CONFLICT (id) DO NOTHING`,
        [d.id, d.channel, d.kind, JSON.stringify(d.storyIds), d.watchId ?? null, ts],
      );
      // The row lock makes concurrent claimers of one delivery take turns.
      const row = (await first(c, 'SELECT * FROM deliveries WHERE id = $1 FOR UPDATE', [d.id]))!;
      const status = str(row.status);
      if (status === 'delivered' || status === 'filtered-out') {
        return { outcome: 'settled', delivery: toDelivery(row), retryInMs: 0 };
      }
      const leaseLeft = Number(row.lease_until) - Date.now();
      if (leaseLeft > 0) return { outcome: 'busy', delivery: toDelivery(row), retryInMs: leaseLeft };
      const claimed = await first(
        c,
        'UPDATE deliveries SET attempts = attempts + 1, lease_until = $1, updated_at = $2 WHERE id = $3 RETURNING *',
        [Date.now() + d.leaseMs, ts, d.id],
      );
      return { outcome: 'claimed', delivery: toDelivery(claimed!), retryInMs: 0 };
    });
  }

  settleDelivery(
    id: string,
    status: Exclude<DeliveryStatus, 'pending'>,
    opts: SettleOptions = {},
  ): Promise<void> {
    const refs = opts.messageRefs ? [...opts.messageRefs] : opts.messageRef ? [opts.messageRef] : null;
    return this.conn.tx(async (c) => {
      const settled = await c.query(
        `UPDATE deliveries SET status = $1, message_ref = coalesce($2, message_ref),
           message_refs = coalesce($3, message_refs), reason = $4, updated_at = $5, lease_until = 0 WHERE id = $6`,
        [
          status,
          opts.messageRef ?? refs?.[0] ?? null,
          refs ? JSON.stringify(refs) : null,
          opts.reason ?? null,
          now(),
          id,
        ],
      );
      if (settled.rowCount === 0)
        throw new TradewireError('store/not-found', `delivery ${id} was never claimed`);
      const cur = opts.digestCursor;
      if (cur && status === 'delivered') await advanceCursor(c, cur.channel, cur.seq, cur.periodKey);
    });
  }

  async getDelivery(id: string): Promise<Delivery | null> {
    const [r] = await this.conn.query('SELECT * FROM deliveries WHERE id = $1', [id]);
    return r ? toDelivery(r) : null;
  }

  async listDeliveries(opts: { channel?: string; limit?: number } = {}): Promise<Delivery[]> {
    const rows = opts.channel
      ? await this.conn.query(
          'SELECT * FROM deliveries WHERE channel = $1 ORDER BY created_at DESC, id LIMIT $2',
          [opts.channel, opts.limit ?? 100],
        )
      : await this.conn.query('SELECT * FROM deliveries ORDER BY created_at DESC, id LIMIT $1', [
          opts.limit ?? 100,
        ]);
    return rows.map(toDelivery);
  }

  async getDigestCursor(channel: string): Promise<DigestCursor | null> {
    const [r] = await this.conn.query('SELECT * FROM digest_cursors WHERE channel = $1', [channel]);
    if (!r) return null;
    return {
      channel,
      lastSeq: Number(r.last_seq),
      lastPeriodKey: strOrNull(r.last_period_key),
      updatedAt: str(r.updated_at),
    };
  }

  async advanceDigestCursor(channel: string, lastSeq: number, periodKey: string): Promise<void> {
    await this.conn.migrated();
    await advanceCursor(this.conn.pool, channel, lastSeq, periodKey);
  }

  addWatch(w: Watch, maxPerChannel: number): Promise<Watch> {
    return this.conn.tx(async (c): Promise<Watch> => {
      // Serialises adds per channel across processes, so two at once cannot both pass the limit.
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`watches:${w.channel}`]);
      const n = Number(
        (await first(c, 'SELECT count(*) AS n FROM watches WHERE channel = $1', [w.channel]))!.n,
      );
      if (n >= maxPerChannel) {
        throw new TradewireError(
          'watch/limit',
          `channel ${w.channel} already has ${n} watches (limit ${maxPerChannel})`,
          { hint: 'remove one with `watch remove <id>` or raise TRADEWIRE_MAX_WATCHES_PER_CHANNEL' },
        );
      }
      await c.query(
        'INSERT INTO watches (id, channel, query, created_at, created_by) VALUES ($1, $2, $3, $4, $5)',
        [w.id, w.channel, w.query, w.createdAt, w.createdBy],
      );
      return w;
    });
  }

  async removeWatch(id: string): Promise<boolean> {
    await this.conn.migrated();
    return ((await this.conn.pool.query('DELETE FROM watches WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async listWatches(channel?: string): Promise<Watch[]> {
    const rows = channel
      ? await this.conn.query('SELECT * FROM watches WHERE channel = $1 ORDER BY created_at, id', [channel])
      : await this.conn.query('SELECT * FROM watches ORDER BY channel, created_at, id');
    return rows.map((r) => ({
      id: str(r.id),
      channel: str(r.channel),
      query: str(r.query),
      createdAt: str(r.created_at),
      createdBy: strOrNull(r.created_by),
    }));
  }

  async setSchedule(s: Schedule): Promise<void> {
    await this.conn.query(
      'INSERT INTO schedules (channel, json) VALUES ($1, $2) ON CONFLICT (channel) DO UPDATE SET json = excluded.json',
      [s.channel, JSON.stringify(s)],
    );
  }

  async removeSchedule(channel: string): Promise<boolean> {
    await this.conn.migrated();
    return (
      ((await this.conn.pool.query('DELETE FROM schedules WHERE channel = $1', [channel])).rowCount ?? 0) > 0
    );
  }

  async getSchedule(channel: string): Promise<Schedule | null> {
    const [r] = await this.conn.query('SELECT json FROM schedules WHERE channel = $1', [channel]);
    return r ? (JSON.parse(str(r.json)) as Schedule) : null;
  }

  async listSchedules(): Promise<Schedule[]> {
    return (await this.conn.query('SELECT json FROM schedules ORDER BY channel')).map(
      (r) => JSON.parse(str(r.json)) as Schedule,
    );
  }

  async getThread(threadId: string): Promise<ThreadState | null> {
    const [r] = await this.conn.query('SELECT json FROM threads WHERE thread_id = $1', [threadId]);
    return r ? (JSON.parse(str(r.json)) as ThreadState) : null;
  }

  async saveThread(t: ThreadState): Promise<void> {
    await this.conn.query(
      `INSERT INTO threads (thread_id, channel, json, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (thread_id) DO UPDATE SET channel = excluded.channel, json = excluded.json,
         updated_at = excluded.updated_at`,
      [t.threadId, t.channel, JSON.stringify(t), t.updatedAt],
    );
  }

  recordPendingDeliveries(entries: readonly PendingDelivery[]): Promise<void> {
    return unfinished.recordPendingDeliveries(this.conn, entries);
  }

  markStoryMatched(storyId: string, version: number): Promise<void> {
    return unfinished.markStoryMatched(this.conn, storyId, version);
  }

  unfinishedCounts(): Promise<UnfinishedCounts> {
    return unfinished.unfinishedCounts(this.conn);
  }

  unsummarisedStories(limit: number): Promise<Array<{ storyId: string; version: number }>> {
    return unfinished.unsummarisedStories(this.conn, limit);
  }

  unalertedStories(limit: number): Promise<Array<{ storyId: string; version: number }>> {
    return unfinished.unalertedStories(this.conn, limit);
  }

  unsettledDeliveries(limit: number): Promise<UnsettledDelivery[]> {
    return unfinished.unsettledDeliveries(this.conn, limit);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }
}

async function advanceCursor(
  c: Queryable,
  channel: string,
  lastSeq: number,
  periodKey: string,
): Promise<void> {
  await c.query(
    `INSERT INTO digest_cursors (channel, last_seq, last_period_key, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (channel) DO UPDATE SET last_seq = excluded.last_seq, last_period_key = excluded.last_period_key,
       updated_at = excluded.updated_at
     WHERE excluded.last_seq >= digest_cursors.last_seq`,
    [channel, lastSeq, periodKey, now()],
  );
}
