import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Schedule, StoredSummary, Summary, ThreadState, Watch } from '../../src/domain.ts';
import { ingestArticle } from '../../src/ingest/ingest-article.ts';
import type { NewArticle, Store, StoryDecision } from '../../src/store/store.ts';
import { eventCopy } from '../helpers/event-copies.ts';

/**
 * The store conformance suite: what every implementation of the store port (src/store/store.ts) must
 * do, tested through the port only, so SQLite and PostgreSQL run it unchanged. It checks behaviour,
 * never internals: for retrieval, which documents are found, not their scores.
 */

export interface StoreBackend {
  /** A new store instance on the database under test (each call: another instance on the same data). */
  open(): Promise<Store>;
  /**
   * A store on the same database that shares nothing in memory with the others (its own connection),
   * so it sees only what is committed, as another process would. Used for reads only.
   */
  openIndependent(): Promise<Store>;
  /** Closes whatever the backend opened and deletes the database. */
  destroy(): Promise<void>;
}

/** Makes an empty database for one test. */
export type StoreBackendFactory = () => Promise<StoreBackend>;

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-20T12:00:00Z');
const at = (days: number): string => new Date(T0 + days * DAY).toISOString();
const windowOf = (published: string, days = 3) => ({
  from: new Date(Date.parse(published) - days * DAY).toISOString(),
  to: new Date(Date.parse(published) + days * DAY).toISOString(),
});

function article(id: string, over: Partial<NewArticle> = {}): NewArticle {
  const published = over.published ?? at(0);
  return {
    id,
    url: `https://example.test/${id}`,
    source: 'Wire',
    title: `Title ${id}`,
    titleDerived: false,
    published,
    ingestedAt: published,
    body: `Body of ${id}.`,
    contentHash: `hash-${id}`,
    tradeRelevance: 0.5,
    fingerprint: `fp-${id}`,
    bandKeys: [`k-${id}`],
    passages: [`Body of ${id}.`],
    ...over,
  };
}

const NEW: StoryDecision = { join: null };

/** Adds an article as its own new story (reading a fresh snapshot first). */
async function addNew(store: Store, a: NewArticle): Promise<string> {
  const w = windowOf(a.published);
  const snap = await store.storyCandidates(a, w);
  const r = await store.addArticle(a, { window: w, token: snap.token, decision: NEW });
  if (r.status === 'stale') throw new Error(`unexpected stale write for ${a.id}`);
  return r.storyId;
}

async function addJoining(store: Store, a: NewArticle, storyId: string, materialChange = false) {
  const w = windowOf(a.published);
  const snap = await store.storyCandidates(a, w);
  return store.addArticle(a, {
    window: w,
    token: snap.token,
    decision: { join: storyId, materialChange, score: 0.9 },
  });
}

const SUMMARY: Summary = {
  headline: 'Mexico raises steel tariffs',
  summary: 'Mexico raised tariffs on steel imports.',
  keyPoints: ['25% on steel'],
  entities: { countries: ['MX'], people: [], organisations: [] },
  instruments: ['tariff'],
  sourceSentences: ['Mexico raised tariffs on steel imports.'],
};

const summaryOf = (storyId: string, version: number): Omit<StoredSummary, 'createdAt'> => ({
  ...SUMMARY,
  storyId,
  version,
  summarisedBy: 'offline',
  promptVersion: 'p1',
});

const watch = (id: string, channel: string, query = 'steel'): Watch => ({
  id,
  channel,
  query,
  createdAt: at(0),
  createdBy: 'U1',
});

const schedule = (channel: string, time = '08:00'): Schedule => ({
  channel,
  time,
  timezone: 'Europe/London',
  weekdays: [1, 2, 3, 4, 5],
  minRelevance: 0.2,
  query: null,
  maxStories: 10,
  postEmpty: false,
});

