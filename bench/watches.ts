/**
 * Keyword-watch matching cost: 10,000 generated watches against N stories, indexed vs brute force.
 *
 *   node --import tsx bench/watches.ts [--synthetic] [--stories 2000] [--watches 10000] [--repeat 3]
 *
 * Stories come from ../shared/data/reuters21578-dev.jsonl (title + body; countries and instruments unknown,
 * so country:/instrument: watches cannot fire) when present, else synthetic. Cost per story =
 * prepareStory + WatchIndex.match (indexed) or prepareStory + every watch's compiled query (brute force).
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { TRADE_INSTRUMENTS, type TradeInstrument } from '../src/domain.ts';
import { KNOWN_COUNTRY_CODES, lookupCountry } from '../src/watch/countries.ts';
import { lookupInstrument } from '../src/watch/instruments.ts';
import { compileQuery, type MatchableStory, matchedTerms, prepareStory } from '../src/watch/match.ts';
import { parseQuery, type QueryNode } from '../src/watch/query.ts';
import { type WatchHit, WatchIndex } from '../src/watch/watch-index.ts';
import { rng } from '../test/helpers/rng.ts';

const args = process.argv.slice(2);
const numArg = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N_STORIES = numArg('--stories', 2000);
const N_WATCHES = numArg('--watches', 10_000);
const REPEAT = numArg('--repeat', 3);
const DATA = '../shared/data/reuters21578-dev.jsonl';

const r = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const COMMODITIES = (
  'steel aluminium aluminum soybeans wheat corn rice sugar coffee cocoa lumber dairy beef pork wine autos cars ' +
  'semiconductors chips textiles copper nickel lithium batteries tobacco cotton shrimp salmon fertiliser potash ' +
  'computers aircraft ships timber gold oil gas grain meat footwear apparel machinery pharmaceuticals'
).split(' ');
const COMMODITY_PHRASES = [
  'solar panels',
  'rare earths',
  'crude oil',
  'natural gas',
  'electric vehicles',
  'palm oil',
];
const INSTRUMENT_WORDS =
  'tariffs duties quotas sanctions embargo subsidies ban levy tariff quota dumping'.split(' ');
const TRADE_PHRASES = [
  'export controls',
  'trade deal',
  'trade agreement',
  'free trade',
  'trade deficit',
  'trade surplus',
  'trade war',
  'trade talks',
  'trade bill',
  'market access',
  'section 301',
  'countervailing duties',
  'import restrictions',
  'most favoured nation',
];
const TRADE_WORDS =
  'wto gatt protectionism retaliation dumping reciprocity imports exports negotiations'.split(' ');
const COUNTRY_NAMES = (
  'canada mexico china japan brazil india korea germany france australia russia iran vietnam taiwan ' +
  'argentina indonesia britain italy turkey malaysia thailand chile egypt'
).split(' ');

const commodity = (): string => (r() < 0.15 ? `"${pick(COMMODITY_PHRASES)}"` : pick(COMMODITIES));
const code = (): string => pick(KNOWN_COUNTRY_CODES);
const TEMPLATES: Array<() => string> = [
  () => `${commodity()} ${pick(INSTRUMENT_WORDS)}`,
  () => `${commodity()} ${pick(INSTRUMENT_WORDS)} -${pick(COUNTRY_NAMES)}`,
  () => `country:${code()} AND ${commodity()}`,
  () => `"${pick(TRADE_PHRASES)}" ${commodity()}`,
  () => `instrument:${pick(TRADE_INSTRUMENTS)} country:${code()}`,
  () => `(${commodity()} OR ${commodity()}) ${pick(INSTRUMENT_WORDS)}`,
  () => `title:${pick(COMMODITIES)} ${pick(INSTRUMENT_WORDS)}`,
  () => `${pick(COUNTRY_NAMES)} ${commodity()} -"${pick(TRADE_PHRASES)}"`,
  () => `${pick(TRADE_WORDS)} ${pick(COUNTRY_NAMES)}`,
  () => `${commodity()} OR ${commodity()} OR ${commodity()}`,
  () => `source:reuters ${commodity()} ${pick(INSTRUMENT_WORDS)}`,
  () => `"${pick(TRADE_PHRASES)}" -country:${code()}`,
  () => `(${pick(COUNTRY_NAMES)} OR country:${code()}) ${pick(INSTRUMENT_WORDS)} NOT ${commodity()}`,
  () => `"${pick(TRADE_PHRASES)}" ${pick(COUNTRY_NAMES)} instrument:${pick(TRADE_INSTRUMENTS)}`,
];

function loadStories(): { stories: MatchableStory[]; from: string } {
  if (!args.includes('--synthetic') && existsSync(DATA)) {
    const lines = readFileSync(DATA, 'utf8').split('\n').filter(Boolean);
    const stride = Math.max(1, Math.floor(lines.length / N_STORIES));
    const stories: MatchableStory[] = [];
    for (let i = 0; i < lines.length && stories.length < N_STORIES; i += stride) {
      const rec = JSON.parse(lines[i]!) as { id: string; title?: string; body?: string };
      const title = rec.title ?? '';
      stories.push({
        id: rec.id,
        title,
        text: `${title}\n${rec.body ?? ''}`,
        sources: ['Reuters'],
        countries: [],
        instruments: [],
      });
    }
    return { stories, from: `${DATA} (every ${stride}th record)` };
  }
  // Each synthetic story is about a few topic words, in generic newswire filler, with a little noise.
  const filler = (
    'the government said on monday that officials would meet next week to discuss prices and output ' +
    'while analysts expected growth in the first quarter after a statement from the ministry about ' +
    'talks with industry groups over plans for new rules reported by local media sources'
  ).split(' ');
  const vocab = [...COMMODITIES, ...INSTRUMENT_WORDS, ...TRADE_WORDS, ...COUNTRY_NAMES, ...TRADE_PHRASES];
  const stories = Array.from({ length: N_STORIES }, (_, i): MatchableStory => {
    const countries = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(COUNTRY_NAMES));
    const insts = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(INSTRUMENT_WORDS));
    const topic = [
      ...Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick([...COMMODITIES, ...COMMODITY_PHRASES])),
      ...countries,
      ...insts,
      ...(r() < 0.5 ? [pick(TRADE_PHRASES)] : []),
    ];
    const body = Array.from({ length: 100 + Math.floor(r() * 500) }, () => {
      const x = r();
      return x < 0.85 ? pick(filler) : x < 0.98 ? pick(topic) : pick(vocab);
    });
    return {
      id: `syn${i}`,
      title: topic.slice(0, 3).join(' '),
      text: body.join(' '),
      sources: [pick(['Reuters', 'Xinhua', 'Financial Times', 'Bloomberg'])],
      countries: countries.map((c) => lookupCountry(c) ?? 'XX'),
      instruments: [...new Set(insts.map(lookupInstrument))].filter(
        (x): x is TradeInstrument => x !== undefined,
      ),
    };
  });
  return { stories, from: 'synthetic' };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (xs: number[]): string =>
  `p50 ${pct(xs, 50).toFixed(3)}  p95 ${pct(xs, 95).toFixed(3)}  p99 ${pct(xs, 99).toFixed(3)} ms`;

const { stories, from } = loadStories();
const watches: Array<[string, QueryNode]> = [];
for (let i = 0; watches.length < N_WATCHES; i++) watches.push([`w${i}`, parseQuery(pick(TEMPLATES)())]);

const t = performance.now();
const index = new WatchIndex();
for (const [id, node] of watches) index.add(id, node);
const buildMs = performance.now() - t;

// Brute force uses the same compiled predicates as the index, so the ratio measures the indexing alone.
const compiled = watches.map(([id, node]) => ({ id, node, test: compileQuery(node) }));
const runIndexed = (s: MatchableStory): WatchHit[] => index.match(prepareStory(s));
const runBrute = (s: MatchableStory): WatchHit[] => {
  const p = prepareStory(s);
  const out: WatchHit[] = [];
  for (const w of compiled) if (w.test(p)) out.push({ watchId: w.id, terms: matchedTerms(w.node, p) });
  return out;
};

// Warm up the JIT on both paths.
for (const s of stories.slice(0, 200)) {
  runIndexed(s);
  runBrute(s);
}

/** Per-story wall time; with REPEAT > 1 the fastest of REPEAT passes (filters scheduler noise on a shared box). */
const timeEach = <T>(fn: (s: MatchableStory) => T, repeat = 1, after?: (x: T) => void): number[] => {
  const best = stories.map(() => Number.POSITIVE_INFINITY);
  for (let k = 0; k < repeat; k++) {
    stories.forEach((s, j) => {
      const t0 = performance.now();
      const x = fn(s);
      best[j] = Math.min(best[j]!, performance.now() - t0);
      if (k === 0) after?.(x);
    });
  }
  return best;
};

