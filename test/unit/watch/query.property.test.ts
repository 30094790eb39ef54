import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTradewireError } from '../../../src/errors.ts';
import { formatQuery, parseQuery, QUERY_LIMITS, type QueryNode } from '../../../src/watch/query.ts';

const RUNS = { seed: 20261203, numRuns: 300 } as const;

const WORDS = [
  'steel',
  'tariffs',
  'soybeans',
  'quota',
  'chips',
  'duties',
  'lumber',
  'export',
  'controls',
  'wto',
];
const word = fc.constantFrom(...WORDS);
const leaf = fc.oneof(
  word,
  fc.array(word, { minLength: 2, maxLength: 3 }).map((ws) => `"${ws.join(' ')}"`),
  word.map((w) => `title:${w}`),
  fc.constantFrom(
    'country:CN',
    'country:"south korea"',
    'instrument:tariff',
    'instrument:quota',
    'source:xinhua',
  ),
);
/** Query text built from the grammar: words, phrases, fields, AND/OR/NOT, `-` and parentheses. */
const { query } = fc.letrec<{ query: string }>((tie) => ({
  query: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('query'), tie('query')).map(([a, b]) => `${a} ${b}`),
    fc.tuple(tie('query'), tie('query')).map(([a, b]) => `(${a}) OR (${b})`),
    fc.tuple(tie('query'), leaf).map(([a, b]) => `(${a}) -${b}`),
    fc.tuple(leaf, tie('query')).map(([a, b]) => `${a} NOT (${b})`),
  ),
}));

function parsed(text: string): QueryNode | 'rejected' {
  try {
    return parseQuery(text);
  } catch (err) {
    expect(isTradewireError(err) && err.code === 'query/parse').toBe(true);
    return 'rejected';
  }
}

describe('watch query language (property)', () => {
  it('format ∘ parse is the identity on canonical text, for every query the grammar builds', () => {
    let accepted = 0;
    fc.assert(
      fc.property(query, (text) => {
        const node = parsed(text);
        if (node === 'rejected') return; // e.g. only exclusions in an OR branch, or over a limit
        accepted++;
        const canonical = formatQuery(node);
        const again = parseQuery(canonical);
        expect(formatQuery(again)).toBe(canonical);
        expect(again).toEqual(parseQuery(formatQuery(again)));
      }),
      RUNS,
    );
    // Most generated queries are valid, so the round trip is really exercised.
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 2);
  });

  it('random input gives a query or a query/parse error, never another exception', () => {
    const alphabet = fc.constantFrom(
      ...'ab steel ()"“”-:ORANDNOT\t\n country:cn title: ü 中 \u0000'.split(''),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: alphabet, maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })),
        (text) => {
          parsed(text);
        },
      ),
      RUNS,
    );
  });

  it('queries over the length, term and depth limits are rejected with query/parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: QUERY_LIMITS.maxTerms + 1, max: 10_000 }), (n) => {
        const many = Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]).join(' OR ');
        expect(parsed(many)).toBe('rejected');
      }),
      { seed: RUNS.seed, numRuns: 20 },
    );
    const deep = `${'('.repeat(QUERY_LIMITS.maxDepth + 1)}steel${')'.repeat(QUERY_LIMITS.maxDepth + 1)}`;
    expect(parsed(deep)).toBe('rejected');
    expect(parsed(`${'-'.repeat(1)}(${'NOT '.repeat(QUERY_LIMITS.maxDepth)}steel) tariffs`)).toBe('rejected');
    expect(parsed(`steel ${'x'.repeat(QUERY_LIMITS.maxLength)}`)).toBe('rejected');
    expect(parsed(`${'('.repeat(QUERY_LIMITS.maxDepth)}steel${')'.repeat(QUERY_LIMITS.maxDepth)}`)).not.toBe(
      'rejected',
    );
  });
});
