import { describe, expect, it } from 'vitest';
import { questionTerms, textKeys } from '../../../src/search/question-terms.ts';

describe('questionTerms', () => {
  it('keeps "US" the country but drops "us" the pronoun, and folds U.S./United States/American', () => {
    expect(questionTerms('tell us about steel').map((t) => t.key)).toEqual(['steel']);
    const us = questionTerms('What did the US do?');
    expect(us.map((t) => t.key)).toEqual(['us']);
    expect(us[0]?.entity).toBe(true);
    // "u s" (the tokens of U.S.) is searched as the bare token u: the phrase walks every possessive 's.
    expect(us[0]?.forms).toEqual(['us', 'u', 'usa', 'united states']);
    expect(questionTerms('What did the United States do?').map((t) => t.key)).toEqual(['us']);
    expect(questionTerms('U.S. chips').map((t) => t.key)).toEqual(['us', 'chip']);
  });

  it('marks capitalised names as entities, folds possessives, demonyms and irregular verbs', () => {
    const terms = questionTerms("who did Liu speak to about China's tariffs?");
    expect(terms.map((t) => [t.key, t.entity])).toEqual([
      ['liu', true],
      ['speak', false],
      ['china', true],
      ['tariff', false],
    ]);
    expect(terms[1]?.forms).toEqual(['speak', 'spoke', 'spoken']);
    expect(questionTerms('Chinese steel').map((t) => t.key)).toEqual(['china', 'steel']);
  });

  it('reads an owner and what it owns as two terms, not one name', () => {
    const terms = questionTerms("What did Taiwan's Council of Agriculture expect?");
    expect(terms.map((t) => [t.key, t.entity])).toEqual([
      ['taiwan', true],
      ['council', true],
      ['agricultur', true],
      ['expect', false],
    ]);
    expect(questionTerms('What did South Korea export?')[0]?.forms).toEqual(['south korea', 'south korean']);
  });

  it('folds words news uses for one another (talks = negotiations, chose = appointed)', () => {
    expect(textKeys('trade talks')).toEqual(textKeys('trade negotiations'));
    expect(textKeys('the Commission chose')).toEqual(textKeys('the Commission appointed'));
  });

  it('keeps hyphenated compounds as one phrase but splits hyphenated names', () => {
    expect(questionTerms('the Japan-UK deal').map((t) => t.key)).toEqual(['japan', 'uk', 'deal']);
    expect(questionTerms('anti-dumping duties').map((t) => [t.key, t.forms])).toEqual([
      ['dump', ['anti dumping']],
      ['duti', ['duties']],
    ]);
  });

  it('searches a two-word capitalised name as a phrase, with demonym variants', () => {
    expect(questionTerms('steel from West Germany').map((t) => [t.key, t.forms, t.entity])).toEqual([
      ['steel', ['steel'], false],
      ['germani', ['west germany', 'west german'], true],
    ]);
    expect(questionTerms('who did Liu He speak to?')[0]).toEqual({
      key: 'liu',
      forms: ['liu he'],
      entity: true,
    });
    // Title Case Questions have no names beyond known aliases.
    expect(questionTerms('What Tariff Did Mexico Put On Steel?').map((t) => [t.key, t.entity])).toEqual([
      ['tariff', false],
      ['mexico', true],
      ['steel', false],
    ]);
  });
});

describe('textKeys', () => {
  it('uses the same normalisation as questionTerms', () => {
    const keys = textKeys(
      "The U.S. Commerce Department spoke to China's American partners in the United Kingdom.",
    );
    for (const k of ['us', 'commerc', 'speak', 'china', 'uk']) expect(keys.has(k), k).toBe(true);
    expect(keys.has('the')).toBe(false);
  });
});
