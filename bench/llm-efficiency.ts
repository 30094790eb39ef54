/**
 * LLM efficiency of the story pipeline: how many LLM calls and tokens it spends on a feed where a third
 * of the articles are copies of others, next to a naive pipeline that summarises every article once.
 *
 *   node --import tsx bench/llm-efficiency.ts [--n 300] [--copies 150] [--seed 7]
 *
 * Corpus: the first N Reuters-21578 articles with a non-empty body (../shared/data/reuters21578-dev.jsonl),
 * plus `copies` syndicated copies of randomly chosen ones (seeded): a new opening sentence, one
 * paragraph dropped (when there are two or more), reflowed text, another source and URL, published
 * 1–6 h later, inserted at a random place after their original. Without the Reuters file, a synthetic
 * trade-news generator stands in.
 *
 * Both pipelines talk to the same FakeOpenAI server (real HTTP, real openai SDK) in the same run:
 *  - tradewire: openApp + ingestFiles — ingest → group into stories → summarise each story (cache by
 *    content hash; the stories being summarised at once share a call, src/summarise/summary-batcher.ts)
 *    — on a real Redis, counted at the server and by summariseStats;
 *  - naive: summariseWithLlm once per article (every original and every copy).
 * Tokens: FakeOpenAI reports usage as ceil(chars / 4) of the request messages (prompt) and of the
 * reply (completion), so prompt tokens are proportional to the input; this bench recounts them from
 * the recorded requests the same way as a check.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openApp } from '../src/cli/app.ts';
import { type IngestReport, ingestFiles } from '../src/cli/commands/ingest.ts';
import { createLlm } from '../src/llm/client.ts';
import { loadPrompt } from '../src/llm/prompts.ts';
import { RateLimiter } from '../src/llm/rate-limiter.ts';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { type SummariserArticle, summariseWithLlm } from '../src/summarise/llm-summariser.ts';
import { summariseStats } from '../src/summarise/summarise-story.ts';
import { batchStats } from '../src/summarise/summary-batcher.ts';
import { type ChatRequestBody, FakeOpenAI } from '../test/fakes/openai.ts';
import { startTestRedis } from '../test/helpers/redis-server.ts';
import { rng } from '../test/helpers/rng.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    copies: { type: 'string', default: '150' },
    seed: { type: 'string', default: '7' },
  },
});
const N = Number(args.n);
const COPIES = Number(args.copies);
const MODEL = 'fake-mini';
const DATA = resolve(import.meta.dirname, '../../shared/data/reuters21578-dev.jsonl');

interface FeedRecord {
  url: string;
  source: string;
  title: string;
  published: string;
  body: string;
}
interface CorpusItem {
  record: FeedRecord;
  /** For a copy: index (in `originals`) of the article it copies. */
  copyOf: number | null;
  /** Index in `originals` (originals only). */
  index: number | null;
}

// ---- seeded randomness ----------------------------------------------------------------------------

const rand = rng(Number(args.seed));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

// ---- corpus -------------------------------------------------------------------------------------

function reutersOriginals(n: number): FeedRecord[] {
  const out: FeedRecord[] = [];
  for (const line of readFileSync(DATA, 'utf8').split('\n')) {
    if (out.length >= n) break;
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { id: string; date: string; title: string; body: string };
    if (!r.body.trim()) continue;
    out.push({
      url: `https://reuters.example.com/1987/${r.id}`,
      source: 'Reuters',
      title: r.title || r.body.slice(0, 60),
      published: /Z|[+-]\d\d:?\d\d$/.test(r.date) ? r.date : `${r.date}Z`,
      body: r.body,
    });
  }
  return out;
}

const COUNTRIES = [
  'Japan',
  'Brazil',
  'India',
  'Canada',
  'Mexico',
  'Australia',
  'South Korea',
  'Turkey',
  'Vietnam',
];
const GOODS = [
  'steel',
  'aluminium',
  'soybeans',
  'semiconductors',
  'wheat',
  'solar panels',
  'lumber',
  'copper',
];
const MEASURES = [
  'anti-dumping duties',
  'a safeguard tariff',
  'import quotas',
  'export licences',
  'countervailing duties',
];

