import type BetterSqlite3 from 'better-sqlite3';

/**
 * Forward-only migrations; `PRAGMA user_version` records how many ran.
 * Each runs in its own transaction, so a crash never leaves a half-migrated file.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    first_published TEXT NOT NULL,
    last_published TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    article_count INTEGER NOT NULL,
    source_count INTEGER NOT NULL,
    trade_relevance REAL NOT NULL,
    summary_version INTEGER NOT NULL DEFAULT 0,
    wanted_summary_version INTEGER NOT NULL DEFAULT 1,
    summarising_until INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX stories_first_published ON stories(first_published);

  CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL REFERENCES stories(id),
    url TEXT,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    title_derived INTEGER NOT NULL,
    published TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    trade_relevance REAL NOT NULL,
    fingerprint TEXT NOT NULL,
    band_keys BLOB NOT NULL
  );
  CREATE INDEX articles_story ON articles(story_id);
  CREATE INDEX articles_published ON articles(published);

  CREATE TABLE story_changes (
    story_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (story_id, version)
  );

  CREATE TABLE summaries (
    story_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    json TEXT NOT NULL,
    summarised_by TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (story_id, version)
  );

  CREATE TABLE summary_cache (
    key TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    summarised_by TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL,
    story_id TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    title TEXT NOT NULL,
    published TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX passages_article ON passages(article_id);
  CREATE VIRTUAL TABLE passages_fts USING fts5(
    title, text, content='passages', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
  );

  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    story_ids TEXT NOT NULL,
    watch_id TEXT,
    reason TEXT,
    message_ref TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX deliveries_channel ON deliveries(channel, created_at);

  CREATE TABLE digest_cursors (
    channel TEXT PRIMARY KEY,
    last_seq INTEGER NOT NULL,
    last_period_key TEXT,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE watches (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT
  );
  CREATE INDEX watches_channel ON watches(channel);

  CREATE TABLE schedules (
    channel TEXT PRIMARY KEY,
    json TEXT NOT NULL
  );

  CREATE TABLE threads (
    thread_id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    json TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // Feeds (src/store/feeds.ts): subscriptions, poll state, and items already handed to ingest.
  `
  CREATE TABLE feeds (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    channel TEXT,
    every_ms INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    last_polled_at TEXT,
    last_success_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    retry_at TEXT,
    disabled_at TEXT,
    items_ingested INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE feed_items (
    feed_id TEXT NOT NULL,
    item_key TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed_id, item_key)
  ) WITHOUT ROWID;
  `,
  // Every platform message a delivery became (a split digest has several).
  `
  ALTER TABLE deliveries ADD COLUMN message_refs TEXT NOT NULL DEFAULT '[]';
  UPDATE deliveries SET message_refs = json_array(message_ref) WHERE message_ref IS NOT NULL;
  `,
  // Unfinished work the store can name: the summary version watch matching last ran for (existing
  // stories count as matched), and the job payload of a delivery written before it is enqueued (outbox).
  `
  ALTER TABLE stories ADD COLUMN matched_version INTEGER NOT NULL DEFAULT 0;
  UPDATE stories SET matched_version = summary_version;
  CREATE INDEX stories_unfinished ON stories(seq)
    WHERE summary_version < wanted_summary_version OR matched_version < summary_version;
  ALTER TABLE deliveries ADD COLUMN request TEXT;
  CREATE INDEX deliveries_unsettled ON deliveries(created_at) WHERE status IN ('pending', 'rate-limited');
  `,
];

export function migrate(db: BetterSqlite3.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
