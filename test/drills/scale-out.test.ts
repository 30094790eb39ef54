import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ChatRequestBody, FakeOpenAI, storyBlocks } from '../fakes/openai.ts';
import { createTestDatabase, dropTestDatabase } from '../helpers/postgres-server.ts';
import { scaleArticles } from '../helpers/scale-articles.ts';
import { runScale, type ScaleOutcome } from '../helpers/scale-run.ts';

/**
 * Drill (issue 21): three `tradewire run --role worker` processes on one Redis and one PostgreSQL
 * import 3,000 articles (about half of them copies of another article's event) while worker 0 is
 * SIGKILLed part-way and started again. Against a single worker process on SQLite fed the same input:
 * every article stored once, one story per event, every story summarised once (once by the LLM,
 * bar the stories the killed process had in flight), the same alerts and digest, none posted twice.
 * About 60–90 s on a 2-core machine.
 */

const base = inject('postgresUrl');
const skip = inject('postgresSkip');
const redisUrl = inject('redisUrl');

const N = Number(process.env.TRADEWIRE_DRILL_ARTICLES ?? 1_200);
const CONCURRENCY = 8;
const { articles, events } = scaleArticles(N);

/**
 * Times each event was summarised by the LLM (every title and body names its `file <n>`): once per
 * single-story request, and once per `<story>` block of a batched one.
 */
function summariseCalls(llm: FakeOpenAI): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of llm.requests) {
    if (r.path !== '/v1/chat/completions') continue;
    const body = r.body as ChatRequestBody;
    if (!(body.messages?.[0]?.content ?? '').includes('You summarise one news story')) continue;
    const blocks = storyBlocks(body).map((b) => b.text);
    const texts = blocks.length > 0 ? blocks : [body.messages?.find((m) => m.role === 'user')?.content ?? ''];
    for (const text of texts) {
      const e = Number(/file (\d+)/.exec(text)?.[1] ?? -1);
      out.set(e, (out.get(e) ?? 0) + 1);
    }
  }
  return out;
}

const sorted = (xs: string[]) => [...xs].sort();

describe.skipIf(!base)(
  `drill: three workers on PostgreSQL, one SIGKILLed${base ? '' : ` (skipped: ${skip})`}`,
  () => {
    const llm = new FakeOpenAI();
    let llmUrl = '';
    let pgUrl = '';
    beforeAll(async () => {
      llmUrl = (await llm.start()).url;
    });
    afterAll(async () => {
      await llm.stop();
      if (pgUrl) await dropTestDatabase(base, pgUrl);
    });

    it('stores, groups, summarises and alerts as one process does, nothing twice', async () => {
      const env = {
        OPENAI_BASE_URL: llmUrl,
        OPENAI_API_KEY: 'drill',
        TRADEWIRE_LLM_RPM: '60000',
        TRADEWIRE_WORKER_CONCURRENCY: String(CONCURRENCY),
      };
      const common = { articles, redisUrl, env, watch: 'tariffs OR quotas', digestFires: 2 };

      const controlStart = Date.now();
      const control = await runScale({ ...common, label: 'control', databaseUrl: null, workers: 1 });
      const controlCalls = summariseCalls(llm);
      const controlMs = Date.now() - controlStart;
      llm.reset();

      pgUrl = await createTestDatabase(base, 'drill');
      const drillStart = Date.now();
      const drill = await runScale({
        ...common,
        label: 'drill',
        databaseUrl: pgUrl,
        workers: 3,
        killAtArticles: Math.floor(N / 3),
      });
      const drillMs = Date.now() - drillStart;
      const drillCalls = summariseCalls(llm);
      const extraCalls = [...drillCalls.values()].reduce((a, b) => a + b, 0) - drillCalls.size;
      console.log(
        `scale drill: ${N} articles, ${events} events; control (1 worker, SQLite) ${control.stories} stories, ` +
          `${control.alerts.length} alerts in ${(controlMs / 1000).toFixed(1)} s; drill (3 workers, PostgreSQL, ` +
          `worker 0 SIGKILLed at ${drill.killedAt} articles) ${drill.stories} stories, ${drill.alerts.length} alerts, ` +
          `${extraCalls} repeated LLM calls, in ${(drillMs / 1000).toFixed(1)} s`,
      );

      const check = (o: ScaleOutcome, calls: Map<number, number>) => {
        expect(o.articles).toBe(N);
        expect(o.distinctUrls).toBe(N);
        expect(o.stories).toBe(events);
        expect([...o.storiesPerEvent.values()].every((s) => s === 1)).toBe(true);
        expect(o.unsummarised).toBe(0);
        // Copies add no material change: one summary version per story.
        expect([...o.summaryVersions.values()].every((v) => v === 1)).toBe(true);
        expect(o.summaryVersions.size).toBe(events);
        expect(calls.size).toBe(events);
        // Alerts and the digest: each posted once, and every delivery settled as delivered.
        expect(new Set(o.alerts).size).toBe(o.alerts.length);
        expect(o.digests).toHaveLength(1);
        expect(o.deliveries).toEqual({ delivered: o.alerts.length + 1 });
      };
      check(control, controlCalls);
      expect([...controlCalls.values()].every((c) => c === 1)).toBe(true);
      expect(control.alerts.length).toBeGreaterThan(100);

      check(drill, drillCalls);
      expect(drill.killedAt).not.toBeNull();
      // Only a call the killed process had in flight is made again (its claim's lease runs out first).
      expect(extraCalls).toBeLessThanOrEqual(CONCURRENCY);
      expect(sorted(drill.alerts)).toEqual(sorted(control.alerts));
      expect(drill.digests).toEqual(control.digests);
    }, 240_000);
  },
);
