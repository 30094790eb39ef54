import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleLine } from '../../../adapters/console/console-platform.ts';
import type { App } from '../../../src/cli/app.ts';
import { deliver } from '../../../src/delivery/deliver.ts';
import { localDay } from '../../../src/digest/schedule.ts';
import { buildScheduledDigest, type ScheduledDigest } from '../../../src/digest/scheduled-digest.ts';
import { ingestArticle } from '../../../src/ingest/ingest-article.ts';
import type { DeliveryTarget } from '../../../src/platform/port.ts';
import {
  DEFAULTS,
  ingestSamples,
  openTestApp,
  removeDir,
  SAMPLE,
  sample,
  schedule,
  tempDataDir,
} from './helpers.ts';

const CH = 'console:since';
const DAY = 86_400_000;
let dataDir: string;
let app: App;

beforeEach(() => {
  dataDir = tempDataDir();
  app = openTestApp(dataDir);
});
afterEach(async () => {
  await app.close();
  removeDir(dataDir);
});

const build = (at: Date, channel = CH): Promise<ScheduledDigest> =>
  buildScheduledDigest(app.store, channel, at, { trigger: 'schedule', defaults: DEFAULTS });

function posted(built: ScheduledDigest): Extract<ScheduledDigest, { status: 'post' }> {
  if (built.status !== 'post') throw new Error(`expected a digest to post, got ${built.status}`);
  return built;
}

const lines = (channel = CH): ConsoleLine[] => app.console.read(channel);
const sorted = (xs: string[]): string[] => [...xs].sort();

