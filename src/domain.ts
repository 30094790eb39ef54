/** Domain types shared by every pipeline step. Plain data: no behaviour, no I/O. */

export type IsoDate = string;

/** One document from one source, as stored. */
export interface Article {
  id: string;
  storyId: string;
  url: string | null;
  source: string;
  title: string;
  /** Set when the title was derived from the text (seed format has no title). */
  titleDerived: boolean;
  published: IsoDate;
  /** When Tradewire stored it (ISO, UTC). */
  ingestedAt: IsoDate;
  body: string;
  /** sha256 of the normalised text; the summary cache key uses it. */
  contentHash: string;
}

/** What a parser hands to ingest before ids and stories are assigned. */
export interface ArticleInput {
  url?: string | undefined;
  source?: string | undefined;
  title?: string | undefined;
  published?: string | undefined;
  body: string;
}

export type IngestStatus = 'new' | 'duplicate' | 'joined-story';

/**
 * Trade instruments, one vocabulary for the offline classifier (the cues of src/stories/trade-cues.ts,
 * which name the same instruments), the offline and LLM summaries and `instrument:` in watches.
 */
export const TRADE_INSTRUMENTS = [
  'tariff',
  'quota',
  'anti-dumping',
  'safeguard',
  'export-control',
  'import-ban',
  'sanction',
  'deal',
  'wto',
  'subsidy',
  'customs',
  'trade-data',
] as const;
export type TradeInstrument = (typeof TRADE_INSTRUMENTS)[number];

export interface Entities {
  /** ISO 3166-1 alpha-2 codes where known (e.g. "US", "CN"), plus blocs such as "EU". */
  countries: string[];
  people: string[];
  organisations: string[];
}

/** Structured summary of a story; produced by the LLM or the offline summariser. */
export interface Summary {
  headline: string;
  summary: string;
  keyPoints: string[];
  entities: Entities;
  instruments: TradeInstrument[];
  /** Sentences from the sources the summary rests on (verbatim). */
  sourceSentences: string[];
  /**
   * LLM summaries only: the model's 0..1 judgment that the story is trade news. Digests combine it
   * with the classifier's score (src/stories/story-relevance.ts); absent from offline summaries.
   */
  relevance?: number;
}

export interface StoredSummary extends Summary {
  storyId: string;
  version: number;
  /** "offline" or "llm:<model>". */
  summarisedBy: string;
  promptVersion: string;
  createdAt: IsoDate;
}

/** The event one or more articles report. */
export interface Story {
  id: string;
  /** Earliest published date among its articles. */
  firstPublished: IsoDate;
  lastPublished: IsoDate;
  /** When the first article of the story was ingested. */
  createdAt: IsoDate;
  /** When the latest article joined. */
  updatedAt: IsoDate;
  articleCount: number;
  /** Distinct source names. */
  sourceCount: number;
  /** 0..1 score for "this is trade news". */
  tradeRelevance: number;
  /** Current summary version, 0 while none is written. */
  summaryVersion: number;
  /** Version the latest material change asks for; > summaryVersion means a summary is due. */
  wantedSummaryVersion: number;
}

export type DeliveryKind = 'digest' | 'alert' | 'answer' | 'update' | 'notice';
export type DeliveryStatus = 'pending' | 'delivered' | 'filtered-out' | 'rate-limited' | 'failed';

/** One row of the delivery ledger: the exactly-once guard and the "why wasn't this posted?" record. */
export interface Delivery {
  /** Deterministic: e.g. `digest:<channel>:<periodKey>` or `alert:<watchId>:<storyId>`. */
  id: string;
  channel: string;
  kind: DeliveryKind;
  status: DeliveryStatus;
  storyIds: string[];
  watchId: string | null;
  reason: string | null;
  /** Platform message reference once posted (ts, message id, line number…). */
  messageRef: string | null;
  /** Every platform message the post became, in order (a split digest has several); empty until posted. */
  messageRefs: string[];
  attempts: number;
  createdAt: IsoDate;
  updatedAt: IsoDate;
}

export interface Watch {
  id: string;
  channel: string;
  query: string;
  createdAt: IsoDate;
  createdBy: string | null;
}

export interface Schedule {
  channel: string;
  /** "HH:MM" local time. */
  time: string;
  timezone: string;
  /** ISO weekday numbers 1 (Mon) .. 7 (Sun); empty = every day. */
  weekdays: number[];
  minRelevance: number;
  query: string | null;
  maxStories: number;
  postEmpty: boolean;
}

export interface ThreadTurn {
  question: string;
  answer: string;
  storyIds: string[];
  at: IsoDate;
}

export interface ThreadState {
  /** Platform thread id, e.g. `slack:C123:1700000000.0001` or `console:demo:<n>`. */
  threadId: string;
  channel: string;
  /** Stories the thread started from (a digest's or alert's stories). */
  storyIds: string[];
  turns: ThreadTurn[];
  updatedAt: IsoDate;
}

/** Where stored articles come from (`/trade sources`). */
export interface SourceInfo {
  source: string;
  articles: number;
  lastPublished: IsoDate | null;
}
