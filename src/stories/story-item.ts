import type { StoryItem } from '../messages.ts';
import type { StoryView } from '../store/store.ts';

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
  };
}
