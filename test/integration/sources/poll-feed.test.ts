import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryRequest } from '../../../src/delivery/deliver.ts';
import { createLogger } from '../../../src/log.ts';
import { type FeedSubmission, type PollDeps, pollFeed } from '../../../src/sources/poll-feed.ts';
import { createSafeFetcher } from '../../../src/sources/safe-fetch.ts';
import { SqliteFeedStore } from '../../../src/store/sqlite/sqlite-feeds.ts';
import { FakeFeedServer, rss } from '../../fakes/feeds.ts';
import { tempDir } from '../../helpers/cli.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/feeds');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const MINUTE = 60_000;

const para = (topic: string) =>
  `<p>${topic}: customs officials confirmed the measure would apply to shipments cleared from the first of next month, and importers said they were reviewing contracts with suppliers in the affected countries to see who would carry the extra duty. Industry groups asked for a transition period and for guidance on goods already at sea.</p>`.repeat(
    2,
  );

let fake: FakeFeedServer;
let feeds: SqliteFeedStore;
let submitted: FeedSubmission[][];
let notices: DeliveryRequest[];
let clock: number;
let deps: PollDeps;

beforeEach(async () => {
  fake = await FakeFeedServer.start();
  feeds = new SqliteFeedStore(join(tempDir('tw-feeds-'), 'tradewire.db'));
  submitted = [];
  notices = [];
  clock = Date.parse('2026-11-25T12:00:00Z');
  deps = {
    feeds,
    fetcher: createSafeFetcher({
      userAgent: 'Tradewire-test',
      timeoutMs: 1_000,
      maxBytes: 256 * 1024,
      maxRedirects: 3,
      allowPrivate: true,
    }),
    submit: async (items) => {
      submitted.push(items);
    },
    notify: async (req) => {
      notices.push(req);
    },
    log: createLogger('silent'),
    settings: { backfill: 20, maxFailures: 3, teaserChars: 300 },
    now: () => clock,
  };
});
afterEach(async () => {
  deps.fetcher.close();
  await feeds.close();
  await fake.close();
});

async function addFeed(path: string, channel: string | null = 'console:desk') {
  const { feed } = await feeds.addFeed({
    id: `f${path.replace(/\W/g, '')}`,
    url: fake.url(path),
    channel,
    everyMs: 10 * MINUTE,
    createdBy: null,
  });
  return feed;
}

const records = () => submitted.flat().flatMap((s) => ('record' in s ? [s.record] : []));

