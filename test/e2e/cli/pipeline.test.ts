import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FakeOpenAI } from '../../fakes/openai.ts';
import { REPO, runCli, SHARED_DATA, tempDir } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/redis-server.ts';

const SEED = join(SHARED_DATA, 'seed-article.txt');
/** Our own article in the seed format, so the LLM paths run on a clone without ../shared too. */
const OWN_SEED = join(REPO, 'test/fixtures/ingest/seed-tariffs.txt');
const CORPUS = join(REPO, 'test/fixtures/corpus/trade-week.jsonl');
const hasSeed = existsSync(SEED);

interface IngestJson {
  new: number;
  duplicates: number;
  joined: number;
  rejected: Array<{ input: string; reason: string }>;
  articles: Array<{ id: string; storyId: string; status: string }>;
}
interface DigestJson {
  stories: Array<{
    id: string;
    headline: string;
    summary: string;
    summarisedBy: string;
    sources: unknown[];
    why: { tradeRelevance: number; instruments: string[] };
  }>;
}

let prefixN = 0;
const shared = () => ({
  REDIS_URL: inject('redisUrl'),
  TRADEWIRE_QUEUE_PREFIX: `e2e${process.pid}x${prefixN++}`,
});

describe('tradewire CLI end to end (offline, private Redis)', () => {
  // The product's seed article when ../shared is there; our own seed-format article otherwise.
  const seed = hasSeed
    ? { file: SEED, since: '2019-11-01', until: '2019-12-31', about: 'phase one' }
    : { file: OWN_SEED, since: '2024-03-01', until: '2024-04-01', about: 'surtax' };

  it(`ingests a seed-format article once and digests it as its story (${seed.about})`, async () => {
    const dir = tempDir();
    const env = { TRADEWIRE_DATA_DIR: dir };
    const first = await runCli(['ingest', seed.file, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    const a = JSON.parse(first.stdout) as IngestJson;
    expect(a).toMatchObject({ new: 1, duplicates: 0, rejected: [] });
    const second = JSON.parse((await runCli(['ingest', seed.file, '--json'], env)).stdout) as IngestJson;
    expect(second).toMatchObject({ new: 0, duplicates: 1 });
    expect(second.articles[0]).toMatchObject({ id: a.articles[0]!.id, status: 'duplicate' });

    // The seed story (a long article on the phase one deal) scores 0.08, below the default minimum
    // relevance: a known miss of the relevance model, so this digest lets every story in.
    const d = await runCli(['digest', '--since', seed.since, '--until', seed.until, '--json'], {
      ...env,
      TRADEWIRE_MIN_RELEVANCE: '0',
    });
    expect(d.code, d.stderr).toBe(0);
    const digest = JSON.parse(d.stdout) as DigestJson;
    expect(digest.stories).toHaveLength(1);
    const story = digest.stories[0]!;
    expect(story.summarisedBy).toBe('offline');
    expect(`${story.headline} ${story.summary}`.toLowerCase()).toContain(seed.about);
    // The process that started the private Redis stopped it on exit.
    expect(existsSync(join(dir, 'redis.json'))).toBe(false);
  });
});

describe('tradewire CLI end to end (shared Redis)', () => {
  it('groups copies, keeps templated reports apart, and rejects bad records without losing the rest', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, `${readFileSync(CORPUS, 'utf8').split('\n')[5]}\n{"title": "broken\n`);
    const env = { TRADEWIRE_DATA_DIR: dir, ...shared() };
    const r = await runCli(['ingest', CORPUS, bad, '--json'], env);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as IngestJson;
    expect(report.rejected).toEqual([{ input: `${bad}:2`, reason: expect.stringMatching(/JSON/i) }]);
    expect(report.articles).toHaveLength(16);
    // The four syndicated copies of the EU steel story joined the first one.
    const steel = report.articles.slice(0, 5);
    expect(steel.slice(1).map((x) => x.status)).toEqual([
      'joined-story',
      'joined-story',
      'joined-story',
      'joined-story',
    ]);
    expect(new Set(steel.map((x) => x.storyId)).size).toBe(1);
    // The Fed's daily repo reports on two days are two stories.
    const fed = report.articles.slice(12, 14);
    expect(fed[0]!.storyId).not.toBe(fed[1]!.storyId);
    // The Mexico line re-sent in bad.jsonl is a duplicate of the corpus copy.
    expect(report.articles[15]).toMatchObject({ status: 'duplicate', id: report.articles[5]!.id });

    const d = JSON.parse(
      (await runCli(['digest', '--since', '2026-11-23', '--until', '2026-11-27', '--json'], env)).stdout,
    ) as DigestJson;
    // 11 stories; the default minimum relevance leaves out the cup final, the two Fed repo reports
    // and the soybean market report.
    expect(d.stories).toHaveLength(7);
    const headlines = d.stories.map((s) => s.headline.toLowerCase()).join('\n');
    expect(headlines).not.toMatch(/cup final|repurchase/);
    expect(d.stories.every((s) => s.why.tradeRelevance >= 0.37)).toBe(true);
    // Five sources put the steel safeguard story first.
    expect(d.stories[0]!.sources).toHaveLength(5);
    expect(d.stories[0]!.headline.toLowerCase()).toContain('steel');
  });
});

describe('tradewire CLI with an OpenAI-compatible server', () => {
  const fake = new FakeOpenAI();
  let base = '';
  beforeAll(async () => {
    base = (await fake.start()).url;
  });
  afterAll(() => fake.stop());

  it('summarises through the LLM, sending the article text as data', async () => {
    const dir = tempDir();
    const env = {
      TRADEWIRE_DATA_DIR: dir,
      OPENAI_BASE_URL: base,
      TRADEWIRE_LLM_MODEL: 'fake-mini',
      ...shared(),
    };
    const r = await runCli(['ingest', OWN_SEED, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(fake.chatCalls).toBeGreaterThanOrEqual(1);
    const body = JSON.stringify(fake.requests.at(-1)?.body);
    expect(body).toContain('25% surtax on steel and aluminium');
    const d = JSON.parse(
      (await runCli(['digest', '--since', '2024-03-01', '--until', '2024-04-01', '--json'], env)).stdout,
    ) as DigestJson;
    expect(d.stories[0]!.summarisedBy).toBe('llm:fake-mini');
  });

  it('with the server down, stores the article and summarises it offline', async () => {
    const dir = tempDir();
    const down = `http://127.0.0.1:${await freePort()}/v1`;
    const env = {
      TRADEWIRE_DATA_DIR: dir,
      OPENAI_BASE_URL: down,
      TRADEWIRE_LLM_MAX_RETRIES: '1',
      TRADEWIRE_LLM_TIMEOUT_MS: '2000',
      ...shared(),
    };
    const r = await runCli(['ingest', OWN_SEED, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as IngestJson).new).toBe(1);
    const d = JSON.parse(
      (await runCli(['digest', '--since', '2024-03-01', '--until', '2024-04-01', '--json'], env)).stdout,
    ) as DigestJson;
    expect(d.stories[0]!.summarisedBy).toBe('offline');
    expect(d.stories[0]!.summary).toContain('25% surtax');
  });
});
