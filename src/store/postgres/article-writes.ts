import pg from 'pg';
import { TradewireError } from '../../errors.ts';
import type {
  CandidateSnapshot,
  IngestResult,
  NewArticle,
  StaleDecision,
  StoryCandidateRow,
  StoryDecision,
} from '../articles.ts';
import type { PgConnection, Queryable, Row } from './connection.ts';

type Window = { from: string; to: string };

/** Advisory lock class (two-int key space, apart from the band keys' bigint space) for story seqs. */
const STORY_SEQ_LOCK: readonly [number, number] = [0x7477, 2];
const PER_KEY = 64;

/**
 * Story assignment on PostgreSQL (the contract is in ../articles.ts).
 *
 * Band keys live in `article_bands(band_key, published, article_id)`, hashed to bigint with
 * `hashtextextended`, so candidate lookup is one indexed probe per key — no in-process index.
 *
 * The snapshot's token is the set of candidate article ids the read saw. `addArticle` first takes
 * `pg_advisory_xact_lock` on every one of the article's (hashed) keys, in ascending order so two
 * writers can never deadlock, and only then re-reads the candidates. Every writer takes the locks of
 * its own keys before inserting its band rows, so two writers that share a key are serialised: the
 * second's re-read (a new statement under READ COMMITTED, after the first's COMMIT released the
 * locks) sees the first's article. A new-story decision whose re-read finds a candidate the token
 * does not list is refused as stale and writes nothing. Writers that share no key never wait for
 * each other. Joins take the same locks (a join adds band rows another writer's check must see) but
 * are never refused.
 *
 * Story sequence numbers are handed out under one more transaction-scoped advisory lock, taken last
 * (after the band locks, so no cycle): a digest reading "stories after seq N" must never see N+2
 * committed while N+1 is still in flight, which a plain SEQUENCE would allow. A new story's row is
 * the transaction's last write (articles.story_id is a deferred foreign key), sent with the lock and
 * COMMIT in one round trip, so a new-story writer holds that lock only for as long as the server
 * takes to insert one row and commit.
 */
export async function storyCandidates(
  conn: PgConnection,
  a: { id: string; bandKeys: readonly string[] },
  window: Window,
): Promise<CandidateSnapshot> {
  const existing = await conn.query('SELECT story_id FROM articles WHERE id = $1', [a.id]);
  if (existing[0])
    return { existing: { storyId: String(existing[0].story_id) }, candidates: [], token: '[]' };
  const candidates = await readCandidates((sql, args) => conn.query(sql, args), a.bandKeys, window);
  return { existing: null, candidates, token: JSON.stringify(candidates.map((c) => c.articleId).sort()) };
}

type Run = (sql: string, args: unknown[]) => Promise<Row[]>;
const onClient =
  (c: Queryable): Run =>
  async (sql, args) =>
    (await c.query<Row>(sql, args)).rows;

async function readCandidates(
  run: Run,
  bandKeys: readonly string[],
  window: Window,
): Promise<StoryCandidateRow[]> {
  if (bandKeys.length === 0) return [];
  const sql = `SELECT a.id, a.story_id, a.published, a.fingerprint
     FROM (SELECT DISTINCT b.article_id
             FROM unnest($1::text[]) AS k(key)
             CROSS JOIN LATERAL (
               SELECT article_id FROM article_bands
               WHERE band_key = hashtextextended(k.key, 0) AND published >= $2 AND published <= $3
               ORDER BY published DESC LIMIT ${PER_KEY}) b) c
     JOIN articles a ON a.id = c.article_id
     ORDER BY a.published, a.id`;
  const args = [[...new Set(bandKeys)], window.from, window.to];
  return (await run(sql, args)).map((r) => ({
    articleId: String(r.id),
    storyId: String(r.story_id),
    published: String(r.published),
    fingerprint: String(r.fingerprint),
  }));
}

export async function storyFingerprints(conn: PgConnection, storyId: string): Promise<string[]> {
  const rows = await conn.query('SELECT fingerprint FROM articles WHERE story_id = $1 LIMIT 200', [storyId]);
  return rows.map((r) => String(r.fingerprint));
}

function tokenIds(token: string): Set<string> {
  try {
    const ids: unknown = JSON.parse(token);
    if (Array.isArray(ids) && ids.every((x) => typeof x === 'string')) return new Set(ids);
  } catch {
    // fall through
  }
  throw new TradewireError('store/bad-query', `not a candidate snapshot token: "${token}"`);
}