describe('pollFeed', () => {
  it('reads RSS 2.0 with full content, then costs a 304 while unchanged', async () => {
    const items = [
      {
        guid: 'a1',
        link: 'http://wire.example/a1',
        title: 'Steel duty raised',
        date: 'Tue, 24 Nov 2026 10:00:00 GMT',
        html: 'teaser',
        full: para('Steel'),
      },
      {
        guid: 'a2',
        link: 'http://wire.example/a2',
        title: 'Soy quota cut',
        date: 'Mon, 23 Nov 2026 10:00:00 GMT',
        html: 'teaser',
        full: para('Soy'),
      },
    ];
    fake.set('/rss', { body: rss('Wire Desk', items), etag: '"r1"' });
    const feed = await addFeed('/rss');
    expect(await pollFeed(deps, feed.id)).toEqual({ status: 'polled', newItems: 2, submitted: 2 });
    const got = records();
    expect(got.map((r) => r.title)).toEqual(['Steel duty raised', 'Soy quota cut']);
    expect(got[0]!.source).toBe('Wire Desk');
    expect(got[0]!.body).toContain('Steel: customs officials');
    expect(got[0]!.published).toBe('2026-11-24T10:00:00.000Z');

    expect(await pollFeed(deps, feed.id)).toEqual({ status: 'not-modified' });
    expect(fake.requests.at(-1)).toMatchObject({ status: 304, conditional: true });
    expect(fake.requests.at(-1)!.headers['if-none-match']).toBe('"r1"');
    expect(submitted).toHaveLength(1);
    const after = await feeds.getFeed(feed.id);
    expect(after).toMatchObject({ status: 'active', failures: 0, itemsIngested: 2, title: 'Wire Desk' });
  });

  it('reads Atom and RDF feeds', async () => {
    fake.set('/atom', { body: fixture('atom.xml'), type: 'application/atom+xml' });
    fake.set('/rdf', { body: fixture('rdf.xml'), type: 'application/rdf+xml' });
    deps.settings.teaserChars = 0;
    await pollFeed(deps, (await addFeed('/atom')).id);
    await pollFeed(deps, (await addFeed('/rdf')).id);
    const got = records();
    expect(got.map((r) => [r.title, r.url, r.source])).toEqual([
      [
        'Norland and Vesta sign a grain quota pact',
        'http://ledger.example/2026/11/grain-quota-pact',
        'Harbour Trade Ledger',
      ],
      [
        'Vesta opens anti-dumping probe into coated steel',
        'http://ledger.example/2026/11/coated-steel-probe',
        'Harbour Trade Ledger',
      ],
      [
        'Export licences now required for drone flight controllers',
        'http://customs-bulletin.example/n/118',
        'Customs Bulletin',
      ],
    ]);
    expect(got[0]!.body.split('\n\n')).toHaveLength(2);
    expect(got[2]!.published).toBe('2026-11-22T07:00:00.000Z');
  });

  it('ingests only the new item of a changed feed, and skips a re-sent identical body by hash', async () => {
    const one = {
      guid: 'n1',
      link: 'http://wire.example/n1',
      title: 'First',
      html: 'x',
      full: para('First'),
    };
    const two = {
      guid: 'n2',
      link: 'http://wire.example/n2',
      title: 'Second',
      html: 'x',
      full: para('Second'),
    };
    fake.set('/news', { body: rss('W', [one]) }); // no validators: every poll is a full GET
    const feed = await addFeed('/news');
    await pollFeed(deps, feed.id);
    expect(await pollFeed(deps, feed.id)).toEqual({ status: 'unchanged' });
    fake.set('/news', { body: rss('W', [two, one]) });
    expect(await pollFeed(deps, feed.id)).toEqual({ status: 'polled', newItems: 1, submitted: 1 });
    expect(submitted.map((batch) => batch.map((s) => ('record' in s ? s.record.title : 'error')))).toEqual([
      ['First'],
      ['Second'],
    ]);
  });

  it('backfills only the newest N items on the first poll', async () => {
    const items = Array.from({ length: 6 }, (_, i) => ({
      guid: `b${i}`,
      title: `Item ${i}`,
      date: new Date(Date.UTC(2026, 10, 10 + i)).toUTCString(),
      html: 'y',
      full: para(`Item ${i}`),
    }));
    fake.set('/many', { body: rss('W', items) });
    deps.settings.backfill = 2;
    const feed = await addFeed('/many');
    expect(await pollFeed(deps, feed.id)).toMatchObject({ newItems: 6, submitted: 2 });
    expect(records().map((r) => r.title)).toEqual(['Item 5', 'Item 4']);
    fake.set('/many', {
      body: rss('W', [...items, { guid: 'b9', title: 'Item 9', html: 'z', full: para('Nine') }]),
    });
    await pollFeed(deps, feed.id);
    expect(records().map((r) => r.title)).toEqual(['Item 5', 'Item 4', 'Item 9']);
  });

  it('fetches the article page of a teaser item and extracts its main text', async () => {
    fake.set('/page', { body: fixture('article-page.html'), type: 'text/html' });
    fake.set('/teasers', {
      body: rss('Portside Wire', [
        {
          guid: 't1',
          link: fake.url('/page'),
          title: 'Kestrel lifts port fees',
          html: 'Port fees rise 18%…',
        },
        {
          guid: 't2',
          link: fake.url('/missing'),
          title: 'Page that is gone',
          html: 'Only a teaser survives.',
        },
      ]),
    });
    const feed = await addFeed('/teasers');
    await pollFeed(deps, feed.id);
    const [page, gone] = records();
    expect(page!.title).toBe('Kestrel lifts port fees');
    expect(page!.body).toContain('raised berthing fees for container ships');
    expect(page!.body).not.toContain('newsletter');
    expect(page!.body).not.toContain('Home');
    expect(gone!.body).toBe('Only a teaser survives.');
    expect(fake.requests.find((r) => r.path === '/page')!.headers['user-agent']).toBe('Tradewire-test');
  });

  it('counts broken XML, slow and huge responses as failures and backs off exponentially', async () => {
    fake.set('/broken', { body: '<rss><channel><item><title>cut off' });
    const feed = await addFeed('/broken');
    const first = await pollFeed(deps, feed.id);
    expect(first).toMatchObject({ status: 'failed', failures: 1, disabled: false });
    expect((first as { error: string }).error).toMatch(/not a readable RSS, Atom or RDF feed/);
    let state = await feeds.getFeed(feed.id);
    expect(state!.retryAt).toBe(new Date(clock + 10 * MINUTE).toISOString());

    clock += 5 * MINUTE;
    expect(await pollFeed(deps, feed.id)).toEqual({ status: 'skipped', reason: 'backoff' });
    clock += 5 * MINUTE;
    fake.set('/broken', { body: 'x'.repeat(100), dripMs: 40 });
    expect(await pollFeed(deps, feed.id)).toMatchObject({
      failures: 2,
      error: expect.stringMatching(/longer than 1000 ms/),
    });
    state = await feeds.getFeed(feed.id);
    expect(state!.retryAt).toBe(new Date(clock + 20 * MINUTE).toISOString());
    expect(notices).toHaveLength(0);

    clock += 20 * MINUTE;
    fake.set('/broken', { hugeBytes: 4 * 1024 * 1024 });
    expect(await pollFeed(deps, feed.id)).toMatchObject({ failures: 3, disabled: true });
    state = await feeds.getFeed(feed.id);
    expect(state).toMatchObject({ status: 'disabled', failures: 3, retryAt: null });
    expect(state!.lastError).toMatch(/larger than/);

    // Disabled: not polled again, and exactly one notice, to the channel that added it.
    clock += 60 * MINUTE;
    expect(await pollFeed(deps, feed.id)).toEqual({ status: 'skipped', reason: 'disabled' });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ channel: 'console:desk', message: { kind: 'notice' } });
    expect(notices[0]!.deliveryId).toMatch(/^notice:feed-disabled:/);
    expect(submitted).toHaveLength(0);

    // Re-adding enables it again with a clean record.
    const again = await feeds.addFeed({
      id: feed.id,
      url: feed.url,
      channel: feed.channel,
      everyMs: feed.everyMs,
      createdBy: null,
    });
    expect(again.feed).toMatchObject({ status: 'active', failures: 0 });
  });

  it('a success resets the failure count', async () => {
    fake.set('/flaky', { status: 503, body: 'busy' });
    const feed = await addFeed('/flaky');
    expect(await pollFeed(deps, feed.id)).toMatchObject({ failures: 1 });
    clock += 10 * MINUTE;
    fake.set('/flaky', { body: rss('W', [{ guid: 'ok', title: 'Back', html: 'q', full: para('Back') }]) });
    expect(await pollFeed(deps, feed.id)).toMatchObject({ status: 'polled' });
    expect(await feeds.getFeed(feed.id)).toMatchObject({
      failures: 0,
      retryAt: null,
      lastError: expect.stringMatching(/503/),
    });
  });
});

describe('pollFeed charsets', () => {
  it('decodes a feed in the charset its XML declaration names', async () => {
    const xml = rss('Gazette', [
      { guid: 'c1', title: 'Zölle auf Stahl erhöht', html: 'x', full: para('Stahl') },
    ]).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    fake.set('/latin1', { body: Buffer.from(xml, 'latin1'), type: 'application/rss+xml' });
    await pollFeed(deps, (await addFeed('/latin1')).id);
    expect(records().map((r) => r.title)).toEqual(['Zölle auf Stahl erhöht']);
  });
});
