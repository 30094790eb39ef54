import type { StoredSummary, Story, Summary } from '../../domain.ts';
import type { StorySource, StoryView } from '../articles.ts';
import type { SqliteConnection } from './connection.ts';

type Row = Record<string, unknown>;
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toStory(r: Row): Story {
  return {
    id: str(r.id),
    firstPublished: str(r.first_published),
    lastPublished: str(r.last_published),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
    articleCount: Number(r.article_count),
    sourceCount: Number(r.source_count),
    tradeRelevance: Number(r.trade_relevance),
    summaryVersion: Number(r.summary_version),
    wantedSummaryVersion: Number(r.wanted_summary_version),
  };
}

/** About a day's digests of a busy deployment; views are a few KB each, so this bounds memory too. */
const VIEW_CACHE_MAX = 10_000;
/** What a cached story view depends on: a new summary version or a joining article invalidates it. */
const stampOf = (r: Row): string => `${r.summary_version}:${r.article_count}:${r.updated_at}`;

/**
 * Story views for many story rows (at least id, summary_version, article_count, updated_at). Views are
 * cached per story, keyed by what changes them, so a thousand channels building digests at 08:00
 * read each story once; the keys are always read fresh, so other processes' writes are seen.
 */
export class StoryViews {
  private readonly cache = new Map<string, { stamp: string; view: StoryView }>();

  constructor(private readonly conn: SqliteConnection) {}

  /**
   * `cache: false` reads through the cache without filling it: one-story lookups (watch matching runs
   * one per new story) would otherwise fill it with every story ingested.
   */
  of(rows: Row[], opts: { cache?: boolean } = {}): StoryView[] {
    const out: StoryView[] = [];
    const missing: Row[] = [];
    for (const r of rows) {
      const hit = this.cache.get(str(r.id));
      if (hit && hit.stamp === stampOf(r)) out.push(hit.view);
      else missing.push(r);
    }
    if (missing.length === 0) return out; // already in the caller's order
    const loaded = new Map(this.load(missing).map((v) => [v.story.id, v]));
    for (const r of opts.cache === false ? [] : missing) {
      const v = loaded.get(str(r.id))!;
      if (this.cache.size >= VIEW_CACHE_MAX) this.cache.delete(this.cache.keys().next().value ?? '');
      this.cache.set(v.story.id, { stamp: stampOf(r), view: v });
    }
    // Keep the caller's order.
    return rows.map((r) => loaded.get(str(r.id)) ?? this.cache.get(str(r.id))!.view);
  }

  /** Many stories in three queries (not three per story); `keys` need only carry `id`. */
  private load(keys: Row[]): StoryView[] {
    if (keys.length === 0) return [];
    const q = (sql: string) => this.conn.statement(sql);
    const ids = JSON.stringify(keys.map((r) => str(r.id)));
    const rows = q('SELECT st.* FROM json_each(?) j JOIN stories st ON st.id = j.value').all(ids) as Row[];
    const summaries = new Map<string, StoredSummary>();
    for (const r of q(
      `SELECT s.* FROM json_each(?) j JOIN stories st ON st.id = j.value
       JOIN summaries s ON s.story_id = st.id AND s.version = st.summary_version`,
    ).all(ids) as Row[]) {
      summaries.set(str(r.story_id), {
        ...(JSON.parse(str(r.json)) as Summary),
        storyId: str(r.story_id),
        version: Number(r.version),
        summarisedBy: str(r.summarised_by),
        promptVersion: str(r.prompt_version),
        createdAt: str(r.created_at),
      });
    }
    const sources = new Map<string, StorySource[]>();
    for (const r of q(
      `SELECT a.story_id, a.id, a.source, a.url, a.title, a.published FROM json_each(?) j
       JOIN articles a ON a.story_id = j.value ORDER BY a.published, a.ingested_at, a.id`,
    ).all(ids) as Row[]) {
      const list = sources.get(str(r.story_id)) ?? [];
      list.push({
        articleId: str(r.id),
        source: str(r.source),
        url: strOrNull(r.url),
        title: str(r.title),
        published: str(r.published),
      });
      sources.set(str(r.story_id), list);
    }
    return rows.map((r) => {
      const story = toStory(r);
      return { story, summary: summaries.get(story.id) ?? null, sources: sources.get(story.id) ?? [] };
    });
  }
}
