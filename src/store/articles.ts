import type { Article, IngestStatus, SourceInfo, StoredSummary, Story } from '../domain.ts';

/**
 * Articles and stories. Story assignment is three steps so that a backend with an asynchronous driver
 * never has to run core code inside its write transaction:
 *
 *   1. `storyCandidates` reads the stored articles that share a lookup key with the new one, with a
 *      `token` naming what the read saw;
 *   2. the core decides (src/stories/assign-story.ts) — join a candidate's story, or start a new one;
 *   3. `addArticle` writes the article under that decision. A decision to start a new story is
 *      refused (`stale`) when an article sharing a lookup key within the window was stored after the
 *      token was taken: the caller reads again and decides again. Check and insert are atomic with
 *      respect to every other `addArticle`, so two writers racing copies of one event can never both
 *      start a story: the second sees the first's article and joins it.
 *
 * Only "new story" decisions are checked. A join cannot create a duplicate story, and its
 * material-change flag was computed against the story as read: a concurrent joiner can only make
 * both count as material (at worst one more summary), never neither.
 *
 * How a backend makes the check atomic is its own business. SQLite: the write runs under the
 * database write lock and the token is the highest article rowid the read had seen. PostgreSQL:
 * take `pg_advisory_xact_lock` on each of the article's lookup keys (sorted, so writers cannot
 * deadlock), then re-read the candidates inside the transaction and compare them with the ones the
 * token lists; writers that share no key never wait for each other.
 */

/** A stored article that shares a lookup key with the incoming one. */
export interface StoryCandidateRow {
  articleId: string;
  storyId: string;
  published: string;
  /** Opaque to the store: written and read by src/stories. */
  fingerprint: string;
}

export interface CandidateSnapshot {
  /** The article is stored already (same id): nothing to decide. */
  existing: { storyId: string } | null;
  candidates: StoryCandidateRow[];
  /** Opaque to the core: hand it back to `addArticle`. */
  token: string;
}

export type StoryDecision = { join: string; materialChange: boolean; score: number } | { join: null };

export interface NewArticle extends Omit<Article, 'storyId'> {
  tradeRelevance: number;
  fingerprint: string;
  /** Story lookup keys (LSH bands, leading-sentence keys); opaque to the store. */
  bandKeys: string[];
  /** Paragraph-sized chunks of the body for retrieval (the title is attached by the index). */
  passages: string[];
}

export interface IngestResult {
  articleId: string;
  storyId: string;
  status: IngestStatus;
  /** True when the story now needs a (new) summary: a new story or a material change. */
  summaryDue: boolean;
}

/** `addArticle` refused a new-story decision: a candidate appeared since the snapshot. */
export interface StaleDecision {
  status: 'stale';
}

export interface StorySource {
  articleId: string;
  source: string;
  url: string | null;
  title: string;
  published: string;
}

/** A story with what every surface needs to show it. */
export interface StoryView {
  story: Story;
  summary: StoredSummary | null;
  sources: StorySource[];
}

export interface StoryArticle {
  id: string;
  title: string;
  titleDerived: boolean;
  body: string;
  source: string;
  url: string | null;
  published: string;
  contentHash: string;
}

export interface ArticleStore {
  /**
   * Step 1 of story assignment: stored articles sharing one of `bandKeys`, published within
   * [window.from, window.to] (at most a few dozen per key, the most recent), or the story of `id`
   * when that article is stored already.
   */
  storyCandidates(
    a: { id: string; bandKeys: readonly string[] },
    window: { from: string; to: string },
  ): Promise<CandidateSnapshot>;
  /** Fingerprints of (up to 200 of) a story's articles, for the material-change test. */
  storyFingerprints(storyId: string): Promise<string[]>;
  /**
   * Step 3: stores the article, its passages and its story assignment in one transaction. An id that
   * exists is a no-op returning status `duplicate`. A new-story decision made from a snapshot that a
   * later article has outdated returns `stale` and writes nothing.
   */
  addArticle(
    article: NewArticle,
    placement: { window: { from: string; to: string }; token: string; decision: StoryDecision },
  ): Promise<IngestResult | StaleDecision>;

  getStory(id: string): Promise<Story | null>;
  storyArticles(storyId: string): Promise<StoryArticle[]>;
  storyView(storyId: string): Promise<StoryView | null>;
  /** Stories whose articles were published in [since, until), most recent first. */
  storiesPublishedBetween(since: string, until: string): Promise<StoryView[]>;
  /**
   * Stories created after sequence `afterSeq` (arrival order), optionally only those created at or after
   * `createdSince`, with the highest sequence among them (or `afterSeq` when there are none).
   */
  storiesArrivedAfter(
    afterSeq: number,
    opts?: { createdSince?: string; limit?: number },
  ): Promise<{ stories: StoryView[]; maxSeq: number }>;
  maxStorySeq(): Promise<number>;
  storyCount(): Promise<number>;
  articleCount(): Promise<number>;
  /** Sources with their article counts and newest publication date, most articles first (at most 500). */
  listSources(): Promise<SourceInfo[]>;
}
