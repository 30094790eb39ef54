import type { StoryArticle } from '../store/articles.ts';
import type { Passage, Store } from '../store/store.ts';
import { chunkPassages } from './passages.ts';

/**
 * Retrieval ranks passages, but a question's words are often spread over an article: the name in
 * the lead, the figure three paragraphs down ("Channon said … amounting to 6.2 billion sterling last
 * year"). The best-ranked articles are therefore read whole: their passages that retrieval did not
 * return are added after the retrieved ones (which keep their order and indices), each scored a
 * little below its article's best retrieved passage, so the answerer can quote them.
 */

export const ARTICLE_CONTEXT_DEFAULTS = {
  /** Distinct articles, best-ranked first, that are read in full. */
  articles: 5,
  /** Most passages added in all. */
  maxAdded: 20,
  /** An added passage's score as a share of its article's best retrieved passage. */
  scoreShare: 0.9,
} as const;

export interface ArticleContextOptions {
  articles?: number;
  maxAdded?: number;
}

const textKey = (text: string): string => text.toLowerCase().replace(/\s+/g, ' ').trim();

/** `passages` followed by the other passages of the top articles they come from. */
export async function withArticleContext(
  store: Pick<Store, 'storyArticles'>,
  passages: readonly Passage[],
  opts: ArticleContextOptions = {},
): Promise<Passage[]> {
  const maxArticles = opts.articles ?? ARTICLE_CONTEXT_DEFAULTS.articles;
  const maxAdded = opts.maxAdded ?? ARTICLE_CONTEXT_DEFAULTS.maxAdded;
  const out = [...passages];
  if (maxArticles <= 0 || maxAdded <= 0) return out;

  const best = new Map<string, Passage>();
  for (const p of passages) {
    if (!best.has(p.articleId)) best.set(p.articleId, p);
    if (best.size >= maxArticles) break;
  }
  const seen = new Set(passages.map((p) => textKey(p.text)));
  const byStory = new Map<string, Promise<StoryArticle[]>>();
  let added = 0;
  for (const top of best.values()) {
    let articles = byStory.get(top.storyId);
    if (!articles) {
      articles = store.storyArticles(top.storyId);
      byStory.set(top.storyId, articles);
    }
    const article = (await articles).find((a) => a.id === top.articleId);
    if (!article) continue;
    for (const text of chunkPassages(article.body)) {
      const key = textKey(text);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...top, text, score: top.score * ARTICLE_CONTEXT_DEFAULTS.scoreShare });
      if (++added >= maxAdded) return out;
    }
  }
  return out;
}
