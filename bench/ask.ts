/**
 * Retrieval latency for `ask` at 10k and 100k stored articles: `node --import tsx bench/ask.ts`.
 *
 * Builds a SqliteStore in a temp dir from ../shared/data/reuters21578-dev.jsonl (skips when absent):
 * the first 10k records, then perturbed copies (unique token appended, dates shifted, new ids) up to
 * 100k. Articles go in through `store.addArticle` (passages from the real chunker, story grouping
 * skipped), batched in transactions. Then times 200 realistic questions through `retrieve` (and the
 * offline answerer end to end) against two baselines measured in the same run on the same
 * questions: a bare FTS5 MATCH on the first content word (no ranking), and the store's BM25
 * search for that one word.
 * Target: retrieve p95 ≤ 20 ms at 100k.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerQuestion } from '../src/ask/answer.ts';
import { silentLogger } from '../src/log.ts';
import { chunkPassages } from '../src/search/passages.ts';
import { questionTerms } from '../src/search/question-terms.ts';
import { retrieve } from '../src/search/retrieve.ts';
import { quotePhrase } from '../src/store/sqlite/fts-match.ts';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { SHARED_DATA } from '../test/helpers/cli.ts';

interface Row {
  id: string;
  date?: string;
  title?: string;
  body?: string;
}

const file = join(SHARED_DATA, 'reuters21578-dev.jsonl');
if (!existsSync(file)) {
  console.log(`skipped: ${file} not found`);
  process.exit(0);
}
const rows: Row[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Row)
  .filter((r) => (r.body ?? '').trim() || (r.title ?? '').trim());

const SUBJECTS = [
  'Japan',
  'the United States',
  'West Germany',
  'Brazil',
  'OPEC',
  'the EC',
  'Canada',
  'South Korea',
  'Taiwan',
  'Australia',
];
const TEMPLATES = [
  'what did {s} say about the trade surplus?',
  'tariffs on semiconductors imposed by {s}',
  'how much did {s} export last month?',
  'what did {s} decide on oil prices?',
  'why did {s} raise interest rates?',
  'who is negotiating grain sales for {s}?',
  'what happened to coffee export quotas in {s}?',
  '{s} sugar imports',
  'did {s} cut its discount rate?',
  'what are the latest GATT talks with {s} about?',
  'trade deficit of {s} in January',
  'who said {s} would retaliate against protectionism?',
  'what did {s} say about the dollar?',
  'how much wheat did {s} buy?',
  'anti-dumping duties on steel from {s}',
  'what is the tin price outlook for {s}?',
  'why did {s} suspend debt payments?',
  'textile import restrictions in {s}',
  'what tariff did {s} put on cars?',
  'when will {s} publish its trade figures?',
];
const QUESTIONS = TEMPLATES.flatMap((t) => SUBJECTS.map((s) => t.replace('{s}', s)));

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

async function time(
  label: string,
  fn: (q: string) => Promise<unknown>,
): Promise<{ p50: number; p95: number }> {
  for (const q of QUESTIONS.slice(0, 20)) await fn(q); // warm caches and statements
  const ms: number[] = [];
  for (const q of QUESTIONS) {
    const t0 = performance.now();
    await fn(q);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const r = { p50: percentile(ms, 50), p95: percentile(ms, 95) };
  console.log(
    `  ${label.padEnd(38)} p50 ${r.p50.toFixed(2).padStart(7)} ms   p95 ${r.p95.toFixed(2).padStart(7)} ms`,
  );
  return r;
}

function publishedOf(row: Row, shiftDays: number): string {
  const ms = Date.parse(row.date ?? '');
  const base = Number.isNaN(ms) ? Date.UTC(1987, 2, 15) : ms;
  return new Date(base + shiftDays * 86_400_000).toISOString();
}

let ingested = 0;
async function ingestUpTo(store: SqliteStore, target: number): Promise<void> {
  const t0 = performance.now();
  // Writes issued together share one commit (the store's group commit): batches of 2,000.
  const BATCH = 2_000;
  let pending: Array<Promise<unknown>> = [];
  while (ingested < target) {
    const copy = Math.floor(ingested / rows.length);
    const row = rows[ingested % rows.length]!;
    // Copy 0 is the original; later copies get a unique token, shifted dates and new ids.
    const token = copy === 0 ? '' : `\n\nRef twr${copy}x${ingested}.`;
    const body = `${row.body ?? ''}${token}`.trim();
    const title = (row.title ?? '').trim() || body.slice(0, 80);
    const passages = chunkPassages(body);
    if (passages.length === 0) passages.push(title);
    const published = publishedOf(row, copy * 400);
    const write = store.addArticle(
      {
        id: `reuters-${row.id}-c${copy}`,
        url: null,
        source: 'Reuters',
        title,
        titleDerived: false,
        published,
        ingestedAt: published,
        body,
        contentHash: `${row.id}:${copy}`,
        tradeRelevance: 0,
        fingerprint: '',
        bandKeys: [],
        passages,
      },
      { window: { from: published, to: published }, token: '0', decision: { join: null } },
    );
    pending.push(write);
    ingested++;
    if (ingested % BATCH === 0) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  const passages = (store.db.prepare('SELECT count(*) AS n FROM passages').get() as { n: number }).n;
  console.log(
    `\n${target.toLocaleString('en')} articles (${passages.toLocaleString('en')} passages; ingest ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

/** The first content word of a question. */
function oneTerm(q: string): string | null {
  const term = questionTerms(q)[0];
  return term ? (term.forms[0] ?? term.key) : null;
}

async function measure(store: SqliteStore): Promise<number> {
  const bare = store.db.prepare('SELECT rowid FROM passages_fts WHERE passages_fts MATCH ? LIMIT 32');
  const baseline = await time('baseline: bare MATCH, one term', async (q) => {
    const word = oneTerm(q);
    const match = word ? quotePhrase(word) : null;
    if (match) bare.all(match);
  });
  const ranked = await time('baseline: store BM25 search, one term', async (q) => {
    const word = oneTerm(q);
    if (word) await store.searchPassages({ terms: [{ forms: [word] }], minMatch: 1, limit: 32 });
  });
  const r = await time('retrieve (limit 8)', (q) => retrieve(store, q, { limit: 8 }));
  await time('answerQuestion offline (end to end)', (q) =>
    answerQuestion({ store, llm: null, log: silentLogger }, { question: q }),
  );
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  console.log(
    `  retrieve p95 = ${ratio(r.p95, baseline.p95)} bare-MATCH p95, ${ratio(r.p95, ranked.p95)} one-term BM25 p95`,
  );
  return r.p95;
}

const dir = mkdtempSync(join(tmpdir(), 'tradewire-bench-ask-'));
const store = new SqliteStore(join(dir, 'bench.sqlite'));
try {
  console.log(
    `ask retrieval benchmark: ${rows.length.toLocaleString('en')} source records, ${QUESTIONS.length} questions`,
  );
  await ingestUpTo(store, 10_000);
  await measure(store);
  await ingestUpTo(store, 100_000);
  const p95 = await measure(store);
  console.log(
    `\ntarget: retrieve p95 ≤ 20 ms at 100k: ${p95 <= 20 ? 'met' : 'NOT met'} (${p95.toFixed(2)} ms)`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
