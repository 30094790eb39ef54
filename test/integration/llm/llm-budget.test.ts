import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { openApp } from '../../../src/cli/app.ts';
import { validateArticle } from '../../../src/ingest/validate.ts';
import { createLlm, type Llm } from '../../../src/llm/client.ts';
import { LLM_FALLBACK_PROMPT_VERSION } from '../../../src/summarise/summarise-story.ts';
import { resummariseFallbacks } from '../../../src/usecases/resummarise.ts';
import { submitArticles } from '../../../src/usecases/submit.ts';
import { type ChatRequestBody, FakeOpenAI, storyBlocks } from '../../fakes/openai.ts';
import { removeDir, tempDataDir, uniquePrefix } from '../digest/helpers.ts';

const Reply = z.object({ ok: z.boolean() });
const ask = (llm: Llm) =>
  llm.completeJson({ system: 's', user: 'u', schema: Reply, schemaName: 'reply' }).then(
    () => 'ok',
    (err: unknown) => (err as { code?: string }).code ?? 'error',
  );

/** Distinct synthetic trade stories (no two share enough words to be grouped). */
function articles(n: number) {
  const goods = ['steel', 'soybeans', 'semiconductors', 'aluminium', 'rice', 'lumber', 'cobalt', 'wine'];
  const places = ['Canada', 'Brazil', 'Japan', 'Kenya', 'Chile', 'Norway', 'Vietnam', 'Peru'];
  return Array.from({ length: n }, (_, i) => {
    const good = goods[i % goods.length]!;
    const place = places[Math.floor(i / goods.length) % places.length]!;
    const body = `${place} announced duty number ${i * 7 + 3} on imported ${good} on Tuesday. Officials in ${place} said the ${good} measure answers a surge of shipments ${i}. Exporters of ${good} asked for talks.`;
    return {
      input: `t:${i}`,
      record: validateArticle(
        { title: `${place} sets ${good} duty ${i}`, body, published: '2026-11-20' },
        't',
      ),
    };
  });
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('LLM budget: shared limiter, circuit breaker, re-summarising after an outage', () => {
  const fake = new FakeOpenAI();
  let url: string;
  const redisUrl = inject('redisUrl');
  const redis = new Redis(redisUrl);
  beforeAll(async () => {
    ({ url } = await fake.start());
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await fake.stop();
    redis.disconnect();
  });

  it('with every request answered 429, requests from two processes stay within the shared rate', async () => {
    fake.setMode({ kind: 'always-429', headers: { 'retry-after-ms': '0' } });
    const prefix = uniquePrefix('llm429');
    // Two clients on one Redis prefix stand for two processes; no backoff, so only the limiter paces them.
    const make = () =>
      createLlm(
        {
          baseURL: url,
          model: 'fake',
          timeoutMs: 2_000,
          maxRetries: 3,
          requestsPerMinute: 600,
          breakerFailures: 1_000,
        },
        { redis: async () => redis, redisPrefix: prefix, backoffMs: () => 0 },
      )!;
    const [a, b] = [make(), make()];
    const started = Date.now();
    const codes = await Promise.all([
      ...Array.from({ length: 4 }, () => ask(a)),
      ...Array.from({ length: 4 }, () => ask(b)),
    ]);
    const seconds = (Date.now() - started) / 1000;
    expect(codes.every((c) => c === 'llm/rate-limited')).toBe(true);
    // 8 calls × 4 attempts, every one a request, at 10/s.
    expect(fake.chatCalls).toBe(32);
    expect(seconds).toBeGreaterThanOrEqual(2.9);
    // Granted 100 ms apart by Redis; arrivals at the fake jitter on a loaded machine, so allow a
    // couple of requests of slack over a 2 s window (without the limiter all 32 arrive at once).
    expect(fake.maxInWindow(2000)).toBeLessThanOrEqual(23);
    console.log(
      `429 drill: ${fake.chatCalls} requests in ${seconds.toFixed(1)} s, per second ${fake.perSecond().join(' ')} (cap 10/s)`,
    );
  });

  it('a hung LLM trips the breaker, stories go offline fast, and are re-summarised once after recovery', async () => {
    const dir = tempDataDir();
    const app = openApp({
      dataDir: dir,
      echo: null,
      env: {
        TRADEWIRE_LOG_LEVEL: 'silent',
        REDIS_URL: redisUrl,
        TRADEWIRE_QUEUE_PREFIX: uniquePrefix('llmdown'),
        OPENAI_BASE_URL: url,
        OPENAI_API_KEY: 'test',
        TRADEWIRE_LLM_TIMEOUT_MS: '500',
        TRADEWIRE_LLM_MAX_RETRIES: '3',
        TRADEWIRE_LLM_RPM: '6000',
        TRADEWIRE_LLM_BREAKER_FAILURES: '3',
        TRADEWIRE_LLM_BREAKER_COOLDOWN_MS: '2000',
      },
    });
    try {
      fake.setMode({ kind: 'hang' });
      const started = Date.now();
      const report = await submitArticles(app.deps, articles(24), { wait: true });
      const seconds = (Date.now() - started) / 1000;
      expect(report.new).toBe(24);
      const views = await app.store.storiesPublishedBetween('2026-01-01', '2027-01-01');
      expect(views).toHaveLength(24);
      expect(views.every((v) => v.summary?.promptVersion === LLM_FALLBACK_PROMPT_VERSION)).toBe(true);
      // Without the breaker: 24 stories × 4 attempts × 0.5 s + 3.5 s of backoff, 8 at a time ≈ 16 s.
      expect(seconds).toBeLessThan(5);
      const hung = fake.chatCalls;
      expect(hung).toBeLessThanOrEqual(3 + 8);
      expect(await app.llm?.breakerState?.()).not.toBe('closed');
      console.log(`hung LLM: 24 stories offline in ${seconds.toFixed(1)} s after ${hung} requests`);

      // The LLM comes back: the breaker's own probe closes it and the deferred stories are re-summarised.
      fake.setMode({ kind: 'normal' });
      await until(async () => {
        const now = await app.store.storiesPublishedBetween('2026-01-01', '2027-01-01');
        return now.every((v) => v.summary?.summarisedBy.startsWith('llm:') === true);
      }, 20_000);
      await new Promise((r) => setTimeout(r, 500)); // anything extra would show up in the count
      const recovery = fake.requests.slice(-(fake.chatCalls - hung));
      const after = recovery.length;
      // Stories asked of the model: one per single-story request, one per <story> block of a batch.
      const asked = recovery
        .map((r) => Math.max(1, storyBlocks(r.body as ChatRequestBody).length))
        .reduce((a, b) => a + b, 0);
      // Each story once, plus the probe's (a hung probe would count too); batched, in fewer requests.
      expect(asked).toBeGreaterThanOrEqual(24);
      expect(asked).toBeLessThanOrEqual(24 + 4);
      expect(after).toBeLessThan(24);
      const views2 = await app.store.storiesPublishedBetween('2026-01-01', '2027-01-01');
      expect(views2.every((v) => v.summary?.version === 2)).toBe(true);
      // Nothing is left to re-summarise, however often one asks.
      expect((await resummariseFallbacks(app.deps, { wait: true })).queued).toBe(0);
      console.log(`recovery: ${after} requests (${asked} stories asked) re-summarised 24 stories`);
    } finally {
      await app.close();
      removeDir(dir);
    }
  }, 60_000);
});
