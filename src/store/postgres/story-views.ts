import type { StoredSummary, Story, Summary } from '../../domain.ts';
import type { StorySource, StoryView } from '../articles.ts';
import type { PgConnection, Row } from './connection.ts';

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

/** Story views for many story rows in three queries (stories, current summaries, sources), in order. */
export async function storyViews(conn: PgConnection, stories: Row[]): Promise<StoryView[]> {
  if (stories.length === 0) return [];
  const ids = stories.map((r) => str(r.id));
  const [summaryRows, sourceRows] = await Promise.all([
    conn.query(
      `SELECT s.* FROM stories st JOIN summaries s ON s.story_id = st.id AND s.version = st.summary_version
       WHERE st.id = ANY($1::text[])`,
      [ids],
    ),
    conn.query(
      `SELECT story_id, id, source, url, title, published FROM articles WHERE story_id = ANY($1::text[])
       ORDER BY published, ingested_at, id`,
      [ids],
    ),
  ]);
  const summaries = new Map<string, StoredSummary>();
  for (const r of summaryRows) {
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
  for (const r of sourceRows) {
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
  return stories.map((r) => {
    const story = toStory(r);
    return { story, summary: summaries.get(story.id) ?? null, sources: sources.get(story.id) ?? [] };
  });
}
