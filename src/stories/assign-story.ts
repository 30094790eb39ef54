import { TradewireError } from '../errors.ts';
import type {
  ArticleStore,
  IngestResult,
  NewArticle,
  StoryCandidateRow,
  StoryDecision,
} from '../store/store.ts';
import { decodeFingerprint } from './codec.ts';
import type { Fingerprint, StoredFingerprint } from './fingerprint.ts';
import { chooseStory, DEFAULT_GROUP_OPTIONS, isMaterialChange } from './group.ts';
import { windowAround } from './story-index.ts';

/** Reads before giving up: each stale read means another article sharing a key was just stored. */
export const MAX_ASSIGN_ATTEMPTS = 8;

type AssignStore = Pick<ArticleStore, 'storyCandidates' | 'storyFingerprints' | 'addArticle'>;

/**
 * Stores an article in the story it belongs to: read the candidates, decide here, write under the
 * store's check (see src/store/articles.ts). When another writer stored a candidate in between, the
 * store refuses a "new story" decision and this reads and decides again, so two workers racing
 * copies of one event end with one story. Safe to run twice: the second run reports `duplicate`.
 */
export async function assignStory(
  store: AssignStore,
  article: NewArticle,
  fp: Fingerprint,
  stored: StoredFingerprint,
  opts: { windowDays?: number } = {},
): Promise<IngestResult> {
  const window = windowAround(article.published, opts.windowDays ?? DEFAULT_GROUP_OPTIONS.windowDays);
  for (let attempt = 1; ; attempt++) {
    const snapshot = await store.storyCandidates(article, window);
    if (snapshot.existing) {
      return {
        articleId: article.id,
        storyId: snapshot.existing.storyId,
        status: 'duplicate',
        summaryDue: false,
      };
    }
    const decision = await decide(store, fp, stored, snapshot.candidates);
    const result = await store.addArticle(article, { window, token: snapshot.token, decision });
    if (result.status !== 'stale') return result;
    if (attempt >= MAX_ASSIGN_ATTEMPTS) {
      throw new TradewireError(
        'store/contention',
        `article ${article.id}: its story candidates kept changing over ${attempt} reads`,
        { retryable: true },
      );
    }
  }
}

async function decide(
  store: AssignStore,
  fp: Fingerprint,
  stored: StoredFingerprint,
  rows: readonly StoryCandidateRow[],
): Promise<StoryDecision> {
  if (rows.length === 0) return { join: null };
  const match = chooseStory(
    fp,
    rows.map((r) => ({
      articleId: r.articleId,
      storyId: r.storyId,
      published: r.published,
      fingerprint: decodeFingerprint(r.fingerprint),
    })),
  );
  if (!match) return { join: null };
  const storyFps = (await store.storyFingerprints(match.storyId)).map(decodeFingerprint);
  return { join: match.storyId, materialChange: isMaterialChange(stored, storyFps), score: match.score };
}
