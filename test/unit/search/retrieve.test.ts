import { describe, expect, it } from 'vitest';
import { TradewireError } from '../../../src/errors.ts';
import type { Llm } from '../../../src/llm/client.ts';
import { retrieve } from '../../../src/search/retrieve.ts';
import type { Passage, PassageQuery, SearchTerm, Store } from '../../../src/store/store.ts';

function passage(over: Partial<Passage> & Pick<Passage, 'articleId' | 'text'>): Passage {
  return {
    storyId: over.articleId,
    source: 'Wire',
    url: null,
    title: 'Title',
    published: '2026-11-20T00:00:00Z',
    score: 1,
    ...over,
  };
}

/** A store whose search returns `hits(match)` ranked as given; records every query. */
function stubStore(
  hits: (q: PassageQuery) => Passage[],
): Pick<Store, 'searchPassages'> & { queries: PassageQuery[] } {
  const queries: PassageQuery[] = [];
  return {
    queries,
    async searchPassages(q) {
      queries.push(q);
      return hits(q).slice(0, q.limit);
    },
  };
}

/** A query's tier in a readable form: `2 of [japan|tokyo, trade]`, with `requireAny` after a `+`. */
const forms = (terms: readonly SearchTerm[] = []) => terms.map((t) => t.forms.join('|')).join(', ');
const tierOf = (q: PassageQuery): string =>
  `${q.minMatch} of [${forms(q.terms)}]${q.requireAny ? ` + one of [${forms(q.requireAny)}]` : ''}`;