/** Fallback when the Reuters file is absent: multi-paragraph trade stories with distinct facts. */
function syntheticOriginals(n: number): FeedRecord[] {
  return Array.from({ length: n }, (_, i) => {
    const a = pick(COUNTRIES);
    const b = pick(COUNTRIES.filter((c) => c !== a));
    const good = pick(GOODS);
    const measure = pick(MEASURES);
    const rate = 5 + Math.floor(rand() * 60);
    const value = 1 + Math.floor(rand() * 40);
    const day = new Date(Date.UTC(2026, 0, 1) + i * 5 * 3_600_000);
    const paragraphs = [
      `${a} will impose ${measure} of ${rate}% on ${good} from ${b}, the trade ministry said on ${day.toUTCString().slice(0, 3)}, in case ${i + 1001} of its review programme.`,
      `The measure covers about $${value}.${i % 10} billion of annual imports and takes effect in ${30 + (i % 60)} days, officials said.`,
      `Producers in ${a} had complained that ${good} from ${b} was sold below cost, and the ministry found a dumping margin of ${rate + 3}.${i % 7}% in file ${i + 5000}.`,
      `${b}'s government said it regretted the decision and would consider a complaint at the World Trade Organization within ${10 + (i % 20)} days.`,
      `Analysts said the duties could divert ${value * 10} thousand tonnes of shipments to other markets in the region.`,
    ];
    return {
      url: `https://synthetic.example.com/${i}`,
      source: 'Synthetic Wire',
      title: `${a} sets ${rate}% duties on ${b} ${good} (${i})`,
      published: day.toISOString(),
      body: paragraphs.join('\n\n'),
    };
  });
}

const OPENERS = [
  'Market participants were still digesting the announcement late in the session, dealers said.',
  'The news came as traders braced for a busy week of economic data and policy decisions.',
  'Industry groups were quick to react to the development in statements issued on the day.',
  'Analysts contacted by this newsletter said the move had been widely expected in the market.',
  'The report below was filed by our correspondents and edited for length by the syndication desk.',
];

