import type {
  Article,
  Delivery,
  DeliveryKind,
  DeliveryStatus,
  IngestStatus,
  Schedule,
  SourceInfo,
  StoredSummary,
  Story,
  Summary,
  ThreadState,
  Watch,
} from '../domain.ts';

/**
 * The repository port. SQLite (embedded default) implements it in ./sqlite; a PostgreSQL
 * adapter implements the same interface for multi-machine deployments. Every method is
 * atomic on its own: callers never need a transaction that spans calls.
 */

/** A stored article that shares an LSH band with the incoming one. */
export interface StoryCandidateRow {
  articleId: string;
  storyId: string;
  published: string;
  /** Opaque to the store: written and read by src/stories. */
  fingerprint: string;
}

export type StoryDecision = { join: string; materialChange: boolean; score: number } | { join: null };

export interface NewArticle extends Omit<Article, 'storyId'> {
  tradeRelevance: number;
  fingerprint: string;
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

export interface ClaimResult {
  /**
   * `claimed`: the caller holds the lease and may post; `settled`: already delivered or filtered out;
   * `busy`: another worker holds an unexpired lease (retry later).
   */
  outcome: 'claimed' | 'settled' | 'busy';
  delivery: Delivery;
  /** For `busy`: how long until the other worker's lease runs out. */
  retryInMs: number;
}

export interface Passage {
  articleId: string;
  storyId: string;
  source: string;
  url: string | null;
  title: string;
  published: string;
  text: string;
  score: number;
}

export interface PassageQuery {
  /** An FTS5 MATCH expression (built by src/search, never raw user text). */
  match: string;
  limit: number;
  since?: string | undefined;
  until?: string | undefined;
  source?: string | undefined;
}

export interface DigestCursor {
  channel: string;
  /** Highest story sequence number included in a delivered digest. */
  lastSeq: number;
  lastPeriodKey: string | null;
  updatedAt: string;
}

export interface Store {
  // articles and stories
  /**
   * Stores an article and assigns its story in one transaction: `decide` sees candidates that
   * share an LSH band within the date window and picks the story to join (or none).
   * Ingesting an id that exists is a no-op returning status `duplicate`.
   */
  ingestArticle(
    article: NewArticle,
    window: { from: string; to: string },
    decide: (
      candidates: StoryCandidateRow[],
      storyFingerprints: (storyId: string) => string[],
    ) => StoryDecision,
  ): Promise<IngestResult>;
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

  // summaries
  /**
   * Takes the right to summarise a story that wants a newer summary, for `leaseMs`, so that workers in
   * other processes do not make the same LLM call. Returns the claim, or when it is held elsewhere
   * (or nothing is due) how long until it may be tried again.
   */
  claimSummary(
    storyId: string,
    leaseMs: number,
  ): Promise<{ claimed: true } | { claimed: false; retryInMs: number }>;
  /** Writes summary version `version` if the story still wants it; returns false when a newer one exists. */
  saveSummary(summary: Omit<StoredSummary, 'createdAt'>): Promise<boolean>;
  cachedSummary(
    key: string,
  ): Promise<{ summary: Summary; summarisedBy: string; promptVersion: string } | null>;
  cacheSummary(
    key: string,
    value: { summary: Summary; summarisedBy: string; promptVersion: string },
  ): Promise<void>;

  // search
  searchPassages(q: PassageQuery): Promise<Passage[]>;

  // deliveries (the ledger)
  claimDelivery(d: {
    id: string;
    channel: string;
    kind: DeliveryKind;
    storyIds: string[];
    watchId?: string | null;
    leaseMs: number;
  }): Promise<ClaimResult>;
  /** Records the outcome; for a delivered digest it also moves the channel's cursor, in the same transaction. */
  settleDelivery(
    id: string,
    status: Exclude<DeliveryStatus, 'pending'>,
    opts?: {
      messageRef?: string | null;
      reason?: string | null;
      digestCursor?: { channel: string; seq: number; periodKey: string } | undefined;
    },
  ): Promise<void>;
  getDelivery(id: string): Promise<Delivery | null>;
  listDeliveries(opts?: { channel?: string; limit?: number }): Promise<Delivery[]>;

  // digests
  getDigestCursor(channel: string): Promise<DigestCursor | null>;
  /** Moves the cursor forward only (never back), so a late or repeated write cannot re-open a period. */
  advanceDigestCursor(channel: string, lastSeq: number, periodKey: string): Promise<void>;

  // watches
  addWatch(w: Watch, maxPerChannel: number): Promise<Watch>;
  removeWatch(id: string): Promise<boolean>;
  listWatches(channel?: string): Promise<Watch[]>;

  // schedules
  setSchedule(s: Schedule): Promise<void>;
  removeSchedule(channel: string): Promise<boolean>;
  getSchedule(channel: string): Promise<Schedule | null>;
  listSchedules(): Promise<Schedule[]>;

  /** Sources of stored articles with their article counts and latest publication, most articles first. */
  listSources(): Promise<SourceInfo[]>;

  // threads
  getThread(threadId: string): Promise<ThreadState | null>;
  saveThread(t: ThreadState): Promise<void>;

  close(): Promise<void>;
}
