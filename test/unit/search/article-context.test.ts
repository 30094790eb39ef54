import { describe, expect, it } from 'vitest';
import { withArticleContext } from '../../../src/search/article-context.ts';
import { chunkPassages } from '../../../src/search/passages.ts';
import type { StoryArticle } from '../../../src/store/articles.ts';
import type { Passage } from '../../../src/store/store.ts';

const para = (n: number, fact: string) =>
  `${fact} ${'Filler words about the meeting and its venue. '.repeat(14)}(${n})`;
const body = [
  para(1, 'Trade Secretary Ann Lee met Japanese business leaders.'),
  para(2, 'Lee said two-way trade amounted to 6.2 billion sterling last year.'),
  para(3, 'Talks resume in May.'),
].join('\n\n');
const article: StoryArticle = {
  id: 'a1',
  title: 'Britain presses Japan',
  titleDerived: false,
  body,
  source: 'Wire',
  url: 'https://example.com/a1',
  published: '2026-11-20T00:00:00Z',
  contentHash: 'h',
};
const chunks = chunkPassages(body);
const hit = (articleId: string, text: string, score: number): Passage => ({
  articleId,
  storyId: `s-${articleId}`,
  source: 'Wire',
  url: null,
  title: 'T',
  published: '2026-11-20T00:00:00Z',
  text,
  score,
});

describe('withArticleContext', () => {
  it('adds the other passages of a top article after the retrieved ones, scored below them', async () => {
    expect(chunks.length).toBe(3);
    const retrieved = [hit('a1', chunks[0]!, 2), hit('b', 'Another story.', 1)];
    const calls: string[] = [];
    const store = {
      async storyArticles(storyId: string) {
        calls.push(storyId);
        return storyId === 's-a1' ? [article] : [];
      },
    };
    const out = await withArticleContext(store, retrieved);
    expect(out.slice(0, 2)).toEqual(retrieved);
    expect(out.slice(2).map((p) => p.text)).toEqual([chunks[1], chunks[2]]);
    expect(out[2]).toMatchObject({ articleId: 'a1', storyId: 's-a1', score: 1.8 });
    expect(calls).toEqual(['s-a1', 's-b']);
  });

  it('reads only the first articles, and adds at most maxAdded passages', async () => {
    const store = { storyArticles: async () => [article] };
    const retrieved = [hit('x', 'x', 3), hit('a1', chunks[0]!, 2)];
    expect(await withArticleContext(store, retrieved, { articles: 1 })).toEqual(retrieved);
    const capped = await withArticleContext(store, retrieved, { maxAdded: 1 });
    expect(capped.length).toBe(3);
  });
});