let candidates = 0;
let hits = 0;
const results: string[] = [];
// First sight: most stories' words are new to the stem cache, as for a fresh process.
const firstSight = timeEach(runIndexed);
const prepOnly = timeEach(prepareStory, REPEAT);
const onePass = timeEach(runIndexed, 1, (got) => {
  results.push(JSON.stringify(got));
  candidates += index.lastCandidates;
  hits += got.length;
});
const indexed = timeEach(runIndexed, REPEAT);
let i = 0;
let mismatches = 0;
const brute = timeEach(runBrute, REPEAT, (got) => {
  if (JSON.stringify(got) !== results[i++]) mismatches++;
});

const n = stories.length;
const best = `best of ${REPEAT}`;
console.log(
  `watches: ${watches.length} (index built in ${buildMs.toFixed(1)} ms); stories: ${n} from ${from}`,
);
console.log(
  `avg candidates evaluated per story: ${(candidates / n).toFixed(1)}; avg hits per story: ${(hits / n).toFixed(2)}`,
);
console.log(`cost per story, ms:`);
console.log(`  indexed, first sight (cold stem cache)   ${fmt(firstSight)}`);
console.log(`  indexed, one warm pass                   ${fmt(onePass)}`);
console.log(`  prepareStory only (${best})           ${fmt(prepOnly)}`);
console.log(`  indexed prepare+match (${best})       ${fmt(indexed)}`);
console.log(`  brute force, ${watches.length} watches (${best}) ${fmt(brute)}`);
console.log(
  `speed-up vs brute force: p50 ×${(pct(brute, 50) / pct(indexed, 50)).toFixed(1)}, p95 ×${(pct(brute, 95) / pct(indexed, 95)).toFixed(1)}; ` +
    `hits differing from brute force: ${mismatches} stories; target p95 ≤ 1 ms: ${pct(indexed, 95) <= 1 ? 'met' : 'MISSED'}`,
);
