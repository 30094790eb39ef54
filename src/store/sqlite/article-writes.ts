import { TradewireError } from '../../errors.ts';
import type {
  CandidateSnapshot,
  IngestResult,
  NewArticle,
  StaleDecision,
  StoryCandidateRow,
  StoryDecision,
} from '../articles.ts';
import { BandIndex } from './band-index.ts';
import type { SqliteConnection } from './connection.ts';

type Row = Record<string, unknown>;
type Window = { from: string; to: string };

/**
 * Story assignment on SQLite (the contract is in ../articles.ts). The snapshot's token is the highest
 * article rowid the band index had seen when the candidates were read. Rowids only grow (articles
 * are never deleted, and SQLite has one writer at a time), so "a candidate was stored since the read"
 * is "a candidate's rowid is above the token"; `addArticle` checks that inside its write
 * transaction, under the database write lock, which makes check and insert one atomic step for every
 * process on the file.
 */
export function storyCandidates(
  conn: SqliteConnection,
  a: { id: string; bandKeys: readonly string[] },
  window: Window,
): CandidateSnapshot {
  const existing = conn.statement('SELECT story_id FROM articles WHERE id = ?').get(a.id) as Row | undefined;
  if (existing) return { existing: { storyId: String(existing.story_id) }, candidates: [], token: '0' };
  const rowids = a.bandKeys.length === 0 ? [] : conn.bands.lookup(a.bandKeys, window.from, window.to);
  const token = String(conn.bands.seen);
  const fetch = conn.statement('SELECT id, story_id, published, fingerprint FROM articles WHERE rowid = ?');
  const candidates: StoryCandidateRow[] = [];
  for (const rowid of rowids) {
    const r = fetch.get(rowid) as Row | undefined;
    if (r) {
      candidates.push({
        articleId: String(r.id),
        storyId: String(r.story_id),
        published: String(r.published),
        fingerprint: String(r.fingerprint),
      });
    }
  }
  return { existing: null, candidates, token };
}

export function storyFingerprints(conn: SqliteConnection, storyId: string): string[] {
  return (
    conn.statement('SELECT fingerprint FROM articles WHERE story_id = ? LIMIT 200').all(storyId) as Row[]
  ).map((r) => String(r.fingerprint));
}

/** Runs inside the connection's write transaction. */
export function addArticle(
  conn: SqliteConnection,
  a: NewArticle,
  placement: { window: Window; token: string; decision: StoryDecision },
): IngestResult | StaleDecision {
  const q = (sql: string) => conn.statement(sql);
  const existing = q('SELECT story_id FROM articles WHERE id = ?').get(a.id) as Row | undefined;
  if (existing) {
    return { articleId: a.id, storyId: String(existing.story_id), status: 'duplicate', summaryDue: false };
  }
  const { decision, window } = placement;
  if (decision.join === null && a.bandKeys.length > 0) {
    const seen = Number(placement.token);
    if (!Number.isSafeInteger(seen)) {
      throw new TradewireError('store/bad-query', `not a candidate snapshot token: "${placement.token}"`);
    }
    if (conn.bands.lookup(a.bandKeys, window.from, window.to).some((rowid) => rowid > seen)) {
      return { status: 'stale' };
    }
  }
  const ts = new Date().toISOString();
  let storyId: string;
  let summaryDue: boolean;
  if (decision.join === null) {
    storyId = a.id;
    const seq = (q('SELECT coalesce(max(seq), 0) + 1 AS n FROM stories').get() as Row).n;
    q(
      `INSERT INTO stories (id, seq, first_published, last_published, created_at, updated_at, article_count,
           source_count, trade_relevance) VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?)`,
    ).run(storyId, seq, a.published, a.published, ts, ts, a.tradeRelevance);
    summaryDue = true;
  } else {
    storyId = decision.join;
    summaryDue = decision.materialChange;
  }
  const keys = BandIndex.encode(a.bandKeys);
  const inserted = q(
    `INSERT INTO articles (id, story_id, url, source, title, title_derived, published, ingested_at, body,
         content_hash, trade_relevance, fingerprint, band_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
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
  const passage = q(
    'INSERT INTO passages (article_id, story_id, source, url, title, published, text) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const fts = q('INSERT INTO passages_fts (rowid, title, text) VALUES (?, ?, ?)');
  for (const text of a.passages) {
    const info = passage.run(a.id, storyId, a.source, a.url, a.title, a.published, text);
    fts.run(info.lastInsertRowid, a.title, text);
  }
  if (decision.join !== null) {
    const joined = q(
      `UPDATE stories SET
           first_published = min(first_published, ?), last_published = max(last_published, ?),
           updated_at = ?, article_count = article_count + 1,
           source_count = (SELECT count(DISTINCT source) FROM articles WHERE story_id = ?),
           trade_relevance = max(trade_relevance, ?),
           wanted_summary_version = wanted_summary_version + ?
         WHERE id = ?`,
    ).run(a.published, a.published, ts, storyId, a.tradeRelevance, summaryDue ? 1 : 0, storyId);
    if (joined.changes === 0) throw new TradewireError('store/not-found', `story ${storyId} does not exist`);
    if (summaryDue) {
      const v = (q('SELECT wanted_summary_version AS v FROM stories WHERE id = ?').get(storyId) as Row).v;
      q(
        'INSERT OR REPLACE INTO story_changes (story_id, version, article_id, reason, at) VALUES (?, ?, ?, ?, ?)',
      ).run(storyId, v, a.id, 'material-new-content', ts);
    }
  }
  // Last, once nothing can fail: a write that throws is rolled back and must leave the index alone.
  conn.bands.added(Number(inserted.lastInsertRowid), keys, a.published);
  return {
    articleId: a.id,
    storyId,
    status: decision.join === null ? 'new' : 'joined-story',
    summaryDue,
  };
}
