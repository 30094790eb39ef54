import type { ArticleInput } from '../domain.ts';
import type { IngestResult, Store } from '../store/store.ts';
import { assignStory } from '../stories/assign-story.ts';
import { toStored } from '../stories/fingerprint.ts';
import { type AnalysedArticle, analyseArticle } from './analyse-article.ts';

export { articleId } from './analyse-article.ts';

/**
 * Stores one validated article and assigns its story (new story, or joins a story it duplicates).
 * Safe to run twice: the second run finds the id and reports `duplicate`.
 */
export async function ingestArticle(
  store: Store,
  input: ArticleInput,
  opts: { now?: Date } = {},
): Promise<IngestResult> {
  return ingestAnalysed(store, analyseArticle(input, (opts.now ?? new Date()).toISOString()));
}

/** The store half of `ingestArticle`, for an article analysed already (possibly on another thread). */
export function ingestAnalysed(
  store: Pick<Store, 'storyCandidates' | 'storyFingerprints' | 'addArticle'>,
  analysed: AnalysedArticle,
): Promise<IngestResult> {
  return assignStory(store, analysed.article, analysed.fingerprint, toStored(analysed.fingerprint));
}
