import { isTradewireError } from '../errors.ts';
import type { Llm } from '../llm/client.ts';
import type { Logger } from '../log.ts';
import type { Passage, PassageQuery, Store } from '../store/store.ts';
import { withPeriodTerms } from './period-terms.ts';
import { type QuestionTerm, questionTerms } from './question-terms.ts';
import { type SearchTier, searchTiers } from './search-tiers.ts';

export interface RetrieveOptions {
  /** Passages to return (default 8). */
  limit?: number;
  /** At most this many passages from one story (default 2). */
  perStory?: number;
  since?: string | undefined;
  until?: string | undefined;
  source?: string | undefined;
  /** Search only these stories. */
  storyIds?: readonly string[] | undefined;
  /** Stories the conversation is about (thread context): their passages rank higher. */
  boostStoryIds?: readonly string[];
  /** Context words (e.g. the previous question in a thread), searched with a lower weight. */
  extraTerms?: readonly string[];
  /** Weight of the extra terms relative to the question's own (default 0.3). */
  extraWeight?: number;
  /** When given, BM25 candidates are re-ranked by reciprocal rank fusion with embedding similarity. */
  llm?: Llm | null;
  log?: Logger;
}

/** `titleWeight`: a question word in a passage's title counts three times one in its text. */
export const RETRIEVE_DEFAULTS = {
  limit: 8,
  perStory: 2,
  extraWeight: 0.3,
  boost: 0.3,
  titleWeight: 3,
} as const;
/** Candidates fetched per query, as a multiple of `limit`: room for dedupe and the per-story cap. */
const OVERFETCH = 4;
/** Scores closer than this (on the 0..~2 scale) count as a tie, which recency breaks. */
const TIE = 0.01;
const RRF_K = 60;
/** Candidates re-ranked by embeddings, as a multiple of `limit`. */
const EMBED_POOL = 3;
const EMBED_MAX_CHARS = 2_000;

interface Candidate {
  passage: Passage;
  score: number;
}

/**
 * Passages that best answer `question`: BM25 over the FTS index (question terms at full weight,
 * thread context at `extraWeight`), thread stories boosted, identical text (syndicated copies)
 * kept once, at most `perStory` passages per story, the most recent first among equals.
 * Searches run in tiers (all terms, most terms, any term; see searchTiers) so common words
 * do not make the index score half its passages. The returned `score` is the combined relevance (higher
 * is better; 1 ≈ the best lexical hit).
 */
