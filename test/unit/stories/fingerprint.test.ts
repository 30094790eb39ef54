import { describe, expect, it } from 'vitest';
import {
  BAND_COUNT,
  deserialiseSignature,
  extractNumbers,
  fingerprint,
  indexKeys,
  minHash,
  NUM_HASHES,
  serialiseSignature,
  shingleHashes,
  toStored,
} from '../../../src/stories/fingerprint.ts';
import { estimatedContainment, estimatedJaccard, numericOverlap } from '../../../src/stories/similarity.ts';
import { articles } from './fixtures.ts';

describe('fingerprint', () => {
  it('is deterministic and fixed across processes (no random seeds)', () => {
    const a = fingerprint(articles.base);
    const b = fingerprint({ ...articles.base });
    expect(Array.from(a.signature)).toEqual(Array.from(b.signature));
    expect(a.bandKeys).toEqual(b.bandKeys);
    // Pinned values: if these change, every stored signature, band key and sentence hash is invalid.
    expect(Array.from(minHash(shingleHashes([1, 2, 3, 4, 5])).slice(0, 3))).toEqual([
      1642990043, 3910966402, 3104845570,
    ]);
    const fed = fingerprint({
      title: 'Fed adds reserves',
      body: 'The Federal Reserve entered the market to arrange 1.5 billion dlrs of repurchase agreements.',
      published: '',
    });
    expect([fed.bandKeys.slice(0, 2), fed.sentenceHashes]).toEqual([['2772775', '25830475'], [3441025195]]);
  });

  it('has the expected shape', () => {
    const fp = fingerprint(articles.base);
    expect(fp.signature).toHaveLength(NUM_HASHES);
    expect(fp.shingleCount).toBeGreaterThan(200);
    expect(fp.bandKeys.length).toBe(BAND_COUNT + Math.min(fp.sentenceHashes.length, 24));
    expect(new Set(fp.bandKeys).size).toBe(fp.bandKeys.length);
    expect(fp.bandKeys.every((k) => /^\d{1,10}$/.test(k))).toBe(true);
    expect(fp.titleTerms).toEqual(expect.arrayContaining(['china', 'deal', 'tariff', 'trade']));
    expect(fp.sentenceHashes.length).toBeGreaterThanOrEqual(8);
    expect(indexKeys(toStored(fp))).toEqual(fp.bandKeys);
  });

  it('handles empty and tiny texts', () => {
    const empty = fingerprint({ title: '', body: '', published: '2020-01-01' });
    expect(empty.shingleCount).toBe(0);
    expect(empty.bandKeys).toEqual([]);
    expect(estimatedJaccard(empty, empty)).toBe(0);
    const brief = fingerprint({ title: 'U.S. CUTS TARIFFS', body: '', published: '2020-01-01' });
    expect(brief.shingleCount).toBe(1);
  });

  it('round-trips signatures through a Buffer', () => {
    const sig = fingerprint(articles.base).signature;
    const buf = serialiseSignature(sig);
    expect(buf).toHaveLength(NUM_HASHES * 4);
    expect(Array.from(deserialiseSignature(buf))).toEqual(Array.from(sig));
    expect(Array.from(deserialiseSignature(new Uint8Array(buf)))).toEqual(Array.from(sig));
    expect(() => deserialiseSignature(Buffer.alloc(3))).toThrow(RangeError);
  });

  it('records figures with their context', () => {
    const n = extractNumbers(articles.fedDay1.body);
    expect(n).toEqual(expect.arrayContaining(['arrange:1.5b', 'trading:6-3/16%']));
    expect(extractNumbers('Prices through April 6 rose 155,221 tonnes, or six pct.')).toEqual([
      'prices:apr-6',
      'rose:155221',
      'tonnes:6%',
    ]);
  });
});

describe('similarity estimates', () => {
  function wordsOf(n: number, offset: number): number[] {
    return Array.from({ length: n }, (_, i) => (i + offset) * 2654435761);
  }

  it('estimates Jaccard and containment within sampling error', () => {
    // 300-word texts overlapping on 200 words: exact shingle Jaccard = 196 / 400.
    const a = { signature: minHash(shingleHashes(wordsOf(300, 0))), shingleCount: 296 };
    const b = { signature: minHash(shingleHashes(wordsOf(300, 100))), shingleCount: 296 };
    const extra = { titleTerms: [], numbers: [], sentenceHashes: [] };
    const j = estimatedJaccard({ ...a, ...extra }, { ...b, ...extra });
    expect(Math.abs(j - 196 / 400)).toBeLessThan(0.12);
    // Containment: the first 100 words sit inside a 400-word text.
    const small = { signature: minHash(shingleHashes(wordsOf(100, 50))), shingleCount: 96, ...extra };
    const big = { signature: minHash(shingleHashes(wordsOf(400, 0))), shingleCount: 396, ...extra };
    expect(estimatedContainment(small, big)).toBeGreaterThan(0.75);
  });

  it('tells swapped figures from kept or added ones', () => {
    expect(
      numericOverlap(['arrange:1.5b', 'trading:6-3/16%'], ['arrange:2b', 'trading:6-1/4%']),
    ).toMatchObject({
      agreements: 0,
      conflicts: 2,
    });
    expect(
      numericOverlap(['rose:5%', 'deficit:15.2b'], ['rose:5%', 'rose:3%', 'deficit:15.2b']),
    ).toMatchObject({
      agreements: 2,
      conflicts: 0,
    });
  });
});
