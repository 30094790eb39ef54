import { describe, expect, it } from 'vitest';
import { rankStories, storyScore } from '../../../src/digest/rank.ts';
import type { StoryView } from '../../../src/store/store.ts';

function view(id: string, o: { sources: string[]; lastPublished: string; relevance: number }): StoryView {
  return {
    story: {
      id,
      firstPublished: o.lastPublished,
      lastPublished: o.lastPublished,
      createdAt: o.lastPublished,
      updatedAt: o.lastPublished,
      articleCount: o.sources.length,
      sourceCount: new Set(o.sources).size,
      tradeRelevance: o.relevance,
      summaryVersion: 0,
      wantedSummaryVersion: 1,
    },
    summary: null,
    sources: o.sources.map((source, i) => ({
      articleId: `${id}-${i}`,
      source,
      url: null,
      title: `${id} ${i}`,
      published: o.lastPublished,
    })),
  };
}

const FIVE = ['Wire Service', 'Daily Trade Post', 'Metals Monitor', 'Financial Ledger', 'Asia Trade Wire'];
const NOW = Date.parse('2027-03-02T08:00:00Z');

describe('rankStories', () => {
  it('puts a five-source story above a one-source story of the same day, even a later and more relevant one', () => {
    const five = view('five', { sources: FIVE, lastPublished: '2027-03-01T00:30:00Z', relevance: 0.2 });
    const one = view('one', {
      sources: ['Wire Service'],
      lastPublished: '2027-03-01T23:30:00Z',
      relevance: 1,
    });
    expect(rankStories([one, five], NOW).map((v) => v.story.id)).toEqual(['five', 'one']);
    expect(rankStories([five, one], NOW).map((v) => v.story.id)).toEqual(['five', 'one']);
  });

  it('counts independent outlets, not copies: five articles from one outlet are one source', () => {
    const same = view('same', {
      sources: ['Wire Service', 'wire service', 'WIRE SERVICE', 'Wire Service', 'Wire Service'],
      lastPublished: '2027-03-01T10:00:00Z',
      relevance: 0.2,
    });
    const other = view('other', {
      sources: ['Metals Monitor'],
      lastPublished: '2027-03-01T10:00:00Z',
      relevance: 0.6,
    });
    expect(rankStories([same, other], NOW).map((v) => v.story.id)).toEqual(['other', 'same']);
  });

  it('more sources rank higher at equal age and relevance; then recency; then relevance', () => {
    const at = '2027-03-01T10:00:00Z';
    const views = [
      view('s1', { sources: ['A'], lastPublished: at, relevance: 0.5 }),
      view('s3', { sources: ['A', 'B', 'C'], lastPublished: at, relevance: 0.5 }),
      view('s2', { sources: ['A', 'B'], lastPublished: at, relevance: 0.5 }),
      view('s1-newer', { sources: ['A'], lastPublished: '2027-03-01T20:00:00Z', relevance: 0.5 }),
      view('s1-relevant', { sources: ['A'], lastPublished: at, relevance: 0.9 }),
    ];
    expect(rankStories(views, NOW).map((v) => v.story.id)).toEqual([
      's3',
      's2',
      's1-relevant',
      's1-newer',
      's1',
    ]);
  });

  it('is deterministic for equal scores (newest first, then id) and does not mutate its input', () => {
    const at = '2027-03-01T10:00:00Z';
    const views = ['c', 'a', 'b'].map((id) =>
      view(id, { sources: ['A'], lastPublished: at, relevance: 0.5 }),
    );
    const before = views.map((v) => v.story.id);
    expect(rankStories(views, NOW).map((v) => v.story.id)).toEqual(['a', 'b', 'c']);
    expect(views.map((v) => v.story.id)).toEqual(before);
  });

  it('does not reward a story dated in the future (age never goes negative)', () => {
    const future = view('f', { sources: ['A'], lastPublished: '2027-03-05T00:00:00Z', relevance: 0.5 });
    const now = view('n', { sources: ['A'], lastPublished: '2027-03-02T08:00:00Z', relevance: 0.5 });
    expect(storyScore(future, NOW)).toBe(storyScore(now, NOW));
  });
});
