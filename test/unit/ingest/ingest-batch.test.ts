import { afterAll, describe, expect, it } from 'vitest';
import type { ArticleInput } from '../../../src/domain.ts';
import { analyseArticle } from '../../../src/ingest/analyse-article.ts';
import { AnalysisPool } from '../../../src/ingest/analysis-pool.ts';
import { ANALYSIS_CHUNK, ingestBatch } from '../../../src/ingest/ingest-batch.ts';
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.ts';
import { summariseOffline } from '../../../src/summarise/offline.ts';

const NOW = new Date('2026-11-20T12:00:00Z');

/** Synthetic articles: every third one a copy of the one before it under another URL. */
function records(n: number): ArticleInput[] {
  const out: ArticleInput[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3 === 2 ? i - 1 : i;
    out.push({
      url: `https://wire.test/${i}`,
      source: i % 3 === 2 ? 'Copy Desk' : 'Wire',
      title: `Country ${k} raises tariffs on steel imports to ${10 + k} percent`,
      published: new Date(NOW.getTime() - (n - k) * 3_600_000).toISOString(),
      body: `The government of country ${k} said on Tuesday it would raise tariffs on imported steel to ${10 + k} percent from next month. Officials in the capital said the measure answered a surge of cheap shipments number ${k}. Trading partners said they would study the decision before deciding how to respond to it.`,
    });
  }
  return out;
}

const pool = new AnalysisPool(1);
afterAll(() => pool.close());

describe('ingestBatch', () => {
  it('stores the same articles in the same stories with analysis threads as without', async () => {
    const recs = records(ANALYSIS_CHUNK * 3 + 4);
    const local = new SqliteStore(':memory:');
    const threaded = new SqliteStore(':memory:');
    const a = await ingestBatch(local, null, recs, NOW);
    const b = await ingestBatch(threaded, pool, recs, NOW);
    // The thread did the work (a fallback to this thread would hide a thread that cannot start).
    expect((await pool.analyse(recs.slice(0, 2), NOW.toISOString())).every((x) => x !== null)).toBe(true);
    const values = (rs: typeof a) => rs.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)));
    expect(values(b)).toEqual(values(a));
    expect(
      values(a).filter((r) => typeof r !== 'string' && r.status === 'joined-story').length,
    ).toBeGreaterThan(10);
    expect(await threaded.articleCount()).toBe(recs.length);
    await local.close();
    await threaded.close();
  });

  it('places a burst of copies of one event in one batch into one story, without contention', async () => {
    const one = records(1)[0]!;
    const burst = Array.from({ length: 40 }, (_, i) => ({ ...one, url: `https://copy${i}.test/a` }));
    const store = new SqliteStore(':memory:');
    const out = await ingestBatch(store, pool, burst, NOW);
    expect(out.map((r) => r.status === 'fulfilled' && r.value.status)).toEqual([
      'new',
      ...Array(39).fill('joined-story'),
    ]);
    expect(await store.storyCount()).toBe(1);
    await store.close();
  });

  it('rejects a record that cannot be analysed with its real error, and stores the rest', async () => {
    const recs = records(ANALYSIS_CHUNK + 5);
    recs[7] = { url: 'not a url', body: recs[7]!.body };
    const expected = (() => {
      try {
        analyseArticle(recs[7]!, NOW.toISOString());
        return 'no error';
      } catch (err) {
        return String(err);
      }
    })();
    const store = new SqliteStore(':memory:');
    const out = await ingestBatch(store, pool, recs, NOW);
    expect(out[7]).toMatchObject({ status: 'rejected' });
    expect(String((out[7] as PromiseRejectedResult).reason)).toBe(expected);
    expect(out.filter((r) => r.status === 'fulfilled')).toHaveLength(recs.length - 1);
    await store.close();
  });

  it('writes the same offline summary on a thread as here', async () => {
    const articles = records(3).map((r) => ({
      title: r.title!,
      titleDerived: false,
      body: r.body,
      source: r.source!,
      published: r.published!,
    }));
    expect(await pool.summarise(articles)).toEqual(summariseOffline(articles));
  });

  it('analyses on its own thread when the pool is gone', async () => {
    const gone = new AnalysisPool(1);
    await gone.close();
    const store = new SqliteStore(':memory:');
    const out = await ingestBatch(store, gone, records(ANALYSIS_CHUNK * 2), NOW);
    expect(out.every((r) => r.status === 'fulfilled')).toBe(true);
    await store.close();
  });
});
