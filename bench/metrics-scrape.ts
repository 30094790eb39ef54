/**
 * Cost of one GET /metrics scrape on a store with many articles and a long delivery ledger.
 *
 *   node --import tsx bench/metrics-scrape.ts [--articles 20000] [--deliveries 20000] [--scrapes 50]
 *
 * Measured: renderMetrics (queue counts from a private Redis, the prom-client registry, article/story
 * totals cached for COUNTS_TTL_MS). Baseline in the same run: the same queue counts plus what a scrape
 * used to do every time — count(*) of articles and stories and a 10,000-row ledger listing.
 * Rows are synthetic and written through the store's own methods.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openApp } from '../src/cli/app.ts';
import { ingestArticle } from '../src/ingest/ingest-article.ts';
import { DIGEST_QUEUE, deliverQueue, INGEST_QUEUE, SUMMARISE_QUEUE } from '../src/queue/names.ts';
import { renderMetrics } from '../src/server/metrics.ts';

const args = process.argv.slice(2);
const numArg = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const N_ARTICLES = numArg('--articles', 20_000);
const N_DELIVERIES = numArg('--deliveries', 20_000);
const SCRAPES = numArg('--scrapes', 50);

const dir = mkdtempSync(join(tmpdir(), 'tw-bench-metrics-'));
const env = { TRADEWIRE_LOG_LEVEL: 'silent' };
const app = openApp({ dataDir: dir, echo: null, env: { ...env, REDIS_URL: process.env.REDIS_URL } });
const { store } = app;
const queues = [INGEST_QUEUE, SUMMARISE_QUEUE, DIGEST_QUEUE, deliverQueue('console')];

const p = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

try {
  let t0 = performance.now();
  for (let i = 0; i < N_ARTICLES; i++) {
    await ingestArticle(store, {
      url: `https://bench.example/a/${i}`,
      source: `Outlet ${i % 17}`,
      title: `Bench article ${i} on tariff schedule ${i * 7919}`,
      published: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      body: `Synthetic article number ${i}. Duties on item ${i * 31} change by ${i % 97} percent.\n\nRef ${i}-${i * 13}.`,
    });
  }
  for (let i = 0; i < N_DELIVERIES; i++) {
    const id = `answer:bench:${i}`;
    await store.claimDelivery({
      id,
      channel: 'console:bench',
      kind: 'answer',
      storyIds: [],
      leaseMs: 60_000,
    });
    await store.settleDelivery(id, i % 10 === 0 ? 'failed' : 'delivered', { messageRef: `m${i}` });
  }
  console.log(
    `setup: ${N_ARTICLES} articles, ${N_DELIVERIES} ledger rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const rt = await app.queues();

  const oldScrape = async () => {
    for (const q of queues)
      await rt.queue(q).getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    await store.articleCount();
    await store.storyCount();
    const byStatus = new Map<string, number>();
    for (const d of await store.listDeliveries({ limit: 10_000 }))
      byStatus.set(d.status, (byStatus.get(d.status) ?? 0) + 1);
    return byStatus.size;
  };
  const time = async (fn: () => Promise<unknown>) => {
    const out: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      t0 = performance.now();
      await fn();
      out.push(performance.now() - t0);
    }
    return out;
  };
  // Warm both paths once (the first renderMetrics also switches on the default collectors).
  await oldScrape();
  await renderMetrics(rt, store, queues);
  const before = await time(oldScrape);
  const now = await time(() => renderMetrics(rt, store, queues));
  t0 = performance.now();
  await Promise.all([store.articleCount(), store.storyCount()]);
  const countsMs = performance.now() - t0;
  console.log(
    `baseline (counts + ledger listing every scrape): p50 ${ms(p(before, 0.5))}, p95 ${ms(p(before, 0.95))}`,
  );
  console.log(
    `renderMetrics (prom-client, totals cached):      p50 ${ms(p(now, 0.5))}, p95 ${ms(p(now, 0.95))}`,
  );
  console.log(`  the cached totals' refresh, once a minute: ${ms(countsMs)}`);
  console.log(`  ratio p50: ${(p(before, 0.5) / p(now, 0.5)).toFixed(1)}× cheaper`);
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
