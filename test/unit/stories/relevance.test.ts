import { describe, expect, it } from 'vitest';
import {
  RELEVANCE_TERMS,
  relevanceFeatures,
  stemPhrase,
  TRADE_RELEVANCE_THRESHOLD,
  tradeRelevance,
} from '../../../src/stories/relevance.ts';
import { articles } from './fixtures.ts';

describe('tradeRelevance', () => {
  it.each(['base', 'syndicated', 'unrelated', 'tradeBalance', 'exportControls'] as const)(
    'scores trade news (%s) above the threshold',
    (name) => {
      expect(tradeRelevance(articles[name])).toBeGreaterThan(TRADE_RELEVANCE_THRESHOLD);
    },
  );

  it.each(['sports', 'earnings'] as const)('scores %s below the threshold', (name) => {
    expect(tradeRelevance(articles[name])).toBeLessThan(TRADE_RELEVANCE_THRESHOLD);
  });

  it('stays in 0..1 and weights the title more than the body', () => {
    expect(tradeRelevance({ title: '', body: '' })).toBeGreaterThan(0);
    expect(tradeRelevance({ title: '', body: '' })).toBeLessThan(0.01);
    const inTitle = tradeRelevance({ title: 'Tariffs raised', body: 'The government acted on Monday.' });
    const inBody = tradeRelevance({ title: 'Government acts', body: 'Tariffs were raised on Monday.' });
    expect(inTitle).toBeGreaterThan(inBody);
  });

  it('matches table phrases after stemming, bigrams included', () => {
    const f = relevanceFeatures({ title: '', body: 'The trade deficits widened as tariffs rose.' });
    expect(f.get(stemPhrase('trade deficit'))).toBeCloseTo(Math.log(2));
    expect(f.get('tariff')).toBeCloseTo(Math.log(2));
  });

  it('keeps the table small and readable', () => {
    expect(RELEVANCE_TERMS.length).toBeLessThan(80);
    expect(new Set(RELEVANCE_TERMS.map(([p]) => stemPhrase(p))).size).toBe(RELEVANCE_TERMS.length);
  });

  it('rates present-day trade policy news as trade, and the rest not', async () => {
    const { readFileSync } = await import('node:fs');
    const sample = readFileSync(new URL('../../../samples/trade-week.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { title: string; body: string });
    const score = (needle: string) => tradeRelevance(sample.find((a) => a.title.includes(needle))!);
    for (const t of [
      'Mexico raises tariff',
      'export controls on advanced chips',
      'digital trade deal',
      'UK sanctions',
    ]) {
      expect(score(t), t).toBeGreaterThan(TRADE_RELEVANCE_THRESHOLD);
    }
    for (const t of ['cup final', 'Fed adds reserves']) expect(score(t), t).toBeLessThan(0.05);
  });
});
