import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { App } from '../../../src/cli/app.ts';
import { FEEDS_QUEUE } from '../../../src/sources/feed-worker.ts';
import { chatHandler, replyText } from '../../../src/usecases/chat.ts';
import { addFeed, feedDeps, listFeeds, parseEvery, removeFeed } from '../../../src/usecases/feeds.ts';
import { openTestApp, removeDir, tempDataDir, uniquePrefix } from '../digest/helpers.ts';

describe('parseEvery', () => {
  it('reads intervals between a minute and a week', () => {
    expect(parseEvery('10m')).toBe(600_000);
    expect(parseEvery('1h30m')).toBe(5_400_000);
    expect(parseEvery('90s')).toBe(90_000);
    expect(parseEvery('1d')).toBe(86_400_000);
    for (const bad of ['10', '30s', '8d', 'often', '10m!']) {
      expect(() => parseEvery(bad), bad).toThrow(/not an interval/);
    }
  });
});

/** Feed management on a real store and a real Redis (no workers: nothing is polled). */
describe('feed use cases', () => {
  let app: App;
  let dir: string;

  beforeAll(() => {
    dir = tempDataDir();
    app = openTestApp(dir, { url: inject('redisUrl'), prefix: uniquePrefix('feeds') });
  });
  afterAll(async () => {
    await app.close();
    removeDir(dir);
  });

  it('adds a feed once per URL and channel, with its own job scheduler, and removes both', async () => {
    const deps = feedDeps(app.deps);
    const a = await addFeed(deps, {
      url: 'https://wire.example/trade.xml',
      everyMs: 600_000,
      channel: 'console:desk',
    });
    expect(a.created).toBe(true);
    const again = await addFeed(deps, {
      url: 'https://WIRE.example/trade.xml',
      everyMs: 600_000,
      channel: 'console:desk',
    });
    expect(again).toMatchObject({ created: false, feed: { id: a.feed.id } });
    const other = await addFeed(deps, { url: 'https://wire.example/trade.xml', everyMs: 3_600_000 });
    expect(other.feed.id).not.toBe(a.feed.id);

    const rt = await app.queues();
    const schedulers = await rt.queue(FEEDS_QUEUE).getJobSchedulers();
    expect(schedulers.map((s) => [s.key, Number(s.every)]).sort()).toEqual(
      [
        [`feed-${a.feed.id}`, 600_000],
        [`feed-${other.feed.id}`, 3_600_000],
      ].sort(),
    );
    const list = await listFeeds(deps);
    expect(list.find((f) => f.id === a.feed.id)).toMatchObject({
      status: 'active',
      nextPollAt: expect.any(String),
    });

    await removeFeed(deps, other.feed.id);
    expect((await rt.queue(FEEDS_QUEUE).getJobSchedulers()).map((s) => s.key)).toEqual([`feed-${a.feed.id}`]);
  });

  it('refuses non-http(s) URLs, private literals and unconfigured channels', async () => {
    const deps = feedDeps(app.deps);
    const code = async (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect(await code(addFeed(deps, { url: 'file:///etc/passwd' }))).toBe('feed/invalid');
    expect(await code(addFeed(deps, { url: 'http://169.254.169.254/latest/' }))).toBe('fetch/blocked');
    expect(await code(addFeed(deps, { url: 'http://localhost:8080/feed' }))).toBe('fetch/blocked');
    expect(await code(addFeed(deps, { url: 'http://[::1]/feed' }))).toBe('fetch/blocked');
    expect(await code(addFeed(deps, { url: 'https://wire.example/x', channel: 'slack:C1' }))).toBe(
      'platform/not-configured',
    );
    expect(await code(removeFeed(deps, 'fnothere'))).toBe('feed/not-found');
  });

  it('/trade sources lists the subscribed feeds beside the article sources', async () => {
    const r = await chatHandler(app.deps)({
      kind: 'command',
      channel: 'console:desk',
      user: 'U1',
      text: 'sources',
    });
    expect(r).toMatchObject({
      kind: 'sources',
      feeds: [{ url: 'https://wire.example/trade.xml', status: 'active', lastSuccessAt: null }],
    });
    expect(replyText(r)).toMatch(/feed f[0-9a-f]{8} https:\/\/wire\.example\/trade\.xml \(not polled yet\)/);
  });
});
