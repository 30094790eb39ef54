import type { Passage, PassageQuery } from '../retrieval.ts';
import type { SqliteConnection } from './connection.ts';
import { matchExpression } from './fts-match.ts';

type Row = Record<string, unknown>;
const DEFAULT_TITLE_WEIGHT = 3;

/** BM25 over the passages' FTS5 index (title and text columns), filtered in the same statement. */
export function searchPassages(conn: SqliteConnection, q: PassageQuery): Passage[] {
  const match = matchExpression(q);
  if (match === null || q.limit <= 0) return [];
  const where = ['passages_fts MATCH ?'];
  const args: unknown[] = [q.titleWeight ?? DEFAULT_TITLE_WEIGHT, match];
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
  if (q.storyIds) {
    where.push('p.story_id IN (SELECT value FROM json_each(?))');
    args.push(JSON.stringify(q.storyIds));
  }
  args.push(Math.floor(q.limit));
  const rows = conn
    .statement(
      `SELECT p.article_id, p.story_id, p.source, p.url, p.title, p.published, p.text,
              bm25(passages_fts, ?, 1.0) AS score
       FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid
       WHERE ${where.join(' AND ')}
       ORDER BY score, p.published DESC LIMIT ?`,
    )
    .all(...args) as Row[];
  return rows.map((r) => ({
    articleId: String(r.article_id),
    storyId: String(r.story_id),
    source: String(r.source),
    url: r.url === null ? null : String(r.url),
    title: String(r.title),
    published: String(r.published),
    text: String(r.text),
    score: -Number(r.score),
  }));
}