describe('since last digest', () => {
  it('digest 2 holds exactly the stories that arrived after digest 1, including one that arrived mid-delivery', async () => {
    await app.store.setSchedule(schedule(CH));
    const a = await ingestSamples(app.store, [
      SAMPLE.steelWire,
      SAMPLE.steelDaily,
      SAMPLE.steelMetals,
      SAMPLE.mexicoSteel,
      SAMPLE.chips,
      SAMPLE.liuHe,
    ]);
    const storiesA = [...new Set(a.map((r) => r.storyId))];
    expect(storiesA).toHaveLength(4);

    const at1 = new Date();
    const d1 = posted(await build(at1));
    expect(d1.request.deliveryId).toBe(`digest:${CH}:${localDay(at1, 'UTC')}`);
    expect(
      sorted(d1.request.message.kind === 'digest' ? d1.request.message.stories.map((s) => s.storyId) : []),
    ).toEqual(sorted(storiesA));

    // A story arrives after digest 1 was built and before it is settled: the console post ingests it.
    let late = '';
    const target: DeliveryTarget = {
      async post(channel, message, opts) {
        late = (await ingestArticle(app.store, sample(SAMPLE.ukSanctions))).storyId;
        return app.console.post(channel, message, opts);
      },
      findPosted: (channel, key) => app.console.findPosted(channel, key),
    };
    expect(await deliver(app.store, target, d1.request)).toMatchObject({
      status: 'delivered',
      recovered: false,
    });
    expect(late).not.toBe('');
    expect(lines()).toHaveLength(1);
    expect(sorted(lines()[0]?.storyIds ?? [])).toEqual(sorted(storiesA));

    // Batch B: two more copies of A's steel story (they join it) and new stories.
    const b = await ingestSamples(app.store, [
      SAMPLE.steelLedger,
      SAMPLE.steelAsia,
      SAMPLE.soybeans,
      SAMPLE.canadaSteel,
      SAMPLE.japanUk,
      SAMPLE.fedRepo1,
    ]);
    expect(b.slice(0, 2).map((r) => r.status)).toEqual(['joined-story', 'joined-story']);
    expect(b[0]?.storyId).toBe(a[0]?.storyId);
    const newInB = b.filter((r) => r.status === 'new').map((r) => r.storyId);
    expect(newInB).toHaveLength(4);

    const at2 = new Date(at1.getTime() + DAY);
    const d2 = posted(await build(at2));
    expect(await deliver(app.store, app.console, d2.request)).toMatchObject({ status: 'delivered' });
    expect(lines()).toHaveLength(2);
    const shown2 = lines()[1]?.storyIds ?? [];
    expect(sorted(shown2)).toEqual(sorted([late, ...newInB]));
    for (const id of storiesA) expect(shown2).not.toContain(id);

    // Nothing new since: the next period posts nothing, and nothing is ever repeated.
    const d3 = await build(new Date(at1.getTime() + 2 * DAY));
    expect(d3.status).toBe('empty');
    expect(lines()).toHaveLength(2);
    const everyShown = lines().flatMap((l) => l.storyIds);
    expect(new Set(everyShown).size).toBe(everyShown.length);
    expect(await app.store.getDigestCursor(CH)).toMatchObject({ lastSeq: await app.store.maxStorySeq() });
  });

  it('a built digest that is never delivered does not move the cursor: its stories come in the next one', async () => {
    await app.store.setSchedule(schedule(CH));
    const at0 = new Date();
    await ingestSamples(app.store, [SAMPLE.steelWire]);
    await deliver(app.store, app.console, posted(await build(at0)).request);
    const a = await ingestSamples(app.store, [SAMPLE.mexicoSteel, SAMPLE.chips]);
    const cursor = await app.store.getDigestCursor(CH);
    posted(await build(new Date(at0.getTime() + DAY))); // built, never delivered (the platform was down all day)
    expect(await app.store.getDigestCursor(CH)).toEqual(cursor);
    const b = await ingestSamples(app.store, [SAMPLE.liuHe]);
    const d2 = posted(await build(new Date(at0.getTime() + 2 * DAY)));
    await deliver(app.store, app.console, d2.request);
    expect(lines()).toHaveLength(2);
    expect(sorted(lines()[1]?.storyIds ?? [])).toEqual(sorted([...a, ...b].map((r) => r.storyId)));
  });

  it('the first digest of a channel takes only stories that arrived in the 24 h before it', async () => {
    await app.store.setSchedule(schedule(CH));
    const old = await ingestSamples(app.store, [SAMPLE.mexicoSteel, SAMPLE.chips]);
    const lastOld = Math.max(
      ...(await Promise.all(
        old.map(async (r) => Date.parse((await app.store.getStory(r.storyId))?.createdAt ?? '')),
      )),
    );
    // Let the clock move past the old stories' arrival, so the 24 h boundary falls between the batches.
    while (Date.now() <= lastOld + 1) await new Promise((r) => setTimeout(r, 2));
    const boundary = Date.now();
    while (Date.now() <= boundary + 1) await new Promise((r) => setTimeout(r, 2));
    const fresh = await ingestSamples(app.store, [SAMPLE.liuHe, SAMPLE.ukSanctions]);

    const at = new Date(boundary + DAY); // the old batch arrived just over 24 h before this digest
    const d = posted(await build(at));
    await deliver(app.store, app.console, d.request);
    expect(sorted(lines()[0]?.storyIds ?? [])).toEqual(sorted(fresh.map((r) => r.storyId)));
    // The older stories are not picked up later either: the cursor now sits past them.
    const next = await build(new Date(at.getTime() + DAY));
    expect(next.status).toBe('empty');
  });

  it('an empty period posts nothing unless the channel asks for empty digests', async () => {
    const quiet = 'console:quiet';
    const chatty = 'console:chatty';
    // Filters nothing in the batch passes: the digest is empty.
    await app.store.setSchedule(schedule(quiet, { query: 'zanzibar' }));
    await app.store.setSchedule(schedule(chatty, { query: 'zanzibar', postEmpty: true }));
    await ingestSamples(app.store, [SAMPLE.mexicoSteel, SAMPLE.chips]);
    const at = new Date();

    const q = await build(at, quiet);
    expect(q.status).toBe('empty');
    expect(lines(quiet)).toEqual([]);
    expect(await app.store.getDelivery(`digest:${quiet}:${localDay(at, 'UTC')}`)).toBeNull();

    const c = posted(await build(at, chatty));
    expect(c.storyCount).toBe(0);
    await deliver(app.store, app.console, c.request);
    expect(lines(chatty)).toHaveLength(1);
    expect(lines(chatty)[0]).toMatchObject({ kind: 'digest', storyIds: [] });
    expect(lines(chatty)[0]?.text).toContain('No new trade stories in this period.');
    // A second build for the same period sees the ledger and does not post again.
    expect((await build(at, chatty)).status).toBe('already-delivered');
  });

  it('filters per channel: min relevance and a watch-style query pick different stories from the same arrivals', async () => {
    await app.store.setSchedule(schedule('console:steel', { query: 'steel' }));
    await app.store.setSchedule(schedule('console:relevant', { minRelevance: 0.5 }));
    const r = await ingestSamples(app.store, [
      SAMPLE.steelWire,
      SAMPLE.mexicoSteel,
      SAMPLE.chips,
      SAMPLE.ukSanctions,
      SAMPLE.sports,
    ]);
    const at = new Date();
    const steel = posted(await build(at, 'console:steel'));
    const relevant = posted(await build(at, 'console:relevant'));
    const ids = (d: typeof steel): string[] =>
      d.request.message.kind === 'digest' ? sorted(d.request.message.stories.map((s) => s.storyId)) : [];
    expect(ids(steel)).toEqual(sorted([r[0]!.storyId, r[1]!.storyId]));
    for (const v of await Promise.all(ids(relevant).map((id) => app.store.getStory(id)))) {
      expect(v?.tradeRelevance).toBeGreaterThanOrEqual(0.5);
    }
    expect(ids(relevant)).not.toContain(r[4]!.storyId); // the football story
  });
});
