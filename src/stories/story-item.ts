import type { StoryItem, StoryWhy } from '../messages.ts';
import type { StoryView } from '../store/store.ts';
import { storyRelevance } from './story-relevance.ts';

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

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Relevance and the instruments the articles themselves name (titles and verbatim source sentences). */
export function storyWhy(view: StoryView): StoryWhy {
  const r = storyRelevance(view);
  const why: StoryWhy = { tradeRelevance: round(r.value), instruments: r.instruments };
  if (r.llm !== undefined && r.rule !== 'classifier') {
    why.classifierRelevance = round(r.classifier);
    why.llmRelevance = round(r.llm);
    why.relevanceRule = r.rule;
  }
  return why;
}
