import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { questionTerms } from '../../../src/search/question-terms.ts';
import { searchTiers } from '../../../src/search/search-tiers.ts';
import { matchExpression, quotePhrase } from '../../../src/store/sqlite/fts-match.ts';

/** Free text straight to the any-term MATCH expression (null when it has no content terms). */
function ftsQuery(text: string, extra: readonly string[] = []): string | null {
  const terms = [...questionTerms(text), ...extra.flatMap((t) => questionTerms(t))];
  return matchExpression({ terms: terms.slice(0, 8).map((t) => ({ forms: t.forms })), minMatch: 1 });
}

const SAFE = /^"[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*"(?: OR "[\p{L}\p{N}]+(?: [\p{L}\p{N}]+)*")*$/u;

describe('matchExpression over question terms (any-term tier)', () => {
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

describe('matchExpression', () => {
  const t = (...forms: string[]) => ({ forms });

  it('keeps only letters, digits and single spaces inside the quotes', () => {
    expect(quotePhrase('  "a"  b* ')).toBe('"a b"');
    expect(quotePhrase('***')).toBeNull();
    expect(matchExpression({ terms: [], minMatch: 1 })).toBeNull();
    expect(matchExpression({ terms: [t('***'), t('')], minMatch: 1 })).toBeNull();
  });

  it('builds all-of, at-least-m-of and any-of expressions, a term being the OR of its forms', () => {
    const terms = [t('japan', 'tokyo'), t('trade'), t('surplus')];
    expect(matchExpression({ terms, minMatch: 3 })).toBe('("japan" OR "tokyo") AND "trade" AND "surplus"');
    expect(matchExpression({ terms, minMatch: 2 })).toBe(
      '(("japan" OR "tokyo") AND "trade") OR (("japan" OR "tokyo") AND "surplus") OR ("trade" AND "surplus")',
    );
    expect(matchExpression({ terms, minMatch: 1 })).toBe('"japan" OR "tokyo" OR "trade" OR "surplus"');
    // minMatch is clamped to the searchable terms.
    expect(matchExpression({ terms: [t('steel'), t('?')], minMatch: 5 })).toBe('"steel"');
  });

  it('requires one of requireAny beside the terms, and finds nothing when requireAny has nothing searchable', () => {
    expect(matchExpression({ terms: [t('chip'), t('exports')], minMatch: 2, requireAny: [t('china')] })).toBe(
      '("china") AND ("chip" AND "exports")',
    );
    expect(matchExpression({ terms: [t('chip')], minMatch: 1, requireAny: [] })).toBe('"chip"');
    expect(matchExpression({ terms: [t('chip')], minMatch: 1, requireAny: [t('--')] })).toBeNull();
  });

  it('refuses more terms than a query may carry', () => {
    const terms = Array.from({ length: 9 }, (_, i) => t(`w${i}`));
    expect(() => matchExpression({ terms, minMatch: 4 })).toThrow(/at most 8 terms/);
  });

  it('every tier of a question is valid FTS5 syntax', () => {
    const db = new Database(':memory:');
    db.exec(
      `CREATE VIRTUAL TABLE t USING fts5(title, text, tokenize='porter unicode61 remove_diacritics 2')`,
    );
    for (const text of [
      'who did Liu He speak to about the U.S. chip export controls and the EU steel quota?',
      'a',
    ]) {
      for (const tier of searchTiers(questionTerms(text), questionTerms('Japan-UK deal'))) {
        const match = matchExpression(tier);
        if (match)
          expect(() => db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').get(match)).not.toThrow();
      }
    }
    db.close();
  });
});
