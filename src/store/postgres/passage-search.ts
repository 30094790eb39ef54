import { TradewireError } from '../../errors.ts';
import { MAX_QUERY_TERMS, type Passage, type PassageQuery, type SearchTerm } from '../retrieval.ts';
import type { PgConnection } from './connection.ts';

const DEFAULT_TITLE_WEIGHT = 3;

/** One form as plain words (letters, digits, single spaces), or null when nothing searchable is left. */
function cleanForm(form: string): string | null {
  const clean = form
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase();
  return clean || null;
}

const formsOf = (t: SearchTerm): string[] => [
  ...new Set(t.forms.map(cleanForm).filter((f): f is string => f !== null)),
];

/**
 * Full-text retrieval over `passages.tsv` (title weighted A, text B; GIN-indexed).
 *
 * Nothing from a query is tsquery syntax: every form is cleaned to plain words and passed as a
 * parameter to `phraseto_tsquery`, so a multi-word form is a phrase and operators are inert. Each
 * term is the OR (`||`) of its forms' tsqueries. "At least m of n terms" is a count of matching terms
 * (`(tsv @@ term)::int` summed), behind an any-term `@@` the GIN index answers, so it never expands
 * into n-choose-m clauses. Ranking: passages matching more terms first (as BM25 over the combined
 * query tends to do on SQLite), then `ts_rank_cd` with the title weight, then the most recent.
 */
export async function searchPassages(conn: PgConnection, q: PassageQuery): Promise<Passage[]> {
  if (q.terms.length > MAX_QUERY_TERMS) {
    throw new TradewireError(
      'store/bad-query',
      `a passage query takes at most ${MAX_QUERY_TERMS} terms (got ${q.terms.length})`,
    );
  }
  const seen = new Set<string>();
  const terms: string[][] = [];
  for (const t of q.terms) {
    const forms = formsOf(t);
    const key = JSON.stringify([...forms].sort());
    if (forms.length === 0 || seen.has(key)) continue;
    seen.add(key);
    terms.push(forms);
  }
  if (terms.length === 0 || q.limit <= 0) return [];
  if (q.storyIds && q.storyIds.length === 0) return [];
  const required = (q.requireAny ?? []).flatMap(formsOf);
  if ((q.requireAny ?? []).length > 0 && required.length === 0) return [];
  const minMatch = Math.min(terms.length, Math.max(1, Math.floor(q.minMatch)));

  const args: unknown[] = [];
  const param = (v: unknown): string => {
    args.push(v);
    return `$${args.length}`;
  };
  // A term's tsquery: the OR of its forms' phrase queries.
  const tsq = (forms: string[]): string =>
    `(${forms.map((f) => `phraseto_tsquery('tradewire', ${param(f)})`).join(' || ')})`;
  const termQueries = terms.map(tsq);
  const anyTerm = termQueries.join(' || ');
  const matched = termQueries.map((t) => `(p.tsv @@ ${t})::int`).join(' + ');
  const w = q.titleWeight ?? DEFAULT_TITLE_WEIGHT;
  // ts_rank_cd weights are {D, C, B, A}, each in [0, 1]: scale so the larger of title/body is 1.
  const [titleW, bodyW] = w >= 1 ? [1, 1 / w] : [Math.max(w, 0), 1];

  const where = [`p.tsv @@ (${anyTerm})`, `(${matched}) >= ${param(minMatch)}`];
  if (required.length > 0) where.push(`p.tsv @@ ${tsq(required)}`);
  if (q.since) where.push(`p.published >= ${param(q.since)}`);
  if (q.until) where.push(`p.published < ${param(q.until)}`);
  if (q.source) where.push(`lower(p.source) = lower(${param(q.source)})`);
  if (q.storyIds) where.push(`p.story_id = ANY(${param([...q.storyIds])}::text[])`);
  const weights = param([0, 0, bodyW, titleW]);
  const limit = param(Math.floor(q.limit));

  const rows = await conn.query(
    `SELECT p.article_id, p.story_id, p.source, p.url, p.title, p.published, p.text,
            (${matched}) AS matched,
            ts_rank_cd(${weights}::float4[], p.tsv, (${anyTerm})) AS rank
     FROM passages p
     WHERE ${where.join(' AND ')}
     ORDER BY matched DESC, rank DESC, p.published DESC, p.id
     LIMIT ${limit}`,
    args,
  );
  return rows.map((r) => ({
    articleId: String(r.article_id),
    storyId: String(r.story_id),
    source: String(r.source),
    url: r.url === null ? null : String(r.url),
    title: String(r.title),
    published: String(r.published),
    text: String(r.text),
    // Monotone in the ORDER BY: terms matched, then the rank squeezed into [0, 1).
    score: Number(r.matched) + Number(r.rank) / (1 + Number(r.rank)),
  }));
}