describe('retrieve', () => {
  it('searches all terms, then any, fetching 4x the limit, and passes the filters through', async () => {
    const store = stubStore(() => []);
    await retrieve(store, 'steel tariffs?', {
      limit: 5,
      since: '2026-01-01',
      until: '2027-01-01',
      source: 'Wire',
    });
    const filters = { limit: 20, since: '2026-01-01', until: '2027-01-01', source: 'Wire', titleWeight: 3 };
    const terms = [{ forms: ['steel'] }, { forms: ['tariffs'] }];
    // Strictest tier first; nothing found, so the any-term tier runs.
    expect(store.queries).toEqual([
      { terms, minMatch: 2, storyIds: undefined, ...filters },
      { terms, minMatch: 1, storyIds: undefined, ...filters },
    ]);
  });

  it('stops at the first tier with twice the passages needed, and skips the any-term tier when the one before had enough', async () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      passage({ articleId: `p${i}`, text: `t${i}`, score: 40 - i }),
    );
    const full = stubStore(() => many);
    await retrieve(full, 'Japan trade surplus', { limit: 8 });
    expect(full.queries.map(tierOf)).toEqual(['3 of [japan|japanese|tokyo, trade, surplus]']);

    // 10 hits in the n-1 tier: fewer than enough (16) but at least `limit` (8), so no any-term search.
    const some = stubStore((q) => (q.minMatch === 2 ? many.slice(0, 10) : many.slice(0, 3)));
    const out = await retrieve(some, 'Japan trade surplus', { limit: 8 });
    expect(some.queries).toHaveLength(2);
    expect(out).toHaveLength(8);
  });

  it('does not search at all when the question has no content terms', async () => {
    const store = stubStore(() => [passage({ articleId: 'a', text: 'x' })]);
    expect(await retrieve(store, 'what did they say about it?')).toEqual([]);
    expect(store.queries).toHaveLength(0);
  });

  it('keeps one copy of identical text (syndication) and at most perStory passages per story', async () => {
    const text = 'The Commission extended the steel safeguard by two years.';
    const store = stubStore(() => [
      passage({ articleId: 'a1', storyId: 's1', text, score: 9 }),
      passage({ articleId: 'a2', storyId: 's2', text: `  ${text.toUpperCase()} `, score: 8.9 }),
      passage({ articleId: 'a3', storyId: 's1', text: 'Second steel passage.', score: 8 }),
      passage({ articleId: 'a4', storyId: 's1', text: 'Third steel passage.', score: 7 }),
      passage({ articleId: 'a5', storyId: 's3', text: 'Other steel story.', score: 6 }),
    ]);
    const out = await retrieve(store, 'steel safeguard', { perStory: 2 });
    expect(out.map((p) => p.articleId)).toEqual(['a1', 'a3', 'a5']);
    expect(out[0]?.score).toBeCloseTo(1);
  });

  it('breaks ties by recency and respects the limit', async () => {
    const store = stubStore(() => [
      passage({ articleId: 'old', text: 'old', published: '2026-01-01T00:00:00Z', score: 5 }),
      passage({ articleId: 'new', text: 'new', published: '2026-11-01T00:00:00Z', score: 5 }),
      passage({ articleId: 'mid', text: 'mid', published: '2026-06-01T00:00:00Z', score: 5.0001 }),
      passage({ articleId: 'low', text: 'low', published: '2026-12-01T00:00:00Z', score: 1 }),
    ]);
    const out = await retrieve(store, 'steel', { limit: 3 });
    expect(out.map((p) => p.articleId)).toEqual(['new', 'mid', 'old']);
  });

  it('boosts the thread stories', async () => {
    const store = stubStore(() => [
      passage({ articleId: 'a', storyId: 'sa', text: 'a', score: 10 }),
      passage({ articleId: 'b', storyId: 'sb', text: 'b', score: 8 }),
    ]);
    const out = await retrieve(store, 'steel', { boostStoryIds: ['sb'] });
    expect(out.map((p) => p.storyId)).toEqual(['sb', 'sa']);
  });

  it('searches context terms separately, at a lower weight than the question', async () => {
    const chip = passage({ articleId: 'chip', text: 'China opposed the chip export controls.' });
    const soy = passage({ articleId: 'soy', text: 'China bought soybeans.' });
    const store = stubStore((q) =>
      forms(q.terms).includes('chip')
        ? [
            { ...chip, score: 10 },
            { ...soy, score: 3 },
          ]
        : [
            { ...soy, score: 5 },
            { ...chip, score: 4.5 },
          ],
    );
    const out = await retrieve(store, 'what did China say?', {
      extraTerms: ['chip', 'exports'],
      extraWeight: 0.8,
    });
    // Context words are only searched next to the question's own words.
    expect(store.queries.map(tierOf)).toEqual([
      '1 of [china|chinese|beijing]',
      '2 of [chip, exports] + one of [china|chinese|beijing]',
      '1 of [chip, exports] + one of [china|chinese|beijing]',
    ]);
    expect(out.map((p) => p.articleId)).toEqual(['chip', 'soy']);
    // A question with its own topic outweighs low-weight context.
    const topical = await retrieve(store, 'China soybeans', { extraTerms: ['chip'], extraWeight: 0.05 });
    expect(topical[0]?.articleId).toBe('soy');
  });

  it('uses the context at full weight when the question has no words of its own', async () => {
    const store = stubStore(() => [passage({ articleId: 'a', text: 'chips' })]);
    const out = await retrieve(store, 'and why?', { extraTerms: ['chip'] });
    expect(store.queries.map(tierOf)).toEqual(['1 of [chip]']);
    expect(out.map((p) => p.articleId)).toEqual(['a']);
  });

  describe('hybrid (embeddings)', () => {
    const hits = ['one', 'two', 'three', 'four'].map((text, i) =>
      passage({ articleId: `lex${i + 1}`, text, score: 10 - i }),
    );
    // Question vector [1, 0]; by cosine the order is lex4, lex2, lex3, lex1.
    const vectors: Record<string, number[]> = { one: [0, 1], two: [1, 0.5], three: [1, 1], four: [1, 0] };
    const embedLlm = (embed: Llm['embed']): Llm => ({
      model: 'fake',
      embed,
      completeJson: () => Promise.reject(new Error('not used')),
    });

    it('fuses the BM25 order with cosine similarity (reciprocal rank fusion)', async () => {
      const seen: string[][] = [];
      const llm = embedLlm(async (texts) => {
        seen.push(texts);
        return texts.map((t) => (t === 'steel' ? [1, 0] : (vectors[t.split('\n')[1] ?? ''] ?? [0, 0])));
      });
      const out = await retrieve(
        stubStore(() => hits),
        'steel',
        { llm },
      );
      expect(seen).toEqual([['steel', 'Title\none', 'Title\ntwo', 'Title\nthree', 'Title\nfour']]);
      // lex2: 1/62 + 1/62 > lex1: 1/61 + 1/64 = lex4: 1/64 + 1/61 (lexical order breaks the tie) > lex3.
      expect(out.map((p) => p.articleId)).toEqual(['lex2', 'lex1', 'lex4', 'lex3']);
      expect(out[0]?.score).toBeCloseTo(1);
    });

    it('falls back silently to the lexical order when embedding fails', async () => {
      const llm = embedLlm(() => Promise.reject(new TradewireError('llm/server', 'HTTP 500')));
      const out = await retrieve(
        stubStore(() => hits),
        'steel',
        { llm },
      );
      expect(out.map((p) => p.articleId)).toEqual(['lex1', 'lex2', 'lex3', 'lex4']);
    });
  });
});
