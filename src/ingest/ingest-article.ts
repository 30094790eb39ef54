import { createHash } from 'node:crypto';
import type { ArticleInput } from '../domain.ts';
import { chunkPassages } from '../search/passages.ts';
import type { IngestResult, Store } from '../store/store.ts';
import { assignStory } from '../stories/assign-story.ts';
import { encodeFingerprint } from '../stories/codec.ts';
import { fingerprint, toStored } from '../stories/fingerprint.ts';
import { tradeRelevance } from '../stories/relevance.ts';
import { deriveHeadline } from '../summarise/offline.ts';
import { normaliseText } from '../text/tokens.ts';

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Article id: hash of the canonical URL when there is one, else of the normalised text, so the
 * same article ingested twice — from a file, a feed or the API — is stored once.
 */
export function articleId(input: ArticleInput): string {
  const key = input.url ? `url:${input.url}` : `text:${normaliseText(`${input.title ?? ''}\n${input.body}`)}`;
  return sha256(key).slice(0, 20);
}

function defaultSource(input: ArticleInput): string {
  if (input.source) return input.source;
  if (input.url) return new URL(input.url).hostname.replace(/^www\./, '');
  return 'unknown';
}

/**
 * Stores one validated article and assigns its story (new story, or joins a story it duplicates).
 * Safe to run twice: the second run finds the id and reports `duplicate`.
 */
export async function ingestArticle(
  store: Store,
  input: ArticleInput,
  opts: { now?: Date } = {},
): Promise<IngestResult> {
  const now = (opts.now ?? new Date()).toISOString();
  const published = input.published ?? now;
  const titleDerived = !input.title;
  const title = input.title ?? deriveHeadline(input.body);
  const fp = fingerprint({ title, body: input.body, published });
  const stored = toStored(fp);
  const body = input.body;
  const passages = chunkPassages(body);
  if (passages.length === 0) passages.push(title);

  return assignStory(
    store,
    {
      id: articleId(input),
      url: input.url ?? null,
      source: defaultSource(input),
      title,
      titleDerived,
      published,
      ingestedAt: now,
      body,
      contentHash: sha256(normaliseText(`${title}\n${body}`)),
      tradeRelevance: tradeRelevance({ title, body }),
      fingerprint: encodeFingerprint(stored),
      bandKeys: fp.bandKeys,
      passages,
    },
    fp,
    stored,
  );
}
