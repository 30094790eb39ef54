import type { StoryView } from '../store/store.ts';
import { relevanceReasons } from './relevance.ts';

/**
 * The trade relevance a digest uses for a story: the classifier's score (src/stories/relevance.ts,
 * from the articles' own words), combined with the LLM's judgment when its summary gave one:
 *
 * - no LLM judgment (offline summary, none yet, or an older prompt): the classifier's score;
 * - the articles themselves name a trade instrument (a trade cue in a title or in a source sentence
 *   the summariser verified word for word): the mean of the two, so the model can lift a story the
 *   classifier under-scored, or lower one, but only halfway;
 * - no trade instrument named in the articles: the lower of the two. The model can push such a story
 *   out of a trade digest, never in: an article with no trade evidence stays where its words put it.
 */

export type RelevanceRule = 'classifier' | 'mean' | 'lower';

export interface StoryRelevance {
  /** What digests filter on (compare with minRelevance) and rank by. */
  value: number;
  classifier: number;
  llm?: number;
  rule: RelevanceRule;
  /** Trade instruments named in the articles (titles and verbatim source sentences), strongest first. */
  instruments: string[];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function storyRelevance(view: StoryView): StoryRelevance {
  const text = [...view.sources.map((s) => s.title), ...(view.summary?.sourceSentences ?? [])].join('\n');
  const instruments = relevanceReasons(text);
  const classifier = view.story.tradeRelevance;
  const llm = view.summary?.relevance;
  if (llm === undefined || !Number.isFinite(llm))
    return { value: classifier, classifier, rule: 'classifier', instruments };
  if (instruments.length > 0)
    return { value: round((classifier + llm) / 2), classifier, llm, rule: 'mean', instruments };
  return { value: Math.min(classifier, llm), classifier, llm, rule: 'lower', instruments };
}
