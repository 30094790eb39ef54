import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../../adapters/console/render-text.ts';
import { digestForWindow, digestMessage, storyJson } from '../../../src/digest/build-digest.ts';
import { ingestArticle } from '../../../src/ingest/ingest-article.ts';
import { validateArticle } from '../../../src/ingest/validate.ts';
import { createLlm, type Llm } from '../../../src/llm/client.ts';
import { silentLogger } from '../../../src/log.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { TRADE_RELEVANCE_THRESHOLD } from '../../../src/stories/relevance.ts';
import { summariseStory } from '../../../src/summarise/summarise-story.ts';
import { defaultResponder, FakeOpenAI, firstArticleText } from '../../fakes/openai.ts';

/**
 * The LLM's relevance judgment (prompts/summarise.md) through summarise → store → digest, with the
 * real SDK against FakeOpenAI: the model judges every story 1.0 ("clearly trade"), including a
 * football transfer. The trade story's relevance is the mean of classifier and model; the football
 * story names no trade instrument, so the model cannot lift it into the trade digest.
 */

const fake = new FakeOpenAI();
let dir = '';
let store: SqliteStore;
let llm: Llm;

const articles = [
  {
    url: 'https://wire.example.com/surtax',
    source: 'Wire One',
    title: 'Canada imposes surtax on Chinese electric vehicles',
    published: '2026-11-26T09:00:00Z',
    body: 'Canada will impose a 100% surtax on electric vehicles imported from China from October 1, the finance minister said on Monday. The surtax adds to the existing 6.1% import duty. China said it would take measures to protect its companies and may file a WTO complaint.',
  },
  {
    url: 'https://wire.example.com/transfer',
    source: 'Wire Two',
    title: 'United agree record fee for striker',
    published: '2026-11-26T10:00:00Z',
    body: 'United agreed a record fee with Porto for their striker on Monday, the club said. The player will sign a five-year contract after a medical. Fans welcomed the deal after a poor run of league form.',
  },
];

beforeAll(async () => {
  const { url } = await fake.start();
  fake.respondWith((body) => {
    const summary = JSON.parse(defaultResponder(body)) as Record<string, unknown>;
    const text = firstArticleText(body);
    return JSON.stringify({
      ...summary,
      instruments: text.includes('surtax') ? ['tariff'] : [],
      relevance: 1,
    });
  });
  const client = createLlm({
    baseURL: url,
    model: 'fake-model',
    timeoutMs: 5_000,
    maxRetries: 0,
    requestsPerMinute: 6000,
  });
  if (!client) throw new Error('expected an Llm');
  llm = client;
  dir = mkdtempSync(join(tmpdir(), 'tw-llm-relevance-'));
  store = new SqliteStore(join(dir, 'tradewire.sqlite'));
  for (const a of articles) {
    const r = await ingestArticle(store, validateArticle(a, 'test'), {
      now: new Date('2026-11-27T00:00:00Z'),
    });
    await summariseStory({ store, llm, log: silentLogger }, r.storyId);
  }
});
afterAll(async () => {
  await store.close();
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const window = { since: '2026-11-26T00:00:00Z', until: '2026-11-27T00:00:00Z' };

describe('digest relevance with an LLM summary', () => {
  it('stores the model relevance with the summary and averages it with the classifier when the articles name an instrument', async () => {
    const views = await digestForWindow(store, window);
    const surtax = views.find((v) => v.sources[0]?.title.includes('surtax'));
    expect(surtax?.summary?.relevance).toBe(1);
    const json = storyJson(surtax!);
    expect(json.why).toMatchObject({
      llmRelevance: 1,
      relevanceRule: 'mean',
      instruments: expect.arrayContaining(['tariff']),
    });
    const classifier = surtax!.story.tradeRelevance;
    expect(json.tradeRelevance).toBeCloseTo((classifier + 1) / 2, 3);
    expect(json.why.classifierRelevance).toBeCloseTo(classifier, 3);
  });

  it('never lets the model alone put a story with no trade instrument into a trade digest', async () => {
    const all = await digestForWindow(store, window);
    const football = all.find((v) => v.sources[0]?.title.includes('striker'));
    expect(football?.summary?.relevance).toBe(1);
    expect(football!.story.tradeRelevance).toBeLessThan(TRADE_RELEVANCE_THRESHOLD);
    expect(storyJson(football!).why).toMatchObject({ relevanceRule: 'lower', instruments: [] });
    expect(storyJson(football!).tradeRelevance).toBe(football!.story.tradeRelevance);

    const digest = await digestForWindow(store, { ...window, minRelevance: TRADE_RELEVANCE_THRESHOLD });
    expect(digest.map((v) => v.sources[0]?.title)).toEqual([
      'Canada imposes surtax on Chinese electric vehicles',
    ]);
  });

  it('the console text says how the relevance was reached', async () => {
    const views = await digestForWindow(store, { ...window, minRelevance: TRADE_RELEVANCE_THRESHOLD });
    const text = renderText(
      digestMessage('console', views, { label: 'Thu 26 Nov 2026', timezone: 'UTC', max: 10 }),
    );
    expect(text).toMatch(
      /Why: trade relevance \d\.\d\d \(classifier \d\.\d\d, model 1\.00, averaged\); instruments: tariff/,
    );
  });
});
