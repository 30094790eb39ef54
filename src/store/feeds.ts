/**
 * The feed store port: subscribed feeds, their polling state, and which items each has already
 * delivered to ingest. Its own aggregate, beside the main Store, in the same database: SQLite in
 * ./sqlite/sqlite-feeds.ts, PostgreSQL in ./postgres/postgres-feeds.ts; both pass
 * test/conformance/feed-store.ts.
 */

export type FeedStatus = 'active' | 'disabled';

export interface Feed {
  /** `f` + 8 hex of a hash of the URL and channel: adding the same feed twice finds the first. */
  id: string;
  url: string;
  /** The channel that added it: told once if the feed is disabled. */
  channel: string | null;
  everyMs: number;
  status: FeedStatus;
  createdAt: string;
  createdBy: string | null;
  /** The feed's own title, once polled. */
  title: string | null;
  /** Conditional GET validators and the hash of the last body that was parsed. */
  etag: string | null;
  lastModified: string | null;
  bodyHash: string | null;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  /** Consecutive failed polls. */
  failures: number;
  /** During backoff: no poll before this instant. */
  retryAt: string | null;
  disabledAt: string | null;
  itemsIngested: number;
}

export interface NewFeed {
  id: string;
  url: string;
  channel: string | null;
  everyMs: number;
  createdBy: string | null;
}

/** Fields a poll writes. */
export type FeedState = Partial<
  Pick<
    Feed,
    | 'status'
    | 'title'
    | 'etag'
    | 'lastModified'
    | 'bodyHash'
    | 'lastPolledAt'
    | 'lastSuccessAt'
    | 'lastError'
    | 'lastErrorAt'
    | 'failures'
    | 'retryAt'
    | 'disabledAt'
    | 'itemsIngested'
  >
>;

export interface FeedStore {
  /**
   * Adds a feed, or returns the one with this id. Re-adding a disabled feed re-enables it with a clean
   * failure record (and the new interval); `created` tells which happened.
   */
  addFeed(f: NewFeed): Promise<{ feed: Feed; created: boolean }>;
  getFeed(id: string): Promise<Feed | null>;
  listFeeds(): Promise<Feed[]>;
  /** Removes the feed and its seen items; false when there was none. */
  removeFeed(id: string): Promise<boolean>;
  /** Writes poll state; returns the feed after the write, or null when it was removed meanwhile. */
  updateFeed(id: string, state: FeedState): Promise<Feed | null>;
  /** The keys among `keys` this feed has not delivered yet, in the order given. */
  unseenItems(feedId: string, keys: string[]): Promise<string[]>;
  /** Records items as delivered (idempotent). */
  markItemsSeen(feedId: string, keys: string[]): Promise<void>;
  close(): Promise<void>;
}
