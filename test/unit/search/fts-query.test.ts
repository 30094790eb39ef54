import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildMatch, ftsQuery, questionTerms, quotePhrase, textKeys } from '../../../src/search/fts-query.ts';

const SAFE = /^"[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*"(?: OR "[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*")*$/u;

describe('ftsQuery', () => {
  it('quotes each content term and ORs them, dropping stopwords and question filler', () => {
    expect(ftsQuery('What tariff did Mexico put on steel?')).toBe(
      '"tariff" OR "mexico" OR "mexican" OR "steel"',
    );
  });

  it('returns null when nothing searchable is left', () => {
    expect(ftsQuery('')).toBeNull();
    expect(ftsQuery('   ?!  ')).toBeNull();
    expect(ftsQuery('what did they say about it?')).toBeNull();
    expect(ftsQuery('"" () * ^ : -')).toBeNull();
  });

  it('neutralises FTS5 syntax: operators, column filters, prefixes, quotes and NEAR groups', () => {
    const nasty = [
      'steel" OR title:* NEAR(a b) AND -x ^y',
      'tariffs AND NOT "quota',
      '{title text}: chips*',
      'NEAR("a" "b", 3) OR )(',
      'China\'s "unfair" duties; DROP TABLE passages; --',
      'anti-dumping + export-controls / U.S.',
    ];
    for (const text of nasty) {
      const match = ftsQuery(text);
      expect(match, text).not.toBeNull();
      expect(match, text).toMatch(SAFE);
    }
    expect(ftsQuery('tariffs AND NOT quota')).toBe('"tariffs" OR "quota"');
  });

  it('every expression it builds is valid FTS5 syntax', () => {
    const db = new Database(':memory:');
    db.exec(
      `CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='porter unicode61 remove_diacritics 2')`,
    );
    db.prepare('INSERT INTO t (title, text) VALUES (?, ?)').run(
      'U.S. chips',
      'Export controls on chips to China.',
    );
    const inputs = [
      'who did Liu He speak to?',
      'What did the U.S. do on chip exports?',
      'steel" OR title:* NEAR(a b) AND -x ^y',
      'Japan-UK deal',
      'café tariffs über alles 35%',
      '漢字 tariffs',
      'OR AND NOT NEAR',
    ];
    for (const text of inputs) {
      const match = ftsQuery(text);
      if (match)
        expect(() => db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').get(match), text).not.toThrow();
    }
    const hits = db.prepare('SELECT count(*) AS n FROM t WHERE t MATCH ?').get(ftsQuery('US chips')) as {
      n: number;
    };
    expect(hits.n).toBe(1);
    db.close();
  });

  it('adds extra terms', () => {
    expect(ftsQuery('what about it?', ['chip', 'exports'])).toBe('"chip" OR "exports"');
  });
});

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

describe('quotePhrase / buildMatch', () => {
  it('keeps only letters, digits and single spaces inside the quotes', () => {
    expect(quotePhrase('  "a"  b* ')).toBe('"a b"');
    expect(quotePhrase('***')).toBeNull();
    expect(buildMatch([])).toBeNull();
  });
});
