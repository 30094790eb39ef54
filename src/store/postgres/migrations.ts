import type pg from 'pg';

/**
 * Forward-only migrations for the PostgreSQL store; `tradewire_migrations` records which ran. Each
 * runs in its own transaction, and the whole run holds a session advisory lock, so several processes
 * starting at once apply each migration exactly once (the others wait, then find nothing to do).
 */
export const MIGRATION_LOCK: readonly [number, number] = [0x7477, 1];

const MIGRATIONS: string[] = [
  `
  -- English stemming without stop words (FTS5's porter tokenizer keeps them too: "liu he" is a phrase).
  CREATE TEXT SEARCH DICTIONARY tradewire_stem (TEMPLATE = snowball, Language = english);
  CREATE TEXT SEARCH CONFIGURATION tradewire (COPY = english);
  ALTER TEXT SEARCH CONFIGURATION tradewire
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH tradewire_stem;

  CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    seq BIGINT NOT NULL UNIQUE,
    first_published TEXT NOT NULL,
    last_published TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    article_count INTEGER NOT NULL,
    source_count INTEGER NOT NULL,
    trade_relevance DOUBLE PRECISION NOT NULL,
    summary_version INTEGER NOT NULL DEFAULT 0,
    wanted_summary_version INTEGER NOT NULL DEFAULT 1,
    summarising_until BIGINT NOT NULL DEFAULT 0
  );
  CREATE INDEX stories_first_published ON stories(first_published);
  CREATE INDEX stories_created ON stories(created_at);

  CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL REFERENCES stories(id),
    url TEXT,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    title_derived BOOLEAN NOT NULL,
    published TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    trade_relevance DOUBLE PRECISION NOT NULL,
    fingerprint TEXT NOT NULL
  );
  CREATE INDEX articles_story ON articles(story_id, published);
  CREATE INDEX articles_published ON articles(published);
  CREATE INDEX articles_source ON articles(source);

  -- Story lookup keys (LSH bands, leading sentences), hashed to 64 bits: collisions only add
  -- candidates, which the core's fingerprint comparison rejects.
  CREATE TABLE article_bands (
    band_key BIGINT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id),
    published TEXT NOT NULL,
    PRIMARY KEY (band_key, published, article_id)
  );

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
    id BIGSERIAL PRIMARY KEY,
    article_id TEXT NOT NULL,
    story_id TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    title TEXT NOT NULL,
    published TEXT NOT NULL,
    text TEXT NOT NULL,
    -- The title counts as part of every passage of its article, weighted A (body: B).
    tsv tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('tradewire', title), 'A') || setweight(to_tsvector('tradewire', text), 'B')
    ) STORED
  );
  CREATE INDEX passages_article ON passages(article_id);
  CREATE INDEX passages_story ON passages(story_id);
  CREATE INDEX passages_tsv ON passages USING GIN (tsv);

  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    story_ids TEXT NOT NULL,
    watch_id TEXT,
    reason TEXT,
    message_ref TEXT,
    message_refs TEXT NOT NULL DEFAULT '[]',
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX deliveries_channel ON deliveries(channel, created_at);
  CREATE INDEX deliveries_created ON deliveries(created_at);

  CREATE TABLE digest_cursors (
    channel TEXT PRIMARY KEY,
    last_seq BIGINT NOT NULL,
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
    every_ms BIGINT NOT NULL,
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
  );
  CREATE INDEX feed_items_seen ON feed_items(feed_id, seen_at);
  `,
  // A new story's row is written last in its transaction (see article-writes.ts): the articles'
  // reference to it is checked at COMMIT.
  `
  ALTER TABLE articles ALTER CONSTRAINT articles_story_id_fkey DEFERRABLE INITIALLY DEFERRED;
  `,
  // Unfinished work the store can name (as SQLite migration 3; here migration 4): the summary version watch matching last
  // ran for, and the job payload of a delivery recorded before it is enqueued (outbox).
  `
  ALTER TABLE stories ADD COLUMN matched_version INTEGER NOT NULL DEFAULT 0;
  UPDATE stories SET matched_version = summary_version;
  CREATE INDEX stories_unfinished ON stories(seq)
    WHERE summary_version < wanted_summary_version OR matched_version < summary_version;
  ALTER TABLE deliveries ADD COLUMN request TEXT;
  CREATE INDEX deliveries_unsettled ON deliveries(created_at) WHERE status IN ('pending', 'rate-limited');
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [...MIGRATION_LOCK]);
    try {
      await client.query(
        'CREATE TABLE IF NOT EXISTS tradewire_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
      );
      const done = await client.query<{ v: number }>(
        'SELECT coalesce(max(version), 0)::int AS v FROM tradewire_migrations',
      );
      for (let v = done.rows[0]!.v; v < MIGRATIONS.length; v++) {
        await client.query('BEGIN');
        try {
          await client.query(MIGRATIONS[v]!);
          await client.query('INSERT INTO tradewire_migrations (version, applied_at) VALUES ($1, $2)', [
            v + 1,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK');
          throw e;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [...MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
