import { collectDefaultMetrics, Gauge } from 'prom-client';
import { registry } from '../metrics.ts';
import type { QueueRuntime } from '../queue/runtime.ts';
import type { Store } from '../store/store.ts';

/**
 * GET /metrics: the process registry (src/metrics.ts counters, Node's default process metrics) plus
 * gauges read at scrape time. Queue depths come from BullMQ's getJobCounts (a few Redis counts per
 * queue). Article and story totals are COUNT(*)s, so they are cached for COUNTS_TTL_MS: a scrape
 * every few seconds never turns into a table scan every few seconds.
 */

export const METRICS_CONTENT_TYPE: string = registry.contentType;

/** How stale the article/story totals may be. */
export const COUNTS_TTL_MS = 60_000;

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

interface Source {
  rt: QueueRuntime;
  store: Store;
  queues: string[];
}

/** The runtime being scraped: one per process, set by the latest renderMetrics call. */
let source: Source | null = null;
let counts: { at: number; store: Store; value: Promise<{ articles: number; stories: number }> } | null = null;
let defaultsOn = false;

function storeCounts(store: Store): Promise<{ articles: number; stories: number }> {
  if (!counts || counts.store !== store || Date.now() - counts.at > COUNTS_TTL_MS) {
    const value = Promise.all([store.articleCount(), store.storyCount()]).then(([articles, stories]) => ({
      articles,
      stories,
    }));
    counts = { at: Date.now(), store, value };
    // A failed count is retried at the next scrape, not cached for a minute.
    value.catch(() => {
      if (counts?.value === value) counts = null;
    });
  }
  return counts.value;
}

new Gauge({
  name: 'tradewire_queue_jobs',
  help: 'Jobs per queue and state (BullMQ counts in Redis, read at scrape time).',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    if (!source) return;
    const { rt, queues } = source;
    const all = await Promise.all(queues.map((q) => rt.queue(q).getJobCounts(...JOB_STATES)));
    for (const [i, queue] of queues.entries()) {
      for (const state of JOB_STATES) this.set({ queue, state }, all[i]?.[state] ?? 0);
    }
  },
});

new Gauge({
  name: 'tradewire_articles',
  help: `Articles in the store (a count cached for ${COUNTS_TTL_MS / 1000}s).`,
  registers: [registry],
  async collect() {
    if (source) this.set((await storeCounts(source.store)).articles);
  },
});

new Gauge({
  name: 'tradewire_stories',
  help: `Stories in the store (a count cached for ${COUNTS_TTL_MS / 1000}s).`,
  registers: [registry],
  async collect() {
    if (source) this.set((await storeCounts(source.store)).stories);
  },
});

/** Prometheus text exposition of everything this process measures (content type: METRICS_CONTENT_TYPE). */
export async function renderMetrics(rt: QueueRuntime, store: Store, queues: string[]): Promise<string> {
  source = { rt, store, queues };
  if (!defaultsOn) {
    // Only the process that serves /metrics pays for the default collectors (event-loop monitor, GC observer).
    collectDefaultMetrics({ register: registry });
    defaultsOn = true;
  }
  return registry.metrics();
}
