import { splitParagraphs, splitSentences } from '../text/sentences.ts';

/** Retrieval works on paragraph-sized passages: big enough to answer from, small enough to cite. */
export const PASSAGE_TARGET_CHARS = 700;
export const PASSAGE_MAX_CHARS = 1400;

/**
 * Splits a body into passages: short paragraphs are merged up to the target size, long ones are
 * cut at sentence boundaries. A title-only article yields no passage (its title is indexed with
 * every passage, and the caller adds one title passage when the body is empty).
 */
export function chunkPassages(body: string): string[] {
  const out: string[] = [];
  let cur = '';
  const flush = () => {
    if (cur) out.push(cur);
    cur = '';
  };
  for (const para of splitParagraphs(body)) {
    const pieces = para.length > PASSAGE_MAX_CHARS ? packSentences(splitSentences(para)) : [para];
    for (const piece of pieces) {
      if (cur && cur.length + piece.length + 1 > PASSAGE_TARGET_CHARS) flush();
      cur = cur ? `${cur}\n${piece}` : piece;
      if (cur.length >= PASSAGE_TARGET_CHARS) flush();
    }
  }
  flush();
  return out;
}

function packSentences(sentences: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (cur && cur.length + s.length + 1 > PASSAGE_TARGET_CHARS) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur} ${s}` : s;
  }
  if (cur) out.push(cur);
  return out.map((p) => (p.length > PASSAGE_MAX_CHARS ? p.slice(0, PASSAGE_MAX_CHARS) : p));
}
