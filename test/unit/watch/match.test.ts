import { describe, expect, it } from 'vitest';
import { type MatchableStory, matchQuery, prepareStory, testQuery } from '../../../src/watch/match.ts';
import { parseQuery } from '../../../src/watch/query.ts';

function story(over: Partial<MatchableStory> = {}): MatchableStory {
  return { id: 's1', title: '', text: '', sources: [], countries: [], instruments: [], ...over };
}
const matches = (q: string, s: Partial<MatchableStory>): boolean =>
  testQuery(parseQuery(q), prepareStory(story(s)));
const termsOf = (q: string, s: Partial<MatchableStory>): string[] =>
  matchQuery(parseQuery(q), prepareStory(story(s))).terms;

describe('matchQuery: words and stemming', () => {
  it('matches singular and plural forms both ways', () => {
    expect(matches('tariff', { text: 'New tariffs were announced.' })).toBe(true);
    expect(matches('tariffs', { text: 'A tariff on wine.' })).toBe(true);
  });

  it('matches sanction / sanctions / sanctioned', () => {
    for (const q of ['sanction', 'sanctions', 'sanctioned']) {
      for (const text of ['EU sanction list', 'New sanctions on Iran', 'Firms sanctioned by Washington']) {
        expect(matches(q, { text })).toBe(true);
      }
    }
  });

  it('is case-insensitive and ANDs words', () => {
    expect(matches('STEEL tariffs', { text: 'Steel Tariffs rise' })).toBe(true);
    expect(matches('steel tariffs', { text: 'Tariffs on lumber' })).toBe(false);
  });

  it('searches the title as well as the text', () => {
    expect(matches('soybeans', { title: 'Soybean exports slump', text: 'Farmers are worried.' })).toBe(true);
  });
});

describe('matchQuery: phrases', () => {
  it('needs the words consecutive and in order', () => {
    const q = '"export controls" chips';
    expect(matches(q, { text: 'The US tightened export controls on advanced chips.' })).toBe(true);
    expect(matches(q, { text: 'Chips: controls on export licences were eased.' })).toBe(false);
    expect(matches(q, { text: 'Export volumes of chips rose despite controls.' })).toBe(false);
  });

  it('stems each phrase word and skips stopwords', () => {
    expect(matches('"export control"', { text: 'sweeping Export Controls' })).toBe(true);
    expect(matches('"trade with china"', { text: 'its trade with China grew' })).toBe(true);
  });

  it('finds a phrase in the title when the text lacks it', () => {
    expect(
      matches('"steel tariffs"', { title: 'Steel tariffs doubled', text: 'Duties on steel rose.' }),
    ).toBe(true);
  });
});

describe('matchQuery: negation', () => {
  it('steel tariffs but not Canada', () => {
    const q = 'steel tariffs -canada';
    expect(matches(q, { text: 'US raises steel tariffs on Brazil' })).toBe(true);
    expect(matches(q, { text: 'US raises steel tariffs on Canada' })).toBe(false);
  });

  it('a negated phrase suppresses a match', () => {
    const q = '"steel tariffs" -"Canada"';
    expect(matches(q, { text: 'Steel tariffs hit Mexico.' })).toBe(true);
    expect(matches(q, { text: 'Steel tariffs hit Canada and Mexico.' })).toBe(false);
    const deficit = 'tariffs -"trade deficit"';
    expect(matches(deficit, { text: 'Tariffs widen the trade deficit' })).toBe(false);
    expect(matches(deficit, { text: 'Tariffs: a deficit in trade talks' })).toBe(true);
  });

  it('negates groups and fields', () => {
    expect(matches('tariffs -(canada OR mexico)', { text: 'tariffs on mexico' })).toBe(false);
    expect(matches('tariffs -country:CA', { text: 'tariffs', countries: ['CA'] })).toBe(false);
    expect(matches('tariffs -country:CA', { text: 'tariffs', countries: ['MX'] })).toBe(true);
  });
});

describe('matchQuery: fields', () => {
  it('country: matches the story countries', () => {
    const q = 'country:CN AND soybean';
    expect(matches(q, { text: 'Soybean purchases resume', countries: ['CN', 'US'] })).toBe(true);
    expect(matches(q, { text: 'Soybean purchases resume', countries: ['BR'] })).toBe(false);
    expect(matches('country:china soybeans', { text: 'soybeans', countries: ['cn'] })).toBe(true);
  });

  it('instrument: matches the story instruments', () => {
    expect(matches('instrument:duties', { instruments: ['tariff'] })).toBe(true);
    expect(matches('instrument:sanctions', { instruments: ['tariff', 'deal'] })).toBe(false);
  });

  it('title: matches only the title', () => {
    expect(matches('title:steel', { title: 'Steel prices', text: '' })).toBe(true);
    expect(matches('title:steel', { title: 'Metal prices', text: 'steel' })).toBe(false);
    expect(matches('title:"steel tariffs"', { title: 'New steel tariffs', text: '' })).toBe(true);
    expect(matches('title:"steel tariffs"', { title: 'Tariffs on steel', text: 'steel tariffs' })).toBe(
      false,
    );
  });

  it('source: matches a case-insensitive part of a source name', () => {
    expect(matches('source:xinhua tariffs', { text: 'tariffs', sources: ['Xinhua News Agency'] })).toBe(true);
    expect(matches('source:"financial times"', { sources: ['Reuters', 'Financial Times'] })).toBe(true);
    expect(matches('source:xinhua', { sources: ['Reuters'] })).toBe(false);
  });
});

describe('matchQuery: matched terms', () => {
  it('reports the positive terms that matched, as written', () => {
    expect(termsOf('Steel "Export Controls" -canada', { text: 'steel export controls' })).toEqual([
      'Steel',
      '"Export Controls"',
    ]);
    expect(termsOf('country:china soybeans', { text: 'soybeans', countries: ['CN'] })).toEqual([
      'country:china',
      'soybeans',
    ]);
  });

  it('lists every OR branch that matched but not failed conjunctions', () => {
    const q = 'steel OR aluminium OR (lumber canada)';
    expect(termsOf(q, { text: 'steel and aluminium and lumber' })).toEqual(['steel', 'aluminium']);
    expect(termsOf(q, { text: 'lumber from canada' })).toEqual(['lumber', 'canada']);
  });

  it('returns no terms when the query does not match', () => {
    expect(matchQuery(parseQuery('steel -canada'), prepareStory(story({ text: 'steel canada' })))).toEqual({
      matched: false,
      terms: [],
    });
  });
});
