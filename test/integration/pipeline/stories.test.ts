import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderText } from '../../../adapters/console/render-text.ts';
import { type App, openApp } from '../../../src/cli/app.ts';
import { type IngestReport, ingestFiles } from '../../../src/cli/commands/ingest.ts';
import { digestForWindow, digestMessage, storyJson } from '../../../src/digest/build-digest.ts';
import type { ArticleInput } from '../../../src/domain.ts';
import { articleId, ingestArticle } from '../../../src/ingest/ingest-article.ts';
import type { StepResult, SummariseJob } from '../../../src/queue/jobs.ts';
import { SUMMARISE_QUEUE } from '../../../src/queue/names.ts';
import type { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { summariseStats, summariseStory } from '../../../src/summarise/summarise-story.ts';
import { type ChatRequestBody, FakeOpenAI } from '../../fakes/openai.ts';

/**
 * Story grouping and summarising through the real pipeline: openApp + ingestFiles on a real Redis
 * (BullMQ ingest → summarise → deliver), SQLite in a temp dir, and the real OpenAI SDK talking to
 * FakeOpenAI over HTTP. LLM work is counted at the fake server, so nothing the pipeline does escapes.
 */

const REPO = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(REPO, 'test/fixtures/pipeline');
const ORIGINAL = join(FIXTURES, 'lumber-original.jsonl');
const COPY = join(FIXTURES, 'lumber-copy.jsonl');
const EXPANDED = join(FIXTURES, 'lumber-expanded.jsonl');
const TRADE_WEEK = join(REPO, 'samples/trade-week.jsonl');
const MODEL = 'fake-mini';

const fake = new FakeOpenAI();
let llmUrl = '';
const apps: App[] = [];
const dirs: string[] = [];
let prefixN = 0;

beforeAll(async () => {
  llmUrl = (await fake.start()).url;
});
afterEach(async () => {
  await Promise.allSettled(apps.splice(0).map((a) => a.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  await fake.stop();
});

/**
 * A fresh app: own data dir, own queue prefix on the shared test Redis, LLM = `baseURL`. With `like`,
 * a second app on the same data dir and queues: what another process (`tradewire run`) would be.
 */
function open(baseURL = llmUrl, like?: App): App {
  let dataDir = like?.config.dataDir;
  if (!dataDir) {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-pipeline-'));
    dirs.push(dataDir);
  }
  const app = openApp({
    dataDir,
    echo: null,
    env: {
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: like?.config.queuePrefix ?? `pipe${process.pid}x${prefixN++}`,
      TRADEWIRE_LOG_LEVEL: process.env.DBG ? 'debug' : 'silent',
      OPENAI_BASE_URL: baseURL,
      TRADEWIRE_LLM_MODEL: MODEL,
      // The default 60 requests/minute would only slow the tests down.
      TRADEWIRE_LLM_RPM: '60000',
    },
  });
  apps.push(app);
  return app;
}

const db = (app: App) => (app.store as SqliteStore).db;

function readRecord(file: string): ArticleInput {
  return JSON.parse(readFileSync(file, 'utf8').trim()) as ArticleInput;
}

async function ingest(app: App, ...paths: string[]): Promise<IngestReport> {
  const report = await ingestFiles(app, paths, { wait: true, timeoutMs: 60_000 });
  expect(report.rejected).toEqual([]);
  return report;
}

/**
 * Waits for jobs already added to the summarise queue and returns their results. Polls the job state
 * (not wait.ts, whose API is the CLI's business): `{ next }` refs are not followed.
 */
async function finished(app: App, ids: string[]): Promise<Map<string, unknown>> {
  const queue = (await app.queues()).queue(SUMMARISE_QUEUE);
  const results = new Map<string, unknown>();
  const deadline = Date.now() + 60_000;
  for (const id of ids) {
    for (;;) {
      const state = await queue.getJobState(id);
      if (state === 'completed') {
        // Read the job after it settled: a copy fetched while it ran has no return value.
        results.set(id, (await queue.getJob(id))?.returnvalue);
        break;
      }
      if (state === 'failed' || state === 'unknown' || Date.now() > deadline) {
        throw new Error(`summarise job ${id}: ${state} ${(await queue.getJob(id))?.failedReason ?? ''}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return results;
}

function summaryVersions(app: App, storyId: string): number[] {
  return (
    db(app)
      .prepare('SELECT version FROM summaries WHERE story_id = ? ORDER BY version')
      .all(storyId) as Array<{
      version: number;
    }>
  ).map((r) => r.version);
}

function storyChanges(app: App, storyId: string) {
  return db(app)
    .prepare('SELECT version, article_id, reason FROM story_changes WHERE story_id = ? ORDER BY version')
    .all(storyId) as Array<{ version: number; article_id: string; reason: string }>;
}

function lastChatUserMessage(): string {
  const chats = fake.requests.filter((r) => r.path === '/v1/chat/completions');
  const body = chats.at(-1)?.body as ChatRequestBody | undefined;
  return body?.messages?.find((m) => m.role === 'user')?.content ?? '';
}

describe('stories through the real queue, LLM = FakeOpenAI', () => {
  it('summarises a new story with one LLM call; a syndicated copy joins it with none', async () => {
    const app = open();
    const c0 = fake.chatCalls;
    const first = await ingest(app, ORIGINAL);
    expect(first).toMatchObject({ new: 1, duplicates: 0, joined: 0 });
    const storyId = first.articles[0]!.storyId;
    expect(fake.chatCalls - c0).toBe(1);
    expect(await app.store.getStory(storyId)).toMatchObject({ summaryVersion: 1, wantedSummaryVersion: 1 });

    const before = fake.chatCalls;
    const copy = await ingest(app, COPY);
    expect(copy).toMatchObject({ new: 0, duplicates: 1, joined: 1 });
    expect(copy.articles[0]).toMatchObject({ storyId, status: 'joined-story' });
    expect(copy.articles[0]!.id).not.toBe(first.articles[0]!.id);
    expect(fake.chatCalls).toBe(before);

    expect(await app.store.getStory(storyId)).toMatchObject({
      articleCount: 2,
      sourceCount: 2,
      summaryVersion: 1,
      wantedSummaryVersion: 1,
    });
    expect(summaryVersions(app, storyId)).toEqual([1]);
    expect(storyChanges(app, storyId)).toEqual([]);
    expect((await app.store.storyView(storyId))?.summary?.summarisedBy).toBe(`llm:${MODEL}`);
  });

  it('re-ingesting the same article is a no-op: status duplicate, no LLM call, nothing stored', async () => {
    const app = open();
    const first = await ingest(app, ORIGINAL);
    const { id, storyId } = first.articles[0]!;
    const before = fake.chatCalls;

    const again = await ingest(app, ORIGINAL);
    expect(again).toMatchObject({ new: 0, duplicates: 1, joined: 0 });
    expect(again.articles).toEqual([{ id, storyId, status: 'duplicate' }]);
    expect(fake.chatCalls).toBe(before);
    expect(await app.store.articleCount()).toBe(1);
    expect(await app.store.storyCount()).toBe(1);
    expect(await app.store.getStory(storyId)).toMatchObject({
      articleCount: 1,
      summaryVersion: 1,
      wantedSummaryVersion: 1,
    });
  });

  it('an expanded version (≥ 20 % new sentences) joins and triggers exactly one re-summary, recorded in story_changes', async () => {
    const app = open();
    const first = await ingest(app, ORIGINAL, COPY);
    const storyId = first.articles[0]!.storyId;
    expect(first.articles.map((a) => a.status)).toEqual(['new', 'joined-story']);
    const before = fake.chatCalls;

    const update = await ingest(app, EXPANDED);
    expect(update.articles[0]).toMatchObject({ storyId, status: 'joined-story' });
    expect(fake.chatCalls - before).toBe(1);

    expect(await app.store.getStory(storyId)).toMatchObject({
      articleCount: 3,
      summaryVersion: 2,
      wantedSummaryVersion: 2,
    });
    expect(storyChanges(app, storyId)).toEqual([
      { version: 2, article_id: articleId(readRecord(EXPANDED)), reason: 'material-new-content' },
    ]);
    expect(summaryVersions(app, storyId)).toEqual([1, 2]);
    // The re-summary saw every article of the story, including the new text.
    const user = lastChatUserMessage();
    expect(user).toContain('<article id="3"');
    expect(user).toContain('British Columbia premier David Eby');
    const view = await app.store.storyView(storyId);
    expect(view?.summary).toMatchObject({ version: 2, summarisedBy: `llm:${MODEL}` });
  });

  it('a story is summarised once even when its summarise job runs twice', async () => {
    const app = open();
    const first = await ingest(app, ORIGINAL);
    const storyId = first.articles[0]!.storyId;
    const calls = fake.chatCalls;
    const stats = { ...summariseStats };

    const rt = await app.queues();
    const id = `summarise-again-${randomUUID()}`;
    await rt
      .queue(SUMMARISE_QUEUE)
      .add('summarise', { storyId, version: 1 } satisfies SummariseJob, { jobId: id });
    const results = await finished(app, [id]);

    expect(results.get(id)).toEqual({ next: [] } satisfies StepResult);
    expect(fake.chatCalls).toBe(calls);
    // Not even a cache hit: the job saw the story already at its wanted version and did nothing.
    expect(summariseStats.llmCalls).toBe(stats.llmCalls);
    expect(summariseStats.cacheHits).toBe(stats.cacheHits);
    expect(summaryVersions(app, storyId)).toEqual([1]);
    expect(await app.store.getStory(storyId)).toMatchObject({ summaryVersion: 1, wantedSummaryVersion: 1 });
  });

  it('a story is summarised once even when a second run starts while the first is calling the LLM', async () => {
    // A re-run while the first is in flight: a duplicate job picked up by another worker, a stalled job
    // re-run, or two version jobs of one story. The gate holds the queued job's LLM request; the second
    // run (the summarise step itself, as another worker would run it) starts only once it is held.
    const gate = new LlmGate();
    const app = open(await gate.start(llmUrl));
    try {
      const { storyId } = await ingestArticle(app.store, readRecord(ORIGINAL));
      const calls = fake.chatCalls;
      const rt = await app.queues();
      const id = `summarise-first-${randomUUID()}`;
      await rt
        .queue(SUMMARISE_QUEUE)
        .add('summarise', { storyId, version: 1 } satisfies SummariseJob, { jobId: id });
      await app.startWorkers();
      await gate.waitFor(1, 20_000);
      expect(gate.arrived).toBe(1);
      const second = summariseStory(app.pipelineDeps(), storyId);
      // With the bug the second run reaches the LLM too; fixed, it never does (bounded wait).
      await gate.waitFor(2, 3_000);
      gate.release();
      await Promise.allSettled([second]);
      await finished(app, [id]);
      expect(fake.chatCalls - calls).toBe(1);
      expect(summaryVersions(app, storyId)).toEqual([1]);
    } finally {
      gate.release();
      await gate.stop();
    }
  });

  it('a story is summarised once even when the second run is in another process', async () => {
    // `tradewire ingest` runs its own workers while `tradewire run` is up: two processes, two stores on
    // one SQLite file, one set of queues. The second app stands in for the other process.
    const gate = new LlmGate();
    const gateUrl = await gate.start(llmUrl);
    const app = open(gateUrl);
    const other = open(gateUrl, app);
    try {
      const { storyId } = await ingestArticle(app.store, readRecord(ORIGINAL));
      const calls = fake.chatCalls;
      const rt = await app.queues();
      const id = `summarise-first-${randomUUID()}`;
      await rt
        .queue(SUMMARISE_QUEUE)
        .add('summarise', { storyId, version: 1 } satisfies SummariseJob, { jobId: id });
      await app.startWorkers();
      await gate.waitFor(1, 20_000);
      expect(gate.arrived).toBe(1);
      // The other process finds the claim taken: a retryable "in progress" (its queue delays the job).
      const second = summariseStory(other.pipelineDeps(), storyId).catch((e: unknown) => e);
      await gate.waitFor(2, 3_000);
      gate.release();
      expect(await second).toMatchObject({ code: 'summarise/in-progress', retryable: true });
      await finished(app, [id]);
      expect(fake.chatCalls - calls).toBe(1);
      expect(summaryVersions(app, storyId)).toEqual([1]);
    } finally {
      gate.release();
      await gate.stop();
    }
  });

  it('an original and its expanded version ingested in one batch cost one LLM call', async () => {
    // Both summarise jobs (versions 1 and 2) are enqueued together after the batch, when the story
    // already wants version 2: they would summarise the same articles, so one call must do. The gate
    // holds the first call so that the second job runs while it is in flight, as it does under load.
    const gate = new LlmGate();
    const app = open(await gate.start(llmUrl));
    try {
      const before = fake.chatCalls;
      const ingesting = ingest(app, ORIGINAL, EXPANDED);
      await gate.waitFor(1, 20_000);
      await gate.waitFor(2, 3_000);
      gate.release();
      const report = await ingesting;
      expect(report.articles.map((a) => a.status)).toEqual(['new', 'joined-story']);
      const storyId = report.articles[0]!.storyId;
      expect(await app.store.getStory(storyId)).toMatchObject({ summaryVersion: 2, wantedSummaryVersion: 2 });
      expect(fake.chatCalls - before).toBe(1);
    } finally {
      gate.release();
      await gate.stop();
    }
  });

  it('stories summarised at the same moment share LLM calls, each getting its own summary', async () => {
    const app = open();
    const before = fake.chatCalls;
    const report = await ingest(app, TRADE_WEEK);
    const storyIds = [...new Set(report.articles.map((a) => a.storyId))];
    expect(storyIds.length).toBeGreaterThan(4);
    const calls = fake.chatCalls - before;
    // TRADEWIRE_LLM_BATCH_STORIES defaults to 4: the summarise worker runs 8 jobs at once.
    expect(calls).toBeLessThan(storyIds.length);
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(storyIds.length / 4));
    const batched = fake.requests
      .slice(-calls)
      .filter((r) => JSON.stringify(r.body).includes('<story id=\\"S2\\"'));
    expect(batched.length).toBeGreaterThan(0);
    for (const id of storyIds) {
      const view = await app.store.storyView(id);
      expect(view?.story.summaryVersion).toBe(1);
      expect(view?.summary?.summarisedBy).toBe(`llm:${MODEL}`);
      // The fake echoes the first sentence of the story's first article: never another story's.
      const headline = (view?.summary?.headline ?? '').replace(/…$/, '');
      const bodies = (await app.store.storyArticles(id)).map((a) => a.body.replace(/\s+/g, ' ').trim());
      expect(bodies.some((b) => b.startsWith(headline))).toBe(true);
    }
  });

  it('digests cite every source of a story', async () => {
    const app = open();
    const report = await ingest(app, TRADE_WEEK, ORIGINAL, COPY, EXPANDED);
    const views = await digestForWindow(app.store, { since: '2026-11-23', until: '2026-11-28' });
    const stories = views.map(storyJson);

    const samples = readFileSync(TRADE_WEEK, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as ArticleInput);
    const steelUrls = samples.slice(0, 5).map((a) => a.url);
    const lumberUrls = [ORIGINAL, COPY, EXPANDED].map((f) => readRecord(f).url);

    const byStory = new Map(report.articles.map((a) => [a.id, a.storyId]));
    const steelId = byStory.get(articleId(samples[0]!))!;
    const lumberId = byStory.get(articleId(readRecord(ORIGINAL)))!;
    const steel = stories.find((s) => s.id === steelId);
    const lumber = stories.find((s) => s.id === lumberId);
    expect(steel?.sources.map((s) => s.url).sort()).toEqual([...steelUrls].sort());
    expect(new Set(steel?.sources.map((s) => s.source)).size).toBe(5);
    expect(lumber?.sources.map((s) => s.url).sort()).toEqual([...lumberUrls].sort());
    expect(lumber?.summarisedBy).toBe(`llm:${MODEL}`);

    // Every article ingested is cited by exactly one story of the digest.
    const cited = stories.flatMap((s) => s.sources.map((x) => x.articleId)).sort();
    expect(cited).toEqual(report.articles.map((a) => a.id).sort());

    // The rendered digest (what a channel is sent) lists them too.
    const text = renderText(
      digestMessage('console:test', views, { label: 'week', timezone: 'UTC', max: views.length }),
    );
    for (const url of [...steelUrls, ...lumberUrls]) expect(text).toContain(`<${url}>`);
    expect(text).toContain('Sources (5)');
    expect(text).toContain('Sources (3)');
  });
});

/**
 * An HTTP pass-through in front of FakeOpenAI that holds every request until release(), counting
 * arrivals: it makes "two jobs call the LLM at the same time" deterministic rather than a race.
 */
class LlmGate {
  arrived = 0;
  private open = false;
  private readonly held: Array<() => void> = [];
  private readonly arrivalWaiters: Array<() => void> = [];
  private server: Server | undefined;
  private target = '';

  async start(targetUrl: string): Promise<string> {
    this.target = new URL(targetUrl).origin;
    const server = createServer((req, res) => {
      void this.forward(req)
        .then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(body);
        })
        .catch((err: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: String(err) } }));
        });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }

  private async forward(req: IncomingMessage): Promise<{ status: number; body: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    this.arrived++;
    for (const w of this.arrivalWaiters.splice(0)) w();
    if (!this.open) await new Promise<void>((r) => this.held.push(r));
    const res = await fetch(`${this.target}${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers: { 'content-type': 'application/json' },
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    return { status: res.status, body: await res.text() };
  }

  /** Resolves when `n` requests have arrived, or after `maxMs` (whichever comes first). */
  async waitFor(n: number, maxMs: number): Promise<void> {
    const end = Date.now() + maxMs;
    while (this.arrived < n && Date.now() < end) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, end - Date.now()));
        this.arrivalWaiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  release(): void {
    this.open = true;
    for (const r of this.held.splice(0)) r();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
