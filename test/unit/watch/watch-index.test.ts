import { describe, expect, it } from 'vitest';
import { TRADE_INSTRUMENTS, type TradeInstrument } from '../../../src/domain.ts';
import {
  type MatchableStory,
  matchQuery,
  type PreparedStory,
  prepareStory,
} from '../../../src/watch/match.ts';
import { parseQuery, type QueryNode } from '../../../src/watch/query.ts';
import { type WatchHit, WatchIndex } from '../../../src/watch/watch-index.ts';
import { rng } from '../../helpers/rng.ts';

function story(over: Partial<MatchableStory> = {}): PreparedStory {
  return prepareStory({ id: 's', title: '', text: '', sources: [], countries: [], instruments: [], ...over });
}

function bruteForce(watches: Map<string, QueryNode>, p: PreparedStory): WatchHit[] {
  const out: WatchHit[] = [];
  for (const [watchId, node] of watches) {
    const m = matchQuery(node, p);
    if (m.matched) out.push({ watchId, terms: m.terms });
  }
  return out;
}

describe('WatchIndex', () => {
  it('adds, replaces, removes and matches in insertion order with terms', () => {
    const index = new WatchIndex();
    index.add('w1', parseQuery('steel tariffs -canada'));
    index.add('w2', parseQuery('"export controls" chips'));
    index.add('w3', parseQuery('country:CN AND soybean'));
    expect(index.size).toBe(3);
    const p = story({ text: 'Steel tariffs and export controls on chips', countries: ['CN'] });
    expect(index.match(p)).toEqual([
      { watchId: 'w1', terms: ['steel', 'tariffs'] },
      { watchId: 'w2', terms: ['"export controls"', 'chips'] },
    ]);
    index.add('w1', parseQuery('soybeans'));
    expect(index.size).toBe(3);
    expect(index.match(story({ text: 'soybeans', countries: ['CN'] })).map((h) => h.watchId)).toEqual([
      'w3',
      'w1',
    ]);
    expect(index.remove('w3')).toBe(true);
    expect(index.remove('w3')).toBe(false);
    expect(index.match(story({ text: 'soybeans', countries: ['CN'] })).map((h) => h.watchId)).toEqual(['w1']);
  });

  it('files a conjunction under one rare key and a disjunction under a key per branch', () => {
    const index = new WatchIndex();
    index.add('and', parseQuery('trade tariffs semiconductors -japan'));
    index.add('or', parseQuery('steel OR (aluminium tariffs) OR country:MX'));
    index.add('fields', parseQuery('instrument:sanctions country:"united states"'));
    index.add('title', parseQuery('title:"steel tariffs" trade'));
    index.add('source', parseQuery('source:xinhua'));
    index.add('phrase', parseQuery('"trade deficit" tariffs'));
    expect(index.keysOf('and')).toEqual(['word:semiconductor']);
    expect(index.keysOf('or')).toEqual(['word:steel', 'word:aluminium', 'country:MX']);
    expect(index.keysOf('fields')).toEqual(['instrument:sanction']);
    expect(index.keysOf('title')).toEqual(['title:steel']);
    expect(index.keysOf('source')).toEqual(['source:xinhua']);
    expect(index.keysOf('phrase')).toEqual(['pair:trade deficit']);
  });

  it('uses caller-supplied key frequencies', () => {
    const index = new WatchIndex({ keyFrequency: (k) => (k === 'word:semiconductor' ? 0.9 : undefined) });
    index.add('w', parseQuery('tariffs semiconductors'));
    expect(index.keysOf('w')).toEqual(['word:tariff']);
  });

  it('evaluates only candidate watches', () => {
    const index = new WatchIndex();
    for (let i = 0; i < 100; i++) index.add(`w${i}`, parseQuery(`commodity${i} tariffs`));
    expect(index.match(story({ text: 'tariffs on commodity7' })).map((h) => h.watchId)).toEqual(['w7']);
    expect(index.lastCandidates).toBe(1);
  });

  it('finds phrase-keyed watches by adjacent terms in the text or the title', () => {
    const index = new WatchIndex();
    index.add('w', parseQuery('"export controls" chips'));
    expect(index.keysOf('w')).toEqual(['pair:export control']);
    expect(index.match(story({ text: 'controls on export of chips' }))).toEqual([]);
    expect(index.lastCandidates).toBe(0);
    expect(index.match(story({ text: 'chips', title: 'New export controls' })).map((h) => h.watchId)).toEqual(
      ['w'],
    );
    index.remove('w');
    expect(index.match(story({ text: 'export controls on chips' }))).toEqual([]);
  });

  it('always checks watches without a positive key', () => {
    const index = new WatchIndex();
    const onlyNot: QueryNode = { kind: 'not', child: parseQuery('canada') };
    index.add('neg', onlyNot);
    expect(index.keysOf('neg')).toEqual([]);
    expect(index.match(story({ text: 'mexico' })).map((h) => h.watchId)).toEqual(['neg']);
    expect(index.match(story({ text: 'canada' }))).toEqual([]);
  });
});

