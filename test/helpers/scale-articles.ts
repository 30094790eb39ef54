import type { ArticleInput } from '../../src/domain.ts';
import { rng } from './rng.ts';

const COUNTRIES = [
  'Canada',
  'Mexico',
  'Japan',
  'India',
  'Brazil',
  'Vietnam',
  'Chile',
  'Kenya',
  'Norway',
  'Peru',
  'Turkey',
  'Egypt',
];
const GOODS = [
  'steel',
  'aluminium',
  'solar panels',
  'soybeans',
  'lumber',
  'semiconductors',
  'dairy',
  'rice',
  'copper',
  'fertiliser',
];
const MEASURES = ['tariffs', 'an anti-dumping probe', 'import quotas', 'export controls', 'a trade deal'];
const PORTS = ['Rotterdam', 'Santos', 'Mombasa', 'Busan', 'Valparaiso', 'Veracruz', 'Chennai', 'Haiphong'];
const WHO = ['the trade minister', 'a customs spokesperson', 'the finance ministry', 'an industry lobby'];
const WHY = ['a surge in cheap shipments', 'pressure from farmers', 'a security review', 'stalled talks'];
const WHEN = ['on Monday', 'late on Tuesday', 'on Wednesday morning', 'after a cabinet meeting', 'on Friday'];
const EFFECT = ['freight rates', 'retail prices', 'factory orders', 'port volumes', 'supplier margins'];
const NAMES = ['Okafor', 'Lindqvist', 'Tanaka', 'Moreau', 'Haddad', 'Kowalski', 'Silva', 'Nguyen', 'Petrov'];
const REACT = ['welcomed', 'criticised', 'questioned', 'cautiously backed', 'vowed to challenge'];

export interface ScaleInput {
  articles: ArticleInput[];
  /** Distinct events: each should end as one story. */
  events: number;
}

/**
 * Synthetic trade news for the scale drill and bench/scale.ts: events told in words drawn from
 * several pools (so unrelated events share little text, as real news does), each reported by
 * 1–`maxCopies` outlets (copies differ in URL, source and sign-off only, as in event-copies.ts), in
 * a shuffled order, so copies of one event usually land in different ingest batches — and, with
 * several workers, in different processes at once. Repeatable for a given seed.
 */
export function scaleArticles(n: number, opts: { seed?: number; maxCopies?: number } = {}): ScaleInput {
  const rand = rng(opts.seed ?? 21);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const num = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo));
  const maxCopies = opts.maxCopies ?? 3;
  const out: ArticleInput[] = [];
  let events = 0;
  while (out.length < n) {
    const e = events++;
    const [country, partner] = [pick(COUNTRIES), pick(COUNTRIES)];
    const good = pick(GOODS);
    const measure = pick(MEASURES);
    const official = `${pick(['Ana', 'Ravi', 'Mei', 'Jonas', 'Leila', 'Tomas'])} ${pick(NAMES)}`;
    const body = [
      `${country} set out ${measure} on ${good} from ${partner} ${pick(WHEN)}, citing ${pick(WHY)}; ${pick(WHO)} put the value at ${num(5, 900)} million dollars.`,
      `${official}, who leads file ${e}, said ${num(2, 60)} firms near ${pick(PORTS)} had ${num(3, 30)} days to adjust.`,
      `Analysts expect ${pick(EFFECT)} to move ${num(1, 19)} percent, while exporters ${pick(REACT)} the step and ${pick(PORTS)} shippers ${pick(REACT)} it too.`,
      `Talks with ${partner} resume in ${pick(['March', 'April', 'June', 'September', 'October'])} under reference ${num(1000, 9999)}-${e}.`,
    ].join('\n\n');
    const day = 1 + (e % 28);
    const copies = Math.min(n - out.length, 1 + Math.floor(rand() * maxCopies));
    for (let c = 0; c < copies; c++) {
      out.push({
        url: `https://outlet${c}.scale.example/${e}`,
        source: `Scale Wire ${(e + c) % 9}`,
        title: `${country} ${measure} on ${partner} ${good}: file ${e}`,
        published: `2026-11-${String(day).padStart(2, '0')}T${String(6 + c).padStart(2, '0')}:00:00Z`,
        body: c === 0 ? body : `${body}\n\nReporting by desk ${c}.`,
      });
    }
  }
  // Fisher–Yates with the same generator: a repeatable shuffle.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return { articles: out, events };
}

export function toJsonl(articles: readonly ArticleInput[]): string {
  return `${articles.map((a) => JSON.stringify(a)).join('\n')}\n`;
}
