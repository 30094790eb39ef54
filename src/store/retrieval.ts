/**
 * Passage retrieval, as a structured query: the core decides what to look for (src/search turns a
 * question into terms and tiers); each backend decides how (SQLite builds an FTS5 MATCH expression,
 * PostgreSQL a tsquery). Nothing in a query is syntax for the backend: forms are plain words.
 */

/** Most terms one query may carry (an "at least m of n" query grows as n choose m). */
export const MAX_QUERY_TERMS = 8;

/** One thing a passage should mention, in any of its forms. */
export interface SearchTerm {
  /**
   * Alternative words or phrases, any of which counts as the term ("china", "chinese", "beijing";
   * "liu he"). Letters and digits only count; anything else separates words. Matched with the
   * backend's stemming, so "tariffs" also finds "tariff".
   */
  forms: string[];
}

export interface PassageQuery {
  /** What to look for: at most MAX_QUERY_TERMS. */
  terms: SearchTerm[];
  /** A passage must contain at least this many of `terms` (1: any of them; terms.length: all). */
  minMatch: number;
  /** When non-empty, a passage must also contain one of these (context words count only beside them). */
  requireAny?: SearchTerm[] | undefined;
  /** A hit in the title counts this many times a hit in the body (default 3). */
  titleWeight?: number | undefined;
  limit: number;
  /** Published at or after this date. */
  since?: string | undefined;
  /** Published before this date. */
  until?: string | undefined;
  /** From this source only (case-insensitive). */
  source?: string | undefined;
  /** From these stories only. */
  storyIds?: readonly string[] | undefined;
}

export interface Passage {
  articleId: string;
  storyId: string;
  source: string;
  url: string | null;
  title: string;
  published: string;
  text: string;
  /** Relevance (BM25 or the backend's equivalent): higher is better, comparable within one result only. */
  score: number;
}

export interface PassageSearch {
  /**
   * Passages matching the query, most relevant first (ties: most recent first). A query whose terms
   * have no usable form finds nothing.
   */
  searchPassages(q: PassageQuery): Promise<Passage[]>;
}