const thread = (threadId: string, question: string): ThreadState => ({
  threadId,
  channel: 'console:t',
  storyIds: ['s1'],
  turns: [{ question, answer: 'a', storyIds: ['s1'], at: at(0) }],
  updatedAt: at(0),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describeStoreConformance(name: string, factory: StoreBackendFactory): void {
  describe(`store conformance: ${name}`, () => {
    let backend: StoreBackend;
    let store: Store;
    beforeEach(async () => {
      backend = await factory();
      store = await backend.open();
    });
    afterEach(async () => {
      await backend.destroy();
    });

    describe('articles and stories', () => {
      it('starts empty', async () => {
        expect(await store.articleCount()).toBe(0);
        expect(await store.storyCount()).toBe(0);
        expect(await store.maxStorySeq()).toBe(0);
        expect(await store.getStory('nope')).toBeNull();
        expect(await store.storyView('nope')).toBeNull();
        expect(await store.storyArticles('nope')).toEqual([]);
        expect(await store.listSources()).toEqual([]);
        const snap = await store.storyCandidates(article('a'), windowOf(at(0)));
        expect(snap.existing).toBeNull();
        expect(snap.candidates).toEqual([]);
      });

      it('stores a new story with its article, and a second add of the same id is a duplicate', async () => {
        const a = article('a1', { title: 'Steel tariffs', published: at(0), tradeRelevance: 0.7 });
        const w = windowOf(a.published);
        const snap = await store.storyCandidates(a, w);
        const r = await store.addArticle(a, { window: w, token: snap.token, decision: NEW });
        expect(r).toEqual({ articleId: 'a1', storyId: expect.any(String), status: 'new', summaryDue: true });
        if (r.status === 'stale') throw new Error('stale');
        const story = await store.getStory(r.storyId);
        expect(story).toMatchObject({
          id: r.storyId,
          firstPublished: a.published,
          lastPublished: a.published,
          articleCount: 1,
          sourceCount: 1,
          tradeRelevance: 0.7,
          summaryVersion: 0,
          wantedSummaryVersion: 1,
        });
        expect(await store.storyArticles(r.storyId)).toEqual([
          {
            id: 'a1',
            title: 'Steel tariffs',
            titleDerived: false,
            body: a.body,
            source: 'Wire',
            url: a.url,
            published: a.published,
            contentHash: a.contentHash,
          },
        ]);
        expect(await store.articleCount()).toBe(1);
        expect(await store.storyCount()).toBe(1);
        expect(await store.maxStorySeq()).toBe(1);

        const again = await store.addArticle(a, { window: w, token: snap.token, decision: NEW });
        expect(again).toEqual({
          articleId: 'a1',
          storyId: r.storyId,
          status: 'duplicate',
          summaryDue: false,
        });
        expect(await store.storyCandidates(a, w)).toMatchObject({ existing: { storyId: r.storyId } });
        expect(await store.articleCount()).toBe(1);
      });

      it('joins an article to a story: counts, dates, sources, relevance and the wanted summary version', async () => {
        const s = await addNew(store, article('a1', { published: at(0), tradeRelevance: 0.3 }));
        const copy = await addJoining(
          store,
          article('a2', { published: at(1), source: 'Other', tradeRelevance: 0.9 }),
          s,
        );
        expect(copy).toEqual({ articleId: 'a2', storyId: s, status: 'joined-story', summaryDue: false });
        expect(await store.getStory(s)).toMatchObject({
          articleCount: 2,
          sourceCount: 2,
          firstPublished: at(0),
          lastPublished: at(1),
          tradeRelevance: 0.9,
          wantedSummaryVersion: 1,
        });
        const update = await addJoining(store, article('a3', { published: at(-1) }), s, true);
        expect(update).toMatchObject({ status: 'joined-story', summaryDue: true });
        expect(await store.getStory(s)).toMatchObject({
          articleCount: 3,
          sourceCount: 2,
          firstPublished: at(-1),
          wantedSummaryVersion: 2,
        });
        expect(await store.storyCount()).toBe(1);
        const view = await store.storyView(s);
        // Sources in publication order.
        expect(view?.sources.map((x) => x.articleId)).toEqual(['a3', 'a1', 'a2']);
        expect(view?.sources[2]).toEqual({
          articleId: 'a2',
          source: 'Other',
          url: 'https://example.test/a2',
          title: 'Title a2',
          published: at(1),
        });
        expect(view?.summary).toBeNull();
        expect(new Set(await store.storyFingerprints(s))).toEqual(new Set(['fp-a1', 'fp-a2', 'fp-a3']));
      });

      it('finds candidates that share a lookup key within the window, and only those', async () => {
        const s = await addNew(store, article('a1', { bandKeys: ['x', 'y'], published: at(0) }));
        await addNew(store, article('far', { bandKeys: ['x'], published: at(10) }));
        await addNew(store, article('other', { bandKeys: ['z'], published: at(0) }));
        const snap = await store.storyCandidates({ id: 'new', bandKeys: ['y', 'x', 'q'] }, windowOf(at(1)));
        expect(snap.existing).toBeNull();
        expect(snap.candidates).toEqual([
          { articleId: 'a1', storyId: s, published: at(0), fingerprint: 'fp-a1' },
        ]);
        expect((await store.storyCandidates({ id: 'n', bandKeys: [] }, windowOf(at(0)))).candidates).toEqual(
          [],
        );
      });

      it('finds candidates for a backfill months before the newest stored article, stored before or after it', async () => {
        const old = await addNew(store, article('old', { bandKeys: ['x'], published: at(-200) }));
        await addNew(store, article('new', { bandKeys: ['x'], published: at(0) }));
        const near = await addNew(store, article('older', { bandKeys: ['y'], published: at(-201) }));
        const snap = await store.storyCandidates({ id: 'q', bandKeys: ['x', 'y'] }, windowOf(at(-200.5)));
        expect(new Set(snap.candidates.map((c) => c.storyId))).toEqual(new Set([old, near]));
        // Another instance (another process) sees the same window, including what this one just stored.
        const other = await backend.openIndependent();
        const seen = await other.storyCandidates({ id: 'q', bandKeys: ['y'] }, windowOf(at(-202)));
        expect(seen.candidates.map((c) => c.articleId)).toEqual(['older']);
      });

      it('refuses a new-story decision outdated by a candidate stored since the snapshot, and writes nothing', async () => {
        const other = await backend.open();
        const a = article('a', { bandKeys: ['shared', 'a-only'] });
        const b = article('b', { bandKeys: ['shared', 'b-only'] });
        const w = windowOf(a.published);
        const snapA = await store.storyCandidates(a, w);
        const bStory = await addNew(other, b);
        expect(await store.addArticle(a, { window: w, token: snapA.token, decision: NEW })).toEqual({
          status: 'stale',
        });
        expect(await store.articleCount()).toBe(1);
        // An article that shares no key is not a conflict.
        const c = article('c', { bandKeys: ['c-only'] });
        expect(await store.addArticle(c, { window: w, token: snapA.token, decision: NEW })).toMatchObject({
          status: 'new',
        });
        // Read again: the candidate is there, and joining it is accepted.
        const again = await store.storyCandidates(a, w);
        expect(again.candidates.map((x) => x.articleId)).toEqual(['b']);
        expect(
          await store.addArticle(a, {
            window: w,
            token: again.token,
            decision: { join: bStory, materialChange: false, score: 1 },
          }),
        ).toMatchObject({ status: 'joined-story', storyId: bStory });
      });

      it('does not refuse a join made from an older snapshot', async () => {
        const s = await addNew(store, article('a', { bandKeys: ['k'] }));
        const b = article('b', { bandKeys: ['k'] });
        const w = windowOf(b.published);
        const snap = await store.storyCandidates(b, w);
        await addJoining(store, article('c', { bandKeys: ['k'] }), s);
        const r = await store.addArticle(b, {
          window: w,
          token: snap.token,
          decision: { join: s, materialChange: false, score: 1 },
        });
        expect(r).toMatchObject({ status: 'joined-story', storyId: s });
      });

      it('two writers racing new stories for articles that share a key: one story, the other is told to retry', async () => {
        const other = await backend.open();
        const a = article('a', { bandKeys: ['shared'] });
        const b = article('b', { bandKeys: ['shared'] });
        const w = windowOf(a.published);
        const [snapA, snapB] = await Promise.all([store.storyCandidates(a, w), other.storyCandidates(b, w)]);
        const results = await Promise.all([
          store.addArticle(a, { window: w, token: snapA.token, decision: NEW }),
          other.addArticle(b, { window: w, token: snapB.token, decision: NEW }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(['new', 'stale']);
        expect(await store.storyCount()).toBe(1);
      });

      it('copies of one event ingested concurrently through two store instances make one story', async () => {
        const other = await backend.open();
        const inputs = [0, 1, 2].flatMap((event) => [0, 1, 2, 3].map((copy) => eventCopy(event, copy)));
        const results = await Promise.all(
          inputs.map((input, i) =>
            ingestArticle(i % 2 === 0 ? store : other, input, { now: new Date(at(5)) }),
          ),
        );
        const storyByEvent = new Map<string, Set<string>>();
        results.forEach((r, i) => {
          const event = inputs[i]!.url!.split('/').pop()!;
          const set = storyByEvent.get(event) ?? new Set();
          set.add(r.storyId);
          storyByEvent.set(event, set);
        });
        expect([...storyByEvent.values()].map((s) => s.size)).toEqual([1, 1, 1]);
        expect(await store.storyCount()).toBe(3);
        expect(await store.articleCount()).toBe(12);
        expect(results.filter((r) => r.status === 'new')).toHaveLength(3);
      });

      it('lists stories by publication window and by arrival', async () => {
        const s1 = await addNew(store, article('a1', { published: at(0) }));
        const s2 = await addNew(store, article('a2', { published: at(2) }));
        const s3 = await addNew(store, article('a3', { published: at(1) }));
        const between = await store.storiesPublishedBetween(at(0), at(2));
        // [since, until), most recently published first.
        expect(between.map((v) => v.story.id)).toEqual([s3, s1]);
        expect(between[0]?.sources.map((x) => x.articleId)).toEqual(['a3']);

        const all = await store.storiesArrivedAfter(0);
        expect(all.stories.map((v) => v.story.id)).toEqual([s1, s2, s3]);
        expect(all.maxSeq).toBe(await store.maxStorySeq());
        const firstSeq = (await store.storiesArrivedAfter(0, { limit: 1 })).maxSeq;
        const rest = await store.storiesArrivedAfter(firstSeq);
        expect(rest.stories.map((v) => v.story.id)).toEqual([s2, s3]);
        expect(await store.storiesArrivedAfter(all.maxSeq)).toEqual({ stories: [], maxSeq: all.maxSeq });
        const future = await store.storiesArrivedAfter(0, { createdSince: '9999-01-01T00:00:00Z' });
        expect(future).toEqual({ stories: [], maxSeq: 0 });
      });

      it('lists sources with their article counts and newest publication date', async () => {
        await addNew(store, article('a1', { source: 'Wire', published: at(0) }));
        await addNew(store, article('a2', { source: 'Wire', published: at(3) }));
        await addNew(store, article('a3', { source: 'Gazette', published: at(1) }));
        expect(await store.listSources()).toEqual([
          { source: 'Wire', articles: 2, lastPublished: at(3) },
          { source: 'Gazette', articles: 1, lastPublished: at(1) },
        ]);
      });
    });

    describe('retrieval', () => {
      const t = (...forms: string[]) => ({ forms });
      let stories: Record<string, string>;
      beforeEach(async () => {
        stories = {};
        const docs: Array<[string, Partial<NewArticle>]> = [
          [
            'mx',
            {
              title: 'Mexico raises steel tariffs',
              source: 'Wire',
              published: at(0),
              passages: ['Mexico raised tariffs on steel imports to 25 percent.', 'Officials cited a surge.'],
            },
          ],
          [
            'eu',
            {
              title: 'EU extends safeguard',
              source: 'Gazette',
              published: at(1),
              passages: ['The EU extended its steel safeguard quota for two years.'],
            },
          ],
          [
            'cn',
            {
              title: 'China buys soybeans',
              source: 'Wire',
              published: at(2),
              passages: ['China bought soybeans from Brazil; Liu He spoke to reporters.'],
            },
          ],
          [
            'jp',
            {
              title: 'Japan chip controls',
              source: 'Courier',
              published: at(3),
              passages: ['Japan tightened export controls on chip equipment; he and Liu met later.'],
            },
          ],
        ];
        for (const [id, over] of docs) stories[id] = await addNew(store, article(id, over));
      });
      const ids = (ps: Array<{ articleId: string }>) => ps.map((p) => p.articleId).sort();

      it('finds passages containing any form of a term, with stemming, and returns their fields', async () => {
        const hits = await store.searchPassages({ terms: [t('tariff')], minMatch: 1, limit: 10 });
        const byText = [...hits].sort((a, b) => a.text.localeCompare(b.text));
        expect(byText).toEqual([
          {
            articleId: 'mx',
            storyId: stories.mx,
            source: 'Wire',
            url: 'https://example.test/mx',
            title: 'Mexico raises steel tariffs',
            published: at(0),
            text: 'Mexico raised tariffs on steel imports to 25 percent.',
            score: expect.any(Number),
          },
          // The title counts as part of every passage of its article.
          expect.objectContaining({ articleId: 'mx', text: 'Officials cited a surge.' }),
        ]);
        expect(
          ids(await store.searchPassages({ terms: [t('beijing', 'china')], minMatch: 1, limit: 10 })),
        ).toEqual(['cn']);
      });

      it('requires minMatch of the terms: all, some, or any', async () => {
        const terms = [t('steel'), t('safeguard'), t('quota')];
        expect(ids(await store.searchPassages({ terms, minMatch: 3, limit: 10 }))).toEqual(['eu']);
        expect(ids(await store.searchPassages({ terms, minMatch: 1, limit: 10 }))).toEqual([
          'eu',
          'mx',
          'mx',
        ]);
        const two = [t('steel'), t('soybeans'), t('brazil')];
        expect(ids(await store.searchPassages({ terms: two, minMatch: 2, limit: 10 }))).toEqual(['cn']);
      });

      it('ranks a passage with more of the terms first', async () => {
        const hits = await store.searchPassages({ terms: [t('steel'), t('quota')], minMatch: 1, limit: 10 });
        expect(hits[0]?.articleId).toBe('eu');
      });

      it('weighs title hits by titleWeight', async () => {
        await addNew(
          store,
          article('inTitle', { title: 'Lumber review', passages: ['Ministers met on Monday.'] }),
        );
        await addNew(
          store,
          article('inText', {
            title: 'Ministers met',
            passages: ['The lumber review was discussed on Monday.'],
          }),
        );
        const q = { terms: [t('lumber')], minMatch: 1, limit: 10 };
        const order = async (titleWeight: number) =>
          (await store.searchPassages({ ...q, titleWeight })).map((p) => p.articleId);
        expect(await order(20)).toEqual(['inTitle', 'inText']);
        expect(await order(0.01)).toEqual(['inText', 'inTitle']);
      });

      it('searches a multi-word form as a phrase', async () => {
        expect(ids(await store.searchPassages({ terms: [t('liu he')], minMatch: 1, limit: 10 }))).toEqual([
          'cn',
        ]);
      });

      it('requires one of requireAny beside the terms', async () => {
        const q = { terms: [t('steel')], minMatch: 1, limit: 10 };
        expect(ids(await store.searchPassages({ ...q, requireAny: [t('eu'), t('quota')] }))).toEqual(['eu']);
        expect(ids(await store.searchPassages({ ...q, requireAny: [] }))).toEqual(['eu', 'mx', 'mx']);
      });

      it('filters by date, source (case-insensitive) and story, and keeps to the limit', async () => {
        const q = { terms: [t('steel'), t('soybeans'), t('chip')], minMatch: 1, limit: 10 };
        expect(ids(await store.searchPassages({ ...q, since: at(1), until: at(3) }))).toEqual(['cn', 'eu']);
        expect(ids(await store.searchPassages({ ...q, source: 'wire' }))).toEqual(['cn', 'mx', 'mx']);
        expect(ids(await store.searchPassages({ ...q, storyIds: [stories.jp!, stories.eu!] }))).toEqual([
          'eu',
          'jp',
        ]);
        expect(await store.searchPassages({ ...q, storyIds: [] })).toEqual([]);
        expect(await store.searchPassages({ ...q, limit: 2 })).toHaveLength(2);
      });

      it('finds nothing for unsearchable terms, and treats query syntax in forms as plain words', async () => {
        expect(await store.searchPassages({ terms: [], minMatch: 1, limit: 10 })).toEqual([]);
        expect(await store.searchPassages({ terms: [t('', '***')], minMatch: 1, limit: 10 })).toEqual([]);
        const hostile = [t('steel" OR title:*'), t('NEAR(a b)'), t("'; DROP TABLE passages; --"), t('-x ^y')];
        await expect(
          store.searchPassages({ terms: hostile, minMatch: 1, limit: 10 }),
        ).resolves.toBeInstanceOf(Array);
        expect(
          ids(await store.searchPassages({ terms: [t('soybeans AND NOT china')], minMatch: 1, limit: 10 })),
        ).toEqual([]);
        expect(await store.articleCount()).toBe(4);
      });
    });

    describe('summaries', () => {
      let s: string;
      beforeEach(async () => {
        s = await addNew(store, article('a1'));
      });

      it('claims a due summary once until the lease runs out', async () => {
        expect(await store.claimSummary(s, 60_000)).toEqual({ claimed: true });
        const held = await store.claimSummary(s, 60_000);
        expect(held.claimed).toBe(false);
        if (!held.claimed) expect(held.retryInMs).toBeGreaterThan(50_000);
        const brief = await addNew(store, article('a2'));
        expect(await store.claimSummary(brief, 20)).toEqual({ claimed: true });
        await sleep(40);
        expect(await store.claimSummary(brief, 20)).toEqual({ claimed: true });
      });

      it('two instances claiming at once: one wins', async () => {
        const other = await backend.open();
        const results = await Promise.all([store.claimSummary(s, 60_000), other.claimSummary(s, 60_000)]);
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
      });

      it('saves a wanted version once, releases the claim, and refuses older or unknown stories', async () => {
        expect(await store.claimSummary(s, 60_000)).toEqual({ claimed: true });
        expect(await store.saveSummary(summaryOf(s, 1))).toBe(true);
        expect(await store.getStory(s)).toMatchObject({ summaryVersion: 1, wantedSummaryVersion: 1 });
        const view = await store.storyView(s);
        expect(view?.summary).toMatchObject({ ...SUMMARY, storyId: s, version: 1, summarisedBy: 'offline' });
        expect(view?.summary?.createdAt).toEqual(expect.any(String));
        expect(await store.saveSummary(summaryOf(s, 1))).toBe(false);
        // Nothing is due any more: no claim.
        expect((await store.claimSummary(s, 60_000)).claimed).toBe(false);
        // A material change wants version 2; the claim is free again.
        await addJoining(store, article('a2'), s, true);
        expect(await store.claimSummary(s, 60_000)).toEqual({ claimed: true });
        expect(await store.saveSummary(summaryOf(s, 2))).toBe(true);
        expect(await store.saveSummary(summaryOf(s, 1))).toBe(false);
        expect((await store.storyView(s))?.summary?.version).toBe(2);
        await expect(store.saveSummary(summaryOf('nope', 1))).rejects.toMatchObject({
          code: 'store/not-found',
        });
      });

      it('asks once for a new summary of a story summarised under a given prompt version', async () => {
        await store.saveSummary({ ...summaryOf(s, 1), promptVersion: 'fallback' });
        // Another prompt version, or an unknown story: nothing changes.
        expect(await store.requestResummary(s, 'p1')).toBeNull();
        expect(await store.requestResummary('nope', 'fallback')).toBeNull();
        expect(await store.requestResummary(s, 'fallback')).toBe(2);
        // Version 2 is wanted and not yet written: asking again asks for nothing more.
        expect(await store.requestResummary(s, 'fallback')).toBeNull();
        expect(await store.getStory(s)).toMatchObject({ summaryVersion: 1, wantedSummaryVersion: 2 });
        expect(await store.claimSummary(s, 60_000)).toEqual({ claimed: true });
        expect(await store.saveSummary(summaryOf(s, 2))).toBe(true);
        expect(await store.requestResummary(s, 'fallback')).toBeNull();
      });

      it('caches summaries by key', async () => {
        expect(await store.cachedSummary('k1')).toBeNull();
        const v = { summary: SUMMARY, summarisedBy: 'llm:m', promptVersion: 'p1' };
        await store.cacheSummary('k1', v);
        expect(await store.cachedSummary('k1')).toEqual(v);
        const v2 = { ...v, summarisedBy: 'llm:m2' };
        await store.cacheSummary('k1', v2);
        expect(await store.cachedSummary('k1')).toEqual(v2);
      });
    });

    describe('delivery ledger and digest cursors', () => {
      const claim = (id: string, over: { channel?: string; leaseMs?: number } = {}) => ({
        id,
        channel: over.channel ?? 'console:a',
        kind: 'digest' as const,
        storyIds: ['s1', 's2'],
        leaseMs: over.leaseMs ?? 60_000,
      });

      it('claims a new delivery, then reports busy while the lease holds, and claims again when it expires', async () => {
        const first = await store.claimDelivery(claim('d1', { leaseMs: 30 }));
        expect(first).toMatchObject({
          outcome: 'claimed',
          retryInMs: 0,
          delivery: {
            id: 'd1',
            channel: 'console:a',
            kind: 'digest',
            status: 'pending',
            storyIds: ['s1', 's2'],
            watchId: null,
            reason: null,
            messageRef: null,
            messageRefs: [],
            attempts: 1,
          },
        });
        const busy = await store.claimDelivery(claim('d1'));
        expect(busy.outcome).toBe('busy');
        expect(busy.retryInMs).toBeGreaterThan(0);
        await sleep(50);
        const retry = await store.claimDelivery(claim('d1'));
        expect(retry).toMatchObject({ outcome: 'claimed', delivery: { attempts: 2 } });
        const alert = await store.claimDelivery({ ...claim('d2'), kind: 'alert', watchId: 'w1' });
        expect(alert.delivery).toMatchObject({ kind: 'alert', watchId: 'w1' });
      });

      it('two instances claiming at once: one claims, the other is busy', async () => {
        const other = await backend.open();
        const results = await Promise.all([
          store.claimDelivery(claim('d1')),
          other.claimDelivery(claim('d1')),
        ]);
        expect(results.map((r) => r.outcome).sort()).toEqual(['busy', 'claimed']);
      });

      it('settles a delivery with every message it became; a settled delivery is never claimed again', async () => {
        await store.claimDelivery(claim('d1'));
        await store.settleDelivery('d1', 'delivered', { messageRef: 'm1', messageRefs: ['m1', 'm2'] });
        expect(await store.getDelivery('d1')).toMatchObject({
          status: 'delivered',
          messageRef: 'm1',
          messageRefs: ['m1', 'm2'],
          reason: null,
        });
        expect(await store.claimDelivery(claim('d1'))).toMatchObject({ outcome: 'settled' });
        await store.claimDelivery(claim('d2'));
        await store.settleDelivery('d2', 'delivered', { messageRefs: ['only'] });
        expect(await store.getDelivery('d2')).toMatchObject({ messageRef: 'only', messageRefs: ['only'] });
        await store.claimDelivery(claim('d3'));
        await store.settleDelivery('d3', 'filtered-out', { reason: 'no stories' });
        expect(await store.claimDelivery(claim('d3'))).toMatchObject({
          outcome: 'settled',
          delivery: { status: 'filtered-out', reason: 'no stories' },
        });
      });

      it('a failed delivery releases its lease and keeps its reason', async () => {
        await store.claimDelivery(claim('d1'));
        await store.settleDelivery('d1', 'failed', { reason: 'HTTP 500' });
        expect(await store.getDelivery('d1')).toMatchObject({ status: 'failed', reason: 'HTTP 500' });
        expect(await store.claimDelivery(claim('d1'))).toMatchObject({
          outcome: 'claimed',
          delivery: { attempts: 2 },
        });
      });

      it('rejects settling a delivery that was never claimed', async () => {
        await expect(store.settleDelivery('nope', 'delivered', { messageRef: 'm' })).rejects.toMatchObject({
          code: 'store/not-found',
        });
        expect(await store.getDelivery('nope')).toBeNull();
      });

      it('moves the digest cursor with a delivered digest, in the same write, and only then', async () => {
        expect(await store.getDigestCursor('console:a')).toBeNull();
        await store.claimDelivery(claim('d1'));
        const cursor = { channel: 'console:a', seq: 5, periodKey: '2026-11-20' };
        await store.settleDelivery('d1', 'failed', { reason: 'x', digestCursor: cursor });
        expect(await store.getDigestCursor('console:a')).toBeNull();
        await store.claimDelivery(claim('d1'));
        await store.settleDelivery('d1', 'delivered', { messageRef: 'm', digestCursor: cursor });
        expect(await store.getDigestCursor('console:a')).toMatchObject({
          channel: 'console:a',
          lastSeq: 5,
          lastPeriodKey: '2026-11-20',
          updatedAt: expect.any(String),
        });
      });

      it('advances a digest cursor forward only', async () => {
        await store.advanceDigestCursor('console:a', 5, 'p1');
        await store.advanceDigestCursor('console:a', 3, 'p0');
        expect(await store.getDigestCursor('console:a')).toMatchObject({ lastSeq: 5, lastPeriodKey: 'p1' });
        await store.advanceDigestCursor('console:a', 9, 'p2');
        expect(await store.getDigestCursor('console:a')).toMatchObject({ lastSeq: 9, lastPeriodKey: 'p2' });
        expect(await store.getDigestCursor('console:b')).toBeNull();
      });

      it('lists deliveries, most recent first, by channel and with a limit', async () => {
        await store.claimDelivery(claim('d1'));
        await sleep(5);
        await store.claimDelivery(claim('d2', { channel: 'console:b' }));
        await sleep(5);
        await store.claimDelivery(claim('d3'));
        expect((await store.listDeliveries()).map((d) => d.id)).toEqual(['d3', 'd2', 'd1']);
        expect((await store.listDeliveries({ channel: 'console:a' })).map((d) => d.id)).toEqual(['d3', 'd1']);
        expect((await store.listDeliveries({ limit: 1 })).map((d) => d.id)).toEqual(['d3']);
        expect(await store.getDelivery('d9')).toBeNull();
      });
    });

    describe('unfinished work', () => {
      const pending = (id: string, request: unknown = { deliveryId: id, n: 1 }) => ({
        claim: { id, channel: 'console:a', kind: 'alert' as const, storyIds: ['s1'], watchId: 'w1' },
        request,
      });

      it('names stories that want a summary, then summaries not matched against the watches, oldest first', async () => {
        expect(await store.unfinishedCounts()).toEqual({ unsummarised: 0, unalerted: 0, unsettled: 0 });
        const s1 = await addNew(store, article('a1'));
        const s2 = await addNew(store, article('a2', { bandKeys: ['k-other'] }));
        expect(await store.unsummarisedStories(10)).toEqual([
          { storyId: s1, version: 1 },
          { storyId: s2, version: 1 },
        ]);
        expect(await store.unsummarisedStories(1)).toEqual([{ storyId: s1, version: 1 }]);
        expect(await store.unalertedStories(10)).toEqual([]);
        await store.saveSummary(summaryOf(s1, 1));
        expect(await store.unfinishedCounts()).toEqual({ unsummarised: 1, unalerted: 1, unsettled: 0 });
        expect(await store.unalertedStories(10)).toEqual([{ storyId: s1, version: 1 }]);
        await store.markStoryMatched(s1, 1);
        expect(await store.unalertedStories(10)).toEqual([]);
        // A material change wants version 2: unsummarised again, and once summarised, unmatched again.
        await addJoining(store, article('a3'), s1, true);
        expect((await store.unsummarisedStories(10)).map((x) => x.storyId)).toContain(s1);
        expect(await store.unalertedStories(10)).toEqual([]);
        await store.saveSummary(summaryOf(s1, 2));
        expect(await store.unalertedStories(10)).toEqual([{ storyId: s1, version: 2 }]);
        // Forward only: marking an older version changes nothing.
        await store.markStoryMatched(s1, 1);
        expect(await store.unalertedStories(10)).toEqual([{ storyId: s1, version: 2 }]);
        await store.markStoryMatched(s1, 2);
        expect(await store.unfinishedCounts()).toEqual({ unsummarised: 1, unalerted: 0, unsettled: 0 });
      });

      it('records deliveries before they are enqueued, with their payload, until they settle', async () => {
        await store.recordPendingDeliveries([
          pending('d1'),
          pending('d2', { deliveryId: 'd2', nested: [1, 'x'] }),
        ]);
        expect(await store.getDelivery('d1')).toMatchObject({
          status: 'pending',
          attempts: 0,
          watchId: 'w1',
        });
        const listed = await store.unsettledDeliveries(10);
        expect(listed.map((d) => d.id).sort()).toEqual(['d1', 'd2']);
        expect(listed.find((d) => d.id === 'd2')).toMatchObject({
          channel: 'console:a',
          kind: 'alert',
          status: 'pending',
          attempts: 0,
          request: { deliveryId: 'd2', nested: [1, 'x'] },
        });
        expect(await store.unsettledDeliveries(1)).toHaveLength(1);
        // Claimed (perhaps posted) but not settled: still unsettled, with the attempt counted.
        expect((await store.claimDelivery({ ...pending('d1').claim, leaseMs: 60_000 })).outcome).toBe(
          'claimed',
        );
        expect((await store.unsettledDeliveries(10)).find((d) => d.id === 'd1')?.attempts).toBe(1);
        // Recording again keeps the status and attempts; a rate-limited one is still unsettled.
        await store.recordPendingDeliveries([pending('d1', { deliveryId: 'd1', n: 2 })]);
        const d1 = (await store.unsettledDeliveries(10)).find((d) => d.id === 'd1');
        expect(d1).toMatchObject({ attempts: 1, request: { deliveryId: 'd1', n: 1 } });
        await store.settleDelivery('d1', 'rate-limited', { reason: '429' });
        expect((await store.unsettledDeliveries(10)).find((d) => d.id === 'd1')?.status).toBe('rate-limited');
        await store.settleDelivery('d1', 'delivered', { messageRef: 'm1' });
        await store.recordPendingDeliveries([pending('d1')]);
        expect(await store.getDelivery('d1')).toMatchObject({ status: 'delivered', messageRef: 'm1' });
        expect((await store.unsettledDeliveries(10)).map((d) => d.id)).toEqual(['d2']);
        expect(await store.unfinishedCounts()).toEqual({ unsummarised: 0, unalerted: 0, unsettled: 1 });
        // A delivery claimed before the outbox existed has no payload: listed, with request null.
        await store.claimDelivery({ ...pending('d3').claim, leaseMs: 60_000 });
        expect((await store.unsettledDeliveries(10)).find((d) => d.id === 'd3')?.request).toBeNull();
      });

      it('what it records is committed for an independent connection', async () => {
        const s1 = await addNew(store, article('a1'));
        await store.saveSummary(summaryOf(s1, 1));
        await store.markStoryMatched(s1, 1);
        await store.recordPendingDeliveries([pending('d1')]);
        const other = await backend.openIndependent();
        expect(await other.unfinishedCounts()).toEqual({ unsummarised: 0, unalerted: 0, unsettled: 1 });
        expect((await other.unsettledDeliveries(10))[0]?.request).toEqual({ deliveryId: 'd1', n: 1 });
      });
    });

    describe('watches, schedules and threads', () => {
      it('adds, lists and removes watches, and keeps to the per-channel limit', async () => {
        expect(await store.addWatch(watch('w1', 'console:a'), 2)).toEqual(watch('w1', 'console:a'));
        await store.addWatch(watch('w2', 'console:b', 'tariff'), 2);
        await store.addWatch(watch('w3', 'console:a', 'quota'), 2);
        await expect(store.addWatch(watch('w4', 'console:a'), 2)).rejects.toMatchObject({
          code: 'watch/limit',
        });
        expect((await store.listWatches('console:a')).map((w) => w.id)).toEqual(['w1', 'w3']);
        expect((await store.listWatches()).map((w) => w.id)).toEqual(['w1', 'w3', 'w2']);
        expect(await store.removeWatch('w1')).toBe(true);
        expect(await store.removeWatch('w1')).toBe(false);
        expect((await store.listWatches()).map((w) => w.id)).toEqual(['w3', 'w2']);
      });

      it('sets, replaces, lists and removes schedules, one per channel', async () => {
        expect(await store.getSchedule('console:a')).toBeNull();
        await store.setSchedule(schedule('console:b'));
        await store.setSchedule(schedule('console:a'));
        await store.setSchedule(schedule('console:a', '09:30'));
        expect(await store.getSchedule('console:a')).toEqual(schedule('console:a', '09:30'));
        expect((await store.listSchedules()).map((s) => s.channel)).toEqual(['console:a', 'console:b']);
        expect(await store.removeSchedule('console:a')).toBe(true);
        expect(await store.removeSchedule('console:a')).toBe(false);
        expect(await store.listSchedules()).toEqual([schedule('console:b')]);
      });

      it('saves and replaces thread state', async () => {
        expect(await store.getThread('t1')).toBeNull();
        await store.saveThread(thread('t1', 'first?'));
        expect(await store.getThread('t1')).toEqual(thread('t1', 'first?'));
        await store.saveThread(thread('t1', 'second?'));
        expect(await store.getThread('t1')).toEqual(thread('t1', 'second?'));
      });
    });

    describe('durability: a write whose promise resolved is committed', () => {
      it('every kind of write is visible at once to an independent connection', async () => {
        const s = await addNew(store, article('a1', { passages: ['Durable steel passage.'] }));
        const reader = await backend.openIndependent();
        expect(await reader.getStory(s)).toMatchObject({ articleCount: 1 });
        expect(
          await reader.searchPassages({ terms: [{ forms: ['durable'] }], minMatch: 1, limit: 5 }),
        ).toHaveLength(1);

        await addJoining(store, article('a2'), s, true);
        expect(await reader.getStory(s)).toMatchObject({ articleCount: 2, wantedSummaryVersion: 2 });
        await store.saveSummary(summaryOf(s, 2));
        expect((await reader.storyView(s))?.summary?.version).toBe(2);
        await store.cacheSummary('k', { summary: SUMMARY, summarisedBy: 'offline', promptVersion: 'p' });
        expect(await reader.cachedSummary('k')).not.toBeNull();

        await store.claimDelivery({
          id: 'd1',
          channel: 'console:a',
          kind: 'digest',
          storyIds: [s],
          leaseMs: 60_000,
        });
        expect(await reader.getDelivery('d1')).toMatchObject({ status: 'pending', attempts: 1 });
        await store.settleDelivery('d1', 'delivered', {
          messageRef: 'm1',
          messageRefs: ['m1'],
          digestCursor: { channel: 'console:a', seq: 1, periodKey: 'p' },
        });
        expect(await reader.getDelivery('d1')).toMatchObject({ status: 'delivered', messageRefs: ['m1'] });
        expect(await reader.getDigestCursor('console:a')).toMatchObject({ lastSeq: 1 });
        await store.advanceDigestCursor('console:a', 2, 'q');
        expect(await reader.getDigestCursor('console:a')).toMatchObject({ lastSeq: 2 });

        await store.addWatch(watch('w1', 'console:a'), 10);
        expect(await reader.listWatches('console:a')).toHaveLength(1);
        await store.removeWatch('w1');
        expect(await reader.listWatches('console:a')).toHaveLength(0);
        await store.setSchedule(schedule('console:a'));
        expect(await reader.getSchedule('console:a')).not.toBeNull();
        await store.removeSchedule('console:a');
        expect(await reader.getSchedule('console:a')).toBeNull();
        await store.saveThread(thread('t1', 'q?'));
        expect(await reader.getThread('t1')).not.toBeNull();
      });

      it('a write that fails rejects and leaves nothing behind', async () => {
        await store.addWatch(watch('w1', 'console:a'), 1);
        await expect(store.addWatch(watch('w2', 'console:a'), 1)).rejects.toMatchObject({
          code: 'watch/limit',
        });
        const reader = await backend.openIndependent();
        expect((await reader.listWatches()).map((w) => w.id)).toEqual(['w1']);
      });

      it('survives closing and reopening', async () => {
        const s = await addNew(store, article('a1'));
        await store.close();
        await store.close();
        const again = await backend.open();
        expect(await again.getStory(s)).not.toBeNull();
      });
    });
  });
}
