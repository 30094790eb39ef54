import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type App, openApp } from '../../../src/cli/app.ts';
import { ingestFiles } from '../../../src/cli/commands/ingest.ts';
import { silentLogger } from '../../../src/log.ts';
import { DIGEST_QUEUE, deliverQueue, INGEST_QUEUE, SUMMARISE_QUEUE } from '../../../src/queue/names.ts';
import { startHttpServer } from '../../../src/server/http.ts';
import { renderMetrics } from '../../../src/server/metrics.ts';
import { addWatch } from '../../../src/usecases/watches.ts';
import { type ChatRequestBody, FakeOpenAI, storyBlocks } from '../../fakes/openai.ts';

/**
 * /metrics of a running pipeline: openApp on the shared test Redis (real BullMQ ingest → summarise →
 * deliver), the real OpenAI SDK against FakeOpenAI, a keyword watch on a console channel, and the
 * real HTTP server scraped over HTTP. The counters must have moved by what the pipeline did.
 */

const TRADE_WEEK = resolve(import.meta.dirname, '../../../samples/trade-week.jsonl');
const fake = new FakeOpenAI();
let app: App;
let dir: string;
let server: Server;
let url: string;
const storeCalls = { articleCount: 0, storyCount: 0, listDeliveries: 0 };

/** The value of one sample in a Prometheus text exposition (0 when absent: a counter not yet bumped). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return 0;
}

async function scrape(): Promise<{ text: string; contentType: string | null }> {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  return { text: await res.text(), contentType: res.headers.get('content-type') };
}

beforeAll(async () => {
  const llmUrl = (await fake.start()).url;
  dir = mkdtempSync(join(tmpdir(), 'tw-metrics-'));
  app = openApp({
    dataDir: dir,
    echo: null,
    env: {
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: `metrics${process.pid}`,
      TRADEWIRE_LOG_LEVEL: process.env.DBG ? 'debug' : 'silent',
      OPENAI_BASE_URL: llmUrl,
      TRADEWIRE_LLM_MODEL: 'fake-mini',
      TRADEWIRE_LLM_RPM: '60000',
      TRADEWIRE_LLM_MAX_RETRIES: '0',
    },
  });
  // Count the store reads a scrape makes: totals are cached, the delivery ledger is never listed.
  const store = app.store;
  for (const name of Object.keys(storeCalls) as Array<keyof typeof storeCalls>) {
    const original = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(store, {
      [name]: (...args: unknown[]) => {
        storeCalls[name]++;
        return original(...args);
      },
    });
  }
  const rt = await app.queues();
  const queues = [INGEST_QUEUE, SUMMARISE_QUEUE, DIGEST_QUEUE, deliverQueue('console')];
  const started = await startHttpServer(0, {
    log: silentLogger,
    health: async () => ({}),
    metrics: () => renderMetrics(rt, app.store, queues),
  });
  server = started.server;
  url = `http://127.0.0.1:${started.port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await app?.close();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /metrics on a running pipeline', () => {
  it('counts the LLM calls, summaries, watch matches and deliveries the pipeline made', async () => {
    const before = (await scrape()).text;
    await addWatch(app, { channel: 'console:desk', query: 'steel' });
    // One summary request is rejected (HTTP 400, not retried): its stories fall back to offline.
    fake.enqueue({ status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error' } } });
    const report = await ingestFiles(app, [TRADE_WEEK], { wait: true, timeoutMs: 60_000 });
    expect(report.new).toBeGreaterThan(0);

    const { text, contentType } = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(text, name, labels) - sample(before, name, labels);

    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(moved('tradewire_deliveries_total', { platform: 'console', status: 'delivered' })).toBeGreaterThan(
      0,
    );
    expect(moved('tradewire_watch_matches_total')).toBeGreaterThan(0);
    // Every chat request reached the fake: each counted once, ok or error, and timed.
    const chatOk = moved('tradewire_llm_requests_total', { operation: 'chat', outcome: 'ok' });
    const chatErr = moved('tradewire_llm_requests_total', { operation: 'chat', outcome: 'error' });
    expect(chatOk + chatErr).toBe(fake.chatCalls);
    expect(chatErr).toBe(1);
    expect(moved('tradewire_llm_request_duration_seconds_count', { operation: 'chat' })).toBe(fake.chatCalls);
    expect(moved('tradewire_llm_errors_total', { code: 'llm/unavailable' })).toBe(1);
    expect(moved('tradewire_llm_tokens_total', { kind: 'prompt' })).toBeGreaterThan(0);
    expect(moved('tradewire_llm_tokens_total', { kind: 'completion' })).toBeGreaterThan(0);
    // Stories asked per request: one, or one per <story> block of a batched request. The stories of
    // the rejected request (the first) went offline; the rest were summarised by the LLM.
    const asked = fake.requests
      .filter((r) => r.path === '/v1/chat/completions')
      .map((r) => Math.max(1, storyBlocks(r.body as ChatRequestBody).length));
    expect(moved('tradewire_summaries_total', { path: 'offline' })).toBe(asked[0]);
    expect(moved('tradewire_summaries_total', { path: 'llm' })).toBe(
      asked.slice(1).reduce((a, b) => a + b, 0),
    );
    expect(sample(text, 'tradewire_queue_jobs', { queue: 'ingest', state: 'completed' })).toBeGreaterThan(0);
    expect(
      sample(text, 'tradewire_queue_jobs', { queue: 'deliver-console', state: 'completed' }),
    ).toBeGreaterThan(0);
    expect(sample(text, 'tradewire_queue_jobs', { queue: 'summarise', state: 'waiting' })).toBe(0);
    // Node's default process metrics come from the same registry.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    for (const name of [
      'tradewire_deliveries_total',
      'tradewire_llm_requests_total',
      'tradewire_queue_jobs',
      'tradewire_stories',
    ]) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S`, 'm'));
    }
  });

  it('a scrape costs no table scan: totals are counted once per TTL, the ledger never listed', async () => {
    for (let i = 0; i < 5; i++) await scrape();
    expect(storeCalls.articleCount).toBe(1);
    expect(storeCalls.storyCount).toBe(1);
    expect(storeCalls.listDeliveries).toBe(0);
  });
});