export async function addArticle(
  conn: PgConnection,
  a: NewArticle,
  placement: { window: Window; token: string; decision: StoryDecision },
): Promise<IngestResult | StaleDecision> {
  const { decision, window } = placement;
  const seen = decision.join === null ? tokenIds(placement.token) : null;
  const keys = [...new Set(a.bandKeys)];
  return conn.tx(async (c, commitWith) => {
    const one = async (sql: string, args: unknown[]) => (await c.query<Row>(sql, args)).rows[0];
    // The article's own id is locked too, so two writers of one id (with or without keys) serialise
    // and the second finds it a duplicate.
    // Locks in ascending key order: the sorted array is unnested (and locked) in array order.
    await c.query(
      `SELECT count(*) FROM unnest((
         SELECT array_agg(DISTINCT hashtextextended(k, 0) ORDER BY hashtextextended(k, 0))
         FROM unnest($1::text[]) AS k)) AS h, LATERAL (SELECT pg_advisory_xact_lock(h)) l`,
      [[...keys, `article:${a.id}`]],
    );
    const existing = await one('SELECT story_id FROM articles WHERE id = $1', [a.id]);
    if (existing) {
      return { articleId: a.id, storyId: String(existing.story_id), status: 'duplicate', summaryDue: false };
    }
    if (seen && keys.length > 0) {
      const now = await readCandidates(onClient(c), keys, window);
      if (now.some((x) => !seen.has(x.articleId))) return { status: 'stale' };
    }
    const ts = new Date().toISOString();
    let storyId: string;
    let summaryDue: boolean;
    if (decision.join === null) {
      // The story row is written last (the articles' foreign key is checked at COMMIT), so the seq
      // lock is held only for that insert and the commit, not for the article's rows and indexes.
      storyId = a.id;
      summaryDue = true;
    } else {
      storyId = decision.join;
      summaryDue = decision.materialChange;
      const lock = await one('SELECT id FROM stories WHERE id = $1 FOR UPDATE', [storyId]);
      if (!lock) throw new TradewireError('store/not-found', `story ${storyId} does not exist`);
    }
    await c.query(
      `INSERT INTO articles (id, story_id, url, source, title, title_derived, published, ingested_at, body,
         content_hash, trade_relevance, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        a.id,
        storyId,
        a.url,
        a.source,
        a.title,
        a.titleDerived,
        a.published,
        a.ingestedAt,
        a.body,
        a.contentHash,
        a.tradeRelevance,
        a.fingerprint,
      ],
    );
    if (keys.length > 0) {
      await c.query(
        `INSERT INTO article_bands (band_key, article_id, published)
         SELECT DISTINCT hashtextextended(k, 0), $2, $3 FROM unnest($1::text[]) AS k
         ON CONFLICT DO NOTHING`,
        [keys, a.id, a.published],
      );
    }
    if (a.passages.length > 0) {
      await c.query(
        `INSERT INTO passages (article_id, story_id, source, url, title, published, text)
         SELECT $2, $3, $4, $5, $6, $7, t FROM unnest($1::text[]) WITH ORDINALITY AS p(t, n) ORDER BY n`,
        [a.passages, a.id, storyId, a.source, a.url, a.title, a.published],
      );
    }
    if (decision.join === null) {
      // Lock, insert and COMMIT in one round trip (each statement of it reads its own snapshot, so
      // max(seq) is read after the lock is held).
      const lit = (v: string) => pg.escapeLiteral(v);
      const relevance = Number.isFinite(a.tradeRelevance) ? Number(a.tradeRelevance) : 0;
      await commitWith(
        `SELECT pg_advisory_xact_lock(${STORY_SEQ_LOCK[0]}, ${STORY_SEQ_LOCK[1]});
         INSERT INTO stories (id, seq, first_published, last_published, created_at, updated_at, article_count,
           source_count, trade_relevance)
         VALUES (${lit(storyId)}, (SELECT coalesce(max(seq), 0) + 1 FROM stories), ${lit(a.published)},
           ${lit(a.published)}, ${lit(ts)}, ${lit(ts)}, 1, 1, ${relevance})`,
      );
    } else {
      const joined = await one(
        `UPDATE stories SET
           first_published = least(first_published, $1), last_published = greatest(last_published, $1),
           updated_at = $2, article_count = article_count + 1,
           source_count = (SELECT count(DISTINCT source) FROM articles WHERE story_id = $3),
           trade_relevance = greatest(trade_relevance, $4),
           wanted_summary_version = wanted_summary_version + $5
         WHERE id = $3 RETURNING wanted_summary_version AS v`,
        [a.published, ts, storyId, a.tradeRelevance, summaryDue ? 1 : 0],
      );
      if (summaryDue) {
        await c.query(
          `INSERT INTO story_changes (story_id, version, article_id, reason, at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (story_id, version) DO UPDATE SET article_id = excluded.article_id,
             reason = excluded.reason, at = excluded.at`,
          [storyId, joined?.v, a.id, 'material-new-content', ts],
        );
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
