/** Default guesses of how often index keys occur in stories (the WatchIndex prefers rare keys). */
import { stem } from '../text/tokens.ts';

export type KeySpace = 'word' | 'pair' | 'title' | 'country' | 'instrument' | 'source';

/** Rough shares of trade-news stories containing these words; other words default by length. */
const COMMON: ReadonlyMap<string, number> = new Map(
  Object.entries({
    trade: 0.5,
    year: 0.5,
    import: 0.3,
    export: 0.3,
    'u.s': 0.3,
    govern: 0.3,
    offici: 0.3,
    market: 0.3,
    price: 0.3,
    new: 0.3,
    pct: 0.3,
    percent: 0.3,
    mln: 0.3,
    tariff: 0.25,
    china: 0.2,
    state: 0.2,
    unit: 0.2,
    countri: 0.2,
    minist: 0.2,
    billion: 0.2,
    million: 0.2,
    product: 0.2,
    compani: 0.2,
    week: 0.2,
    month: 0.2,
    econom: 0.2,
    deal: 0.15,
    talk: 0.15,
    polici: 0.15,
    presid: 0.15,
    world: 0.15,
    japan: 0.1,
    duti: 0.1,
    good: 0.1,
    agreement: 0.1,
    european: 0.1,
    eu: 0.1,
  }).map(([w, f]) => [stem(w), f]),
);

const wordFrequency = (stem: string): number => COMMON.get(stem) ?? (stem.length <= 3 ? 0.05 : 0.02);

const BIG_COUNTRIES = new Set(['US', 'CN', 'EU']);

export function defaultFrequency(space: KeySpace, value: string): number {
  switch (space) {
    case 'word':
      return wordFrequency(value);
    case 'pair': {
      // Adjacent pairs are far rarer than either word.
      const [a = '', b = ''] = value.split(' ');
      return 0.1 * Math.min(wordFrequency(a), wordFrequency(b));
    }
    case 'title':
      return 0.15 * wordFrequency(value);
    case 'country':
      return BIG_COUNTRIES.has(value) ? 0.2 : 0.08;
    case 'instrument':
      return value === 'tariff' || value === 'deal' ? 0.15 : 0.1;
    case 'source':
      return 0.3;
  }
}
