import { describe, expect, it } from 'vitest';
import type { ArticleStore, IngestResult, NewArticle, StoryDecision } from '../../../src/store/store.ts';
import { assignStory, MAX_ASSIGN_ATTEMPTS } from '../../../src/stories/assign-story.ts';
import { encodeFingerprint } from '../../../src/stories/codec.ts';
import { fingerprint, toStored } from '../../../src/stories/fingerprint.ts';

const body =
  'Mexico raised tariffs on steel imports to 25 percent on Tuesday, the economy ministry said.\n\n' +
  'The measure covers hot-rolled coil and takes effect next month, officials said in a statement.';
const fp = fingerprint({ title: 'Mexico steel tariffs', body, published: '2026-11-20T00:00:00Z' });
const stored = toStored(fp);
const article: NewArticle = {
  id: 'a2',
  url: null,
  source: 'Wire',
  title: 'Mexico steel tariffs',
  titleDerived: false,
  published: '2026-11-20T00:00:00Z',
  ingestedAt: '2026-11-20T00:00:00Z',
  body,
  contentHash: 'h',
  tradeRelevance: 0.5,
  fingerprint: encodeFingerprint(stored),
  bandKeys: fp.bandKeys,
  passages: [body],
};

type AssignStore = Pick<ArticleStore, 'storyCandidates' | 'storyFingerprints' | 'addArticle'>;

/** A store whose `addArticle` answers stale `staleTimes` times; a copy of the article appears after the first read. */
function scripted(staleTimes: number) {
  const decisions: StoryDecision[] = [];
  let reads = 0;
  const store: AssignStore = {
    async storyCandidates() {
      reads++;
      const candidates =
        reads > 1
          ? [
              {
                articleId: 'a1',
                storyId: 's1',
                published: article.published,
                fingerprint: article.fingerprint,
              },
            ]
          : [];
      return { existing: null, candidates, token: String(reads) };
    },
    async storyFingerprints() {
      return [article.fingerprint];
    },
    async addArticle(_a, placement) {
      decisions.push(placement.decision);
      if (decisions.length <= staleTimes) return { status: 'stale' };
      const storyId = placement.decision.join ?? 'a2';
      return {
        articleId: 'a2',
        storyId,
        status: placement.decision.join ? 'joined-story' : 'new',
        summaryDue: false,
      } satisfies IngestResult;
    },
  };
  return { store, decisions, reads: () => reads };
}

describe('assignStory', () => {
  it('reads and decides again when the store refuses a stale new-story write, then joins the copy', async () => {
    const s = scripted(1);
    const r = await assignStory(s.store, article, fp, stored);
    expect(s.decisions.map((d) => d.join)).toEqual([null, 's1']);
    // An exact copy brings no new sentences: not a material change.
    expect(s.decisions[1]).toMatchObject({ materialChange: false });
    expect(r).toMatchObject({ storyId: 's1', status: 'joined-story' });
  });

  it('gives up with a retryable store/contention error after MAX_ASSIGN_ATTEMPTS stale writes', async () => {
    const s = scripted(Number.POSITIVE_INFINITY);
    await expect(assignStory(s.store, article, fp, stored)).rejects.toMatchObject({
      code: 'store/contention',
      retryable: true,
    });
    expect(s.reads()).toBe(MAX_ASSIGN_ATTEMPTS);
  });

  it('reports a stored article as a duplicate without writing', async () => {
    const s = scripted(0);
    s.store.storyCandidates = async () => ({ existing: { storyId: 's9' }, candidates: [], token: '0' });
    expect(await assignStory(s.store, article, fp, stored)).toEqual({
      articleId: 'a2',
      storyId: 's9',
      status: 'duplicate',
      summaryDue: false,
    });
    expect(s.decisions).toEqual([]);
  });
});
