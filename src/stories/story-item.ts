import type { StoryItem, StoryWhy } from '../messages.ts';
import type { StoryView } from '../store/store.ts';
import { relevanceReasons } from './relevance.ts';

/** What every surface shows of a story; falls back to the lead article when no summary exists yet. */
export function storyItem(view: StoryView): StoryItem {
  const lead = view.sources[0];
  return {
    storyId: view.story.id,
    headline: view.summary?.headline ?? lead?.title ?? '(untitled story)',
    summary: view.summary?.summary ?? '',
    keyPoints: view.summary?.keyPoints ?? [],
    sources: view.sources,
    published: view.story.lastPublished,
    summarisedBy: view.summary?.summarisedBy ?? 'pending',
    why: storyWhy(view),
  };
}

/** Relevance and the instruments the articles themselves name (titles and verbatim source sentences). */
export function storyWhy(view: StoryView): StoryWhy {
  const text = [...view.sources.map((s) => s.title), ...(view.summary?.sourceSentences ?? [])].join('\n');
  return {
    tradeRelevance: Math.round(view.story.tradeRelevance * 1000) / 1000,
    instruments: relevanceReasons(text),
  };
}
