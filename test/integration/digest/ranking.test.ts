import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/cli/app.ts';
import { deliver } from '../../../src/delivery/deliver.ts';
import { buildScheduledDigest } from '../../../src/digest/scheduled-digest.ts';
import type { IngestResult } from '../../../src/store/store.ts';
import { DEFAULTS, ingestSamples, openTestApp, removeDir, SAMPLE, schedule, tempDataDir } from './helpers.ts';

let dataDir: string;
let app: App;
let results: IngestResult[];

beforeAll(async () => {
  dataDir = tempDataDir();
  app = openTestApp(dataDir);
  results = await ingestSamples(app.store, Object.values(SAMPLE)); // lines 0..14 in order
});
afterAll(async () => {
  await app.close();
  removeDir(dataDir);
});

/** Every sample line was ingested in order, so result i is line i's. */
const storyOf = (line: number): string => {
  const r = results[line];
  if (!r) throw new Error(`line ${line} not ingested`);
  return r.storyId;
};

describe('digest ranking on the trade-week sample', () => {
  it('the five-source EU steel story leads, above the one-source stories of the same day', async () => {
    const steel = (await app.store.getStory(storyOf(SAMPLE.steelWire)))!;
    const mexico = (await app.store.getStory(storyOf(SAMPLE.mexicoSteel)))!;
    expect(steel.sourceCount).toBe(5);
    // Same publication day (24 Nov), one source, published later; both rated clearly trade-relevant.
    expect(mexico.sourceCount).toBe(1);
    expect(mexico.lastPublished.slice(0, 10)).toBe(steel.lastPublished.slice(0, 10));
    expect(mexico.lastPublished > steel.lastPublished).toBe(true);
    expect(mexico.tradeRelevance).toBeGreaterThan(0.9);

    const ch = 'console:ranked';
    await app.store.setSchedule(schedule(ch, { maxStories: 5 }));
    const built = await buildScheduledDigest(app.store, ch, new Date(), {
      trigger: 'schedule',
      defaults: DEFAULTS,
    });
    if (built.status !== 'post' || built.request.message.kind !== 'digest') throw new Error(built.status);
    const order = built.request.message.stories.map((s) => s.storyId);
    expect(order[0]).toBe(storyOf(SAMPLE.steelWire));
    // Mexico's story is either listed below it or left for "more" by later one-source stories.
    const mexicoAt = order.indexOf(storyOf(SAMPLE.mexicoSteel));
    expect(mexicoAt === -1 || mexicoAt > 0).toBe(true);
    expect(built.request.message.stories[0]?.sources).toHaveLength(5);
    // 11 stories passed, 5 fit; the rest are counted, not silently dropped.
    expect(built.storyCount).toBe(11);
    expect(built.request.message.more).toBe(6);

    await deliver(app.store, app.console, built.request);
    const [line] = app.console.read(ch);
    expect(line?.storyIds[0]).toBe(storyOf(SAMPLE.steelWire));
    expect(line?.text.split('\n')[2]).toMatch(/^1\. .*steel/i);
  });
});
