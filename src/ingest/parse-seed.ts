import type { ArticleInput } from '../domain.ts';

/**
 * The seed header: optional leading whitespace, the word `date` (any case, optional colon),
 * whitespace, a YYYY-MM-DD date, then whitespace or the end of the text.
 */
const SEED_HEADER = /^\s*date:?[ \t]+(\d{4}-\d{2}-\d{2})(?=\s|$)/i;

/**
 * An article in the seed text format: ` date 2019-11-26 The U.S. and China are…` followed by
 * more paragraphs. The format has no title and no URL.
 *
 * Text without the `date YYYY-MM-DD` header is accepted as a plain-text article with no date
 * (`published` undefined; the caller defaults it to ingest time) and the whole text as body.
 * A header whose date is not a real day (2019-02-30) is still taken as the header: the date is
 * passed on as written so validation rejects it ('ingest/bad-date') instead of the header
 * ending up in the body.
 *
 * Only splits fields: normalising and checking them is validateArticle's job.
 */
export function parseSeedText(text: string): ArticleInput {
  const match = SEED_HEADER.exec(text);
  if (!match) return { body: text };
  return { published: match[1], body: text.slice(match[0].length) };
}
