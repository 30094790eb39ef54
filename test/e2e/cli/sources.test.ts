import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { FakeFeedServer, rss } from '../../fakes/feeds.ts';
import { BIN, REPO, runCli, tempDir } from '../../helpers/cli.ts';
import { freePort } from '../../helpers/redis-server.ts';

const TOKEN = 'e2e-ingest-token';
const para = (what: string) =>
  `<p>${what}: the trade ministry said the new duty would apply to all shipments cleared from the first of next month, and importers said they were reviewing contracts with suppliers to see who would carry the extra cost.</p>`.repeat(
    3,
  );

let fake: FakeFeedServer;
beforeAll(async () => {
  fake = await FakeFeedServer.start();
  fake.set('/trade.xml', {
    etag: '"t1"',
    body: rss('Lowland Trade Wire', [
      {
        guid: 'lw-1',
        link: 'http://lowland.example/1',
        title: 'Lowland raises duty on ceramic tiles',
        html: 'x',
        full: para('Tiles'),
      },
      {
        guid: 'lw-2',
        link: 'http://lowland.example/2',
        title: 'Lowland and Orrin agree a dairy quota',
        html: 'x',
        full: para('Dairy'),
      },
    ]),
  });
  fake.set('/down.xml', { status: 503, body: 'maintenance' });
});
afterAll(async () => {
  await fake.close();
});

describe('feeds and the ingest API through tradewire run', () => {
  it('polls a feed into the pipeline, disables a failing one with one notice, and accepts POST /v1/articles', async () => {
    const dir = tempDir();
    const port = await freePort();
    const env = {
      TRADEWIRE_DATA_DIR: dir,
      REDIS_URL: inject('redisUrl'),
      TRADEWIRE_QUEUE_PREFIX: `e2e-sources-${port}`,
      TRADEWIRE_ALLOW_PRIVATE_URLS: 'true',
      TRADEWIRE_FEED_MAX_FAILURES: '1',
      INGEST_API_TOKEN: TOKEN,
      PORT: String(port),
    };
    const good = await runCli(
      ['feeds', 'add', fake.url('/trade.xml'), '--every', '1m', '--channel', 'console:desk', '--json'],
      env,
    );
    expect(good.stderr).toBe('');
    const goodId = JSON.parse(good.stdout).feed.id as string;
    const bad = await runCli(
      ['feeds', 'add', fake.url('/down.xml'), '--channel', 'console:desk', '--json'],
      env,
    );
    const badId = JSON.parse(bad.stdout).feed.id as string;
    const refused = await runCli(['feeds', 'add', 'http://127.0.0.1/feed'], {
      ...env,
      TRADEWIRE_ALLOW_PRIVATE_URLS: 'false',
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/private or local address/);

    const child = spawn(process.execPath, [BIN, 'run'], {
      cwd: REPO,
      env: { ...process.env, ...env, TRADEWIRE_LOG_LEVEL: 'warn', OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const store = new SqliteStore(join(dir, 'tradewire.db'));
    try {
      const until = async (what: string, ok: () => Promise<boolean>) => {
        const deadline = Date.now() + 60_000;
        while (!(await ok())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${stderr}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      await until('the feed items', async () => (await store.articleCount()) === 2);
      const api = await until('the HTTP server', async () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      ).then(() =>
        fetch(`http://127.0.0.1:${port}/v1/articles`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify([
            { url: 'http://orrin.example/steel', title: 'Orrin caps steel imports', body: para('Steel') },
            { title: 'Bad date', body: 'Orrin said it would decide soon.', published: 'soon' },
          ]),
        }),
      );
      expect(api.status).toBe(202);
      expect(await api.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [{ field: 'published' }] });
      await until('the API article', async () => (await store.articleCount()) === 3);
      const desk = join(dir, 'channels', 'desk.jsonl');
      await until('the notice', async () => existsSync(desk));
    } finally {
      child.kill('SIGTERM');
      await exited;
      await store.close();
    }
    const notices = readFileSync(join(dir, 'channels', 'desk.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; text: string });
    expect(notices.filter((n) => n.kind === 'notice')).toHaveLength(1);
    expect(notices[0]!.text).toContain(`Feed ${badId} disabled`);

    const list = await runCli(['feeds', 'list', '--json'], env);
    const feeds = JSON.parse(list.stdout).feeds as Array<Record<string, unknown>>;
    const byId = new Map(feeds.map((f) => [f.id, f]));
    expect(byId.get(goodId)).toMatchObject({
      status: 'active',
      itemsIngested: 2,
      title: 'Lowland Trade Wire',
      failures: 0,
    });
    expect(byId.get(goodId)!.lastSuccessAt).toEqual(expect.any(String));
    expect(byId.get(goodId)!.nextPollAt).toEqual(expect.any(String));
    expect(byId.get(badId)).toMatchObject({ status: 'disabled', failures: 1, nextPollAt: null });
    expect(byId.get(badId)!.lastError).toMatch(/HTTP 503/);
    expect(fake.requests.filter((r) => r.path === '/trade.xml')[0]!.headers['user-agent']).toMatch(
      /^Tradewire/,
    );

    expect((await runCli(['feeds', 'remove', badId], env)).code).toBe(0);
    const gone = await runCli(['feeds', 'remove', badId], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no feed/);
  }, 240_000);
});
