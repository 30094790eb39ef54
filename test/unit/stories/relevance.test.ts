import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  relevanceFeatures,
  relevanceReasons,
  stemPhrase,
  TRADE_RELEVANCE_THRESHOLD,
  tradeRelevance,
} from '../../../src/stories/relevance.ts';
import { tradeCues } from '../../../src/stories/trade-cues.ts';
import { articles } from './fixtures.ts';

interface Labelled {
  id: string;
  label: number;
  split: 'train' | 'test';
  title: string;
  body: string;
}

const presentDay = readFileSync(
  new URL('../../fixtures/relevance/present-day.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Labelled);

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
    expect(tradeRelevance({ title: '', body: '' })).toBeLessThan(TRADE_RELEVANCE_THRESHOLD);
    const inTitle = tradeRelevance({ title: 'Tariffs raised', body: 'The government acted on Monday.' });
    const inBody = tradeRelevance({ title: 'Government acts', body: 'Tariffs were raised on Monday.' });
    expect(inTitle).toBeGreaterThan(inBody);
  });

  it('counts stemmed words and bigrams, and instrument cues', () => {
    const f = relevanceFeatures({ title: '', body: 'The trade deficits widened as tariffs rose.' });
    expect(f.get(stemPhrase('trade deficit'))).toBeCloseTo(Math.log(2));
    expect(f.get('tariff')).toBeCloseTo(Math.log(2));
    expect(f.get('@tariff')).toBe(1);
    expect(f.get('@trade-data')).toBe(1);
  });

  it('rates the present-day trade stories the 1987 model missed as trade', () => {
    for (const text of [
      {
        title: 'Canada imposes surtax on Chinese electric vehicles',
        body: 'Canada will impose a 100% surtax on electric vehicles made in China from October 1, Prime Minister Justin Trudeau said, matching U.S. measures against what Ottawa called unfair Chinese trade practices.',
      },
      {
        title: 'Canada adds surtax on Chinese batteries',
        body: 'Ottawa will apply a 25% surtax on lithium-ion batteries and parts imported from China from next year.',
      },
      {
        title: 'China bans exports of gallium to the United States',
        body: 'China banned exports of gallium, germanium and antimony to the United States, the commerce ministry said.',
      },
    ]) {
      expect(tradeRelevance(text), text.title).toBeGreaterThan(TRADE_RELEVANCE_THRESHOLD);
    }
  });

  it('leaves sports trades, trade-in offers and repo operations out', () => {
    for (const text of [
      {
        title: 'Lakers complete trade for guard',
        body: 'The Lakers completed a trade for a guard, sending two players and a draft pick to Utah.',
      },
      {
        title: 'Phone maker lifts trade-in credit',
        body: 'The company raised trade-in credit for older phones by up to 200 dollars.',
      },
      {
        title: 'Fed adds reserves via repo',
        body: 'The Federal Reserve added 30 billion dollars in reserves through overnight repurchase agreements.',
      },
    ]) {
      expect(tradeRelevance(text), text.title).toBeLessThan(TRADE_RELEVANCE_THRESHOLD);
    }
  });

  it('reaches F1 ≥ 0.90 on the held-out present-day articles at the default threshold', () => {
    const test = presentDay.filter((a) => a.split === 'test');
    expect(test.length).toBeGreaterThanOrEqual(100);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const a of test) {
      const yes = tradeRelevance(a) >= TRADE_RELEVANCE_THRESHOLD;
      if (yes && a.label) tp++;
      else if (yes) fp++;
      else if (a.label) fn++;
    }
    expect((2 * tp) / (2 * tp + fp + fn)).toBeGreaterThanOrEqual(0.9);
  });

  it('says which instruments make a story trade news, strongest first', () => {
    const text = 'The EU imposed anti-dumping duties on Chinese steel and opened a WTO dispute.';
    expect(relevanceReasons(text)).toEqual(expect.arrayContaining(['anti-dumping', 'wto']));
    expect(tradeCues('A trade-in offer for old phones')).toEqual([]);
  });
});