const VOCAB = ['steel', 'tariffs', 'tariff', 'canada', 'china', 'soybeans', 'export', 'controls', 'chips'];
const VOCAB2 = ['sanctions', 'sanctioned', 'deal', 'quota', 'aluminium', 'wheat', 'trade', 'deficit'];
const WORDS = [...VOCAB, ...VOCAB2];
const COUNTRIES = ['CN', 'US', 'CA', 'MX', 'EU'];
const SOURCES = ['Reuters', 'Xinhua News Agency', 'Financial Times'];

describe('WatchIndex vs brute force (seeded random)', () => {
  it('returns identical hits for random queries and stories', () => {
    const r = rng(20240611);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const leaf = (): string => {
      const x = r();
      if (x < 0.5) return pick(WORDS);
      if (x < 0.65) return `"${pick(WORDS)} ${pick(WORDS)}"`;
      if (x < 0.75) return `country:${pick(COUNTRIES)}`;
      if (x < 0.85) return `instrument:${pick(TRADE_INSTRUMENTS)}`;
      if (x < 0.93) return `title:${pick(WORDS)}`;
      return `source:${pick(['xinhua', 'reuters', 'times', 'financial'])}`;
    };
    const expr = (depth: number): string => {
      const n = 1 + Math.floor(r() * 3);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const x = r();
        const term = depth > 0 && x < 0.25 ? `(${expr(depth - 1)})` : leaf();
        parts.push(r() < 0.2 ? `-${term}` : term);
      }
      return parts.join(r() < 0.3 ? ' OR ' : r() < 0.5 ? ' AND ' : ' ');
    };

    const watches = new Map<string, QueryNode>();
    const index = new WatchIndex();
    for (let i = 0; watches.size < 400 && i < 5000; i++) {
      let node: QueryNode;
      try {
        node = parseQuery(expr(2));
      } catch {
        continue; // e.g. only negations
      }
      watches.set(`w${i}`, node);
      index.add(`w${i}`, node);
    }
    expect(watches.size).toBe(400);

    const some = <T>(xs: readonly T[]): T[] => xs.filter(() => r() < 0.3);
    let hits = 0;
    let candidates = 0;
    for (let s = 0; s < 300; s++) {
      const text = Array.from({ length: 3 + Math.floor(r() * 15) }, () => pick(WORDS)).join(' ');
      const title = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(WORDS)).join(' ');
      const p = story({
        id: `s${s}`,
        title,
        text,
        sources: some(SOURCES),
        countries: some(COUNTRIES),
        instruments: some(TRADE_INSTRUMENTS) as TradeInstrument[],
      });
      const got = index.match(p);
      expect(got).toEqual(bruteForce(watches, p));
      hits += got.length;
      candidates += index.lastCandidates;
      if (s === 150) {
        for (const id of [...watches.keys()].filter((_, i) => i % 2 === 0)) {
          watches.delete(id);
          index.remove(id);
        }
      }
    }
    expect(hits).toBeGreaterThan(1000);
    expect(candidates).toBeLessThan(300 * 300);
  });
});