function paragraphsOf(body: string): string[] {
  return body
    .split(/\n[ \t]{3,}|\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}

function titleCase(t: string): string {
  return t.toLowerCase().replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

function perturb(o: FeedRecord, k: number): FeedRecord {
  const paras = paragraphsOf(o.body);
  if (paras.length >= 2) paras.splice(1 + Math.floor(rand() * (paras.length - 1)), 1);
  const hours = 1 + Math.floor(rand() * 6);
  return {
    url: `https://syndicate${k % 7}.example.net/story/${k}`,
    source: `Syndicate ${k % 7}`,
    title: titleCase(o.title),
    published: new Date(Date.parse(o.published) + hours * 3_600_000).toISOString(),
    body: [pick(OPENERS), ...paras].join('\n\n'),
  };
}

function buildCorpus(): { items: CorpusItem[]; kind: string } {
  const real = existsSync(DATA);
  const originals = real ? reutersOriginals(N) : syntheticOriginals(N);
  const items: CorpusItem[] = originals.map((record, index) => ({ record, copyOf: null, index }));
  const chosen = new Set<number>();
  while (chosen.size < Math.min(COPIES, originals.length)) chosen.add(Math.floor(rand() * originals.length));
  let k = 0;
  for (const i of chosen) {
    const copy: CorpusItem = { record: perturb(originals[i]!, k++), copyOf: i, index: null };
    const at = items.findIndex((x) => x.index === i);
    items.splice(at + 1 + Math.floor(rand() * (items.length - at)), 0, copy);
  }
  return { items, kind: real ? `Reuters-21578 (${DATA})` : 'synthetic (Reuters file not found)' };
}

// ---- measuring ----------------------------------------------------------------------------------

interface Usage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** Recount from the recorded requests: ceil(chars/4) of the joined messages. */
  recountPrompt: number;
  /** Calls whose messages repeat an earlier call's exactly (work done twice). */
  repeats: number;
}

function chatUsage(fake: FakeOpenAI, from: number): Pick<Usage, 'calls' | 'recountPrompt' | 'repeats'> {
  const chats = fake.requests.slice(from).filter((r) => r.path === '/v1/chat/completions');
  const seen = new Set<string>();
  let recountPrompt = 0;
  let repeats = 0;
  for (const r of chats) {
    const text = ((r.body as ChatRequestBody).messages ?? []).map((m) => m.content).join('\n');
    recountPrompt += Math.ceil(text.length / 4);
    if (seen.has(text)) repeats++;
    seen.add(text);
  }
  return { calls: chats.length, recountPrompt, repeats };
}

interface PipelineRun {
  usage: Usage;
  accepted: number;
  rejected: number;
  fresh: number;
  joined: number;
  duplicates: number;
  stories: number;
  changes: number;
  behind: number;
  copiesJoined: number;
  cacheHits: number;
  offline: number;
  /** Calls the summary batcher made, the stories they carried, and stories re-asked alone. */
  batchCalls: number;
  batchedStories: number;
  soloRetries: number;
}

/**
 * The real pipeline. `chunk` = 0: the whole corpus in one `ingest` (bulk load); otherwise one `ingest`
 * per `chunk` articles, each waited for, as a feed poller would run it (a fresh app per run, same data).
 */
async function runPipeline(
  fake: FakeOpenAI,
  llmUrl: string,
  redisUrl: string,
  dir: string,
  items: CorpusItem[],
  chunk: number,
): Promise<PipelineRun> {
  const env = {
    REDIS_URL: redisUrl,
    TRADEWIRE_QUEUE_PREFIX: `bench-llm-${chunk}`,
    TRADEWIRE_LOG_LEVEL: 'silent',
    OPENAI_BASE_URL: llmUrl,
    TRADEWIRE_LLM_MODEL: MODEL,
    TRADEWIRE_LLM_RPM: '1000000',
  };
  const dataDir = join(dir, `data-${chunk}`);
  const size = chunk === 0 ? items.length : chunk;
  const stats0 = { ...summariseStats };
  const batch0 = { ...batchStats };
  const req0 = fake.requests.length;
  const results: IngestReport['articles'] = [];
  let rejected = 0;
  for (let from = 0; from < items.length; from += size) {
    const file = join(dir, `corpus-${chunk}-${from}.jsonl`);
    const part = items.slice(from, from + size);
    writeFileSync(file, `${part.map((x) => JSON.stringify(x.record)).join('\n')}\n`);
    const app = openApp({ dataDir, echo: null, env });
    try {
      const report = await ingestFiles(app, [file], { wait: true });
      results.push(...report.articles);
      rejected += report.rejected.length;
    } finally {
      await app.close();
    }
  }
  const usage: Usage = {
    ...chatUsage(fake, req0),
    promptTokens: summariseStats.promptTokens - stats0.promptTokens,
    completionTokens: summariseStats.completionTokens - stats0.completionTokens,
  };
  const app = openApp({ dataDir, echo: null, env });
  try {
    const db = (app.store as SqliteStore).db;
    const count = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    // Copies that landed in their original's story (results are in input order when nothing is rejected).
    const storyAt = results.map((a) => a.storyId);
    const originalPos = new Map<number, number>();
    items.forEach((x, pos) => {
      if (x.index !== null) originalPos.set(x.index, pos);
    });
    let copiesJoined = 0;
    items.forEach((x, pos) => {
      if (x.copyOf === null) return;
      const theirs = storyAt[originalPos.get(x.copyOf) ?? -1];
      if (storyAt[pos] !== undefined && storyAt[pos] === theirs) copiesJoined++;
    });
    return {
      usage,
      accepted: results.length,
      rejected,
      fresh: results.filter((a) => a.status === 'new').length,
      joined: results.filter((a) => a.status === 'joined-story').length,
      duplicates: results.filter((a) => a.status === 'duplicate').length,
      stories: await app.store.storyCount(),
      changes: count('SELECT count(*) AS n FROM story_changes'),
      behind: count('SELECT count(*) AS n FROM stories WHERE summary_version < wanted_summary_version'),
      copiesJoined,
      cacheHits: summariseStats.cacheHits - stats0.cacheHits,
      batchCalls: batchStats.calls - batch0.calls,
      batchedStories: batchStats.stories - batch0.stories,
      soloRetries: batchStats.soloRetries - batch0.soloRetries,
      offline: summariseStats.offline - stats0.offline,
    };
  } finally {
    await app.close();
  }
}

async function runNaive(fake: FakeOpenAI, llmUrl: string, items: CorpusItem[]): Promise<Usage> {
  const llm = createLlm(
    { baseURL: llmUrl, model: MODEL, timeoutMs: 30_000, maxRetries: 2, requestsPerMinute: 1_000_000 },
    { limiter: new RateLimiter({ requestsPerMinute: 1_000_000 }) },
  );
  if (!llm) throw new Error('expected an LLM client');
  const articles: SummariserArticle[] = items.map(({ record: r }) => ({
    title: r.title,
    body: r.body,
    source: r.source,
    published: r.published,
  }));
  const req0 = fake.requests.length;
  let promptTokens = 0;
  let completionTokens = 0;
  let next = 0;
  const worker = async () => {
    while (next < articles.length) {
      const r = await summariseWithLlm(llm, [articles[next++]!]);
      promptTokens += r.usage.promptTokens;
      completionTokens += r.usage.completionTokens;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { ...chatUsage(fake, req0), promptTokens, completionTokens };
}

const fmt = (x: number) => x.toLocaleString('en-US');
const total = (u: Usage) => u.promptTokens + u.completionTokens;

const { items, kind } = buildCorpus();
const nCopies = items.filter((x) => x.copyOf !== null).length;
const fake = new FakeOpenAI();
const { url } = await fake.start();
const redis = await startTestRedis();
const dir = mkdtempSync(join(tmpdir(), 'tw-bench-llm-'));
try {
  const runs: Array<[string, PipelineRun]> = [
    ['tradewire, bulk', await runPipeline(fake, url, redis.url, dir, items, 0)],
    ['tradewire, feed x50', await runPipeline(fake, url, redis.url, dir, items, 50)],
  ];
  const naive = await runNaive(fake, url, items);

  console.log('LLM efficiency: tradewire story pipeline vs one LLM call per article (FakeOpenAI, same run)');
  console.log(`  corpus   ${kind}`);
  console.log(
    `           ${items.length} articles: ${items.length - nCopies} originals + ${nCopies} perturbed copies (seed ${args.seed})`,
  );
  console.log(
    '  runs     bulk = one `ingest` of the whole corpus; feed x50 = one `ingest` per 50 articles, in order',
  );
  console.log('');
  console.log(
    '  run                     calls  repeats   prompt tok  compl. tok    total tok  calls/story  tok vs naive',
  );
  const row = (name: string, u: Usage, stories: number | null) =>
    console.log(
      `  ${name.padEnd(21)} ${fmt(u.calls).padStart(7)} ${fmt(u.repeats).padStart(8)} ${fmt(u.promptTokens).padStart(12)} ${fmt(u.completionTokens).padStart(11)} ${fmt(total(u)).padStart(12)} ${(stories === null ? '-' : (u.calls / stories).toFixed(3)).padStart(12)} ${(total(u) / total(naive)).toFixed(3).padStart(13)}`,
    );
  for (const [name, r] of runs) row(name, r.usage, r.stories);
  row('naive (per article)', naive, null);
  console.log('');
  for (const [name, r] of runs) {
    console.log(`  ${name}:`);
    console.log(
      `    ingest: ${r.accepted} accepted (${r.rejected} rejected): ${r.fresh} new stories, ${r.joined} joined a story, ${r.duplicates} duplicate`,
    );
    console.log(
      `    stories ${r.stories}; copies in their original's story ${r.copiesJoined}/${nCopies}; material changes (re-summaries wanted) ${r.changes}; stories behind their wanted summary ${r.behind}`,
    );
    console.log(
      `    summary cache hits ${r.cacheHits}; offline fallbacks ${r.offline}; exact repeats ${r.usage.repeats}; ${(r.batchedStories / Math.max(1, r.batchCalls)).toFixed(2)} stories per call (TRADEWIRE_LLM_BATCH_STORIES, default 4), ${r.soloRetries} re-asked alone`,
    );
    const perStory = r.usage.calls / r.stories;
    const ratio = total(r.usage) / total(naive);
    console.log(
      `    targets: calls per unique story ${perStory.toFixed(3)} (<= 1.0 ${perStory <= 1 ? 'met' : 'NOT met'}); token ratio vs naive ${ratio.toFixed(3)} (<= 0.5 ${ratio <= 0.5 ? 'met' : 'NOT met'})`,
    );
  }
  console.log('');
  const prompt = loadPrompt('summarise');
  const fixed = Math.ceil(
    (prompt.system.length + prompt.renderUser({ count: '1', articles: '' }).length) / 4,
  );
  const best = Math.min(...runs.map(([, r]) => r.stories));
  console.log(
    `  instructions: ~${fmt(fixed)} prompt tokens per call (naive mean prompt ${fmt(Math.round(naive.promptTokens / naive.calls))}/call); one story per call would cost about stories/articles = ${(best / items.length).toFixed(2)} of naive at best, so the rest of the saving is the instructions shared by the stories of a call`,
  );
  console.log(
    `  token check: FakeOpenAI counts usage as ceil(chars/4) of the request messages and of the reply; recounted prompt tokens: ${runs.map(([n, r]) => `${n} ${fmt(r.usage.recountPrompt)}`).join(', ')}, naive ${fmt(naive.recountPrompt)}`,
  );
} finally {
  await fake.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
}
