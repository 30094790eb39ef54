/**
 * Scheduled digests for many channels: build every channel's digest (its own min relevance, half of them
 * with a watch-style query) and deliver it to its console channel through deliver(), so the ledger and the
 * cursor are written as in production.
 *
 *   node --import tsx bench/digests.ts [--channels 1000] [--articles 3000] [--synthetic]
 *
 * Articles come from ../shared/data/reuters21578-dev.jsonl when present (else synthetic), are ingested
 * with ingestArticle and summarised offline, as the pipeline leaves them. Baselines in the same run:
 * the console writes alone, and one unfiltered digest built repeatedly.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openApp } from '../src/cli/app.ts';
import { deliver } from '../src/delivery/deliver.ts';
import { buildScheduledDigest, type DigestDefaults } from '../src/digest/scheduled-digest.ts';
import type { ArticleInput, Schedule } from '../src/domain.ts';
import { ingestArticle } from '../src/ingest/ingest-article.ts';
import { validateArticle } from '../src/ingest/validate.ts';
import { silentLogger } from '../src/log.ts';
import { summariseStory } from '../src/summarise/summarise-story.ts';
import { rng } from '../test/helpers/rng.ts';

const args = process.argv.slice(2);
const numArg = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N_CHANNELS = numArg('--channels', 1000);
const N_ARTICLES = numArg('--articles', 3000);
const DATA = resolve(import.meta.dirname, '../../shared/data/reuters21578-dev.jsonl');
const synthetic = args.includes('--synthetic') || !existsSync(DATA);

const r = rng(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const OUTLETS = [
  'Reuters',
  'Wire Service',
  'Daily Trade Post',
  'Metals Monitor',
  'Agri Markets',
  'Asia Trade Wire',
];
const QUERIES = [
  'steel',
  'country:CN',
  '"export controls"',
  'tariffs',
  'wheat OR corn',
  'trade -oil',
  'country:JP semiconductors',
  'soybeans country:US',
  'instrument:quota',
  '(sugar OR coffee) -brazil',
  '"trade deficit"',
  'sanctions',
];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata'];

interface ReutersRow {
  id?: string;
  date?: string;
  title?: string;
  body?: string;
}

function reutersArticles(n: number): ArticleInput[] {
  const out: ArticleInput[] = [];
  for (const line of readFileSync(DATA, 'utf8').split('\n')) {
    if (out.length >= n) break;
    if (!line.trim()) continue;
    const row = JSON.parse(line) as ReutersRow;
    if (!row.body?.trim()) continue;
    const input: ArticleInput = {
      source: OUTLETS[Number(row.id ?? 0) % OUTLETS.length],
      title: row.title || undefined,
      published: row.date || undefined,
      body: row.body,
    };
    try {
      out.push(validateArticle(input, `reuters ${row.id}`));
    } catch {
      // a record with a bad date or no text: skip it, as `tradewire ingest` reports and skips it
    }
  }
  return out;
}

function syntheticArticles(n: number): ArticleInput[] {
  const countries = ['China', 'Japan', 'Canada', 'Mexico', 'Brazil', 'India', 'Germany', 'the United States'];
  const goods = [
    'steel',
    'aluminium',
    'soybeans',
    'wheat',
    'corn',
    'semiconductors',
    'sugar',
    'coffee',
    'autos',
  ];
  const acts = ['raises tariffs on', 'imposes quotas on', 'tightens export controls on', 'cuts duties on'];
  return Array.from({ length: n }, (_, i) => {
    const c = pick(countries);
    const g = pick(goods);
    const a = pick(acts);
    const other = pick(countries);
    const body = [
      `${c} ${a} ${g} imports from ${other}, officials said on day ${i}.`,
      `The measure covers ${Math.round(r() * 900 + 100)} million dollars of ${g} trade a year and takes effect in ${Math.round(r() * 60 + 5)} days.`,
      `Exporters in ${other} warned of retaliation; analysts expect the trade deficit to move by ${Math.round(r() * 40)} percent. Ref ${i}.`,
    ].join('\n\n');
    return validateArticle(
      {
        source: pick(OUTLETS),
        title: `${c} ${a} ${g} (${i})`,
        published: new Date(Date.UTC(2026, 10, 1) + i * 600_000).toISOString(),
        body,
      },
      `synthetic ${i}`,
    );
  });
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const dir = mkdtempSync(join(tmpdir(), 'tw-bench-digests-'));
const app = openApp({ dataDir: dir, echo: null, env: { TRADEWIRE_LOG_LEVEL: 'silent' } });
const { store } = app;
const defaults: DigestDefaults = { maxStories: 10, minRelevance: 0 };

try {
  // --- setup (not timed as part of the digests) ---
  const articles = synthetic ? syntheticArticles(N_ARTICLES) : reutersArticles(N_ARTICLES);
  let t0 = performance.now();
  const storyIds = new Set<string>();
  for (const a of articles) storyIds.add((await ingestArticle(store, a)).storyId);
  const ingestMs = performance.now() - t0;
  t0 = performance.now();
  for (const id of storyIds) await summariseStory({ store, llm: null, log: silentLogger }, id);
  const summariseMs = performance.now() - t0;
  console.log(
    `store: ${articles.length} ${synthetic ? 'synthetic' : 'Reuters'} articles → ${storyIds.size} stories ` +
      `(ingest ${secs(ingestMs)}, offline summaries ${secs(summariseMs)})`,
  );

  const schedules: Schedule[] = Array.from({ length: N_CHANNELS }, (_, i) => ({
    channel: `console:bench-${i}`,
    time: '08:00',
    timezone: pick(ZONES),
    weekdays: [],
    minRelevance: Math.round(r() * 50) / 100,
    query: i % 2 === 0 ? pick(QUERIES) : null,
    maxStories: 10,
    postEmpty: false,
  }));
  for (const s of schedules) await store.setSchedule(s);
  const at = new Date();

  // --- baseline 1: the console writes alone (one prebuilt message, posted to N channels) ---
  const sample = await buildScheduledDigest(store, 'console:baseline', at, { trigger: 'schedule', defaults });
  if (sample.status !== 'post') throw new Error(`baseline digest is ${sample.status}`);
  t0 = performance.now();
  for (let i = 0; i < N_CHANNELS; i++) {
    await app.console.post(`console:write-${i}`, sample.request.message, { idempotencyKey: `write-${i}` });
  }
  const writesMs = performance.now() - t0;

  // --- baseline 2: one unfiltered digest (no cursor: every story of the last 24 h) built N times ---
  t0 = performance.now();
  for (let i = 0; i < N_CHANNELS; i++) {
    await buildScheduledDigest(store, 'console:baseline', at, { trigger: 'schedule', defaults });
  }
  const unfilteredMs = performance.now() - t0;

  // --- attribution: loading the candidate stories (one store call) and preparing them for a query ---
  const LOADS = 20;
  t0 = performance.now();
  for (let i = 0; i < LOADS; i++) {
    await store.storiesArrivedAfter(0, { createdSince: new Date(at.getTime() - 86_400_000).toISOString() });
  }
  const loadMs = (performance.now() - t0) / LOADS;

  // --- the measurement: every channel's own digest, built and delivered through the ledger ---
  const perChannel: number[] = [];
  const buildMs: number[] = [];
  let posted = 0;
  let empty = 0;
  let shown = 0;
  t0 = performance.now();
  for (const s of schedules) {
    const c0 = performance.now();
    const built = await buildScheduledDigest(store, s.channel, at, { trigger: 'schedule', defaults });
    buildMs.push(performance.now() - c0);
    if (built.status === 'post') {
      const out = await deliver(store, app.console, built.request);
      if (out.status === 'delivered') posted++;
      if (built.request.message.kind === 'digest') shown += built.request.message.stories.length;
    } else if (built.status === 'empty') {
      empty++;
    }
    perChannel.push(performance.now() - c0);
  }
  const totalMs = performance.now() - t0;

  // --- checks: one line per posted channel, every posted digest recorded as delivered ---
  const files = readdirSync(join(dir, 'channels')).filter((f) => f.startsWith('bench-'));
  let lines = 0;
  for (const f of files)
    lines += readFileSync(join(dir, 'channels', f), 'utf8')
      .split('\n')
      .filter(Boolean).length;
  const ledger = await store.listDeliveries({ limit: 10 * N_CHANNELS });
  const delivered = ledger.filter(
    (d) => d.channel.startsWith('console:bench-') && d.status === 'delivered',
  ).length;
  if (lines !== posted || delivered !== posted) {
    throw new Error(
      `mismatch: ${posted} posted, ${lines} console lines, ${delivered} delivered in the ledger`,
    );
  }

  console.log(
    `digests: ${N_CHANNELS} channels (${N_CHANNELS / 2} with a query) → ${posted} posted (${shown} stories shown), ${empty} empty`,
  );
  console.log(
    `  total ${secs(totalMs)}   per channel mean ${(totalMs / N_CHANNELS).toFixed(2)} ms, p50 ${pct(perChannel, 50).toFixed(2)} ms, p95 ${pct(perChannel, 95).toFixed(2)} ms   (build alone p50 ${pct(buildMs, 50).toFixed(2)} ms)`,
  );
  console.log(
    `  baseline: console writes alone ${secs(writesMs)} (${(writesMs / N_CHANNELS).toFixed(2)} ms each); ` +
      `one unfiltered digest built ${N_CHANNELS}× ${secs(unfilteredMs)} (${(unfilteredMs / N_CHANNELS).toFixed(2)} ms each)`,
  );
  console.log(
    `  of which loading the ${storyIds.size} candidate stories (store.storiesArrivedAfter): ${loadMs.toFixed(2)} ms per call`,
  );
  console.log(`  target ≤ 10 s total: ${totalMs <= 10_000 ? 'met' : 'MISSED'}`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
