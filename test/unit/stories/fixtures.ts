import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FixtureArticle {
  title: string;
  body: string;
  published: string;
}

const FILE = fileURLToPath(new URL('../../fixtures/stories/articles.json', import.meta.url));

/** Synthetic trade-news articles: a base story, its variants, look-alikes and off-topic items. */
export const articles = JSON.parse(readFileSync(FILE, 'utf8')) as Record<
  | 'base'
  | 'syndicated'
  | 'expanded'
  | 'unrelated'
  | 'lateCopy'
  | 'exactCopy'
  | 'fedDay1'
  | 'fedDay2'
  | 'tradeBalance'
  | 'exportControls'
  | 'sports'
  | 'earnings',
  FixtureArticle
>;
