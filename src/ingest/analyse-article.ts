import { createHash } from 'node:crypto';
import type { ArticleInput } from '../domain.ts';
import { chunkPassages } from '../search/passages.ts';
import type { NewArticle } from '../store/store.ts';
import { encodeFingerprint } from '../stories/codec.ts';
import { type Fingerprint, fingerprint } from '../stories/fingerprint.ts';
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

/** Everything ingest computes from an article before touching the store. */
export interface AnalysedArticle {
  article: NewArticle;
  fingerprint: Fingerprint;
}

/**
 * The pure, CPU-bound half of ingesting an article: id, headline, fingerprint, relevance, passages.
 * No I/O and no shared state, so it can run on another thread (src/ingest/analysis-pool.ts).
 */
export function analyseArticle(input: ArticleInput, nowIso: string): AnalysedArticle {
  const published = input.published ?? nowIso;
  const titleDerived = !input.title;
  const title = input.title ?? deriveHeadline(input.body);
  const fp = fingerprint({ title, body: input.body, published });
  const body = input.body;
  const passages = chunkPassages(body);
  if (passages.length === 0) passages.push(title);
  return {
    article: {
      id: articleId(input),
      url: input.url ?? null,
      source: defaultSource(input),
      title,
      titleDerived,
      published,
      ingestedAt: nowIso,
      body,
      contentHash: sha256(normaliseText(`${title}\n${body}`)),
      tradeRelevance: tradeRelevance({ title, body }),
      fingerprint: encodeFingerprint(fp),
      bandKeys: fp.bandKeys,
      passages,
    },
    fingerprint: fp,
  };
}
