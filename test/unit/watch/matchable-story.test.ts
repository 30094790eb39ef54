import { describe, expect, it } from 'vitest';
import type { StoredSummary } from '../../../src/domain.ts';
import type { StoryView } from '../../../src/store/store.ts';
import { prepareStory, testQuery } from '../../../src/watch/match.ts';
import { matchableStory } from '../../../src/watch/match-watches.ts';
import { parseQuery } from '../../../src/watch/query.ts';

function view(title: string, summary: Partial<StoredSummary>): StoryView {
  const at = '2026-11-20T00:00:00.000Z';
  return {
    story: {
      id: 's1',
      firstPublished: at,
      lastPublished: at,
      createdAt: at,
      updatedAt: at,
      articleCount: 1,
      sourceCount: 1,
      tradeRelevance: 0.5,
      summaryVersion: 1,
      wantedSummaryVersion: 1,
    },
    summary: {
      storyId: 's1',
      version: 1,
      summarisedBy: 'llm:test',
      promptVersion: '1',
      createdAt: at,
      headline: '',
      summary: '',
      keyPoints: [],
      entities: { countries: [], people: [], organisations: [] },
      instruments: [],
      sourceSentences: [],
      ...summary,
    },
    sources: [{ articleId: 'a1', source: 'Wire', url: null, title, published: at }],
  };
}

const matches = (q: string, v: StoryView, bodies: string[]) =>
  testQuery(parseQuery(q), prepareStory(matchableStory(v, bodies)));

describe('matchableStory: summary fields count only where the article says the same', () => {
  const shouty = {
    headline: 'TARIFFS: Fed holds rates',
    keyPoints: ['Tariffs loom'],
    instruments: ['tariff' as const],
  };

  it('a headline the model padded with "TARIFFS" does not make a tariff watch fire', () => {
    const v = view('Fed holds rates steady', shouty);
    const body = 'The Federal Reserve held interest rates steady on Wednesday, citing easing inflation.';
    expect(matches('tariff OR tariffs', v, [body])).toBe(false);
    expect(matches('instrument:tariff', v, [body])).toBe(false);
    expect(matches('fed rates', v, [body])).toBe(true);
  });

  it('the same summary matches when the article is about tariffs', () => {
    const v = view('Fed holds rates as tariffs loom', shouty);
    const body = 'The Federal Reserve held rates, saying new tariffs could lift prices.';
    expect(matches('tariff OR tariffs', v, [body])).toBe(true);
    expect(matches('instrument:tariff', v, [body])).toBe(true);
  });

  it('keeps countries the article names and drops ones it does not', () => {
    const v = view('Canada sets surtax', {
      entities: { countries: ['CA', 'IN'], people: [], organisations: [] },
    });
    const s = matchableStory(v, ['Canada will impose a surtax on steel in the new year.']);
    expect(s.countries).toEqual(['CA']);
  });
});