export async function retrieve(
  store: Pick<Store, 'searchPassages'>,
  question: string,
  opts: RetrieveOptions = {},
): Promise<Passage[]> {
  const limit = Math.max(1, Math.floor(opts.limit ?? RETRIEVE_DEFAULTS.limit));
  const perStory = Math.max(1, Math.floor(opts.perStory ?? RETRIEVE_DEFAULTS.perStory));
  const extraWeight = opts.extraWeight ?? RETRIEVE_DEFAULTS.extraWeight;
  const main = withPeriodTerms(question, questionTerms(question));
  const mainKeys = new Set(main.map((t) => t.key));
  const extra: QuestionTerm[] = (opts.extraTerms ?? [])
    .flatMap((t) => questionTerms(t))
    .filter((t) => !mainKeys.has(t.key));
  const filters = {
    since: opts.since,
    until: opts.until,
    source: opts.source,
    storyIds: opts.storyIds,
    titleWeight: RETRIEVE_DEFAULTS.titleWeight,
  };
  const fetch = limit * OVERFETCH;

  // A strict tier with twice the passages needed is enough (room for syndicated copies).
  const tierStop = { enough: limit * 2, minimum: limit };
  const mainTiers = searchTiers(main);
  // Context words are searched next to the question's own words, never instead of them.
  const contextTiers = extra.length > 0 ? searchTiers(extra, main) : [];
  const [mainHits, contextHits] = await Promise.all([
    searchTiered(store, mainTiers, { limit: fetch, ...tierStop, ...filters }),
    searchTiered(store, contextTiers, { limit: fetch, ...tierStop, ...filters }),
  ]);

  const byKey = new Map<string, Candidate>();
  const add = (hits: Passage[], weight: number) => {
    const top = hits.reduce((m, p) => Math.max(m, p.score), 0) || 1;
    for (const p of hits) {
      const key = `${p.articleId}\u0000${p.text}`;
      const c = byKey.get(key) ?? { passage: p, score: 0 };
      c.score += (weight * p.score) / top;
      byKey.set(key, c);
    }
  };
  // With no question terms of its own ("and why?"), the context carries the search at full weight.
  add(mainHits, 1);
  add(contextHits, main.length > 0 ? extraWeight : 1);
  const boost = new Set(opts.boostStoryIds ?? []);
  const candidates = [...byKey.values()];
  for (const c of candidates) if (boost.has(c.passage.storyId)) c.score += RETRIEVE_DEFAULTS.boost;
  candidates.sort(byScoreThenRecency);

  let ranked = dedupe(candidates);
  if (opts.llm && ranked.length > 1) {
    const pool = ranked.slice(0, limit * EMBED_POOL);
    const fused = await fuseWithEmbeddings(opts.llm, question, pool, opts.log);
    ranked = [...fused, ...ranked.slice(pool.length).map((c) => ({ ...c, score: 0 }))];
  }

  const out: Passage[] = [];
  const perStoryCount = new Map<string, number>();
  for (const c of ranked) {
    const n = perStoryCount.get(c.passage.storyId) ?? 0;
    if (n >= perStory) continue;
    perStoryCount.set(c.passage.storyId, n + 1);
    out.push({ ...c.passage, score: c.score });
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Runs the tiers (strictest first) and stops at the first with `enough` passages: looser tiers only
 * add passages that miss some of the question's words, and cost more (the index scores every row a
 * search matches). The any-term tier can match a large share of the index, so it runs only
 * when the tier before it found fewer than `minimum`.
 */
async function searchTiered(
  store: Pick<Store, 'searchPassages'>,
  tiers: readonly SearchTier[],
  q: Omit<PassageQuery, keyof SearchTier> & { enough: number; minimum: number },
): Promise<Passage[]> {
  const { enough, minimum, ...query } = q;
  let previous: Passage[] = [];
  for (const [i, tier] of tiers.entries()) {
    const last = i === tiers.length - 1;
    if (last && i > 0 && previous.length >= minimum) return previous;
    const hits = await store.searchPassages({ ...query, ...tier });
    if (last || hits.length >= enough) return hits;
    previous = hits;
  }
  return previous;
}

function byScoreThenRecency(a: Candidate, b: Candidate): number {
  const qa = Math.round(a.score / TIE);
  const qb = Math.round(b.score / TIE);
  if (qa !== qb) return qb - qa;
  if (a.passage.published !== b.passage.published) return a.passage.published < b.passage.published ? 1 : -1;
  return b.score - a.score;
}

/** Same text in several articles (wire copy reprinted) is one piece of evidence: keep the best-ranked copy. */
function dedupe(ranked: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const c of ranked) {
    const key = c.passage.text.toLowerCase().replace(/\s+/g, ' ').trim();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/**
 * Reciprocal rank fusion of the lexical order and cosine similarity to the question, over the
 * lexical candidate pool only (no vector index needed). Any LLM error falls back to lexical order.
 */
async function fuseWithEmbeddings(
  llm: Llm,
  question: string,
  ranked: Candidate[],
  log: Logger | undefined,
): Promise<Candidate[]> {
  let vectors: number[][];
  try {
    vectors = await llm.embed([
      question,
      ...ranked.map((c) => `${c.passage.title}\n${c.passage.text}`.slice(0, EMBED_MAX_CHARS)),
    ]);
  } catch (err) {
    // Embeddings are an optional refinement: any failure leaves the lexical order in place.
    log?.warn('retrieve: embeddings failed, using lexical ranking', {
      code: isTradewireError(err) ? err.code : undefined,
      error: err,
    });
    return ranked;
  }
  const [q, ...docs] = vectors;
  if (!q || docs.length !== ranked.length) return ranked;
  const semantic = ranked
    .map((c, i) => ({ c, sim: cosine(q, docs[i] ?? []) }))
    .sort((a, b) => b.sim - a.sim)
    .map((x) => x.c);
  const fused = new Map<Candidate, number>();
  for (const [i, c] of ranked.entries()) fused.set(c, 1 / (RRF_K + i + 1));
  for (const [i, c] of semantic.entries()) fused.set(c, (fused.get(c) ?? 0) + 1 / (RRF_K + i + 1));
  // Scale so the best fused score is 1, like the lexical score, for callers that weigh passages.
  const top = Math.max(...fused.values());
  // Array.prototype.sort is stable: equal fused scores keep the lexical order (which has recency).
  return ranked
    .map((c) => ({ passage: c.passage, score: (fused.get(c) ?? 0) / top }))
    .sort((a, b) => b.score - a.score);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
